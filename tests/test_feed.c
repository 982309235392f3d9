/* Tests of np_feed: Atom, RSS and JSON Feed, sitemaps and the Google News sitemap, each parsed
 * back (libxml2, jansson) and checked value by value. Fixtures: tests/fixtures/feeds/, copied to
 * a temporary folder so file and folder times are known. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <apr_file_info.h>
#include <apr_file_io.h>
#include <apr_general.h>
#include <apr_strings.h>
#include <jansson.h>
#include <libxml/parser.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

#include "np_feed.h"
#include "np_xml.h"
#include "np_test.h"

#define FIX "tests/fixtures/feeds"
#define BASE "https://example.org"
#define MOUNT "/portal"
#define ABS BASE MOUNT

/* Seconds since the epoch. */
#define T_NOW 1796126400      /* 2026-12-01T12:00:00Z */
#define T_FILES 1767225600    /* 2026-01-01T00:00:00Z: every copied file and folder */
#define T_SHANGHAI 1796011200 /* 2026-11-30T04:00:00Z, the newest visible article */
#define T_EXPIRED 1796104800  /* 2026-12-01T06:00:00Z, when expired.xml expired */
#define T_FUTURE 1796428800   /* 2026-12-05T00:00:00Z, when future.xml appears */
#define T_RECENT 1795957200   /* 2026-11-29T13:00:00Z, now - 47 h */
#define T_OUTSIDE 1795950000  /* 2026-11-29T11:00:00Z, now - 49 h */

#define HOSTILE_TITLE "Break ]]> out </script><script>alert(\"x\")</script> & 'q' <!--"

static apr_pool_t *root_pool;
static const char *tmp_dir; /* copy of FIX */

typedef struct {
    apr_pool_t *p;
    np_snapshot *snap;
    np_site_conf conf;
    np_request req;
    np_view v;
    np_buf out;
    np_logger log;
    int warnings;
    const char *last_warning;
} fx;

/* ---- files ---- */

static void copy_tree(apr_pool_t *p, const char *from, const char *to)
{
    apr_dir_t *d;
    apr_finfo_t fi;
    assert_int_equal(apr_dir_make(to, APR_FPROT_OS_DEFAULT, p), APR_SUCCESS);
    assert_int_equal(apr_dir_open(&d, from, p), APR_SUCCESS);
    while (apr_dir_read(&fi, APR_FINFO_NAME | APR_FINFO_TYPE, d) == APR_SUCCESS) {
        const char *src = apr_pstrcat(p, from, "/", fi.name, NULL);
        const char *dst = apr_pstrcat(p, to, "/", fi.name, NULL);
        if (strcmp(fi.name, ".") == 0 || strcmp(fi.name, "..") == 0)
            continue;
        if (fi.filetype == APR_DIR)
            copy_tree(p, src, dst);
        else
            assert_int_equal(apr_file_copy(src, dst, APR_FPROT_FILE_SOURCE_PERMS, p), APR_SUCCESS);
    }
    apr_dir_close(d);
}

/* Sets every mtime below dir (dir included) to t, children first. */
static void set_times(apr_pool_t *p, const char *dir, apr_time_t t)
{
    apr_dir_t *d;
    apr_finfo_t fi;
    assert_int_equal(apr_dir_open(&d, dir, p), APR_SUCCESS);
    while (apr_dir_read(&fi, APR_FINFO_NAME | APR_FINFO_TYPE, d) == APR_SUCCESS) {
        const char *path = apr_pstrcat(p, dir, "/", fi.name, NULL);
        if (strcmp(fi.name, ".") == 0 || strcmp(fi.name, "..") == 0)
            continue;
        if (fi.filetype == APR_DIR)
            set_times(p, path, t);
        else
            assert_int_equal(apr_file_mtime_set(path, t, p), APR_SUCCESS);
    }
    apr_dir_close(d);
    assert_int_equal(apr_file_mtime_set(dir, t, p), APR_SUCCESS);
}

static void remove_tree(apr_pool_t *p, const char *dir)
{
    apr_dir_t *d;
    apr_finfo_t fi;
    if (apr_dir_open(&d, dir, p) != APR_SUCCESS)
        return;
    while (apr_dir_read(&fi, APR_FINFO_NAME | APR_FINFO_TYPE, d) == APR_SUCCESS) {
        const char *path = apr_pstrcat(p, dir, "/", fi.name, NULL);
        if (strcmp(fi.name, ".") == 0 || strcmp(fi.name, "..") == 0)
            continue;
        if (fi.filetype == APR_DIR)
            remove_tree(p, path);
        else
            apr_file_remove(path, p);
    }
    apr_dir_close(d);
    apr_dir_remove(dir, p);
}

static void write_file(apr_pool_t *p, const char *path, const char *text)
{
    apr_file_t *f;
    apr_size_t n = strlen(text);
    assert_int_equal(apr_file_open(&f, path,
                                   APR_FOPEN_WRITE | APR_FOPEN_CREATE | APR_FOPEN_TRUNCATE,
                                   APR_FPROT_OS_DEFAULT, p),
                     APR_SUCCESS);
    assert_int_equal(apr_file_write_full(f, text, n, NULL), APR_SUCCESS);
    apr_file_close(f);
}

/* ---- fixture ---- */

static void capture(void *baton, int level, const char *msg)
{
    fx *f = baton;
    if (level <= NP_LOG_WARNING) {
        f->warnings++;
        f->last_warning = apr_pstrdup(f->p, msg);
    }
}

static void scan(fx *f, const char *dir)
{
    np_content_opts o;
    if (f->snap)
        np_snapshot_release(f->snap);
    memset(&o, 0, sizeof(o));
    o.dir = dir;
    o.lang = f->conf.language;
    o.tz = np_tz_utc();
    o.log = &f->log;
    f->snap = np_content_scan(&o);
    assert_non_null(f->snap);
    assert_int_equal(f->snap->errors->nelts, 0);
    f->v.snap = f->snap;
}

static int setup(void **state)
{
    fx *f;
    apr_pool_t *p;
    apr_pool_create(&p, root_pool);
    f = apr_pcalloc(p, sizeof(*f));
    f->p = p;
    np_site_conf_init(&f->conf);
    np_site_conf_defaults(p, &f->conf);
    f->conf.site_name = "Example News";
    f->log.fn = capture;
    f->log.baton = f;
    f->log.max_level = NP_LOG_DEBUG;
    f->req.path = "/";
    f->req.mount = MOUNT;
    f->req.origin = "http://localhost:8080";
    f->req.now = apr_time_from_sec(T_NOW);
    f->v.p = p;
    f->v.conf = &f->conf;
    f->v.req = &f->req;
    f->v.base = BASE;
    f->v.now = f->req.now;
    f->v.log = &f->log;
    np_buf_init(&f->out, 4096);
    scan(f, tmp_dir);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fx *f = *state;
    np_snapshot_release(f->snap);
    np_buf_free(&f->out);
    apr_pool_destroy(f->p);
    return 0;
}

static const np_section *section(fx *f, const char *path)
{
    const np_section *s = np_content_section(f->snap, path);
    assert_non_null(s);
    return s;
}

static np_entry *entry(fx *f, const char *rel)
{
    np_entry *e = apr_hash_get(f->snap->by_path, apr_pstrcat(f->p, tmp_dir, "/", rel, NULL),
                               APR_HASH_KEY_STRING);
    assert_non_null(e);
    return e;
}

/* ---- parsing the output back ---- */

static apr_status_t free_doc(void *d)
{
    xmlFreeDoc(d);
    return APR_SUCCESS;
}

static apr_status_t free_json(void *j)
{
    json_decref(j);
    return APR_SUCCESS;
}

/* The output as a well-formed XML document (freed with the pool). */
static xmlDocPtr xml_of(fx *f)
{
    xmlDocPtr d = xmlReadMemory(f->out.data, (int)f->out.len, "out.xml", NULL, XML_PARSE_NONET);
    if (!d)
        fail_msg("not well-formed:\n%.*s", (int)f->out.len, f->out.data);
    apr_pool_cleanup_register(f->p, d, free_doc, apr_pool_cleanup_null);
    return d;
}

static json_t *json_of(fx *f)
{
    json_error_t err;
    json_t *j = json_loadb(f->out.data, f->out.len, 0, &err);
    if (!j)
        fail_msg("not JSON (%s at %d):\n%.*s", err.text, err.position, (int)f->out.len,
                 f->out.data);
    apr_pool_cleanup_register(f->p, j, free_json, apr_pool_cleanup_null);
    return j;
}

static xmlXPathObjectPtr eval(fx *f, xmlDocPtr d, const char *expr)
{
    xmlXPathContextPtr cx = xmlXPathNewContext(d);
    xmlXPathObjectPtr o;
    xmlXPathRegisterNs(cx, BAD_CAST "a", BAD_CAST "http://www.w3.org/2005/Atom");
    xmlXPathRegisterNs(cx, BAD_CAST "dc", BAD_CAST "http://purl.org/dc/elements/1.1/");
    xmlXPathRegisterNs(cx, BAD_CAST "s", BAD_CAST "http://www.sitemaps.org/schemas/sitemap/0.9");
    xmlXPathRegisterNs(cx, BAD_CAST "n", BAD_CAST "http://www.google.com/schemas/sitemap-news/0.9");
    o = xmlXPathEvalExpression(BAD_CAST expr, cx);
    xmlXPathFreeContext(cx);
    if (!o)
        fail_msg("bad XPath %s", expr);
    (void)f;
    return o;
}

/* string(expr) */
static const char *xs(fx *f, xmlDocPtr d, const char *expr)
{
    xmlXPathObjectPtr o = eval(f, d, apr_pstrcat(f->p, "string(", expr, ")", NULL));
    const char *s = apr_pstrdup(f->p, (const char *)o->stringval);
    xmlXPathFreeObject(o);
    return s;
}

/* count(expr) */
static int xn(fx *f, xmlDocPtr d, const char *expr)
{
    xmlXPathObjectPtr o = eval(f, d, apr_pstrcat(f->p, "count(", expr, ")", NULL));
    int n = (int)o->floatval;
    xmlXPathFreeObject(o);
    return n;
}

static const char *jstr(json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);
    return v && json_is_string(v) ? json_string_value(v) : NULL;
}

static np_feed_meta render(fx *f, np_route_kind kind, const np_section *sec, int page, int max)
{
    np_feed_req rq;
    np_feed_meta m;
    memset(&rq, 0, sizeof(rq));
    rq.kind = kind;
    rq.section = sec;
    rq.page = page;
    rq.max_urls = max;
    f->out.len = 0;
    assert_int_equal(np_feed_render(&f->v, &rq, &f->out, &m, &f->log), NP_FEED_OK);
    return m;
}

/* ---- feeds ---- */

static void test_atom_site(void **state)
{
    fx *f = *state;
    xmlDocPtr d;
    np_feed_meta m = render(f, NP_ROUTE_FEED, NULL, 0, 0);
    static const char *const titles[] = {"上海新闻", "Recent, 47 hours old",
                                         "Outside, 49 hours old", HOSTILE_TITLE, "An old story"};
    int i;

    assert_string_equal(m.content_type, "application/atom+xml; charset=utf-8");
    assert_string_equal(m.self_url, ABS "/feed.atom");
    assert_int_equal(m.items, 5);
    d = xml_of(f);
    assert_string_equal(xs(f, d, "namespace-uri(/*)"), "http://www.w3.org/2005/Atom");
    assert_string_equal(xs(f, d, "/a:feed/@xml:lang"), "en");
    assert_string_equal(xs(f, d, "/a:feed/a:title"), "Example News");
    assert_string_equal(xs(f, d, "/a:feed/a:subtitle"), "Everything on the site.");
    assert_string_equal(xs(f, d, "/a:feed/a:id"), ABS "/feed.atom");
    assert_string_equal(xs(f, d, "/a:feed/a:updated"), "2026-11-30T04:00:00Z");
    assert_string_equal(xs(f, d, "/a:feed/a:link[@rel='self']/@href"), ABS "/feed.atom");
    assert_string_equal(xs(f, d, "/a:feed/a:link[@rel='alternate']/@href"), ABS "/");
    assert_string_equal(xs(f, d, "/a:feed/a:author/a:name"), "Example News");

    /* Visible only, newest first: no draft, no future, no expired. */
    assert_int_equal(xn(f, d, "/a:feed/a:entry"), 5);
    for (i = 0; i < 5; i++)
        assert_string_equal(xs(f, d, apr_psprintf(f->p, "/a:feed/a:entry[%d]/a:title", i + 1)),
                            titles[i]);

    /* An explicit id is kept, a defaulted one is qualified by its section. */
    assert_string_equal(xs(f, d, "/a:feed/a:entry[1]/a:id"),
                        "tag:example.org,2026-11-30:world-0001");
    assert_string_equal(xs(f, d, "/a:feed/a:entry[2]/a:id"),
                        "tag:example.org,2026-11-29:news/recent");
    assert_string_equal(xs(f, d, "/a:feed/a:entry[1]/a:link[@rel='alternate']/@href"),
                        ABS "/news/world/shanghai.html");
    assert_string_equal(xs(f, d, "/a:feed/a:entry[1]/@xml:lang"), "zh-Hans");
    assert_string_equal(xs(f, d, "/a:feed/a:entry[1]/a:published"), "2026-11-30T04:00:00Z");
    assert_string_equal(xs(f, d, "/a:feed/a:entry[1]/a:updated"), "2026-11-30T04:00:00Z");
    assert_string_equal(xs(f, d, "/a:feed/a:entry[1]/a:author/a:name"), "王芳");

    /* updated from <updated>; authors and tags (once each, case-insensitively). */
    assert_string_equal(xs(f, d, "/a:feed/a:entry[5]/a:published"), "2026-11-01T08:00:00Z");
    assert_string_equal(xs(f, d, "/a:feed/a:entry[5]/a:updated"), "2026-11-02T08:00:00Z");
    assert_int_equal(xn(f, d, "/a:feed/a:entry[5]/a:author"), 2);
    assert_string_equal(xs(f, d, "/a:feed/a:entry[5]/a:author[2]/a:name"), "Anna Smith");
    assert_int_equal(xn(f, d, "/a:feed/a:entry[5]/a:category"), 2);
    assert_string_equal(xs(f, d, "/a:feed/a:entry[5]/a:category[1]/@term"), "heritage");
    assert_string_equal(xs(f, d, "/a:feed/a:entry[5]/a:category[2]/@term"), "UNESCO");
    assert_string_equal(xs(f, d, "/a:feed/a:entry[5]/a:summary"), "Old summary.");

    /* Full content: the sanitized body, as escaped HTML, with a base for relative links. */
    assert_string_equal(xs(f, d, "/a:feed/a:entry[5]/a:content/@type"), "html");
    assert_string_equal(xs(f, d, "/a:feed/a:entry[5]/a:content/@xml:base"),
                        ABS "/news/old-story.html");
    assert_non_null(strstr(xs(f, d, "/a:feed/a:entry[5]/a:content"),
                           "<p>Old body with <a href=\"more/other.html\">a link</a>.</p>"));
    assert_null(strstr(xs(f, d, "/a:feed/a:entry[5]/a:content"), "script"));
    assert_null(strstr(np_buf_cstr(&f->out), "<script"));
    assert_int_equal(f->warnings, 0);
}

static void test_atom_section(void **state)
{
    fx *f = *state;
    xmlDocPtr d;
    np_feed_meta m = render(f, NP_ROUTE_FEED, section(f, "news"), 0, 0);

    assert_string_equal(m.self_url, ABS "/news/feed.atom");
    d = xml_of(f);
    assert_string_equal(xs(f, d, "/a:feed/a:title"), "News \xE2\x80\x94 Example News");
    assert_string_equal(xs(f, d, "/a:feed/a:link[@rel='alternate']/@href"), ABS "/news/");
    /* The subsection's article is included; other sections' are not. */
    assert_int_equal(xn(f, d, "/a:feed/a:entry"), 4);
    assert_string_equal(xs(f, d, "/a:feed/a:entry[1]/a:title"), "上海新闻");
    assert_string_equal(xs(f, d, "/a:feed/a:entry[4]/a:title"), "An old story");
    assert_int_equal(xn(f, d, "/a:feed/a:entry[starts-with(a:title, 'Break')]"), 0);
}

static void test_empty_section(void **state)
{
    fx *f = *state;
    xmlDocPtr d;
    json_t *j;
    np_feed_meta m = render(f, NP_ROUTE_FEED, section(f, "empty"), 0, 0);

    assert_int_equal(m.items, 0);
    assert_int_equal(m.updated, apr_time_from_sec(T_FILES));
    d = xml_of(f);
    assert_int_equal(xn(f, d, "/a:feed/a:entry"), 0);
    assert_string_equal(xs(f, d, "/a:feed/a:updated"), "2026-01-01T00:00:00Z");
    assert_string_equal(xs(f, d, "/a:feed/a:title"), "Empty \xE2\x80\x94 Example News");

    render(f, NP_ROUTE_RSS, section(f, "empty"), 0, 0);
    d = xml_of(f);
    assert_int_equal(xn(f, d, "/rss/channel/item"), 0);
    assert_string_equal(xs(f, d, "/rss/channel/link"), ABS "/empty/");

    /* The default routes have no section JSON feed; the whole site's serves the check. */
    f->out.len = 0;
    assert_int_equal(np_feed_json(&f->v, section(f, "empty"), &f->out, &f->log), NP_FEED_NO_ROUTE);
    assert_int_equal(f->out.len, 0);
    np_routes_add(f->conf.routes, "/{section*}/feed.json", "jsonfeed", NULL);
    assert_int_equal(np_feed_json(&f->v, section(f, "empty"), &f->out, &f->log), NP_FEED_OK);
    j = json_of(f);
    assert_int_equal(json_array_size(json_object_get(j, "items")), 0);
    assert_string_equal(jstr(j, "feed_url"), ABS "/empty/feed.json");
}

static void test_rss(void **state)
{
    fx *f = *state;
    xmlDocPtr d;
    np_feed_meta m;
    const char *err = NULL;

    f->conf.tz = np_tz_load(f->p, "+08:00", &err);
    assert_non_null(f->conf.tz);
    m = render(f, NP_ROUTE_RSS, NULL, 0, 0);
    assert_string_equal(m.content_type, "application/rss+xml; charset=utf-8");
    assert_string_equal(m.self_url, ABS "/feed.rss");
    d = xml_of(f);
    assert_string_equal(xs(f, d, "/rss/@version"), "2.0");
    assert_string_equal(xs(f, d, "/rss/channel/title"), "Example News");
    assert_string_equal(xs(f, d, "/rss/channel/link"), ABS "/");
    assert_string_equal(xs(f, d, "/rss/channel/description"), "Everything on the site.");
    assert_string_equal(xs(f, d, "/rss/channel/language"), "en");
    assert_string_equal(xs(f, d, "/rss/channel/lastBuildDate"), "Mon, 30 Nov 2026 12:00:00 +0800");
    assert_string_equal(xs(f, d, "/rss/channel/a:link[@rel='self']/@href"), ABS "/feed.rss");
    assert_int_equal(xn(f, d, "/rss/channel/item"), 5);

    assert_string_equal(xs(f, d, "/rss/channel/item[1]/title"), "上海新闻");
    assert_string_equal(xs(f, d, "/rss/channel/item[1]/link"), ABS "/news/world/shanghai.html");
    assert_string_equal(xs(f, d, "/rss/channel/item[1]/guid"),
                        "tag:example.org,2026-11-30:world-0001");
    assert_string_equal(xs(f, d, "/rss/channel/item[1]/guid/@isPermaLink"), "false");
    assert_string_equal(xs(f, d, "/rss/channel/item[1]/pubDate"),
                        "Mon, 30 Nov 2026 12:00:00 +0800");
    assert_string_equal(xs(f, d, "/rss/channel/item[1]/dc:creator"), "王芳");
    assert_string_equal(xs(f, d, "/rss/channel/item[1]/category"), "上海");
    assert_non_null(
        strstr(xs(f, d, "/rss/channel/item[2]/description"), "<p>Recent first paragraph.</p>"));
    assert_non_null(
        strstr(xs(f, d, "/rss/channel/item[2]/description"), "<p>Recent second paragraph.</p>"));
    assert_int_equal(xn(f, d, "/rss/channel/item[5]/dc:creator"), 2);
    assert_int_equal(xn(f, d, "/rss/channel/item[5]/category"), 2);
    assert_int_equal(xn(f, d, "/rss/channel/item/author"), 0);
}

static void test_json(void **state)
{
    fx *f = *state;
    json_t *j, *items, *it;
    np_feed_meta m = render(f, NP_ROUTE_JSONFEED, NULL, 0, 0);

    assert_string_equal(m.content_type, "application/feed+json; charset=utf-8");
    j = json_of(f);
    assert_string_equal(jstr(j, "version"), "https://jsonfeed.org/version/1.1");
    assert_string_equal(jstr(j, "title"), "Example News");
    assert_string_equal(jstr(j, "home_page_url"), ABS "/");
    assert_string_equal(jstr(j, "feed_url"), ABS "/feed.json");
    assert_string_equal(jstr(j, "language"), "en");
    items = json_object_get(j, "items");
    assert_int_equal(json_array_size(items), 5);

    it = json_array_get(items, 0);
    assert_string_equal(jstr(it, "id"), "tag:example.org,2026-11-30:world-0001");
    assert_string_equal(jstr(it, "url"), ABS "/news/world/shanghai.html");
    assert_string_equal(jstr(it, "title"), "上海新闻");
    assert_string_equal(jstr(it, "summary"), "上海的消息。");
    assert_string_equal(jstr(it, "content_html"), "<p>上海的消息。</p>");
    assert_string_equal(jstr(it, "date_published"), "2026-11-30T04:00:00Z");
    assert_string_equal(jstr(it, "date_modified"), "2026-11-30T04:00:00Z");
    assert_string_equal(jstr(it, "language"), "zh-Hans");
    /* A relative image resolves against the article's URL, a rooted one against the base. */
    assert_string_equal(jstr(it, "image"), ABS "/news/world/img/shanghai.jpg");
    assert_string_equal(jstr(json_array_get(json_object_get(it, "authors"), 0), "name"), "王芳");
    assert_string_equal(json_string_value(json_array_get(json_object_get(it, "tags"), 0)), "上海");

    it = json_array_get(items, 4);
    assert_string_equal(jstr(it, "image"), BASE "/media/old.jpg");
    assert_string_equal(jstr(it, "date_modified"), "2026-11-02T08:00:00Z");
    assert_int_equal(json_array_size(json_object_get(it, "authors")), 2);
    assert_int_equal(json_array_size(json_object_get(it, "tags")), 2);
    assert_non_null(json_object_get(json_array_get(items, 1), "tags"));
}

static void test_summary_only(void **state)
{
    fx *f = *state;
    xmlDocPtr d;
    json_t *j, *it;

    f->conf.feed_full = 0;
    render(f, NP_ROUTE_FEED, NULL, 0, 0);
    d = xml_of(f);
    assert_int_equal(xn(f, d, "/a:feed/a:entry"), 5);
    assert_int_equal(xn(f, d, "//a:content"), 0);
    assert_string_equal(xs(f, d, "/a:feed/a:entry[5]/a:summary"), "Old summary.");
    /* Without <summary>, the start of the first paragraph. */
    assert_string_equal(xs(f, d, "/a:feed/a:entry[2]/a:summary"), "Recent first paragraph.");

    render(f, NP_ROUTE_RSS, NULL, 0, 0);
    d = xml_of(f);
    assert_string_equal(xs(f, d, "/rss/channel/item[5]/description"), "Old summary.");

    render(f, NP_ROUTE_JSONFEED, NULL, 0, 0);
    j = json_of(f);
    it = json_array_get(json_object_get(j, "items"), 4);
    assert_null(json_object_get(it, "content_html"));
    assert_string_equal(jstr(it, "content_text"), "Old summary.");
}

static void test_hostile(void **state)
{
    fx *f = *state;
    xmlDocPtr d;
    json_t *j, *it;
    np_entry *e = entry(f, "hostile/attack.xml");
    const np_section *hs = section(f, "hostile");

    assert_string_equal(e->a->title, HOSTILE_TITLE);
    render(f, NP_ROUTE_FEED, hs, 0, 0);
    d = xml_of(f);
    assert_string_equal(xs(f, d, "/a:feed/a:title"),
                        "Hostile \"<section>\" & ]]> \xE2\x80\x94 Example News");
    assert_string_equal(xs(f, d, "/a:feed/a:entry/a:title"), HOSTILE_TITLE);
    assert_string_equal(xs(f, d, "/a:feed/a:entry/a:summary"), e->a->summary);
    assert_string_equal(xs(f, d, "/a:feed/a:entry/a:author/a:name"), "Eve <eve@example.org>");
    assert_string_equal(xs(f, d, "/a:feed/a:entry/a:category/@term"), "<b>bold</b>");
    assert_null(strstr(xs(f, d, "/a:feed/a:entry/a:content"), "iframe"));
    assert_null(strstr(xs(f, d, "/a:feed/a:entry/a:content"), "onclick"));

    render(f, NP_ROUTE_RSS, hs, 0, 0);
    d = xml_of(f);
    assert_string_equal(xs(f, d, "/rss/channel/item/title"), HOSTILE_TITLE);
    assert_string_equal(xs(f, d, "/rss/channel/item/dc:creator"), "Eve <eve@example.org>");

    np_routes_add(f->conf.routes, "/{section*}/feed.json", "jsonfeed", NULL);
    render(f, NP_ROUTE_JSONFEED, hs, 0, 0);
    assert_null(strstr(np_buf_cstr(&f->out), "</script")); /* safe inside a <script> element too */
    j = json_of(f);
    it = json_array_get(json_object_get(j, "items"), 0);
    assert_string_equal(jstr(it, "title"), HOSTILE_TITLE);
    assert_string_equal(jstr(it, "summary"), e->a->summary);

    render(f, NP_ROUTE_NEWSSITEMAP, NULL, 0, 0);
    xml_of(f);
    render(f, NP_ROUTE_SITEMAP, NULL, 0, 0);
    xml_of(f);
}

/* Text that no parser of XML would produce: control characters, bytes that are not UTF-8,
 * an encoded surrogate, a noncharacter; and a site name from the configuration likewise. */
static void test_invalid_characters(void **state)
{
    fx *f = *state;
    xmlDocPtr d;
    json_t *j;
    np_entry *e = entry(f, "hostile/attack.xml");
    const np_section *hs = section(f, "hostile");
    static const char bad[] =
        "Ctl\x01\x1f|tab\t|\xff\xfe|\xed\xa0\x80|\xef\xbf\xbe|\xc3\xa9|\xe2\x82";
    static const char xml_want[] = "Ctl|tab\t|\xEF\xBF\xBD\xEF\xBF\xBD|\xEF\xBF\xBD\xEF\xBF\xBD"
                                   "\xEF\xBF\xBD||\xc3\xa9|\xEF\xBF\xBD\xEF\xBF\xBD";
    static const char json_want[] = "Ctl\x01\x1f|tab\t|\xEF\xBF\xBD\xEF\xBF\xBD|\xEF\xBF\xBD"
                                    "\xEF\xBF\xBD\xEF\xBF\xBD|\xef\xbf\xbe|\xc3\xa9|"
                                    "\xEF\xBF\xBD\xEF\xBF\xBD";

    e->a->title = bad;
    f->conf.site_name = "Site \x02<\xff>";
    f->conf.feed_full = 0;
    render(f, NP_ROUTE_FEED, hs, 0, 0);
    d = xml_of(f);
    assert_string_equal(xs(f, d, "/a:feed/a:entry/a:title"), xml_want);
    assert_string_equal(xs(f, d, "/a:feed/a:author/a:name"), "Site <\xEF\xBF\xBD>");

    render(f, NP_ROUTE_RSS, hs, 0, 0);
    d = xml_of(f);
    assert_string_equal(xs(f, d, "/rss/channel/item/title"), xml_want);

    render(f, NP_ROUTE_JSONFEED, NULL, 0, 0);
    j = json_of(f);
    assert_string_equal(jstr(json_array_get(json_object_get(j, "items"), 3), "title"), json_want);
    assert_string_equal(jstr(json_array_get(json_object_get(j, "authors"), 0), "name"),
                        "Site \x02<\xEF\xBF\xBD>");

    render(f, NP_ROUTE_SITEMAP, NULL, 0, 0);
    xml_of(f);
    entry(f, "news/world/shanghai.xml")->a->title = bad;
    render(f, NP_ROUTE_NEWSSITEMAP, NULL, 0, 0);
    d = xml_of(f);
    assert_string_equal(xs(f, d, "/s:urlset/s:url[1]/n:news/n:title"), xml_want);
    assert_string_equal(xs(f, d, "/s:urlset/s:url[1]/n:news/n:publication/n:name"),
                        "Site <\xEF\xBF\xBD>");
}

/* ---- validators ---- */

static void test_meta(void **state)
{
    fx *f = *state;
    np_feed_meta m = render(f, NP_ROUTE_FEED, NULL, 0, 0);

    assert_int_equal(m.updated, apr_time_from_sec(T_SHANGHAI));
    /* expired.xml left the feed after the newest article appeared: that is the last change. */
    assert_int_equal(m.last_modified, apr_time_from_sec(T_EXPIRED));
    assert_int_equal(m.next_change, apr_time_from_sec(T_FUTURE));

    m = render(f, NP_ROUTE_FEED, section(f, "hostile"), 0, 0);
    assert_int_equal(m.last_modified, apr_time_from_sec(1795860000)); /* 2026-11-28T10:00Z */
    assert_int_equal(m.next_change, 0);

    /* Editing a draft changes nothing visible but is still a change; so is a deletion. */
    assert_int_equal(apr_file_mtime_set(apr_pstrcat(f->p, tmp_dir, "/news/draft.xml", NULL),
                                        f->v.now - apr_time_from_sec(60), f->p),
                     APR_SUCCESS);
    assert_int_equal(apr_file_mtime_set(apr_pstrcat(f->p, tmp_dir, "/hostile", NULL),
                                        f->v.now - apr_time_from_sec(30), f->p),
                     APR_SUCCESS);
    scan(f, tmp_dir);
    m = render(f, NP_ROUTE_FEED, section(f, "news"), 0, 0);
    assert_int_equal(m.last_modified, f->v.now - apr_time_from_sec(60));
    m = render(f, NP_ROUTE_FEED, section(f, "hostile"), 0, 0);
    assert_int_equal(m.last_modified, f->v.now - apr_time_from_sec(30));
    m = render(f, NP_ROUTE_FEED, NULL, 0, 0);
    assert_int_equal(m.last_modified, f->v.now - apr_time_from_sec(30));
    /* Never in the future. */
    assert_int_equal(apr_file_mtime_set(apr_pstrcat(f->p, tmp_dir, "/news/draft.xml", NULL),
                                        f->v.now + apr_time_from_sec(600), f->p),
                     APR_SUCCESS);
    scan(f, tmp_dir);
    m = render(f, NP_ROUTE_SITEMAP, NULL, 0, 0);
    assert_int_equal(m.last_modified, f->v.now);
    set_times(f->p, tmp_dir, apr_time_from_sec(T_FILES));
}

/* ---- sitemaps ---- */

static const char *const site_urls[] = {
    ABS "/",
    ABS "/news/",
    ABS "/news/world/",
    ABS "/empty/",
    ABS "/hostile/",
    ABS "/news/old-story.html",
    ABS "/hostile/attack.html",
    ABS "/news/outside.html",
    ABS "/news/recent.html",
    ABS "/news/world/shanghai.html",
};
#define NURLS ((int)(sizeof(site_urls) / sizeof(site_urls[0])))

static void test_sitemap(void **state)
{
    fx *f = *state;
    xmlDocPtr d;
    np_feed_meta m;
    int i;

    f->out.len = 0;
    assert_int_equal(np_feed_sitemap(&f->v, 0, &f->out), NP_FEED_OK);
    d = xml_of(f);
    assert_string_equal(xs(f, d, "namespace-uri(/*)"),
                        "http://www.sitemaps.org/schemas/sitemap/0.9");
    assert_string_equal(xs(f, d, "local-name(/*)"), "urlset");
    assert_int_equal(xn(f, d, "/s:urlset/s:url"), NURLS);
    for (i = 0; i < NURLS; i++)
        assert_string_equal(xs(f, d, apr_psprintf(f->p, "/s:urlset/s:url[%d]/s:loc", i + 1)),
                            site_urls[i]);
    /* Sections: their newest visible article; none for an empty one; articles: updated or
     * else published. */
    assert_string_equal(xs(f, d, "/s:urlset/s:url[1]/s:lastmod"), "2026-11-30T04:00:00Z");
    assert_string_equal(xs(f, d, "/s:urlset/s:url[2]/s:lastmod"), "2026-11-30T04:00:00Z");
    assert_string_equal(xs(f, d, "/s:urlset/s:url[4]/s:lastmod"), "");
    assert_int_equal(xn(f, d, "/s:urlset/s:url[4]/s:lastmod"), 0);
    assert_string_equal(xs(f, d, "/s:urlset/s:url[5]/s:lastmod"), "2026-11-28T10:00:00Z");
    assert_string_equal(xs(f, d, "/s:urlset/s:url[6]/s:lastmod"), "2026-11-02T08:00:00Z");

    /* Page 1 is the same document; page 2 does not exist. */
    m = render(f, NP_ROUTE_SITEMAP, NULL, 1, 0);
    assert_int_equal(m.items, NURLS);
    assert_string_equal(m.self_url, ABS "/sitemap.xml");
    assert_string_equal(m.content_type, "application/xml; charset=utf-8");
    assert_int_equal(m.next_change, apr_time_from_sec(T_FUTURE));
    f->out.len = 0;
    assert_int_equal(np_feed_sitemap(&f->v, 2, &f->out), NP_FEED_NO_PAGE);
    assert_int_equal(f->out.len, 0);
}

static void test_sitemap_index(void **state)
{
    fx *f = *state;
    xmlDocPtr d;
    np_feed_req rq;
    np_feed_meta m;
    int i, page, seen = 0;

    /* A table without a sitemap route taking {page} cannot express page 2. */
    {
        np_routes *saved = f->conf.routes, *r = np_routes_create(f->p);
        assert_null(np_routes_add(r, "/", "home", NULL));
        assert_null(np_routes_add(r, "/sitemap.xml", "sitemap", NULL));
        assert_null(np_routes_add(r, "/{section*}/{slug}.html", "article", NULL));
        assert_null(np_routes_add(r, "/{section*}/", "section", NULL));
        f->conf.routes = r;
        memset(&rq, 0, sizeof(rq));
        rq.kind = NP_ROUTE_SITEMAP;
        rq.max_urls = 3;
        np_buf_puts(&f->out, "kept");
        assert_int_equal(np_feed_render(&f->v, &rq, &f->out, NULL, &f->log), NP_FEED_NO_ROUTE);
        assert_int_equal(f->out.len, 4);
        assert_int_equal(f->warnings, 1);
        f->conf.routes = saved;
    }

    /* The default table has /sitemap-{page}.xml. */
    m = render(f, NP_ROUTE_SITEMAP, NULL, 0, 3);
    assert_int_equal(m.items, 4);
    d = xml_of(f);
    assert_string_equal(xs(f, d, "local-name(/*)"), "sitemapindex");
    /* The four files, then the news sitemap, listed while it has entries. */
    assert_int_equal(xn(f, d, "/s:sitemapindex/s:sitemap"), 5);
    assert_string_equal(xs(f, d, "/s:sitemapindex/s:sitemap[5]/s:loc"), ABS "/news-sitemap.xml");
    for (i = 0; i < 4; i++)
        assert_string_equal(
            xs(f, d, apr_psprintf(f->p, "/s:sitemapindex/s:sitemap[%d]/s:loc", i + 1)),
            apr_psprintf(f->p, ABS "/sitemap-%d.xml", i + 2));
    /* Each file's lastmod is its newest URL's. */
    assert_string_equal(xs(f, d, "/s:sitemapindex/s:sitemap[1]/s:lastmod"), "2026-11-30T04:00:00Z");
    assert_string_equal(xs(f, d, "/s:sitemapindex/s:sitemap[2]/s:lastmod"), "2026-11-28T10:00:00Z");
    assert_string_equal(xs(f, d, "/s:sitemapindex/s:sitemap[3]/s:lastmod"), "2026-11-29T13:00:00Z");
    assert_string_equal(xs(f, d, "/s:sitemapindex/s:sitemap[4]/s:lastmod"), "2026-11-30T04:00:00Z");

    /* The files together hold every URL once, in order. */
    for (page = 2; page <= 5; page++) {
        m = render(f, NP_ROUTE_SITEMAP, NULL, page, 3);
        assert_string_equal(m.self_url, apr_psprintf(f->p, ABS "/sitemap-%d.xml", page));
        d = xml_of(f);
        assert_int_equal(xn(f, d, "/s:urlset/s:url"), page < 5 ? 3 : 1);
        for (i = 0; i < m.items; i++)
            assert_string_equal(xs(f, d, apr_psprintf(f->p, "/s:urlset/s:url[%d]/s:loc", i + 1)),
                                site_urls[seen++]);
    }
    assert_int_equal(seen, NURLS);
    rq.page = 6;
    f->out.len = 0;
    assert_int_equal(np_feed_render(&f->v, &rq, &f->out, NULL, &f->log), NP_FEED_NO_PAGE);
    assert_int_equal(f->out.len, 0);

    /* Exactly at the limit: no index. */
    m = render(f, NP_ROUTE_SITEMAP, NULL, 0, NURLS);
    assert_int_equal(m.items, NURLS);
    d = xml_of(f);
    assert_string_equal(xs(f, d, "local-name(/*)"), "urlset");
}

static void test_news_sitemap(void **state)
{
    fx *f = *state;
    xmlDocPtr d;
    np_feed_meta m;

    f->out.len = 0;
    assert_int_equal(np_feed_news_sitemap(&f->v, &f->out), NP_FEED_OK);
    d = xml_of(f);
    /* now - 47 h is in, now - 49 h is out. */
    assert_int_equal(xn(f, d, "/s:urlset/s:url"), 2);
    assert_string_equal(xs(f, d, "/s:urlset/s:url[1]/s:loc"), ABS "/news/world/shanghai.html");
    assert_string_equal(xs(f, d, "/s:urlset/s:url[1]/n:news/n:publication/n:name"), "Example News");
    assert_string_equal(xs(f, d, "/s:urlset/s:url[1]/n:news/n:publication/n:language"), "zh-cn");
    assert_string_equal(xs(f, d, "/s:urlset/s:url[1]/n:news/n:publication_date"),
                        "2026-11-30T04:00:00Z");
    assert_string_equal(xs(f, d, "/s:urlset/s:url[1]/n:news/n:title"), "上海新闻");
    assert_string_equal(xs(f, d, "/s:urlset/s:url[2]/s:loc"), ABS "/news/recent.html");
    assert_string_equal(xs(f, d, "/s:urlset/s:url[2]/n:news/n:publication/n:language"), "en");
    assert_string_equal(xs(f, d, "/s:urlset/s:url[2]/n:news/n:publication_date"),
                        "2026-11-29T13:00:00Z");
    assert_int_equal(xn(f, d, "//s:loc[.='" ABS "/news/outside.html']"), 0);

    m = render(f, NP_ROUTE_NEWSSITEMAP, NULL, 0, 0);
    assert_string_equal(m.self_url, ABS "/news-sitemap.xml");
    /* recent.xml leaves in an hour; outside.xml left an hour ago. */
    assert_int_equal(m.next_change, apr_time_from_sec(T_RECENT + 48 * 3600));
    assert_int_equal(m.last_modified, apr_time_from_sec(T_OUTSIDE + 48 * 3600));

    /* An hour later only the Chinese article is left. */
    f->v.now += apr_time_from_sec(3600);
    render(f, NP_ROUTE_NEWSSITEMAP, NULL, 0, 0);
    d = xml_of(f);
    assert_int_equal(xn(f, d, "/s:urlset/s:url"), 1);

    /* Three days later it would be an empty <urlset>, which the sitemaps.org schema refuses
     * (it needs one <url>): a 404, and the sitemap index no longer lists it. */
    f->v.now += apr_time_from_sec(3 * 86400);
    np_buf_puts(&f->out, "kept");
    f->out.len = 4;
    assert_int_equal(np_feed_news_sitemap(&f->v, &f->out), NP_FEED_NO_PAGE);
    assert_int_equal(f->out.len, 4);
    render(f, NP_ROUTE_SITEMAP, NULL, 0, 3);
    d = xml_of(f);
    assert_int_equal(xn(f, d, "/s:sitemapindex/s:sitemap"), 4);
    assert_int_equal(xn(f, d, "//s:loc[.='" ABS "/news-sitemap.xml']"), 0);
}

/* robots.txt names the sitemaps, the news sitemap only while it has entries; under a mount
 * other than the root it is a 404 (crawlers read it at the host's root only). */
static void test_robots(void **state)
{
    fx *f = *state;
    np_feed_req rq;
    np_feed_meta m;

    memset(&rq, 0, sizeof(rq));
    rq.kind = NP_ROUTE_ROBOTS;
    assert_int_equal(np_feed_render(&f->v, &rq, &f->out, &m, &f->log), NP_FEED_NO_PAGE);
    assert_int_equal(f->out.len, 0);

    f->req.mount = "";
    m = render(f, NP_ROUTE_ROBOTS, NULL, 0, 0);
    assert_string_equal(m.content_type, "text/plain; charset=utf-8");
    assert_string_equal(m.self_url, BASE "/robots.txt");
    np_buf_putc(&f->out, '\0');
    assert_string_equal(f->out.data, "User-agent: *\nDisallow:\n\n"
                                     "Sitemap: " BASE "/sitemap.xml\n"
                                     "Sitemap: " BASE "/news-sitemap.xml\n");
    /* It changes by itself when the newest article leaves the news window. */
    assert_int_equal(m.next_change, apr_time_from_sec(T_SHANGHAI + 48 * 3600));

    f->v.now += apr_time_from_sec(7 * 86400); /* after future.xml (Dec 5) left the window too */
    render(f, NP_ROUTE_ROBOTS, NULL, 0, 0);
    np_buf_putc(&f->out, '\0');
    assert_string_equal(f->out.data, "User-agent: *\nDisallow:\n\nSitemap: " BASE "/sitemap.xml\n");
}

/* ---- routes and failures ---- */

static void test_no_route(void **state)
{
    fx *f = *state;
    np_routes *r = np_routes_create(f->p);

    assert_null(np_routes_add(r, "/", "home", NULL));
    assert_null(np_routes_add(r, "/feed.atom", "feed", NULL));
    f->conf.routes = r;
    /* No article route: no entry has a URL, so each is left out (logged once), and the feed
     * stands, empty. No RSS route: the feed itself has no URL. */
    assert_int_equal(np_feed_atom(&f->v, NULL, &f->out, &f->log), NP_FEED_OK);
    assert_int_equal(xn(f, xml_of(f), "/a:feed/a:entry"), 0);
    assert_int_equal(f->warnings, 5); /* the five visible articles */
    assert_non_null(strstr(f->last_warning, "no article route can express its URL"));
    f->out.len = 0;
    np_buf_puts(&f->out, "kept");
    assert_int_equal(np_feed_rss(&f->v, NULL, &f->out, &f->log), NP_FEED_NO_ROUTE);
    assert_int_equal(np_feed_news_sitemap(&f->v, &f->out), NP_FEED_NO_ROUTE);
    assert_int_equal(f->out.len, 4);
    /* ... but an empty one needs no article URL. */
    assert_null(np_routes_add(r, "/{section*}/feed.atom", "feed", NULL));
    f->out.len = 0;
    assert_int_equal(np_feed_atom(&f->v, section(f, "empty"), &f->out, &f->log), NP_FEED_OK);
    assert_int_equal(xn(f, xml_of(f), "/a:feed/a:entry"), 0);

    /* A sitemap leaves out what no route can express (sections and articles here). */
    assert_null(np_routes_add(r, "/sitemap.xml", "sitemap", NULL));
    f->out.len = 0;
    assert_int_equal(np_feed_sitemap(&f->v, 0, &f->out), NP_FEED_OK);
    {
        xmlDocPtr d = xml_of(f);
        assert_int_equal(xn(f, d, "/s:urlset/s:url"), 1);
        assert_string_equal(xs(f, d, "/s:urlset/s:url/s:loc"), ABS "/");
    }
    f->out.len = 0;
    assert_int_equal(
        np_feed_render(&f->v, &(np_feed_req){.kind = NP_ROUTE_HOME}, &f->out, NULL, &f->log),
        NP_FEED_NO_ROUTE);
}

/* An article in the content root, where the default routes (every article route has
 * {section*}) cannot name it, is left out of every feed and sitemap with one log line per
 * snapshot, however many requests: the feeds still answer. */
static void test_unroutable_article(void **state)
{
    fx *f = *state;
    const char *dir = apr_pstrcat(f->p, tmp_dir, "-root", NULL);
    static const np_route_kind kinds[] = {NP_ROUTE_FEED, NP_ROUTE_RSS, NP_ROUTE_JSONFEED,
                                          NP_ROUTE_SITEMAP, NP_ROUTE_NEWSSITEMAP};
    const np_entry *older, *newer;
    np_value *list;
    size_t k;
    int round;

    copy_tree(f->p, FIX, dir);
    write_file(f->p, apr_pstrcat(f->p, dir, "/at-root.xml", NULL),
               "<article><title>At the root</title><published>2026-12-01T11:00:00Z</published>"
               "<body><p>Nowhere.</p></body></article>");
    scan(f, dir);
    assert_null(np_view_article_url(
        &f->v, apr_hash_get(f->snap->by_path, apr_pstrcat(f->p, dir, "/at-root.xml", NULL),
                            APR_HASH_KEY_STRING)));
    for (round = 0; round < 3; round++)
        for (k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
            render(f, kinds[k], NULL, 0, 0);
            assert_lacks(np_buf_cstr(&f->out), "At the root");
            assert_lacks(np_buf_cstr(&f->out), "at-root");
        }
    render(f, NP_ROUTE_FEED, NULL, 0, 0);
    assert_int_equal(xn(f, xml_of(f), "/a:feed/a:entry"), 5);
    assert_int_equal(f->warnings, 1);
    assert_non_null(strstr(f->last_warning, "/at-root.xml: no article route can express its URL"));

    /* Lists and neighbours skip it too. */
    list = np_view_entries(&f->v, f->snap->all, f->snap->nall, "en");
    assert_int_equal(list->u.list.n, f->snap->nall - 1);
    np_view_neighbours(&f->v, f->snap->root->own[0], &older, &newer);
    assert_int_equal(f->warnings, 1);
    remove_tree(f->p, dir);
}

static void test_broken_file(void **state)
{
    fx *f = *state;
    const char *dir = apr_pstrcat(f->p, tmp_dir, "-broken", NULL);
    xmlDocPtr d;

    copy_tree(f->p, FIX, dir);
    scan(f, dir);
    write_file(f->p, apr_pstrcat(f->p, dir, "/news/recent.xml", NULL), "<article><title>");
    render(f, NP_ROUTE_FEED, NULL, 0, 0);
    d = xml_of(f);
    assert_int_equal(xn(f, d, "/a:feed/a:entry"), 4);
    assert_int_equal(xn(f, d, "/a:feed/a:entry[a:title='Recent, 47 hours old']"), 0);
    assert_int_equal(f->warnings, 1);
    assert_non_null(strstr(f->last_warning, "/news/recent.xml:"));
    assert_non_null(strstr(f->last_warning, "left out of the feed"));

    /* A file turned draft since the scan: its body must not leak. */
    write_file(f->p, apr_pstrcat(f->p, dir, "/news/outside.xml", NULL),
               "<article><title>Outside</title><published>2026-11-29T11:00:00Z</published>"
               "<status>draft</status><body><p>Secret.</p></body></article>");
    render(f, NP_ROUTE_FEED, NULL, 0, 0);
    d = xml_of(f);
    assert_int_equal(xn(f, d, "/a:feed/a:entry"), 3);
    assert_null(strstr(np_buf_cstr(&f->out), "Secret"));

    /* Summaries come from the snapshot: nothing is read. */
    f->conf.feed_full = 0;
    render(f, NP_ROUTE_FEED, NULL, 0, 0);
    d = xml_of(f);
    assert_int_equal(xn(f, d, "/a:feed/a:entry"), 5);
    remove_tree(f->p, dir);
}

static void test_tag_feed(void **state)
{
    fx *f = *state;
    np_feed_req rq;
    np_feed_meta m;
    xmlDocPtr d;

    memset(&rq, 0, sizeof(rq));
    rq.kind = NP_ROUTE_FEED;
    rq.tag = np_content_tag(f->snap, "heritage");
    assert_non_null(rq.tag);
    assert_int_equal(np_feed_render(&f->v, &rq, &f->out, NULL, &f->log), NP_FEED_NO_ROUTE);
    assert_int_equal(f->out.len, 0);
    assert_null(np_routes_add(f->conf.routes, "/tags/{tag}/feed.atom", "feed", NULL));
    assert_int_equal(np_feed_render(&f->v, &rq, &f->out, &m, &f->log), NP_FEED_OK);
    assert_string_equal(m.self_url, ABS "/tags/heritage/feed.atom");
    d = xml_of(f);
    assert_string_equal(xs(f, d, "/a:feed/a:title"), "heritage \xE2\x80\x94 Example News");
    assert_string_equal(xs(f, d, "/a:feed/a:link[@rel='alternate']/@href"), ABS "/tags/heritage/");
    assert_int_equal(xn(f, d, "/a:feed/a:entry"), 1);
    assert_string_equal(xs(f, d, "/a:feed/a:entry/a:title"), "An old story");
}

static void test_twenty_newest(void **state)
{
    fx *f = *state;
    const char *dir = apr_pstrcat(f->p, tmp_dir, "-bulk", NULL);
    xmlDocPtr d;
    json_t *j;
    int i;

    assert_int_equal(
        apr_dir_make_recursive(apr_pstrcat(f->p, dir, "/s", NULL), APR_FPROT_OS_DEFAULT, f->p),
        APR_SUCCESS);
    for (i = 1; i <= 25; i++)
        write_file(f->p, apr_psprintf(f->p, "%s/s/a%02d.xml", dir, i),
                   apr_psprintf(f->p,
                                "<article><title>Article %d</title>"
                                "<published>2026-11-01T10:%02d:00Z</published>"
                                "<body><p>Body %d.</p></body></article>",
                                i, i, i));
    scan(f, dir);
    render(f, NP_ROUTE_FEED, NULL, 0, 0);
    d = xml_of(f);
    assert_int_equal(xn(f, d, "/a:feed/a:entry"), NP_FEED_ITEMS);
    assert_string_equal(xs(f, d, "/a:feed/a:entry[1]/a:title"), "Article 25");
    assert_string_equal(xs(f, d, "/a:feed/a:entry[20]/a:title"), "Article 6");
    assert_string_equal(xs(f, d, "/a:feed/a:entry[20]/a:published"), "2026-11-01T10:06:00Z");

    render(f, NP_ROUTE_RSS, section(f, "s"), 0, 0);
    d = xml_of(f);
    assert_int_equal(xn(f, d, "/rss/channel/item"), NP_FEED_ITEMS);
    assert_string_equal(xs(f, d, "/rss/channel/item[1]/pubDate"),
                        "Sun, 01 Nov 2026 10:25:00 +0000");

    render(f, NP_ROUTE_JSONFEED, NULL, 0, 0);
    j = json_of(f);
    assert_int_equal(json_array_size(json_object_get(j, "items")), NP_FEED_ITEMS);
    remove_tree(f->p, dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_atom_site, setup, teardown),
        cmocka_unit_test_setup_teardown(test_atom_section, setup, teardown),
        cmocka_unit_test_setup_teardown(test_empty_section, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rss, setup, teardown),
        cmocka_unit_test_setup_teardown(test_json, setup, teardown),
        cmocka_unit_test_setup_teardown(test_summary_only, setup, teardown),
        cmocka_unit_test_setup_teardown(test_hostile, setup, teardown),
        cmocka_unit_test_setup_teardown(test_invalid_characters, setup, teardown),
        cmocka_unit_test_setup_teardown(test_meta, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sitemap, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sitemap_index, setup, teardown),
        cmocka_unit_test_setup_teardown(test_news_sitemap, setup, teardown),
        cmocka_unit_test_setup_teardown(test_robots, setup, teardown),
        cmocka_unit_test_setup_teardown(test_no_route, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unroutable_article, setup, teardown),
        cmocka_unit_test_setup_teardown(test_broken_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tag_feed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_twenty_newest, setup, teardown),
    };
    char tmpl[] = "/tmp/np-feed-XXXXXX";
    int rc;

    root_pool = np_test_begin();
    np_xml_init();
    if (!mkdtemp(tmpl)) {
        perror("mkdtemp");
        return 1;
    }
    tmp_dir = apr_pstrcat(root_pool, tmpl, "/site", NULL);
    copy_tree(root_pool, FIX, tmp_dir);
    set_times(root_pool, tmp_dir, apr_time_from_sec(T_FILES));
    rc = cmocka_run_group_tests(tests, NULL, NULL);
    remove_tree(root_pool, tmpl);
    return np_test_end(root_pool, rc);
}
