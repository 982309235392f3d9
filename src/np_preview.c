/* Preview tokens: what is signed is a canonical text of every field (version, scope, the URL
 * path or the instant, the expiry), so that changing any of them breaks the signature; the
 * token carries the fields in a fixed binary layout plus the signature, in base64url.
 * Never logs or returns the secret, and compares signatures in constant time. */
#include "np_preview.h"

#include <string.h>
#include <apr_file_io.h>
#include <apr_strings.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#define VERSION 1
#define MAC_LEN 32
/* version, scope, expiry; T for a site preview; the signature */
#define ARTICLE_LEN (1 + 1 + 8 + MAC_LEN)
#define SITE_LEN (1 + 1 + 8 + 8 + MAC_LEN)

np_preview_key *np_preview_key_load(apr_pool_t *p, const char *path, const char **err)
{
    apr_file_t *f;
    apr_status_t rv;
    apr_size_t n = 0;
    unsigned char *buf = apr_palloc(p, NP_PREVIEW_KEY_MAX + 1);
    np_preview_key *k;
    char msg[120];

    rv = apr_file_open(&f, path, APR_FOPEN_READ | APR_FOPEN_BINARY, 0, p);
    if (rv != APR_SUCCESS) {
        *err = apr_psprintf(p, "cannot open '%s': %s", path, apr_strerror(rv, msg, sizeof(msg)));
        return NULL;
    }
    /* One more byte than allowed: a file that fills it is too large. */
    rv = apr_file_read_full(f, buf, NP_PREVIEW_KEY_MAX + 1, &n);
    apr_file_close(f);
    if (rv != APR_SUCCESS && !APR_STATUS_IS_EOF(rv)) {
        *err = apr_psprintf(p, "cannot read '%s': %s", path, apr_strerror(rv, msg, sizeof(msg)));
        return NULL;
    }
    if (n > NP_PREVIEW_KEY_MAX) {
        *err = apr_psprintf(p, "'%s' is larger than %d bytes; it should hold a secret alone", path,
                            NP_PREVIEW_KEY_MAX);
        return NULL;
    }
    while (n > 0 &&
           (buf[n - 1] == '\n' || buf[n - 1] == '\r' || buf[n - 1] == ' ' || buf[n - 1] == '\t'))
        n--;
    if (n < NP_PREVIEW_KEY_MIN) {
        *err = apr_psprintf(p,
                            "'%s' holds %" APR_SIZE_T_FMT " bytes of secret; at least %d are "
                            "needed (e.g. head -c 48 /dev/urandom | base64 > FILE)",
                            path, n, NP_PREVIEW_KEY_MIN);
        return NULL;
    }
    k = apr_palloc(p, sizeof(*k));
    k->bytes = buf;
    k->len = n;
    return k;
}

static const char b64url[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/* Without padding. */
static const char *b64_encode(apr_pool_t *p, const unsigned char *in, apr_size_t n)
{
    char *out = apr_palloc(p, (n + 2) / 3 * 4 + 1), *o = out;
    apr_size_t i;
    for (i = 0; i + 2 < n; i += 3) {
        unsigned v = (unsigned)in[i] << 16 | (unsigned)in[i + 1] << 8 | in[i + 2];
        *o++ = b64url[v >> 18];
        *o++ = b64url[(v >> 12) & 63];
        *o++ = b64url[(v >> 6) & 63];
        *o++ = b64url[v & 63];
    }
    if (n - i == 1) {
        unsigned v = (unsigned)in[i] << 16;
        *o++ = b64url[v >> 18];
        *o++ = b64url[(v >> 12) & 63];
    } else if (n - i == 2) {
        unsigned v = (unsigned)in[i] << 16 | (unsigned)in[i + 1] << 8;
        *o++ = b64url[v >> 18];
        *o++ = b64url[(v >> 12) & 63];
        *o++ = b64url[(v >> 6) & 63];
    }
    *o = '\0';
    return out;
}

static int b64_value(char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '-')
        return 62;
    if (c == '_')
        return 63;
    return -1;
}

/* Strict: only the alphabet, no padding, and the unused low bits of the last character zero,
 * so that every byte string has exactly one spelling. Returns the length, or -1. out holds at
 * least n * 3 / 4 bytes. */
static int b64_decode(const char *in, apr_size_t n, unsigned char *out)
{
    apr_size_t i, o = 0;
    unsigned v = 0;
    int bits = 0;
    if (n % 4 == 1)
        return -1;
    for (i = 0; i < n; i++) {
        int d = b64_value(in[i]);
        if (d < 0)
            return -1;
        v = (v << 6 | (unsigned)d) & 0xffffff;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out[o++] = (unsigned char)(v >> bits);
        }
    }
    if (v & ((1u << bits) - 1))
        return -1;
    return (int)o;
}

static void put64(unsigned char *b, apr_uint64_t v)
{
    int i;
    for (i = 7; i >= 0; i--, v >>= 8)
        b[i] = (unsigned char)v;
}

static apr_uint64_t get64(const unsigned char *b)
{
    apr_uint64_t v = 0;
    int i;
    for (i = 0; i < 8; i++)
        v = v << 8 | b[i];
    return v;
}

/* The text that is signed: every field, each spelt one way; the path with its length, as it
 * may hold any byte. */
static int sign(apr_pool_t *p, const np_preview_key *key, int scope, const char *path,
                apr_int64_t at, apr_int64_t expires, unsigned char mac[MAC_LEN])
{
    const char *text;
    unsigned int mlen = MAC_LEN;
    if (scope == NP_PREVIEW_ARTICLE)
        text = apr_psprintf(
            p, "newsportal-preview\n%d\narticle\n%" APR_SIZE_T_FMT ":%s\n%" APR_INT64_T_FMT "\n",
            VERSION, strlen(path), path, expires);
    else
        text = apr_psprintf(
            p, "newsportal-preview\n%d\nsite\n%" APR_INT64_T_FMT "\n%" APR_INT64_T_FMT "\n",
            VERSION, at, expires);
    return HMAC(EVP_sha256(), key->bytes, (int)key->len, (const unsigned char *)text, strlen(text),
                mac, &mlen) != NULL &&
           mlen == MAC_LEN;
}

const char *np_preview_make(apr_pool_t *p, const np_preview_key *key, int scope, const char *path,
                            apr_int64_t at, apr_int64_t expires)
{
    unsigned char raw[SITE_LEN];
    apr_size_t n = 0;
    if (!key || expires <= 0 || expires > NP_PREVIEW_AT_MAX)
        return NULL;
    if (scope == NP_PREVIEW_ARTICLE) {
        if (!path || path[0] != '/')
            return NULL;
        at = 0;
    } else if (scope != NP_PREVIEW_SITE || at < 0 || at > NP_PREVIEW_AT_MAX) {
        return NULL;
    }
    raw[n++] = VERSION;
    raw[n++] = (unsigned char)scope;
    put64(raw + n, (apr_uint64_t)expires);
    n += 8;
    if (scope == NP_PREVIEW_SITE) {
        put64(raw + n, (apr_uint64_t)at);
        n += 8;
    }
    if (!sign(p, key, scope, path, at, expires, raw + n))
        return NULL;
    return b64_encode(p, raw, n + MAC_LEN);
}

int np_preview_verify(apr_pool_t *p, const np_preview_key *key, const char *token, apr_size_t len,
                      const char *path, apr_int64_t now, np_preview *out)
{
    unsigned char raw[NP_PREVIEW_TOKEN_MAX], mac[MAC_LEN];
    apr_uint64_t expires, at = 0;
    int n, scope;
    if (!key || !token || len == 0 || len > NP_PREVIEW_TOKEN_MAX || !path)
        return NP_PREVIEW_BAD;
    if ((n = b64_decode(token, len, raw)) < 2 || raw[0] != VERSION)
        return NP_PREVIEW_BAD;
    scope = raw[1];
    if (!(scope == NP_PREVIEW_ARTICLE && n == ARTICLE_LEN) &&
        !(scope == NP_PREVIEW_SITE && n == SITE_LEN))
        return NP_PREVIEW_BAD;
    expires = get64(raw + 2);
    if (scope == NP_PREVIEW_SITE)
        at = get64(raw + 10);
    /* Bounded before any arithmetic: 2^63 and up would be negative as a signed number. */
    if (expires == 0 || expires > (apr_uint64_t)NP_PREVIEW_AT_MAX || at > NP_PREVIEW_AT_MAX)
        return NP_PREVIEW_BAD;
    if (!sign(p, key, scope, path, (apr_int64_t)at, (apr_int64_t)expires, mac) ||
        CRYPTO_memcmp(mac, raw + n - MAC_LEN, MAC_LEN) != 0)
        return NP_PREVIEW_BAD;
    if ((apr_int64_t)expires <= now)
        return NP_PREVIEW_EXPIRED;
    if ((apr_int64_t)expires - now > NP_PREVIEW_MAX_VALID + NP_PREVIEW_SKEW)
        return NP_PREVIEW_BAD; /* signed, but for longer than a link may live */
    out->scope = scope;
    out->at = (apr_int64_t)at;
    out->expires = (apr_int64_t)expires;
    out->link_suffix = scope == NP_PREVIEW_SITE ? apr_pstrcat(p, "?" NP_PREVIEW_PARAM "=",
                                                              apr_pstrmemdup(p, token, len), NULL)
                                                : NULL;
    return NP_PREVIEW_OK;
}

int np_preview_param(const char *query, const char **token, apr_size_t *len)
{
    const apr_size_t plen = sizeof(NP_PREVIEW_PARAM) - 1;
    const char *s = query;
    int found = 0;
    while (s && *s) {
        const char *end = strchr(s, '&');
        apr_size_t n = end ? (apr_size_t)(end - s) : strlen(s);
        if ((n == plen || (n > plen && s[plen] == '=')) &&
            strncmp(s, NP_PREVIEW_PARAM, plen) == 0) {
            if (found++)
                return -1;
            *token = n > plen ? s + plen + 1 : s + n;
            *len = n > plen ? n - plen - 1 : 0;
        }
        s = end ? end + 1 : NULL;
    }
    return found;
}

int np_preview_duration(const char *s, apr_int64_t *secs)
{
    apr_int64_t v = 0, unit = 1;
    const char *c = s;
    if (!s || *s < '0' || *s > '9')
        return -1;
    for (; *c >= '0' && *c <= '9'; c++) {
        v = v * 10 + (*c - '0');
        if (v > NP_PREVIEW_MAX_VALID)
            return -1;
    }
    if (*c == 's')
        unit = 1, c++;
    else if (*c == 'm')
        unit = 60, c++;
    else if (*c == 'h')
        unit = 3600, c++;
    else if (*c == 'd')
        unit = 86400, c++;
    if (*c || v < 1 || v > NP_PREVIEW_MAX_VALID / unit)
        return -1;
    *secs = v * unit;
    return 0;
}

int np_preview_opens(const np_preview *pv, const np_article *a)
{
    return pv && pv->scope == NP_PREVIEW_ARTICLE && a && a->draft != NP_KILLED &&
           a->published.t != 0;
}

np_entry *np_preview_article(const np_preview *pv, np_entry *e)
{
    if (!pv || pv->scope != NP_PREVIEW_ARTICLE)
        return NULL;
    return e && np_preview_opens(pv, e->a) ? e : NULL;
}

apr_time_t np_preview_now(const np_preview *pv, apr_time_t now)
{
    return pv && pv->scope == NP_PREVIEW_SITE ? apr_time_from_sec(pv->at) : now;
}

const char *np_preview_link(const np_preview *pv, const char *url, apr_pool_t *p)
{
    if (!url || !pv || !pv->link_suffix || strchr(url, '?'))
        return url;
    return apr_pstrcat(p, url, pv->link_suffix, NULL);
}

const char *np_preview_unlink(const np_preview *pv, const char *url, apr_pool_t *p)
{
    apr_size_t n, sn;
    if (!url || !pv || !pv->link_suffix)
        return url;
    n = strlen(url);
    sn = strlen(pv->link_suffix);
    if (n > sn && strcmp(url + n - sn, pv->link_suffix) == 0)
        return apr_pstrmemdup(p, url, n - sn);
    return url;
}

np_value *np_preview_value(apr_pool_t *p, const np_preview *pv, np_value *at, apr_time_t now,
                           const np_tz *tz)
{
    np_value *m = np_value_map(p);
    np_date_fields f;
    np_date_split(now, tz, &f);
    if (at && at->type == NP_MAP)
        np_map_str(p, at, "time", apr_psprintf(p, "%02d:%02d", f.hour, f.minute));
    if (at)
        np_map_set(p, m, "at", at);
    np_map_bool(p, m, "site", pv->scope == NP_PREVIEW_SITE);
    np_map_bool(p, m, "article", pv->scope == NP_PREVIEW_ARTICLE);
    return m;
}
