/* Growable buffer and output escapers. Escapers copy runs of safe bytes in one memcpy. */
#include "np_buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void np_buf_init(np_buf *b, apr_size_t hint)
{
    b->len = 0;
    b->failed = 0;
    b->pool = NULL;
    b->cap = hint ? hint : 256;
    b->data = malloc(b->cap);
    if (!b->data) {
        b->cap = 0;
        b->failed = 1;
    }
}

void np_buf_init_pool(np_buf *b, apr_pool_t *p, apr_size_t hint)
{
    b->len = 0;
    b->failed = 0;
    b->pool = p;
    b->cap = hint ? hint : 256;
    b->data = apr_palloc(p, b->cap);
}

void np_buf_free(np_buf *b)
{
    if (!b->pool)
        free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

static apr_status_t buf_cleanup(void *b)
{
    np_buf_free(b);
    return APR_SUCCESS;
}

void np_buf_free_with(np_buf *b, apr_pool_t *p)
{
    apr_pool_cleanup_register(p, b, buf_cleanup, apr_pool_cleanup_null);
}

static int buf_reserve(np_buf *b, apr_size_t extra)
{
    apr_size_t need = b->len + extra + 1, cap;
    char *d;
    if (need <= b->cap)
        return 1;
    if (b->failed || need < b->len)
        return 0;
    cap = b->cap ? b->cap : 256;
    while (cap < need)
        cap *= 2;
    if (b->pool) {
        d = apr_palloc(b->pool, cap);
        if (d && b->len)
            memcpy(d, b->data, b->len);
    } else {
        d = realloc(b->data, cap);
    }
    if (!d) {
        b->failed = 1;
        return 0;
    }
    b->data = d;
    b->cap = cap;
    return 1;
}

void np_buf_append_grow(np_buf *b, const char *s, apr_size_t n)
{
    if (n == 0 || !buf_reserve(b, n))
        return;
    memcpy(b->data + b->len, s, n);
    b->len += n;
}

void np_buf_puts(np_buf *b, const char *s)
{
    np_buf_append(b, s, strlen(s));
}

void np_buf_putc(np_buf *b, char c)
{
    if (!buf_reserve(b, 1))
        return;
    b->data[b->len++] = c;
}

void np_buf_printf(np_buf *b, const char *fmt, ...)
{
    va_list ap;
    int n;
    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n <= 0 || !buf_reserve(b, (apr_size_t)n))
        return;
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (apr_size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (apr_size_t)n;
}

const char *np_buf_cstr(np_buf *b)
{
    if (!buf_reserve(b, 0))
        return "";
    b->data[b->len] = '\0';
    return b->data;
}

char *np_buf_detach(np_buf *b, apr_size_t *len)
{
    char *d;
    np_buf_cstr(b);
    d = b->data;
    if (len)
        *len = b->len;
    b->data = NULL;
    b->len = b->cap = 0;
    return d;
}

/* Appends s with each byte for which repl() gives a replacement substituted. Inlined into each
 * escaper, so that repl() is too: it runs once per byte of every page. */
typedef const char *(*esc_fn)(unsigned char c, char tmp[8]);

static inline __attribute__((always_inline)) void buf_escape(np_buf *b, const char *s, apr_size_t n,
                                                             esc_fn repl)
{
    apr_size_t i, run = 0;
    char tmp[8];
    for (i = 0; i < n; i++) {
        const char *r = repl((unsigned char)s[i], tmp);
        if (r) {
            np_buf_append(b, s + run, i - run);
            np_buf_puts(b, r);
            run = i + 1;
        }
    }
    np_buf_append(b, s + run, n - run);
}

static const char *esc_html(unsigned char c, char tmp[8])
{
    (void)tmp;
    switch (c) {
    case '&':
        return "&amp;";
    case '<':
        return "&lt;";
    case '>':
        return "&gt;";
    case '"':
        return "&quot;";
    case '\'':
        return "&#39;";
    default:
        return NULL;
    }
}

void np_buf_html(np_buf *b, const char *s, apr_size_t n)
{
    buf_escape(b, s, n, esc_html);
}

static const char *esc_xml(unsigned char c, char tmp[8])
{
    if (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
        return ""; /* not allowed in XML 1.0 at all */
    if (c == '\'')
        return "&apos;";
    return esc_html(c, tmp);
}

void np_buf_xml(np_buf *b, const char *s, apr_size_t n)
{
    buf_escape(b, s, n, esc_xml);
}

static const char *esc_url(unsigned char c, char tmp[8])
{
    static const char hex[] = "0123456789ABCDEF";
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '.' || c == '_' || c == '~')
        return NULL;
    tmp[0] = '%';
    tmp[1] = hex[c >> 4];
    tmp[2] = hex[c & 15];
    tmp[3] = '\0';
    return tmp;
}

void np_buf_url(np_buf *b, const char *s, apr_size_t n)
{
    buf_escape(b, s, n, esc_url);
}

static const char *esc_url_path(unsigned char c, char tmp[8])
{
    return c == '/' ? NULL : esc_url(c, tmp);
}

void np_buf_url_path(np_buf *b, const char *s, apr_size_t n)
{
    buf_escape(b, s, n, esc_url_path);
}

/* A query string as received: its escapes and delimiters stay, anything a header or a URL may
 * not hold raw (controls, spaces, quotes, non-ASCII) is escaped. */
static const char *esc_url_query(unsigned char c, char tmp[8])
{
    if (c > 0x20 && c < 0x7f && !strchr("\"<>\\^`{|}", c))
        return NULL;
    return esc_url(c, tmp);
}

void np_buf_url_query(np_buf *b, const char *s, apr_size_t n)
{
    buf_escape(b, s, n, esc_url_query);
}

static const char *esc_json(unsigned char c, char tmp[8])
{
    switch (c) {
    case '"':
        return "\\\"";
    case '\\':
        return "\\\\";
    case '\n':
        return "\\n";
    case '\r':
        return "\\r";
    case '\t':
        return "\\t";
    case '<': /* never lets a value close or open a script element */
        return "\\u003c";
    case '>':
        return "\\u003e";
    case '&':
        return "\\u0026";
    default:
        if (c < 0x20) {
            snprintf(tmp, 8, "\\u%04x", c);
            return tmp;
        }
        return NULL;
    }
}

void np_buf_json(np_buf *b, const char *s, apr_size_t n)
{
    buf_escape(b, s, n, esc_json);
}
