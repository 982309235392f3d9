/* mod_newsportal: serves a news site from a folder of XML articles.
 * The only file that includes httpd headers: it adapts directives, hooks and the handler to the
 * core in src/, which does all the work. */
#include "httpd.h"
#include "http_config.h"
#include "http_core.h"
#include "http_log.h"
#include "http_protocol.h"
#include "http_request.h"
#include "apr_lib.h"
#include "apr_strings.h"
#include "apr_hash.h"
#include "apr_thread_mutex.h"

#include "np_page.h"
#include "np_site.h"
#include "np_xml.h"

/* Our own message tags: APLOGNO numbers belong to httpd's modules. */
#define NPLOGNO(n) "NP" #n ": "

module AP_MODULE_DECLARE_DATA newsportal_module;


typedef struct {
    np_site_conf c;
    const char *mount; /* the <Location> this config was written in */
} np_dir_conf;

#define UNSET_INT (-1)

static void *create_dir_conf(apr_pool_t *p, char *dir)
{
    np_dir_conf *d = apr_pcalloc(p, sizeof(*d));
    d->mount = dir;
    d->c.page_size = UNSET_INT;
    d->c.feed_full = UNSET_INT;
    d->c.check_interval = UNSET_INT;
    d->c.max_age = UNSET_INT;
    d->c.stale_on_error = UNSET_INT;
    d->c.cache = UNSET_INT;
    return d;
}

#define MERGE_PTR(f) (add->f ? add->f : base->f)
#define MERGE_INT(f) (add->f != UNSET_INT ? add->f : base->f)

static void *merge_dir_conf(apr_pool_t *p, void *basev, void *addv)
{
    const np_dir_conf *bd = basev, *ad = addv;
    const np_site_conf *base = &bd->c, *add = &ad->c;
    np_dir_conf *d = apr_pcalloc(p, sizeof(*d));
    d->mount = ad->mount ? ad->mount : bd->mount;
    d->c.content_dir = MERGE_PTR(content_dir);
    d->c.templates_dir = MERGE_PTR(templates_dir);
    d->c.routes = MERGE_PTR(routes);
    d->c.site_name = MERGE_PTR(site_name);
    d->c.base_url = MERGE_PTR(base_url);
    d->c.home_label = MERGE_PTR(home_label);
    d->c.language = MERGE_PTR(language);
    d->c.tz_name = MERGE_PTR(tz_name);
    d->c.tz = MERGE_PTR(tz);
    d->c.share = MERGE_PTR(share);
    d->c.max_article_size = MERGE_PTR(max_article_size);
    d->c.cache_size = MERGE_PTR(cache_size);
    d->c.page_size = MERGE_INT(page_size);
    d->c.feed_full = MERGE_INT(feed_full);
    d->c.check_interval = MERGE_INT(check_interval);
    d->c.max_age = MERGE_INT(max_age);
    d->c.stale_on_error = MERGE_INT(stale_on_error);
    d->c.cache = MERGE_INT(cache);
    return d;
}

/* ---- directives ---- */

static const char *set_dir(cmd_parms *cmd, void *dv, const char *arg)
{
    np_dir_conf *d = dv;
    const char *path = ap_server_root_relative(cmd->pool, arg);
    apr_finfo_t fi;
    if (!path || apr_stat(&fi, path, APR_FINFO_TYPE, cmd->temp_pool) != APR_SUCCESS ||
        fi.filetype != APR_DIR)
        return apr_psprintf(cmd->pool, "%s: '%s' is not a readable folder", cmd->cmd->name, arg);
    path = apr_pstrdup(cmd->pool, path);
    if (strcmp(cmd->cmd->name, "NewsPortalContent") == 0)
        d->c.content_dir = path;
    else
        d->c.templates_dir = path;
    return NULL;
}

static const char *set_route(cmd_parms *cmd, void *dv, const char *pattern, const char *kind,
                             const char *tpl)
{
    np_dir_conf *d = dv;
    const char *err;
    if (!d->c.routes)
        d->c.routes = np_routes_create(cmd->pool);
    if ((err = np_routes_add(d->c.routes, pattern, kind, tpl)))
        return apr_psprintf(cmd->pool, "NewsPortalRoute %s %s: %s", pattern, kind, err);
    return NULL;
}

static const char *set_text(cmd_parms *cmd, void *dv, const char *arg)
{
    np_dir_conf *d = dv;
    const char *name = cmd->cmd->name;
    if (strcmp(name, "NewsPortalSiteName") == 0) {
        d->c.site_name = arg;
    } else if (strcmp(name, "NewsPortalHomeLabel") == 0) {
        d->c.home_label = arg;
    } else if (strcmp(name, "NewsPortalLanguage") == 0) {
        const char *c;
        for (c = arg; *c; c++)
            if (!apr_isalnum(*c) && *c != '-')
                break;
        if (!*arg || *c)
            return "NewsPortalLanguage: expected a language tag such as en, zh or zh-CN";
        d->c.language = arg;
    } else if (strcmp(name, "NewsPortalBaseURL") == 0) {
        apr_size_t n = strlen(arg);
        if ((strncmp(arg, "http://", 7) != 0 && strncmp(arg, "https://", 8) != 0) ||
            strchr(arg, '"') || strchr(arg, '<') || strchr(arg, ' '))
            return "NewsPortalBaseURL: expected an absolute http:// or https:// URL, such as "
                   "https://news.example.org";
        while (n > 0 && arg[n - 1] == '/')
            n--;
        d->c.base_url = apr_pstrndup(cmd->pool, arg, n);
    } else if (strcmp(name, "NewsPortalTimeZone") == 0) {
        const char *err = NULL;
        const np_tz *tz = np_tz_load(cmd->pool, arg, &err);
        if (!tz)
            return apr_psprintf(cmd->pool,
                                "NewsPortalTimeZone: unknown zone '%s' (%s); expected UTC, an "
                                "offset such as +08:00, or a zone name such as Asia/Shanghai",
                                arg, err ? err : "not found");
        d->c.tz = tz;
        d->c.tz_name = arg;
    }
    return NULL;
}

static const char *parse_count(cmd_parms *cmd, const char *arg, long min, long max, long *out)
{
    char *end;
    long v = strtol(arg, &end, 10);
    if (!*arg || *end || v < min || v > max)
        return apr_psprintf(cmd->pool, "%s: expected a whole number from %ld to %ld, got '%s'",
                            cmd->cmd->name, min, max, arg);
    *out = v;
    return NULL;
}

static const char *set_number(cmd_parms *cmd, void *dv, const char *arg)
{
    np_dir_conf *d = dv;
    const char *name = cmd->cmd->name, *err;
    long v;
    if (strcmp(name, "NewsPortalPageSize") == 0) {
        if ((err = parse_count(cmd, arg, 1, 1000, &v)))
            return err;
        d->c.page_size = (int)v;
    } else if (strcmp(name, "NewsPortalCheckInterval") == 0) {
        if ((err = parse_count(cmd, arg, 0, 86400, &v)))
            return err;
        d->c.check_interval = (int)v;
    }
    return NULL;
}

/* BYTES with an optional K, M or G suffix. */
static const char *set_size(cmd_parms *cmd, void *dv, const char *arg)
{
    np_dir_conf *d = dv;
    char *end;
    apr_int64_t v = apr_strtoi64(arg, &end, 10);
    if (*end == 'K' || *end == 'k')
        v *= 1024, end++;
    else if (*end == 'M' || *end == 'm')
        v *= 1024 * 1024, end++;
    else if (*end == 'G' || *end == 'g')
        v *= 1024 * 1024 * 1024, end++;
    if (!apr_isdigit(*arg) || *end || v < 1024 || v > ((apr_int64_t)1 << 40))
        return apr_psprintf(cmd->pool,
                            "%s: expected a size in bytes of at least 1024, with an optional K, M "
                            "or G suffix (e.g. 4M), got '%s'",
                            cmd->cmd->name, arg);
    d->c.max_article_size = (apr_size_t)v;
    return NULL;
}

static const char *set_share(cmd_parms *cmd, void *dv, const char *arg)
{
    static const char *const known[] = {"weixin", "weibo", "x", "facebook", "linkedin", "email"};
    np_dir_conf *d = dv;
    size_t i;
    if (!d->c.share)
        d->c.share = apr_array_make(cmd->pool, 6, sizeof(const char *));
    if (strcmp(arg, "none") == 0)
        return NULL;
    for (i = 0; i < sizeof(known) / sizeof(known[0]); i++)
        if (strcmp(arg, known[i]) == 0) {
            APR_ARRAY_PUSH(d->c.share, const char *) = known[i];
            return NULL;
        }
    return apr_psprintf(cmd->pool,
                        "NewsPortalShare: unknown action '%s'; expected weixin, weibo, x, "
                        "facebook, linkedin, email or none",
                        arg);
}

static const command_rec np_cmds[] = {
    AP_INIT_TAKE1("NewsPortalContent", set_dir, NULL, OR_ALL | ACCESS_CONF | RSRC_CONF,
                  "NewsPortalContent DIR: the folder of sections and XML articles to serve"),
    AP_INIT_TAKE1("NewsPortalTemplates", set_dir, NULL, ACCESS_CONF | RSRC_CONF,
                  "NewsPortalTemplates DIR: a folder of NAME.mustache templates replacing the "
                  "default theme's"),
    AP_INIT_TAKE23("NewsPortalRoute", set_route, NULL, ACCESS_CONF | RSRC_CONF,
                   "NewsPortalRoute PATTERN KIND [TEMPLATE]: e.g. /{section*}/{slug}.html article"),
    AP_INIT_TAKE1("NewsPortalSiteName", set_text, NULL, ACCESS_CONF | RSRC_CONF,
                  "NewsPortalSiteName TEXT: the site's name in titles and feeds"),
    AP_INIT_TAKE1("NewsPortalBaseURL", set_text, NULL, ACCESS_CONF | RSRC_CONF,
                  "NewsPortalBaseURL URL: scheme and host for absolute links, e.g. "
                  "https://news.example.org"),
    AP_INIT_TAKE1("NewsPortalHomeLabel", set_text, NULL, ACCESS_CONF | RSRC_CONF,
                  "NewsPortalHomeLabel TEXT: the first breadcrumb item (default: Home)"),
    AP_INIT_TAKE1("NewsPortalLanguage", set_text, NULL, ACCESS_CONF | RSRC_CONF,
                  "NewsPortalLanguage TAG: default language of articles and labels, e.g. en"),
    AP_INIT_TAKE1("NewsPortalTimeZone", set_text, NULL, ACCESS_CONF | RSRC_CONF,
                  "NewsPortalTimeZone ZONE: zone for bare dates and display, e.g. Asia/Shanghai"),
    AP_INIT_TAKE1("NewsPortalPageSize", set_number, NULL, ACCESS_CONF | RSRC_CONF,
                  "NewsPortalPageSize N: articles per listing page (1-1000)"),
    AP_INIT_TAKE1("NewsPortalCheckInterval", set_number, NULL, ACCESS_CONF | RSRC_CONF,
                  "NewsPortalCheckInterval SECONDS: how often to look for changed files (0: on "
                  "every request)"),
    AP_INIT_TAKE1("NewsPortalMaxArticleSize", set_size, NULL, ACCESS_CONF | RSRC_CONF,
                  "NewsPortalMaxArticleSize BYTES: larger article files are refused (e.g. 4M)"),
    AP_INIT_ITERATE("NewsPortalShare", set_share, NULL, ACCESS_CONF | RSRC_CONF,
                    "NewsPortalShare NAME...: share actions in order (weixin weibo x facebook "
                    "linkedin email), or none"),
    {NULL},
};

/* ---- runtime ---- */

/* Sites of this child, by np_site_key. The mutex guards the table only; a site's own state has
 * its own synchronisation. */
static apr_hash_t *np_sites;
static apr_thread_mutex_t *np_sites_lock;
static apr_pool_t *np_sites_pool;
static np_routes *np_default_routes;

static void log_to_request(void *baton, int level, const char *msg)
{
    request_rec *r = baton;
    ap_log_rerror(APLOG_MARK, level, 0, r, "%s", msg);
}

static void log_to_server(void *baton, int level, const char *msg)
{
    server_rec *s = baton;
    ap_log_error(APLOG_MARK, level, 0, s, "%s", msg);
}

static apr_status_t sites_lock(void)
{
    return np_sites_lock ? apr_thread_mutex_lock(np_sites_lock) : APR_SUCCESS;
}

static void sites_unlock(void)
{
    if (np_sites_lock)
        apr_thread_mutex_unlock(np_sites_lock);
}

/* The site for c, built by the first request that needs it. The table lock is never held
 * while a site scans its folder: two first requests may both build one, and the loser's is
 * thrown away. */
static np_site *site_for(request_rec *r, const np_site_conf *c)
{
    const char *key = np_site_key(r->pool, c);
    np_site *site, *built;
    np_site_conf *keep;
    apr_pool_t *sp;
    np_logger slog = {log_to_server, r->server, APLOG_NOTICE};

    if (sites_lock() != APR_SUCCESS)
        return NULL;
    site = apr_hash_get(np_sites, key, APR_HASH_KEY_STRING);
    if (!site && apr_pool_create(&sp, np_sites_pool) != APR_SUCCESS)
        sp = NULL;
    sites_unlock();
    if (site || !sp)
        return site;

    keep = apr_pmemdup(sp, c, sizeof(*c));
    built = np_site_create(sp, keep, &slog);
    if (sites_lock() != APR_SUCCESS) {
        apr_pool_destroy(sp);
        return NULL;
    }
    site = apr_hash_get(np_sites, key, APR_HASH_KEY_STRING);
    if (!site) {
        site = built;
        apr_hash_set(np_sites, apr_pstrdup(sp, key), APR_HASH_KEY_STRING, site);
        sp = NULL;
    }
    sites_unlock();
    if (sp)
        apr_pool_destroy(sp);
    return site;
}

static int max_log_level(request_rec *r)
{
    int level;
    for (level = APLOG_DEBUG; level > APLOG_ERR; level--)
        if (APLOG_R_MODULE_IS_LEVEL(r, APLOG_MODULE_INDEX, level))
            break;
    return level;
}

static int np_handler(request_rec *r)
{
    np_dir_conf *d;
    np_site_conf c;
    np_logger log = {log_to_request, r, APLOG_ERR};
    np_request req;
    np_response resp;
    np_site *site;
    apr_size_t mlen;
    apr_bucket_brigade *bb;

    if (!r->handler || strcmp(r->handler, "newsportal") != 0)
        return DECLINED;
    if (r->method_number != M_GET) {
        ap_allow_standard_methods(r, REPLACE_ALLOW, M_GET, -1);
        return HTTP_METHOD_NOT_ALLOWED;
    }
    d = ap_get_module_config(r->per_dir_config, &newsportal_module);
    if (!d || !d->c.content_dir) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r,
                      NPLOGNO(0001) "SetHandler newsportal without NewsPortalContent for %s",
                      r->uri);
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    c = d->c;
    if (!c.routes)
        c.routes = np_default_routes;
    np_site_conf_defaults(r->pool, &c);
    log.max_level = max_log_level(r);

    site = site_for(r, &c);
    if (!site)
        return HTTP_INTERNAL_SERVER_ERROR;

    memset(&req, 0, sizeof(req));
    req.mount = d->mount && strcmp(d->mount, "/") != 0 ? d->mount : "";
    mlen = strlen(req.mount);
    while (mlen > 0 && req.mount[mlen - 1] == '/')
        mlen--;
    req.mount = apr_pstrndup(r->pool, req.mount, mlen);
    if (mlen && strncmp(r->uri, req.mount, mlen) == 0 && (r->uri[mlen] == '/' || !r->uri[mlen]))
        req.path = r->uri[mlen] ? r->uri + mlen : "";
    else {
        req.path = r->uri;
        req.mount = "";
    }
    req.query = r->args;
    req.origin = ap_construct_url(r->pool, "", r);
    if (*req.origin && req.origin[strlen(req.origin) - 1] == '/')
        req.origin = apr_pstrndup(r->pool, req.origin, strlen(req.origin) - 1);
    req.now = r->request_time;

    np_page_serve(site, &c, &req, &resp, r->pool, &log);

    if (resp.status == HTTP_MOVED_PERMANENTLY) {
        apr_table_setn(r->headers_out, "Location", ap_construct_url(r->pool, resp.location, r));
        return HTTP_MOVED_PERMANENTLY;
    }
    r->status = resp.status;
    ap_set_content_type(r, resp.content_type);
    if (resp.last_modified) {
        ap_update_mtime(r, resp.last_modified);
        ap_set_last_modified(r);
    }
    ap_set_content_length(r, resp.len);
    if (r->header_only)
        return OK;
    bb = apr_brigade_create(r->pool, r->connection->bucket_alloc);
    APR_BRIGADE_INSERT_TAIL(
        bb, apr_bucket_pool_create(resp.body, resp.len, r->pool, r->connection->bucket_alloc));
    APR_BRIGADE_INSERT_TAIL(bb, apr_bucket_eos_create(r->connection->bucket_alloc));
    return ap_pass_brigade(r->output_filters, bb) == APR_SUCCESS ? OK : AP_FILTER_ERROR;
}

static int np_post_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp, server_rec *s)
{
    np_xml_init();
    np_default_routes = np_routes_default(pconf);
    return OK;
}

static void np_child_init(apr_pool_t *pchild, server_rec *s)
{
    np_sites_pool = pchild;
    np_sites = apr_hash_make(pchild);
    if (apr_thread_mutex_create(&np_sites_lock, APR_THREAD_MUTEX_DEFAULT, pchild) != APR_SUCCESS) {
        ap_log_error(APLOG_MARK, APLOG_CRIT, 0, s, NPLOGNO(0002) "cannot create a thread mutex");
        np_sites_lock = NULL;
    }
}

static void np_register_hooks(apr_pool_t *p)
{
    ap_hook_post_config(np_post_config, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_child_init(np_child_init, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_handler(np_handler, NULL, NULL, APR_HOOK_MIDDLE);
}

AP_DECLARE_MODULE(newsportal) = {
    STANDARD20_MODULE_STUFF, create_dir_conf, merge_dir_conf, NULL, NULL, np_cmds,
    np_register_hooks,       AP_MODULE_FLAG_NONE,
};
