/* The request path of the core: route match -> snapshot -> lookup -> view data -> render.
 * Called by the httpd glue and by `newsportal render` alike; knows nothing of httpd. */
#ifndef NP_PAGE_H
#define NP_PAGE_H

#include <apr_pools.h>
#include <apr_time.h>

#include "np_site.h"

typedef struct {
    const char *path;  /* below the mount point, percent-decoded, starting with "/" */
    const char *mount; /* the Location prefix without trailing slash ("" for "/") */
    const char *query; /* raw query string or NULL */
    const char *origin; /* "http://host:port" for absolute URLs when no NewsPortalBaseURL */
    apr_time_t now;
} np_request;

typedef struct {
    int status;               /* 200, 301, 400, 404, 500 */
    const char *location;     /* for redirects: a path (mount included) */
    const char *content_type; /* "text/html; charset=utf-8" */
    const char *body;         /* the page; len bytes, allocated from the request pool */
    apr_size_t len;
    apr_time_t last_modified; /* 0 when unknown */
    apr_time_t expires_at;    /* next scheduled change affecting the page, 0 when none */
} np_response;

/* Serves req. Always fills resp (an error page for 404/500); returns resp->status. */
int np_page_serve(np_site *site, const np_site_conf *conf, const np_request *req,
                  np_response *resp, apr_pool_t *p, const np_logger *log);

#endif
