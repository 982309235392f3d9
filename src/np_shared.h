/* The record a page is stored as in a cache tier shared between servers (memcached, Redis,
 * shmcb): a versioned binary header, the page's full cache key, its content type, its body and
 * its compressed forms (each coding: its bytes, or a mark that compression does not gain).
 * A tier only ever sees these records under a hashed id; reading one back checks every length
 * against the bytes received and the key against the one asked for, byte for byte, so a
 * foreign, truncated, corrupt or colliding record is a miss. */
#ifndef NP_SHARED_H
#define NP_SHARED_H

#include <apr_time.h>

#include "np_buf.h"

#define NP_SHARED_VERSION 3
#define NP_SHARED_HEADER 48          /* bytes before the key */
#define NP_SHARED_MAX_REPS 2         /* compressed forms in a record at most */
#define NP_SHARED_MAX_KEY 65536      /* longer keys are not shared */
#define NP_SHARED_MAX_BODY (4 << 20) /* a tier's records are never larger than this */

typedef struct {
    apr_uint64_t deps;
    apr_time_t valid_until, last_modified;
    int stale;
    const char *content_type; /* one of the static strings np_shared_content_type knows */
    const char *body;         /* points into the record */
    apr_size_t len;
    struct {
        int encoding;     /* NP_ENC_GZIP or NP_ENC_BR, each at most once */
        const char *data; /* NULL: compression does not gain on this body */
        apr_size_t len;
    } reps[NP_SHARED_MAX_REPS];
    int nreps;
} np_shared_record;

/* The static string for a content type the module sends, or NULL for any other. */
const char *np_shared_content_type(const char *type, apr_size_t len);

/* Appends the record of key and rec to b. 0 (b unchanged) when the key, the body or the content
 * type cannot be stored. */
int np_shared_encode(np_buf *b, const char *key, apr_size_t klen, const np_shared_record *rec);

/* Reads the record in data (len bytes, not NUL-terminated) stored for key: 1 with rec filled,
 * or 0 when it is not a whole, current record for exactly this key. */
int np_shared_decode(const char *data, apr_size_t len, const char *key, apr_size_t klen,
                     np_shared_record *rec);

/* The id a record is stored under: 32 hex digits from the key (the tier's keys are short). Two
 * keys may share an id; the record's own key tells them apart. */
void np_shared_id(const char *key, apr_size_t klen, char out[33]);

#endif
