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
#include "np_encoding.h"
#include "np_index.h"
#include "np_log.h"
#include "np_route.h"
#include "np_template.h"

struct np_cache;

/* Every field of a location's configuration, listed once: its type, its default, and the keys
 * it is part of. NP_KEY_SITE: it shapes a site's runtime (snapshot, theme, caches), so locations
 * that differ in it do not share one. NP_KEY_PAGE: it shapes rendered pages, so pages cached
 * under configurations that differ in it never meet. Create, merge, defaults and both keys are
 * all generated from this list. X(TYPE, name, default, keys) */
/* NewsPortalWatch: how the indexer learns of changes (docs/caching.md) */
#define NP_WATCH_AUTO 0    /* inotify, polling where it cannot see (NFS, watch limit) */
#define NP_WATCH_INOTIFY 1 /* inotify only */
#define NP_WATCH_POLL 2    /* a full stat pass every NewsPortalCheckInterval */

#define NP_KEY_SITE 1
#define NP_KEY_PAGE 2
#define NP_SITE_CONF_FIELDS(X)                                                                     \
    X(STR, content_dir, NULL, NP_KEY_SITE | NP_KEY_PAGE)                                           \
    X(STR, templates_dir, NULL, NP_KEY_SITE | NP_KEY_PAGE) /* NULL: the default theme only */      \
    X(ROUTES, routes, np_routes_default(p), NP_KEY_PAGE)                                           \
    X(STR, site_name, "News", NP_KEY_PAGE)                                                         \
    X(STR, base_url, NULL, NP_KEY_PAGE)   /* NULL: from the request; no trailing slash */          \
    X(STR, home_label, NULL, NP_KEY_PAGE) /* NULL: the language's word */                          \
    X(STR, language, "en", NP_KEY_SITE | NP_KEY_PAGE)                                              \
    X(TZ, tz, np_tz_utc(), NP_KEY_SITE | NP_KEY_PAGE)                                              \
    X(INT, page_size, 20, NP_KEY_PAGE)                                                             \
    X(SHARE, share, np_share_default(), NP_KEY_PAGE) /* const char *: action names, in order */    \
    X(INT, feed_full, 1, NP_KEY_PAGE)                                                              \
    X(SIZE, max_article_size, 4 * 1024 * 1024, NP_KEY_SITE | NP_KEY_PAGE)                          \
    X(INT, check_interval, 1, NP_KEY_SITE) /* seconds */                                           \
    X(STR, index_file, NULL, NP_KEY_SITE)  /* NULL: np_index_default_file in NewsPortalIndexDir */ \
    X(INT, watch, NP_WATCH_AUTO, NP_KEY_SITE) /* NewsPortalWatch */                                \
    X(INT, max_age, 60, 0)                    /* seconds; a header, not the page */                \
    X(INT, stale_on_error, 1, NP_KEY_SITE | NP_KEY_PAGE)                                           \
    X(INT, cache, 1, NP_KEY_SITE)                                                                  \
    X(SIZE, cache_size, 64 * 1024 * 1024, NP_KEY_SITE)                                             \
    X(INT, compress, NP_ENC_ALL, 0) /* NP_ENC_BIT mask; representations, not the page */

typedef const char *np_conf_STR;
typedef np_routes *np_conf_ROUTES;
typedef const np_tz *np_conf_TZ;
typedef int np_conf_INT; /* unset: -1 */
typedef apr_array_header_t *np_conf_SHARE;
typedef apr_size_t np_conf_SIZE; /* unset: 0 */

typedef struct np_site_conf {
#define NP_CONF_MEMBER(type, name, def, keys) np_conf_##type name;
    NP_SITE_CONF_FIELDS(NP_CONF_MEMBER)
#undef NP_CONF_MEMBER
} np_site_conf;

/* Every field unset. */
void np_site_conf_init(np_site_conf *c);
/* out = base with every field that add sets taken from add. out may be neither. */
void np_site_conf_merge(np_site_conf *out, const np_site_conf *base, const np_site_conf *add);
/* Fills every unset field with its default (docs/directives.md). */
void np_site_conf_defaults(apr_pool_t *p, np_site_conf *c);
/* The fields of c that are part of keys (NP_KEY_SITE or NP_KEY_PAGE), written out whole: two
 * configurations have equal keys exactly when those fields are equal. */
const char *np_site_conf_key(apr_pool_t *p, const np_site_conf *c, int keys);
/* The key of the runtime state a conf needs: sites with equal keys share an np_site. */
const char *np_site_key(apr_pool_t *p, const np_site_conf *c);
/* The options of the content index of c (with its defaults): what the indexer writes with and
 * readers open with. StaleOnError is part of an index's shape (np_index_default_file), so
 * locations that differ in it have index files of their own. Fields the conf does not hold
 * (threads, batch, progress, cancel) are zero. */
void np_site_index_opts(const np_site_conf *c, const np_logger *log, np_index_opts *o);
/* The share actions when none are configured. */
apr_array_header_t *np_share_default(void);

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

struct np_index;
struct np_site_handle;

/* What a request works with: a snapshot and a theme, each with a reference; from the content
 * index also a read handle in a read transaction (idx), which the request alone uses. snap is
 * NULL when the index cannot be read yet (its first build runs): the request answers 503. */
typedef struct {
    np_snapshot *snap;
    np_theme *theme;
    struct np_index *idx;
    struct np_site_handle *handle;
    struct np_site *site;
    int in_txn; /* idx is in a read transaction (np_site_view_begin) */
} np_site_view;

/* Creates the runtime for conf's content folder and theme, on pool p (which must outlive it).
 * With conf->index_file, pages are read from that content index (written by the indexer, never
 * here); else the content is scanned at once into a snapshot of this process. Compiles the
 * templates at once. NULL when a lock or memory for the
 * theme could not be had. */
np_site *np_site_create(apr_pool_t *p, const np_site_conf *conf, const np_logger *log);

/* The current snapshot and theme, with references the caller drops with np_site_release.
 * When the check interval has passed, this request checks for changes (folder mtimes, a rolling
 * stat of known files, the template files) and, when something changed, rescans the changed
 * folders and serves the result; requests in other threads never wait for it: they get the
 * previous snapshot. */
void np_site_acquire(np_site *s, apr_time_t now, const np_logger *log, np_site_view *out);
void np_site_release(np_site_view *v);
/* Makes sure a view from the index is in a read transaction, snap being the tree of the
 * generation the transaction sees (np_site_acquire begins one). 0, or -1 (the index cannot be
 * read: answer 503). Nothing to do for a scanned snapshot. */
int np_site_view_begin(np_site_view *v, const np_logger *log);

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
    int indexed;                       /* read from the content index: */
    apr_int64_t generation;            /* the newest generation this process has seen */
    int handles;                       /* read handles open in this process */
} np_site_stats;
void np_site_get_stats(np_site *s, apr_pool_t *p, np_site_stats *out);
const np_site_conf *np_site_conf_of(np_site *s);

#endif
