/* Unit tests of np_route: the default table, custom tables, pattern errors, path rejects,
 * and links that match back to the same route and values. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <apr_general.h>
#include <apr_strings.h>

#include "np_route.h"
#include "np_test.h"

static apr_pool_t *pool;

/* The decoding the server does before the router sees a path. */
static const char *decode(const char *s)
{
    char *out = apr_palloc(pool, strlen(s) + 1), *o = out;
    while (*s) {
        if (*s == '%' && s[1] && s[2]) {
            char hex[3] = {s[1], s[2], 0};
            *o++ = (char)strtol(hex, NULL, 16);
            s += 3;
        } else {
            *o++ = *s++;
        }
    }
    *o = '\0';
    return out;
}

static np_route_match match_ok(const np_routes *r, const char *path)
{
    np_route_match m;
    if (!np_routes_match(r, path, &m, pool))
        fail_msg("no match: '%s'", path);
    return m;
}

static void no_match(const np_routes *r, const char *path)
{
    np_route_match m;
    if (np_routes_match(r, path, &m, pool))
        fail_msg("matched: '%s' (route %d)", path, m.index);
}

static const char *url(const np_routes *r, np_route_kind kind, const char *section,
                       const char *slug, const char *tag, int page)
{
    np_route_params v;
    memset(&v, 0, sizeof(v));
    v.section = section;
    v.slug = slug;
    v.tag = tag;
    v.page = page;
    return np_routes_url(r, kind, &v, pool);
}

static void test_kinds(void **state)
{
    int k;
    for (k = NP_ROUTE_NONE + 1; k < NP_ROUTE_KINDS; k++)
        assert_int_equal(np_route_kind_parse(np_route_kind_name((np_route_kind)k)), k);
    assert_string_equal(np_route_kind_name(NP_ROUTE_NEWSSITEMAP), "newssitemap");
    assert_int_equal(np_route_kind_parse("Article"), NP_ROUTE_ARTICLE);
    assert_int_equal(np_route_kind_parse("blog"), NP_ROUTE_NONE);
    assert_int_equal(np_route_kind_parse(""), NP_ROUTE_NONE);
    assert_int_equal(np_route_kind_parse(NULL), NP_ROUTE_NONE);
    assert_null(np_route_kind_name(NP_ROUTE_NONE));
    assert_null(np_route_kind_name(NP_ROUTE_KINDS));
    (void)state;
}

static void test_default_table(void **state)
{
    static const char *patterns[] = {"/",
                                     "/page/{page}/",
                                     "/tags/{tag}/",
                                     "/tags/{tag}/page/{page}/",
                                     "/feed.atom",
                                     "/feed.rss",
                                     "/feed.json",
                                     "/sitemap.xml",
                                     "/news-sitemap.xml",
                                     "/robots.txt",
                                     "/{section*}/feed.atom",
                                     "/{section*}/feed.rss",
                                     "/{section*}/page/{page}/",
                                     "/{section*}/{slug}.html",
                                     "/{section*}/",
                                     "/sitemap-{page}.xml",
                                     "/search",
                                     "/search.json",
                                     "/opensearch.xml"};
    np_routes *r = np_routes_default(pool);
    int i;
    assert_int_equal(np_routes_count(r), 19);
    for (i = 0; i < 19; i++)
        assert_string_equal(np_routes_pattern(r, i), patterns[i]);
    assert_null(np_routes_pattern(r, 19));
    assert_null(np_routes_pattern(r, -1));
    (void)state;
}

static void test_default_match(void **state)
{
    struct {
        const char *path;
        int index;
        np_route_kind kind;
        const char *section, *slug, *tag;
        int page;
    } cases[] = {
        {"/", 0, NP_ROUTE_HOME, "", NULL, NULL, 0},
        {"/page/2/", 1, NP_ROUTE_HOME, "", NULL, NULL, 2},
        {"/page/1/", 1, NP_ROUTE_HOME, "", NULL, NULL, 1},
        {"/page/123456789/", 1, NP_ROUTE_HOME, "", NULL, NULL, 123456789},
        {"/tags/heritage/", 2, NP_ROUTE_TAG, "", NULL, "heritage", 0},
        {"/tags/非物质文化遗产/", 2, NP_ROUTE_TAG, "", NULL, "非物质文化遗产", 0},
        {"/tags/a b&c/", 2, NP_ROUTE_TAG, "", NULL, "a b&c", 0},
        {"/tags/UNESCO/page/3/", 3, NP_ROUTE_TAG, "", NULL, "UNESCO", 3},
        {"/feed.atom", 4, NP_ROUTE_FEED, "", NULL, NULL, 0},
        {"/feed.rss", 5, NP_ROUTE_RSS, "", NULL, NULL, 0},
        {"/feed.json", 6, NP_ROUTE_JSONFEED, "", NULL, NULL, 0},
        {"/sitemap.xml", 7, NP_ROUTE_SITEMAP, "", NULL, NULL, 0},
        {"/news-sitemap.xml", 8, NP_ROUTE_NEWSSITEMAP, "", NULL, NULL, 0},
        {"/robots.txt", 9, NP_ROUTE_ROBOTS, "", NULL, NULL, 0},
        {"/news/feed.atom", 10, NP_ROUTE_FEED, "news", NULL, NULL, 0},
        {"/news-and-events/ich-news/feed.rss", 11, NP_ROUTE_RSS, "news-and-events/ich-news", NULL,
         NULL, 0},
        {"/a/b/page/2/", 12, NP_ROUTE_SECTION, "a/b", NULL, NULL, 2},
        {"/a/b/c.html", 13, NP_ROUTE_ARTICLE, "a/b", "c", NULL, 0},
        {"/news-and-events/ich-news/sharing-good-practices.html", 13, NP_ROUTE_ARTICLE,
         "news-and-events/ich-news", "sharing-good-practices", NULL, 0},
        {"/a/v1.2_final.html", 13, NP_ROUTE_ARTICLE, "a", "v1.2_final", NULL, 0},
        {"/news-and-events/ich-news/", 14, NP_ROUTE_SECTION, "news-and-events/ich-news", NULL, NULL,
         0},
        {"/news/", 14, NP_ROUTE_SECTION, "news", NULL, NULL, 0},
        {"/sitemap-2.xml", 15, NP_ROUTE_SITEMAP, "", NULL, NULL, 2},
        /* backtracking over the section path */
        {"/page/page/2/", 12, NP_ROUTE_SECTION, "page", NULL, NULL, 2},
        {"/a/page/b/page/3/", 12, NP_ROUTE_SECTION, "a/page/b", NULL, NULL, 3},
        {"/tags/x/y/", 14, NP_ROUTE_SECTION, "tags/x/y", NULL, NULL, 0},
        {"/tags/page/", 2, NP_ROUTE_TAG, "", NULL, "page", 0},
        {"/a/feed.atom.html", 13, NP_ROUTE_ARTICLE, "a", "feed.atom", NULL, 0},
        {"/page/x/", 14, NP_ROUTE_SECTION, "page/x", NULL, NULL, 0},
        {"/a/b/page/", 14, NP_ROUTE_SECTION, "a/b/page", NULL, NULL, 0},
        /* not a page number, so a (probably missing) section: a 404 further on */
        {"/page/0/", 14, NP_ROUTE_SECTION, "page/0", NULL, NULL, 0},
        {"/page/01/", 14, NP_ROUTE_SECTION, "page/01", NULL, NULL, 0},
        {"/a/page/007/", 14, NP_ROUTE_SECTION, "a/page/007", NULL, NULL, 0},
        {"/page/1234567890/", 14, NP_ROUTE_SECTION, "page/1234567890", NULL, NULL, 0},
        {"/tags/", 14, NP_ROUTE_SECTION, "tags", NULL, NULL, 0},
        {"/feed.atom/", 14, NP_ROUTE_SECTION, "feed.atom", NULL, NULL, 0},
    };
    np_routes *r = np_routes_default(pool);
    size_t i;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        np_route_match m = match_ok(r, cases[i].path);
        if (m.index != cases[i].index || m.kind != cases[i].kind ||
            strcmp(m.v.section, cases[i].section) ||
            (cases[i].slug ? !m.v.slug || strcmp(m.v.slug, cases[i].slug) : !!m.v.slug) ||
            (cases[i].tag ? !m.v.tag || strcmp(m.v.tag, cases[i].tag) : !!m.v.tag) ||
            m.v.page != cases[i].page || m.v.yyyy || m.v.mm || m.v.dd || m.template)
            fail_msg("'%s': route %d kind %d section '%s' slug '%s' tag '%s' page %d",
                     cases[i].path, m.index, m.kind, m.v.section, m.v.slug ? m.v.slug : "-",
                     m.v.tag ? m.v.tag : "-", m.v.page);
    }
    (void)state;
}

static void test_default_no_match(void **state)
{
    static const char *paths[] = {
        "",
        "news/",
        "/a/b",    /* a section without its slash: the caller redirects */
        "/x.html", /* articles live in a section */
        "/page/-1/",
        "/tags//",
        "//",
        "/a//b/",
        "/a/b//",
        "/..",
        "/../",
        "/a/../b/",
        "/a/..b/",
        "/a/b..c.html",
        "/tags/../",
        "/./",
        "/a/./",
        "/a/.",
        "/_private/",
        "/.git/",
        "/a/_x.html",
        "/a/.html",
        "/a/-c.html",
        "/a b/",
        "/a/b c.html",
        "/a%2Fb/",
        "/新闻/",
        "/a/b.htm",
        "/tags/\xff/",
        "/tags/\xc0\xaf/",         /* overlong "/" */
        "/tags/\xe0\x80\xaf/",     /* overlong "/" */
        "/tags/\xed\xa0\x80/",     /* surrogate */
        "/tags/\xf4\x90\x80\x80/", /* past U+10FFFF */
        "/tags/\xe4\xb8/",         /* truncated */
        "/tags/\xe4\xb8",
        "/tags/\x80/",
        "/tags/a\x01/",
        "/tags/a\x7f/",
        "/tags/a\tb/",
        "/a\r\n/",
    };
    np_routes *r = np_routes_default(pool);
    np_route_match m;
    size_t i;
    for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
        no_match(r, paths[i]);
    assert_int_equal(np_routes_match(r, NULL, &m, pool), 0);

    assert_true(np_route_path_valid("/a/b/", 5));
    assert_true(np_route_path_valid("/tags/中文/", strlen("/tags/中文/")));
    assert_true(np_route_path_valid("/a.b/", 5));
    assert_false(np_route_path_valid("/a\0b/", 5)); /* NUL within the length */
    assert_false(np_route_path_valid("/", 0));
    assert_false(np_route_path_valid(NULL, 3));
    (void)state;
}

static void test_default_url(void **state)
{
    np_routes *r = np_routes_default(pool);
    np_route_params v;

    assert_string_equal(url(r, NP_ROUTE_HOME, NULL, NULL, NULL, 0), "/");
    assert_string_equal(url(r, NP_ROUTE_HOME, "", NULL, NULL, 1), "/");
    assert_string_equal(url(r, NP_ROUTE_HOME, NULL, NULL, NULL, 2), "/page/2/");
    assert_string_equal(url(r, NP_ROUTE_SECTION, "a/b", NULL, NULL, 0), "/a/b/");
    assert_string_equal(url(r, NP_ROUTE_SECTION, "a/b", NULL, NULL, 1), "/a/b/");
    assert_string_equal(url(r, NP_ROUTE_SECTION, "a/b", NULL, NULL, 3), "/a/b/page/3/");
    assert_null(url(r, NP_ROUTE_SECTION, "", NULL, NULL, 0)); /* the root is the home page */
    assert_string_equal(url(r, NP_ROUTE_ARTICLE, "news-and-events/ich-news", "sharing", NULL, 0),
                        "/news-and-events/ich-news/sharing.html");
    assert_null(url(r, NP_ROUTE_ARTICLE, NULL, "c", NULL, 0));
    assert_null(url(r, NP_ROUTE_ARTICLE, "a", NULL, NULL, 0));
    assert_string_equal(url(r, NP_ROUTE_TAG, NULL, NULL, "UNESCO", 0), "/tags/UNESCO/");
    assert_string_equal(url(r, NP_ROUTE_TAG, NULL, NULL, "UNESCO", 1), "/tags/UNESCO/");
    assert_string_equal(url(r, NP_ROUTE_TAG, NULL, NULL, "UNESCO", 4), "/tags/UNESCO/page/4/");
    assert_string_equal(url(r, NP_ROUTE_TAG, NULL, NULL, "非遗", 0), "/tags/%E9%9D%9E%E9%81%97/");
    assert_string_equal(url(r, NP_ROUTE_TAG, NULL, NULL, "a b&c?d#e%f+g", 0),
                        "/tags/a%20b%26c%3Fd%23e%25f%2Bg/");
    assert_string_equal(url(r, NP_ROUTE_TAG, NULL, NULL, "v1.2_x-y~z", 0), "/tags/v1.2_x-y~z/");
    assert_null(url(r, NP_ROUTE_TAG, NULL, NULL, "a/b", 0));
    assert_null(url(r, NP_ROUTE_TAG, NULL, NULL, "", 0));
    assert_null(url(r, NP_ROUTE_TAG, NULL, NULL, ".", 0));
    assert_null(url(r, NP_ROUTE_TAG, NULL, NULL, "..", 0));
    assert_null(url(r, NP_ROUTE_TAG, NULL, NULL, "a\x01", 0));
    assert_null(url(r, NP_ROUTE_TAG, NULL, NULL, "\xff", 0));
    assert_null(url(r, NP_ROUTE_TAG, NULL, NULL, NULL, 0));
    assert_string_equal(url(r, NP_ROUTE_FEED, NULL, NULL, NULL, 0), "/feed.atom");
    assert_string_equal(url(r, NP_ROUTE_FEED, "news", NULL, NULL, 0), "/news/feed.atom");
    assert_string_equal(url(r, NP_ROUTE_RSS, "", NULL, NULL, 0), "/feed.rss");
    assert_string_equal(url(r, NP_ROUTE_RSS, "a/b", NULL, NULL, 0), "/a/b/feed.rss");
    assert_string_equal(url(r, NP_ROUTE_JSONFEED, NULL, NULL, NULL, 0), "/feed.json");
    assert_null(url(r, NP_ROUTE_JSONFEED, "news", NULL, NULL, 0)); /* no such route */
    assert_null(url(r, NP_ROUTE_FEED, NULL, NULL, "x", 0));        /* no tag feeds */
    assert_null(url(r, NP_ROUTE_FEED, NULL, NULL, NULL, 2));       /* page unused */
    assert_string_equal(url(r, NP_ROUTE_SITEMAP, NULL, NULL, NULL, 0), "/sitemap.xml");
    assert_string_equal(url(r, NP_ROUTE_SITEMAP, NULL, NULL, NULL, 2), "/sitemap-2.xml");
    assert_string_equal(url(r, NP_ROUTE_NEWSSITEMAP, NULL, NULL, NULL, 0), "/news-sitemap.xml");
    assert_null(url(r, NP_ROUTE_NONE, NULL, NULL, NULL, 0));
    assert_null(url(r, NP_ROUTE_KINDS, NULL, NULL, NULL, 0));
    assert_null(url(r, NP_ROUTE_HOME, NULL, NULL, NULL, -1));
    assert_null(url(r, NP_ROUTE_HOME, NULL, NULL, NULL, 1000000000));
    /* values that could not be matched back */
    assert_null(url(r, NP_ROUTE_SECTION, "a/../b", NULL, NULL, 0));
    assert_null(url(r, NP_ROUTE_SECTION, "a//b", NULL, NULL, 0));
    assert_null(url(r, NP_ROUTE_SECTION, "/a", NULL, NULL, 0));
    assert_null(url(r, NP_ROUTE_SECTION, "a/", NULL, NULL, 0));
    assert_null(url(r, NP_ROUTE_SECTION, "_a", NULL, NULL, 0));
    assert_null(url(r, NP_ROUTE_ARTICLE, "a", "../x", NULL, 0));
    assert_null(url(r, NP_ROUTE_ARTICLE, "a", "", NULL, 0));
    assert_null(url(r, NP_ROUTE_ARTICLE, "a", "x..y", NULL, 0));

    /* an article's date is extra when the route has none */
    memset(&v, 0, sizeof(v));
    v.section = "a";
    v.slug = "c";
    v.yyyy = 2026;
    v.mm = 11;
    v.dd = 27;
    assert_string_equal(np_routes_url(r, NP_ROUTE_ARTICLE, &v, pool), "/a/c.html");
    /* but a section link with a date is not a section link */
    v.slug = NULL;
    assert_null(np_routes_url(r, NP_ROUTE_SECTION, &v, pool));
    v.mm = 13;
    assert_null(np_routes_url(r, NP_ROUTE_ARTICLE, &v, pool));
    (void)state;
}

/* url(match(x)) == x for every canonical path, and for random paths that match. */
static void test_round_trip(void **state)
{
    static const char *paths[] = {"/",
                                  "/page/2/",
                                  "/tags/heritage/",
                                  "/tags/非物质文化遗产/",
                                  "/tags/a b/page/7/",
                                  "/feed.atom",
                                  "/feed.rss",
                                  "/feed.json",
                                  "/sitemap.xml",
                                  "/news-sitemap.xml",
                                  "/news/feed.atom",
                                  "/a/b/c/feed.rss",
                                  "/a/b/page/2/",
                                  "/a/b/c.html",
                                  "/news-and-events/ich-news/",
                                  "/page/page/3/",
                                  "/page/x/"};
    static const char alphabet[] = "/ab.1-_p\xe4\xb8\xad{%";
    np_routes *r = np_routes_default(pool);
    size_t i;
    unsigned seed = 12345;
    int matched = 0;

    for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
        np_route_match m = match_ok(r, paths[i]);
        const char *u = np_routes_url(r, m.kind, &m.v, pool);
        if (!u || strcmp(decode(u), paths[i]))
            fail_msg("'%s' -> '%s'", paths[i], u ? u : "(null)");
    }
    for (i = 0; i < 30000; i++) {
        char path[24];
        size_t n = 1 + (seed = seed * 1103515245u + 12345u) % 12, k;
        np_route_match m;
        const char *u;
        path[0] = '/';
        for (k = 1; k < n; k++) {
            seed = seed * 1103515245u + 12345u;
            path[k] = alphabet[(seed >> 16) % (sizeof(alphabet) - 1)];
        }
        path[n] = '\0';
        if (!np_routes_match(r, path, &m, pool) || m.v.page == 1)
            continue;
        matched++;
        u = np_routes_url(r, m.kind, &m.v, pool);
        if (!u || strcmp(decode(u), path))
            fail_msg("'%s' -> '%s'", path, u ? u : "(null)");
    }
    assert_true(matched > 100);
    (void)state;
}

static void test_custom_table(void **state)
{
    np_routes *r = np_routes_create(pool);
    np_route_match m;
    np_route_params v;

    assert_null(np_routes_add(r, "/", "home", "front"));
    assert_null(np_routes_add(r, "/p/{page}", "home", NULL));
    assert_null(np_routes_add(r, "/{yyyy}/{mm}/{dd}/{slug}.html", "article", "story"));
    assert_null(np_routes_add(r, "/s/{section*}/", "section", NULL));
    assert_null(np_routes_add(r, "/s/{section*}/p{page}.html", "Section", NULL));
    assert_null(np_routes_add(r, "/t/{tag}", "tag", NULL));
    assert_null(np_routes_add(r, "/t/{tag}/feed.xml", "feed", NULL));
    assert_null(np_routes_add(r, "/新闻/{slug}", "article", NULL));
    assert_non_null(np_routes_add(r, "/x-{yyyy}{mm}", "article", NULL));
    assert_int_equal(np_routes_count(r), 8);

    m = match_ok(r, "/");
    assert_int_equal(m.kind, NP_ROUTE_HOME);
    assert_string_equal(m.template, "front");
    m = match_ok(r, "/p/3");
    assert_int_equal(m.index, 1);
    assert_int_equal(m.v.page, 3);
    assert_null(m.template);
    no_match(r, "/p/3/");

    m = match_ok(r, "/2026/11/27/hello.html");
    assert_int_equal(m.kind, NP_ROUTE_ARTICLE);
    assert_string_equal(m.template, "story");
    assert_int_equal(m.v.yyyy, 2026);
    assert_int_equal(m.v.mm, 11);
    assert_int_equal(m.v.dd, 27);
    assert_string_equal(m.v.slug, "hello");
    assert_string_equal(m.v.section, "");
    m = match_ok(r, "/2024/02/29/leap.html");
    assert_int_equal(m.v.dd, 29);
    no_match(r, "/2026/02/29/x.html");
    no_match(r, "/2026/04/31/x.html");
    no_match(r, "/2026/13/01/x.html");
    no_match(r, "/2026/00/01/x.html");
    no_match(r, "/2026/11/00/x.html");
    no_match(r, "/2026/1/27/x.html");
    no_match(r, "/26/11/27/x.html");
    no_match(r, "/0000/11/27/x.html");
    no_match(r, "/20266/11/27/x.html");

    m = match_ok(r, "/s/a/b/");
    assert_int_equal(m.kind, NP_ROUTE_SECTION);
    assert_string_equal(m.v.section, "a/b");
    m = match_ok(r, "/s/a/b/p3.html");
    assert_int_equal(m.index, 4);
    assert_string_equal(m.v.section, "a/b");
    assert_int_equal(m.v.page, 3);
    no_match(r, "/s/a/b/p.html");
    no_match(r, "/s/");
    m = match_ok(r, "/t/x");
    assert_int_equal(m.kind, NP_ROUTE_TAG);
    m = match_ok(r, "/t/x/feed.xml");
    assert_int_equal(m.kind, NP_ROUTE_FEED);
    assert_string_equal(m.v.tag, "x");
    no_match(r, "/t/x/");
    m = match_ok(r, "/新闻/hello");
    assert_int_equal(m.index, 7);
    assert_string_equal(m.v.slug, "hello");

    /* links: the first route of the kind that uses every value given */
    memset(&v, 0, sizeof(v));
    v.section = "a";
    v.slug = "hello";
    v.yyyy = 2026;
    v.mm = 11;
    v.dd = 7;
    assert_string_equal(np_routes_url(r, NP_ROUTE_ARTICLE, &v, pool), "/2026/11/07/hello.html");
    v.yyyy = v.mm = v.dd = 0;
    assert_string_equal(np_routes_url(r, NP_ROUTE_ARTICLE, &v, pool), "/%E6%96%B0%E9%97%BB/hello");
    assert_string_equal(url(r, NP_ROUTE_HOME, NULL, NULL, NULL, 1), "/");
    assert_string_equal(url(r, NP_ROUTE_HOME, NULL, NULL, NULL, 2), "/p/2");
    assert_string_equal(url(r, NP_ROUTE_SECTION, "a/b", NULL, NULL, 1), "/s/a/b/");
    assert_string_equal(url(r, NP_ROUTE_SECTION, "a/b", NULL, NULL, 2), "/s/a/b/p2.html");
    assert_string_equal(url(r, NP_ROUTE_FEED, NULL, NULL, "x y", 0), "/t/x%20y/feed.xml");
    assert_null(url(r, NP_ROUTE_FEED, NULL, NULL, NULL, 0));
    assert_null(url(r, NP_ROUTE_RSS, NULL, NULL, NULL, 0));

    /* page 1 falls back to a route with {page} when none can do without */
    r = np_routes_create(pool);
    assert_null(np_routes_add(r, "/sec/{section*}/{page}/", "section", NULL));
    assert_string_equal(url(r, NP_ROUTE_SECTION, "a", NULL, NULL, 1), "/sec/a/1/");
    assert_string_equal(url(r, NP_ROUTE_SECTION, "a", NULL, NULL, 2), "/sec/a/2/");
    assert_null(url(r, NP_ROUTE_SECTION, "a", NULL, NULL, 0));

    /* a deep section path */
    r = np_routes_default(pool);
    {
        char path[256] = "";
        int i;
        for (i = 0; i < 50; i++)
            strcat(path, "/s");
        strcat(path, "/x.html");
        m = match_ok(r, path);
        assert_int_equal(m.kind, NP_ROUTE_ARTICLE);
        assert_int_equal(strlen(m.v.section), 50 * 2 - 1);
        assert_string_equal(np_routes_url(r, m.kind, &m.v, pool), path);
    }
    (void)state;
}

static void test_add_errors(void **state)
{
    struct {
        const char *pattern, *kind, *tmpl, *expect;
    } cases[] = {
        {"/", "blog", NULL,
         "unknown route kind 'blog' (expected one of home, section, article, "
         "tag, feed, rss, jsonfeed, sitemap, newssitemap, robots, search, searchjson, opensearch)"},
        {"/", NULL, NULL, "unknown route kind"},
        {"x", "home", NULL, "must start with '/'"},
        {"", "home", NULL, "must start with '/'"},
        {NULL, "home", NULL, "must start with '/'"},
        {"/a//b", "home", NULL, "empty segment"},
        {"//", "home", NULL, "empty segment"},
        {"/{foo}/", "home", NULL,
         "unknown placeholder {foo} (expected one of {section*}, {slug}, "
         "{tag}, {page}, {yyyy}, {mm}, {dd})"},
        {"/{section}/", "section", NULL, "{section*}"},
        {"/{slug*}.html", "article", NULL, "only {section*} may span segments"},
        {"/x{section*}/", "section", NULL, "{section*} must be a whole segment"},
        {"/{section*}.d/", "section", NULL, "{section*} must be a whole segment"},
        {"/{slug}{tag}", "article", NULL, "one placeholder per segment"},
        {"/{slug", "article", NULL, "unclosed '{'"},
        {"/slug}", "article", NULL, "unexpected '}'"},
        {"/a}{slug}", "article", NULL, "unexpected"},
        {"/{sl{ug}", "article", NULL, "unexpected"},
        {"/{}/", "home", NULL, "empty placeholder"},
        {"/{section*}/{section*}/", "section", NULL, "{section*} appears twice"},
        {"/{page}/{page}/", "home", NULL, "{page} appears twice"},
        {"/{slug}.html", "home", NULL, "{slug} not allowed for kind home (allowed: {page})"},
        {"/{section*}/{page}/", "newssitemap", NULL,
         "not allowed for kind newssitemap (allowed: "
         "none)"},
        {"/{yyyy}/", "section", NULL, "{yyyy} not allowed for kind section"},
        {"/{section*}/", "article", NULL, "kind article needs {slug}"},
        {"/tags/", "tag", NULL, "kind tag needs {tag}"},
        {"/news/", "section", NULL, "kind section needs {section*}"},
        {"/a?b", "home", NULL, "character '?' is not allowed"},
        {"/a#b", "home", NULL, "character '#'"},
        {"/a%20b", "home", NULL, "character '%'"},
        {"/a b", "home", NULL, "a space is not allowed"},
        {"/a\x01", "home", NULL, "control character 0x01 is not allowed"},
        {"/../x", "home", NULL, "'..'"},
        {"/a..b", "home", NULL, "'..'"},
        {"/./x", "home", NULL, "'.' segment"},
        {"/\xff", "home", NULL, "invalid UTF-8"},
        {"/p{page}\xc0\xaf", "home", NULL, "invalid UTF-8"},
        {"/", "home", "../x", "template name '../x'"},
        {"/", "home", "", "template name ''"},
        {"/", "home", "a/b", "template name"},
    };
    np_routes *r = np_routes_create(pool);
    size_t i;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const char *err = np_routes_add(r, cases[i].pattern, cases[i].kind, cases[i].tmpl);
        if (!err || !strstr(err, cases[i].expect))
            fail_msg(
                "'%s' %s: got '%s', expected '%s'", cases[i].pattern ? cases[i].pattern : "(null)",
                cases[i].kind ? cases[i].kind : "(null)", err ? err : "(none)", cases[i].expect);
    }
    /* a failed add leaves the table as it was */
    assert_int_equal(np_routes_count(r), 0);
    assert_null(np_routes_add(r, "/", "HOME", "front-page.v2"));
    assert_int_equal(np_routes_count(r), 1);
    (void)state;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kinds),         cmocka_unit_test(test_default_table),
        cmocka_unit_test(test_default_match), cmocka_unit_test(test_default_no_match),
        cmocka_unit_test(test_default_url),   cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_custom_table),  cmocka_unit_test(test_add_errors),
    };
    pool = np_test_begin();
    return np_test_end(pool, cmocka_run_group_tests(tests, NULL, NULL));
}
