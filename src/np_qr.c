/* QR code drawing: libqrencode computes the modules, we write one SVG path of unit squares. */
#include "np_qr.h"

#include <string.h>
#include <qrencode.h>
#include <apr_strings.h>

#include "np_buf.h"

#define QUIET 4 /* the quiet zone the QR specification asks for, in modules */

/* Appends a small non-negative number: the path has thousands of them, printf is too slow. */
static void put_int(np_buf *b, int v)
{
    char tmp[12];
    int n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v && n < 12);
    while (n)
        np_buf_putc(b, tmp[--n]);
}

const char *np_qr_svg(apr_pool_t *p, const char *text)
{
    QRcode *qr = QRcode_encodeString8bit(text, 0, QR_ECLEVEL_M);
    np_buf b;
    const char *out;
    int x, y, size;
    if (!qr)
        return NULL;
    size = qr->width + 2 * QUIET;
    np_buf_init(&b, 4096);
    np_buf_printf(&b,
                  "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" width=\"%d\" "
                  "height=\"%d\" role=\"img\" class=\"qr\" shape-rendering=\"crispEdges\">"
                  "<title>",
                  size, size, size * 4, size * 4);
    np_buf_html(&b, text, strlen(text));
    np_buf_printf(&b, "</title><rect width=\"%d\" height=\"%d\" fill=\"#fff\"/><path d=\"", size,
                  size);
    for (y = 0; y < qr->width; y++) {
        for (x = 0; x < qr->width; x++) {
            int run = 0;
            while (x + run < qr->width && (qr->data[y * qr->width + x + run] & 1))
                run++;
            if (run) {
                np_buf_putc(&b, 'M');
                put_int(&b, x + QUIET);
                np_buf_putc(&b, ' ');
                put_int(&b, y + QUIET);
                np_buf_putc(&b, 'h');
                put_int(&b, run);
                np_buf_puts(&b, "v1h-");
                put_int(&b, run);
                np_buf_putc(&b, 'z');
                x += run - 1;
            }
        }
    }
    np_buf_puts(&b, "\" fill=\"#000\"/></svg>");
    QRcode_free(qr);
    out = b.failed ? NULL : apr_pstrmemdup(p, b.data ? b.data : "", b.len);
    np_buf_free(&b);
    return out;
}
