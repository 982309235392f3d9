/* Pages read from the content index are the pages read from a scan: a crawler follows every
 * link of a site served both ways and compares status, Location and body byte for byte. The
 * sites: the demo content, Apache::Test's main site and newsroom fixtures, and a tree with
 * drafts, embargoes, kills, corrections, previous URLs and translations. */
#include "np_test.h"

#include <stdio.h>
#include <sys/stat.h>

#include "np_cache.h"
#include "np_feed.h"
#include "np_index.h"
#include "np_page.h"

#define MAX_PAGES 4000

static apr_pool_t *pool;
static char tmp[64];

typedef struct {
    np_site_conf conf;
    np_site *site;
} side;

static int setup(void **state)
{
    (void)state;
    apr_pool_create(&pool, NULL);
    strcpy(tmp, "/tmp/np-store-XXXXXX");
    assert_non_null(mkdtemp(tmp));
    return 0;
}

static int teardown(void **state)
{
    char cmd[128];
    (void)state;
    apr_pool_destroy(pool);
    snprintf(cmd, sizeof(cmd), "rm -rf %s", tmp);
    assert_int_equal(system(cmd), 0);
    return 0;
}

static void build_index(const np_site_conf *c, const char *file)
{
    np_index_opts o;
    np_index_stats st;
    const char *err = NULL;
    np_index *idx;
    np_site_index_opts(c, NULL, &o);
    o.threads = 1;
    idx = np_index_open(pool, file, &o, 0, &err);
    if (!idx)
        fail_msg("%s", err);
    assert_int_equal(np_index_update(idx, &st, &err), APR_SUCCESS);
    np_index_close(idx);
}

static int serve(side *s, apr_pool_t *p, const char *path, apr_time_t now, np_response *resp)
{
    np_request req;
    const char *q = strchr(path, '?');
    memset(&req, 0, sizeof(req));
    req.path = q ? apr_pstrndup(p, path, (apr_size_t)(q - path)) : path;
    req.query = q ? q + 1 : NULL;
    req.mount = "/news";
    req.origin = "http://a.example";
    req.now = now;
    return np_page_serve(s->site, &s->conf, &req, resp, p, NULL);
}

/* Every href="/news/..." and <loc>http://a.example/news/...</loc> of body, decoded enough
 * for the router (the crawler stays on the site). */
static void links(apr_pool_t *p, const char *body, apr_size_t len, apr_array_header_t *queue,
                  apr_hash_t *seen)
{
    static const char *const marks[] = {"href=\"/news", "http://a.example/news"};
    int m;
    for (m = 0; m < 2; m++) {
        const char *at = body, *end = body + len;
        apr_size_t ml = strlen(marks[m]);
        while (at < end && (at = strstr(at, marks[m]))) {
            const char *s = at + ml, *e = s;
            char *u;
            apr_size_t i, o = 0;
            while (e < end && *e != '"' && *e != '<' && *e != ' ' && *e != '\n' && *e != '#')
                e++;
            u = apr_palloc(p, (apr_size_t)(e - s) + 2);
            for (i = 0; s + i < e; i++) {
                if (!strncmp(s + i, "&amp;", 5)) {
                    u[o++] = '&';
                    i += 4;
                } else if (s[i] == '%' && s + i + 2 < e) {
                    char hex[3] = {s[i + 1], s[i + 2], 0};
                    u[o++] = (char)strtol(hex, NULL, 16);
                    i += 2;
                } else {
                    u[o++] = s[i];
                }
            }
            u[o] = '\0';
            if (!*u)
                u = "/";
            if (*u == '/' && !apr_hash_get(seen, u, APR_HASH_KEY_STRING)) {
                apr_hash_set(seen, u, APR_HASH_KEY_STRING, u);
                APR_ARRAY_PUSH(queue, const char *) = u;
            }
            at = e;
        }
    }
}

/* Crawls both sides from start (and extra), comparing; returns the number of pages. */
static int crawl(side *scan, side *idx, const char *const *extra, apr_time_t now)
{
    apr_array_header_t *queue = apr_array_make(pool, 64, sizeof(const char *));
    apr_hash_t *seen = apr_hash_make(pool);
    int i, n = 0, k;
    APR_ARRAY_PUSH(queue, const char *) = "/";
    apr_hash_set(seen, "/", 1, "/");
    for (k = 0; extra && extra[k]; k++) {
        APR_ARRAY_PUSH(queue, const char *) = extra[k];
        apr_hash_set(seen, extra[k], APR_HASH_KEY_STRING, extra[k]);
    }
    for (i = 0; i < queue->nelts && n < MAX_PAGES; i++, n++) {
        const char *path = APR_ARRAY_IDX(queue, i, const char *);
        apr_pool_t *p;
        np_response a, b;
        int sa, sb;
        /* search exists only where there is an index (a scan answers 503): not compared */
        if (!strncmp(path, "/search", 7))
            continue;
        apr_pool_create(&p, pool);
        sa = serve(scan, p, path, now, &a);
        sb = serve(idx, p, path, now, &b);
        if (sa != sb)
            fail_msg("%s: %d from the scan, %d from the index", path, sa, sb);
        if ((a.location || b.location) &&
            (!a.location || !b.location || strcmp(a.location, b.location) != 0))
            fail_msg("%s: Location %s / %s", path, a.location ? a.location : "-",
                     b.location ? b.location : "-");
        if (a.len != b.len || memcmp(a.body, b.body, a.len) != 0) {
            apr_size_t j = 0;
            while (j < a.len && j < b.len && a.body[j] == b.body[j])
                j++;
            fail_msg("%s: bodies differ at byte %lu:\nscan:  %.200s\nindex: %.200s", path,
                     (unsigned long)j, a.body + (j > 60 ? j - 60 : 0),
                     b.body + (j > 60 ? j - 60 : 0));
        }
        if (sa == 200 && a.expires_at != b.expires_at)
            fail_msg("%s: next change %ld / %ld", path, (long)a.expires_at, (long)b.expires_at);
        if (sa == 200 || sa == 404 || sa == 410)
            links(pool, a.body, a.len, queue, seen);
        if (sa == 301 && a.location && !apr_hash_get(seen, a.location + 5, APR_HASH_KEY_STRING) &&
            !strncmp(a.location, "/news", 5)) {
            const char *to = apr_pstrdup(pool, *(a.location + 5) ? a.location + 5 : "/");
            apr_hash_set(seen, to, APR_HASH_KEY_STRING, to);
            APR_ARRAY_PUSH(queue, const char *) = to;
        }
        np_page_response_release(&a);
        np_page_response_release(&b);
        apr_pool_destroy(p);
    }
    return n;
}

static void both(const char *dir, const char *name, side *scan, side *idx, int cache)
{
    np_test_site(pool, &scan->conf, dir);
    scan->conf.cache = cache;
    scan->site = np_site_create(pool, &scan->conf, NULL);
    np_test_site(pool, &idx->conf, dir);
    idx->conf.cache = cache;
    idx->conf.index_file = apr_psprintf(pool, "%s/%s.sqlite", tmp, name);
    build_index(&idx->conf, idx->conf.index_file);
    idx->site = np_site_create(pool, &idx->conf, NULL);
    assert_non_null(scan->site);
    assert_non_null(idx->site);
}

static void compare_dir(const char *dir, const char *name, const char *const *extra, int min)
{
    side scan, idx;
    int n;
    both(dir, name, &scan, &idx, 0);
    n = crawl(&scan, &idx, extra, apr_time_now());
    print_message("%s: %d pages the same from the scan and from the index\n", name, n);
    if (n < min)
        fail_msg("%s: only %d pages crawled", dir, n);
    /* and once more with the page cache on: hits from the index are the same pages */
    both(dir, name, &scan, &idx, 1);
    crawl(&scan, &idx, extra, apr_time_now());
    crawl(&scan, &idx, extra, apr_time_now());
}

static void test_demo_site(void **state)
{
    static const char *const extra[] = {"/no-such-page.html", "/sitemap.xml", "/robots.txt",
                                        "/news-sitemap.xml", NULL};
    (void)state;
    compare_dir("conf/demo/content", "demo", extra, 30);
}

static void test_apache_fixtures(void **state)
{
    (void)state;
    compare_dir("t/content/site1", "site1", NULL, 20);
    compare_dir("t/content/newsroom", "newsroom", NULL, 10);
}

static void put(const char *root, const char *rel, const char *text)
{
    np_test_write(root, rel, text);
}

static void test_newsroom_day(void **state)
{
    static const char *const extra[] = {"/desk/killed.html",
                                        "/desk/killed-early.html",
                                        "/desk/old-name.html",
                                        "/desk/hidden-old.html",
                                        "/gone-desk/caf\xc3\xa9 old.html",
                                        "/tags/secret-subject/",
                                        "/tags/draft-subject/",
                                        "/desk/draft.html",
                                        NULL};
    char root[128];
    (void)state;
    snprintf(root, sizeof(root), "%s/day", tmp);
    mkdir(root, 0755);
    put(root, "desk/one.xml",
        "<article><title>One</title><published>2026-01-01</published>"
        "<tags><tag>Open Tag</tag></tags><body><p>1</p></body></article>");
    put(root, "desk/secret.xml",
        "<article><title>Secret</title><published>2999-01-01</published>"
        "<tags><tag>Secret Subject</tag></tags><body><p>s</p></body>"
        "</article>");
    put(root, "desk/draft.xml",
        "<article><title>Draft</title><published>2026-01-03</published>"
        "<status>draft</status><tags><tag>Draft Subject</tag></tags>"
        "<body><p>d</p></body></article>");
    put(root, "desk/killed.xml",
        "<article><title>Killed</title><published>2026-01-04</published>"
        "<status>killed</status><body><p>k</p></body></article>");
    put(root, "desk/killed-early.xml",
        "<article><title>Killed Early</title>"
        "<published>2999-01-01</published><status>killed</status>"
        "<body><p>k</p></body></article>");
    put(root, "desk/fixed.xml",
        "<article><title>Fixed</title><published>2026-01-05</published>"
        "<correction date=\"2026-01-09T10:00:00Z\">The &lt;date&gt; was "
        "wrong.</correction><correction date=\"2026-01-07\">A name."
        "</correction><body><p>f</p></body></article>");
    put(root, "desk/moved.xml",
        "<article><title>Moved</title><published>2026-01-06</published>"
        "<previous-url>/desk/old-name.html</previous-url>"
        "<previous-url>/gone-desk/caf\xc3\xa9 old.html</previous-url>"
        "<body><p>m</p></body></article>");
    put(root, "desk/hidden-moved.xml",
        "<article><title>Hidden</title>"
        "<published>2999-01-06</published>"
        "<previous-url>/desk/hidden-old.html</previous-url>"
        "<body><p>h</p></body></article>");
    put(root, "desk/bridge.xml",
        "<article id=\"bridge-2026\" lang=\"en\"><title>Bridge</title>"
        "<published>2026-01-07</published><body><p>b</p></body>"
        "</article>");
    put(root, "desk/bridge-zh.xml",
        "<article lang=\"zh-CN\"><title>Qiao</title>"
        "<published>2026-01-08</published>"
        "<translation-of>bridge-2026</translation-of>"
        "<body><p>q</p></body></article>");
    put(root, "desk/bridge-fr.xml",
        "<article lang=\"fr\"><title>Pont</title>"
        "<published>2999-01-08</published>"
        "<translation-of>bridge-2026</translation-of>"
        "<body><p>p</p></body></article>");
    put(root, "desk/expiring.xml",
        "<article><title>Expiring</title>"
        "<published>2026-01-02</published>"
        "<expires>2999-06-01</expires><body><p>e</p></body></article>");
    put(root, "other/_section.xml",
        "<section><title>Other Desk</title><order>1</order>"
        "<page-size>2</page-size></section>");
    put(root, "other/a.xml",
        "<article><title>A</title><published>2026-02-01</published>"
        "<body><p>a</p></body></article>");
    put(root, "other/b.xml",
        "<article><title>B</title><published>2026-02-02</published>"
        "<body><p>b</p></body></article>");
    put(root, "other/c.xml",
        "<article><title>C</title><published>2026-02-03</published>"
        "<body><p>c</p></body></article>");
    put(root, "other/deep/d.xml",
        "<article><title>D</title><published>2026-02-04</published>"
        "<body><p>d</p></body></article>");
    compare_dir(root, "day", extra, 20);
}

/* A sitemap page rendered at now with max URLs per file, as np_page_serve would with that
 * limit: its status (NP_FEED_*), and the body in pool. */
static int sitemap_at(side *s, apr_time_t now, int page, int max, const char **body)
{
    np_site_view sv;
    np_view v;
    np_request req;
    np_feed_req rq;
    np_buf b;
    int rc;
    np_site_acquire(s->site, now, NULL, &sv);
    assert_non_null(sv.snap);
    assert_int_equal(np_site_view_begin(&sv, NULL), 0);
    memset(&req, 0, sizeof(req));
    req.path = "/sitemap.xml";
    req.mount = "/news";
    req.origin = "http://a.example";
    req.now = now;
    memset(&v, 0, sizeof(v));
    v.p = pool;
    v.conf = &s->conf;
    v.snap = sv.snap;
    v.req = &req;
    v.base = req.origin;
    v.now = now;
    v.idx = sv.idx;
    memset(&rq, 0, sizeof(rq));
    rq.kind = NP_ROUTE_SITEMAP;
    rq.page = page;
    rq.max_urls = max;
    np_buf_init_pool(&b, pool, 256);
    rc = np_feed_render(&v, &rq, &b, NULL, NULL);
    *body = apr_pstrmemdup(pool, b.data, b.len);
    np_site_release(&sv);
    return rc;
}

/* The greatest <lastmod> in text (ISO dates of one zone compare as strings), "" when none. */
static const char *newest_lastmod(const char *text)
{
    const char *best = "", *at = text;
    while ((at = strstr(at, "<lastmod>"))) {
        const char *end = strstr(at += 9, "</lastmod>");
        const char *d = apr_pstrndup(pool, at, (apr_size_t)(end - at));
        if (strcmp(d, best) > 0)
            best = d;
    }
    return best;
}

/* A sitemap index over several files: from the index, each file's <lastmod> is one pass over
 * the list in SQL; the files read the list a window at a time. Both the same as from a scan,
 * byte for byte, at instants on either side of embargoes and expiries; and each file's
 * <lastmod> in the index is the newest in that file. */
static void test_sitemap_files(void **state)
{
    static const char *const files[][2] = {
        {"desk/a1.xml", "<published>2026-01-01</published><updated>2026-03-01</updated>"},
        {"desk/a2.xml", "<published>2026-01-02</published>"},
        {"desk/a3.xml", "<published>2026-01-03</published><status>draft</status>"},
        {"desk/a4.xml", "<published>2026-01-04</published><expires>2026-02-01</expires>"},
        {"desk/a5.xml", "<published>2026-01-05</published><status>killed</status>"},
        {"other/b1.xml", "<published>2026-01-06</published><updated>2025-12-01</updated>"},
        {"other/b2.xml", "<published>2026-01-07</published>"},
        {"other/b3.xml", "<published>2999-01-01</published><updated>2999-01-05</updated>"},
        {"other/b4.xml", "<published>2026-01-08</published><expires>2999-06-01</expires>"},
        {"other/deep/r1.xml", "<published>2026-01-09</published><updated>2026-05-05</updated>"},
        {"other/deep/d1.xml", "<published>2026-01-10</published>"},
        {"desk/a6.xml", "<published>2026-01-11</published>"},
        {"desk/a7.xml", "<published>2026-01-12</published><updated>2026-01-20</updated>"},
        {"other/b5.xml", "<published>2999-02-01</published><expires>2999-03-01</expires>"},
    };
    /* now; inside b5's window (b3 out of embargo); after b4 and b5 expired */
    const apr_time_t at[] = {apr_time_now(), apr_time_from_sec(32472144000LL + 45 * 86400),
                             apr_time_from_sec(32472144000LL + 200 * 86400)};
    char root[128];
    side scan, idx;
    int i, k, page, max;
    (void)state;
    snprintf(root, sizeof(root), "%s/maps", tmp);
    mkdir(root, 0755);
    for (i = 0; i < (int)(sizeof(files) / sizeof(files[0])); i++)
        put(root, files[i][0],
            apr_psprintf(pool, "<article><title>T%d</title>%s<body><p>x</p></body></article>", i,
                         files[i][1]));
    both(root, "maps", &scan, &idx, 0);
    for (k = 0; k < 3; k++)
        for (max = 2; max <= 5; max++) {
            const char *index = NULL;
            int nfiles = 0;
            for (page = 1; page < 12; page++) {
                const char *a, *b, *loc;
                int ra = sitemap_at(&scan, at[k], page, max, &a);
                int rb = sitemap_at(&idx, at[k], page, max, &b);
                if (ra != rb || strcmp(a, b) != 0)
                    fail_msg("sitemap page %d of %d URLs at %d: %d from the scan, %d from the "
                             "index:\n%s\n%s",
                             page, max, k, ra, rb, a, b);
                if (page == 1) {
                    index = b;
                    for (loc = index; (loc = strstr(loc, "<sitemap><loc>")); loc++)
                        nfiles++;
                    assert_true(nfiles >= 3);
                } else if (rb == NP_FEED_OK) {
                    /* this file's entry in the index, and the newest date in the file */
                    const char *e =
                        strstr(index, apr_psprintf(pool, "/news/sitemap-%d.xml</loc>", page));
                    assert_non_null(e);
                    e = apr_pstrndup(pool, e, (apr_size_t)(strstr(e, "</sitemap>") - e));
                    if (strcmp(newest_lastmod(e), newest_lastmod(b)) != 0)
                        fail_msg("sitemap page %d of %d URLs at %d: %s in the index, %s in the "
                                 "file:\n%s\n%s",
                                 page, max, k, newest_lastmod(e), newest_lastmod(b), index, b);
                } else {
                    assert_int_equal(rb, NP_FEED_NO_PAGE);
                    assert_int_equal(page, nfiles + 2);
                    break;
                }
            }
        }
    /* a list longer than the files' window of 1,000 rows, many articles to a date (ties are
     * broken by path across windows), some hidden: files of 700 and 1,100. (No <updated>
     * here: from the index a section's own <lastmod> is that of its newest 20, docs/caching.md,
     * which an old article updated would tell apart.) */
    snprintf(root, sizeof(root), "%s/maps-many", tmp);
    mkdir(root, 0755);
    for (i = 0; i < 2300; i++)
        put(root, apr_psprintf(pool, "s%d/a%04d.xml", i % 3, i),
            apr_psprintf(pool,
                         "<article><title>M%d</title><published>%s-%02d</published>%s"
                         "<body><p>x</p></body></article>",
                         i, i % 83 == 0 ? "2999-01" : "2026-01", 1 + i % 7,
                         i % 97 == 0   ? "<status>draft</status>"
                         : i % 89 == 0 ? "<expires>2026-02-01</expires>"
                                       : ""));
    both(root, "maps-many", &scan, &idx, 0);
    for (max = 700; max <= 1100; max += 400)
        for (page = 1; page < 8; page++) {
            const char *a, *b;
            int ra = sitemap_at(&scan, at[0], page, max, &a);
            int rb = sitemap_at(&idx, at[0], page, max, &b);
            if (ra != rb || strcmp(a, b) != 0) {
                apr_size_t j = 0;
                while (a[j] && a[j] == b[j])
                    j++;
                fail_msg("many: sitemap page %d of %d URLs: %d from the scan, %d from the index, "
                         "bodies differ at byte %lu:\nscan:  %.300s\nindex: %.300s",
                         page, max, ra, rb, (unsigned long)j, a + (j > 100 ? j - 100 : 0),
                         b + (j > 100 ? j - 100 : 0));
            }
            if (rb == NP_FEED_NO_PAGE)
                break;
            assert_int_equal(rb, NP_FEED_OK);
        }
    assert_true(page > 4);

    snprintf(root, sizeof(root), "%s/maps", tmp);
    both(root, "maps", &scan, &idx, 0);
    /* what the ranges hold now: 4 sections and 9 articles in 5 files of 3 (pages 2 to 6); the
     * second file is the last section, a1 (its update date) and a2 */
    {
        const char *a;
        assert_int_equal(sitemap_at(&idx, at[0], 1, 3, &a), NP_FEED_OK);
        assert_non_null(strstr(a, "sitemap-6.xml</loc>"));
        assert_null(strstr(a, "sitemap-7.xml</loc>"));
        assert_int_equal(sitemap_at(&idx, at[0], 3, 3, &a), NP_FEED_OK);
        assert_non_null(strstr(a, "/news/desk/a1.html</loc><lastmod>2026-03-01"));
        assert_non_null(strstr(a, "/news/desk/a2.html"));
    }
}

/* The demo site on an index file named name in tmp, not built, and a request of its home page. */
static np_site *demo_site_on(np_site_conf *c, const char *name, np_request *req)
{
    np_site *s;
    np_test_site(pool, c, "conf/demo/content");
    c->index_file = apr_psprintf(pool, "%s/%s", tmp, name);
    s = np_site_create(pool, c, NULL);
    assert_non_null(s);
    memset(req, 0, sizeof(*req));
    req->path = "/";
    req->mount = "";
    req->now = apr_time_now();
    return s;
}

/* Before its first build has committed, an index answers 503 with a Retry-After, at once, and
 * the status page's figures are empty (not missing). */
static void test_unbuilt_index_is_503(void **state)
{
    np_site_conf c;
    np_site *s;
    np_request req;
    np_response resp;
    np_site_stats st;
    (void)state;
    s = demo_site_on(&c, "never-built.sqlite", &req);
    assert_int_equal(np_page_serve(s, &c, &req, &resp, pool, NULL), 503);
    assert_int_equal(resp.retry_after, 5);
    assert_non_null(strstr(resp.body, "indexed"));
    np_page_response_release(&resp);
    /* the status page's figures meanwhile: none, and an empty list of errors (not NULL) */
    memset(&st, 0xff, sizeof(st));
    np_site_get_stats(s, pool, &st);
    assert_int_equal(st.indexed, 1);
    assert_int_equal(st.articles, 0);
    assert_non_null(st.recent_errors);
    assert_int_equal(st.recent_errors->nelts, 0);
    /* built now: served, by the same site, without a restart */
    build_index(&c, c.index_file);
    assert_int_equal(np_page_serve(s, &c, &req, &resp, pool, NULL), 200);
    np_page_response_release(&resp);
    np_site_get_stats(s, pool, &st);
    assert_true(st.articles > 0);
    assert_non_null(st.recent_errors);
}

/* A child that first looked for the index before its file existed, then opened a handle on the
 * new, empty file: the first build renamed over it is served once the child looks at the file
 * again (200 ms), not the empty file its idle handle still reads. */
static void test_handle_before_first_build(void **state)
{
    np_site_conf c;
    np_site *s;
    np_request req;
    np_response resp;
    np_index_opts o;
    np_index_stats st;
    np_index *w;
    const char *err = NULL;
    (void)state;
    s = demo_site_on(&c, "renamed-first.sqlite", &req);
    /* no file yet */
    assert_int_equal(np_page_serve(s, &c, &req, &resp, pool, NULL), 503);
    np_page_response_release(&resp);
    /* the indexer makes the file; a request opens a handle on it, still empty */
    np_site_index_opts(&c, NULL, &o);
    o.threads = 1;
    w = np_index_open(pool, c.index_file, &o, 0, &err);
    assert_non_null(w);
    assert_int_equal(np_page_serve(s, &c, &req, &resp, pool, NULL), 503);
    np_page_response_release(&resp);
    /* the first build is renamed over it */
    assert_int_equal(np_index_update(w, &st, &err), APR_SUCCESS);
    assert_true(st.replaced);
    np_index_close(w);
    usleep(250000);
    req.now = apr_time_now();
    assert_int_equal(np_page_serve(s, &c, &req, &resp, pool, NULL), 200);
    np_page_response_release(&resp);
}

/* A cached page is answered without lookups while the index generation stays, and is checked
 * again (and changed) as soon as the index moves. */
static void test_cache_follows_the_index(void **state)
{
    np_site_conf c;
    np_site *site;
    np_request req;
    np_response resp;
    char root[128];
    apr_pool_t *p;
    (void)state;
    snprintf(root, sizeof(root), "%s/cached", tmp);
    mkdir(root, 0755);
    np_test_write(root, "desk/a.xml",
                  "<article><title>First title</title>"
                  "<published>2026-01-01</published><body><p>a</p></body>"
                  "</article>");
    np_test_write(root, "other/b.xml",
                  "<article><title>B</title><published>2026-01-02</published>"
                  "<body><p>b</p></body></article>");
    np_test_site(pool, &c, root);
    c.index_file = apr_psprintf(pool, "%s/cached.sqlite", tmp);
    build_index(&c, c.index_file);
    site = np_site_create(pool, &c, NULL);
    apr_pool_create(&p, pool);
    memset(&req, 0, sizeof(req));
    req.path = "/desk/a.html";
    req.mount = "";
    req.origin = "http://a.example";
    req.now = apr_time_now();
    assert_int_equal(np_page_serve(site, &c, &req, &resp, p, NULL), 200);
    assert_string_equal(resp.cache_state, "miss");
    np_page_response_release(&resp);
    assert_int_equal(np_page_serve(site, &c, &req, &resp, p, NULL), 200);
    assert_string_equal(resp.cache_state, "hit");
    np_page_response_release(&resp);
    /* an unrelated change moves the generation: checked once, still current, a hit */
    np_test_write(root, "other/b.xml",
                  "<article><title>B</title><published>2026-01-02</published>"
                  "<body><p>b</p></body></article>");
    build_index(&c, c.index_file);
    assert_int_equal(np_page_serve(site, &c, &req, &resp, p, NULL), 200);
    assert_string_equal(resp.cache_state, "hit");
    np_page_response_release(&resp);
    /* the article itself changes: rendered again at once */
    apr_sleep(apr_time_from_msec(20));
    np_test_write(root, "desk/a.xml",
                  "<article><title>Second title, longer</title>"
                  "<published>2026-01-01</published><body><p>a</p></body>"
                  "</article>");
    build_index(&c, c.index_file);
    assert_int_equal(np_page_serve(site, &c, &req, &resp, p, NULL), 200);
    assert_string_equal(resp.cache_state, "miss");
    assert_non_null(strstr(resp.body, "Second title, longer"));
    np_page_response_release(&resp);
    apr_pool_destroy(p);
}

static int status_at(np_site *site, np_site_conf *c, const char *path, const char **location)
{
    np_request req;
    np_response resp;
    int st;
    memset(&req, 0, sizeof(req));
    req.path = path;
    req.mount = "";
    req.origin = "http://a.example";
    req.now = apr_time_now();
    st = np_page_serve(site, c, &req, &resp, pool, NULL);
    *location = resp.location ? apr_pstrdup(pool, resp.location) : NULL;
    np_page_response_release(&resp);
    return st;
}

/* A file moved to another section keeps its id: its old address answers 301 where it is now,
 * without a <previous-url>, while it is visible, also after the index file is rebuilt. */
static void test_moved_article(void **state)
{
    np_site_conf c, c2;
    np_site *site;
    char root[128], from[256], to[256];
    const char *loc;
    (void)state;
    snprintf(root, sizeof(root), "%s/moves", tmp);
    mkdir(root, 0755);
    np_test_write(root, "desk/story.xml",
                  "<article id=\"story-42\"><title>Story</title>"
                  "<published>2026-01-01</published><body><p>s</p></body>"
                  "</article>");
    np_test_write(root, "desk/plain.xml",
                  "<article><title>Plain</title>"
                  "<published>2026-01-01</published><body><p>p</p></body>"
                  "</article>");
    np_test_write(root, "world/keep.xml",
                  "<article><title>Keep</title>"
                  "<published>2026-01-01</published><body><p>k</p></body>"
                  "</article>");
    np_test_site(pool, &c, root);
    c.index_file = apr_psprintf(pool, "%s/moves.sqlite", tmp);
    build_index(&c, c.index_file);
    site = np_site_create(pool, &c, NULL);
    assert_int_equal(status_at(site, &c, "/desk/story.html", &loc), 200);
    /* moved and renamed; the file without an id of its own moved too */
    snprintf(from, sizeof(from), "%s/desk/story.xml", root);
    snprintf(to, sizeof(to), "%s/world/the-story.xml", root);
    assert_int_equal(rename(from, to), 0);
    snprintf(from, sizeof(from), "%s/desk/plain.xml", root);
    snprintf(to, sizeof(to), "%s/world/plain.xml", root);
    assert_int_equal(rename(from, to), 0);
    build_index(&c, c.index_file);
    assert_int_equal(status_at(site, &c, "/desk/story.html", &loc), 301);
    assert_string_equal(loc, "/world/the-story.html");
    /* a defaulted id (the file name) is every such file's: no redirect on it */
    assert_int_equal(status_at(site, &c, "/desk/plain.html", &loc), 404);
    /* the old section is gone altogether: still found */
    assert_int_equal(status_at(site, &c, "/desk/", &loc), 404);
    /* the memory outlives a rebuild of the file (here: another language) */
    c2 = c;
    c2.language = "fr";
    build_index(&c2, c.index_file);
    site = np_site_create(pool, &c2, NULL);
    assert_int_equal(status_at(site, &c2, "/desk/story.html", &loc), 301);
    assert_string_equal(loc, "/world/the-story.html");
    /* not visible any more: the old address confirms nothing */
    np_test_write(root, "world/the-story.xml",
                  "<article id=\"story-42\"><title>Story</title>"
                  "<published>2026-01-01</published>"
                  "<status>draft</status><body><p>s</p></body>"
                  "</article>");
    build_index(&c2, c.index_file);
    assert_int_equal(status_at(site, &c2, "/desk/story.html", &loc), 404);
}

/* The body of path on site (cache off, so each request renders), in pool. */
static const char *body_at(np_site *site, np_site_conf *c, const char *path)
{
    np_request req;
    np_response resp;
    const char *body;
    memset(&req, 0, sizeof(req));
    req.path = path;
    req.mount = "";
    req.origin = "http://a.example";
    req.now = apr_time_now();
    assert_int_equal(np_page_serve(site, c, &req, &resp, pool, NULL), 200);
    body = apr_pstrndup(pool, resp.body, resp.len);
    np_page_response_release(&resp);
    return body;
}

/* A template edited in NewsPortalTemplates is what the next page shows, from a scan and from
 * the index alike; a request that began before keeps the theme it began with to its end. */
static void test_template_edit_is_live(void **state)
{
    char root[128], tpl[128];
    int indexed;
    (void)state;
    snprintf(root, sizeof(root), "%s/themed", tmp);
    snprintf(tpl, sizeof(tpl), "%s/themed-templates", tmp);
    mkdir(root, 0755);
    mkdir(tpl, 0755);
    np_test_write(root, "desk/a.xml",
                  "<article><title>Themed</title>"
                  "<published>2026-01-01</published><body><p>a</p></body>"
                  "</article>");
    for (indexed = 0; indexed < 2; indexed++) {
        np_site_conf c;
        np_site *site;
        np_site_view before, after;
        np_test_write(tpl, "article.mustache", "ONE {{article.title}}");
        np_test_site(pool, &c, root);
        c.templates_dir = tpl;
        c.cache = 0;
        if (indexed) {
            c.index_file = apr_psprintf(pool, "%s/themed.sqlite", tmp);
            build_index(&c, c.index_file);
        }
        site = np_site_create(pool, &c, NULL);
        assert_non_null(site);
        assert_string_equal(body_at(site, &c, "/desk/a.html"), "ONE Themed");
        np_site_acquire(site, apr_time_now(), NULL, &before);
        assert_non_null(before.theme);

        np_test_write(tpl, "article.mustache", "TWO, edited {{article.title}}");
        assert_string_equal(body_at(site, &c, "/desk/a.html"), "TWO, edited Themed");
        np_site_acquire(site, apr_time_now(), NULL, &after);
        assert_true(after.theme != before.theme);
        assert_true(after.theme->digest != before.theme->digest);
        /* the earlier request's theme is still whole */
        assert_non_null(np_tpl_get(before.theme->set, "article"));
        np_site_release(&before);
        np_site_release(&after);
        assert_string_equal(body_at(site, &c, "/desk/a.html"), "TWO, edited Themed");
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_demo_site),
        cmocka_unit_test(test_apache_fixtures),
        cmocka_unit_test(test_newsroom_day),
        cmocka_unit_test(test_sitemap_files),
        cmocka_unit_test(test_unbuilt_index_is_503),
        cmocka_unit_test(test_handle_before_first_build),
        cmocka_unit_test(test_cache_follows_the_index),
        cmocka_unit_test(test_moved_article),
        cmocka_unit_test(test_template_edit_is_live),
    };
    int rc;
    apr_initialize();
    np_xml_init();
    rc = cmocka_run_group_tests(tests, setup, teardown);
    apr_terminate();
    return rc;
}
