/* The search pages (docs/search.md): the request's query string read with bounds, the view
 * data of /search (template search.mustache), the JSON of /search.json and the OpenSearch
 * description. The search itself is np_search.c. */
#ifndef NP_SEARCH_VIEW_H
#define NP_SEARCH_VIEW_H

#include "np_buf.h"
#include "np_search.h"
#include "np_view.h"

/* The parameters of a search URL: q, page, sort, section. */
typedef struct {
    const char *q; /* decoded; may hold a NUL (then a 400 from the parser) */
    apr_size_t qlen;
    int has_q;           /* q was given (even empty) */
    int page;            /* 1 when absent */
    int sort;            /* NP_SEARCH_RELEVANCE unless sort=date */
    const char *section; /* NULL: the whole site */
    const char *bad;     /* a plain message when a parameter is unusable (400) */
} np_search_args;

/* Reads query (the raw query string, may be NULL). Each parameter's first occurrence counts;
 * unknown parameters are ignored. */
void np_search_args_parse(apr_pool_t *p, const char *query, np_search_args *out);

/* Runs the search the arguments ask for at v->now (v->idx must be set). */
void np_search_view_run(const np_view *v, const np_search_args *a, np_search_result *r);

/* The view data of the search page: np_view_page's map plus search (docs/templates.md) and
 * pagination. */
np_value *np_search_view_page(const np_view *v, const np_search_args *a, const np_search_result *r);

/* The same results as JSON (or {"error": ...} when r is not a 200). */
void np_search_view_json(const np_view *v, const np_search_args *a, const np_search_result *r,
                         np_buf *b);

/* The OpenSearch description of the site's search. */
void np_search_view_opensearch(const np_view *v, np_buf *b);

/* A strong ETag for a search response, from what decides it: the index generation, the next
 * scheduled change of visibility, the configuration and theme (key), the URL and the query. */
const char *np_search_view_etag(const np_view *v, const char *key, apr_uint64_t theme_digest);

#endif
