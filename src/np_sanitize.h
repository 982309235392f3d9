/* The body markup allowlist (docs/content.md, "Body markup"): writes HTML from a libxml2 tree with
 * a serializer of our own. Nothing from the input reaches the output except listed elements and
 * attributes, filtered URLs and escaped text. Also the plain text of a node, for titles and
 * summaries. */
#ifndef NP_SANITIZE_H
#define NP_SANITIZE_H

#include <apr_pools.h>
#include <apr_tables.h>
#include <libxml/tree.h>

#include "np_buf.h"

typedef enum {
    NP_SANITIZE_DROPPED,   /* element removed with its content (script, style, ...) */
    NP_SANITIZE_UNWRAPPED, /* element not allowed: its tags removed, its content kept */
    NP_SANITIZE_ATTR,      /* attribute removed (not listed, on*, style) */
    NP_SANITIZE_URL        /* href/src removed because of its URL scheme */
} np_sanitize_kind;

typedef struct {
    np_sanitize_kind kind;
    const char *element; /* the element's name, as written (with its prefix, if any) */
    const char *attr;    /* NP_SANITIZE_ATTR, NP_SANITIZE_URL: the attribute's name */
    const char *value;   /* NP_SANITIZE_URL: the refused URL */
    long line, col;      /* of the element in its file; 0 when unknown */
} np_sanitize_item;

/* What the allowlist removed, for the linter. */
typedef struct {
    apr_pool_t *pool;
    int count[4];              /* by np_sanitize_kind */
    apr_array_header_t *items; /* np_sanitize_item, in document order */
} np_sanitize_report;

np_sanitize_report *np_sanitize_report_make(apr_pool_t *p);

/* Appends to out the HTML for the children of el (the body element). Elements in no namespace,
 * in XHTML's, or in el's own namespace are judged by the allowlist; elements of any other
 * namespace are dropped with their content. report may be NULL. Thread-safe. */
void np_sanitize_html(np_buf *out, const xmlNode *el, np_sanitize_report *report);

/* url as it may be written into href or src: leading and trailing spaces and control characters
 * stripped, tab/CR/LF removed; NULL when its scheme is not http, https or mailto (relative URLs
 * pass). Returns url itself when nothing was removed, else a copy from p. */
const char *np_sanitize_url(apr_pool_t *p, const char *url);

/* The text of node and its descendants, without the content of dropped elements, with runs of
 * white space collapsed to one space and trimmed; blocks (p, li, br, ...) are separated by a
 * space. Allocated from p; "" when there is none. */
const char *np_sanitize_text(apr_pool_t *p, const xmlNode *node);

/* Text that an agency declared plain but wrote as HTML (a <p> in CDATA): when text, trimmed,
 * parses as a well-formed XML fragment holding at least one element the allowlist keeps, the
 * <body> element of a new document (freed with p) whose children are that fragment; else NULL,
 * and the text is to be read as text. name stands for the file in the parser. */
xmlNode *np_sanitize_fragment(apr_pool_t *p, const char *name, const char *text);

#endif
