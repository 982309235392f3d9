/* Preview links (docs/content.md, "Previews"): a token signed with the server's secret
 * (HMAC-SHA256) that opens one article as it will be, or the whole site as of an instant T,
 * until it expires. Making and checking tokens knows nothing of httpd; the secret never leaves
 * the key it is loaded into, and nothing here logs it. */
#ifndef NP_PREVIEW_H
#define NP_PREVIEW_H

#include <apr_pools.h>
#include <apr_time.h>

#include "np_content.h"
#include "np_date.h"
#include "np_value.h"

#define NP_PREVIEW_PARAM "preview"        /* the query parameter that carries the token */
#define NP_PREVIEW_KEY_MIN 32             /* bytes of secret, at least */
#define NP_PREVIEW_KEY_MAX 4096           /* a larger file is refused: it is not a secret file */
#define NP_PREVIEW_MAX_VALID (30 * 86400) /* seconds a link may stay valid, at most */
/* Seconds the server accepts beyond NP_PREVIEW_MAX_VALID: the clock of the machine that made
 * the link may run ahead of the server's. */
#define NP_PREVIEW_SKEW 3600
#define NP_PREVIEW_TOKEN_MAX 96 /* characters; longer is refused before any decoding */
/* The instants a site preview may name: 1970 to 9999, in seconds since the epoch. */
#define NP_PREVIEW_AT_MAX 253402300799LL

/* The secret, as read from a NewsPortalPreviewSecret file. */
typedef struct {
    const unsigned char *bytes;
    apr_size_t len;
} np_preview_key;

/* Reads the secret in path (trailing CR, LF, spaces and tabs dropped, so an editor's newline
 * does not change it). NULL with *err ("cannot open ...: reason", "holds N bytes; ...") when it
 * cannot be read, has fewer than NP_PREVIEW_KEY_MIN bytes or more than NP_PREVIEW_KEY_MAX. */
np_preview_key *np_preview_key_load(apr_pool_t *p, const char *path, const char **err);

enum { NP_PREVIEW_ARTICLE = 'a', NP_PREVIEW_SITE = 's' };

/* A checked preview, for one request. */
typedef struct np_preview {
    int scope;           /* NP_PREVIEW_ARTICLE or NP_PREVIEW_SITE */
    apr_int64_t at;      /* site: the instant T, seconds since the epoch; article: 0 */
    apr_int64_t expires; /* seconds since the epoch */
    /* "?preview=TOKEN", appended to every link a site preview's pages give (np_preview_link);
     * NULL for an article preview, whose token opens one URL only. */
    const char *link_suffix;
} np_preview;

/* The token for scope: path is the article's URL path as readers see it, mount included and
 * percent-decoded (article scope; ignored for site scope); at the instant T (site scope);
 * expires in seconds since the epoch. NULL when a value is out of bounds (at or expires
 * outside 0..NP_PREVIEW_AT_MAX, expires 0, path not starting with '/'). */
const char *np_preview_make(apr_pool_t *p, const np_preview_key *key, int scope, const char *path,
                            apr_int64_t at, apr_int64_t expires);

/* Does the article preview pv show a, whether a is visible or not? Drafts and embargoed
 * (or expired) articles, yes; killed ones never: a kill outranks every link handed out. */
int np_preview_opens(const np_preview *pv, const np_article *a);
/* e (the article at the address, whatever its visibility: np_store_any) when the article
 * preview pv opens it, else NULL; NULL too when pv is not an article preview. */
np_entry *np_preview_article(const np_preview *pv, np_entry *e);

/* Results of np_preview_verify. */
enum {
    NP_PREVIEW_OK = 0,
    NP_PREVIEW_BAD = -1,    /* malformed, tampered, made with another secret or for another URL */
    NP_PREVIEW_EXPIRED = -2 /* genuine, but its expiry has passed */
};

/* Checks token (len bytes, as in the query) for a request of path (decoded, mount included)
 * at now (seconds): the signature in constant time, then the expiry, which may lie at most
 * NP_PREVIEW_MAX_VALID + NP_PREVIEW_SKEW ahead. Fills out (strings from p) on NP_PREVIEW_OK. */
int np_preview_verify(apr_pool_t *p, const np_preview_key *key, const char *token, apr_size_t len,
                      const char *path, apr_int64_t now, np_preview *out);

/* The preview parameter of a raw query string: 0 when there is none, 1 with *token and *len
 * when there is exactly one, -1 when it is given more than once. */
int np_preview_param(const char *query, const char **token, apr_size_t *len);

/* "90s", "10m", "2h", "7d" or a bare number of seconds, from 1 to NP_PREVIEW_MAX_VALID:
 * 0 and *secs, else -1. */
int np_preview_duration(const char *s, apr_int64_t *secs);

/* The instant pages are rendered at: T for a site preview, else now. */
apr_time_t np_preview_now(const np_preview *pv, apr_time_t now);

/* url with the preview's link suffix (a site preview's), else url itself; NULL stays NULL. */
const char *np_preview_link(const np_preview *pv, const char *url, apr_pool_t *p);
/* url without that suffix: the address itself, for comparisons and for absolute URLs, which
 * leave the browser (canonical, share targets, feeds, sitemaps) and must not carry a token. */
const char *np_preview_unlink(const np_preview *pv, const char *url, apr_pool_t *p);

/* The `preview` map of a preview's pages (docs/templates.md): at (the date map of now, the
 * instant the page is rendered at, given by the view, with time "HH:MM" in tz added), site and
 * article (booleans). */
np_value *np_preview_value(apr_pool_t *p, const np_preview *pv, np_value *at, apr_time_t now,
                           const np_tz *tz);

#endif
