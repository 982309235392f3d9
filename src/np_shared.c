/* The shared tier's record format: see np_shared.h. */
#include "np_shared.h"

#include <string.h>
#include <apr_strings.h>

#include "np_cache.h"
#include "np_encoding.h"

static const char magic[4] = {'N', 'P', 'S', '0' + NP_SHARED_VERSION};

static const char *const types[] = {
    "text/html; charset=utf-8",
    "text/plain; charset=utf-8",
    "application/atom+xml; charset=utf-8",
    "application/rss+xml; charset=utf-8",
    "application/feed+json; charset=utf-8",
    "application/xml; charset=utf-8",
    "application/json; charset=utf-8",
    "application/opensearchdescription+xml; charset=utf-8",
};

const char *np_shared_content_type(const char *type, apr_size_t len)
{
    size_t i;
    if (!type)
        return NULL;
    for (i = 0; i < sizeof(types) / sizeof(types[0]); i++)
        if (strlen(types[i]) == len && memcmp(types[i], type, len) == 0)
            return types[i];
    return NULL;
}

static void put_u32(unsigned char *p, apr_uint32_t v)
{
    int i;
    for (i = 0; i < 4; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

static void put_u64(unsigned char *p, apr_uint64_t v)
{
    int i;
    for (i = 0; i < 8; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

static apr_uint32_t get_u32(const unsigned char *p)
{
    return (apr_uint32_t)p[0] | (apr_uint32_t)p[1] << 8 | (apr_uint32_t)p[2] << 16 |
           (apr_uint32_t)p[3] << 24;
}

static apr_uint64_t get_u64(const unsigned char *p)
{
    return (apr_uint64_t)get_u32(p) | (apr_uint64_t)get_u32(p + 4) << 32;
}

/* magic(4) klen(4) tlen(4) blen(4) stale(4) deps(8) valid_until(8) last_modified(8) nreps(4),
 * little-endian; then key, type, body, and per form: encoding(4) len(4) bytes (len 0: none). */
int np_shared_encode(np_buf *b, const char *key, apr_size_t klen, const np_shared_record *rec)
{
    unsigned char h[NP_SHARED_HEADER];
    const char *type = np_shared_content_type(rec->content_type,
                                              rec->content_type ? strlen(rec->content_type) : 0);
    apr_size_t tlen = type ? strlen(type) : 0;
    unsigned seen = 0;
    int i;
    if (!type || klen > NP_SHARED_MAX_KEY || rec->len > NP_SHARED_MAX_BODY || rec->nreps < 0 ||
        rec->nreps > NP_SHARED_MAX_REPS)
        return 0;
    for (i = 0; i < rec->nreps; i++) {
        int enc = rec->reps[i].encoding;
        if ((enc != NP_ENC_GZIP && enc != NP_ENC_BR) || (seen & NP_ENC_BIT(enc)) ||
            rec->reps[i].len > NP_SHARED_MAX_BODY || (rec->reps[i].data && !rec->reps[i].len))
            return 0;
        seen |= NP_ENC_BIT(enc);
    }
    memcpy(h, magic, 4);
    put_u32(h + 4, (apr_uint32_t)klen);
    put_u32(h + 8, (apr_uint32_t)tlen);
    put_u32(h + 12, (apr_uint32_t)rec->len);
    put_u32(h + 16, rec->stale ? 1 : 0);
    put_u64(h + 20, rec->deps);
    put_u64(h + 28, (apr_uint64_t)rec->valid_until);
    put_u64(h + 36, (apr_uint64_t)rec->last_modified);
    put_u32(h + 44, (apr_uint32_t)rec->nreps);
    np_buf_append(b, (const char *)h, sizeof(h));
    np_buf_append(b, key, klen);
    np_buf_append(b, type, tlen);
    np_buf_append(b, rec->body, rec->len);
    for (i = 0; i < rec->nreps; i++) {
        unsigned char r[8];
        apr_size_t n = rec->reps[i].data ? rec->reps[i].len : 0;
        put_u32(r, (apr_uint32_t)rec->reps[i].encoding);
        put_u32(r + 4, (apr_uint32_t)n);
        np_buf_append(b, (const char *)r, sizeof(r));
        np_buf_append(b, rec->reps[i].data, n);
    }
    return 1;
}

int np_shared_decode(const char *data, apr_size_t len, const char *key, apr_size_t klen,
                     np_shared_record *rec)
{
    const unsigned char *h = (const unsigned char *)data;
    apr_uint64_t kl, tl, bl, stale, nreps, at;
    unsigned seen = 0;
    int i;
    if (!data || len < NP_SHARED_HEADER || memcmp(h, magic, 4) != 0)
        return 0;
    kl = get_u32(h + 4);
    tl = get_u32(h + 8);
    bl = get_u32(h + 12);
    stale = get_u32(h + 16);
    nreps = get_u32(h + 44);
    /* 64-bit sums of 32-bit lengths cannot wrap. */
    if (kl != klen || tl > 128 || bl > NP_SHARED_MAX_BODY || stale > 1 ||
        nreps > NP_SHARED_MAX_REPS || NP_SHARED_HEADER + kl + tl + bl > (apr_uint64_t)len)
        return 0;
    at = NP_SHARED_HEADER + kl + tl + bl;
    for (i = 0; i < (int)nreps; i++) {
        const unsigned char *r = (const unsigned char *)data + at;
        apr_uint64_t enc, rl;
        if ((apr_uint64_t)len - at < 8)
            return 0;
        enc = get_u32(r);
        rl = get_u32(r + 4);
        if ((enc != NP_ENC_GZIP && enc != NP_ENC_BR) || (seen & NP_ENC_BIT(enc)) ||
            rl > NP_SHARED_MAX_BODY || (apr_uint64_t)len - at - 8 < rl)
            return 0;
        seen |= NP_ENC_BIT(enc);
        rec->reps[i].encoding = (int)enc;
        rec->reps[i].data = rl ? data + at + 8 : NULL;
        rec->reps[i].len = (apr_size_t)rl;
        at += 8 + rl;
    }
    if (at != (apr_uint64_t)len)
        return 0;
    rec->nreps = (int)nreps;
    if (memcmp(data + NP_SHARED_HEADER, key, klen) != 0)
        return 0;
    rec->content_type = np_shared_content_type(data + NP_SHARED_HEADER + kl, (apr_size_t)tl);
    if (!rec->content_type)
        return 0;
    rec->stale = (int)stale;
    rec->deps = get_u64(h + 20);
    rec->valid_until = (apr_time_t)get_u64(h + 28);
    rec->last_modified = (apr_time_t)get_u64(h + 36);
    rec->body = data + NP_SHARED_HEADER + kl + tl;
    rec->len = (apr_size_t)bl;
    return 1;
}

void np_shared_id(const char *key, apr_size_t klen, char out[33])
{
    apr_uint64_t a = np_hash(NP_HASH_INIT, key, klen);
    apr_uint64_t b = np_hash(0x84222325cbf29ce4ULL, key, klen);
    apr_snprintf(out, 33, "%016" APR_UINT64_T_HEX_FMT "%016" APR_UINT64_T_HEX_FMT, a, b);
}
