/* The request path of the core: route match -> snapshot -> lookup -> view data -> render.
 * Called by the httpd glue and by `newsportal render` alike; knows nothing of httpd. */
#ifndef NP_PAGE_H
#define NP_PAGE_H

#include <apr_pools.h>
#include <apr_time.h>

#include "np_cache.h"
#include "np_site.h"

/* A cache tier shared between servers (memcached, Redis, shmcb through httpd's socache), given
 * by the glue. get returns 1 with data (from p) or 0; put stores; both must fail fast. */
typedef struct {
    void *baton;
    int (*get)(void *baton, const char *key, apr_size_t klen, char **data, apr_size_t *len,
               apr_pool_t *p);
    void (*put)(void *baton, const char *key, apr_size_t klen, const char *data, apr_size_t len,
                apr_time_t expiry, apr_pool_t *p);
} np_shared_tier;

typedef struct {
    const char *path;   /* below the mount point, percent-decoded, starting with "/" */
    const char *mount;  /* the Location prefix without trailing slash ("" for "/") */
    const char *query;  /* raw query string or NULL */
    const char *origin; /* "http://host:port" for absolute URLs when no NewsPortalBaseURL */
    apr_time_t now;
    const np_shared_tier *shared; /* NULL: none */
    const char *conf_key;         /* np_site_conf_key(conf, NP_KEY_PAGE) made once; NULL: here */
    const char *conf_id; /* a short name of conf_key unique in this process, for the page cache's
                          * keys; NULL: conf_key itself */
    int encoding;        /* NP_ENC_*: the coding negotiated for this request (np_encoding.h) */
    /* A checked preview link (np_preview.h), NULL for readers: rendered at its instant, with
     * no cache of any tier read or written. */
    const struct np_preview *preview;
} np_request;

typedef struct {
    int status;               /* 200, 301, 404, 410, 500; 503 while an index is first built */
    const char *location;     /* for redirects: a path (mount included) */
    const char *content_type; /* "text/html; charset=utf-8" */
    const char *body;         /* the page, len bytes: entry's body, or "" */
    apr_size_t len;
    np_cache_entry *entry;    /* holds the body, with a reference the caller must release */
    const char *etag;         /* strong, quoted; NULL for redirects and errors */
    apr_time_t last_modified; /* 0 when unknown */
    apr_time_t expires_at;    /* next scheduled change affecting the page, 0 when none */
    const char *cache_state;  /* "hit", "miss", "shared-hit" or "stale"; NULL when uncached */
    int encoding;             /* NP_ENC_*: the coding body is in */
    np_cache_rep *rep;        /* the form body is, when not identity; with rep->owner NULL it
                               * belongs to the response (np_page_response_release frees it) */
    int negotiable;           /* the body depends on Accept-Encoding (send Vary) */
    int retry_after;          /* seconds, for a 503 */
} np_response;

/* Serves req. Always fills resp (an error page for 404/500); returns resp->status. The caller
 * releases resp->entry (np_cache_release) once the body is sent. */
int np_page_serve(np_site *site, const np_site_conf *conf, const np_request *req, np_response *resp,
                  apr_pool_t *p, const np_logger *log);

/* Drops what resp holds (its entry's reference, a form of its own), for a response whose body
 * is not sent. */
void np_page_response_release(np_response *resp);

/* body (len bytes) in coding enc at level, with its strong ETag: a new form, np_cache_rep_none()
 * when compression does not gain (a short page, or less than 1/16 saved), NULL when memory is
 * short. */
np_cache_rep *np_page_compress(const char *body, apr_size_t len, int enc, int level);

#endif
