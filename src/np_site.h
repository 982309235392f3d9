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

/* Fills every unset field with its default (SPEC section 4). */
void np_site_conf_defaults(apr_pool_t *p, np_site_conf *c);
/* The key of the runtime state a conf needs: sites with equal keys share an np_site. */
const char *np_site_key(apr_pool_t *p, const np_site_conf *c);

typedef struct np_site np_site;

/* Creates the runtime for conf's content folder and theme, on pool p (which must outlive it).
 * Scans the content and compiles the templates at once. */
np_site *np_site_create(apr_pool_t *p, const np_site_conf *conf, const np_logger *log);

/* The current snapshot, with a reference the caller must release (np_snapshot_release).
 * Checks the folder for changes when the check interval has passed; requests never wait for a
 * rescan another thread is doing: they get the previous snapshot. */
np_snapshot *np_site_snapshot(np_site *s, apr_time_t now, const np_logger *log);

/* The compiled templates (immutable, owned by the site). */
const np_tpl_set *np_site_templates(np_site *s);

#endif
