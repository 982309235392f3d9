/* The article model every input format maps to, and loading one from a file.
 * A loaded article is immutable and owned by the pool it was loaded into. */
#ifndef NP_ARTICLE_H
#define NP_ARTICLE_H

#include <apr_pools.h>
#include <apr_tables.h>

#include "np_date.h"
#include "np_log.h"
#include "np_sanitize.h"

typedef struct {
    const char *src, *alt, *caption, *credit;
    int width, height; /* 0 when not given */
} np_image;

typedef struct {
    const char *href, *title;
} np_link;

typedef struct np_article {
    const char *path;  /* the file it came from */
    const char *slug;  /* file name without .xml */
    const char *id;    /* id attribute, default: slug */
    const char *lang;  /* lang attribute; NULL when absent (caller applies section/site default) */
    const char *title; /* plain text */
    const char *subtitle, *summary, *source, *source_href; /* plain text / URL; may be NULL */
    apr_array_header_t *authors;                           /* const char * */
    apr_array_header_t *tags;                              /* const char * */
    apr_array_header_t *related;                           /* np_link */
    np_date published, updated, expires;                   /* t == 0: absent */
    int draft;
    np_image *image;       /* NULL when none */
    const char *body_html; /* sanitized body, NUL-terminated; NULL when loaded with meta only */
    apr_size_t body_len;
    const char *format; /* "article", "nitf", "newsml" */
} np_article;

typedef struct {
    apr_size_t max_size; /* bytes; larger files are refused */
    const np_tz *tz;     /* zone for bare dates */
    int with_body;       /* 0: metadata only (summary still derived from the body text) */
} np_article_opts;

/* Loads the article in file path. On failure returns NULL and sets *err to a message that
 * starts with "path:line:col: " (line/col 0 when not about a place in the file). */
np_article *np_article_load(apr_pool_t *p, const char *path, const char *slug,
                            const np_article_opts *opts, const char **err);

/* For the linter: what a load found beyond the article. */
typedef struct {
    np_sanitize_report *sanitize; /* in: receives what the body's allowlist removed (only when
                                     opts->with_body); NULL: not recorded */
    long line, col;               /* out: where the root element starts; 0 when unknown */
    int summary_as_body;          /* out: an agency item's body was empty; its summary is shown */
} np_article_report;

/* np_article_load, also filling rep (may be NULL). */
np_article *np_article_load_report(apr_pool_t *p, const char *path, const char *slug,
                                   const np_article_opts *opts, np_article_report *rep,
                                   const char **err);

/* Visible to readers at instant now: not draft, published <= now, not expired. */
int np_article_visible(const np_article *a, apr_time_t now);

#endif
