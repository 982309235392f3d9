/* Routes: the URL pattern language of NewsPortalRoute. Matches a request path to a page kind
 * and its values, and generates links from the same table, so a changed pattern changes
 * every link. A table is built at configuration time and only read afterwards: it may be
 * shared by all threads. Matching and link generation allocate only from the pool given. */
#ifndef NP_ROUTE_H
#define NP_ROUTE_H

#include <apr_pools.h>

#include "np_buf.h"

typedef enum {
    NP_ROUTE_NONE = 0, /* not a kind */
    NP_ROUTE_HOME,
    NP_ROUTE_SECTION,
    NP_ROUTE_ARTICLE,
    NP_ROUTE_TAG,
    NP_ROUTE_FEED, /* Atom */
    NP_ROUTE_RSS,
    NP_ROUTE_JSONFEED,
    NP_ROUTE_SITEMAP,
    NP_ROUTE_NEWSSITEMAP,
    NP_ROUTE_ROBOTS,     /* robots.txt: answered only when the mount is the site's root */
    NP_ROUTE_SEARCH,     /* search results, HTML (docs/search.md) */
    NP_ROUTE_SEARCHJSON, /* the same as JSON */
    NP_ROUTE_OPENSEARCH, /* the OpenSearch description of the site's search */
    NP_ROUTE_KINDS       /* number of values, for tables indexed by kind */
} np_route_kind;

/* "home", "section", ...; NULL for NP_ROUTE_NONE and out-of-range values. */
const char *np_route_kind_name(np_route_kind kind);
/* The kind named (case-insensitive), NP_ROUTE_NONE when unknown. */
np_route_kind np_route_kind_parse(const char *name);

/* The values of a route's placeholders. */
typedef struct {
    const char *section; /* "news/ich-news"; "" for the root (NULL is read as "") */
    const char *slug;    /* NULL when absent */
    const char *tag;     /* UTF-8, not encoded; NULL when absent */
    int page;            /* 0 when absent */
    int yyyy, mm, dd;    /* 0 when absent */
} np_route_params;

typedef struct {
    np_route_kind kind;
    const char *template; /* the route's template name, NULL for the kind's default */
    int index;            /* the route's position in its table, from 0 */
    np_route_params v;
} np_route_match;

typedef struct np_routes np_routes;

/* An empty table in pool p (which also holds everything np_routes_add copies). */
np_routes *np_routes_create(apr_pool_t *p);

/* Appends a route. pattern: literal segments and placeholders, "{name}" for one segment
 * (with an optional literal prefix and suffix inside it, "{slug}.html") and "{section*}"
 * (a whole segment) for one or more; a final "/" requires the trailing slash. Placeholders
 * and the kinds that may use them:
 *   home: {page}                  section: {section*} (required), {page}
 *   article: {slug} (required), {section*}, {yyyy}, {mm}, {dd}
 *   tag: {tag} (required), {page}  feed, rss, jsonfeed: {section*}, {tag}
 *   sitemap: {page}               newssitemap, search, searchjson, opensearch: none
 * kind is a kind name; tmpl a template name ([A-Za-z0-9][A-Za-z0-9._-]*) or NULL.
 * Returns NULL, or a message naming the problem (in the table's pool; the table is then
 * unchanged). Not thread-safe: for configuration time. */
const char *np_routes_add(np_routes *r, const char *pattern, const char *kind, const char *tmpl);

/* The default route table (docs/directives.md), in its order. */
np_routes *np_routes_default(apr_pool_t *p);

int np_routes_count(const np_routes *r);
/* The pattern of route i (0 <= i < count), as given. */
const char *np_routes_pattern(const np_routes *r, int i);

/* Writes every route (pattern, kind, template) into b, unambiguously: for keys. */
void np_routes_key(np_buf *b, const np_routes *r);

/* Matches path (percent-decoded, relative to the mount point, starting with "/") against the
 * table; the first route that matches wins. Returns 1 and fills *m (strings in p), or 0.
 * A path that fails np_route_path_valid never matches. Values are checked: section segments
 * and slugs are [A-Za-z0-9][A-Za-z0-9._-]*, page is [1-9][0-9]{0,8} (page 1 is reported so
 * the caller can redirect to the canonical URL), yyyy four digits from 0001, mm 01-12 and dd
 * 01-31 within the month, tag any segment. A path that does not match but would with "/"
 * appended is the caller's cue for the trailing-slash redirect. */
int np_routes_match(const np_routes *r, const char *path, np_route_match *m, apr_pool_t *p);

/* The path (relative to the mount point, starting with "/") of the first route of kind that
 * can express v: each of its placeholders has a value and no value given is left unused,
 * except that an article's section and date may go unused (its slug names it). Page 1 is
 * expressed without {page} when a route allows it ("/" rather than "/page/1/"). Tags are
 * percent-encoded (every byte but A-Za-z0-9-._~), as are non-ASCII bytes of literals.
 * NULL when no route of that kind fits, or when a value could not be matched back (a bad
 * section or slug name, a tag that is empty, has "/", "..", a control character or invalid
 * UTF-8). For articles pass the section, slug and date; the route picks what it uses. */
const char *np_routes_url(const np_routes *r, np_route_kind kind, const np_route_params *v,
                          apr_pool_t *p);
/* The same with prefix (a mount point such as "/news") in front, built in one piece. */
const char *np_routes_url_under(const np_routes *r, np_route_kind kind, const np_route_params *v,
                                const char *prefix, apr_pool_t *p);

/* A decoded path the router accepts: starts with "/", and has no NUL (within len), no
 * control character, no "//", no "..", no "." segment, and only valid UTF-8 (no overlong
 * forms or surrogates). */
int np_route_path_valid(const char *path, apr_size_t len);

#endif
