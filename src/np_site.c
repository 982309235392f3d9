/* Site runtime: the current snapshot behind a short lock that guards only a pointer swap, and
 * the compiled theme. A rescan runs in the one thread that found it due, outside the lock. */
#include "np_site.h"

#include <string.h>
#include <apr_file_info.h>
#include <apr_strings.h>

#include "np_theme.h"

struct np_site {
    apr_pool_t *pool;
    const np_site_conf *conf;
    apr_thread_mutex_t *lock; /* guards current, next_check, checking */
    np_snapshot *current;
    apr_time_t next_check;
    int checking;
    np_tpl_set *tpl;
};

void np_site_conf_defaults(apr_pool_t *p, np_site_conf *c)
{
    if (!c->site_name)
        c->site_name = "News";
    if (!c->language)
        c->language = "en";
    if (!c->tz) {
        c->tz = np_tz_utc();
        c->tz_name = "UTC";
    }
    if (c->page_size <= 0)
        c->page_size = 20;
    if (!c->share) {
        static const char *const def[] = {"weixin", "weibo", "x", "facebook", "linkedin", "email"};
        size_t i;
        c->share = apr_array_make(p, 6, sizeof(const char *));
        for (i = 0; i < sizeof(def) / sizeof(def[0]); i++)
            APR_ARRAY_PUSH(c->share, const char *) = def[i];
    }
    if (c->feed_full < 0)
        c->feed_full = 1;
    if (!c->max_article_size)
        c->max_article_size = 4 * 1024 * 1024;
    if (c->check_interval < 0)
        c->check_interval = 1;
    if (c->max_age < 0)
        c->max_age = 60;
    if (c->stale_on_error < 0)
        c->stale_on_error = 1;
    if (c->cache < 0)
        c->cache = 1;
    if (!c->cache_size)
        c->cache_size = 64 * 1024 * 1024;
    if (!c->routes)
        c->routes = np_routes_default(p);
}

const char *np_site_key(apr_pool_t *p, const np_site_conf *c)
{
    return apr_psprintf(p, "%s\n%s\n%s\n%s\n%" APR_SIZE_T_FMT "\n%d", c->content_dir,
                        c->templates_dir ? c->templates_dir : "", c->tz_name, c->language,
                        c->max_article_size, c->check_interval);
}

static np_snapshot *scan(const np_site_conf *c, const np_logger *log)
{
    np_content_opts o;
    o.dir = c->content_dir;
    o.lang = c->language;
    o.tz = c->tz;
    o.max_article_size = c->max_article_size;
    o.log = log;
    return np_content_scan(&o);
}

static np_tpl_set *load_theme(apr_pool_t *p, const np_site_conf *c, const np_logger *log)
{
    np_tpl_set *set = np_tpl_set_create(p);
    const np_theme_file *f;
    np_tpl_error err;
    for (f = np_theme_default; f->name; f++) {
        const char *file = apr_pstrcat(p, "default-theme/", f->name, ".mustache", NULL);
        if (!np_tpl_compile(set, f->name, file, f->data, f->len, &err))
            np_log(log, NP_LOG_ERR, "%s", err.text);
    }
    if (c->templates_dir &&
        np_tpl_set_load_dir(set, c->templates_dir, ".mustache", &err) != APR_SUCCESS)
        np_log(log, NP_LOG_ERR, "%s", err.text);
    return set;
}

static apr_status_t site_cleanup(void *data)
{
    np_site *s = data;
    np_snapshot_release(s->current);
    s->current = NULL;
    return APR_SUCCESS;
}

np_site *np_site_create(apr_pool_t *p, const np_site_conf *conf, const np_logger *log)
{
    np_site *s = apr_pcalloc(p, sizeof(*s));
    s->pool = p;
    s->conf = conf;
    apr_thread_mutex_create(&s->lock, APR_THREAD_MUTEX_DEFAULT, p);
    s->current = scan(conf, log);
    s->next_check = apr_time_now() + apr_time_from_sec(conf->check_interval);
    s->tpl = load_theme(p, conf, log);
    apr_pool_cleanup_register(p, s, site_cleanup, apr_pool_cleanup_null);
    return s;
}

/* Has any section folder changed since the snapshot was built? New folders, new and deleted
 * files change their parent folder's mtime. */
static int folders_changed(const np_snapshot *snap, apr_pool_t *p)
{
    apr_hash_index_t *hi;
    apr_finfo_t fi;
    for (hi = apr_hash_first(p, snap->sections); hi; hi = apr_hash_next(hi)) {
        const np_section *sec = apr_hash_this_val(hi);
        if (apr_stat(&fi, sec->dir, APR_FINFO_MTIME, p) != APR_SUCCESS || fi.mtime != sec->mtime)
            return 1;
    }
    return 0;
}

np_snapshot *np_site_snapshot(np_site *s, apr_time_t now, const np_logger *log)
{
    np_snapshot *snap, *fresh = NULL, *old = NULL;
    int mine = 0;

    apr_thread_mutex_lock(s->lock);
    if (!s->checking && now >= s->next_check) {
        s->checking = mine = 1;
        s->next_check = now + apr_time_from_sec(s->conf->check_interval);
    }
    snap = s->current;
    np_snapshot_retain(snap);
    apr_thread_mutex_unlock(s->lock);
    if (!mine)
        return snap;

    {
        apr_pool_t *tmp;
        apr_pool_create_unmanaged_ex(&tmp, NULL, NULL);
        if (folders_changed(snap, tmp))
            fresh = scan(s->conf, log);
        apr_pool_destroy(tmp);
    }
    apr_thread_mutex_lock(s->lock);
    if (fresh) {
        old = s->current; /* the site's own reference */
        s->current = fresh;
        np_snapshot_retain(fresh);
    }
    s->checking = 0;
    apr_thread_mutex_unlock(s->lock);
    if (!fresh)
        return snap;
    /* The request that waited for the scan serves what it found. */
    np_snapshot_release(old);
    np_snapshot_release(snap);
    return fresh;
}

const np_tpl_set *np_site_templates(np_site *s)
{
    return s->tpl;
}
