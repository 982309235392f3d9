/* Content codings: Accept-Encoding negotiation (RFC 9110 section 12.5.3), the compressors, and
 * the compressed forms kept in page cache entries. */
#include "np_test.h"

#include <pthread.h>

#include "np_cache.h"
#include "np_encoding.h"
#include "np_page.h"

#define ALL NP_ENC_ALL
#define GZ NP_ENC_GZIP
#define BR NP_ENC_BR
#define ID NP_ENC_IDENTITY

static int neg(const char *h)
{
    return np_encoding_negotiate(h, ALL);
}

static void test_negotiate_basics(void **state)
{
    (void)state;
    assert_int_equal(neg(NULL), ID); /* no header: identity */
    assert_int_equal(neg(""), ID);   /* empty: identity only */
    assert_int_equal(neg("gzip"), GZ);
    assert_int_equal(neg("br"), BR);
    assert_int_equal(neg("gzip, deflate, br"), BR); /* equal weights: br first */
    assert_int_equal(neg("GZIP"), GZ);              /* case-insensitive */
    assert_int_equal(neg("x-gzip"), GZ);
    assert_int_equal(neg("deflate, compress"), ID);
    assert_int_equal(neg("identity"), ID);
    /* offered codings only */
    assert_int_equal(np_encoding_negotiate("br", NP_ENC_BIT(GZ)), ID);
    assert_int_equal(np_encoding_negotiate("br, gzip", NP_ENC_BIT(GZ)), GZ);
    assert_int_equal(np_encoding_negotiate("gzip, br", 0), ID);
}

static void test_negotiate_weights(void **state)
{
    (void)state;
    assert_int_equal(neg("gzip;q=1.0, br;q=0.5"), GZ);
    assert_int_equal(neg("gzip;q=0.5, br;q=0.8"), BR);
    assert_int_equal(neg("br;q=0"), ID);
    assert_int_equal(neg("gzip;q=0, br;q=0"), ID);
    assert_int_equal(neg("gzip; q=0.001"), GZ); /* beats identity that was not named */
    assert_int_equal(neg("gzip;Q=0.5"), GZ);
    assert_int_equal(neg("gzip ; q=0.5 , br ;q=0.4"), GZ);
    assert_int_equal(neg("identity;q=1, gzip;q=0.5"), ID);
    assert_int_equal(neg("identity;q=0.5, gzip;q=0.5"), GZ); /* ties: compressed first */
    assert_int_equal(neg("gzip;q=0.999, br;q=0.998"), GZ);
    /* * covers what is not named, identity included */
    assert_int_equal(neg("*"), BR);
    assert_int_equal(neg("*;q=0.5, br;q=0.1"), GZ);
    assert_int_equal(neg("*;q=0"), ID); /* nothing acceptable: identity all the same */
    assert_int_equal(neg("*;q=0, gzip"), GZ);
    assert_int_equal(neg("identity;q=0, gzip"), GZ);
    assert_int_equal(neg("identity;q=0, br;q=0, gzip;q=0"), ID);
    /* the first element naming a coding counts */
    assert_int_equal(neg("br;q=0, br, gzip;q=0.5"), GZ);
}

static void test_negotiate_malformed(void **state)
{
    char *big;
    int i;
    (void)state;
    /* a bad weight makes its element not count */
    assert_int_equal(neg("br;q=2, gzip"), GZ);
    assert_int_equal(neg("br;q=1.5, gzip"), GZ);
    assert_int_equal(neg("br;q=0.1234, gzip;q=0.1"), GZ);
    assert_int_equal(neg("br;q=-1"), ID);
    assert_int_equal(neg("br;q=, gzip"), GZ);
    assert_int_equal(neg("br;q = 1"), ID);
    assert_int_equal(neg("br;level=1"), ID);
    assert_int_equal(neg("br q=1"), ID);
    assert_int_equal(neg("br;q=1.001"), ID);
    assert_int_equal(neg("br;q=0.5x"), ID);
    assert_int_equal(neg(";q=1, gzip"), GZ);
    assert_int_equal(neg(",,, ,gzip,,"), GZ);
    assert_int_equal(neg("\"gzip\""), ID);
    assert_int_equal(neg("gz\x01ip"), ID);
    assert_int_equal(neg("gzip\xff"), ID);
    /* over the bounds: identity, whatever follows */
    big = malloc(NP_ACCEPT_MAX_LEN + 16);
    memset(big, ' ', NP_ACCEPT_MAX_LEN + 15);
    memcpy(big, "gzip", 4);
    big[NP_ACCEPT_MAX_LEN + 15] = '\0';
    assert_int_equal(neg(big), ID);
    big[NP_ACCEPT_MAX_LEN] = '\0'; /* at the bound exactly: read */
    assert_int_equal(neg(big), GZ);
    for (i = 0; i < NP_ACCEPT_MAX_ITEMS + 1; i++)
        memcpy(big + i * 3, "a, ", 3);
    memcpy(big + (NP_ACCEPT_MAX_ITEMS + 1) * 3, "gzip", 5);
    assert_int_equal(neg(big), ID); /* 66 elements */
    for (i = 0; i < NP_ACCEPT_MAX_ITEMS - 1; i++)
        memcpy(big + i * 3, "a, ", 3);
    memcpy(big + (NP_ACCEPT_MAX_ITEMS - 1) * 3, "gzip", 5);
    assert_int_equal(neg(big), GZ); /* 64 */
    free(big);
}

/* A page-like body of n bytes. */
static char *page(apr_size_t n)
{
    char *b = malloc(n + 1);
    apr_size_t i;
    for (i = 0; i < n; i++)
        b[i] = "<p>Safeguarding intangible heritage, one story at a time.</p>\n"[i % 63];
    b[n] = '\0';
    return b;
}

static void test_round_trips(void **state)
{
    char *body = page(30000);
    int enc, level;
    (void)state;
    for (enc = GZ; enc <= BR; enc++)
        for (level = 1; level <= 11; level += 5) {
            np_cache_rep *rep =
                np_page_compress(body, 30000, enc, level > 9 && enc == GZ ? 9 : level);
            np_buf out;
            assert_non_null(rep);
            assert_ptr_not_equal(rep, np_cache_rep_none());
            assert_true(rep->len < 30000 / 4);
            np_buf_init(&out, 1024);
            assert_true(np_encoding_decompress(enc, rep->data, rep->len, &out, 1 << 20));
            assert_int_equal(out.len, 30000);
            assert_memory_equal(out.data, body, 30000);
            /* a limit below the size, or a truncated stream, is refused */
            out.len = 0;
            assert_false(np_encoding_decompress(enc, rep->data, rep->len, &out, 29999));
            out.len = 0;
            assert_false(np_encoding_decompress(enc, rep->data, rep->len - 1, &out, 1 << 20));
            np_buf_free(&out);
            /* strong ETag: of these bytes, with the coding */
            assert_int_equal(strlen(rep->etag), 21);
            assert_string_equal(rep->etag + 17, enc == GZ ? "-gz\"" : "-br\"");
            np_cache_rep_free(rep);
        }
    free(body);
}

static void test_same_bytes_every_time(void **state)
{
    char *body = page(20000);
    np_cache_rep *a = np_page_compress(body, 20000, GZ, 9),
                 *b = np_page_compress(body, 20000, GZ, 9);
    np_cache_rep *c = np_page_compress(body, 20000, BR, 10);
    (void)state;
    assert_int_equal(a->len, b->len);
    assert_memory_equal(a->data, b->data, a->len);
    assert_string_equal(a->etag, b->etag);
    assert_string_not_equal(a->etag, c->etag);
    np_cache_rep_free(a);
    np_cache_rep_free(b);
    np_cache_rep_free(c);
    free(body);
}

/* A cached Brotli form is quality 10 up to NP_BR_CACHED_MAX_BYTES, quality 6 above: the bytes
 * of the cached form of a page just over the bound are those of quality 6. */
static void test_cached_levels(void **state)
{
    apr_size_t big = NP_BR_CACHED_MAX_BYTES + 1;
    char *body = page(big);
    np_cache_rep *six = np_page_compress(body, big, BR, 6),
                 *cached = np_page_compress(body, big, BR, np_encoding_cached_level(BR, big));
    (void)state;
    assert_int_equal(np_encoding_cached_level(BR, NP_BR_CACHED_MAX_BYTES), 10);
    assert_int_equal(np_encoding_cached_level(BR, big), 6);
    assert_int_equal(np_encoding_cached_level(GZ, big), 9);
    assert_int_equal(np_encoding_cached_level(GZ, 100), 9);
    assert_int_equal(cached->len, six->len);
    assert_memory_equal(cached->data, six->data, six->len);
    np_cache_rep_free(six);
    np_cache_rep_free(cached);
    free(body);
}

/* Streams are reused across levels: each level's output is that of its own, whatever came
 * before (the ETag of a form must not depend on which request made it). */
static void test_reuse_same_bytes(void **state)
{
    char *body = page(40000);
    np_cache_rep *first[10];
    int level, round;
    (void)state;
    for (level = 1; level <= 9; level++)
        first[level] = np_page_compress(body, 40000, GZ, level);
    for (round = 0; round < 3; round++)
        for (level = 9; level >= 1; level -= 2) {
            np_cache_rep *again = np_page_compress(body + round, 40000 - round, GZ, level);
            np_cache_rep_free(again); /* a different input in between */
            again = np_page_compress(body, 40000, GZ, level);
            assert_int_equal(again->len, first[level]->len);
            assert_memory_equal(again->data, first[level]->data, again->len);
            np_cache_rep_free(again);
        }
    for (level = 1; level <= 9; level++)
        np_cache_rep_free(first[level]);
    free(body);
}

static void test_too_small_to_gain(void **state)
{
    static const char noise[] = "q8#Zp!2vL0x@9Kd$";
    char rnd[4096];
    int i;
    (void)state;
    assert_ptr_equal(np_page_compress("<p>hi</p>", 9, GZ, 9), np_cache_rep_none());
    assert_ptr_equal(np_page_compress(rnd, NP_COMPRESS_MIN - 1, BR, 10), np_cache_rep_none());
    srand(7);
    for (i = 0; i < (int)sizeof(rnd); i++)
        rnd[i] = (char)(rand() ^ noise[i % 16]);
    assert_ptr_equal(np_page_compress(rnd, sizeof(rnd), GZ, 9), np_cache_rep_none());
    assert_ptr_equal(np_page_compress(rnd, sizeof(rnd), BR, 10), np_cache_rep_none());
}

/* Forms live in their entry: claimed once, attached once, freed with it, counted in the cache's
 * bytes and given back to the bound on eviction. */
static void test_entry_forms(void **state)
{
    np_cache *c = np_cache_create(1 << 20);
    np_cache_entry *e = np_cache_entry_make("k", 1, 30000);
    const np_cache_rep *got;
    np_cache_rep *rep;
    np_cache_stats before, after;
    char *body = page(30000);
    (void)state;
    memcpy(e->body, body, 30000);
    np_cache_put(c, e);
    np_cache_get_stats(c, &before);
    assert_int_equal(np_cache_rep_state(e, GZ, &got), NP_REP_ABSENT);
    assert_true(np_cache_rep_claim(e, GZ));
    assert_false(np_cache_rep_claim(e, GZ)); /* one maker */
    assert_int_equal(np_cache_rep_state(e, GZ, &got), NP_REP_BUSY);
    rep = np_page_compress(e->body, e->len, GZ, 9);
    assert_ptr_equal(np_cache_rep_attach(c, e, GZ, rep), rep);
    assert_int_equal(np_cache_rep_state(e, GZ, &got), NP_REP_READY);
    assert_ptr_equal(got, rep);
    np_cache_get_stats(c, &after);
    assert_int_equal(after.bytes, before.bytes + sizeof(np_cache_rep) + rep->len);
    /* a second form for the same coding is freed, the first stays */
    assert_ptr_equal(np_cache_rep_attach(c, e, GZ, np_page_compress(e->body, e->len, GZ, 1)), rep);
    /* a claim given back makes it absent again; "none" is kept */
    assert_true(np_cache_rep_claim(e, BR));
    assert_null(np_cache_rep_attach(c, e, BR, NULL));
    assert_int_equal(np_cache_rep_state(e, BR, &got), NP_REP_ABSENT);
    assert_true(np_cache_rep_claim(e, BR));
    assert_null(np_cache_rep_attach(c, e, BR, np_cache_rep_none()));
    assert_int_equal(np_cache_rep_state(e, BR, &got), NP_REP_NONE);
    /* identity and unknown codings have no slot */
    assert_false(np_cache_rep_claim(e, ID));
    assert_false(np_cache_rep_claim(e, 99));
    np_cache_remove(c, "k", 1);
    np_cache_get_stats(c, &after);
    assert_int_equal(after.bytes, 0);
    np_cache_release(e); /* frees the entry and its form (ASan: no leak) */
    np_cache_destroy(c);
    free(body);
}

/* The bound holds with forms: attaching one evicts older entries. */
static void test_forms_evict(void **state)
{
    np_cache *c = np_cache_create(64 * 1024);
    np_cache_entry *a = np_cache_entry_make("a", 1, 15000), *b = np_cache_entry_make("b", 1, 15000);
    np_cache_entry *g;
    np_cache_rep *rep = np_cache_rep_alloc(40000);
    np_cache_stats st;
    (void)state;
    memset(a->body, 'a', 15000);
    memset(b->body, 'b', 15000);
    np_cache_put(c, a);
    np_cache_put(c, b);
    memset(rep->data, 'x', rep->len);
    assert_true(np_cache_rep_claim(b, BR));
    np_cache_rep_attach(c, b, BR, rep);
    np_cache_get_stats(c, &st);
    assert_true(st.bytes <= 64 * 1024);
    assert_null(g = np_cache_get(c, "a", 1)); /* least recently used, out */
    assert_non_null(g = np_cache_get(c, "b", 1));
    np_cache_release(g);
    np_cache_release(a);
    np_cache_release(b);
    np_cache_destroy(c);
}

static np_cache_entry *shared_entry;
static const np_cache_rep *seen[8];

static void *race(void *arg)
{
    long i = (long)arg;
    if (np_cache_rep_claim(shared_entry, GZ))
        seen[i] = np_cache_rep_attach(
            NULL, shared_entry, GZ, np_page_compress(shared_entry->body, shared_entry->len, GZ, 6));
    else {
        const np_cache_rep *r;
        while (np_cache_rep_state(shared_entry, GZ, &r) == NP_REP_BUSY)
            ;
        seen[i] = r;
    }
    return NULL;
}

/* Eight threads ask at once: one form is made, everyone sees it. */
static void test_forms_threads(void **state)
{
    pthread_t t[8];
    char *body = page(50000);
    long i;
    (void)state;
    shared_entry = np_cache_entry_make("k", 1, 50000);
    memcpy(shared_entry->body, body, 50000);
    for (i = 0; i < 8; i++)
        pthread_create(&t[i], NULL, race, (void *)i);
    for (i = 0; i < 8; i++)
        pthread_join(t[i], NULL);
    for (i = 0; i < 8; i++) {
        assert_non_null(seen[i]);
        assert_ptr_equal(seen[i], seen[0]);
    }
    np_cache_release(shared_entry);
    free(body);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_negotiate_basics),      cmocka_unit_test(test_negotiate_weights),
        cmocka_unit_test(test_negotiate_malformed),   cmocka_unit_test(test_round_trips),
        cmocka_unit_test(test_same_bytes_every_time), cmocka_unit_test(test_too_small_to_gain),
        cmocka_unit_test(test_reuse_same_bytes),      cmocka_unit_test(test_entry_forms),
        cmocka_unit_test(test_forms_evict),           cmocka_unit_test(test_forms_threads),
        cmocka_unit_test(test_cached_levels),
    };
    apr_pool_t *p = np_test_begin();
    return np_test_end(p, cmocka_run_group_tests(tests, NULL, NULL));
}
