/* Unit tests of np_cache (LRU bound, reference counts, threads) and of np_site's snapshot swap
 * under concurrent readers. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <pthread.h>
#include <sys/stat.h>
#include <cmocka.h>

#include <apr_general.h>
#include <apr_strings.h>

#include "np_cache.h"
#include "np_site.h"
#include "np_xml.h"
#include "np_test.h"

static apr_pool_t *pool;

static np_cache_entry *entry(const char *key, apr_size_t len, char fill)
{
    np_cache_entry *e = np_cache_entry_make(key, strlen(key), len);
    assert_non_null(e);
    memset(e->body, fill, len);
    return e;
}

static void test_get_put_replace(void **state)
{
    np_cache *c = np_cache_create(1 << 20);
    np_cache_entry *e = entry("a", 100, 'x'), *g;
    np_cache_stats st;
    assert_null(np_cache_get(c, "a", 1));
    np_cache_put(c, e);
    np_cache_release(e);
    g = np_cache_get(c, "a", 1);
    assert_non_null(g);
    assert_int_equal(g->len, 100);
    assert_int_equal(g->body[99], 'x');
    assert_ptr_equal(np_cache_entry_of(g->body), g);
    /* Replacing keeps the old block alive for whoever still holds it. */
    e = entry("a", 50, 'y');
    np_cache_put(c, e);
    np_cache_release(e);
    assert_int_equal(g->body[0], 'x');
    np_cache_release(g);
    g = np_cache_get(c, "a", 1);
    assert_int_equal(g->len, 50);
    np_cache_release(g);
    np_cache_get_stats(c, &st);
    assert_int_equal(st.entries, 1);
    assert_int_equal(st.hits, 2);
    assert_int_equal(st.misses, 1);
    np_cache_remove(c, "a", 1);
    assert_null(np_cache_get(c, "a", 1));
    np_cache_destroy(c);
}

/* A page rendered straight into an entry: the body is what was appended, the key follows it,
 * and the entry behaves like one made by np_cache_entry_make. */
static void test_entry_from_buf(void **state)
{
    np_cache *c = np_cache_create(1 << 20);
    np_buf b;
    np_cache_entry *e, *g;
    apr_pool_t *p;
    int i;
    np_cache_entry_buf_init(&b, 16); /* grows past the hint */
    np_buf_puts(&b, "discarded");
    np_cache_entry_buf_reset(&b);
    for (i = 0; i < 1000; i++)
        np_buf_puts(&b, "<p>page</p>");
    e = np_cache_entry_from_buf(&b, "k1", 2);
    assert_non_null(e);
    assert_null(b.data);
    assert_int_equal(e->len, 11000);
    assert_memory_equal(e->body, "<p>page</p><p>", 14);
    assert_int_equal(e->body[e->len], '\0');
    assert_string_equal(e->key, "k1");
    assert_int_equal(e->refs, 1);
    assert_ptr_equal(np_cache_entry_of(e->body), e);
    np_cache_put(c, e);
    /* A reference dropped with a pool: the body stays readable until the pool goes. */
    apr_pool_create(&p, pool);
    g = np_cache_get(c, "k1", 2);
    np_cache_release_with(g, p);
    np_cache_release(e);
    np_cache_remove(c, "k1", 2);
    assert_int_equal(g->body[10999], '>');
    apr_pool_destroy(p);
    /* An empty page is an entry too. */
    np_cache_entry_buf_init(&b, 0);
    e = np_cache_entry_from_buf(&b, "k2", 2);
    assert_non_null(e);
    assert_int_equal(e->len, 0);
    assert_string_equal(e->key, "k2");
    np_cache_release(e);
    np_cache_destroy(c);
}

/* The ETag hash: the same on every run, and moved by one byte anywhere in a long input (in each
 * of the four lanes and in the tail). */
static void test_hash(void **state)
{
    char buf[1000];
    apr_uint64_t h0, seen[1000];
    int i, j;
    for (i = 0; i < (int)sizeof(buf); i++)
        buf[i] = (char)(i * 31 + 7);
    h0 = np_hash(NP_HASH_INIT, buf, sizeof(buf));
    assert_true(h0 == np_hash(NP_HASH_INIT, buf, sizeof(buf)));
    for (i = 0; i < (int)sizeof(buf); i++) {
        buf[i] ^= 1;
        seen[i] = np_hash(NP_HASH_INIT, buf, sizeof(buf));
        buf[i] ^= 1;
        assert_true(seen[i] != h0);
        for (j = 0; j < i; j += 97)
            assert_true(seen[i] != seen[j]);
    }
    assert_true(np_hash(NP_HASH_INIT, buf, 999) != h0);
    assert_true(np_hash(NP_HASH_INIT, buf, 128) != np_hash(NP_HASH_INIT, buf, 127));
}

static void test_lru_bound(void **state)
{
    apr_size_t bound = 64 * 1024;
    np_cache *c = np_cache_create(bound);
    np_cache_stats st;
    int i;
    for (i = 0; i < 100; i++) {
        char key[16];
        np_cache_entry *e;
        snprintf(key, sizeof(key), "k%d", i);
        e = entry(key, 4000, 'z');
        np_cache_put(c, e);
        np_cache_release(e);
        if (i == 5) {
            /* keep k0 recently used: it must survive the evictions */
            np_cache_entry *k0 = np_cache_get(c, "k0", 2);
            assert_non_null(k0);
            np_cache_release(k0);
        }
        np_cache_get_stats(c, &st);
        assert_true(st.bytes <= bound);
    }
    np_cache_get_stats(c, &st);
    assert_true(st.evictions > 0);
    assert_true(st.entries < 20);
    assert_null(np_cache_get(c, "k1", 2)); /* least recently used: gone */
    {
        np_cache_entry *last = np_cache_get(c, "k99", 3);
        assert_non_null(last);
        np_cache_release(last);
    }
    /* too large for the bound: not stored */
    {
        np_cache_entry *big = entry("big", bound / 2, 'b');
        np_cache_put(c, big);
        np_cache_release(big);
        assert_null(np_cache_get(c, "big", 3));
    }
    np_cache_destroy(c);
}

typedef struct {
    np_cache *c;
    int id, errors;
} worker;

static void *cache_worker(void *arg)
{
    worker *w = arg;
    int i;
    for (i = 0; i < 20000; i++) {
        char key[16];
        np_cache_entry *e;
        snprintf(key, sizeof(key), "k%d", (i * 7 + w->id) % 50);
        if ((e = np_cache_get(w->c, key, strlen(key)))) {
            /* a body is never changed or freed under a reader */
            if (e->len != 1000 || e->body[0] != e->body[999])
                w->errors++;
            np_cache_release(e);
        } else {
            e = entry(key, 1000, (char)('a' + w->id));
            np_cache_put(w->c, e);
            np_cache_release(e);
        }
    }
    return NULL;
}

static void test_threads(void **state)
{
    np_cache *c = np_cache_create(20 * 1024); /* small: constant eviction */
    pthread_t t[8];
    worker w[8];
    int i;
    for (i = 0; i < 8; i++) {
        w[i].c = c;
        w[i].id = i;
        w[i].errors = 0;
        assert_int_equal(pthread_create(&t[i], NULL, cache_worker, &w[i]), 0);
    }
    for (i = 0; i < 8; i++) {
        pthread_join(t[i], NULL);
        assert_int_equal(w[i].errors, 0);
    }
    np_cache_destroy(c);
}

/* Snapshot swap: readers in several threads while one writer adds and edits articles. */
static char root[64];

static void put(const char *rel, const char *text)
{
    char path[256], tmp[272];
    FILE *f;
    snprintf(path, sizeof(path), "%s/%s", root, rel);
    snprintf(tmp, sizeof(tmp), "%s.tmp", path);
    f = fopen(tmp, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    rename(tmp, path);
}

typedef struct {
    np_site *site;
    volatile int *stop;
    int reads, bad;
} reader;

static void *snapshot_reader(void *arg)
{
    reader *r = arg;
    while (!*r->stop) {
        np_site_view v;
        int i;
        np_site_acquire(r->site, apr_time_now(), NULL, &v);
        /* A snapshot is whole: every article in the date list is in its section's list. */
        for (i = 0; i < v.snap->nall; i++) {
            np_entry *e = v.snap->all[i];
            if (e->section->entries[e->sec_index] != e)
                r->bad++;
        }
        if (!v.theme || !v.theme->set)
            r->bad++;
        np_site_release(&v);
        r->reads++;
    }
    return NULL;
}

static void test_snapshot_swap(void **state)
{
    np_site_conf c;
    np_site *site;
    pthread_t t[4];
    reader r[4];
    volatile int stop = 0;
    np_snapshot *s;
    int i;

    strcpy(root, "/tmp/np-swap-XXXXXX");
    assert_non_null(mkdtemp(root));
    {
        char d[128];
        snprintf(d, sizeof(d), "%s/desk", root);
        mkdir(d, 0755);
    }
    put("desk/a.xml", "<article><title>A</title><published>2026-01-01</published><body><p>a</p>"
                      "</body></article>");
    site = np_test_site(pool, &c, root);
    for (i = 0; i < 4; i++) {
        r[i].site = site;
        r[i].stop = &stop;
        r[i].reads = r[i].bad = 0;
        assert_int_equal(pthread_create(&t[i], NULL, snapshot_reader, &r[i]), 0);
    }
    for (i = 0; i < 30; i++) {
        char name[32], text[256];
        snprintf(name, sizeof(name), "desk/n%d.xml", i);
        snprintf(text, sizeof(text),
                 "<article><title>N%d</title><published>2026-02-%02d</published><body><p>n</p>"
                 "</body></article>",
                 i, i % 28 + 1);
        put(name, text);
        usleep(2000);
    }
    usleep(50000);
    stop = 1;
    for (i = 0; i < 4; i++) {
        pthread_join(t[i], NULL);
        assert_int_equal(r[i].bad, 0);
        assert_true(r[i].reads > 0);
    }
    /* The last check saw every file. */
    sleep(1);
    put("desk/last.xml", "<article><title>L</title><published>2026-03-01</published><body><p>l</p>"
                         "</body></article>");
    s = np_site_snapshot(site, apr_time_now(), NULL);
    assert_int_equal(s->nall, 32);
    np_snapshot_release(s);
    {
        char cmd[128];
        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
        assert_int_equal(system(cmd), 0);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_get_put_replace),
        cmocka_unit_test(test_entry_from_buf),
        cmocka_unit_test(test_hash),
        cmocka_unit_test(test_lru_bound),
        cmocka_unit_test(test_threads),
        cmocka_unit_test(test_snapshot_swap),
    };
    pool = np_test_begin();
    np_xml_init();
    return np_test_end(pool, cmocka_run_group_tests_name("cache", tests, NULL, NULL));
}
