/* The shared tier's record format: what is written reads back exactly, and anything else under
 * the page's id (foreign, truncated, corrupt, another page's, another version's) is refused. */
#include "np_test.h"

#include "np_encoding.h"
#include "np_shared.h"

static const char key[] = "conf=1\norigin=16:http://a.example\n/news/desk/one.html";

static np_shared_record record(void)
{
    np_shared_record r;
    memset(&r, 0, sizeof(r));
    r.deps = 0x0123456789abcdefULL;
    r.valid_until = (apr_time_t)1 << 52;
    r.last_modified = -5; /* any 64-bit value survives */
    r.stale = 1;
    r.content_type = "application/atom+xml; charset=utf-8";
    r.body = "<feed>body\0with a NUL</feed>";
    r.len = 28;
    return r;
}

/* A record with a gzip form and a Brotli "does not gain" mark. */
static np_shared_record record_with_forms(void)
{
    np_shared_record r = record();
    r.reps[0].encoding = NP_ENC_GZIP;
    r.reps[0].data = "\x1f\x8b compressed\0bytes";
    r.reps[0].len = 19;
    r.reps[1].encoding = NP_ENC_BR;
    r.reps[1].data = NULL;
    r.reps[1].len = 0;
    r.nreps = 2;
    return r;
}

static np_buf encoded(void)
{
    np_buf b;
    np_shared_record r = record_with_forms();
    np_buf_init(&b, 256);
    assert_true(np_shared_encode(&b, key, strlen(key), &r));
    return b;
}

static void test_round_trip(void **state)
{
    np_buf b = encoded();
    np_shared_record in = record_with_forms(), out;
    (void)state;
    assert_int_equal(b.len, NP_SHARED_HEADER + strlen(key) + strlen(in.content_type) + in.len + 8 +
                                19 + 8);
    assert_true(np_shared_decode(b.data, b.len, key, strlen(key), &out));
    assert_true(out.deps == in.deps);
    assert_true(out.valid_until == in.valid_until);
    assert_true(out.last_modified == in.last_modified);
    assert_int_equal(out.stale, 1);
    assert_string_equal(out.content_type, in.content_type);
    assert_int_equal(out.len, in.len);
    assert_memory_equal(out.body, in.body, in.len);
    assert_int_equal(out.nreps, 2);
    assert_int_equal(out.reps[0].encoding, NP_ENC_GZIP);
    assert_int_equal(out.reps[0].len, 19);
    assert_memory_equal(out.reps[0].data, in.reps[0].data, 19);
    assert_int_equal(out.reps[1].encoding, NP_ENC_BR);
    assert_null(out.reps[1].data);
    np_buf_free(&b);
}

/* Forms that cannot be written: a coding twice, an unknown one, too many, an empty one. */
static void test_forms_refused(void **state)
{
    np_shared_record r = record_with_forms();
    np_buf b;
    (void)state;
    np_buf_init(&b, 256);
    r.reps[1].encoding = NP_ENC_GZIP;
    assert_false(np_shared_encode(&b, key, strlen(key), &r));
    r = record_with_forms();
    r.reps[1].encoding = 7;
    assert_false(np_shared_encode(&b, key, strlen(key), &r));
    r = record_with_forms();
    r.nreps = 3;
    assert_false(np_shared_encode(&b, key, strlen(key), &r));
    r = record_with_forms();
    r.reps[0].len = 0;
    assert_false(np_shared_encode(&b, key, strlen(key), &r));
    assert_int_equal(b.len, 0);
    np_buf_free(&b);
}

/* A record read back with corrupt forms: a duplicated coding, an unknown one, a count beyond
 * the bound, a form length past the end or wrapping 32 bits. */
static void test_forms_corrupt(void **state)
{
    np_buf b = encoded();
    np_shared_record out, in = record_with_forms();
    apr_size_t forms = NP_SHARED_HEADER + strlen(key) + strlen(in.content_type) + in.len;
    char *copy = malloc(b.len);
    (void)state;
    memcpy(copy, b.data, b.len);
    copy[forms + 8 + 19] = (char)NP_ENC_GZIP; /* the second form says gzip again */
    assert_false(np_shared_decode(copy, b.len, key, strlen(key), &out));
    memcpy(copy, b.data, b.len);
    copy[forms] = 9;
    assert_false(np_shared_decode(copy, b.len, key, strlen(key), &out));
    memcpy(copy, b.data, b.len);
    copy[44] = 3;
    assert_false(np_shared_decode(copy, b.len, key, strlen(key), &out));
    memcpy(copy, b.data, b.len);
    memset(copy + 44, 0xff, 4);
    assert_false(np_shared_decode(copy, b.len, key, strlen(key), &out));
    memcpy(copy, b.data, b.len);
    memset(copy + forms + 4, 0xff, 4);
    assert_false(np_shared_decode(copy, b.len, key, strlen(key), &out));
    memcpy(copy, b.data, b.len);
    copy[forms + 4] = 20; /* one byte longer than there is */
    assert_false(np_shared_decode(copy, b.len, key, strlen(key), &out));
    /* one form fewer announced: the bytes left over are refused */
    memcpy(copy, b.data, b.len);
    copy[44] = 1;
    assert_false(np_shared_decode(copy, b.len, key, strlen(key), &out));
    free(copy);
    np_buf_free(&b);
}

static void test_every_type_kept(void **state)
{
    static const char *const types[] = {
        "text/html; charset=utf-8",           "application/atom+xml; charset=utf-8",
        "application/rss+xml; charset=utf-8", "application/feed+json; charset=utf-8",
        "application/xml; charset=utf-8",
    };
    size_t i;
    (void)state;
    for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
        np_shared_record r = record(), out;
        np_buf b;
        r.content_type = types[i];
        np_buf_init(&b, 256);
        assert_true(np_shared_encode(&b, key, strlen(key), &r));
        assert_true(np_shared_decode(b.data, b.len, key, strlen(key), &out));
        assert_string_equal(out.content_type, types[i]);
        np_buf_free(&b);
    }
}

static void test_refused(void **state)
{
    np_buf b = encoded();
    np_shared_record out;
    char copy[1024];
    apr_size_t i;
    (void)state;
    assert_true(b.len < sizeof(copy));
    /* Every truncation, and one byte more. */
    for (i = 0; i < b.len; i++)
        assert_false(np_shared_decode(b.data, i, key, strlen(key), &out));
    memcpy(copy, b.data, b.len);
    copy[b.len] = 'x';
    assert_false(np_shared_decode(copy, b.len + 1, key, strlen(key), &out));
    /* Another page's key, one byte different, and a prefix of it. */
    assert_false(np_shared_decode(b.data, b.len,
                                  "conf=1\norigin=16:http://b.example\n/news/desk/one.html",
                                  strlen(key), &out));
    assert_false(np_shared_decode(b.data, b.len, key, strlen(key) - 1, &out));
    /* Each header field corrupted (magic and lengths, the form count). */
    for (i = 0; i < 48; i++) {
        if (i >= 20 && i < 44)
            continue; /* deps and times: any value is valid */
        memcpy(copy, b.data, b.len);
        copy[i] ^= 0x40;
        assert_false(np_shared_decode(copy, b.len, key, strlen(key), &out));
    }
    /* Lengths that would wrap 32 bits, and a type that is not ours. */
    memcpy(copy, b.data, b.len);
    memset(copy + 12, 0xff, 4);
    assert_false(np_shared_decode(copy, b.len, key, strlen(key), &out));
    memcpy(copy, b.data, b.len);
    memcpy(copy + NP_SHARED_HEADER + strlen(key), "text", 4);
    assert_false(np_shared_decode(copy, b.len, key, strlen(key), &out));
    /* The format it replaces, and nothing. */
    assert_false(np_shared_decode("NP1 0 0 0 0 text/html\n<p>", 26, key, strlen(key), &out));
    assert_false(np_shared_decode(NULL, 0, key, strlen(key), &out));
    np_buf_free(&b);
}

static void test_unknown_type_not_stored(void **state)
{
    np_shared_record r = record();
    np_buf b;
    (void)state;
    np_buf_init(&b, 64);
    r.content_type = "text/x-evil";
    assert_false(np_shared_encode(&b, key, strlen(key), &r));
    assert_int_equal(b.len, 0);
    np_buf_free(&b);
}

static void test_id(void **state)
{
    char a[33], b[33];
    (void)state;
    np_shared_id(key, strlen(key), a);
    np_shared_id(key, strlen(key) - 1, b);
    assert_int_equal(strlen(a), 32);
    assert_string_not_equal(a, b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_every_type_kept),
        cmocka_unit_test(test_refused),
        cmocka_unit_test(test_unknown_type_not_stored),
        cmocka_unit_test(test_id),
        cmocka_unit_test(test_forms_refused),
        cmocka_unit_test(test_forms_corrupt),
    };
    return np_test_run_pooled(tests);
}
