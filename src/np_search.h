/* Full-text search over the content index (docs/search.md): the FTS5 table the indexer keeps
 * beside the articles, and the queries readers make of it.
 *
 * The query text never reaches SQLite as an FTS5 expression: np_search_parse builds one of its
 * own from words and quoted phrases, every one a quoted FTS5 string, so no operator, column
 * filter or parenthesis in the text has any meaning. */
#ifndef NP_SEARCH_H
#define NP_SEARCH_H

#include <apr_pools.h>
#include <apr_time.h>

#include "np_index.h"

/* The full-text row of an article: its publication second above, its id below, so rowid order
 * is date order and the newest matches are read first. Articles with ids past 2^31 (two
 * billion writes) are not searchable. */
#define NP_SEARCH_ID_BITS 31
#define NP_SEARCH_ID_MASK ((((apr_int64_t)1) << NP_SEARCH_ID_BITS) - 1)
apr_int64_t np_search_key(apr_time_t published, apr_int64_t id);

/* What the indexer writes into the full-text columns. */
/* The text of sanitized body HTML: tags removed (block elements leave a space), the entities
 * the sanitizer writes decoded, control characters made spaces. */
const char *np_search_text_of_html(apr_pool_t *p, const char *html, apr_size_t len);
/* s with control characters (which snippet markers use) made spaces: s itself when it has
 * none. NULL stays NULL. */
const char *np_search_clean(apr_pool_t *p, const char *s);

/* Limits (docs/search.md). */
#define NP_SEARCH_MAX_BYTES 512 /* longer query text: 400 */
#define NP_SEARCH_MAX_TERMS 8   /* words and phrases beyond are ignored */
#define NP_SEARCH_MAX_PHRASE 16 /* words in one phrase beyond are ignored */
#define NP_SEARCH_WINDOW 500    /* newest matches ranked, and the cap on counts */
#define NP_SEARCH_STEPS 1000000 /* SQLite VM steps one search may take */
#define NP_SEARCH_MAX_PER_PAGE 50

enum { NP_SEARCH_RELEVANCE = 0, NP_SEARCH_DATE = 1 };

/* The parsed query: the FTS5 expression, or why there is none. */
typedef struct {
    int status;          /* 200, or 400 with message set */
    const char *message; /* plain text, for a 400 */
    const char *expr;    /* the FTS5 expression; NULL when the text holds no word */
    int terms;           /* words and phrases used */
    int dropped;         /* words and phrases ignored past the limits */
} np_search_parsed;

/* Parses text (len bytes, not NUL-terminated: a NUL in it is a 400). */
void np_search_parse(apr_pool_t *p, const char *text, apr_size_t len, np_search_parsed *out);

typedef struct {
    const char *text; /* the query as given (bytes) */
    apr_size_t len;
    const char *section; /* scope: this section and its descendants; NULL or "": the site */
    int sort;            /* NP_SEARCH_RELEVANCE or NP_SEARCH_DATE */
    int page;            /* from 1 */
    int per_page;        /* 1 to NP_SEARCH_MAX_PER_PAGE; 0: 10 */
    apr_time_t now;      /* visibility is decided at this instant, as on every page */
    int window;          /* 0: NP_SEARCH_WINDOW */
    long steps;          /* 0: NP_SEARCH_STEPS */
} np_search_query;

typedef struct {
    np_index_entry *e;
    const char *snippet; /* HTML: the text escaped, the matched words in <mark> */
    double score;        /* bm25 (lower is better); 0 with sort by date */
} np_search_hit;

typedef struct {
    int status;          /* 200; 400 (bad query text, unknown section); 503 (index error) */
    const char *message; /* plain text when not 200 */
    np_search_parsed q;
    np_search_hit *hits;
    int n;
    apr_int64_t total; /* visible matches, counted up to the window */
    int more;          /* there are more than total */
    int windowed;      /* relevance was ranked within the newest total matches only */
    int interrupted;   /* the step limit stopped the search: what was found so far */
    int page, pages;
    int per_page;
} np_search_result;

/* Registers the ranking function np_rank with FTS5 (np_tokenize_register calls it):
 * np_rank(fulltext, min_rowid, max_rowid, weight...) is bm25 as FTS5's own, except that the
 * number of rows holding a phrase (for its IDF) is counted up to NP_SEARCH_DF_CAP only and
 * extrapolated over the rowid (date) range beyond, and not at all for a query of one word or
 * phrase (whose IDF orders nothing): FTS5's bm25 counts every match of every phrase, which for
 * a common word in a million articles costs more than the whole search. */
#define NP_SEARCH_DF_CAP 1024
struct fts5_api;
int np_search_register_rank(struct fts5_api *api);

/* Runs the query against idx (inside the caller's read transaction when it has one). */
void np_search_run(np_index *idx, apr_pool_t *p, const np_search_query *q, np_search_result *out);

#endif
