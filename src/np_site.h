/* A site: what one NewsPortalContent folder serves. np_site_conf is the configuration of one
 * request's location (immutable, built at config time); np_site is the shared runtime state for
 * a content folder and theme (the current snapshot, compiled templates), safe for many threads. */
#ifndef NP_SITE_H
#define NP_SITE_H

#include <apr_pools.h>
#include <apr_tables.h>
#include <apr_thread_mutex.h>

#include "np_content.h"
#include "np_date.h"
#include "np_log.h"
#include "np_route.h"
#include "np_template.h"

struct np_cache;

typedef struct np_site_conf {
    const char *content_dir;
    const char *templates_dir; /* NULL: the built-in default theme only */
    np_routes *routes;         /* never NULL after np_site_conf_finish */
    const char *site_name;
    const char *base_url;   /* NULL: from the request; no trailing slash */
    const char *home_label; /* NULL: the language's word */
    const char *language;
    const char *tz_name;
    const np_tz *tz;
    int page_size;
    apr_array_header_t *share; /* const char *: share action names, in order */
    int feed_full;
    apr_size_t max_article_size;
    int check_interval; /* seconds */
    int max_age;        /* seconds */
    int stale_on_error;
    int cache;
    apr_size_t cache_size;
} np_site_conf;

/* Fills every unset field with its default (docs/directives.md). */
void np_site_conf_defaults(apr_pool_t *p, np_site_conf *c);
/* The key of the runtime state a conf needs: sites with equal keys share an np_site. */
const char *np_site_key(apr_pool_t *p, const np_site_conf *c);

typedef struct np_site np_site;

/* Compiled templates with a reference count: a template that changes on disk gives a new
 * generation; requests keep the one they started with. */
typedef struct np_theme {
    apr_pool_t *pool;
    volatile apr_uint32_t refs;
    np_tpl_set *set;
    apr_uint64_t digest;              /* of every template's source */
    apr_array_header_t *files;        /* np_file_state of NewsPortalTemplates files */
    apr_hash_t *labels;               /* np_label_set from labels-LANG.txt files, or NULL */
    struct np_label_maps *label_maps; /* every language's labels map, built with the theme */
    apr_time_t dir_mtime;
} np_theme;

/* What a request works with: a snapshot and a theme, each with a reference. */
typedef struct {
    np_snapshot *snap;
    np_theme *theme;
} np_site_view;

/* Creates the runtime for conf's content folder and theme, on pool p (which must outlive it).
 * Scans the content and compiles the templates at once. */
np_site *np_site_create(apr_pool_t *p, const np_site_conf *conf, const np_logger *log);

/* The current snapshot and theme, with references the caller drops with np_site_release.
 * When the check interval has passed, this request checks for changes (folder mtimes, a rolling
 * stat of known files, the template files) and, when something changed, rescans the changed
 * folders and serves the result; requests in other threads never wait for it: they get the
 * previous snapshot. */
void np_site_acquire(np_site *s, apr_time_t now, const np_logger *log, np_site_view *out);
void np_site_release(np_site_view *v);

/* Convenience for callers that need only the snapshot (with a reference). */
np_snapshot *np_site_snapshot(np_site *s, apr_time_t now, const np_logger *log);

/* The rendered-page cache of this site in this process; NULL when NewsPortalCache is Off. */
struct np_cache *np_site_cache(np_site *s);
/* Sanitized article bodies by file path (a quarter of the page cache's bound): the parsed-
 * article cache, and the last good body of a file that broke (NewsPortalStaleOnError). */
struct np_cache *np_site_body_cache(np_site *s);

/* Figures for the status page. */
typedef struct {
    int articles, sections, errors;
    apr_time_t built;                  /* when the current snapshot was built */
    apr_interval_time_t took;          /* how long that took */
    int refreshes;                     /* snapshots built since start */
    int reused, parsed;                /* in the last refresh */
    apr_array_header_t *recent_errors; /* np_error_rec, copied to the caller's pool */
} np_site_stats;
void np_site_get_stats(np_site *s, apr_pool_t *p, np_site_stats *out);
const np_site_conf *np_site_conf_of(np_site *s);

#endif
