/* Full-text search over the content index: stemming, Chinese bigrams, phrases, section scope,
 * visibility at the caller's instant, hostile query text, snippets, caps and the step limit.
 * Fixtures: tests/fixtures/search/ (English and Chinese). */
#include "np_test.h"

#include <stdlib.h>

#include <jansson.h>

#include "np_index.h"
#include "np_search.h"
#include "np_search_view.h"
#include "np_template.h"

#define FIX "tests/fixtures/search"

static apr_pool_t *pool;
static np_index *idx;
static char dbfile[300], fixdir[4096];

/* 2026-06-01T00:00:00Z: after every fixture's date but the embargo (2030). */
#define JUNE_2026 apr_time_from_sec(1780272000)
#define EMBARGO apr_time_from_sec(1893456000) /* 2030-01-01T00:00:00Z */

static np_index *open_index(const char *dir, const char *file)
{
    np_index_opts o;
    np_index_stats st;
    const char *err = NULL;
    np_index *h;
    memset(&o, 0, sizeof(o));
    o.dir = dir;
    o.max_article_size = 1 << 20;
    o.threads = 1;
    h = np_index_open(pool, file, &o, 0, &err);
    assert_non_null(h);
    assert_int_equal(np_index_update(h, &st, &err), APR_SUCCESS);
    return h;
}

static int setup(void **state)
{
    char tmp[] = "/tmp/np-search-XXXXXX";
    (void)state;
    apr_pool_create(&pool, np_test_root);
    assert_non_null(realpath(FIX, fixdir));
    assert_non_null(mkdtemp(tmp));
    snprintf(dbfile, sizeof(dbfile), "%s/index.db", tmp);
    idx = open_index(fixdir, dbfile);
    return 0;
}

static int teardown(void **state)
{
    char cmd[400];
    (void)state;
    np_index_close(idx);
    snprintf(cmd, sizeof(cmd), "rm -rf '%.*s'", (int)(strrchr(dbfile, '/') - dbfile), dbfile);
    assert_int_equal(system(cmd), 0);
    apr_pool_destroy(pool);
    return 0;
}

typedef struct {
    const char *section;
    int sort, page, per_page, window;
    long steps;
    apr_time_t now;
} opts;

static np_search_result *run(apr_pool_t *p, const char *text, const opts *o)
{
    np_search_query q;
    np_search_result *r = apr_pcalloc(p, sizeof(*r));
    memset(&q, 0, sizeof(q));
    q.text = text;
    q.len = strlen(text);
    q.now = JUNE_2026;
    if (o) {
        q.section = o->section;
        q.sort = o->sort;
        q.page = o->page;
        q.per_page = o->per_page;
        q.window = o->window;
        q.steps = o->steps;
        if (o->now)
            q.now = o->now;
    }
    np_index_read_begin(idx);
    np_search_run(idx, p, &q, r);
    np_index_read_end(idx);
    return r;
}

/* The files found, in order, as "news/council.xml world/zh/stocks.xml". */
static const char *found(apr_pool_t *p, const np_search_result *r)
{
    const char *s = "";
    int i;
    assert_int_equal(r->status, 200);
    for (i = 0; i < r->n; i++)
        s = apr_pstrcat(p, s, i ? " " : "", r->hits[i].e->rel, NULL);
    return s;
}

/* The same, sorted: for results whose order is not the point. */
static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static const char *found_set(apr_pool_t *p, const np_search_result *r)
{
    const char **v = apr_pcalloc(p, sizeof(char *) * (apr_size_t)(r->n + 1));
    const char *s = "";
    int i;
    assert_int_equal(r->status, 200);
    for (i = 0; i < r->n; i++)
        v[i] = r->hits[i].e->rel;
    qsort(v, (size_t)r->n, sizeof(*v), cmp_str);
    for (i = 0; i < r->n; i++)
        s = apr_pstrcat(p, s, i ? " " : "", v[i], NULL);
    return s;
}

static void test_stemming(void **state)
{
    apr_pool_t *p = *state;
    /* "meetings" in one, "meeting" in the other: each form finds both */
    assert_string_equal(found_set(p, run(p, "meeting", NULL)), "news/council.xml news/harbour.xml");
    assert_string_equal(found_set(p, run(p, "Meetings", NULL)),
                        "news/council.xml news/harbour.xml");
    /* diacritics folded both ways */
    assert_string_equal(found(p, run(p, "cafe", NULL)), "news/harbour.xml");
    assert_string_equal(found(p, run(p, "CAFÉ", NULL)), "news/harbour.xml");
    /* authors and tags are searched too */
    assert_string_equal(found(p, run(p, "lima", NULL)), "news/council.xml");
    assert_string_equal(found(p, run(p, "town hall", NULL)), "news/council.xml");
}

static void test_chinese(void **state)
{
    apr_pool_t *p = *state;
    /* a two-character word: the article with 股市, not the one with 股东 and 市值 */
    assert_string_equal(found(p, run(p, "股市", NULL)), "world/zh/stocks.xml");
    assert_string_equal(found(p, run(p, "股市大跌", NULL)), "world/zh/stocks.xml");
    assert_string_equal(found(p, run(p, "担心", NULL)), "world/zh/stocks.xml");
    assert_string_equal(found(p, run(p, "新华社", NULL)), "world/zh/stocks.xml");
    /* one character: wherever it stands in a word, first or last */
    assert_string_equal(found_set(p, run(p, "股", NULL)),
                        "world/zh/shares.xml world/zh/stocks.xml");
    assert_string_equal(found_set(p, run(p, "值", NULL)), "world/zh/shares.xml");
    assert_string_equal(found_set(p, run(p, "东", NULL)), "world/zh/shares.xml");
    /* mixed text, found by either language; a tag in Chinese */
    assert_string_equal(found(p, run(p, "unesco", NULL)), "world/zh/heritage.xml");
    assert_string_equal(found(p, run(p, "文化遗产 UNESCO", NULL)), "world/zh/heritage.xml");
    assert_string_equal(found(p, run(p, "文化", NULL)), "world/zh/heritage.xml");
    /* nothing for a word that is not there, though its characters are */
    assert_string_equal(found(p, run(p, "东股", NULL)), "");
    {
        np_search_result *r = run(p, "股市", NULL);
        assert_non_null(strstr(r->hits[0].snippet, "<mark>股市</mark>"));
    }
}

static void test_phrase(void **state)
{
    apr_pool_t *p = *state;
    assert_string_equal(found(p, run(p, "\"river market\"", NULL)), "news/harbour.xml");
    /* the words apart are found in both */
    assert_string_equal(found_set(p, run(p, "river market", NULL)),
                        "news/harbour.xml news/market.xml");
    /* an unbalanced quote runs to the end */
    assert_string_equal(found(p, run(p, "harbour \"river market", NULL)), "news/harbour.xml");
    /* a phrase in Chinese across a run of bigrams */
    assert_string_equal(found(p, run(p, "“传统节日”", NULL)), "world/zh/heritage.xml");
}

static void test_section_scope(void **state)
{
    apr_pool_t *p = *state;
    opts o;
    np_search_result *r;
    memset(&o, 0, sizeof(o));
    assert_string_equal(found_set(p, run(p, "harbour", NULL)),
                        "news/council.xml news/harbour.xml news/market.xml world/harbours.xml");
    o.section = "world";
    assert_string_equal(found(p, run(p, "harbour", &o)), "world/harbours.xml");
    /* descendants are in scope */
    assert_string_equal(found(p, run(p, "股市", &o)), "world/zh/stocks.xml");
    o.section = "news";
    assert_string_equal(found(p, run(p, "股市", &o)), "");
    o.section = "nope";
    r = run(p, "harbour", &o);
    assert_int_equal(r->status, 400);
    assert_string_equal(r->message, "There is no such section.");
}

static void test_visibility(void **state)
{
    apr_pool_t *p = *state;
    opts o;
    memset(&o, 0, sizeof(o));
    /* a draft and a killed article never, whatever the time */
    o.now = apr_time_from_sec(4000000000LL);
    assert_string_equal(found(p, run(p, "zeppelin", &o)), "");
    assert_string_equal(found(p, run(p, "retracted", &o)), "");
    /* an embargo lifts at its instant */
    o.now = EMBARGO - 1;
    assert_string_equal(found(p, run(p, "quasar", &o)), "");
    o.now = EMBARGO;
    assert_string_equal(found(p, run(p, "quasar", &o)), "news/embargo.xml");
    /* an expired article is found until it expires */
    assert_string_equal(found(p, run(p, "obsolete", NULL)), "");
    o.now = apr_time_from_sec(1740787200); /* 2025-03-01 */
    assert_string_equal(found(p, run(p, "obsolete", &o)), "news/expired.xml");
}

static void test_order_and_pages(void **state)
{
    apr_pool_t *p = *state;
    opts o;
    np_search_result *r;
    memset(&o, 0, sizeof(o));
    o.sort = NP_SEARCH_DATE;
    assert_string_equal(found(p, run(p, "harbour", &o)),
                        "news/council.xml news/harbour.xml news/market.xml world/harbours.xml");
    /* relevance: the two with the word in the title first */
    o.sort = NP_SEARCH_RELEVANCE;
    r = run(p, "harbour", &o);
    assert_int_equal(r->n, 4);
    assert_true(strcmp(r->hits[0].e->rel, "news/harbour.xml") == 0 ||
                strcmp(r->hits[0].e->rel, "world/harbours.xml") == 0);
    assert_true(strcmp(r->hits[1].e->rel, "news/harbour.xml") == 0 ||
                strcmp(r->hits[1].e->rel, "world/harbours.xml") == 0);
    assert_false(r->more);
    assert_false(r->windowed);
    assert_int_equal(r->total, 4);
    /* pages */
    o.sort = NP_SEARCH_DATE;
    o.per_page = 1;
    o.page = 2;
    r = run(p, "harbour", &o);
    assert_string_equal(found(p, r), "news/harbour.xml");
    assert_int_equal(r->pages, 4);
    o.page = 5;
    r = run(p, "harbour", &o);
    assert_int_equal(r->status, 200);
    assert_int_equal(r->n, 0);
    /* a window of the two newest matches: counted as "more than 2", ranked among those */
    memset(&o, 0, sizeof(o));
    o.window = 2;
    r = run(p, "harbour", &o);
    assert_int_equal(r->total, 2);
    assert_true(r->more);
    assert_true(r->windowed);
    assert_string_equal(found_set(p, r), "news/council.xml news/harbour.xml");
    /* the step limit ends a search with what it found: never an error (three words: one word
     * in a full text written in key order takes fewer steps than the limit's first check) */
    memset(&o, 0, sizeof(o));
    o.steps = 1;
    r = run(p, "harbour OR council OR market", &o);
    assert_int_equal(r->status, 200);
    assert_true(r->interrupted);
    assert_true(r->more);
}

static void test_snippet_escaped(void **state)
{
    apr_pool_t *p = *state;
    np_search_result *r = run(p, "script", NULL);
    assert_int_equal(r->n, 1);
    assert_null(strstr(r->hits[0].snippet, "<script"));
    assert_non_null(strstr(r->hits[0].snippet, "&lt;<mark>script</mark>&gt;alert(1)"));
    assert_non_null(strstr(r->hits[0].snippet, "&amp; there"));
    r = run(p, "committee", NULL);
    assert_int_equal(r->n, 2);
    assert_non_null(strstr(r->hits[0].snippet, "<mark>committee</mark>"));
}

static void expect_expr(apr_pool_t *p, const char *text, const char *expr)
{
    np_search_parsed q;
    np_search_parse(p, text, strlen(text), &q);
    assert_int_equal(q.status, 200);
    if (!expr)
        assert_null(q.expr);
    else
        assert_string_equal(q.expr, expr);
}

static void expect_400(apr_pool_t *p, const char *text, apr_size_t len, const char *message)
{
    np_search_parsed q;
    np_search_parse(p, text, len, &q);
    assert_int_equal(q.status, 400);
    assert_string_equal(q.message, message);
    assert_null(q.expr);
}

static void test_parse_hostile(void **state)
{
    apr_pool_t *p = *state;
    char *big = apr_palloc(p, 600);
    int i;
    /* FTS5 syntax is plain words: every term is one quoted string */
    expect_expr(p, "NEAR(a b)", "\"NEAR(a\" \"b)\"");
    expect_expr(p, "title:harbour OR body:x", "\"title:harbour\" \"OR\" \"body:x\"");
    expect_expr(p, "harb* ^first (x AND y)", "\"harb*\" \"^first\" \"(x\" \"AND\" \"y)\"");
    expect_expr(p, "\"unbalanced phrase", "\"unbalanced phrase\"");
    expect_expr(p, "a\"\"b", "\"a\" \"b\"");
    expect_expr(p, "'; DROP TABLE articles; --", "\"DROP\" \"TABLE\" \"articles;\"");
    expect_expr(p, "<script>alert(1)</script>", "\"<script>alert(1)</script>\"");
    expect_expr(p, "*** !!! -- \"\"", NULL);
    expect_expr(p, "", NULL);
    /* one CJK character is a word like any other (the index has each character alone too) */
    expect_expr(p, "股", "\"股\"");
    expect_expr(p, "A股", "\"A股\"");
    expect_expr(p, "股市", "\"股市\"");
    /* terms and phrase words capped */
    expect_expr(p, "a b c d e f g h i j k", "\"a\" \"b\" \"c\" \"d\" \"e\" \"f\" \"g\" \"h\"");
    {
        np_search_parsed q;
        const char *t = "\"1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18\" x";
        np_search_parse(p, t, strlen(t), &q);
        assert_string_equal(q.expr, "\"1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16\" \"x\"");
    }
    /* bytes capped, invalid UTF-8 and NUL refused with a plain message */
    for (i = 0; i < 600; i++)
        big[i] = i % 2 ? ' ' : 'a';
    expect_400(p, big, 600, "The search text is too long (at most 512 bytes).");
    expect_400(p, "caf\xe9", 4, "The search text is not valid UTF-8.");
    expect_400(p, "\xc0\xaf", 2, "The search text is not valid UTF-8.");
    expect_400(p, "\xed\xa0\x80", 3, "The search text is not valid UTF-8.");
    expect_400(p, "a\0b", 3, "The search text contains a NUL character.");
    /* and each of the hostile texts runs without an error */
    {
        static const char *const hostile[] = {"NEAR(a b)",
                                              "\"",
                                              "\"\"\"",
                                              "*",
                                              "^",
                                              "harbour:",
                                              "{title body}: x",
                                              "a OR b NOT c",
                                              "'; DROP TABLE articles; --",
                                              "<script>alert(1)</script>",
                                              "\x01harbour\x02",
                                              "-harbour",
                                              "+harbour",
                                              "harbour*",
                                              "\"harbour\" NEAR/2 \"river\""};
        for (i = 0; i < (int)(sizeof(hostile) / sizeof(hostile[0])); i++) {
            np_search_result *r = run(p, hostile[i], NULL);
            assert_int_equal(r->status, 200);
        }
        assert_int_equal(run(p, "\x01harbour\x02", NULL)->n, 4);
    }
}

static void test_text_of_html(void **state)
{
    apr_pool_t *p = *state;
    const char *h = "<p>un<em>like</em>ly</p><p>b &amp; c&#233; &lt;x&gt; &#x4E2D;\x01</p>";
    assert_string_equal(np_search_text_of_html(p, h, strlen(h)), " unlikely  b & cé <x> 中  ");
    assert_string_equal(np_search_clean(p, "a\x01"
                                           "b\x02"),
                        "a b ");
    assert_null(np_search_clean(p, NULL));
}

/* The full text follows every update: a new word is found after the pass that read it, a
 * deleted article is not, and the draft an article becomes is not. */
static void test_follows_updates(void **state)
{
    apr_pool_t *p = *state;
    char dir[] = "/tmp/np-search-upd-XXXXXX", file[300], cmd[400];
    np_index *saved = idx;
    np_index_stats st;
    const char *err;
    assert_non_null(mkdtemp(dir));
    snprintf(file, sizeof(file), "%s.db", dir);
    np_test_write(dir, "a/one.xml",
                  "<article><title>One</title><published>2026-01-01T00:00:00Z</published>"
                  "<body><p>walrus</p></body></article>");
    idx = open_index(dir, file);
    assert_string_equal(found(p, run(p, "walrus", NULL)), "a/one.xml");
    np_test_write(dir, "a/one.xml",
                  "<article><title>One</title><published>2026-01-01T00:00:00Z</published>"
                  "<body><p>narwhal, longer now</p></body></article>");
    np_test_write(dir, "a/two.xml",
                  "<article><title>Two</title><published>2026-01-02T00:00:00Z</published>"
                  "<body><p>walrus</p></body></article>");
    assert_int_equal(np_index_update(idx, &st, &err), APR_SUCCESS);
    assert_string_equal(found(p, run(p, "walrus", NULL)), "a/two.xml");
    assert_string_equal(found(p, run(p, "narwhal", NULL)), "a/one.xml");
    np_test_write(dir, "a/two.xml",
                  "<article><title>Two</title><published>2026-01-02T00:00:00Z</published>"
                  "<status>draft</status><body><p>walrus again</p></body></article>");
    assert_int_equal(unlink(apr_pstrcat(p, dir, "/a/one.xml", NULL)), 0);
    assert_int_equal(np_index_update(idx, &st, &err), APR_SUCCESS);
    assert_string_equal(found(p, run(p, "walrus", NULL)), "");
    assert_string_equal(found(p, run(p, "narwhal", NULL)), "");
    np_index_close(idx);
    idx = saved;
    snprintf(cmd, sizeof(cmd), "rm -rf '%s' '%s'*", dir, dir);
    assert_int_equal(system(cmd), 0);
}

/* ---- the pages: view data rendered with the default theme, JSON, OpenSearch ---- */

typedef struct {
    np_site_conf conf;
    np_site *site;
    np_site_view sv;
    np_request req;
    np_view v;
} page_env;

static void env_open(apr_pool_t *p, page_env *e, const char *query)
{
    memset(e, 0, sizeof(*e));
    e->site = np_test_site(p, &e->conf, fixdir);
    e->conf.site_name = "Harbour Times";
    e->conf.base_url = "https://news.example";
    assert_non_null(e->site);
    np_site_acquire(e->site, JUNE_2026, NULL, &e->sv);
    e->req.path = "/search";
    e->req.mount = "/news";
    e->req.query = query;
    e->req.now = JUNE_2026;
    e->v.p = p;
    e->v.conf = &e->conf;
    e->v.snap = e->sv.snap;
    e->v.req = &e->req;
    e->v.base = e->conf.base_url;
    e->v.now = JUNE_2026;
    e->v.labels = e->sv.theme->labels;
    e->v.label_maps = e->sv.theme->label_maps;
    e->v.idx = idx;
}

static void env_close(page_env *e)
{
    np_site_release(&e->sv);
}

/* The search page for query, rendered; *status receives its status. */
static const char *page(apr_pool_t *p, const char *query, int *status)
{
    page_env e;
    np_search_args a;
    np_search_result r;
    np_tpl_error err;
    np_buf b;
    const char *out;
    env_open(p, &e, query);
    np_search_args_parse(p, query, &a);
    np_index_read_begin(idx);
    np_search_view_run(&e.v, &a, &r);
    np_buf_init_pool(&b, p, 8192);
    assert_int_equal(np_tpl_render(e.sv.theme->set, np_tpl_get(e.sv.theme->set, "search"),
                                   np_search_view_page(&e.v, &a, &r), &b, NULL, &err),
                     APR_SUCCESS);
    np_index_read_end(idx);
    *status = r.status;
    out = np_buf_cstr(&b);
    env_close(&e);
    return out;
}

static const char *json(apr_pool_t *p, const char *query, int *status)
{
    page_env e;
    np_search_args a;
    np_search_result r;
    np_buf b;
    env_open(p, &e, query);
    np_search_args_parse(p, query, &a);
    np_index_read_begin(idx);
    np_search_view_run(&e.v, &a, &r);
    np_buf_init_pool(&b, p, 8192);
    np_search_view_json(&e.v, &a, &r, &b);
    np_index_read_end(idx);
    *status = r.status;
    env_close(&e);
    return np_buf_cstr(&b);
}

static void test_page_results(void **state)
{
    apr_pool_t *p = *state;
    int st;
    const char *h = page(p, "q=%E8%82%A1%E5%B8%82", &st);
    assert_int_equal(st, 200);
    assert_non_null(strstr(h, "<mark>股市</mark>"));
    assert_non_null(strstr(h, "href=\"/news/world/zh/stocks.html\">今天股市大跌</a>"));
    assert_non_null(strstr(h, "<li lang=\"zh\">"));
    assert_non_null(strstr(h, "value=\"股市\""));
    assert_non_null(strstr(h, "1 result"));
    /* the search box of the layout and the OpenSearch link */
    assert_non_null(
        strstr(h, "<form class=\"search-box\" role=\"search\" action=\"/news/search\""));
    assert_non_null(strstr(h, "<link rel=\"search\" type=\"application/opensearchdescription+xml\" "
                              "href=\"/news/opensearch.xml\""));
    /* pages, sort links and section scope keep the query */
    h = page(p, "q=harbour&sort=date&section=news", &st);
    assert_int_equal(st, 200);
    assert_non_null(strstr(h, "3 results"));
    assert_non_null(strstr(h, "href=\"/news/search?q=harbour&amp;section=news\">Relevance</a>"));
    assert_non_null(strstr(h, "name=\"section\" value=\"news\""));
    assert_non_null(strstr(h, "href=\"/news/search?q=harbour&amp;sort=date\">Search the whole"));
}

static void test_page_nothing_and_hostile(void **state)
{
    apr_pool_t *p = *state;
    int st;
    const char *h = page(p, "q=%3Cscript%3Ealert(1)%3C%2Fscript%3E+%22x", &st);
    assert_int_equal(st, 200);
    assert_non_null(
        strstr(h, "Nothing found for <q>&lt;script&gt;alert(1)&lt;/script&gt; &quot;x</q>"));
    assert_null(strstr(h, "<script>alert"));
    /* invalid UTF-8 and NUL: 400 with a plain message, the text not shown */
    h = page(p, "q=caf%E9", &st);
    assert_int_equal(st, 400);
    assert_non_null(strstr(h, "role=\"alert\">The search text is not valid UTF-8.</p>"));
    assert_non_null(strstr(h, "value=\"\""));
    h = page(p, "q=a%00b", &st);
    assert_int_equal(st, 400);
    h = page(p, "q=harbour&page=x", &st);
    assert_int_equal(st, 400);
    assert_non_null(strstr(h, "The page number is not valid."));
    h = page(p, "q=harbour&section=..%2F..", &st);
    assert_int_equal(st, 400);
    /* nothing asked yet */
    h = page(p, NULL, &st);
    assert_int_equal(st, 200);
    assert_non_null(strstr(h, "Enter words to search for."));
    /* the empty query string; a page past the last; control characters not echoed */
    h = page(p, "q=&page=1", &st);
    assert_int_equal(st, 200);
    assert_non_null(strstr(h, "Enter words to search for."));
    h = page(p, "q=harbour&page=9", &st);
    assert_int_equal(st, 200);
    assert_non_null(strstr(h, "<a href=\"/news/search?q=harbour\">There are no more results"));
    h = page(p, "q=harbour%01%7F", &st);
    assert_int_equal(st, 200);
    assert_non_null(strstr(h, "value=\"harbour  \""));
}

static void test_json_and_opensearch(void **state)
{
    apr_pool_t *p = *state;
    int st;
    json_error_t jerr;
    json_t *j = json_loads(json(p, "q=harbour&sort=date", &st), 0, &jerr), *res;
    page_env e;
    np_buf b;
    assert_int_equal(st, 200);
    assert_non_null(j);
    assert_int_equal(json_integer_value(json_object_get(j, "total")), 4);
    res = json_object_get(j, "results");
    assert_int_equal(json_array_size(res), 4);
    assert_string_equal(json_string_value(json_object_get(json_array_get(res, 0), "url")),
                        "https://news.example/news/news/council.html");
    assert_string_equal(json_string_value(json_object_get(j, "query")), "harbour");
    json_decref(j);
    j = json_loads(json(p, "q=caf%E9", &st), 0, &jerr);
    assert_int_equal(st, 400);
    assert_string_equal(json_string_value(json_object_get(j, "error")),
                        "The search text is not valid UTF-8.");
    json_decref(j);
    env_open(p, &e, NULL);
    np_buf_init_pool(&b, p, 1024);
    np_search_view_opensearch(&e.v, &b);
    assert_non_null(strstr(np_buf_cstr(&b), "<ShortName>Harbour Times</ShortName>"));
    assert_non_null(strstr(np_buf_cstr(&b), "<Url type=\"text/html\" method=\"get\" "
                                            "template=\"https://news.example/news/search?q="
                                            "{searchTerms}\"/>"));
    env_close(&e);
}

static void test_etag(void **state)
{
    apr_pool_t *p = *state;
    page_env e;
    const char *a, *b;
    env_open(p, &e, "q=harbour");
    a = np_search_view_etag(&e.v, "k", 1);
    assert_string_equal(a, np_search_view_etag(&e.v, "k", 1));
    e.req.query = "q=harbours";
    b = np_search_view_etag(&e.v, "k", 1);
    assert_string_not_equal(a, b);
    /* an embargo lifting changes it without a write */
    e.req.query = "q=harbour";
    e.v.now = EMBARGO;
    assert_string_not_equal(a, np_search_view_etag(&e.v, "k", 1));
    env_close(&e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        np_pool_test(test_stemming),
        np_pool_test(test_chinese),
        np_pool_test(test_phrase),
        np_pool_test(test_section_scope),
        np_pool_test(test_visibility),
        np_pool_test(test_order_and_pages),
        np_pool_test(test_snippet_escaped),
        np_pool_test(test_parse_hostile),
        np_pool_test(test_text_of_html),
        np_pool_test(test_follows_updates),
        np_pool_test(test_page_results),
        np_pool_test(test_page_nothing_and_hostile),
        np_pool_test(test_json_and_opensearch),
        np_pool_test(test_etag),
    };
    np_test_root = np_test_begin();
    np_xml_init();
    return np_test_end(np_test_root, cmocka_run_group_tests(tests, setup, teardown));
}
