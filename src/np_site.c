/* Site runtime: the current snapshot and theme behind a short lock that guards only pointer
 * swaps; change checks and rescans run in the one request that found a check due, outside it. */
#include "np_site.h"

#include <string.h>
#include <apr_atomic.h>
#include <apr_file_info.h>
#include <apr_strings.h>

#include "np_buf.h"
#include "np_cache.h"
#include "np_labels.h"
#include "np_store.h"
#include "np_theme.h"

/* Known files stat'ed per check to catch in-place edits that leave folder mtimes alone. */
#define NP_ROLLING_FILES 2000

struct np_site {
    apr_pool_t *pool;
    const np_site_conf *conf;
    apr_thread_mutex_t *lock; /* guards current, theme, next_check, checking, cursor */
    np_snapshot *current;
    np_theme *theme;
    apr_time_t next_check;
    int checking;
    int cursor; /* next file of the rolling check */
    int refreshes;
    np_cache *cache;
    np_cache *bodies;
    /* From the content index (conf->index_file): read-only handles, kept for reuse, and the
     * section tree of the newest generation seen (current). A handle opened before the file
     * was replaced (epoch) is closed instead of reused. */
    int indexed;
    apr_array_header_t *idle; /* np_site_handle *, guarded by lock */
    int epoch;
    apr_ino_t ino;
    apr_time_t next_file_check;
    int handles_open;
};

typedef struct np_site_handle {
    np_index *idx;
    int epoch;
} np_site_handle;

apr_array_header_t *np_share_default(void)
{
    /* Read-only and shared. */
    static const char *def[] = {"weixin", "weibo", "x", "facebook", "linkedin", "email"};
    static apr_array_header_t share = {NULL, sizeof(const char *), 6, 6, (char *)def};
    return &share;
}

/* Per type: the unset value, and whether a field is set. */
#define UNSET_STR NULL
#define UNSET_ROUTES NULL
#define UNSET_TZ NULL
#define UNSET_INT (-1)
#define UNSET_SHARE NULL
#define UNSET_SIZE 0
#define IS_SET_STR(v) ((v) != NULL)
#define IS_SET_ROUTES(v) ((v) != NULL)
#define IS_SET_TZ(v) ((v) != NULL)
#define IS_SET_INT(v) ((v) >= 0)
#define IS_SET_SHARE(v) ((v) != NULL)
#define IS_SET_SIZE(v) ((v) != 0)

void np_site_conf_init(np_site_conf *c)
{
#define INIT(type, name, def, keys) c->name = UNSET_##type;
    NP_SITE_CONF_FIELDS(INIT)
#undef INIT
}

void np_site_conf_merge(np_site_conf *out, const np_site_conf *base, const np_site_conf *add)
{
#define MERGE(type, name, def, keys) out->name = IS_SET_##type(add->name) ? add->name : base->name;
    NP_SITE_CONF_FIELDS(MERGE)
#undef MERGE
}

void np_site_conf_defaults(apr_pool_t *p, np_site_conf *c)
{
#define DEFAULT(type, name, def, keys)                                                             \
    if (!IS_SET_##type(c->name))                                                                   \
        c->name = def;
    NP_SITE_CONF_FIELDS(DEFAULT)
#undef DEFAULT
}

/* Each value with its length or a marker for unset, so that no value can pass for another. */
static void key_STR(np_buf *b, const char *v)
{
    if (v)
        np_buf_printf(b, "%" APR_SIZE_T_FMT ":%s\n", strlen(v), v);
    else
        np_buf_puts(b, "-\n");
}

static void key_ROUTES(np_buf *b, const np_routes *v)
{
    if (v)
        np_routes_key(b, v);
    else
        np_buf_puts(b, "-\n");
}

static void key_TZ(np_buf *b, const np_tz *v)
{
    key_STR(b, v ? np_tz_name(v) : NULL);
}

static void key_INT(np_buf *b, int v)
{
    np_buf_printf(b, "%d\n", v);
}

static void key_SHARE(np_buf *b, const apr_array_header_t *v)
{
    int i;
    if (!v) {
        np_buf_puts(b, "-\n");
        return;
    }
    np_buf_printf(b, "%d:", v->nelts);
    for (i = 0; i < v->nelts; i++)
        key_STR(b, APR_ARRAY_IDX(v, i, const char *));
}

static void key_SIZE(np_buf *b, apr_size_t v)
{
    np_buf_printf(b, "%" APR_SIZE_T_FMT "\n", v);
}

const char *np_site_conf_key(apr_pool_t *p, const np_site_conf *c, int keys)
{
    np_buf b;
    np_buf_init_pool(&b, p, 512);
#define KEY(type, name, def, k)                                                                    \
    if ((k)&keys) {                                                                                \
        np_buf_puts(&b, #name "=");                                                                \
        key_##type(&b, c->name);                                                                   \
    }
    NP_SITE_CONF_FIELDS(KEY)
#undef KEY
    return np_buf_cstr(&b);
}

const char *np_site_key(apr_pool_t *p, const np_site_conf *c)
{
    return np_site_conf_key(p, c, NP_KEY_SITE);
}

/* What a scan and the index both take from a location: fields of the same names in
 * np_content_opts and np_index_opts, the others zero. */
#define OPTS_FROM_CONF(o, c, lg)                                                                   \
    do {                                                                                           \
        memset((o), 0, sizeof(*(o)));                                                              \
        (o)->dir = (c)->content_dir;                                                               \
        (o)->lang = (c)->language;                                                                 \
        (o)->tz = (c)->tz;                                                                         \
        (o)->max_article_size = (c)->max_article_size;                                             \
        (o)->log = (lg);                                                                           \
        (o)->stale_on_error = (c)->stale_on_error > 0;                                             \
    } while (0)

static void content_opts(const np_site_conf *c, const np_logger *log, np_content_opts *o)
{
    OPTS_FROM_CONF(o, c, log);
}

static void theme_release(np_theme *t)
{
    if (t && apr_atomic_dec32(&t->refs) == 0)
        apr_pool_destroy(t->pool);
}

/* The default theme, then the operator's folder over it. A file that fails to compile is
 * logged and left to the default theme's version. */
static np_theme *theme_load(const np_site_conf *c, const np_logger *log)
{
    apr_pool_t *p;
    np_theme *t;
    const np_theme_file *f;
    np_tpl_error err;
    apr_uint64_t h = NP_HASH_INIT;

    if (apr_pool_create_unmanaged_ex(&p, NULL, NULL) != APR_SUCCESS)
        return NULL;
    t = apr_pcalloc(p, sizeof(*t));
    t->pool = p;
    t->refs = 1;
    t->set = np_tpl_set_create(p);
    t->files = apr_array_make(p, 8, sizeof(np_file_state));
    for (f = np_theme_default; f->name; f++) {
        const char *file = apr_pstrcat(p, "default-theme/", f->name, ".mustache", NULL);
        if (!np_tpl_compile(t->set, f->name, file, f->data, f->len, &err))
            np_log(log, NP_LOG_ERR, "%s", err.text);
        h = np_hash(np_hash_str(h, f->name), f->data, f->len);
    }
    if (c->templates_dir) {
        apr_dir_t *d;
        apr_finfo_t fi;
        apr_array_header_t *names = apr_array_make(p, 8, sizeof(const char *));
        int i;
        if (apr_stat(&fi, c->templates_dir, APR_FINFO_MTIME, p) == APR_SUCCESS)
            t->dir_mtime = fi.mtime;
        if (apr_dir_open(&d, c->templates_dir, p) == APR_SUCCESS) {
            while (apr_dir_read(&fi, APR_FINFO_NAME, d) == APR_SUCCESS) {
                apr_size_t n = strlen(fi.name);
                if (fi.name[0] != '.' && ((n > 9 && strcmp(fi.name + n - 9, ".mustache") == 0) ||
                                          (n > 11 && strncmp(fi.name, "labels-", 7) == 0 &&
                                           strcmp(fi.name + n - 4, ".txt") == 0)))
                    APR_ARRAY_PUSH(names, const char *) = apr_pstrdup(p, fi.name);
            }
            apr_dir_close(d);
        }
        for (i = 0; i < names->nelts; i++) {
            const char *n = APR_ARRAY_IDX(names, i, const char *);
            const char *path = apr_pstrcat(p, c->templates_dir, "/", n, NULL);
            const char *name = apr_pstrndup(p, n, strlen(n) - 9);
            int is_labels = strncmp(n, "labels-", 7) == 0;
            np_file_state *fs = apr_array_push(t->files);
            fs->path = path;
            if (apr_stat(&fi, path, APR_FINFO_MTIME | APR_FINFO_SIZE, p) == APR_SUCCESS) {
                fs->mtime = fi.mtime;
                fs->size = fi.size;
            }
            if (!is_labels && !np_tpl_compile_file(t->set, name, c->templates_dir, path, &err))
                np_log(log, NP_LOG_ERR, "%s", err.text);
            h = np_hash_u64(np_hash_str(h, path), (apr_uint64_t)fs->mtime ^ (apr_uint64_t)fs->size);
        }
    }
    t->labels = np_labels_load(p, c->templates_dir, log);
    t->label_maps = np_labels_maps(p, t->labels);
    t->digest = h;
    return t;
}

static int theme_changed(const np_site_conf *c, const np_theme *t, apr_pool_t *p)
{
    apr_finfo_t fi;
    int i;
    if (!c->templates_dir)
        return 0;
    if (apr_stat(&fi, c->templates_dir, APR_FINFO_MTIME, p) != APR_SUCCESS ||
        fi.mtime != t->dir_mtime)
        return 1;
    for (i = 0; i < t->files->nelts; i++) {
        const np_file_state *f = &APR_ARRAY_IDX(t->files, i, np_file_state);
        if (apr_stat(&fi, f->path, APR_FINFO_MTIME | APR_FINFO_SIZE, p) != APR_SUCCESS ||
            fi.mtime != f->mtime || fi.size != f->size)
            return 1;
    }
    return 0;
}

/* For the one request doing a check (s->checking): when a template file changed, the theme is
 * compiled anew, and both the site and this request's view take it. Stats and compiling run
 * outside s->lock, which guards the swap only. */
static void theme_check(np_site *s, const np_logger *log, np_site_view *out)
{
    apr_pool_t *tmp;
    np_theme *fresh = NULL, *prev;
    if (apr_pool_create_unmanaged_ex(&tmp, NULL, NULL) != APR_SUCCESS)
        return; /* no check this time; the next one tries again */
    if (theme_changed(s->conf, out->theme, tmp))
        fresh = theme_load(s->conf, log);
    apr_pool_destroy(tmp);
    if (!fresh)
        return;
    apr_thread_mutex_lock(s->lock);
    prev = s->theme; /* the site's own reference */
    s->theme = fresh;
    apr_atomic_inc32(&fresh->refs);
    apr_thread_mutex_unlock(s->lock);
    theme_release(prev);
    theme_release(out->theme);
    out->theme = fresh;
}

static apr_status_t site_cleanup(void *data)
{
    np_site *s = data;
    while (s->idle && s->idle->nelts) {
        np_site_handle *h = APR_ARRAY_IDX(s->idle, --s->idle->nelts, np_site_handle *);
        np_index_close(h->idx);
        free(h);
    }
    np_snapshot_release(s->current);
    theme_release(s->theme);
    np_cache_destroy(s->cache);
    np_cache_destroy(s->bodies);
    s->current = NULL;
    s->theme = NULL;
    s->cache = NULL;
    return APR_SUCCESS;
}

np_site *np_site_create(apr_pool_t *p, const np_site_conf *conf, const np_logger *log)
{
    np_site *s = apr_pcalloc(p, sizeof(*s));
    np_content_opts o;
    apr_size_t body_max;
    s->pool = p;
    s->conf = conf;
    if (apr_thread_mutex_create(&s->lock, APR_THREAD_MUTEX_DEFAULT, p) != APR_SUCCESS)
        return NULL;
    s->theme = theme_load(conf, log);
    if (!s->theme)
        return NULL;
    content_opts(conf, log, &o);
    if (conf->index_file) {
        s->indexed = 1;
        s->idle = apr_array_make(p, 8, sizeof(np_site_handle *));
    } else {
        s->current = np_content_scan(&o);
        s->refreshes = 1;
    }
    s->next_check = apr_time_now() + apr_time_from_sec(conf->check_interval);
    if (conf->cache)
        s->cache = np_cache_create(conf->cache_size);
    /* From the index, bodies are read with the page; this cache then holds only drawn QR
     * codes, which a cached page carries anyway */
    body_max = conf->index_file ? conf->cache_size / 32 : conf->cache_size / 4;
    s->bodies = np_cache_create(body_max > 65536 ? body_max : 65536);
    apr_pool_cleanup_register(p, s, site_cleanup, apr_pool_cleanup_null);
    return s;
}

/* The folders to read again: those whose mtime changed, and those holding a known file whose
 * mtime or size changed (in-place edits keep the folder's mtime). Returns NULL when nothing
 * changed. Reads only metadata. */
static apr_hash_t *find_changes(const np_snapshot *snap, int cursor, apr_pool_t *p)
{
    apr_hash_t *changed = apr_hash_make(p);
    apr_hash_index_t *hi;
    apr_finfo_t fi;
    int i, n = snap->files->nelts;

    for (hi = apr_hash_first(p, snap->folders); hi; hi = apr_hash_next(hi)) {
        const np_folder *f = apr_hash_this_val(hi);
        if (apr_stat(&fi, f->dir, APR_FINFO_MTIME, p) != APR_SUCCESS || fi.mtime != f->mtime) {
            /* A vanished folder shows in its parent's mtime too. */
            apr_hash_set(changed, f->dir, APR_HASH_KEY_STRING, f);
        }
    }
    for (i = 0; i < n && i < NP_ROLLING_FILES; i++) {
        const np_file_state *f = &APR_ARRAY_IDX(snap->files, (cursor + i) % n, np_file_state);
        if (apr_stat(&fi, f->path, APR_FINFO_MTIME | APR_FINFO_SIZE, p) != APR_SUCCESS ||
            fi.mtime != f->mtime || fi.size != f->size) {
            const char *slash = strrchr(f->path, '/');
            const char *dir = apr_pstrndup(p, f->path, slash ? (apr_size_t)(slash - f->path) : 0);
            apr_hash_set(changed, dir, APR_HASH_KEY_STRING, dir);
        }
    }
    return apr_hash_count(changed) ? changed : NULL;
}

void np_site_index_opts(const np_site_conf *c, const np_logger *log, np_index_opts *o)
{
    OPTS_FROM_CONF(o, c, log);
}

/* A read handle: an idle one of the current epoch, else a new one (opened outside the lock). */
static np_site_handle *handle_take(np_site *s, const np_logger *log)
{
    np_site_handle *h = NULL, *old = NULL;
    np_index_opts o;
    const char *err = NULL;
    apr_time_t now = apr_time_now();
    apr_finfo_t fi;
    apr_pool_t *tmp;

    apr_thread_mutex_lock(s->lock);
    if (now >= s->next_file_check) {
        /* The index file replaced (deleted and rebuilt): handles on the old one read a file
         * nobody writes any more. Checked at most every 200 ms, one stat. */
        s->next_file_check = now + apr_time_from_msec(200);
        apr_thread_mutex_unlock(s->lock);
        if (apr_pool_create_unmanaged_ex(&tmp, NULL, NULL) == APR_SUCCESS) {
            if (apr_stat(&fi, s->conf->index_file, APR_FINFO_INODE, tmp) == APR_SUCCESS) {
                apr_thread_mutex_lock(s->lock);
                /* also when no look had found the file: a handle opened since may be on a
                 * file a first build has renamed another over (docs/caching.md) */
                if (fi.inode != s->ino)
                    s->epoch++;
                s->ino = fi.inode;
                apr_thread_mutex_unlock(s->lock);
            }
            apr_pool_destroy(tmp);
        }
        apr_thread_mutex_lock(s->lock);
    }
    while (!h && s->idle->nelts) {
        h = APR_ARRAY_IDX(s->idle, --s->idle->nelts, np_site_handle *);
        if (h->epoch != s->epoch) {
            old = h;
            h = NULL;
            s->handles_open--;
            apr_thread_mutex_unlock(s->lock);
            np_index_close(old->idx);
            free(old);
            apr_thread_mutex_lock(s->lock);
        }
    }
    apr_thread_mutex_unlock(s->lock);
    if (h)
        return h;
    if (!(h = malloc(sizeof(*h))))
        return NULL;
    np_site_index_opts(s->conf, log, &o);
    if (apr_pool_create_unmanaged_ex(&tmp, NULL, NULL) != APR_SUCCESS) {
        free(h);
        return NULL;
    }
    apr_thread_mutex_lock(s->lock);
    h->epoch = s->epoch;
    apr_thread_mutex_unlock(s->lock);
    h->idx = np_index_open(tmp, s->conf->index_file, &o, 1, &err);
    if (!h->idx) {
        np_log(log, NP_LOG_DEBUG, "content index %s not readable yet: %s", s->conf->index_file,
               err ? err : "?");
        apr_pool_destroy(tmp);
        free(h);
        return NULL;
    }
    apr_pool_destroy(tmp);
    apr_thread_mutex_lock(s->lock);
    s->handles_open++;
    apr_thread_mutex_unlock(s->lock);
    return h;
}

static void handle_give(np_site *s, np_site_handle *h)
{
    apr_thread_mutex_lock(s->lock);
    if (h->epoch == s->epoch) {
        APR_ARRAY_PUSH(s->idle, np_site_handle *) = h;
        h = NULL;
    } else {
        s->handles_open--;
    }
    apr_thread_mutex_unlock(s->lock);
    if (h) {
        np_index_close(h->idx);
        free(h);
    }
}

/* The section tree of generation gen: the site's current one, or one read now through idx (in
 * a read transaction) and made current unless a newer one already is. NULL when the index has
 * no usable root. */
static np_snapshot *tree_for(np_site *s, np_index *idx, apr_int64_t gen, const np_logger *log)
{
    np_snapshot *tree = NULL, *old = NULL;
    np_content_opts o;
    apr_thread_mutex_lock(s->lock);
    if (s->current && s->current->generation == gen) {
        tree = s->current;
        np_snapshot_retain(tree);
    }
    apr_thread_mutex_unlock(s->lock);
    if (tree)
        return tree;
    content_opts(s->conf, log, &o);
    if (!(tree = np_store_tree(idx, &o)))
        return NULL;
    apr_thread_mutex_lock(s->lock);
    if (!s->current || s->current->generation < gen) {
        old = s->current;
        s->current = tree;
        np_snapshot_retain(tree);
        s->refreshes++;
    }
    apr_thread_mutex_unlock(s->lock);
    np_snapshot_release(old);
    return tree;
}

int np_site_view_begin(np_site_view *v, const np_logger *log)
{
    np_snapshot *tree;
    apr_int64_t gen;
    if (!v->handle || v->in_txn)
        return 0;
    if (np_index_read_begin(v->idx) != 0)
        return -1;
    v->in_txn = 1;
    gen = np_index_generation(v->idx);
    if (v->snap && v->snap->generation == gen)
        return 0;
    if (!(tree = tree_for(v->site, v->idx, gen, log)))
        return -1;
    np_snapshot_release(v->snap);
    v->snap = tree;
    return 0;
}

/* From the index: a handle in a read transaction, and the section tree of its generation. */
static void acquire_indexed(np_site *s, apr_time_t now, const np_logger *log, np_site_view *out)
{
    np_site_handle *h = handle_take(s, log);
    int check = 0;

    if (!h)
        return;
    out->idx = h->idx;
    out->handle = h;
    apr_thread_mutex_lock(s->lock);
    if (!s->checking && now >= s->next_check)
        s->checking = check = 1;
    out->theme = s->theme;
    apr_atomic_inc32(&out->theme->refs);
    apr_thread_mutex_unlock(s->lock);
    if (np_site_view_begin(out, log) != 0) {
        if (check) {
            apr_thread_mutex_lock(s->lock);
            s->checking = 0;
            apr_thread_mutex_unlock(s->lock);
        }
        np_site_release(out);
        return;
    }
    if (check) {
        theme_check(s, log, out);
        apr_thread_mutex_lock(s->lock);
        s->checking = 0;
        s->next_check = apr_time_now() + apr_time_from_sec(s->conf->check_interval);
        apr_thread_mutex_unlock(s->lock);
    }
}

void np_site_acquire(np_site *s, apr_time_t now, const np_logger *log, np_site_view *out)
{
    np_snapshot *fresh = NULL, *old_snap = NULL;
    int mine = 0, cursor = 0;

    memset(out, 0, sizeof(*out));
    out->site = s;
    if (s->indexed) {
        acquire_indexed(s, now, log, out);
        return;
    }
    apr_thread_mutex_lock(s->lock);
    if (!s->checking && now >= s->next_check) {
        s->checking = mine = 1;
        cursor = s->cursor;
    }
    out->snap = s->current;
    out->theme = s->theme;
    np_snapshot_retain(out->snap);
    apr_atomic_inc32(&out->theme->refs);
    apr_thread_mutex_unlock(s->lock);
    if (!mine)
        return;

    {
        apr_pool_t *tmp;
        apr_hash_t *changed;
        if (apr_pool_create_unmanaged_ex(&tmp, NULL, NULL) != APR_SUCCESS)
            tmp = NULL; /* no check this time; the next request tries again */
        if (tmp && (changed = find_changes(out->snap, cursor, tmp))) {
            np_content_opts o;
            content_opts(s->conf, log, &o);
            fresh = np_content_rescan(&o, out->snap, changed);
        }
        if (tmp)
            apr_pool_destroy(tmp);
    }
    theme_check(s, log, out);

    apr_thread_mutex_lock(s->lock);
    if (fresh) {
        old_snap = s->current; /* the site's own reference */
        s->current = fresh;
        np_snapshot_retain(fresh);
        s->refreshes++;
    }
    if (s->current->files->nelts)
        s->cursor = (cursor + NP_ROLLING_FILES) % s->current->files->nelts;
    s->checking = 0;
    /* Counted from the end of the check, so a slow scan cannot make checks back to back. */
    s->next_check = apr_time_now() + apr_time_from_sec(s->conf->check_interval);
    apr_thread_mutex_unlock(s->lock);

    /* The request that did the check serves what it found. */
    if (fresh) {
        np_snapshot_release(old_snap);
        np_snapshot_release(out->snap);
        out->snap = fresh;
    }
}

void np_site_release(np_site_view *v)
{
    if (v->handle) {
        if (v->in_txn)
            np_index_read_end(v->idx);
        v->in_txn = 0;
        handle_give(v->site, v->handle);
        v->handle = NULL;
        v->idx = NULL;
    }
    np_snapshot_release(v->snap);
    theme_release(v->theme);
    v->snap = NULL;
    v->theme = NULL;
}

np_snapshot *np_site_snapshot(np_site *s, apr_time_t now, const np_logger *log)
{
    np_site_view v;
    np_site_acquire(s, now, log, &v);
    theme_release(v.theme);
    return v.snap;
}

np_cache *np_site_cache(np_site *s)
{
    return s->cache;
}

np_cache *np_site_body_cache(np_site *s)
{
    return s->bodies;
}

const np_site_conf *np_site_conf_of(np_site *s)
{
    return s->conf;
}

void np_site_get_stats(np_site *s, apr_pool_t *p, np_site_stats *out)
{
    np_snapshot *snap;
    int i, from;
    memset(out, 0, sizeof(*out));
    if (s->indexed) {
        np_site_handle *h = handle_take(s, NULL);
        np_index_info info;
        apr_array_header_t *errs;
        out->indexed = 1;
        /* no handle while the first build runs: no figures, but an array all the same */
        out->recent_errors = apr_array_make(p, 1, sizeof(np_error_rec));
        if (!h)
            return;
        np_index_read_begin(h->idx);
        np_index_info_get(h->idx, &info);
        errs = np_index_errors(h->idx, p, 20);
        np_index_read_end(h->idx);
        handle_give(s, h);
        out->articles = (int)(info.articles > 0x7fffffff ? 0x7fffffff : info.articles);
        out->sections = (int)info.sections;
        out->errors = (int)info.errors;
        out->built = info.updated;
        out->recent_errors = errs;
        apr_thread_mutex_lock(s->lock);
        out->refreshes = s->refreshes;
        out->generation = s->current ? s->current->generation : 0;
        out->handles = s->handles_open;
        apr_thread_mutex_unlock(s->lock);
        return;
    }
    apr_thread_mutex_lock(s->lock);
    snap = s->current;
    np_snapshot_retain(snap);
    out->refreshes = s->refreshes;
    apr_thread_mutex_unlock(s->lock);
    out->articles = snap->nall;
    out->sections = (int)apr_hash_count(snap->sections);
    out->errors = snap->errors->nelts;
    out->built = snap->built;
    out->took = snap->took;
    out->reused = snap->reused;
    out->parsed = snap->parsed;
    out->recent_errors = apr_array_make(p, 8, sizeof(np_error_rec));
    from = snap->errors->nelts > 20 ? snap->errors->nelts - 20 : 0;
    for (i = from; i < snap->errors->nelts; i++) {
        np_error_rec *e = apr_array_push(out->recent_errors);
        e->path = apr_pstrdup(p, APR_ARRAY_IDX(snap->errors, i, np_error_rec).path);
        e->message = apr_pstrdup(p, APR_ARRAY_IDX(snap->errors, i, np_error_rec).message);
    }
    np_snapshot_release(snap);
}
