/* mod_newsportal: serves a news site from a folder of XML articles.
 * The only file that includes httpd headers: it adapts directives, hooks and the handler to the
 * core in src/, which does all the work. */
#include <stdlib.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif
#include "httpd.h"
#include "http_config.h"
#include "http_core.h"
#include "http_log.h"
#include "http_protocol.h"
#include "http_request.h"
#include "apr_lib.h"
#include "apr_strings.h"
#include <unistd.h>
#include "apr_hash.h"
#include "apr_thread_mutex.h"
#include "apr_atomic.h"
#include "ap_provider.h"
#include "ap_socache.h"
#include "ap_mpm.h"
#include "util_mutex.h"
#include "mod_status.h"
#include "mod_watchdog.h"
#include "unixd.h"
#include <errno.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/vfs.h>

#include "np_buf.h"
#include "np_cache.h"
#include "np_encoding.h"
#include "np_index.h"
#include "np_indexer.h"
#include "np_page.h"
#include "np_preview.h"
#include "np_shared.h"
#include "np_site.h"
#include "np_xml.h"

/* Our own message tags: APLOGNO numbers belong to httpd's modules. */
#define NPLOGNO(n) "NP" #n ": "

module AP_MODULE_DECLARE_DATA newsportal_module;

/* A shared cache tier: one per NewsPortalSharedCache directive. */
typedef struct np_shared {
    const char *spec; /* as configured, for messages */
    const ap_socache_provider_t *provider;
    ap_socache_instance_t *instance;
    apr_global_mutex_t *mutex; /* for providers that are not safe across processes */
    server_rec *s;
    volatile apr_uint32_t down_until; /* seconds since the epoch: skip the tier until then */
    int broken;                       /* its mutex could not be attached in this child */
    struct np_shared *next;
} np_shared;

/* pages served by this child, for the memory trimmer */
static apr_uint32_t np_served;
static np_shared *np_shared_list; /* every tier configured, for post_config and child_init */
static const char *const np_mutex_id = "newsportal-shared";

/* The configurations a merged one was made from, in order: config-time objects, so the list
 * names the merged result exactly, and a request finds the work done for it (defaults, keys,
 * its site) by this list instead of doing it again. */
#define NP_SOURCES_MAX 8

typedef struct np_dir_conf {
    np_site_conf c;
    const char *dir;   /* the <Location> this config was written in (NULL: server level) */
    const char *mount; /* the <Location> that set NewsPortalContent: the site's mount point */
    np_shared *shared;
    int shared_set;
    const np_preview_key *preview_key; /* NewsPortalPreviewSecret; NULL: previews refused */
    const struct np_dir_conf *sources[NP_SOURCES_MAX];
    int nsources; /* -1: too many to name */
} np_dir_conf;

static void *create_dir_conf(apr_pool_t *p, char *dir)
{
    np_dir_conf *d = apr_pcalloc(p, sizeof(*d));
    np_site_conf_init(&d->c);
    d->dir = dir;
    /* One made while serving belongs to an .htaccess file read for one request: its address
     * names nothing lasting, so what is merged with it is prepared for that request alone. */
    if (ap_state_query(AP_SQ_MAIN_STATE) == AP_SQ_MS_RUN_MPM) {
        d->nsources = -1;
    } else {
        d->sources[0] = d;
        d->nsources = 1;
    }
    return d;
}

static void *merge_dir_conf(apr_pool_t *p, void *basev, void *addv)
{
    const np_dir_conf *bd = basev, *ad = addv;
    np_dir_conf *d = apr_pcalloc(p, sizeof(*d));
    np_site_conf_merge(&d->c, &bd->c, &ad->c);
    /* A nested <Location> that sets other fields changes them for its URLs and keeps the
     * mount; only one that names a content folder starts a site of its own. */
    d->mount = ad->c.content_dir ? ad->mount : bd->mount;
    d->dir = ad->dir;
    d->shared = ad->shared_set ? ad->shared : bd->shared;
    d->shared_set = ad->shared_set || bd->shared_set;
    d->preview_key = ad->preview_key ? ad->preview_key : bd->preview_key;
    if (bd->nsources < 0 || ad->nsources < 0 || bd->nsources + ad->nsources > NP_SOURCES_MAX) {
        d->nsources = -1;
    } else {
        memcpy(d->sources, bd->sources, sizeof(d->sources[0]) * (apr_size_t)bd->nsources);
        memcpy(d->sources + bd->nsources, ad->sources,
               sizeof(d->sources[0]) * (apr_size_t)ad->nsources);
        d->nsources = bd->nsources + ad->nsources;
    }
    return d;
}

/* Every <Location> that names a content folder, for the checks made once the configuration is
 * read. */
typedef struct {
    const np_dir_conf *d;
    server_rec *s;
} np_mount_rec;
static apr_array_header_t *np_mounts;

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
    if (strcmp(cmd->cmd->name, "NewsPortalContent") == 0) {
        np_mount_rec *m;
        d->c.content_dir = path;
        d->mount = d->dir;
        if (np_mounts) {
            m = apr_array_push(np_mounts);
            m->d = d;
            m->s = cmd->server;
        }
    } else
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
    } else if (strcmp(name, "NewsPortalMaxAge") == 0) {
        if ((err = parse_count(cmd, arg, 0, 31536000, &v)))
            return err;
        d->c.max_age = (int)v;
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
    if (strcmp(cmd->cmd->name, "NewsPortalCacheSize") == 0)
        d->c.cache_size = (apr_size_t)v;
    else
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

static const char *set_flag(cmd_parms *cmd, void *dv, int on)
{
    np_dir_conf *d = dv;
    if (strcmp(cmd->cmd->name, "NewsPortalCache") == 0)
        d->c.cache = on;
    else
        d->c.stale_on_error = on;
    return NULL;
}

static const char *set_feed_content(cmd_parms *cmd, void *dv, const char *arg)
{
    np_dir_conf *d = dv;
    if (strcasecmp(arg, "full") == 0)
        d->c.feed_full = 1;
    else if (strcasecmp(arg, "summary") == 0)
        d->c.feed_full = 0;
    else
        return apr_psprintf(cmd->pool, "NewsPortalFeedContent: expected full or summary, got '%s'",
                            arg);
    return NULL;
}

/* gzip, br (any of them, in any order) or off. */
static const char *set_compress(cmd_parms *cmd, void *dv, const char *arg)
{
    np_dir_conf *d = dv;
    int bit;
    if (strcasecmp(arg, "off") == 0) {
        if (d->c.compress > 0)
            return "NewsPortalCompress: off cannot be given with encodings";
        d->c.compress = 0;
        return NULL;
    }
    if (strcasecmp(arg, "gzip") == 0)
        bit = NP_ENC_BIT(NP_ENC_GZIP);
    else if (strcasecmp(arg, "br") == 0)
        bit = NP_ENC_BIT(NP_ENC_BR);
    else
        return apr_psprintf(cmd->pool,
                            "NewsPortalCompress: unknown encoding '%s'; expected gzip, br (or "
                            "both), or off",
                            arg);
    if (d->c.compress == 0)
        return "NewsPortalCompress: off cannot be given with encodings";
    d->c.compress = (d->c.compress > 0 ? d->c.compress : 0) | bit;
    return NULL;
}

/* PROVIDER[:ARGS], looked up now so configtest names a provider that is not loaded. */
static const char *set_shared(cmd_parms *cmd, void *dv, const char *arg)
{
    np_dir_conf *d = dv;
    np_shared *sh;
    const char *colon = strchr(arg, ':'), *err;
    const char *name = colon ? apr_pstrndup(cmd->pool, arg, colon - arg) : arg;
    d->shared_set = 1;
    if (strcasecmp(arg, "none") == 0) {
        d->shared = NULL;
        return NULL;
    }
    sh = apr_pcalloc(cmd->pool, sizeof(*sh));
    sh->spec = arg;
    sh->provider = ap_lookup_provider(AP_SOCACHE_PROVIDER_GROUP, name, AP_SOCACHE_PROVIDER_VERSION);
    if (!sh->provider)
        return apr_psprintf(cmd->pool,
                            "NewsPortalSharedCache: unknown socache provider '%s'. Maybe you need "
                            "to load mod_socache_%s? (expected shmcb, memcache:HOST:PORT or "
                            "redis:HOST:PORT)",
                            name, name);
    if ((err = sh->provider->create(&sh->instance, colon ? colon + 1 : NULL, cmd->temp_pool,
                                    cmd->pool)))
        return apr_psprintf(cmd->pool, "NewsPortalSharedCache %s: %s", arg, err);
    sh->s = cmd->server;
    sh->next = np_shared_list;
    np_shared_list = sh;
    d->shared = sh;
    return NULL;
}

/* ---- the content index: where it lives and how the indexer follows the tree ---- */

static const char *np_index_dir; /* NewsPortalIndexDir; NULL: NP_INDEX_DIR_DEFAULT */
static int np_watch_max;         /* NewsPortalWatchMax; 0: NP_WATCH_MAX_DEFAULT */
#define NP_WATCH_MAX_DEFAULT 100000

/* c's index file when NewsPortalIndex does not name one: the same in the parent, the indexer
 * and every child, since it comes from the fields that shape the index and nothing else
 * (StaleOnError too: whether a broken file keeps its last good version is decided when it is
 * indexed). */
static void index_fill(apr_pool_t *p, np_site_conf *c)
{
    if (!c->index_file && c->content_dir)
        c->index_file = np_index_default_file(p, np_index_dir ? np_index_dir : NP_INDEX_DIR_DEFAULT,
                                              c->content_dir, c->language, c->tz,
                                              c->max_article_size, c->stale_on_error);
}

static const char *set_index(cmd_parms *cmd, void *dv, const char *arg)
{
    np_dir_conf *d = dv;
    const char *name = cmd->cmd->name;
    apr_size_t n = strlen(arg);
    if (arg[0] != '/' || arg[n - 1] == '/' || strstr(arg, "/../") || strstr(arg, "/./"))
        return apr_psprintf(cmd->pool, "%s: expected an absolute path%s, got '%s'", name,
                            strcmp(name, "NewsPortalIndex") == 0 ? " of a file" : "", arg);
    if (strcmp(name, "NewsPortalIndexDir") == 0) {
        const char *err = ap_check_cmd_context(cmd, GLOBAL_ONLY);
        if (err)
            return err;
        np_index_dir = apr_pstrdup(cmd->pool, arg);
    } else {
        apr_finfo_t fi;
        if (apr_stat(&fi, arg, APR_FINFO_TYPE, cmd->temp_pool) == APR_SUCCESS &&
            fi.filetype == APR_DIR)
            return apr_psprintf(cmd->pool,
                                "NewsPortalIndex: '%s' is a folder; name the index file in it "
                                "(or use NewsPortalIndexDir)",
                                arg);
        d->c.index_file = apr_pstrdup(cmd->pool, arg);
    }
    return NULL;
}

static const char *set_watch(cmd_parms *cmd, void *dv, const char *arg)
{
    np_dir_conf *d = dv;
    if (strcmp(cmd->cmd->name, "NewsPortalWatchMax") == 0) {
        long v;
        const char *err = ap_check_cmd_context(cmd, GLOBAL_ONLY);
        if (err || (err = parse_count(cmd, arg, 1, 10000000, &v)))
            return err;
        np_watch_max = (int)v;
    } else if (strcasecmp(arg, "auto") == 0)
        d->c.watch = NP_WATCH_AUTO;
    else if (strcasecmp(arg, "inotify") == 0)
        d->c.watch = NP_WATCH_INOTIFY;
    else if (strcasecmp(arg, "poll") == 0)
        d->c.watch = NP_WATCH_POLL;
    else
        return apr_psprintf(cmd->pool, "NewsPortalWatch: expected auto, inotify or poll, got '%s'",
                            arg);
    return NULL;
}

/* Read now, while the server still runs as root: the file may be readable by root alone. */
static const char *set_preview_secret(cmd_parms *cmd, void *dv, const char *arg)
{
    np_dir_conf *d = dv;
    const char *err = NULL, *path = ap_server_root_relative(cmd->temp_pool, arg);
    if (!path || !(d->preview_key = np_preview_key_load(cmd->pool, path, &err)))
        return apr_psprintf(cmd->pool, "NewsPortalPreviewSecret: %s",
                            err ? err : apr_pstrcat(cmd->pool, "bad path '", arg, "'", NULL));
    return NULL;
}

static const command_rec np_cmds[] = {
    /* No NewsPortal directive is allowed in .htaccess: none of them is for authors. */
    AP_INIT_TAKE1("NewsPortalContent", set_dir, NULL, ACCESS_CONF | RSRC_CONF,
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
    AP_INIT_FLAG("NewsPortalCache", set_flag, NULL, ACCESS_CONF | RSRC_CONF,
                 "NewsPortalCache On|Off: keep rendered pages in memory (default On)"),
    AP_INIT_TAKE1("NewsPortalCacheSize", set_size, NULL, ACCESS_CONF | RSRC_CONF,
                  "NewsPortalCacheSize BYTES: memory bound of a site's page cache per process "
                  "(e.g. 64M)"),
    AP_INIT_TAKE1("NewsPortalSharedCache", set_shared, NULL, ACCESS_CONF | RSRC_CONF,
                  "NewsPortalSharedCache PROVIDER[:ARGS]: a page cache shared between servers: "
                  "shmcb, memcache:HOST:PORT or redis:HOST:PORT"),
    AP_INIT_TAKE1("NewsPortalMaxAge", set_number, NULL, ACCESS_CONF | RSRC_CONF,
                  "NewsPortalMaxAge SECONDS: Cache-Control max-age of pages (default 60)"),
    AP_INIT_FLAG("NewsPortalStaleOnError", set_flag, NULL, ACCESS_CONF | RSRC_CONF,
                 "NewsPortalStaleOnError On|Off: serve the last good version of an article whose "
                 "file broke (default On)"),
    AP_INIT_TAKE1("NewsPortalFeedContent", set_feed_content, NULL, ACCESS_CONF | RSRC_CONF,
                  "NewsPortalFeedContent full|summary: what feeds carry (default full)"),
    AP_INIT_ITERATE("NewsPortalCompress", set_compress, NULL, ACCESS_CONF | RSRC_CONF,
                    "NewsPortalCompress gzip|br...|off: content codings of pages, made once per "
                    "cached page (default gzip br)"),
    AP_INIT_ITERATE("NewsPortalShare", set_share, NULL, ACCESS_CONF | RSRC_CONF,
                    "NewsPortalShare NAME...: share actions in order (weixin weibo x facebook "
                    "linkedin email), or none"),
    AP_INIT_TAKE1("NewsPortalPreviewSecret", set_preview_secret, NULL, ACCESS_CONF | RSRC_CONF,
                  "NewsPortalPreviewSecret FILE: the secret (at least 32 bytes) that signs "
                  "preview links (newsportal preview-link); without it they are refused"),
    AP_INIT_TAKE1("NewsPortalIndex", set_index, NULL, ACCESS_CONF | RSRC_CONF,
                  "NewsPortalIndex FILE: the content index of this location (absolute; on local "
                  "disk; default: a file in NewsPortalIndexDir)"),
    AP_INIT_TAKE1("NewsPortalIndexDir", set_index, NULL, RSRC_CONF,
                  "NewsPortalIndexDir DIR: where content indexes go when NewsPortalIndex does not "
                  "say (default " NP_INDEX_DIR_DEFAULT ")"),
    AP_INIT_TAKE1("NewsPortalWatch", set_watch, NULL, ACCESS_CONF | RSRC_CONF,
                  "NewsPortalWatch auto|inotify|poll: how the indexer learns of changes (default "
                  "auto)"),
    AP_INIT_TAKE1("NewsPortalWatchMax", set_watch, NULL, RSRC_CONF,
                  "NewsPortalWatchMax N: most folders the indexer watches with inotify; beyond, "
                  "it polls (default 100000)"),
    {NULL, {NULL}, NULL, 0, RAW_ARGS, NULL},
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
    return np_sites_lock ? apr_thread_mutex_lock(np_sites_lock) : APR_EGENERAL;
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
    if (!(built = np_site_create(sp, keep, &slog))) {
        ap_log_rerror(APLOG_MARK, APLOG_CRIT, 0, r,
                      NPLOGNO(0003) "cannot set up the site for %s (out of memory or threads)",
                      c->content_dir);
        apr_pool_destroy(sp);
        return NULL;
    }
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

/* What a request needs of its configuration, worked out once per configuration and child:
 * the fields with their defaults, the mount point, the page key and the site. */
typedef struct {
    np_site_conf c;
    const char *mount; /* without a trailing slash; "" for "/" */
    const char *conf_key, *conf_id;
    np_site *site;
} np_prepared;

static apr_hash_t *np_prepared_by_sources; /* sources list -> np_prepared */
static apr_hash_t *np_conf_ids;            /* page key of a configuration -> its short id */

static void prepare(request_rec *r, const np_dir_conf *d, apr_pool_t *p, np_prepared *out)
{
    const char *m = d->mount && strcmp(d->mount, "/") != 0 ? d->mount : "";
    apr_size_t mlen = strlen(m);
    out->c = d->c;
    if (!out->c.routes)
        out->c.routes = np_default_routes;
    np_site_conf_defaults(p, &out->c);
    index_fill(p, &out->c);
    while (mlen > 0 && m[mlen - 1] == '/')
        mlen--;
    out->mount = apr_pstrndup(p, m, mlen);
    out->conf_key = np_site_conf_key(p, &out->c, NP_KEY_PAGE);
    out->conf_id = NULL;
    out->site = site_for(r, &out->c);
}

/* The prepared configuration of d: from the table when d's sources name it, else made for this
 * request alone. NULL when its site cannot be set up. */
static const np_prepared *prepared_for(request_rec *r, const np_dir_conf *d)
{
    apr_size_t klen = sizeof(d->sources[0]) * (apr_size_t)(d->nsources > 0 ? d->nsources : 0);
    np_prepared *pr, *won;
    apr_pool_t *pp;
    const char *id;

    if (d->nsources > 0) {
        if (sites_lock() != APR_SUCCESS)
            return NULL;
        pr = apr_hash_get(np_prepared_by_sources, d->sources, (apr_ssize_t)klen);
        sites_unlock();
        if (pr)
            return pr;
    }
    if (d->nsources <= 0) {
        pr = apr_pcalloc(r->pool, sizeof(*pr));
        prepare(r, d, r->pool, pr);
        return pr->site ? pr : NULL;
    }
    if (apr_pool_create(&pp, np_sites_pool) != APR_SUCCESS)
        return NULL;
    pr = apr_pcalloc(pp, sizeof(*pr));
    prepare(r, d, pp, pr);
    if (!pr->site || sites_lock() != APR_SUCCESS) {
        apr_pool_destroy(pp);
        return NULL;
    }
    if ((won = apr_hash_get(np_prepared_by_sources, d->sources, (apr_ssize_t)klen))) {
        sites_unlock();
        apr_pool_destroy(pp);
        return won;
    }
    /* Configurations with equal page keys share their cached pages under one short id. */
    if (!(id = apr_hash_get(np_conf_ids, pr->conf_key, APR_HASH_KEY_STRING))) {
        id = apr_psprintf(pp, "conf#%u\n", apr_hash_count(np_conf_ids));
        apr_hash_set(np_conf_ids, pr->conf_key, APR_HASH_KEY_STRING, id);
    }
    pr->conf_id = id;
    apr_hash_set(np_prepared_by_sources, apr_pmemdup(pp, d->sources, klen), (apr_ssize_t)klen, pr);
    sites_unlock();
    return pr;
}

/* Is host one of the names of the virtual host that answered (ServerName, ServerAlias)? */
static int host_is_ours(const server_rec *s, const char *host)
{
    int i;
    if (s->server_hostname && strcasecmp(host, s->server_hostname) == 0)
        return 1;
    for (i = 0; s->names && i < s->names->nelts; i++)
        if (strcasecmp(host, APR_ARRAY_IDX(s->names, i, const char *)) == 0)
            return 1;
    for (i = 0; s->wild_names && i < s->wild_names->nelts; i++)
        if (ap_strcasecmp_match(host, APR_ARRAY_IDX(s->wild_names, i, const char *)) == 0)
            return 1;
    return 0;
}

/* Scheme, host and port of absolute URLs when no NewsPortalBaseURL is set, without a trailing
 * slash. A Host header that names this virtual host is used as httpd's UseCanonicalName says;
 * any other Host gets the ServerName (with its port, else the scheme's), so a reader cannot make
 * pages that link to a host of their choosing. */
static const char *request_origin(request_rec *r)
{
    const server_rec *s = r->server;
    const char *url;
    apr_size_t n;
    if (r->hostname && host_is_ours(s, r->hostname)) {
        url = ap_construct_url(r->pool, "", r);
    } else {
        apr_port_t port = s->port ? s->port : ap_default_port(r);
        const char *h = s->server_hostname ? s->server_hostname : "localhost";
        url = apr_psprintf(r->pool, "%s://%s%s%s", ap_http_scheme(r),
                           ap_strchr_c(h, ':') ? apr_pstrcat(r->pool, "[", h, "]", NULL) : h,
                           ap_is_default_port(port, r) ? "" : ":",
                           ap_is_default_port(port, r) ? "" : apr_itoa(r->pool, port));
    }
    n = strlen(url);
    while (n > 0 && url[n - 1] == '/')
        n--;
    return apr_pstrndup(r->pool, url, n);
}

static int max_log_level(request_rec *r)
{
    int level;
    for (level = APLOG_DEBUG; level > APLOG_ERR; level--)
        if (APLOG_R_MODULE_IS_LEVEL(r, APLOG_MODULE_INDEX, level))
            break;
    return level;
}

/* ---- the shared tier: socache behind np_shared_tier ---- */

#define NP_SHARED_MAX (512 * 1024) /* pages larger than this are not shared */
#define NP_SHARED_BACKOFF 10       /* seconds to leave a failing tier alone */

typedef struct {
    np_shared *sh;
    request_rec *r;
} shared_baton;

static int shared_usable(np_shared *sh)
{
    return apr_atomic_read32(&sh->down_until) <= (apr_uint32_t)apr_time_sec(apr_time_now());
}

/* A failing tier is skipped for a while, with one warning, so no request stalls on it. */
static void shared_failed(np_shared *sh, request_rec *r, apr_status_t rv, const char *what)
{
    apr_uint32_t until = (apr_uint32_t)apr_time_sec(apr_time_now()) + NP_SHARED_BACKOFF;
    apr_uint32_t was = apr_atomic_read32(&sh->down_until);
    if (apr_atomic_cas32(&sh->down_until, until, was) == was)
        ap_log_rerror(APLOG_MARK, APLOG_WARNING, rv, r,
                      NPLOGNO(0010) "shared cache %s: %s failed; rendering locally, and not "
                                    "asking it again for %d seconds",
                      sh->spec, what, NP_SHARED_BACKOFF);
}

static int shared_get(void *baton, const char *key, apr_size_t klen, char **data, apr_size_t *len,
                      apr_pool_t *p)
{
    shared_baton *b = baton;
    np_shared *sh = b->sh;
    char id[33];
    unsigned int dlen = NP_SHARED_MAX;
    unsigned char *buf;
    apr_status_t rv;
    if (!shared_usable(sh))
        return 0;
    np_shared_id(key, klen, id);
    buf = apr_palloc(p, dlen);
    if (sh->mutex && apr_global_mutex_lock(sh->mutex) != APR_SUCCESS)
        return 0;
    rv = sh->provider->retrieve(sh->instance, b->r->server, (unsigned char *)id, 32, buf, &dlen, p);
    if (sh->mutex)
        apr_global_mutex_unlock(sh->mutex);
    if (rv == APR_NOTFOUND || APR_STATUS_IS_ENOENT(rv) || rv == APR_ENOSPC)
        return 0;
    if (rv != APR_SUCCESS) {
        shared_failed(sh, b->r, rv, "retrieve");
        return 0;
    }
    *data = (char *)buf;
    *len = dlen;
    return 1;
}

static void shared_put(void *baton, const char *key, apr_size_t klen, const char *data,
                       apr_size_t len, apr_time_t expiry, apr_pool_t *p)
{
    shared_baton *b = baton;
    np_shared *sh = b->sh;
    char id[33];
    apr_status_t rv;
    if (!shared_usable(sh) || len > NP_SHARED_MAX)
        return;
    np_shared_id(key, klen, id);
    /* At most a day (memcached reads far expiry times as 32-bit values); the dependency
     * digest tells stale from fresh anyway. */
    if (!expiry || expiry > apr_time_now() + apr_time_from_sec(86400))
        expiry = apr_time_now() + apr_time_from_sec(86400);
    if (sh->mutex && apr_global_mutex_lock(sh->mutex) != APR_SUCCESS)
        return;
    rv = sh->provider->store(sh->instance, b->r->server, (unsigned char *)id, 32, expiry,
                             (unsigned char *)data, (unsigned int)len, p);
    if (sh->mutex)
        apr_global_mutex_unlock(sh->mutex);
    if (rv != APR_SUCCESS)
        shared_failed(sh, b->r, rv, "store");
}

static void release_entry(void *body)
{
    np_cache_release(np_cache_entry_of(body));
}

/* A compressed form: its entry's reference, or the form itself when it is the response's. */
static void release_rep(void *data)
{
    np_cache_rep *rep = np_cache_rep_of(data);
    if (rep->owner)
        np_cache_release(rep->owner);
    else
        np_cache_rep_free(rep);
}

/* Sent with every preview response and refusal: nothing may keep, index or pass on a page
 * whose address holds a token (docs/security.md). */
static void preview_headers(request_rec *r)
{
    apr_table_setn(r->err_headers_out, "Cache-Control", "private, no-store");
    apr_table_setn(r->err_headers_out, "X-Robots-Tag", "noindex");
    apr_table_setn(r->err_headers_out, "Referrer-Policy", "no-referrer");
}

/* A link that is not a good preview link: 403 with a plain page, and why in the log (info:
 * it is the visitor's matter, not the operator's). */
static int preview_refused(request_rec *r, const char *why, int expired)
{
    const char *body = expired ? "This preview link has expired. Ask for a new one.\n"
                               : "This preview link is not valid. Ask for a new one.\n";
    ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r, NPLOGNO(0031) "preview link refused for %s: %s",
                  r->uri, why);
    preview_headers(r);
    r->status = HTTP_FORBIDDEN;
    ap_set_content_type(r, "text/plain; charset=utf-8");
    ap_set_content_length(r, strlen(body));
    if (!r->header_only)
        ap_rputs(body, r);
    return OK;
}

static int np_handler(request_rec *r)
{
    np_dir_conf *d;
    const np_prepared *pr;
    const np_site_conf *c;
    const char *origin;
    np_logger log = {log_to_request, r, APLOG_ERR};
    np_request req;
    np_response resp;
    np_shared_tier tier;
    shared_baton sb;
    np_preview pv;
    const char *tok;
    apr_size_t mlen, tlen;
    apr_bucket_brigade *bb;
    apr_bucket *e;
    int rv;

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
    if (!(pr = prepared_for(r, d)))
        return HTTP_INTERNAL_SERVER_ERROR;
    c = &pr->c;
    log.max_level = max_log_level(r);
    apr_atomic_inc32(&np_served);

    memset(&req, 0, sizeof(req));
    req.mount = pr->mount;
    mlen = strlen(req.mount);
    origin = c->base_url ? c->base_url : request_origin(r);
    if (mlen && strncmp(r->uri, req.mount, mlen) == 0 && !r->uri[mlen]) {
        /* "/news" is the home page's URL without its slash */
        np_buf b;
        np_buf_init_pool(&b, r->pool, 256);
        np_buf_puts(&b, origin);
        np_buf_url_path(&b, req.mount, mlen);
        np_buf_putc(&b, '/');
        if (r->args) {
            np_buf_putc(&b, '?');
            np_buf_url_query(&b, r->args, strlen(r->args));
        }
        apr_table_setn(r->headers_out, "Location", np_buf_cstr(&b));
        if (np_preview_param(r->args, &tok, &tlen))
            preview_headers(r); /* its Location holds the token */
        return HTTP_MOVED_PERMANENTLY;
    }
    if (mlen && strncmp(r->uri, req.mount, mlen) == 0 && r->uri[mlen] == '/')
        req.path = r->uri + mlen;
    else {
        req.path = r->uri;
        req.mount = "";
    }
    req.query = r->args;
    if (!c->base_url)
        req.origin = origin;
    req.now = r->request_time;
    req.conf_key = pr->conf_key;
    req.conf_id = pr->conf_id;
    if (c->compress > 0)
        req.encoding =
            np_encoding_negotiate(apr_table_get(r->headers_in, "Accept-Encoding"), c->compress);
    switch (np_preview_param(r->args, &tok, &tlen)) {
    case 0:
        break;
    case 1:
        if (!d->preview_key)
            return preview_refused(r, "no NewsPortalPreviewSecret applies to this URL", 0);
        switch (np_preview_verify(r->pool, d->preview_key, tok, tlen, r->uri,
                                  apr_time_sec(r->request_time), &pv)) {
        case NP_PREVIEW_OK:
            req.preview = &pv;
            break;
        case NP_PREVIEW_EXPIRED:
            return preview_refused(r, "expired", 1);
        default:
            return preview_refused(r, "bad signature or format, or made for another URL", 0);
        }
        break;
    default:
        return preview_refused(r, "more than one preview parameter", 0);
    }
    if (d->shared && !d->shared->broken && c->cache && !req.preview) {
        sb.sh = d->shared;
        sb.r = r;
        tier.baton = &sb;
        tier.get = shared_get;
        tier.put = shared_put;
        req.shared = &tier;
    }

    np_page_serve(pr->site, c, &req, &resp, r->pool, &log);
    if (req.preview)
        preview_headers(r);

    if (resp.status == HTTP_MOVED_PERMANENTLY) {
        /* resp.location is a percent-encoded path; the origin is the one the pages use. */
        apr_table_setn(r->headers_out, "Location",
                       apr_pstrcat(r->pool, origin, resp.location, NULL));
        return HTTP_MOVED_PERMANENTLY;
    }
    if (resp.status == HTTP_SERVICE_UNAVAILABLE) {
        /* the content index is being built for the first time (docs/caching.md) */
        apr_table_setn(r->headers_out, "Retry-After", apr_itoa(r->pool, resp.retry_after));
        apr_table_setn(r->headers_out, "Cache-Control", "no-store");
        r->status = HTTP_SERVICE_UNAVAILABLE;
        ap_set_content_type(r, resp.content_type);
        ap_set_content_length(r, resp.len);
        if (!r->header_only)
            ap_rwrite(resp.body, (int)resp.len, r);
        return OK;
    }
    r->status = resp.status;
    ap_set_content_type(r, resp.content_type);
    if (resp.negotiable) {
        /* The module chose the coding: httpd's own compressors must not compress it again,
         * nor an identity page that did not gain (docs/caching.md). */
        apr_table_mergen(r->headers_out, "Vary", "Accept-Encoding");
        apr_table_setn(r->subprocess_env, "no-gzip", "1");
        apr_table_setn(r->subprocess_env, "no-brotli", "1");
    }
    if (resp.encoding) {
        r->content_encoding = np_encoding_name(resp.encoding);
        apr_table_setn(r->headers_out, "Content-Encoding", r->content_encoding);
    }
    if (resp.cache_state)
        apr_table_setn(r->headers_out, "X-NewsPortal-Cache", resp.cache_state);
    if (req.preview) {
        /* no ETag, no Last-Modified, no 304: a preview is never the page readers get */
    } else if (resp.status == HTTP_OK) {
        apr_time_t until = resp.expires_at;
        apr_int64_t max_age = c->max_age;
        if (until && until > r->request_time) {
            apr_int64_t left = apr_time_sec(until - r->request_time + APR_USEC_PER_SEC - 1);
            if (left < max_age)
                max_age = left;
        }
        apr_table_setn(r->headers_out, "Cache-Control",
                       apr_psprintf(r->pool, "max-age=%" APR_INT64_T_FMT, max_age));
        /* A copy: the entry holding resp.etag may be freed before the headers go out. */
        if (resp.etag)
            apr_table_set(r->headers_out, "ETag", resp.etag);
        if (resp.last_modified) {
            ap_update_mtime(r, resp.last_modified);
            ap_set_last_modified(r);
        }
        /* RFC 9110 precedence: If-None-Match over If-Modified-Since. */
        if ((rv = ap_meets_conditions(r)) != OK) {
            np_page_response_release(&resp);
            r->status = HTTP_OK;
            return rv;
        }
    } else {
        apr_table_setn(r->headers_out, "Cache-Control", "no-cache");
    }
    ap_set_content_length(r, resp.len);
    if (r->header_only || !resp.entry) {
        np_page_response_release(&resp);
        return OK;
    }
    /* The page goes out as one bucket straight from the cache entry; its reference is dropped
     * when the bucket is destroyed. */
    bb = apr_brigade_create(r->pool, r->connection->bucket_alloc);
    if (resp.rep) {
        /* with a form of its own, the entry's reference is not needed for the bucket */
        if (!resp.rep->owner)
            np_cache_release(resp.entry);
        e = apr_bucket_heap_create(resp.body, resp.len, release_rep, r->connection->bucket_alloc);
    } else
        e = apr_bucket_heap_create(resp.entry->body, resp.len, release_entry,
                                   r->connection->bucket_alloc);
    APR_BRIGADE_INSERT_TAIL(bb, e);
    APR_BRIGADE_INSERT_TAIL(bb, apr_bucket_eos_create(r->connection->bucket_alloc));
    return ap_pass_brigade(r->output_filters, bb) == APR_SUCCESS ? OK : AP_FILTER_ERROR;
}

/* ---- status ---- */

typedef struct {
    request_rec *r;
    int json, n;
} status_ctx;

/* s escaped for a JSON string (quotes not included). */
static const char *json_str(apr_pool_t *p, const char *s)
{
    np_buf b;
    np_buf_init_pool(&b, p, strlen(s) + 16);
    np_buf_json(&b, s, strlen(s));
    return np_buf_cstr(&b);
}

/* ---- the content index: every configuration's file, checks, the indexer ---- */

/* One index file and what the indexer needs to keep it: the first configuration that uses it
 * (its fields with their defaults), where that was written, and what the checks found. */
typedef struct {
    np_site_conf c;
    const char *where; /* "<Location /news>", for messages */
    int named;         /* by NewsPortalIndex, not made in NewsPortalIndexDir */
    int tmpfs;         /* the index is on a RAM file system */
    const char *no_inotify;
    server_rec *s;
} np_index_rec;

static apr_array_header_t *np_indexes; /* np_index_rec, one per distinct file */

typedef struct {
    np_indexer **ix;
    volatile int cancel;
    apr_os_thread_t thread; /* the watchdog's, once it runs here */
    int running;
    np_logger log;
} np_indexer_state;
static np_indexer_state *np_indexer_st;

/* A section's path is a prefix of another's as the location and directory walks see it. */
static int section_covers(const char *outer, const char *inner)
{
    apr_size_t n = strlen(outer);
    return strncmp(outer, inner, n) == 0 &&
           (n == 0 || outer[n - 1] == '/' || inner[n] == '/' || inner[n] == '\0');
}

static const char *shape_of(apr_pool_t *p, const np_site_conf *c)
{
    return apr_psprintf(
        p, "content %s, language %s, time zone %s, size limit %" APR_SIZE_T_FMT ", StaleOnError %s",
        c->content_dir, c->language, np_tz_name(c->tz), c->max_article_size,
        c->stale_on_error > 0 ? "On" : "Off");
}

/* Adds the effective configuration d (written in where) to np_indexes. An error message when
 * one NewsPortalIndex file would hold two differently parsed trees. */
static const char *index_add(apr_pool_t *pconf, apr_pool_t *ptemp, server_rec *s,
                             const np_dir_conf *d, const char *where)
{
    np_index_rec *rec;
    np_site_conf c = d->c;
    int i, named = c.index_file != NULL;
    if (!c.content_dir)
        return NULL;
    if (!c.routes)
        c.routes = np_default_routes ? np_default_routes : np_routes_default(pconf);
    np_site_conf_defaults(pconf, &c);
    index_fill(pconf, &c);
    for (i = 0; i < np_indexes->nelts; i++) {
        np_index_rec *o = &APR_ARRAY_IDX(np_indexes, i, np_index_rec);
        if (strcmp(o->c.index_file, c.index_file) != 0)
            continue;
        if (strcmp(shape_of(ptemp, &o->c), shape_of(ptemp, &c)) != 0)
            return apr_psprintf(pconf,
                                "NewsPortalIndex %s: %s and %s parse differently (%s; %s); "
                                "give each its own index file",
                                c.index_file, o->where, where, shape_of(ptemp, &o->c),
                                shape_of(ptemp, &c));
        /* the strictest watching and the shortest interval of those sharing it */
        if (c.watch == NP_WATCH_INOTIFY ||
            (c.watch == NP_WATCH_AUTO && o->c.watch == NP_WATCH_POLL))
            o->c.watch = c.watch;
        if (c.check_interval < o->c.check_interval)
            o->c.check_interval = c.check_interval;
        return NULL;
    }
    rec = apr_array_push(np_indexes);
    memset(rec, 0, sizeof(*rec));
    rec->c = c;
    rec->where = apr_pstrdup(pconf, where);
    rec->named = named;
    rec->s = s;
    return NULL;
}

/* Every configuration that names a content folder, as requests will see it: the server's own,
 * and each <Location> or <Directory> merged with every section that covers its path (in the
 * order httpd merges them: the order of the configuration, folders by depth). Sections matched by
 * regular expressions or wildcards count as written. */
static const char *index_collect(apr_pool_t *pconf, apr_pool_t *ptemp, server_rec *main_s)
{
    server_rec *s;
    const char *err;
    np_indexes = apr_array_make(pconf, 4, sizeof(np_index_rec));
    for (s = main_s; s; s = s->next) {
        core_server_config *sconf = ap_get_core_module_config(s->module_config);
        const np_dir_conf *sd = ap_get_module_config(s->lookup_defaults, &newsportal_module);
        int k;
        if (sd && (err = index_add(pconf, ptemp, s, sd, "the server configuration")))
            return err;
        for (k = 0; k < 2; k++) {
            apr_array_header_t *secs = k ? sconf->sec_dir : sconf->sec_url;
            ap_conf_vector_t **v = secs ? (ap_conf_vector_t **)secs->elts : NULL;
            int i, j;
            for (i = 0; secs && i < secs->nelts; i++) {
                core_dir_config *ci = ap_get_core_module_config(v[i]);
                const np_dir_conf *di = ap_get_module_config(v[i], &newsportal_module);
                const np_dir_conf *m = sd;
                int plain = ci && ci->d && !ci->r && !ci->d_is_fnmatch;
                if (!di || !ci || !ci->d)
                    continue;
                for (j = 0; j < secs->nelts; j++) {
                    core_dir_config *cj = ap_get_core_module_config(v[j]);
                    const np_dir_conf *dj = ap_get_module_config(v[j], &newsportal_module);
                    if (!dj || !cj || !cj->d)
                        continue;
                    if (j == i ||
                        (plain && !cj->r && !cj->d_is_fnmatch && section_covers(cj->d, ci->d)))
                        m = m ? merge_dir_conf(ptemp, (void *)m, (void *)dj) : dj;
                }
                if (m && (err = index_add(
                              pconf, ptemp, s, m,
                              apr_psprintf(ptemp, "<%s %s>", k ? "Directory" : "Location", ci->d))))
                    return err;
            }
        }
    }
    return NULL;
}

/* The kind of file system path is on when it is one where the index cannot work or the
 * watcher cannot see (NULL otherwise); *tmpfs set for a RAM file system. path need not exist:
 * its nearest existing folder is asked. */
static const char *fs_kind(apr_pool_t *p, const char *path, int *tmpfs, const char **existing)
{
    struct statfs sf;
    char *at = apr_pstrdup(p, path);
    for (;;) {
        if (statfs(at, &sf) == 0)
            break;
        char *slash = strrchr(at, '/');
        if (!slash || slash == at) {
            at = "/";
            if (statfs(at, &sf) != 0)
                return NULL;
            break;
        }
        *slash = '\0';
    }
    if (existing)
        *existing = at;
    if (tmpfs)
        *tmpfs = sf.f_type == 0x01021994; /* TMPFS_MAGIC */
    switch ((unsigned long)sf.f_type) {
    case 0x6969: /* NFS_SUPER_MAGIC */
        return "NFS";
    case 0xFF534D42: /* CIFS_MAGIC_NUMBER */
        return "CIFS";
    case 0x517B:     /* SMB_SUPER_MAGIC */
    case 0xFE534D42: /* SMB2_MAGIC_NUMBER */
        return "SMB";
    case 0x65735546: /* FUSE_SUPER_MAGIC */
        return "FUSE";
    }
    return NULL;
}

/* The folder of an index file. */
static const char *index_folder(apr_pool_t *p, const char *file)
{
    const char *slash = strrchr(file, '/');
    return slash && slash != file ? apr_pstrndup(p, file, (apr_size_t)(slash - file)) : "/";
}

/* Which directive put the index there, for messages. */
static const char *index_directive(const np_index_rec *rec)
{
    return rec->named ? "NewsPortalIndex" : "NewsPortalIndexDir";
}

/* Said once per start, and by configtest. */
static void index_warnings(server_rec *s)
{
    int i;
    for (i = 0; np_indexes && i < np_indexes->nelts; i++) {
        const np_index_rec *rec = &APR_ARRAY_IDX(np_indexes, i, np_index_rec);
        if (rec->tmpfs)
            ap_log_error(APLOG_MARK, APLOG_WARNING, 0, s,
                         NPLOGNO(0023) "%s: the index %s (for %s) is on a tmpfs: it is lost at "
                                       "every reboot and built again from nothing",
                         index_directive(rec), rec->c.index_file, rec->where);
    }
}

/* What configtest and every start refuse, with the directive to change; warnings are logged. */
static int index_check(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp, server_rec *s)
{
    const char *err;
    int i;
    if ((err = index_collect(pconf, ptemp, s))) {
        ap_log_error(APLOG_MARK, APLOG_CRIT, 0, s, NPLOGNO(0020) "%s", err);
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    if (np_indexes->nelts && !APR_RETRIEVE_OPTIONAL_FN(ap_watchdog_get_instance)) {
        ap_log_error(APLOG_MARK, APLOG_CRIT, 0, s,
                     NPLOGNO(0027) "mod_watchdog is not loaded: the content index needs it for "
                                   "its indexer (LoadModule watchdog_module)");
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    for (i = 0; i < np_indexes->nelts; i++) {
        np_index_rec *rec = &APR_ARRAY_IDX(np_indexes, i, np_index_rec);
        const char *folder = index_folder(ptemp, rec->c.index_file), *existing = NULL, *kind;
        const char *directive = index_directive(rec);
        int tmpfs = 0;
        apr_finfo_t fi;
        if ((kind = fs_kind(ptemp, folder, &tmpfs, &existing))) {
            ap_log_error(APLOG_MARK, APLOG_CRIT, 0, s,
                         NPLOGNO(0021) "%s: the index %s (for %s) would be on a %s file system; "
                                       "SQLite's write-ahead log needs local disk: put it on a "
                                       "local folder",
                         directive, rec->c.index_file, rec->where, kind);
            return HTTP_INTERNAL_SERVER_ERROR;
        }
        if (apr_stat(&fi, existing, APR_FINFO_TYPE, ptemp) != APR_SUCCESS ||
            fi.filetype != APR_DIR ||
            (strcmp(existing, folder) != 0 && access(existing, W_OK | X_OK) != 0)) {
            ap_log_error(APLOG_MARK, APLOG_CRIT, 0, s,
                         NPLOGNO(0022) "%s: the folder %s of the index %s (for %s) cannot be "
                                       "created: %s is not a writable folder",
                         directive, folder, rec->c.index_file, rec->where, existing);
            return HTTP_INTERNAL_SERVER_ERROR;
        }
        rec->tmpfs = tmpfs;
        if ((kind = fs_kind(ptemp, rec->c.content_dir, NULL, NULL))) {
            if (rec->c.watch == NP_WATCH_INOTIFY) {
                ap_log_error(APLOG_MARK, APLOG_CRIT, 0, s,
                             NPLOGNO(0024) "NewsPortalWatch inotify: the content folder %s (%s) "
                                           "is on a %s file system, where inotify does not see "
                                           "changes made by other machines; use auto or poll",
                             rec->c.content_dir, rec->where, kind);
                return HTTP_INTERNAL_SERVER_ERROR;
            }
            rec->no_inotify = apr_psprintf(pconf, "the content is on a %s file system", kind);
        }
    }
    return OK;
}

/* The index folders, made by root for the user children run as: the indexer (in a child)
 * writes the file and its -wal, and every child maps its -shm. */
static void index_prepare_folders(apr_pool_t *ptemp, server_rec *s)
{
    int i;
    for (i = 0; i < np_indexes->nelts; i++) {
        const np_index_rec *rec = &APR_ARRAY_IDX(np_indexes, i, np_index_rec);
        const char *folder = index_folder(ptemp, rec->c.index_file);
        int made = 0, dedicated = strcmp(folder, NP_INDEX_DIR_DEFAULT) == 0;
        static const char *const companions[] = {"", "-wal", "-shm", ".lock", "-build", "-new"};
        size_t k;
        if (access(folder, F_OK) != 0) {
            if (apr_dir_make_recursive(folder,
                                       APR_FPROT_UREAD | APR_FPROT_UWRITE | APR_FPROT_UEXECUTE |
                                           APR_FPROT_GREAD | APR_FPROT_GEXECUTE | APR_FPROT_WREAD |
                                           APR_FPROT_WEXECUTE,
                                       ptemp) != APR_SUCCESS) {
                ap_log_error(APLOG_MARK, APLOG_ERR, errno, s,
                             NPLOGNO(0025) "cannot create the index folder %s", folder);
                continue;
            }
            made = 1;
        }
        if (geteuid() != 0)
            continue;
        /* only a folder of ours: one made here, or the default one (an operator's folder, such
         * as a NewsPortalIndexDir that exists, may hold anything) */
        if (made || dedicated) {
            if (chown(folder, ap_unixd_config.user_id, ap_unixd_config.group_id) != 0 ||
                chmod(folder, 0750) != 0)
                ap_log_error(APLOG_MARK, APLOG_ERR, errno, s,
                             NPLOGNO(0028) "cannot give the index folder %s to User %s", folder,
                             ap_unixd_config.user_name);
        } else {
            struct stat sb;
            if (stat(folder, &sb) == 0 && sb.st_uid != ap_unixd_config.user_id &&
                !(sb.st_mode & S_IWOTH) &&
                !(sb.st_gid == ap_unixd_config.group_id && (sb.st_mode & S_IWGRP)))
                ap_log_error(APLOG_MARK, APLOG_WARNING, 0, s,
                             NPLOGNO(0026) "%s: the folder %s of the index %s is not writable by "
                                           "User %s, who writes the index and its -wal, -shm and "
                                           ".lock files there",
                             index_directive(rec), folder, rec->c.index_file,
                             ap_unixd_config.user_name);
        }
        /* files left by `newsportal index` run as root */
        for (k = 0; k < sizeof(companions) / sizeof(companions[0]); k++) {
            const char *f = apr_pstrcat(ptemp, rec->c.index_file, companions[k], NULL);
            struct stat sb;
            if (stat(f, &sb) == 0 && sb.st_uid != ap_unixd_config.user_id &&
                chown(f, ap_unixd_config.user_id, ap_unixd_config.group_id) != 0)
                ap_log_error(APLOG_MARK, APLOG_ERR, errno, s,
                             NPLOGNO(0029) "cannot give the index file %s to User %s", f,
                             ap_unixd_config.user_name);
        }
    }
}

static void log_to_indexer(void *baton, int level, const char *msg)
{
    server_rec *s = baton;
    ap_log_error(APLOG_MARK, level, 0, s, "%s", msg);
}

static void indexer_progress(void *baton, const np_index_stats *stats);

/* The indexer: a mod_watchdog singleton, so exactly one child at a time runs it (with a child's
 * rights); when that child exits or dies, the next child to take the watchdog's lock does. */
static apr_status_t indexer_callback(int state, void *data, apr_pool_t *pool)
{
    np_indexer_state *st = data;
    int i;
    switch (state) {
    case AP_WATCHDOG_STATE_STARTING:
        st->thread = apr_os_thread_current();
        st->running = 1;
        st->ix = calloc((size_t)np_indexes->nelts + 1, sizeof(np_indexer *));
        for (i = 0; st->ix && i < np_indexes->nelts; i++) {
            const np_index_rec *rec = &APR_ARRAY_IDX(np_indexes, i, np_index_rec);
            np_indexer_conf ic;
            memset(&ic, 0, sizeof(ic));
            ic.file = rec->c.index_file;
            np_site_index_opts(&rec->c, &st->log, &ic.opts);
            /* parsing threads: the indexer shares the machine with the children it feeds */
            ic.opts.threads = 2;
            ic.opts.cancel = &st->cancel;
            ic.opts.progress = indexer_progress;
            ic.opts.baton = st;
            ic.watch = rec->c.watch;
            ic.max_watches = np_watch_max ? np_watch_max : NP_WATCH_MAX_DEFAULT;
            ic.poll_interval = rec->c.check_interval;
            ic.no_inotify = rec->no_inotify;
            st->ix[i] = np_indexer_create(&ic);
        }
        return APR_SUCCESS;
    case AP_WATCHDOG_STATE_RUNNING:
        for (i = 0; st->ix && i < np_indexes->nelts && !st->cancel; i++)
            if (st->ix[i])
                np_indexer_step(st->ix[i]);
        return APR_SUCCESS;
    case AP_WATCHDOG_STATE_STOPPING:
        st->cancel = 1;
        /* from the child's exit while a pass runs in the watchdog's thread: the pass stops at
         * its next transaction, and the process's end closes the rest */
        if (!st->running || !apr_os_thread_equal(st->thread, apr_os_thread_current()))
            return APR_SUCCESS;
        for (i = 0; st->ix && i < np_indexes->nelts; i++)
            np_indexer_destroy(st->ix[i]);
        free(st->ix);
        st->ix = NULL;
        st->running = 0;
        return APR_SUCCESS;
    }
    return APR_SUCCESS;
}

/* After every commit of a pass: a child told to stop (a graceful restart) ends the pass there,
 * without waiting for the watchdog to notice between two steps. */
static void indexer_progress(void *baton, const np_index_stats *stats)
{
    np_indexer_state *st = baton;
    int state;
    if (ap_mpm_query(AP_MPMQ_MPM_STATE, &state) != APR_SUCCESS || state == AP_MPMQ_STOPPING)
        st->cancel = 1;
}

static apr_status_t indexer_cancel(void *data)
{
    np_indexer_state *st = data;
    st->cancel = 1;
    return APR_SUCCESS;
}

/* Registers the indexer with mod_watchdog (on every start: pconf holds the registration). */
static int indexer_register(apr_pool_t *pconf, server_rec *s)
{
    APR_OPTIONAL_FN_TYPE(ap_watchdog_get_instance) * get_instance;
    APR_OPTIONAL_FN_TYPE(ap_watchdog_register_callback) * register_callback;
    ap_watchdog_t *wd;
    apr_status_t rv;
    int level;
    if (!np_indexes->nelts)
        return OK;
    get_instance = APR_RETRIEVE_OPTIONAL_FN(ap_watchdog_get_instance);
    register_callback = APR_RETRIEVE_OPTIONAL_FN(ap_watchdog_register_callback);
    if (!get_instance || !register_callback) {
        ap_log_error(APLOG_MARK, APLOG_CRIT, 0, s,
                     NPLOGNO(0027) "mod_watchdog is not loaded: the content index needs it for "
                                   "its indexer (LoadModule watchdog_module)");
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    np_indexer_st = apr_pcalloc(pconf, sizeof(*np_indexer_st));
    np_indexer_st->log.fn = log_to_indexer;
    np_indexer_st->log.baton = s;
    for (level = APLOG_DEBUG; level > APLOG_ERR; level--)
        if (APLOG_IS_LEVEL(s, level))
            break;
    np_indexer_st->log.max_level = level;
    if ((rv = get_instance(&wd, "newsportal-indexer", 0, 1, pconf)) != APR_SUCCESS ||
        (rv = register_callback(wd, AP_WD_TM_SLICE, np_indexer_st, indexer_callback)) !=
            APR_SUCCESS) {
        ap_log_error(APLOG_MARK, APLOG_CRIT, rv, s,
                     NPLOGNO(0030) "cannot register the content indexer with mod_watchdog");
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    return OK;
}

/* Each child gives the memory its threads freed back to the system, once a second after it
 * served pages: free pages in the middle of glibc's heap otherwise stay the process's, 2 to 3 MB
 * in a child that had served 1,000 pages (docs/caching.md, "Memory of a child"). A per-child
 * watchdog thread does it, never a request; it takes 0.1 to 0.5 ms. */
static apr_status_t trimmer_callback(int state, void *data, apr_pool_t *pool)
{
    static apr_uint32_t seen;
    apr_uint32_t now;
    (void)data;
    (void)pool;
    if (state != AP_WATCHDOG_STATE_RUNNING)
        return APR_SUCCESS;
    now = apr_atomic_read32(&np_served);
    if (now != seen) {
        seen = now;
#if defined(__GLIBC__)
        malloc_trim(0);
#endif
    }
    return APR_SUCCESS;
}

/* Without mod_watchdog (a configuration without an index needs none) nothing is trimmed. */
static void trimmer_register(apr_pool_t *pconf)
{
    APR_OPTIONAL_FN_TYPE(ap_watchdog_get_instance) *get_instance =
        APR_RETRIEVE_OPTIONAL_FN(ap_watchdog_get_instance);
    APR_OPTIONAL_FN_TYPE(ap_watchdog_register_callback) *register_callback =
        APR_RETRIEVE_OPTIONAL_FN(ap_watchdog_register_callback);
    ap_watchdog_t *wd;
    if (get_instance && register_callback &&
        get_instance(&wd, "newsportal-memory", 0, 0, pconf) == APR_SUCCESS)
        register_callback(wd, apr_time_from_sec(1), NULL, trimmer_callback);
}

/* ---- the content index on the status page ---- */

static const char *file_size(apr_pool_t *p, const char *file, const char *suffix)
{
    struct stat sb;
    const char *f = apr_pstrcat(p, file, suffix, NULL);
    return stat(f, &sb) == 0 ? apr_psprintf(p, "%" APR_OFF_T_FMT, (apr_off_t)sb.st_size) : "0";
}

static void status_indexes(request_rec *r, int json)
{
    int i;
    if (json)
        ap_rputs(",\"indexes\":[", r);
    for (i = 0; np_indexes && i < np_indexes->nelts; i++) {
        const np_index_rec *rec = &APR_ARRAY_IDX(np_indexes, i, np_index_rec);
        np_index_opts o;
        np_index *idx;
        np_index_info info;
        const char *err = NULL, *pid = NULL, *state = NULL, *watch = NULL, *changed = NULL,
                   *schema = NULL, *alive = "unknown", *failure = NULL;
        memset(&info, 0, sizeof(info));
        np_site_index_opts(&rec->c, NULL, &o);
        if ((idx = np_index_open(r->pool, rec->c.index_file, &o, 1, &err))) {
            np_index_info_get(idx, &info);
            pid = np_index_meta_get(idx, r->pool, "indexer.pid");
            state = np_index_meta_get(idx, r->pool, "indexer.state");
            watch = np_index_meta_get(idx, r->pool, "indexer.watch");
            changed = np_index_meta_get(idx, r->pool, "indexer.changed");
            schema = np_index_meta_get(idx, r->pool, "schema");
            failure = np_index_meta_get(idx, r->pool, "indexer.error");
            if (failure && !*failure)
                failure = NULL;
            np_index_close(idx);
        }
        if (pid) {
            long n = strtol(pid, NULL, 10);
            alive = n > 0 && (kill((pid_t)n, 0) == 0 || errno == EPERM) ? "yes" : "no";
            pid = apr_ltoa(r->pool, n);
        }
        if (schema)
            schema = apr_ltoa(r->pool, strtol(schema, NULL, 10));
        if (json) {
            ap_rprintf(
                r,
                "%s{\"file\":\"%s\",\"content\":\"%s\",\"size\":%s,\"wal_size\":%s,"
                "\"usable\":%s,\"schema\":%s,\"generation\":%" APR_INT64_T_FMT
                ",\"articles\":%" APR_INT64_T_FMT ",\"sections\":%" APR_INT64_T_FMT
                ",\"tags\":%" APR_INT64_T_FMT ",\"errors\":%" APR_INT64_T_FMT
                ",\"updated\":%" APR_INT64_T_FMT ",\"last_change\":%s,"
                "\"indexer\":{\"pid\":%s,\"running\":%s,\"state\":\"%s\",\"watch\":\"%s\"}",
                i ? "," : "", json_str(r->pool, rec->c.index_file),
                json_str(r->pool, rec->c.content_dir), file_size(r->pool, rec->c.index_file, ""),
                file_size(r->pool, rec->c.index_file, "-wal"), idx ? "true" : "false",
                schema ? schema : "null", info.generation, info.articles, info.sections, info.tags,
                info.errors, (apr_int64_t)apr_time_sec(info.updated),
                changed ? apr_psprintf(r->pool, "%" APR_INT64_T_FMT,
                                       (apr_int64_t)apr_time_sec(apr_atoi64(changed)))
                        : "null",
                pid ? pid : "null",
                !pid                        ? "null"
                : strcmp(alive, "yes") == 0 ? "true"
                                            : "false",
                json_str(r->pool, state ? state : ""), json_str(r->pool, watch ? watch : ""));
            if (!idx || failure)
                ap_rprintf(r, ",\"problem\":\"%s\"",
                           json_str(r->pool, failure ? failure
                                             : err   ? err
                                                     : ""));
            ap_rputs("}", r);
            continue;
        }
        ap_rprintf(r, "<h2>Content index %s</h2>\n<table>\n",
                   ap_escape_html(r->pool, rec->c.index_file));
        ap_rprintf(r,
                   "<tr><th>Content</th><td>%s</td></tr>\n<tr><th>Size</th><td>%s bytes (write-"
                   "ahead log %s bytes)</td></tr>\n",
                   ap_escape_html(r->pool, rec->c.content_dir),
                   file_size(r->pool, rec->c.index_file, ""),
                   file_size(r->pool, rec->c.index_file, "-wal"));
        if (!idx) {
            ap_rprintf(r, "<tr><th>Problem</th><td>%s</td></tr>\n</table>\n",
                       ap_escape_html(r->pool, err ? err : ""));
            continue;
        }
        ap_rprintf(r,
                   "<tr><th>Schema</th><td>%s</td></tr>\n<tr><th>Generation</th><td>"
                   "%" APR_INT64_T_FMT "</td></tr>\n<tr><th>Indexed</th><td>%" APR_INT64_T_FMT
                   " articles, %" APR_INT64_T_FMT " sections, %" APR_INT64_T_FMT
                   " tags, %" APR_INT64_T_FMT " errors</td></tr>\n",
                   schema ? schema : "?", info.generation, info.articles, info.sections, info.tags,
                   info.errors);
        ap_rprintf(r, "<tr><th>Last change seen</th><td>%s</td></tr>\n",
                   changed ? ap_ht_time(r->pool, apr_atoi64(changed), "%Y-%m-%d %H:%M:%S %Z", 0)
                           : "none");
        ap_rprintf(r,
                   "<tr><th>Indexer</th><td>process %s (%s), %s</td></tr>\n<tr><th>Watch</th>"
                   "<td>%s</td></tr>\n</table>\n",
                   pid ? pid : "none",
                   strcmp(alive, "yes") == 0  ? "running"
                   : strcmp(alive, "no") == 0 ? "not running"
                                              : "?",
                   ap_escape_html(r->pool, state ? state : "not started"),
                   ap_escape_html(r->pool, watch ? watch : "-"));
        if (failure)
            ap_rprintf(r, "<p class=\"errors\">The last pass failed: %s</p>\n",
                       ap_escape_html(r->pool, failure));
    }
    if (json)
        ap_rputs("]", r);
}

static void status_site(status_ctx *sc, const char *key, np_site *site)
{
    request_rec *r = sc->r;
    np_site_stats st;
    np_cache_stats cs, bs;
    const np_site_conf *conf = np_site_conf_of(site);
    np_cache *cache = np_site_cache(site);
    apr_int64_t age;
    int i;
    np_site_get_stats(site, r->pool, &st);
    memset(&cs, 0, sizeof(cs));
    if (cache)
        np_cache_get_stats(cache, &cs);
    np_cache_get_stats(np_site_body_cache(site), &bs);
    age = apr_time_sec(apr_time_now() - st.built);
    if (sc->json) {
        ap_rprintf(
            r,
            "%s{\"content\":\"%s\",\"articles\":%d,\"sections\":%d,\"snapshot_age\":"
            "%" APR_INT64_T_FMT ",\"refresh_ms\":%.3f,\"refreshes\":%d,\"last_refresh_parsed\":%d,"
            "\"last_refresh_reused\":%d,\"page_cache\":{\"enabled\":%s,\"entries\":%" APR_SIZE_T_FMT
            ",\"bytes\":%" APR_SIZE_T_FMT ",\"max_bytes\":%" APR_SIZE_T_FMT
            ",\"hits\":%" APR_UINT64_T_FMT ",\"misses\":%" APR_UINT64_T_FMT
            ",\"hit_ratio\":%.4f},\"article_cache\":{\"entries\":%" APR_SIZE_T_FMT
            ",\"bytes\":%" APR_SIZE_T_FMT ",\"hits\":%" APR_UINT64_T_FMT
            ",\"misses\":%" APR_UINT64_T_FMT "},\"errors\":[",
            sc->n++ ? "," : "", json_str(r->pool, conf->content_dir), st.articles, st.sections, age,
            st.took / 1000.0, st.refreshes, st.parsed, st.reused, cache ? "true" : "false",
            cs.entries, cs.bytes, cs.max_bytes, cs.hits, cs.misses,
            cs.hits + cs.misses ? (double)cs.hits / (double)(cs.hits + cs.misses) : 0.0, bs.entries,
            bs.bytes, bs.hits, bs.misses);
        for (i = 0; i < st.recent_errors->nelts; i++)
            ap_rprintf(r, "%s\"%s\"", i ? "," : "",
                       json_str(r->pool, APR_ARRAY_IDX(st.recent_errors, i, np_error_rec).message));
        ap_rputs("]}", r);
        return;
    }
    ap_rprintf(r, "<h2>%s</h2>\n<table>\n", ap_escape_html(r->pool, conf->content_dir));
    ap_rprintf(r, "<tr><th>Articles</th><td>%d</td></tr><tr><th>Sections</th><td>%d</td></tr>\n",
               st.articles, st.sections);
    ap_rprintf(r,
               "<tr><th>Last refresh</th><td>%" APR_INT64_T_FMT " s ago, took %.1f ms (%d files "
               "read, %d reused; %d snapshots built)</td></tr>\n",
               age, st.took / 1000.0, st.parsed, st.reused, st.refreshes);
    if (cache)
        ap_rprintf(r,
                   "<tr><th>Page cache</th><td>%" APR_SIZE_T_FMT " pages, %" APR_SIZE_T_FMT
                   " of %" APR_SIZE_T_FMT " bytes, %" APR_UINT64_T_FMT " hits, %" APR_UINT64_T_FMT
                   " misses (%.1f%% hits)</td></tr>\n",
                   cs.entries, cs.bytes, cs.max_bytes, cs.hits, cs.misses,
                   cs.hits + cs.misses ? 100.0 * cs.hits / (cs.hits + cs.misses) : 0.0);
    else
        ap_rputs("<tr><th>Page cache</th><td>off</td></tr>\n", r);
    ap_rprintf(r,
               "<tr><th>Article cache</th><td>%" APR_SIZE_T_FMT " bodies, %" APR_SIZE_T_FMT
               " bytes, %" APR_UINT64_T_FMT " hits, %" APR_UINT64_T_FMT " misses</td></tr>\n",
               bs.entries, bs.bytes, bs.hits, bs.misses);
    ap_rprintf(r, "<tr><th>Parse errors</th><td>%d</td></tr>\n</table>\n", st.errors);
    if (st.recent_errors->nelts) {
        ap_rputs("<ul class=\"errors\">\n", r);
        for (i = 0; i < st.recent_errors->nelts; i++)
            ap_rprintf(
                r, "<li>%s</li>\n",
                ap_escape_html(r->pool, APR_ARRAY_IDX(st.recent_errors, i, np_error_rec).message));
        ap_rputs("</ul>\n", r);
    }
    (void)key;
}

static void status_all(status_ctx *sc)
{
    apr_hash_index_t *hi;
    apr_array_header_t *sites = apr_array_make(sc->r->pool, 4, sizeof(np_site *));
    int i;
    if (!np_sites)
        return;
    if (sites_lock() != APR_SUCCESS)
        return;
    for (hi = apr_hash_first(sc->r->pool, np_sites); hi; hi = apr_hash_next(hi))
        APR_ARRAY_PUSH(sites, np_site *) = apr_hash_this_val(hi);
    sites_unlock();
    for (i = 0; i < sites->nelts; i++)
        status_site(sc, NULL, APR_ARRAY_IDX(sites, i, np_site *));
}

static int np_status_handler(request_rec *r)
{
    status_ctx sc;
    if (!r->handler || strcmp(r->handler, "newsportal-status") != 0)
        return DECLINED;
    if (r->method_number != M_GET) {
        ap_allow_standard_methods(r, REPLACE_ALLOW, M_GET, -1);
        return HTTP_METHOD_NOT_ALLOWED;
    }
    sc.r = r;
    sc.n = 0;
    sc.json = r->args && strcmp(r->args, "json") == 0;
    apr_table_setn(r->headers_out, "Cache-Control", "no-store");
    if (sc.json) {
        ap_set_content_type(r, "application/json");
        if (r->header_only)
            return OK;
        unsigned int prepared = 0;
        if (sites_lock() == APR_SUCCESS) {
            prepared = apr_hash_count(np_prepared_by_sources);
            sites_unlock();
        }
        ap_rprintf(r, "{\"pid\":%" APR_PID_T_FMT ",\"configurations\":%u,\"sites\":[", getpid(),
                   prepared);
        status_all(&sc);
        ap_rputs("]", r);
        status_indexes(r, 1);
        ap_rputs("}\n", r);
        return OK;
    }
    ap_set_content_type(r, "text/html; charset=utf-8");
    if (r->header_only)
        return OK;
    ap_rprintf(r,
               "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>News "
               "portal status</title></head><body>\n<h1>News portal status</h1>\n<p>Process "
               "%" APR_PID_T_FMT ". Figures are this process's; each child keeps its own.</p>\n",
               getpid());
    status_indexes(r, 0);
    status_all(&sc);
    ap_rputs("</body></html>\n", r);
    return OK;
}

/* The same figures in mod_status's server-status page. */
static int np_status_hook(request_rec *r, int flags)
{
    status_ctx sc;
    sc.r = r;
    sc.n = 0;
    sc.json = 0;
    if (flags & AP_STATUS_SHORT)
        return OK;
    ap_rputs("<hr>\n<h1>mod_newsportal</h1>\n", r);
    status_indexes(r, 0);
    status_all(&sc);
    return OK;
}

static apr_status_t shared_destroy(void *data)
{
    np_shared *sh = data;
    sh->provider->destroy(sh->instance, sh->s);
    return APR_SUCCESS;
}

static int np_pre_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp)
{
    np_shared_list = NULL;
    np_index_dir = NULL;
    np_watch_max = 0;
    np_indexes = NULL;
    np_indexer_st = NULL;
    np_mounts = apr_array_make(pconf, 4, sizeof(np_mount_rec));
    return ap_mutex_register(pconf, np_mutex_id, NULL, APR_LOCK_DEFAULT, 0) == APR_SUCCESS ? OK
                                                                                           : 500;
}

/* Without NewsPortalBaseURL, absolute URLs come from the request's Host when it is one of the
 * virtual host's names, else from its ServerName: worth knowing before the first reader. */
static void warn_no_base_url(void)
{
    int i;
    for (i = 0; np_mounts && i < np_mounts->nelts; i++) {
        const np_mount_rec *m = &APR_ARRAY_IDX(np_mounts, i, np_mount_rec);
        const np_dir_conf *sd = ap_get_module_config(m->s->lookup_defaults, &newsportal_module);
        if (m->d->c.base_url || (sd && sd->c.base_url))
            continue;
        ap_log_error(APLOG_MARK, APLOG_WARNING, 0, m->s,
                     NPLOGNO(0013) "<Location %s> (NewsPortalContent %s) has no NewsPortalBaseURL: "
                                   "absolute URLs in its pages (canonical, feeds, share links) use "
                                   "the Host of each request when it is this server's ServerName "
                                   "or a ServerAlias, else %s; set NewsPortalBaseURL to fix them",
                     m->d->dir ? m->d->dir : "/", m->d->c.content_dir,
                     m->s->server_hostname ? m->s->server_hostname : "the ServerName");
    }
}

static void np_test_config(apr_pool_t *pconf, server_rec *s)
{
    warn_no_base_url();
    index_warnings(s);
}

static int np_post_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp, server_rec *s)
{
    static const struct ap_socache_hints hints = {64, 32 * 1024, 86400 * APR_USEC_PER_SEC};
    np_shared *sh;
    np_xml_init();
    np_default_routes = np_routes_default(pconf);
    /* Once per start (configtest says it through np_test_config), not on the dry run. */
    if (ap_state_query(AP_SQ_MAIN_STATE) != AP_SQ_MS_CREATE_PRE_CONFIG) {
        int rc;
        warn_no_base_url();
        index_warnings(s);
        index_prepare_folders(ptemp, s);
        if ((rc = indexer_register(pconf, s)) != OK)
            return rc;
        trimmer_register(pconf);
    }
    for (sh = np_shared_list; sh; sh = sh->next) {
        apr_status_t rv;
        if (sh->provider->flags & AP_SOCACHE_FLAG_NOTMPSAFE) {
            rv = ap_global_mutex_create(&sh->mutex, NULL, np_mutex_id, NULL, s, pconf, 0);
            if (rv != APR_SUCCESS) {
                ap_log_error(APLOG_MARK, APLOG_CRIT, rv, s,
                             NPLOGNO(0011) "cannot create the mutex for NewsPortalSharedCache %s",
                             sh->spec);
                return HTTP_INTERNAL_SERVER_ERROR;
            }
        }
        rv = sh->provider->init(sh->instance, "newsportal", &hints, sh->s, pconf);
        if (rv != APR_SUCCESS) {
            ap_log_error(APLOG_MARK, APLOG_CRIT, rv, s,
                         NPLOGNO(0012) "cannot initialise NewsPortalSharedCache %s", sh->spec);
            return HTTP_INTERNAL_SERVER_ERROR;
        }
        apr_pool_cleanup_register(pconf, sh, shared_destroy, apr_pool_cleanup_null);
    }
    return OK;
}

static void np_child_init(apr_pool_t *pchild, server_rec *s)
{
    np_shared *sh;
    apr_status_t rv;
#if defined(__GLIBC__) && defined(M_ARENA_MAX)
    /* glibc gives each thread that meets a held lock an arena of its own, up to 8 per
     * processor, and memory freed in one is not used by another: a child of 16 threads held
     * 5 to 10 MB more that way (docs/caching.md, "Memory of a child"). MALLOC_ARENA_MAX set by the
     * operator wins. */
    if (!getenv("MALLOC_ARENA_MAX"))
        mallopt(M_ARENA_MAX, 2);
#endif
    np_sites_pool = pchild;
    np_sites = apr_hash_make(pchild);
    np_prepared_by_sources = apr_hash_make(pchild);
    np_conf_ids = apr_hash_make(pchild);
    /* a pass of the indexer running in this child stops at the child's exit */
    if (np_indexer_st)
        apr_pool_cleanup_register(pchild, np_indexer_st, indexer_cancel, apr_pool_cleanup_null);
    /* Without it the tables cannot be shared between threads: every page is then a 500 with
     * this line in the log (sites_lock fails), never a race. */
    rv = apr_thread_mutex_create(&np_sites_lock, APR_THREAD_MUTEX_DEFAULT, pchild);
    if (rv != APR_SUCCESS) {
        ap_log_error(APLOG_MARK, APLOG_CRIT, rv, s,
                     NPLOGNO(0002) "cannot create a thread mutex; this child will answer 500");
        np_sites_lock = NULL;
    }
    for (sh = np_shared_list; sh; sh = sh->next) {
        if (!sh->mutex)
            continue;
        rv = apr_global_mutex_child_init(&sh->mutex, apr_global_mutex_lockfile(sh->mutex), pchild);
        if (rv != APR_SUCCESS) {
            ap_log_error(APLOG_MARK, APLOG_CRIT, rv, s,
                         NPLOGNO(0014) "cannot attach the mutex of NewsPortalSharedCache %s; this "
                                       "child renders its pages without it",
                         sh->spec);
            sh->broken = 1;
        }
    }
}

/* ---- the module's URLs are not files ---- */

static const char np_filename_prefix[] = "newsportal:";

/* A <Location> with SetHandler newsportal and NewsPortalContent serves pages, not files. Its URLs
 * are claimed here, as mod_proxy claims its own, so that httpd does not walk the document root (a
 * stat per folder on every request) for a file that is never read. <Directory>, <Files> and
 * .htaccess therefore do not apply to them: access control for them goes in the <Location>.
 * Anything else (a sub-location with another handler, a mount set up in a <Directory>, a URL that
 * mod_alias or mod_rewrite took) takes httpd's usual path. */
static int np_translate(request_rec *r)
{
    np_dir_conf *d = ap_get_module_config(r->per_dir_config, &newsportal_module);
    core_dir_config *cd;
    const char *h, *err = NULL;
    if (!d || !d->c.content_dir || !d->mount || r->proxyreq)
        return DECLINED;
    cd = ap_get_core_module_config(r->per_dir_config);
    if (!cd || !cd->expr_handler)
        return DECLINED;
    h = ap_expr_str_exec(r, cd->expr_handler, &err);
    if (err || !h || strcmp(h, "newsportal") != 0)
        return DECLINED;
    r->filename = apr_pstrcat(r->pool, np_filename_prefix, r->uri, NULL);
    return OK;
}

static int np_map_to_storage(request_rec *r)
{
    if (r->filename &&
        strncmp(r->filename, np_filename_prefix, sizeof(np_filename_prefix) - 1) == 0)
        return OK; /* no directory or file walk */
    return DECLINED;
}

static void np_register_hooks(apr_pool_t *p)
{
    /* After mod_rewrite and mod_alias, before the core maps the URL into the document root. */
    ap_hook_translate_name(np_translate, NULL, NULL, APR_HOOK_LAST);
    ap_hook_map_to_storage(np_map_to_storage, NULL, NULL, APR_HOOK_FIRST);
    ap_hook_pre_config(np_pre_config, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_post_config(np_post_config, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_test_config(np_test_config, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_check_config(index_check, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_child_init(np_child_init, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_handler(np_status_handler, NULL, NULL, APR_HOOK_MIDDLE);
    APR_OPTIONAL_HOOK(ap, status_hook, np_status_hook, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_handler(np_handler, NULL, NULL, APR_HOOK_MIDDLE);
}

AP_DECLARE_MODULE(newsportal) = {
    STANDARD20_MODULE_STUFF, create_dir_conf,     merge_dir_conf, NULL, NULL, np_cmds,
    np_register_hooks,       AP_MODULE_FLAG_NONE,
};
