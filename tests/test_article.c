/* Tests of np_article: every field of the native format, defaults, every error with its exact
 * place, visibility, hostile markup and encodings. Fixtures: tests/fixtures/articles/. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <apr_general.h>
#include <apr_strings.h>

#include "np_article.h"
#include "np_xml.h"
#include "np_test.h"

#define FIX "tests/fixtures/articles/"
#define ELLIPSIS "\xE2\x80\xA6"

/* 2026-11-27T10:00:00+08:00 and friends, in seconds since the epoch. */
#define T_PUBLISHED 1795744800
#define T_UPDATED 1795827600
#define T_EXPIRES 1798761600
#define T_DAY 1795737600 /* 2026-11-27T00:00:00Z */

static np_article *load(apr_pool_t *p, const char *file, int with_body)
{
    return np_test_load(p, apr_pstrcat(p, FIX, file, NULL), np_tz_utc(), with_body, NULL);
}

static void load_fails(apr_pool_t *p, const char *file, const char *want)
{
    np_test_load_fails(p, apr_pstrcat(p, FIX, file, NULL), "s", want);
}

static void test_every_field(void **state)
{
    apr_pool_t *p = *state;
    np_article_opts o = {0, np_tz_utc(), 1, NULL};
    const char *err = NULL;
    np_article *a = np_article_load(p, FIX "full.xml", "sharing-good-practices", &o, &err);
    const np_link *rel;

    assert_non_null(a);
    assert_string_equal(a->path, FIX "full.xml");
    assert_string_equal(a->slug, "sharing-good-practices");
    assert_string_equal(a->id, "ich-2026-0042");
    assert_string_equal(a->lang, "en");
    assert_string_equal(a->format, "article");
    assert_string_equal(a->title, "Sharing of Information and Good Practices");
    assert_string_equal(a->subtitle, "A meeting in Beijing");
    assert_string_equal(a->summary, "Plain-text teaser.");
    assert_string_equal(a->source, "UNESCO");
    assert_string_equal(a->source_href, "https://www.unesco.org/");

    assert_int_equal(a->authors->nelts, 2);
    assert_string_equal(str_at(a->authors, 0), "Li Wei");
    assert_string_equal(str_at(a->authors, 1), "Anna Smith");

    assert_int_equal(a->published.t, apr_time_from_sec(T_PUBLISHED));
    assert_int_equal(a->published.offset, 8 * 3600);
    assert_false(a->published.date_only);
    assert_int_equal(a->updated.t, apr_time_from_sec(T_UPDATED));
    assert_int_equal(a->expires.t, apr_time_from_sec(T_EXPIRES));
    assert_false(a->draft);

    /* Trimmed, empty ones skipped, duplicates once. */
    assert_int_equal(a->tags->nelts, 2);
    assert_string_equal(str_at(a->tags, 0), "heritage");
    assert_string_equal(str_at(a->tags, 1), "UNESCO");

    assert_non_null(a->image);
    assert_string_equal(a->image->src, "/media/meeting.jpg");
    assert_string_equal(a->image->alt, "Delegates at the meeting");
    assert_string_equal(a->image->caption, "The opening session.");
    assert_string_equal(a->image->credit, "Photo: UNESCO");
    assert_int_equal(a->image->width, 1200);
    assert_int_equal(a->image->height, 800);

    /* The javascript: link is left out; a link without text is titled by its URL. */
    assert_int_equal(a->related->nelts, 2);
    rel = &APR_ARRAY_IDX(a->related, 0, np_link);
    assert_string_equal(rel->href, "https://example.org/one");
    assert_string_equal(rel->title, "One");
    rel = &APR_ARRAY_IDX(a->related, 1, np_link);
    assert_string_equal(rel->href, "/two.html");
    assert_string_equal(rel->title, "/two.html");

    assert_string_equal(a->body_html, "<p>First paragraph with <em>emphasis</em> &amp; a "
                                      "<a href=\"https://example.org/\">link</a>.</p>\n    \n"
                                      "    <p>Second paragraph.</p>");
    assert_int_equal(a->body_len, strlen(a->body_html));
}

static void test_defaults(void **state)
{
    apr_pool_t *p = *state;
    np_article *a = load(p, "minimal.xml", 0);
    assert_string_equal(a->slug, "minimal"); /* from the file name when not given */
    assert_string_equal(a->id, "minimal");
    assert_null(a->lang);
    assert_string_equal(a->title, "Minimal");
    assert_null(a->subtitle);
    assert_null(a->source);
    assert_null(a->source_href);
    assert_int_equal(a->authors->nelts, 0);
    assert_int_equal(a->tags->nelts, 0);
    assert_int_equal(a->related->nelts, 0);
    assert_null(a->image);
    assert_false(a->draft);
    assert_int_equal(a->updated.t, 0);
    assert_int_equal(a->expires.t, 0);
    /* A bare date is midnight in the configured zone. */
    assert_int_equal(a->published.t, apr_time_from_sec(T_DAY));
    assert_true(a->published.date_only);
    /* The first non-empty paragraph, wherever it is, not the heading before it. */
    assert_string_equal(a->summary, "The first paragraph.");
    /* Metadata only: no body. */
    assert_null(a->body_html);
    assert_int_equal(a->body_len, 0);
    assert_string_equal(a->format, "article");
}

static void test_opts_null_and_zone(void **state)
{
    apr_pool_t *p = *state;
    const char *err = NULL;
    np_article_opts o = {0, NULL, 0, NULL};
    np_article *a = np_article_load(p, FIX "minimal.xml", "m", NULL, &err);
    assert_non_null(a);
    assert_int_equal(a->published.t, apr_time_from_sec(T_DAY));
    o.tz = np_tz_load(p, "+08:00", &err);
    assert_non_null(o.tz);
    a = np_article_load(p, FIX "minimal.xml", "m", &o, &err);
    assert_non_null(a);
    assert_int_equal(a->published.t, apr_time_from_sec(T_DAY - 8 * 3600));
    /* A date-time without offset is read in the zone too. */
    a = np_article_load(p, FIX "cjk-summary.xml", "c", &o, &err);
    assert_non_null(a);
    assert_int_equal(a->published.t, apr_time_from_sec(T_DAY + 2 * 3600));
}

static void test_summary_cut(void **state)
{
    apr_pool_t *p = *state;
    np_article *a = load(p, "long-summary.xml", 0);
    const char *want = "The committee met for three days to review nominations and to discuss how "
                       "communities share knowledge about living heritage across borders, with "
                       "many delegations presenting case studies from their own" ELLIPSIS;
    assert_string_equal(a->summary, want);
    assert_true(strlen(a->summary) - strlen(ELLIPSIS) <= 200);

    /* Text without spaces is cut between characters, never inside one. */
    a = load(p, "cjk-summary.xml", 0);
    assert_string_equal(a->lang, "zh");
    assert_int_equal(strlen(a->summary), 200 * 3 + strlen(ELLIPSIS));
    assert_memory_equal(a->summary + 600, ELLIPSIS, 3);
    assert_int_equal(strncmp(a->summary, "\xe8\x81\x94", 3), 0);
}

static void test_image_attributes(void **state)
{
    apr_pool_t *p = *state;
    np_article *a = load(p, "image-attrs.xml", 0);
    assert_non_null(a->image);
    assert_string_equal(a->image->src, "/media/a.jpg");
    assert_string_equal(a->image->alt, "From the attribute");
    assert_null(a->image->caption);
    assert_null(a->image->credit);
    assert_int_equal(a->image->width, 0);  /* "100%" */
    assert_int_equal(a->image->height, 0); /* "-5" */
}

static void test_body_sanitized(void **state)
{
    apr_pool_t *p = *state;
    np_article *a = load(p, "hostile-body.xml", 1);
    assert_string_equal(a->lang, "fr"); /* xml:lang when there is no lang */
    assert_string_equal(a->source, "Evil");
    assert_null(a->source_href); /* " javascript:..." */
    assert_null(a->image);       /* data: */
    assert_string_equal(a->summary, "Hello");
    assert_string_equal(a->body_html, "<p>Hello <img alt=\"i\"></p>\n    \n"
                                      "    <a>j</a>\n"
                                      "    <a>t</a>");
    assert_null(strcasestr(a->body_html, "script"));
    assert_null(strstr(a->body_html, "onclick"));
    assert_null(strstr(a->body_html, "onerror"));
    assert_null(strstr(a->body_html, "iframe"));
    assert_null(strstr(a->body_html, "inside"));
}

/* The native format keeps its body as written: an empty body is not filled from the summary. */
static void test_empty_body_stays_empty(void **state)
{
    apr_pool_t *p = *state;
    np_article *a = load(p, "summary-empty-body.xml", 1);
    assert_string_equal(a->summary, "Only a summary so far.");
    assert_string_equal(a->body_html, "");
}

static void test_latin1(void **state)
{
    apr_pool_t *p = *state;
    np_article *a = load(p, "latin1.xml", 1);
    assert_string_equal(a->title, "Gr\xc3\xbcne f\xc3\xbchren Gespr\xc3\xa4\x63he");
    assert_string_equal(a->lang, "de");
    assert_string_equal(a->summary, "Caf\xc3\xa9 \xc2\xa9 2001");
    assert_string_equal(a->body_html, "<p>Caf\xc3\xa9 \xc2\xa9 2001</p>");
}

static void test_status(void **state)
{
    apr_pool_t *p = *state;
    assert_true(load(p, "draft.xml", 0)->draft);
    assert_false(load(p, "full.xml", 0)->draft);
    assert_int_equal(load(p, "killed.xml", 0)->draft, NP_KILLED);
    assert_int_equal(load(p, "draft.xml", 0)->draft, 1);
}

static void test_external_dtd_accepted(void **state)
{
    apr_pool_t *p = *state;
    np_article *a = load(p, "external-dtd.xml", 1);
    assert_string_equal(a->title, "With a DOCTYPE");
}

static void test_errors(void **state)
{
    apr_pool_t *p = *state;
    load_fails(p, "missing-title.xml", "2:1: missing <title>");
    load_fails(p, "empty-title.xml", "3:3: empty <title>");
    load_fails(p, "missing-published.xml", "3:3: missing <published>");
    load_fails(p, "bad-published.xml",
               "4:5: bad date in <published>: \"27 November 2026\" (expected RFC 3339, e.g. "
               "2026-11-27T10:00:00+08:00, or a bare date, e.g. 2026-11-27)");
    load_fails(p, "bad-expires.xml",
               "5:3: bad date in <expires>: \"soon\" (expected RFC 3339, e.g. "
               "2026-11-27T10:00:00+08:00, or a bare date, e.g. 2026-11-27)");
    /* Year -1 in UTC: no URL, no feed date could be written for it. */
    load_fails(p, "year-range.xml",
               "4:5: date in <published> is outside the years 0001-9999: "
               "\"0000-01-01T00:00:00+23:59\"");
    load_fails(p, "missing-body.xml", "2:1: missing <body>");
    load_fails(p, "bad-status.xml",
               "5:3: unknown <status> \"pending\": expected published, draft or killed");
    load_fails(p, "bad-correction.xml",
               "5:3: bad date in <correction date>: \"yesterday\" (expected ISO 8601, e.g. "
               "2026-11-27T10:00:00+08:00 or 20261127T100000+0800)");
    load_fails(p, "correction-no-date.xml", "5:3: <correction> without a date attribute");
    load_fails(p, "unknown-root.xml", "2:1: unknown root element <story>");
    load_fails(p, "malformed.xml", "4:21: Opening and ending tag mismatch: p line 4 and b");
    load_fails(p, "entity.xml", "3:3: entity declarations are not allowed (entity 'company')");
    load_fails(p, "no-such-file.xml", "0:0: cannot open: No such file or directory");
}

/* Corrections in file order; an empty one is ignored; the latest date moves updated. */
static void test_corrections(void **state)
{
    apr_pool_t *p = *state;
    np_article *a = load(p, "corrected.xml", 0);
    const np_correction *c;
    assert_non_null(a->corrections);
    assert_int_equal(a->corrections->nelts, 2);
    c = &APR_ARRAY_IDX(a->corrections, 0, np_correction);
    assert_string_equal(c->text, "An earlier version gave the wrong year.");
    assert_true(c->date.t == apr_time_from_sec(1795939200)); /* 2026-11-29T08:00:00Z */
    c = &APR_ARRAY_IDX(a->corrections, 1, np_correction);
    assert_string_equal(c->text, "The mayor's name was misspelt.");
    assert_true(a->updated.t == apr_time_from_sec(1795939200));
    assert_null(load(p, "full.xml", 0)->corrections);
}

/* 200000 corrections, one of them long: 20 kept, the text cut, each cut noted; linear. */
static void test_corrections_bounded(void **state)
{
    apr_pool_t *p = *state;
    char dir[] = "/tmp/np-corr-XXXXXX";
    apr_size_t n = 200000, i;
    np_buf b;
    np_article_opts o = {0, np_tz_utc(), 0, NULL};
    np_article_report rep;
    const char *err = NULL;
    np_article *a;
    assert_non_null(mkdtemp(dir));
    np_buf_init_pool(&b, p, 64 * 1024 * 1024);
    np_buf_puts(&b, "<article><title>T</title><published>2026-11-27</published><correction "
                    "date=\"2026-11-28\">");
    for (i = 0; i < 5000; i++)
        np_buf_putc(&b, 'x');
    np_buf_puts(&b, "</correction>");
    for (i = 0; i < n; i++)
        np_buf_puts(&b, "<correction date=\"2026-11-29\">c</correction>");
    np_buf_puts(&b, "<body><p>b</p></body></article>");
    np_test_write(dir, "many.xml", apr_pstrndup(p, b.data, b.len));
    memset(&rep, 0, sizeof(rep));
    rep.notes = apr_array_make(p, 4, sizeof(np_article_note));
    o.max_size = 128 * 1024 * 1024;
    a = np_article_load_report(p, apr_pstrcat(p, dir, "/many.xml", NULL), "many", &o, &rep, &err);
    unlink(apr_pstrcat(p, dir, "/many.xml", NULL));
    rmdir(dir);
    if (!a)
        fail_msg("%s", err);
    assert_int_equal(a->corrections->nelts, NP_MAX_CORRECTIONS);
    assert_int_equal(strlen(APR_ARRAY_IDX(a->corrections, 0, np_correction).text),
                     NP_MAX_CORRECTION);
    assert_int_equal(rep.notes->nelts, 2);
}

/* Previous URLs: paths within the site only, each refusal noted; 100000 given, 20 kept. */
static void test_previous_urls(void **state)
{
    apr_pool_t *p = *state;
    char dir[] = "/tmp/np-prev-XXXXXX";
    static const char *const bad[] = {"http://evil.example/x", "//evil.example/x", "desk/x.html",
                                      "/desk/../x.html",       "/desk/x.html?a=1", "/"};
    apr_size_t i;
    np_buf b;
    np_article_opts o = {0, np_tz_utc(), 0, NULL};
    np_article_report rep;
    const char *err = NULL;
    np_article *a;
    assert_non_null(mkdtemp(dir));
    np_buf_init_pool(&b, p, 8 * 1024 * 1024);
    np_buf_puts(&b, "<article><title>T</title><published>2026-11-27</published>"
                    "<previous-url> /desk/old name.html </previous-url>");
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        np_buf_puts(&b, "<previous-url>");
        np_buf_puts(&b, bad[i]);
        np_buf_puts(&b, "</previous-url>");
    }
    for (i = 0; i < 100000; i++)
        np_buf_puts(&b, "<previous-url>/a.html</previous-url>");
    np_buf_puts(&b, "<body><p>b</p></body></article>");
    np_test_write(dir, "p.xml", apr_pstrndup(p, b.data, b.len));
    memset(&rep, 0, sizeof(rep));
    rep.notes = apr_array_make(p, 4, sizeof(np_article_note));
    o.max_size = 64 * 1024 * 1024;
    a = np_article_load_report(p, apr_pstrcat(p, dir, "/p.xml", NULL), "p", &o, &rep, &err);
    unlink(apr_pstrcat(p, dir, "/p.xml", NULL));
    rmdir(dir);
    if (!a)
        fail_msg("%s", err);
    assert_int_equal(a->previous->nelts, NP_MAX_PREVIOUS);
    assert_string_equal(APR_ARRAY_IDX(a->previous, 0, const char *), "/desk/old name.html");
    assert_string_equal(APR_ARRAY_IDX(a->previous, 1, const char *), "/a.html");
    assert_int_equal(rep.notes->nelts, 7); /* six refused, one for the count */
    assert_null(load(p, "full.xml", 0)->previous);
}

static void test_too_large(void **state)
{
    apr_pool_t *p = *state;
    np_article_opts o = {100, np_tz_utc(), 1, NULL};
    const char *err = NULL;
    assert_null(np_article_load(p, FIX "full.xml", "full", &o, &err));
    assert_non_null(err);
    assert_non_null(strstr(err, FIX "full.xml:0:0: file is "));
    assert_non_null(strstr(err, " bytes, over the limit of 100 bytes"));
}

/* The shared hostile sample is refused as an article too. */
static void test_hostile_sample(void **state)
{
    apr_pool_t *p = *state;
    const char *path = "../shared/samples/hostile/external-parameter-entity.xml", *err = NULL;
    if (access(path, R_OK) != 0) {
        print_message("skipped: %s is absent (no ../shared beside this clone)\n", path);
        skip();
    }
    assert_null(np_article_load(p, path, NULL, NULL, &err));
    assert_string_equal(err, apr_pstrcat(p, path,
                                         ":3:3: entity declarations are not allowed "
                                         "(parameter entity 'nitf')",
                                         NULL));
}

static np_article *at(apr_pool_t *p, apr_time_t published, apr_time_t expires, int draft)
{
    np_article *a = apr_pcalloc(p, sizeof(*a));
    a->published.t = published;
    a->expires.t = expires;
    a->draft = draft;
    return a;
}

static void test_visibility(void **state)
{
    apr_pool_t *p = *state;
    apr_time_t pub = apr_time_from_sec(T_PUBLISHED), exp = apr_time_from_sec(T_EXPIRES);
    np_article *a = load(p, "full.xml", 0);

    assert_false(np_article_visible(a, pub - 1)); /* not yet published */
    assert_true(np_article_visible(a, pub));      /* appears at that instant */
    assert_true(np_article_visible(a, exp - 1));
    assert_false(np_article_visible(a, exp)); /* gone at expiry */

    assert_true(np_article_visible(at(p, pub, 0, 0), pub + apr_time_from_sec(86400 * 365)));
    assert_false(np_article_visible(at(p, pub, 0, 1), pub + 1)); /* draft */
    assert_false(np_article_visible(load(p, "draft.xml", 0), exp));
    assert_false(np_article_visible(at(p, 0, 0, 0), pub)); /* no date: never */
    assert_false(np_article_visible(NULL, pub));

    /* Killed: hidden; gone (410) only once it could have been seen, expired or not. */
    assert_false(np_article_visible(at(p, pub, 0, NP_KILLED), pub + 1));
    assert_true(np_article_gone(at(p, pub, 0, NP_KILLED), pub));
    assert_true(np_article_gone(at(p, pub, exp, NP_KILLED), exp + 1));
    assert_false(np_article_gone(at(p, pub, 0, NP_KILLED), pub - 1)); /* embargoed */
    assert_false(np_article_gone(at(p, pub, 0, 1), pub + 1));         /* a draft */
    assert_false(np_article_gone(at(p, pub, 0, 0), pub + 1));
    assert_false(np_article_gone(at(p, 0, 0, NP_KILLED), pub));
    assert_false(np_article_gone(NULL, pub));
}

/* Texts are cut at a character boundary, never inside a UTF-8 sequence. */
static void test_text_cut(void **state)
{
    apr_pool_t *p = *state;
    assert_string_equal(np_text_cut(p, "a\xC3\xA9", 2), "a");
    assert_string_equal(np_text_cut(p, "a\xC3\xA9", 3), "a\xC3\xA9");
    assert_string_equal(np_text_cut(p, "\xE9\x9D\x9E\xE9\x81\x97", 5), "\xE9\x9D\x9E");
    assert_string_equal(np_text_cut(p, "abc", 0), "");
    assert_null(np_text_cut(p, NULL, 3));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        np_pool_test(test_every_field),
        np_pool_test(test_text_cut),
        np_pool_test(test_defaults),
        np_pool_test(test_opts_null_and_zone),
        np_pool_test(test_summary_cut),
        np_pool_test(test_image_attributes),
        np_pool_test(test_body_sanitized),
        np_pool_test(test_empty_body_stays_empty),
        np_pool_test(test_latin1),
        np_pool_test(test_status),
        np_pool_test(test_external_dtd_accepted),
        np_pool_test(test_errors),
        np_pool_test(test_corrections),
        np_pool_test(test_corrections_bounded),
        np_pool_test(test_previous_urls),
        np_pool_test(test_too_large),
        np_pool_test(test_hostile_sample),
        np_pool_test(test_visibility),
    };
    return np_test_run_pooled(tests);
}
