/* The contract between np_article_load and the mappers of the newsroom formats
 * (docs/newsroom-formats.md). A mapper fills the article from a parsed document and points cx->body
 * at the element whose children are the body. It may rewrite the document, which is private to this
 * load and freed before np_article_load returns, so it must keep no pointer into it. */
#ifndef NP_FORMATS_H
#define NP_FORMATS_H

#include <stdarg.h>

#include <apr_pools.h>
#include <apr_hash.h>
#include <apr_tables.h>
#include <libxml/tree.h>

#include "np_article.h"
#include "np_date.h"

typedef struct np_format_ctx {
    apr_pool_t *p;   /* the article's pool: everything kept is allocated here */
    apr_pool_t *tmp; /* the document's pool, destroyed before np_article_load returns */
    const char *path;
    const np_tz *tz;                      /* zone for dates written without an offset */
    const char *err;                      /* set by a failing mapper, see np_article_fail */
    xmlNode *body;                        /* set by the mapper */
    apr_array_header_t *notes;            /* np_article_note, or NULL */
    np_article *a;                        /* the article being filled */
    apr_hash_t *seen_tags, *seen_authors; /* for np_article_push_*: duplicates in linear time */
    int tags_dropped, authors_dropped;
    const xmlNode *first_dropped_tag, *first_dropped_author;
} np_format_ctx;

/* NITF 3.x: root <nitf>, in no namespace or an IPTC NITF one. In np_nitf.c. */
int np_nitf_map(np_format_ctx *cx, xmlNode *root, np_article *a);

/* NITF carried by another format (NewsML-G2 inlineXML): el is <nitf>, <body> or <body.content>.
 * Fills only the fields still unset (authors and tags only when empty), reads no dates, needs
 * no headline, and sets cx->body. Returns 0, or -1 with cx->err set when there is no body. */
int np_nitf_map_inline(np_format_ctx *cx, xmlNode *el, np_article *a);

/* A byline as an author's name: white space collapsed, a leading "By " (or "Von ", "Par ", ...)
 * and trailing separators removed. NULL when nothing is left. Allocated from p. */
const char *np_nitf_byline(apr_pool_t *p, const char *s);

/* NewsML-G2: root <newsItem>, or <newsMessage> whose first newsItem is read. In np_newsml.c. */
int np_newsml_map(np_format_ctx *cx, xmlNode *root, np_article *a);

/* Helpers of np_article.c shared with the mappers. */

/* Sets cx->err to "path:line:col: message" at node at (NULL: 0:0) and returns -1. */
int np_article_fail(np_format_ctx *cx, const xmlNode *at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* The normalised text of el (NULL: none) in cx->p, or NULL when it holds only white space. */
const char *np_article_text(np_format_ctx *cx, const xmlNode *el);
/* A trimmed, non-empty attribute value of el (NULL: none) in cx->p, or NULL. */
const char *np_article_attr(np_format_ctx *cx, const xmlNode *el, const char *name);
/* Parses date text s read from `what` (named in the message, e.g. "date.issue@norm") at node
 * at into *out, in cx->tz when s has no offset. Returns 0, or -1 with cx->err set. */
int np_article_date(np_format_ctx *cx, const xmlNode *at, const char *what, const char *s,
                    np_date *out);
/* Append s to the article's tags / authors unless already there (a hash: linear in the count)
 * or the list is full (NP_MAX_TAGS, NP_MAX_AUTHORS: counted and reported once); s is cut to
 * NP_MAX_TAG / NP_MAX_NAME bytes first. at is where s was read, for the report. */
void np_article_push_tag(np_format_ctx *cx, const xmlNode *at, const char *s);
void np_article_push_author(np_format_ctx *cx, const xmlNode *at, const char *s);

#endif
