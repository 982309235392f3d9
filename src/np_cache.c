/* Page cache: an apr_hash on a private pool for lookup, a doubly linked list for LRU order. */
#include "np_cache.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <apr_atomic.h>
#include <apr_hash.h>
#include <apr_thread_mutex.h>

struct np_cache {
    apr_pool_t *pool;
    apr_thread_mutex_t *lock;
    apr_hash_t *table;
    np_cache_entry *head, *tail; /* most and least recently used */
    apr_size_t bytes, max_bytes;
    apr_uint64_t hits, misses, evictions;
};

static apr_uint64_t load64(const unsigned char *p)
{
    apr_uint64_t w;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    memcpy(&w, p, 8);
#else
    w = (apr_uint64_t)p[0] | (apr_uint64_t)p[1] << 8 | (apr_uint64_t)p[2] << 16 |
        (apr_uint64_t)p[3] << 24 | (apr_uint64_t)p[4] << 32 | (apr_uint64_t)p[5] << 40 |
        (apr_uint64_t)p[6] << 48 | (apr_uint64_t)p[7] << 56;
#endif
    return w;
}

#define MIX(h, w) ((h) = ((h) ^ (w)) * 0x100000001b3ULL, (h) ^= (h) >> 29)

apr_uint64_t np_hash(apr_uint64_t h, const void *data, apr_size_t len)
{
    const unsigned char *p = data;
    apr_size_t i = 0;
    /* Words read little-endian, so every machine gives the same value. Long inputs (whole
     * pages, for their ETag) go through four independent lanes: one chain of multiplies is
     * bound by their latency. */
    if (len >= 128) {
        apr_uint64_t a = h, b = h ^ 0x9e3779b97f4a7c15ULL, c = h ^ 0xc2b2ae3d27d4eb4fULL,
                     d = h ^ 0x165667b19e3779f9ULL;
        for (; i + 32 <= len; i += 32) {
            MIX(a, load64(p + i));
            MIX(b, load64(p + i + 8));
            MIX(c, load64(p + i + 16));
            MIX(d, load64(p + i + 24));
        }
        h = a;
        MIX(h, b);
        MIX(h, c);
        MIX(h, d);
    }
    for (; i + 8 <= len; i += 8)
        MIX(h, load64(p + i));
    for (; i < len; i++) {
        h ^= p[i];
        h *= 0x100000001b3ULL;
    }
    return h;
}

apr_uint64_t np_hash_str(apr_uint64_t h, const char *s)
{
    if (!s)
        return np_hash(h, "\xff\xfe", 2);
    return np_hash(h, s, strlen(s) + 1);
}

apr_uint64_t np_hash_u64(apr_uint64_t h, apr_uint64_t v)
{
    unsigned char b[8];
    int i;
    for (i = 0; i < 8; i++)
        b[i] = (unsigned char)(v >> (8 * i));
    return np_hash(h, b, 8);
}

np_cache *np_cache_create(apr_size_t max_bytes)
{
    np_cache *c = calloc(1, sizeof(*c));
    if (!c)
        return NULL;
    if (apr_pool_create_unmanaged_ex(&c->pool, NULL, NULL) != APR_SUCCESS) {
        free(c);
        return NULL;
    }
    if (apr_thread_mutex_create(&c->lock, APR_THREAD_MUTEX_DEFAULT, c->pool) != APR_SUCCESS) {
        apr_pool_destroy(c->pool);
        free(c);
        return NULL;
    }
    c->table = apr_hash_make(c->pool);
    c->max_bytes = max_bytes;
    return c;
}

void np_cache_destroy(np_cache *c)
{
    np_cache_entry *e, *next;
    if (!c)
        return;
    for (e = c->head; e; e = next) {
        next = e->lru_next;
        np_cache_release(e);
    }
    apr_pool_destroy(c->pool);
    free(c);
}

np_cache_entry *np_cache_entry_make(const char *key, apr_size_t klen, apr_size_t len)
{
    /* One block: header, body, then key, so the body's address gives back the header. */
    np_cache_entry *e = malloc(sizeof(*e) + len + 1 + klen + 1);
    char *k;
    if (!e)
        return NULL;
    memset(e, 0, sizeof(*e));
    e->refs = 1;
    e->body = (char *)(e + 1);
    e->body[len] = '\0';
    e->len = len;
    k = e->body + len + 1;
    memcpy(k, key, klen);
    k[klen] = '\0';
    e->key = k;
    e->klen = klen;
    return e;
}

void np_cache_entry_buf_init(np_buf *b, apr_size_t hint)
{
    np_buf_init(b, sizeof(np_cache_entry) + hint);
    np_cache_entry_buf_reset(b);
}

void np_cache_entry_buf_reset(np_buf *b)
{
    static const np_cache_entry blank;
    b->len = 0;
    b->failed = 0;
    np_buf_append(b, (const char *)&blank, sizeof(blank));
}

np_cache_entry *np_cache_entry_from_buf(np_buf *b, const char *key, apr_size_t klen)
{
    apr_size_t len = b->len - sizeof(np_cache_entry), total;
    np_cache_entry *e, *shrunk;
    char *k;
    np_buf_putc(b, '\0');
    np_buf_append(b, key, klen);
    np_buf_putc(b, '\0');
    if (b->failed || b->len < sizeof(np_cache_entry) + 2 + klen) {
        np_buf_free(b);
        return NULL;
    }
    total = b->len + 1; /* with the NUL np_buf_detach ends it with */
    e = (np_cache_entry *)(void *)np_buf_detach(b, NULL);
    /* the buffer grew by doubling: the slack would be memory the cache's bound does not see */
    if ((shrunk = realloc(e, total)))
        e = shrunk;
    e->refs = 1;
    e->body = (char *)(e + 1);
    e->len = len;
    k = e->body + len + 1;
    e->key = k;
    e->klen = klen;
    return e;
}

np_cache_entry *np_cache_entry_of(const char *body)
{
    return (np_cache_entry *)(void *)(body - sizeof(np_cache_entry));
}

void np_cache_retain(np_cache_entry *e)
{
    apr_atomic_inc32(&e->refs);
}

/* The markers of the rep slots: claimed, and "compression does not gain". */
static np_cache_rep rep_busy, rep_none;

static np_cache_rep *slot_load(np_cache_entry *e, int enc)
{
    return __atomic_load_n(&e->reps[enc], __ATOMIC_ACQUIRE);
}

void np_cache_release(np_cache_entry *e)
{
    int i;
    if (e && apr_atomic_dec32(&e->refs) == 0) {
        for (i = 0; i < NP_CACHE_REPS; i++) {
            np_cache_rep *r = e->reps[i];
            if (r && r != &rep_busy && r != &rep_none)
                free(r);
        }
        free(e);
    }
}

np_cache_rep *np_cache_rep_none(void)
{
    return &rep_none;
}

int np_cache_rep_state(np_cache_entry *e, int enc, const np_cache_rep **out)
{
    np_cache_rep *r;
    *out = NULL;
    if (enc <= 0 || enc >= NP_CACHE_REPS)
        return NP_REP_NONE;
    r = slot_load(e, enc);
    if (!r)
        return NP_REP_ABSENT;
    if (r == &rep_busy)
        return NP_REP_BUSY;
    if (r == &rep_none)
        return NP_REP_NONE;
    *out = r;
    return NP_REP_READY;
}

int np_cache_rep_claim(np_cache_entry *e, int enc)
{
    if (enc <= 0 || enc >= NP_CACHE_REPS)
        return 0;
    return apr_atomic_casptr((volatile void **)&e->reps[enc], &rep_busy, NULL) == NULL;
}

np_cache_rep *np_cache_rep_alloc(apr_size_t len)
{
    np_cache_rep *r;
    if (len > ((apr_size_t)1 << 32))
        return NULL;
    if (!(r = malloc(sizeof(*r) + len)))
        return NULL;
    r->owner = NULL;
    r->len = len;
    r->etag[0] = '\0';
    return r;
}

np_cache_rep *np_cache_rep_of(const char *data)
{
    return (np_cache_rep *)(void *)(data - offsetof(np_cache_rep, data));
}

np_cache_rep *np_cache_rep_shrink(np_cache_rep *rep, apr_size_t len)
{
    np_cache_rep *r;
    if (len > rep->len) {
        free(rep);
        return NULL;
    }
    if (!(r = realloc(rep, sizeof(*rep) + len))) {
        free(rep);
        return NULL;
    }
    r->len = len;
    return r;
}

void np_cache_rep_free(np_cache_rep *rep)
{
    if (rep && rep != &rep_busy && rep != &rep_none)
        free(rep);
}

static void evict_over(np_cache *c, np_cache_entry *keep, np_cache_entry **victims, int *nv,
                       int max);

const np_cache_rep *np_cache_rep_attach(np_cache *c, np_cache_entry *e, int enc, np_cache_rep *rep)
{
    np_cache_rep *cur;
    np_cache_entry *victims[64];
    int nv = 0, i;
    if (enc <= 0 || enc >= NP_CACHE_REPS) {
        np_cache_rep_free(rep);
        return NULL;
    }
    if (rep && rep != &rep_none)
        rep->owner = e;
    for (;;) {
        cur = slot_load(e, enc);
        if (cur && cur != &rep_busy) { /* made already (by another request or a shared hit) */
            np_cache_rep_free(rep);
            return cur == &rep_none ? NULL : cur;
        }
        if (apr_atomic_casptr((volatile void **)&e->reps[enc], rep, cur) == cur)
            break;
    }
    if (!rep || rep == &rep_none)
        return NULL;
    if (c && apr_thread_mutex_lock(c->lock) == APR_SUCCESS) {
        apr_size_t n = sizeof(*rep) + rep->len;
        e->rep_bytes += n;
        if (e->in_cache) {
            c->bytes += n;
            evict_over(c, e, victims, &nv, 64);
        }
        apr_thread_mutex_unlock(c->lock);
    } else if (!c) {
        e->rep_bytes += sizeof(*rep) + rep->len; /* an entry of one response */
    }
    for (i = 0; i < nv; i++)
        np_cache_release(victims[i]);
    return rep;
}

static apr_status_t release_cleanup(void *e)
{
    np_cache_release(e);
    return APR_SUCCESS;
}

void np_cache_release_with(np_cache_entry *e, apr_pool_t *p)
{
    if (e)
        apr_pool_cleanup_register(p, e, release_cleanup, apr_pool_cleanup_null);
}

static apr_size_t entry_bytes(const np_cache_entry *e)
{
    return sizeof(*e) + e->klen + e->len + e->rep_bytes;
}

static void unlink_lru(np_cache *c, np_cache_entry *e)
{
    if (e->lru_prev)
        e->lru_prev->lru_next = e->lru_next;
    else
        c->head = e->lru_next;
    if (e->lru_next)
        e->lru_next->lru_prev = e->lru_prev;
    else
        c->tail = e->lru_prev;
    e->lru_prev = e->lru_next = NULL;
}

static void push_front(np_cache *c, np_cache_entry *e)
{
    e->lru_prev = NULL;
    e->lru_next = c->head;
    if (c->head)
        c->head->lru_prev = e;
    c->head = e;
    if (!c->tail)
        c->tail = e;
}

/* Under the lock; the caller releases the returned entry after unlocking. */
static np_cache_entry *drop(np_cache *c, np_cache_entry *e)
{
    apr_hash_set(c->table, e->key, e->klen, NULL);
    unlink_lru(c, e);
    c->bytes -= entry_bytes(e);
    e->in_cache = 0;
    return e;
}

/* Under the lock: least recently used entries out, but never keep, until the bound holds. */
static void evict_over(np_cache *c, np_cache_entry *keep, np_cache_entry **victims, int *nv,
                       int max)
{
    while (c->bytes > c->max_bytes && c->tail && c->tail != keep && *nv < max) {
        victims[(*nv)++] = drop(c, c->tail);
        c->evictions++;
    }
}

np_cache_entry *np_cache_get(np_cache *c, const char *key, apr_size_t klen)
{
    np_cache_entry *e;
    if (apr_thread_mutex_lock(c->lock) != APR_SUCCESS)
        return NULL; /* a lock failure is a miss, never a crash */
    e = apr_hash_get(c->table, key, klen);
    if (e) {
        unlink_lru(c, e);
        push_front(c, e);
        np_cache_retain(e);
        c->hits++;
    } else {
        c->misses++;
    }
    apr_thread_mutex_unlock(c->lock);
    return e;
}

void np_cache_put(np_cache *c, np_cache_entry *e)
{
    np_cache_entry *old, *victims[64];
    int nv = 0, i;
    if (entry_bytes(e) > c->max_bytes / 4)
        return;
    np_cache_retain(e);
    if (apr_thread_mutex_lock(c->lock) != APR_SUCCESS) {
        np_cache_release(e);
        return;
    }
    if ((old = apr_hash_get(c->table, e->key, e->klen)))
        victims[nv++] = drop(c, old);
    apr_hash_set(c->table, e->key, e->klen, e);
    push_front(c, e);
    e->in_cache = 1;
    c->bytes += entry_bytes(e);
    evict_over(c, e, victims, &nv, 64);
    apr_thread_mutex_unlock(c->lock);
    for (i = 0; i < nv; i++)
        np_cache_release(victims[i]);
}

void np_cache_remove(np_cache *c, const char *key, apr_size_t klen)
{
    np_cache_entry *e = NULL;
    if (apr_thread_mutex_lock(c->lock) != APR_SUCCESS)
        return;
    if ((e = apr_hash_get(c->table, key, klen)))
        drop(c, e);
    apr_thread_mutex_unlock(c->lock);
    np_cache_release(e);
}

void np_cache_get_stats(np_cache *c, np_cache_stats *out)
{
    memset(out, 0, sizeof(*out));
    if (apr_thread_mutex_lock(c->lock) != APR_SUCCESS)
        return;
    out->hits = c->hits;
    out->misses = c->misses;
    out->evictions = c->evictions;
    out->entries = apr_hash_count(c->table);
    out->bytes = c->bytes;
    out->max_bytes = c->max_bytes;
    apr_thread_mutex_unlock(c->lock);
}
