/* The request path (np_page_serve) against hostile requests: page numbers past the last and at
 * the limits of every integer type, tags whose articles are all hidden, redirects that must come
 * out percent-encoded, and cache keys that must tell origins and configurations apart whole. */
#include "np_test.h"

#include <stdio.h>
#include <sys/stat.h>

#include "np_cache.h"
#include "np_encoding.h"
#include "np_page.h"
#include "np_shared.h"

static char root[64];
static apr_pool_t *pool;

static void put(const char *rel, const char *text)
{
    np_test_write(root, rel, text);
}

static void article(const char *rel, const char *title, const char *date, const char *tags)
{
    char text[1024];
    snprintf(text, sizeof(text),
             "<article><title>%s</title><published>%s</published><tags>%s</tags>"
             "<body><p>text of %s</p></body></article>",
             title, date, tags, title);
    put(rel, text);
}

static np_site_conf conf;
static np_site *site;

static int setup_tree(void **state)
{
    char d[128];
    (void)state;
    apr_pool_create(&pool, NULL);
    strcpy(root, "/tmp/np-page-XXXXXX");
    assert_non_null(mkdtemp(root));
    snprintf(d, sizeof(d), "%s/desk", root);
    mkdir(d, 0755);
    article("desk/one.xml", "One", "2026-01-01", "<tag>Open Tag</tag>");
    article("desk/two.xml", "Two", "2026-01-02", "<tag>Open Tag</tag>");
    /* Every article of this tag is hidden: an embargo far ahead, and a draft. */
    article("desk/secret.xml", "Secret", "2999-01-01", "<tag>Secret Subject</tag>");
    put("desk/draft.xml", "<article><title>Draft</title><published>2026-01-03</published>"
                          "<status>draft</status><tags><tag>Draft Subject</tag></tags>"
                          "<body><p>d</p></body></article>");
    /* Killed once published, and killed while still embargoed. */
    put("desk/killed.xml", "<article><title>Killed Story</title><published>2026-01-04</published>"
                           "<status>killed</status><tags><tag>Killed Subject</tag></tags>"
                           "<body><p>k</p></body></article>");
    put("desk/killed-early.xml", "<article><title>Killed Early</title>"
                                 "<published>2999-01-01</published><status>killed</status>"
                                 "<body><p>k</p></body></article>");
    put("desk/fixed.xml", "<article><title>Fixed</title><published>2026-01-05</published>"
                          "<correction date=\"2026-01-09T10:00:00Z\">The &lt;date&gt; was "
                          "wrong.</correction><correction date=\"2026-01-07T10:00:00Z\">A name."
                          "</correction><body><p>f</p></body></article>");
    put("desk/moved.xml", "<article><title>Moved</title><published>2026-01-06</published>"
                          "<previous-url>/desk/old-name.html</previous-url>"
                          "<previous-url>/gone-desk/caf\xc3\xa9 old.html</previous-url>"
                          "<previous-url>/desk/one.html</previous-url>"
                          "<previous-url>http://evil.example/x</previous-url>"
                          "<body><p>m</p></body></article>");
    put("desk/hidden-moved.xml", "<article><title>Hidden</title><published>2999-01-06</published>"
                                 "<previous-url>/desk/hidden-old.html</previous-url>"
                                 "<body><p>h</p></body></article>");
    put("desk/bridge.xml", "<article id=\"bridge-2026\" lang=\"en\"><title>Bridge</title>"
                           "<published>2026-01-07</published><body><p>b</p></body></article>");
    put("desk/bridge-zh.xml", "<article lang=\"zh-CN\"><title>Qiao</title>"
                              "<published>2026-01-08</published>"
                              "<translation-of>bridge-2026</translation-of>"
                              "<body><p>q</p></body></article>");
    put("desk/bridge-fr.xml", "<article lang=\"fr\"><title>Pont</title>"
                              "<published>2999-01-08</published>"
                              "<translation-of>bridge-2026</translation-of>"
                              "<body><p>p</p></body></article>");
    site = np_test_site(pool, &conf, root);
    assert_non_null(site);
    return 0;
}

static int teardown_tree(void **state)
{
    char cmd[128];
    (void)state;
    apr_pool_destroy(pool);
    snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
    assert_int_equal(system(cmd), 0);
    return 0;
}

static int serve(apr_pool_t *p, const char *path, const char *query, const char *origin,
                 np_response *resp)
{
    np_request req;
    memset(&req, 0, sizeof(req));
    req.path = path;
    req.mount = "/news";
    req.query = query;
    req.origin = origin;
    req.now = apr_time_now();
    return np_page_serve(site, &conf, &req, resp, p, NULL);
}

static int status_of(apr_pool_t *p, const char *path)
{
    np_response resp;
    int s = serve(p, path, NULL, "http://a.example", &resp);
    np_cache_release(resp.entry);
    return s;
}

static void test_pages_past_the_last(void **state)
{
    static const char *const paths[] = {
        "/tags/open-tag/page/2/",
        "/tags/open-tag/page/999999999/",
        "/tags/open-tag/page/214748365/",
        "/tags/open-tag/page/107374183/",
        "/desk/page/2/",
        "/desk/page/200000000/",
        "/desk/page/999999999/",
        "/page/2/",
        "/page/999999999/",
        "/tags/open-tag/page/2147483648/",
        "/tags/open-tag/page/9223372036854775807/",
        "/tags/open-tag/page/9223372036854775808/",
        "/tags/open-tag/page/18446744073709551616/",
        "/desk/page/0/",
        "/desk/page/-1/",
        "/desk/page/00002/",
        "/sitemap-999999999.xml",
        "/sitemap-2.xml",
    };
    size_t i;
    for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
        int s = status_of(*state, paths[i]);
        if (s != 404)
            fail_msg("%s: %d, expected 404", paths[i], s);
    }
    assert_int_equal(status_of(*state, "/tags/open-tag/"), 200);
    assert_int_equal(status_of(*state, "/desk/"), 200);
    assert_int_equal(status_of(*state, "/"), 200);
}

/* A page size far beyond any listing, from a section file an author controls. */
static void test_huge_section_page_size(void **state)
{
    np_site_conf c2;
    np_site *s2;
    np_request req;
    np_response resp;
    char d[128];
    put("_section.xml", "<section><title>Home</title><page-size>2147483647</page-size></section>");
    snprintf(d, sizeof(d), "%s/desk/_section.xml", root);
    put("desk/_section.xml", "<section><title>Desk</title><page-size>2147483647</page-size>"
                             "</section>");
    s2 = np_test_site(*state, &c2, root);
    memset(&req, 0, sizeof(req));
    req.path = "/desk/";
    req.mount = "";
    req.origin = "http://a.example";
    req.now = apr_time_now();
    assert_int_equal(np_page_serve(s2, &c2, &req, &resp, *state, NULL), 200);
    np_cache_release(resp.entry);
    req.path = "/desk/page/2/";
    assert_int_equal(np_page_serve(s2, &c2, &req, &resp, *state, NULL), 404);
    np_cache_release(resp.entry);
    unlink(d);
    snprintf(d, sizeof(d), "%s/_section.xml", root);
    unlink(d);
}

static void test_hidden_tags_do_not_exist(void **state)
{
    static const char *const paths[] = {
        "/tags/secret-subject/",         "/tags/Secret%20Subject/",
        "/tags/Secret Subject/",         "/tags/SECRET-SUBJECT/",
        "/tags/secret_subject/",         "/tags/secret-subject",
        "/tags/Secret Subject",          "/tags/secret-subject/feed.atom",
        "/tags/secret-subject/feed.rss", "/tags/secret-subject/feed.json",
        "/tags/secret-subject/page/2/",  "/tags/draft-subject/",
        "/tags/Draft Subject",           "/tags/no-such-subject/",
    };
    size_t i;
    for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
        np_response resp;
        int s = serve(*state, paths[i], NULL, "http://a.example", &resp);
        np_cache_release(resp.entry);
        if (s != 404)
            fail_msg("%s: %d, expected 404 (as for a tag that never existed)", paths[i], s);
    }
    assert_int_equal(status_of(*state, "/tags/open-tag/"), 200);
}

static void test_redirects_are_encoded(void **state)
{
    np_response resp;
    assert_int_equal(serve(*state, "/tags/Open  Tag", NULL, "http://a.example", &resp), 301);
    assert_string_equal(resp.location, "/news/tags/Open%20%20Tag/");
    assert_int_equal(
        serve(*state, "/tags/Open  Tag/", "x=\"<a b>\"\r\n\xc3\xa9%41", "http://a.example", &resp),
        301);
    assert_string_equal(resp.location, "/news/tags/open-tag/?x=%22%3Ca%20b%3E%22%0D%0A%C3%A9%41");
    assert_null(strpbrk(resp.location, " \r\n\"<>"));
}

/* Pages for two origins are two entries: a hit needs the whole key, origin included. */
static void test_origin_in_key(void **state)
{
    np_response a, b, a2;
    assert_int_equal(serve(*state, "/desk/one.html", NULL, "http://a.example", &a), 200);
    assert_int_equal(serve(*state, "/desk/one.html", NULL, "http://b.example", &b), 200);
    assert_string_equal(b.cache_state, "miss");
    assert_non_null(strstr(b.body, "http://b.example/news/desk/one.html"));
    assert_null(strstr(b.body, "http://a.example"));
    assert_int_equal(serve(*state, "/desk/one.html", NULL, "http://a.example", &a2), 200);
    assert_string_equal(a2.cache_state, "hit");
    assert_null(strstr(a2.body, "http://b.example"));
    np_cache_release(a.entry);
    np_cache_release(b.entry);
    np_cache_release(a2.entry);
}

/* A shared tier that holds one record per id, ids made to collide: what was stored for another
 * page must never come back as this one. */
typedef struct {
    char *data;
    apr_size_t len;
} one_slot;

static int slot_get(void *baton, const char *key, apr_size_t klen, char **data, apr_size_t *len,
                    apr_pool_t *p)
{
    one_slot *s = baton;
    (void)key;
    (void)klen;
    if (!s->data)
        return 0;
    *data = apr_pmemdup(p, s->data, s->len);
    *len = s->len;
    return 1;
}

static void slot_put(void *baton, const char *key, apr_size_t klen, const char *data,
                     apr_size_t len, apr_time_t expiry, apr_pool_t *p)
{
    one_slot *s = baton;
    (void)key;
    (void)klen;
    (void)expiry;
    s->data = apr_pmemdup(pool, data, len);
    s->len = len;
    (void)p;
}

static void test_shared_tier_colliding_ids(void **state)
{
    np_site_conf c2;
    np_site *s2;
    one_slot slot = {NULL, 0};
    np_shared_tier tier = {&slot, slot_get, slot_put};
    np_request req;
    np_response resp;
    s2 = np_test_site(*state, &c2, root);
    memset(&req, 0, sizeof(req));
    req.mount = "";
    req.now = apr_time_now();
    req.shared = &tier;
    req.path = "/desk/one.html";
    req.origin = "http://evil.example";
    assert_int_equal(np_page_serve(s2, &c2, &req, &resp, *state, NULL), 200);
    np_cache_release(resp.entry);
    assert_non_null(slot.data);
    /* Another server (a site of its own), another origin, the same id in the tier. */
    s2 = np_test_site(*state, &c2, root);
    req.origin = "http://good.example";
    assert_int_equal(np_page_serve(s2, &c2, &req, &resp, *state, NULL), 200);
    assert_string_equal(resp.cache_state, "miss");
    assert_null(strstr(resp.body, "evil.example"));
    np_cache_release(resp.entry);
    /* The same origin on a third server is a shared hit, with its type. */
    s2 = np_test_site(*state, &c2, root);
    req.path = "/feed.atom";
    assert_int_equal(np_page_serve(s2, &c2, &req, &resp, *state, NULL), 200);
    np_cache_release(resp.entry);
    s2 = np_test_site(*state, &c2, root);
    assert_int_equal(np_page_serve(s2, &c2, &req, &resp, *state, NULL), 200);
    assert_string_equal(resp.cache_state, "shared-hit");
    assert_string_equal(resp.content_type, "application/atom+xml; charset=utf-8");
    np_cache_release(resp.entry);
}

/* The identity body of a response in coding enc. */
static void assert_decodes_to(const np_response *r, int enc, const char *body, apr_size_t len)
{
    np_buf b;
    np_buf_init(&b, len + 1);
    assert_true(np_encoding_decompress(enc, r->body, r->len, &b, len));
    assert_int_equal(b.len, len);
    assert_memory_equal(b.data, body, len);
    np_buf_free(&b);
}

/* A page asked for in gzip: the entry's form, made once and found again on a hit; a 404 is
 * compressed too, without an ETag; with the page cache off, a form of the response's own. */
static void test_encoded_responses(void **state)
{
    np_request req;
    np_response id, gz, again, nf;
    np_site_conf c2;
    np_site *s2;
    memset(&req, 0, sizeof(req));
    req.path = "/";
    req.mount = "/news";
    req.origin = "http://a.example";
    req.now = apr_time_now();
    assert_int_equal(np_page_serve(site, &conf, &req, &id, *state, NULL), 200);
    assert_int_equal(id.encoding, NP_ENC_IDENTITY);
    assert_true(id.negotiable);
    req.encoding = NP_ENC_GZIP;
    assert_int_equal(np_page_serve(site, &conf, &req, &gz, *state, NULL), 200);
    assert_int_equal(gz.encoding, NP_ENC_GZIP);
    assert_ptr_equal(gz.rep->owner, gz.entry);
    assert_string_not_equal(gz.etag, id.etag);
    assert_decodes_to(&gz, NP_ENC_GZIP, id.body, id.len);
    assert_int_equal(np_page_serve(site, &conf, &req, &again, *state, NULL), 200);
    assert_string_equal(again.cache_state, "hit");
    assert_ptr_equal(again.rep, gz.rep); /* made once */
    {
        /* Another request is making the br form: this one makes its own and does not wait. */
        np_response own;
        assert_true(np_cache_rep_claim(id.entry, NP_ENC_BR));
        req.encoding = NP_ENC_BR;
        assert_int_equal(np_page_serve(site, &conf, &req, &own, *state, NULL), 200);
        assert_int_equal(own.encoding, NP_ENC_BR);
        assert_null(own.rep->owner);
        assert_decodes_to(&own, NP_ENC_BR, id.body, id.len);
        np_page_response_release(&own); /* frees the form (ASan) */
        assert_null(np_cache_rep_attach(NULL, id.entry, NP_ENC_BR, NULL));
        req.encoding = NP_ENC_GZIP;
    }
    req.path = "/no/such/page.html";
    assert_int_equal(np_page_serve(site, &conf, &req, &nf, *state, NULL), 404);
    assert_int_equal(nf.encoding, NP_ENC_GZIP);
    assert_null(nf.etag);
    np_page_response_release(&id);
    np_page_response_release(&gz);
    np_page_response_release(&again);
    np_page_response_release(&nf);

    np_site_conf_init(&c2);
    c2.content_dir = root;
    c2.cache = 0;
    np_site_conf_defaults(*state, &c2);
    c2.check_interval = 0;
    s2 = np_site_create(*state, &c2, NULL);
    assert_non_null(s2);
    req.path = "/";
    req.encoding = NP_ENC_BR;
    assert_int_equal(np_page_serve(s2, &c2, &req, &gz, *state, NULL), 200);
    assert_int_equal(gz.encoding, NP_ENC_BR);
    assert_null(gz.cache_state);
    assert_decodes_to(&gz, NP_ENC_BR, gz.entry->body, gz.entry->len);
    np_page_response_release(&gz); /* ASan: nothing left */
}

/* A server that gets a shared hit serves the forms in the record as they are: the br form is
 * replaced in the tier by one of another quality, and that is what the second server sends. */
static void test_shared_forms_not_remade(void **state)
{
    np_site_conf c2;
    np_site *s2;
    one_slot slot = {NULL, 0};
    np_shared_tier tier = {&slot, slot_get, slot_put};
    np_request req;
    np_response resp;
    np_shared_record rec;
    np_cache_rep *other;
    np_buf b;
    const char *key;
    int i, br = -1;
    s2 = np_test_site(*state, &c2, root);
    memset(&req, 0, sizeof(req));
    req.mount = "";
    req.now = apr_time_now();
    req.shared = &tier;
    req.path = "/desk/two.html";
    req.origin = "http://a.example";
    assert_int_equal(np_page_serve(s2, &c2, &req, &resp, *state, NULL), 200);
    np_page_response_release(&resp);
    /* The record holds both forms; the key is the one after the header. */
    assert_non_null(slot.data);
    key = slot.data + NP_SHARED_HEADER;
    {
        apr_size_t klen = (unsigned char)slot.data[4] | (apr_size_t)(unsigned char)slot.data[5]
                                                            << 8;
        assert_true(np_shared_decode(slot.data, slot.len, key, klen, &rec));
        assert_int_equal(rec.nreps, 2);
        for (i = 0; i < 2; i++)
            if (rec.reps[i].encoding == NP_ENC_BR)
                br = i;
        assert_true(br >= 0);
        other = np_page_compress(rec.body, rec.len, NP_ENC_BR, 1);
        assert_true(other->len != rec.reps[br].len ||
                    memcmp(other->data, rec.reps[br].data, other->len) != 0);
        rec.reps[br].data = other->data;
        rec.reps[br].len = other->len;
        np_buf_init(&b, slot.len + other->len);
        assert_true(np_shared_encode(&b, apr_pmemdup(*state, key, klen), klen, &rec));
        slot.data = apr_pmemdup(pool, b.data, b.len);
        slot.len = b.len;
        np_buf_free(&b);
    }
    s2 = np_test_site(*state, &c2, root);
    req.encoding = NP_ENC_BR;
    assert_int_equal(np_page_serve(s2, &c2, &req, &resp, *state, NULL), 200);
    assert_string_equal(resp.cache_state, "shared-hit");
    assert_int_equal(resp.encoding, NP_ENC_BR);
    assert_int_equal(resp.len, other->len);
    assert_memory_equal(resp.body, other->data, other->len);
    np_page_response_release(&resp);
    np_cache_rep_free(other);
}

/* A killed article: 410 at its URL with the notice, out of every list; killed before it could
 * be seen: 404, as for an article that never existed. */
static void test_killed(void **state)
{
    np_response resp;
    static const char *const lists[] = {"/", "/desk/", "/feed.atom", "/sitemap.xml",
                                        "/news-sitemap.xml"};
    size_t i;
    assert_int_equal(serve(*state, "/desk/killed.html", NULL, "http://a.example", &resp), 410);
    assert_non_null(resp.body);
    assert_non_null(strstr(apr_pstrndup(*state, resp.body, resp.len), "Article withdrawn"));
    assert_null(resp.etag);
    np_page_response_release(&resp);
    /* served again: still 410, not a cached page */
    assert_int_equal(status_of(*state, "/desk/killed.html"), 410);
    assert_int_equal(status_of(*state, "/killed.html"), 404); /* only at its own URL */
    assert_int_equal(status_of(*state, "/desk/killed-early.html"), 404);
    assert_int_equal(status_of(*state, "/desk/killed-early"), 404);
    assert_int_equal(status_of(*state, "/tags/killed-subject/"), 404);
    for (i = 0; i < sizeof(lists) / sizeof(lists[0]); i++) {
        int s = serve(*state, lists[i], NULL, "http://a.example", &resp);
        const char *body = apr_pstrndup(*state, resp.body, resp.len);
        if ((s != 200 && strcmp(lists[i], "/news-sitemap.xml") != 0) || strstr(body, "killed") ||
            strstr(body, "Killed"))
            fail_msg("%s: %d, or lists a killed article", lists[i], s);
        np_page_response_release(&resp);
    }
}

static const char *body_of(apr_pool_t *p, const char *path)
{
    np_response resp;
    const char *s;
    assert_int_equal(serve(p, path, NULL, "http://a.example", &resp), 200);
    s = apr_pstrndup(p, resp.body, resp.len);
    np_page_response_release(&resp);
    return s;
}

/* Corrections: dated notes on the page, escaped; the latest date is dateModified, the feed
 * entry's updated and the sitemap's lastmod. */
static void test_corrections(void **state)
{
    const char *page = body_of(*state, "/desk/fixed.html");
    const char *atom = body_of(*state, "/feed.atom");
    const char *map = body_of(*state, "/sitemap.xml");
    const char *one = body_of(*state, "/desk/one.html");
    assert_non_null(strstr(page, "<h2 id=\"corrections-title\">Corrections</h2>"));
    assert_non_null(strstr(page, "<li><time datetime=\"2026-01-09T10:00:00Z\">"));
    assert_non_null(strstr(page, "The &lt;date&gt; was wrong.</li>"));
    assert_non_null(strstr(page, "A name.</li>"));
    assert_non_null(strstr(page, "\"dateModified\":\"2026-01-09T10:00:00Z\""));
    assert_non_null(strstr(atom, "<title>Fixed</title>\n<link rel=\"alternate\" type=\"text/html\" "
                                 "href=\"http://a.example/news/desk/fixed.html\"/>\n"
                                 "<published>2026-01-05T00:00:00Z</published>\n"
                                 "<updated>2026-01-09T10:00:00Z</updated>"));
    assert_non_null(
        strstr(map, "<loc>http://a.example/news/desk/fixed.html</loc><lastmod>2026-01-09"));
    assert_null(strstr(one, "corrections"));
}

/* A previous URL answers 301 to the article's URL (encoded, query kept) while it is visible;
 * an embargoed article's old URL is 404; a live page keeps its own URL. */
static void test_previous_urls(void **state)
{
    np_response resp;
    assert_int_equal(serve(*state, "/desk/old-name.html", NULL, "http://a.example", &resp), 301);
    assert_string_equal(resp.location, "/news/desk/moved.html");
    assert_int_equal(
        serve(*state, "/gone-desk/caf\xc3\xa9 old.html", "a=1", "http://a.example", &resp), 301);
    assert_string_equal(resp.location, "/news/desk/moved.html?a=1");
    assert_int_equal(status_of(*state, "/desk/one.html"), 200); /* a live page wins */
    assert_int_equal(status_of(*state, "/desk/hidden-old.html"), 404);
    assert_int_equal(status_of(*state, "/desk/old-name.htm"), 404);
    assert_int_equal(status_of(*state, "/x"), 404); /* the ignored "http://evil.example/x" */
    assert_int_equal(status_of(*state, "http://evil.example/x"), 404);
}

/* Translations link to each other both ways (and to themselves), x-default is the site
 * language's one; an embargoed translation is not named; the sitemap carries the same pairs. */
static void test_translations(void **state)
{
    static const char *const pages[] = {"/desk/bridge.html", "/desk/bridge-zh.html"};
    const char *map = body_of(*state, "/sitemap.xml");
    size_t i;
    for (i = 0; i < 2; i++) {
        const char *page = body_of(*state, pages[i]);
        assert_non_null(strstr(page, "<link rel=\"alternate\" hreflang=\"zh-CN\" "
                                     "href=\"http://a.example/news/desk/bridge-zh.html\">\n"
                                     "  <link rel=\"alternate\" hreflang=\"en\" "
                                     "href=\"http://a.example/news/desk/bridge.html\">\n"
                                     "  <link rel=\"alternate\" hreflang=\"x-default\" "
                                     "href=\"http://a.example/news/desk/bridge.html\">"));
        assert_null(strstr(page, "bridge-fr"));
    }
    assert_non_null(strstr(body_of(*state, "/desk/bridge.html"),
                           "<p class=\"translations\">Read in <a "
                           "href=\"http://a.example/news/desk/bridge-zh.html\" hreflang=\"zh-CN\" "
                           "lang=\"zh-CN\">\xE4\xB8\xAD\xE6\x96\x87</a></p>"));
    assert_non_null(strstr(body_of(*state, "/desk/bridge-zh.html"),
                           "<p class=\"translations\">\xE9\x98\x85\xE8\xAF\xBB <a "
                           "href=\"http://a.example/news/desk/bridge.html\" hreflang=\"en\" "
                           "lang=\"en\">English</a></p>"));
    assert_non_null(strstr(map, "xmlns:xhtml=\"http://www.w3.org/1999/xhtml\""));
    assert_non_null(strstr(map,
                           "/news/desk/bridge.html</loc><lastmod>2026-01-07T00:00:00Z</lastmod>"
                           "<xhtml:link rel=\"alternate\" hreflang=\"zh-CN\" "
                           "href=\"http://a.example/news/desk/bridge-zh.html\"/>"
                           "<xhtml:link rel=\"alternate\" hreflang=\"en\" "
                           "href=\"http://a.example/news/desk/bridge.html\"/>"
                           "<xhtml:link rel=\"alternate\" hreflang=\"x-default\" "
                           "href=\"http://a.example/news/desk/bridge.html\"/></url>"));
    assert_null(strstr(body_of(*state, "/desk/one.html"), "hreflang"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        np_pool_test(test_pages_past_the_last),
        np_pool_test(test_huge_section_page_size),
        np_pool_test(test_hidden_tags_do_not_exist),
        np_pool_test(test_redirects_are_encoded),
        np_pool_test(test_origin_in_key),
        np_pool_test(test_shared_tier_colliding_ids),
        np_pool_test(test_encoded_responses),
        np_pool_test(test_shared_forms_not_remade),
        np_pool_test(test_killed),
        np_pool_test(test_corrections),
        np_pool_test(test_previous_urls),
        np_pool_test(test_translations),
    };
    int rc;
    np_test_root = np_test_begin();
    np_xml_init();
    rc = cmocka_run_group_tests(tests, setup_tree, teardown_tree);
    return np_test_end(np_test_root, rc);
}
