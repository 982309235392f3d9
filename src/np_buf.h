/* A growable byte buffer on the C heap. Rendered pages are built in one and then handed,
 * as a single block, to the page cache or the response; it never copies byte by byte. */
#ifndef NP_BUF_H
#define NP_BUF_H

#include <string.h>

#include <apr_pools.h>

typedef struct {
    char *data;
    apr_size_t len, cap;
    int failed;       /* an allocation failed: contents are truncated */
    apr_pool_t *pool; /* np_buf_init_pool: memory from this pool, never freed by the buffer */
} np_buf;

void np_buf_init(np_buf *b, apr_size_t hint);
/* A buffer for a short string that ends up in pool p anyway: no malloc, no copy at the end.
 * np_buf_free forgets it; np_buf_detach is for heap buffers only. */
void np_buf_init_pool(np_buf *b, apr_pool_t *p, apr_size_t hint);
void np_buf_free(np_buf *b);
/* Frees the buffer's memory when pool p is cleared. */
void np_buf_free_with(np_buf *b, apr_pool_t *p);
void np_buf_append_grow(np_buf *b, const char *s, apr_size_t n);
/* Inline: the template engine appends a few hundred short slices per page. */
static inline void np_buf_append(np_buf *b, const char *s, apr_size_t n)
{
    if (n && n < b->cap - b->len) { /* cap > len but for an empty buffer, 0 and 0 */
        memcpy(b->data + b->len, s, n);
        b->len += n;
    } else {
        np_buf_append_grow(b, s, n);
    }
}
void np_buf_puts(np_buf *b, const char *s);
void np_buf_putc(np_buf *b, char c);
void np_buf_printf(np_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* NUL-terminates (not counted in len) and returns data; the buffer keeps ownership. */
const char *np_buf_cstr(np_buf *b);
/* Gives the block to the caller (free() it); the buffer is left empty. */
char *np_buf_detach(np_buf *b, apr_size_t *len);

/* Escapers, each appending s (n bytes) escaped for one output context. */
void np_buf_html(np_buf *b, const char *s, apr_size_t n); /* text and quoted attributes */
void np_buf_url(np_buf *b, const char *s, apr_size_t n);  /* percent-encodes all but unreserved */
void np_buf_url_path(np_buf *b, const char *s, apr_size_t n);  /* the same, '/' kept */
void np_buf_url_query(np_buf *b, const char *s, apr_size_t n); /* only what a header can't hold */
void np_buf_json(np_buf *b, const char *s, apr_size_t n); /* JSON string body, safe in <script> */
void np_buf_xml(np_buf *b, const char *s, apr_size_t n);  /* XML text and attributes */

#endif
