/* QR codes as inline SVG, for the "Share to Weixin" action: the module draws them itself, so
 * no page asks a third-party service for an image. */
#ifndef NP_QR_H
#define NP_QR_H

#include <apr_pools.h>

/* An <svg> element showing text as a QR code (error correction M), or NULL when text is too
 * long to encode. The SVG has a title for screen readers and scales with its container. */
const char *np_qr_svg(apr_pool_t *p, const char *text);

#endif
