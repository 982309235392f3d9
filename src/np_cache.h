/* The rendered-page cache: entries are one malloc'd block (header and body) with a reference
 * count, so a response can send the body straight from the cache while another thread replaces
 * or evicts the entry. Bounded in bytes, least recently used out first. Thread-safe; the lock
 * is held only for table operations, never across I/O or rendering. */
#ifndef NP_CACHE_H
#define NP_CACHE_H

#include <apr_pools.h>
#include <apr_time.h>

#include "np_buf.h"

typedef struct np_cache np_cache;
typedef struct np_cache_entry np_cache_entry;

/* A compressed form of an entry's body (docs/caching.md): its own bytes and strong ETag. */
typedef struct np_cache_rep {
    np_cache_entry *owner; /* the entry it is attached to; NULL: it belongs to one response */
    apr_size_t len;
    char etag[24]; /* "\"" + 16 hex digits + "-gz\"" */
    char data[];
} np_cache_rep;

/* Slots of an entry's compressed forms, by coding (np_encoding.h; slot 0, identity, unused). */
#define NP_CACHE_REPS 3

struct np_cache_entry {
    volatile apr_uint32_t refs;
    np_cache_entry *lru_prev, *lru_next; /* owned by the cache, under its lock */
    const char *key;
    apr_size_t klen;
    apr_uint64_t deps;        /* digest of everything the page depends on */
    apr_time_t valid_until;   /* next scheduled change affecting the page; 0: none */
    apr_time_t last_modified; /* newest file behind the page */
    int stale;                /* rendered from the last good version of a broken file */
    /* The content index generation and theme under which deps were last found current (a
     * hash of both; 0: none): while they stay, the page is served without a lookup. */
    volatile apr_uint64_t stamp;
    const char *content_type; /* a static string */
    char etag[20];            /* "\"" + 16 hex digits + "\"" */
    apr_size_t len;
    char *body; /* points into the same block */
    /* Set once each (NULL -> claimed -> made), read without a lock; freed with the entry. */
    np_cache_rep *volatile reps[NP_CACHE_REPS];
    apr_size_t rep_bytes; /* under the cache's lock */
    int in_cache;         /* under the cache's lock */
};

/* A cache bounded to max_bytes (bodies and keys). Lives until np_cache_destroy. */
np_cache *np_cache_create(apr_size_t max_bytes);
void np_cache_destroy(np_cache *c);

/* A new entry with one reference, holding a copy of key and room for len body bytes. NULL when
 * memory is short. */
np_cache_entry *np_cache_entry_make(const char *key, apr_size_t klen, apr_size_t len);
/* Rendering straight into an entry, so that the page is not copied: np_cache_entry_buf_init
 * starts b with room for the entry's header, np_cache_entry_buf_reset empties it back to that,
 * and np_cache_entry_from_buf turns b, with everything appended since as the body, into an entry
 * with one reference (b is left empty). NULL, b freed, when memory ran short. */
void np_cache_entry_buf_init(np_buf *b, apr_size_t hint);
void np_cache_entry_buf_reset(np_buf *b);
np_cache_entry *np_cache_entry_from_buf(np_buf *b, const char *key, apr_size_t klen);
void np_cache_retain(np_cache_entry *e);
/* Drops a reference; the last one frees the block. */
void np_cache_release(np_cache_entry *e);
/* Drops the reference when pool p is cleared. */
void np_cache_release_with(np_cache_entry *e, apr_pool_t *p);
/* The entry whose body starts at body (for bucket free functions). */
np_cache_entry *np_cache_entry_of(const char *body);

/* The entry for key with a reference for the caller, or NULL. Counts a hit or a miss. */
np_cache_entry *np_cache_get(np_cache *c, const char *key, apr_size_t klen);
/* Stores e (the cache takes its own reference), replacing an entry of the same key and evicting
 * the least recently used ones beyond the bound. An entry larger than a quarter of the bound is
 * not stored. */
void np_cache_put(np_cache *c, np_cache_entry *e);
/* Removes the entry for key, if any. */
void np_cache_remove(np_cache *c, const char *key, apr_size_t klen);

/* A compressed form of e: absent (nobody made it yet), busy (a request is making it), ready
 * (*out set) or none (compression does not gain on this body). */
enum { NP_REP_ABSENT, NP_REP_BUSY, NP_REP_READY, NP_REP_NONE };
int np_cache_rep_state(np_cache_entry *e, int enc, const np_cache_rep **out);
/* 1 when the caller won the right to make e's form for enc (it was absent): it then calls
 * np_cache_rep_attach, whatever happens. Others never wait for it. */
int np_cache_rep_claim(np_cache_entry *e, int enc);
/* A new form of len bytes for the caller to fill (NULL when memory is short). */
np_cache_rep *np_cache_rep_alloc(apr_size_t len);
/* Attaches rep (np_cache_rep_none(): not worth it; NULL: give the claim back) to e for enc,
 * counting its bytes in c (the cache e is or will be in; NULL for none), unless a form is
 * there already, in which case rep is freed. Returns the form e has then (NULL for none). */
const np_cache_rep *np_cache_rep_attach(np_cache *c, np_cache_entry *e, int enc, np_cache_rep *rep);
np_cache_rep *np_cache_rep_none(void);
/* rep cut down to len bytes of data (len at most its length): rep, moved, or NULL (rep freed)
 * when memory is short. */
np_cache_rep *np_cache_rep_shrink(np_cache_rep *rep, apr_size_t len);
/* The form whose data starts at data (for bucket free functions). */
np_cache_rep *np_cache_rep_of(const char *data);
/* Frees a form that was never attached. */
void np_cache_rep_free(np_cache_rep *rep);

typedef struct {
    apr_uint64_t hits, misses, evictions;
    apr_size_t entries, bytes, max_bytes;
} np_cache_stats;
void np_cache_get_stats(np_cache *c, np_cache_stats *out);

/* A 64-bit FNV-1a variant, eight bytes a step: for change detection and ETags, not security. */
#define NP_HASH_INIT 0xcbf29ce484222325ULL
apr_uint64_t np_hash(apr_uint64_t h, const void *data, apr_size_t len);
apr_uint64_t np_hash_str(apr_uint64_t h, const char *s); /* NULL hashes differently from "" */
apr_uint64_t np_hash_u64(apr_uint64_t h, apr_uint64_t v);

#endif
