/* Unit tests of np_preview: the secret file, signing and checking tokens (every field
 * tampered with, expiry and its bounds, garbage), the query parameter, durations, links. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <apr_general.h>
#include <apr_strings.h>

#include "np_cache.h"
#include "np_page.h"
#include "np_preview.h"
#include "np_test.h"

#define NOW ((apr_int64_t)1780000000) /* 2026-05-28 */

static const char secret[] = "0123456789abcdef0123456789abcdef-test-secret";

static np_preview_key *key_of(const char *s)
{
    np_preview_key *k = apr_palloc(np_test_root, sizeof(*k));
    k->bytes = (const unsigned char *)s;
    k->len = strlen(s);
    return k;
}

static const char *write_tmp(apr_pool_t *p, const char *text, apr_size_t n)
{
    char *path = apr_pstrdup(p, "/tmp/np-test-preview-XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, n), (ssize_t)n);
    close(fd);
    return path;
}

static void test_key_file(void **state)
{
    apr_pool_t *p = *state;
    const char *err = NULL, *path;
    np_preview_key *k;
    char big[NP_PREVIEW_KEY_MAX + 2];

    path = write_tmp(p, "0123456789abcdef0123456789abcdef\r\n \n", 36);
    k = np_preview_key_load(p, path, &err);
    assert_non_null(k);
    assert_int_equal(k->len, 32); /* the trailing line break and spaces are not the secret */
    assert_memory_equal(k->bytes, "0123456789abcdef0123456789abcdef", 32);
    unlink(path);

    path = write_tmp(p, "0123456789abcdef0123456789abcde\n", 32); /* 31 bytes of secret */
    assert_null(np_preview_key_load(p, path, &err));
    assert_non_null(strstr(err, "holds 31 bytes of secret; at least 32 are needed"));
    unlink(path);

    memset(big, 'k', sizeof(big));
    path = write_tmp(p, big, NP_PREVIEW_KEY_MAX + 1);
    assert_null(np_preview_key_load(p, path, &err));
    assert_non_null(strstr(err, "is larger than 4096 bytes"));
    unlink(path);
    path = write_tmp(p, big, NP_PREVIEW_KEY_MAX);
    assert_non_null(np_preview_key_load(p, path, &err));
    unlink(path);

    assert_null(np_preview_key_load(p, "/no/such/secret", &err));
    assert_non_null(strstr(err, "cannot open '/no/such/secret'"));
}

static void test_round_trip(void **state)
{
    apr_pool_t *p = *state;
    np_preview_key *k = key_of(secret);
    np_preview pv;
    const char *t = np_preview_make(p, k, NP_PREVIEW_ARTICLE, "/news/desk/a.html", 0, NOW + 600);

    assert_non_null(t);
    assert_int_equal(strlen(t), 56);
    assert_int_equal(np_preview_verify(p, k, t, strlen(t), "/news/desk/a.html", NOW, &pv),
                     NP_PREVIEW_OK);
    assert_int_equal(pv.scope, NP_PREVIEW_ARTICLE);
    assert_int_equal(pv.expires, NOW + 600);
    assert_null(pv.link_suffix); /* an article preview's token opens one URL: no links carry it */
    /* another URL, another secret */
    assert_int_equal(np_preview_verify(p, k, t, strlen(t), "/news/desk/b.html", NOW, &pv),
                     NP_PREVIEW_BAD);
    assert_int_equal(np_preview_verify(p, k, t, strlen(t), "/news/desk/a.html/", NOW, &pv),
                     NP_PREVIEW_BAD);
    assert_int_equal(np_preview_verify(p, key_of("another secret of thirty-two bytes"), t,
                                       strlen(t), "/news/desk/a.html", NOW, &pv),
                     NP_PREVIEW_BAD);

    t = np_preview_make(p, k, NP_PREVIEW_SITE, NULL, 4070941200LL, NOW + 600);
    assert_int_equal(strlen(t), 67);
    /* a site token is good on any URL */
    assert_int_equal(np_preview_verify(p, k, t, strlen(t), "/anything/", NOW, &pv), NP_PREVIEW_OK);
    assert_int_equal(pv.scope, NP_PREVIEW_SITE);
    assert_int_equal(pv.at, 4070941200LL);
    assert_string_equal(pv.link_suffix, apr_pstrcat(p, "?preview=", t, NULL));
    assert_int_equal(np_preview_now(&pv, 5), apr_time_from_sec(4070941200LL));

    /* what make refuses */
    assert_null(np_preview_make(p, k, NP_PREVIEW_ARTICLE, "news/a.html", 0, NOW + 600));
    assert_null(np_preview_make(p, k, NP_PREVIEW_ARTICLE, NULL, 0, NOW + 600));
    assert_null(np_preview_make(p, k, NP_PREVIEW_SITE, NULL, -1, NOW + 600));
    assert_null(np_preview_make(p, k, NP_PREVIEW_SITE, NULL, NP_PREVIEW_AT_MAX + 1, NOW + 600));
    assert_null(np_preview_make(p, k, NP_PREVIEW_SITE, NULL, 0, 0));
    assert_null(np_preview_make(p, k, NP_PREVIEW_SITE, NULL, 0, INT64_MAX));
    assert_null(np_preview_make(p, k, 'x', NULL, 0, NOW + 600));
}

/* The signature over the documented canonical text, computed here on its own. */
static void test_known_format(void **state)
{
    apr_pool_t *p = *state;
    np_preview_key *k = key_of(secret);
    const char *t = np_preview_make(p, k, NP_PREVIEW_SITE, NULL, 4070941200LL, NOW + 600);
    const char *text = apr_psprintf(
        p, "newsportal-preview\n1\nsite\n4070941200\n%" APR_INT64_T_FMT "\n", NOW + 600);
    unsigned char mac[32], raw[64];
    unsigned int mlen = 32;
    EVP_ENCODE_CTX *ctx = EVP_ENCODE_CTX_new();
    char *std = apr_pstrcat(p, t, "=", NULL), *c;
    int n = 0, fin = 0;

    HMAC(EVP_sha256(), secret, (int)strlen(secret), (const unsigned char *)text, strlen(text), mac,
         &mlen);
    /* base64url to base64, decoded by OpenSSL */
    for (c = std; *c; c++)
        *c = *c == '-' ? '+' : *c == '_' ? '/' : *c;
    EVP_DecodeInit(ctx);
    assert_true(EVP_DecodeUpdate(ctx, raw, &n, (const unsigned char *)std, (int)strlen(std)) >= 0);
    assert_true(EVP_DecodeFinal(ctx, raw + n, &fin) >= 0);
    EVP_ENCODE_CTX_free(ctx);
    assert_int_equal(n + fin, 50);
    assert_int_equal(raw[0], 1);
    assert_int_equal(raw[1], 's');
    assert_memory_equal(raw + 18, mac, 32);
}

/* Every character of a token changed, one at a time, to every other one of the alphabet:
 * never accepted. That covers each field: version, scope, expiry, T and the signature. */
static void test_tamper_every_field(void **state)
{
    static const char alpha[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    apr_pool_t *p = *state;
    np_preview_key *k = key_of(secret);
    const char *toks[2];
    np_preview pv;
    int w, i, j;
    toks[0] = np_preview_make(p, k, NP_PREVIEW_ARTICLE, "/a.html", 0, NOW + 600);
    toks[1] = np_preview_make(p, k, NP_PREVIEW_SITE, NULL, 4070941200LL, NOW + 600);
    for (w = 0; w < 2; w++) {
        char *t = apr_pstrdup(p, toks[w]);
        size_t n = strlen(t);
        for (i = 0; i < (int)n; i++) {
            char was = t[i];
            for (j = 0; alpha[j]; j++) {
                if (alpha[j] == was)
                    continue;
                t[i] = alpha[j];
                assert_int_equal(np_preview_verify(p, k, t, n, "/a.html", NOW, &pv),
                                 NP_PREVIEW_BAD);
            }
            t[i] = was;
        }
        assert_int_equal(np_preview_verify(p, k, t, n, "/a.html", NOW, &pv), NP_PREVIEW_OK);
        /* shortened or lengthened */
        for (i = 0; i < (int)n; i++)
            assert_int_equal(np_preview_verify(p, k, t, (apr_size_t)i, "/a.html", NOW, &pv),
                             NP_PREVIEW_BAD);
        assert_int_equal(
            np_preview_verify(p, k, apr_pstrcat(p, t, "A", NULL), n + 1, "/a.html", NOW, &pv),
            NP_PREVIEW_BAD);
        assert_int_equal(
            np_preview_verify(p, k, apr_pstrcat(p, t, "AAAA", NULL), n + 4, "/a.html", NOW, &pv),
            NP_PREVIEW_BAD);
    }
}

static void test_expiry(void **state)
{
    apr_pool_t *p = *state;
    np_preview_key *k = key_of(secret);
    np_preview pv;
    const char *t = np_preview_make(p, k, NP_PREVIEW_SITE, NULL, 0, NOW + 600);
    apr_int64_t limit = NP_PREVIEW_MAX_VALID + NP_PREVIEW_SKEW;

    assert_int_equal(np_preview_verify(p, k, t, strlen(t), "/", NOW + 599, &pv), NP_PREVIEW_OK);
    assert_int_equal(np_preview_verify(p, k, t, strlen(t), "/", NOW + 600, &pv),
                     NP_PREVIEW_EXPIRED);
    assert_int_equal(np_preview_verify(p, k, t, strlen(t), "/", NOW + 86400 * 365, &pv),
                     NP_PREVIEW_EXPIRED);
    /* genuine, but for longer than a link may live */
    t = np_preview_make(p, k, NP_PREVIEW_SITE, NULL, 0, NOW + limit);
    assert_int_equal(np_preview_verify(p, k, t, strlen(t), "/", NOW, &pv), NP_PREVIEW_OK);
    t = np_preview_make(p, k, NP_PREVIEW_SITE, NULL, 0, NOW + limit + 1);
    assert_int_equal(np_preview_verify(p, k, t, strlen(t), "/", NOW, &pv), NP_PREVIEW_BAD);
    t = np_preview_make(p, k, NP_PREVIEW_SITE, NULL, 0, NP_PREVIEW_AT_MAX);
    assert_int_equal(np_preview_verify(p, k, t, strlen(t), "/", NOW, &pv), NP_PREVIEW_BAD);
    assert_int_equal(np_preview_verify(p, k, t, strlen(t), "/", NP_PREVIEW_AT_MAX - 10, &pv),
                     NP_PREVIEW_OK);
}

static const char *b64url(apr_pool_t *p, const unsigned char *raw, int n)
{
    char *out = apr_palloc(p, (apr_size_t)n * 2 + 4), *c;
    int len = EVP_EncodeBlock((unsigned char *)out, raw, n);
    while (len > 0 && out[len - 1] == '=')
        len--;
    out[len] = '\0';
    for (c = out; *c; c++)
        *c = *c == '+' ? '-' : *c == '/' ? '_' : *c;
    return out;
}

/* Expiry and T at and beyond 2^63 (negative as signed numbers), with a signature made over
 * the same fields: refused before any arithmetic on them. */
static void test_huge_numbers(void **state)
{
    apr_pool_t *p = *state;
    np_preview_key *k = key_of(secret);
    static const apr_uint64_t huge[] = {0x8000000000000000ULL, 0xffffffffffffffffULL,
                                        0x7fffffffffffffffULL, (apr_uint64_t)NP_PREVIEW_AT_MAX + 1};
    unsigned char raw[50];
    unsigned int mlen = 32;
    np_preview pv;
    size_t i;
    int b;
    for (i = 0; i < sizeof(huge) / sizeof(huge[0]); i++) {
        const char *text;
        raw[0] = 1;
        raw[1] = 's';
        for (b = 0; b < 8; b++)
            raw[2 + b] = (unsigned char)(huge[i] >> (56 - 8 * b));
        memset(raw + 10, 0, 8);
        text = apr_psprintf(p, "newsportal-preview\n1\nsite\n0\n%" APR_INT64_T_FMT "\n",
                            (apr_int64_t)huge[i]);
        HMAC(EVP_sha256(), secret, (int)strlen(secret), (const unsigned char *)text, strlen(text),
             raw + 18, &mlen);
        assert_int_equal(
            np_preview_verify(p, k, b64url(p, raw, 50), strlen(b64url(p, raw, 50)), "/", NOW, &pv),
            NP_PREVIEW_BAD);
        /* the same number as T */
        memcpy(raw + 10, raw + 2, 8);
        for (b = 0; b < 8; b++)
            raw[2 + b] = (unsigned char)((apr_uint64_t)(NOW + 600) >> (56 - 8 * b));
        text = apr_psprintf(
            p, "newsportal-preview\n1\nsite\n%" APR_INT64_T_FMT "\n%" APR_INT64_T_FMT "\n",
            (apr_int64_t)huge[i], NOW + 600);
        HMAC(EVP_sha256(), secret, (int)strlen(secret), (const unsigned char *)text, strlen(text),
             raw + 18, &mlen);
        assert_int_equal(
            np_preview_verify(p, k, b64url(p, raw, 50), strlen(b64url(p, raw, 50)), "/", NOW, &pv),
            NP_PREVIEW_BAD);
    }
}

static void test_garbage(void **state)
{
    apr_pool_t *p = *state;
    np_preview_key *k = key_of(secret);
    static const char *const bad[] = {
        "", "A", "AA", "AAAA", "====", "!!!!", "a b", "%41%41", "AQ==", "AXM", "AWE",
        /* a good token with standard base64's characters, or with padding */
        NULL};
    const char *good = np_preview_make(p, k, NP_PREVIEW_SITE, NULL, 0, NOW + 600);
    char *t, buf[NP_PREVIEW_TOKEN_MAX * 2];
    np_preview pv;
    int i, j;
    unsigned seed = 12345;

    for (i = 0; bad[i]; i++)
        assert_int_equal(np_preview_verify(p, k, bad[i], strlen(bad[i]), "/", NOW, &pv),
                         NP_PREVIEW_BAD);
    t = apr_pstrcat(p, good, "=", NULL);
    assert_int_equal(np_preview_verify(p, k, t, strlen(t), "/", NOW, &pv), NP_PREVIEW_BAD);
    t = apr_pstrdup(p, good);
    for (i = 0; t[i]; i++)
        t[i] = t[i] == '-' ? '+' : t[i] == '_' ? '/' : t[i];
    if (strcmp(t, good) != 0)
        assert_int_equal(np_preview_verify(p, k, t, strlen(t), "/", NOW, &pv), NP_PREVIEW_BAD);
    /* over the length bound: refused before decoding */
    memset(buf, 'A', sizeof(buf));
    assert_int_equal(np_preview_verify(p, k, buf, NP_PREVIEW_TOKEN_MAX + 1, "/", NOW, &pv),
                     NP_PREVIEW_BAD);
    assert_int_equal(np_preview_verify(p, k, buf, sizeof(buf), "/", NOW, &pv), NP_PREVIEW_BAD);
    assert_int_equal(np_preview_verify(p, NULL, good, strlen(good), "/", NOW, &pv), NP_PREVIEW_BAD);
    /* random bytes of every length up to and past the bound */
    for (i = 0; i < 20000; i++) {
        int n = (int)(rand_r(&seed) % (NP_PREVIEW_TOKEN_MAX + 8));
        for (j = 0; j < n; j++)
            buf[j] = (char)(rand_r(&seed) % 256);
        assert_int_equal(np_preview_verify(p, k, buf, (apr_size_t)n, "/", NOW, &pv),
                         NP_PREVIEW_BAD);
    }
}

static void test_param(void **state)
{
    const char *t = NULL;
    apr_size_t n = 99;
    (void)state;
    assert_int_equal(np_preview_param(NULL, &t, &n), 0);
    assert_int_equal(np_preview_param("", &t, &n), 0);
    assert_int_equal(np_preview_param("previewx=1&xpreview=2&previe=3", &t, &n), 0);
    assert_int_equal(np_preview_param("preview=abc", &t, &n), 1);
    assert_int_equal(n, 3);
    assert_memory_equal(t, "abc", 3);
    assert_int_equal(np_preview_param("a=1&preview=xyz&b=2", &t, &n), 1);
    assert_int_equal(n, 3);
    assert_memory_equal(t, "xyz", 3);
    assert_int_equal(np_preview_param("a=1&preview", &t, &n), 1);
    assert_int_equal(n, 0);
    assert_int_equal(np_preview_param("preview=", &t, &n), 1);
    assert_int_equal(n, 0);
    assert_int_equal(np_preview_param("preview=a&preview=a", &t, &n), -1);
    assert_int_equal(np_preview_param("preview&preview=b", &t, &n), -1);
}

static void test_duration(void **state)
{
    static const struct {
        const char *s;
        apr_int64_t v; /* -1: refused */
    } cases[] = {
        {"90s", 90},
        {"10m", 600},
        {"2h", 7200},
        {"7d", 604800},
        {"3600", 3600},
        {"30d", 2592000},
        {"720h", 2592000},
        {"2592000", 2592000},
        {"1", 1},
        {"31d", -1},
        {"721h", -1},
        {"2592001", -1},
        {"0", -1},
        {"0s", -1},
        {"", -1},
        {"s", -1},
        {"-5", -1},
        {"+5", -1},
        {" 5", -1},
        {"5 ", -1},
        {"5x", -1},
        {"5ss", -1},
        {"1.5h", -1},
        {"99999999999999999999999d", -1},
        {"18446744073709551617", -1},
    };
    size_t i;
    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        apr_int64_t v = -7;
        int rc = np_preview_duration(cases[i].s, &v);
        if (cases[i].v < 0) {
            if (rc != -1)
                fail_msg("'%s' accepted as %lld", cases[i].s, (long long)v);
        } else if (rc != 0 || v != cases[i].v) {
            fail_msg("'%s': rc %d, %lld instead of %lld", cases[i].s, rc, (long long)v,
                     (long long)cases[i].v);
        }
    }
    assert_int_equal(np_preview_duration(NULL, NULL), -1);
}

static void test_links(void **state)
{
    apr_pool_t *p = *state;
    np_preview site = {NP_PREVIEW_SITE, 0, 0, "?preview=TOK"};
    np_preview article = {NP_PREVIEW_ARTICLE, 0, 0, NULL};
    assert_string_equal(np_preview_link(&site, "/news/", p), "/news/?preview=TOK");
    assert_string_equal(np_preview_link(&site, "/news/?x=1", p), "/news/?x=1");
    assert_null(np_preview_link(&site, NULL, p));
    assert_string_equal(np_preview_link(&article, "/news/", p), "/news/");
    assert_string_equal(np_preview_link(NULL, "/news/", p), "/news/");
    assert_string_equal(np_preview_unlink(&site, "/news/?preview=TOK", p), "/news/");
    assert_string_equal(np_preview_unlink(&site, "/news/?preview=TOKEN", p),
                        "/news/?preview=TOKEN");
    assert_string_equal(np_preview_unlink(&site, "?preview=TOK", p), "?preview=TOK");
    assert_string_equal(np_preview_unlink(NULL, "/a?preview=TOK", p), "/a?preview=TOK");
    assert_null(np_preview_unlink(&site, NULL, p));
    assert_int_equal(np_preview_now(&article, 42), 42);
    assert_int_equal(np_preview_now(NULL, 42), 42);
}

static void test_opens(void **state)
{
    np_preview site = {NP_PREVIEW_SITE, 0, 0, "?preview=TOK"};
    np_preview article = {NP_PREVIEW_ARTICLE, 0, 0, NULL};
    np_article a;
    (void)state;
    memset(&a, 0, sizeof(a));
    a.published.t = apr_time_from_sec(NOW);
    a.draft = 1;
    assert_true(np_preview_opens(&article, &a));
    assert_false(np_preview_opens(&site, &a)); /* a site preview shows what readers will see */
    assert_false(np_preview_opens(NULL, &a));
    a.draft = NP_KILLED;
    assert_false(np_preview_opens(&article, &a));
    a.draft = 0;
    a.published.t = apr_time_from_sec(NOW + 86400); /* embargoed */
    assert_true(np_preview_opens(&article, &a));
}

/* The request path with a preview: the site at T lists what is embargoed now, every link carries
 * the token and no absolute URL does; an article preview opens a draft, never a killed article;
 * neither touches the page or article cache. */
static int serve(apr_pool_t *p, np_site *site, np_site_conf *c, const char *path,
                 const np_preview *pv, const char **body)
{
    np_request req;
    np_response resp;
    memset(&req, 0, sizeof(req));
    req.mount = "/news";
    req.path = path;
    req.origin = "http://localhost";
    req.now = apr_time_from_sec(NOW);
    req.preview = pv;
    np_page_serve(site, c, &req, &resp, p, NULL);
    *body = apr_pstrmemdup(p, resp.body, resp.len);
    np_page_response_release(&resp);
    return resp.status;
}

static void cache_figures(np_site *site, np_cache_stats *pages, np_cache_stats *bodies)
{
    np_cache_get_stats(np_site_cache(site), pages);
    np_cache_get_stats(np_site_body_cache(site), bodies);
}

static void test_page_preview(void **state)
{
    apr_pool_t *p = *state;
    char tmpl[] = "/tmp/np-test-preview-site-XXXXXX";
    const char *dir = mkdtemp(tmpl), *body, *s;
    np_preview_key *k = key_of(secret);
    np_preview site_pv, art_pv;
    np_cache_stats pages0, bodies0, pages1, bodies1;
    np_site_conf c;
    np_site *site;
    const char *tok;

    np_test_write(dir, "desk/now.xml",
                  "<article><title>Out Now</title><published>2026-01-01T00:00:00Z</published>"
                  "<body><p>x</p></body></article>");
    np_test_write(dir, "desk/later.xml",
                  "<article><title>Held Back</title><published>2099-01-01T08:00:00Z</published>"
                  "<body><p>x</p></body></article>");
    np_test_write(dir, "desk/draft.xml",
                  "<article><title>A Draft</title><published>2026-01-01T00:00:00Z</published>"
                  "<status>draft</status><body><p>x</p></body></article>");
    np_test_write(dir, "desk/killed.xml",
                  "<article><title>Killed</title><published>2026-01-01T00:00:00Z</published>"
                  "<status>killed</status><body><p>x</p></body></article>");
    site = np_test_site(p, &c, dir);

    assert_int_equal(serve(p, site, &c, "/", NULL, &body), 200); /* readers: into the cache */
    assert_null(strstr(body, "Held Back"));
    cache_figures(site, &pages0, &bodies0);

    tok = np_preview_make(p, k, NP_PREVIEW_SITE, NULL, 4070941200LL, NOW + 600);
    assert_int_equal(np_preview_verify(p, k, tok, strlen(tok), "/news/", NOW, &site_pv),
                     NP_PREVIEW_OK);
    assert_int_equal(serve(p, site, &c, "/", &site_pv, &body), 200);
    assert_non_null(strstr(body, "Held Back"));
    assert_non_null(strstr(body, "class=\"preview-banner\""));
    assert_null(strstr(body, "A Draft"));
    /* every link within the site carries the token; no absolute URL does */
    for (s = strstr(body, "href=\"/news"); s; s = strstr(s + 1, "href=\"/news")) {
        const char *end = strchr(s + 6, '"');
        const char *q = strstr(s, site_pv.link_suffix);
        assert_true(q && q + strlen(site_pv.link_suffix) == end);
    }
    assert_null(strstr(body, "http://localhost/news/?preview"));
    assert_non_null(strstr(body, "<link rel=\"canonical\" href=\"http://localhost/news/\">"));
    assert_int_equal(serve(p, site, &c, "/desk/later.html", &site_pv, &body), 200);
    assert_int_equal(serve(p, site, &c, "/desk/draft.html", &site_pv, &body), 404);
    assert_int_equal(serve(p, site, &c, "/feed.atom", &site_pv, &body), 200);
    assert_non_null(strstr(body, "Held Back"));

    tok = np_preview_make(p, k, NP_PREVIEW_ARTICLE, "/news/desk/draft.html", 0, NOW + 600);
    assert_int_equal(
        np_preview_verify(p, k, tok, strlen(tok), "/news/desk/draft.html", NOW, &art_pv),
        NP_PREVIEW_OK);
    assert_int_equal(serve(p, site, &c, "/desk/draft.html", &art_pv, &body), 200);
    assert_non_null(strstr(body, "A Draft"));
    assert_null(strstr(body, "preview="));
    assert_int_equal(serve(p, site, &c, "/desk/later.html", &art_pv, &body), 200);
    assert_int_equal(serve(p, site, &c, "/desk/killed.html", &art_pv, &body), 410);

    cache_figures(site, &pages1, &bodies1);
    assert_memory_equal(&pages0, &pages1, sizeof(pages0));
    assert_memory_equal(&bodies0, &bodies1, sizeof(bodies0));
    /* readers still get their page, without what the previews showed */
    assert_int_equal(serve(p, site, &c, "/", NULL, &body), 200);
    assert_null(strstr(body, "Held Back"));
    assert_int_equal(serve(p, site, &c, "/desk/draft.html", NULL, &body), 404);

    assert_int_equal(system(apr_pstrcat(p, "rm -rf ", dir, NULL)), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_key_file, np_test_setup, np_test_teardown),
        cmocka_unit_test_setup_teardown(test_round_trip, np_test_setup, np_test_teardown),
        cmocka_unit_test_setup_teardown(test_known_format, np_test_setup, np_test_teardown),
        cmocka_unit_test_setup_teardown(test_tamper_every_field, np_test_setup, np_test_teardown),
        cmocka_unit_test_setup_teardown(test_expiry, np_test_setup, np_test_teardown),
        cmocka_unit_test_setup_teardown(test_huge_numbers, np_test_setup, np_test_teardown),
        cmocka_unit_test_setup_teardown(test_garbage, np_test_setup, np_test_teardown),
        cmocka_unit_test_setup_teardown(test_param, np_test_setup, np_test_teardown),
        cmocka_unit_test_setup_teardown(test_duration, np_test_setup, np_test_teardown),
        cmocka_unit_test_setup_teardown(test_links, np_test_setup, np_test_teardown),
        cmocka_unit_test_setup_teardown(test_opens, np_test_setup, np_test_teardown),
        cmocka_unit_test_setup_teardown(test_page_preview, np_test_setup, np_test_teardown),
    };
    return np_test_run_pooled(tests);
}
