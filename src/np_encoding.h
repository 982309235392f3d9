/* Content codings of pages (docs/caching.md): which one a request gets (Accept-Encoding, as
 * RFC 9110 section 12.5.3 says) and making it (gzip through zlib, Brotli through libbrotli). */
#ifndef NP_ENCODING_H
#define NP_ENCODING_H

#include <apr_pools.h>

#include "np_buf.h"

enum { NP_ENC_IDENTITY = 0, NP_ENC_GZIP = 1, NP_ENC_BR = 2, NP_ENC_COUNT = 3 };
#define NP_ENC_BIT(e) (1u << (e))
#define NP_ENC_ALL (NP_ENC_BIT(NP_ENC_GZIP) | NP_ENC_BIT(NP_ENC_BR))

/* An Accept-Encoding longer than this, or with more elements, is not read: such a request gets
 * the identity coding, which is always acceptable to send. */
#define NP_ACCEPT_MAX_LEN 4096
#define NP_ACCEPT_MAX_ITEMS 64

/* Levels, chosen by measurement (docs/caching.md): a cached page is compressed once per
 * encoding, so it gets the smaller output; a page made for one request (the page cache off, or
 * while another request is making the cached form) gets the fast levels. */
#define NP_GZIP_LEVEL_CACHED 9
#define NP_BR_LEVEL_CACHED 10
#define NP_GZIP_LEVEL_LIVE 3
#define NP_BR_LEVEL_LIVE 4
/* Brotli 10 costs about 0.5 ms per KB of page, paid by the first reader of each version in
 * each child: above this size a cached page gets quality 6 (a tenth of the time, 7% larger). */
#define NP_BR_CACHED_MAX_BYTES (32 * 1024)
#define NP_BR_LEVEL_CACHED_LARGE 6

/* The level of the cached form of a page of len bytes in coding enc. */
int np_encoding_cached_level(int enc, apr_size_t len);

/* Pages shorter than this are sent as they are; so is a compressed form that saves less than
 * 1/16 of the page. */
#define NP_COMPRESS_MIN 256

/* The coding to send for header (NULL: no Accept-Encoding), among identity and the codings in
 * offered (NP_ENC_BIT mask). The highest weight wins; among equal weights br, then gzip, then
 * identity. A coding not listed is unacceptable unless "*" lists it; identity is acceptable
 * unless "identity;q=0", or "*;q=0" without an identity element, excludes it. When nothing is
 * acceptable, identity. Malformed elements are ignored. */
int np_encoding_negotiate(const char *header, unsigned offered);

/* "gzip", "br"; NULL for identity. */
const char *np_encoding_name(int enc);
/* A short suffix for ETags: "gz", "br"; "" for identity. */
const char *np_encoding_tag(int enc);

/* The most bytes np_encoding_compress writes for len input bytes (0 when too large). */
apr_size_t np_encoding_bound(int enc, apr_size_t len);
/* Compresses in (len bytes) into out (cap bytes, at least np_encoding_bound): the number of
 * bytes written, or 0 on failure. Output is the same for the same input, level and library. */
apr_size_t np_encoding_compress(int enc, int level, const char *in, apr_size_t len, char *out,
                                apr_size_t cap);
/* Appends the decompressed in to b, at most max bytes: 1, or 0 when in is not a whole stream
 * of enc or would exceed max. For tests and checks. */
int np_encoding_decompress(int enc, const char *in, apr_size_t len, np_buf *b, apr_size_t max);

#endif
