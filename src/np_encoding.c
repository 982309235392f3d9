/* Content codings: negotiation and the compressors. See np_encoding.h. */
#include "np_encoding.h"

#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <brotli/decode.h>
#include <brotli/encode.h>
#include <zlib.h>

/* Brotli's window: 256 KB, as mod_brotli's default; pages are rarely longer, and a decoder
 * then needs no more memory than that. */
#define NP_BR_WINDOW 18

static int is_tchar(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           (c && strchr("!#$%&'*+-.^_`|~", c));
}

static int is_ows(char c)
{
    return c == ' ' || c == '\t';
}

static int lower_eq(const char *s, apr_size_t n, const char *lit)
{
    apr_size_t i;
    if (strlen(lit) != n)
        return 0;
    for (i = 0; i < n; i++) {
        char c = s[i];
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        if (c != lit[i])
            return 0;
    }
    return 1;
}

/* qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] ), as thousandths; -1 if not. */
static int parse_qvalue(const char *s, apr_size_t n)
{
    int q, i, scale = 100;
    if (n == 0 || n > 5 || (s[0] != '0' && s[0] != '1'))
        return -1;
    q = (s[0] - '0') * 1000;
    if (n == 1)
        return q;
    if (s[1] != '.')
        return -1;
    for (i = 2; i < (int)n; i++, scale /= 10) {
        if (s[i] < '0' || s[i] > '9' || (q == 1000 && s[i] != '0'))
            return -1;
        q += (s[i] - '0') * scale;
    }
    return q;
}

enum { CODING_UNKNOWN = -1, CODING_STAR = NP_ENC_COUNT };

/* One element of the list, s..s+n, trimmed: sets *coding and *q (thousandths); 0 when
 * malformed. */
static int parse_element(const char *s, apr_size_t n, int *coding, int *q)
{
    apr_size_t t = 0, i;
    while (t < n && is_tchar((unsigned char)s[t]))
        t++;
    if (t == 0)
        return 0;
    if (lower_eq(s, t, "gzip") || lower_eq(s, t, "x-gzip"))
        *coding = NP_ENC_GZIP;
    else if (lower_eq(s, t, "br"))
        *coding = NP_ENC_BR;
    else if (lower_eq(s, t, "identity"))
        *coding = NP_ENC_IDENTITY;
    else if (t == 1 && s[0] == '*')
        *coding = CODING_STAR;
    else
        *coding = CODING_UNKNOWN;
    i = t;
    while (i < n && is_ows(s[i]))
        i++;
    if (i == n) {
        *q = 1000;
        return 1;
    }
    /* weight = OWS ";" OWS "q=" qvalue: the only parameter a coding has here */
    if (s[i++] != ';')
        return 0;
    while (i < n && is_ows(s[i]))
        i++;
    if (n - i < 2 || (s[i] != 'q' && s[i] != 'Q') || s[i + 1] != '=')
        return 0;
    i += 2;
    *q = parse_qvalue(s + i, n - i);
    return *q >= 0;
}

int np_encoding_negotiate(const char *header, unsigned offered)
{
    static const int order[] = {NP_ENC_BR, NP_ENC_GZIP, NP_ENC_IDENTITY};
    int w[NP_ENC_COUNT + 1], items = 0, best = NP_ENC_IDENTITY, best_q = 0, k;
    apr_size_t len, i = 0;
    if (!header)
        return NP_ENC_IDENTITY;
    len = strnlen(header, NP_ACCEPT_MAX_LEN + 1);
    if (len > NP_ACCEPT_MAX_LEN)
        return NP_ENC_IDENTITY;
    for (k = 0; k <= NP_ENC_COUNT; k++)
        w[k] = -1;
    while (i < len) {
        apr_size_t start, end;
        int coding, q;
        while (i < len && (is_ows(header[i]) || header[i] == ','))
            i++;
        if (i == len)
            break;
        start = i;
        while (i < len && header[i] != ',')
            i++;
        end = i;
        while (end > start && is_ows(header[end - 1]))
            end--;
        if (++items > NP_ACCEPT_MAX_ITEMS)
            return NP_ENC_IDENTITY;
        /* The first element naming a coding counts; repeats are ignored. */
        if (parse_element(header + start, end - start, &coding, &q) && coding != CODING_UNKNOWN &&
            w[coding] < 0)
            w[coding] = q;
    }
    for (k = 0; k < 3; k++) {
        int e = order[k], q;
        if (e != NP_ENC_IDENTITY && !(offered & NP_ENC_BIT(e)))
            continue;
        if (w[e] >= 0)
            q = w[e];
        else if (w[CODING_STAR] >= 0)
            q = w[CODING_STAR];
        else /* identity not named: acceptable, after anything the client named */
            q = e == NP_ENC_IDENTITY ? 1 : 0;
        if (q > best_q) {
            best_q = q;
            best = e;
        }
    }
    /* Nothing acceptable (identity excluded too): identity all the same, as RFC 9110 allows
     * rather than a 406 that would show a reader an error page. */
    return best_q > 0 ? best : NP_ENC_IDENTITY;
}

const char *np_encoding_name(int enc)
{
    return enc == NP_ENC_GZIP ? "gzip" : enc == NP_ENC_BR ? "br" : NULL;
}

const char *np_encoding_tag(int enc)
{
    return enc == NP_ENC_GZIP ? "gz" : enc == NP_ENC_BR ? "br" : "";
}

int np_encoding_cached_level(int enc, apr_size_t len)
{
    if (enc == NP_ENC_GZIP)
        return NP_GZIP_LEVEL_CACHED;
    return len > NP_BR_CACHED_MAX_BYTES ? NP_BR_LEVEL_CACHED_LARGE : NP_BR_LEVEL_CACHED;
}

apr_size_t np_encoding_bound(int enc, apr_size_t len)
{
    if (len > (apr_size_t)UINT_MAX / 2)
        return 0;
    if (enc == NP_ENC_GZIP)
        return (apr_size_t)compressBound((uLong)len) + 32; /* gzip's header and trailer */
    if (enc == NP_ENC_BR)
        return BrotliEncoderMaxCompressedSize(len);
    return 0;
}

/* Idle deflate streams, reused: setting one up (about 270 KB of tables) cost more than
 * compressing a 25 KB page at level 6 (docs/caching.md). At most NP_GZ_IDLE are kept; the lock
 * is held to take or give back one, never while compressing. */
#define NP_GZ_IDLE 16
static pthread_mutex_t gz_lock = PTHREAD_MUTEX_INITIALIZER;
static z_stream *gz_idle[NP_GZ_IDLE];
static int gz_nidle;

static z_stream *gz_take(int level)
{
    z_stream *z = NULL;
    if (pthread_mutex_lock(&gz_lock) == 0) {
        if (gz_nidle > 0)
            z = gz_idle[--gz_nidle];
        pthread_mutex_unlock(&gz_lock);
    }
    if (z) {
        /* A reset stream has seen no input: deflateParams only sets the level, and the output
         * is that of a new stream at this level. */
        if (deflateReset(z) == Z_OK && deflateParams(z, level, Z_DEFAULT_STRATEGY) == Z_OK)
            return z;
        deflateEnd(z);
        free(z);
    }
    if (!(z = calloc(1, sizeof(*z))))
        return NULL;
    /* 15 + 16: a gzip stream (header with no name and mtime 0: the same bytes every time). */
    if (deflateInit2(z, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
        free(z);
        return NULL;
    }
    return z;
}

static void gz_give_back(z_stream *z)
{
    if (pthread_mutex_lock(&gz_lock) == 0) {
        if (gz_nidle < NP_GZ_IDLE) {
            gz_idle[gz_nidle++] = z;
            z = NULL;
        }
        pthread_mutex_unlock(&gz_lock);
    }
    if (z) {
        deflateEnd(z);
        free(z);
    }
}

static apr_size_t gzip_compress(int level, const char *in, apr_size_t len, char *out,
                                apr_size_t cap)
{
    z_stream *z = gz_take(level);
    apr_size_t n = 0;
    if (!z)
        return 0;
    z->next_in = (Bytef *)(void *)in;
    z->avail_in = (uInt)len;
    z->next_out = (Bytef *)out;
    z->avail_out = (uInt)cap;
    if (deflate(z, Z_FINISH) == Z_STREAM_END)
        n = (apr_size_t)z->total_out;
    gz_give_back(z);
    return n;
}

apr_size_t np_encoding_compress(int enc, int level, const char *in, apr_size_t len, char *out,
                                apr_size_t cap)
{
    apr_size_t bound = np_encoding_bound(enc, len);
    if (!bound || cap < bound || cap > (apr_size_t)UINT_MAX)
        return 0;
    if (enc == NP_ENC_GZIP)
        return gzip_compress(level, in, len, out, cap);
    if (enc == NP_ENC_BR) {
        size_t n = cap;
        if (BrotliEncoderCompress(level, NP_BR_WINDOW, BROTLI_MODE_TEXT, len, (const uint8_t *)in,
                                  &n, (uint8_t *)out) != BROTLI_TRUE)
            return 0;
        return n;
    }
    return 0;
}

static int gunzip(const char *in, apr_size_t len, np_buf *b, apr_size_t max)
{
    z_stream z;
    char chunk[16384];
    int rc = Z_OK, over = 0;
    apr_size_t got = 0;
    if (len > (apr_size_t)UINT_MAX)
        return 0;
    memset(&z, 0, sizeof(z));
    if (inflateInit2(&z, 15 + 16) != Z_OK)
        return 0;
    z.next_in = (Bytef *)(void *)in;
    z.avail_in = (uInt)len;
    while (rc == Z_OK) {
        apr_size_t n;
        z.next_out = (Bytef *)chunk;
        z.avail_out = sizeof(chunk);
        rc = inflate(&z, Z_NO_FLUSH);
        n = sizeof(chunk) - z.avail_out;
        if (max - got < n)
            over = 1;
        if (over || (rc != Z_OK && rc != Z_STREAM_END) || (rc == Z_OK && n == 0))
            break;
        np_buf_append(b, chunk, n);
        got += n;
    }
    inflateEnd(&z);
    /* Whole: the stream ended exactly at the end of the input. */
    return !over && rc == Z_STREAM_END && z.avail_in == 0 && !b->failed;
}

static int unbrotli(const char *in, apr_size_t len, np_buf *b, apr_size_t max)
{
    BrotliDecoderState *s = BrotliDecoderCreateInstance(NULL, NULL, NULL);
    BrotliDecoderResult rc = BROTLI_DECODER_RESULT_NEEDS_MORE_OUTPUT;
    const uint8_t *next_in = (const uint8_t *)in;
    size_t avail_in = len;
    apr_size_t got = 0;
    char chunk[16384];
    if (!s)
        return 0;
    while (rc == BROTLI_DECODER_RESULT_NEEDS_MORE_OUTPUT) {
        uint8_t *next_out = (uint8_t *)chunk;
        size_t avail_out = sizeof(chunk), n;
        rc = BrotliDecoderDecompressStream(s, &avail_in, &next_in, &avail_out, &next_out, NULL);
        n = sizeof(chunk) - avail_out;
        if (max - got < n) {
            rc = BROTLI_DECODER_RESULT_ERROR;
            break;
        }
        np_buf_append(b, chunk, n);
        got += n;
    }
    BrotliDecoderDestroyInstance(s);
    return rc == BROTLI_DECODER_RESULT_SUCCESS && avail_in == 0 && !b->failed;
}

int np_encoding_decompress(int enc, const char *in, apr_size_t len, np_buf *b, apr_size_t max)
{
    if (enc == NP_ENC_GZIP)
        return gunzip(in, len, b, max);
    if (enc == NP_ENC_BR)
        return unbrotli(in, len, b, max);
    return 0;
}
