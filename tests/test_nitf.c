/* Tests of the NITF mapping (docs/newsroom-formats.md): every mapped element on small documents in
 * tests/fixtures/newsroom/, each date form, embargo and status, encodings, DOCTYPEs, every error
 * with its place, and the real agency files in ../shared/samples/nitf/ (skipped when absent). */
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
#include "np_buf.h"
#include "np_formats.h"
#include "np_xml.h"
#include "np_test.h"

#define FIX "tests/fixtures/newsroom/"
#define SAMPLES "../shared/samples/nitf/"

#define T_2026_11_27_02 1795744800 /* 2026-11-27T10:00:00+08:00 */

static np_article *load_in(apr_pool_t *p, const char *path, const np_tz *tz, int with_body)
{
    return np_test_load(p, path, tz, with_body, "nitf");
}

static np_article *load(apr_pool_t *p, const char *file)
{
    return load_in(p, apr_pstrcat(p, FIX, file, NULL), np_tz_utc(), 1);
}

static void load_fails(apr_pool_t *p, const char *file, const char *want)
{
    np_test_load_fails(p, apr_pstrcat(p, FIX, file, NULL), NULL, want);
}

static void test_every_field(void **state)
{
    apr_pool_t *p = *state;
    np_article *a = load(p, "nitf-full.xml");
    const char *b = a->body_html;

    assert_string_equal(a->id, "xx-2026-0001");
    assert_string_equal(a->lang, "en-GB");
    assert_string_equal(a->title, "Ferries return to the harbour"); /* hl1 before head/title */
    assert_string_equal(a->subtitle, "Service resumes after two years");
    assert_string_equal(a->summary, "Ferries are back. Second abstract paragraph.");
    assert_string_equal(a->source, "Example Wire"); /* distributor before doc.copyright */
    assert_null(a->source_href);
    assert_int_equal(a->authors->nelts, 3);
    assert_string_equal(str_at(a->authors, 0), "Ann Example"); /* <person>s of a byline */
    assert_string_equal(str_at(a->authors, 1), "Bo Sample");
    assert_string_equal(str_at(a->authors, 2), "Cy Third"); /* "By ", byttl dropped */
    assert_int_equal(a->tags->nelts, 2);
    assert_string_equal(str_at(a->tags, 0), "harbour");
    assert_string_equal(str_at(a->tags, 1), "ferries");
    /* date.issue wins over story.date and pubdata; compact form with offset. */
    assert_true(a->published.t == apr_time_from_sec(T_2026_11_27_02));
    assert_int_equal(a->published.offset, 8 * 3600);
    assert_true(a->expires.t == apr_time_from_sec(1798675200)); /* 2026-12-31T00:00:00Z */
    assert_int_equal(a->updated.t, 0);
    assert_false(a->draft);
    assert_null(a->image);

    assert_contains(b, "<p>The mayor of Portsmouth met Harbour Co at the opening; the chair read "
                       "Sea Fever and paid \xC2\xA3"
                       "5 for 3 tickets on Friday (example.org, boats, (c) 2026 XX, code).</p>");
    assert_contains(b, "<h2>Timetable</h2>");
    assert_contains(b, "<blockquote><p>We are back.</p><cite>The captain</cite></blockquote>");
    assert_contains(b, "<div><p>In a block.</p></div>");
    assert_contains(b, "<figure><img src=\"https://img.example.org/ferry.jpg\" alt=\"A ferry\" "
                       "width=\"800\" height=\"600\"><figcaption>The new ferry. <small>Photo: "
                       "Z</small></figcaption></figure>");
    /* A bare id is no picture to show; the caption stays. */
    assert_contains(b,
                    "<figure><figcaption>Caption without a usable picture</figcaption></figure>");
    assert_contains(b, "<figure><a href=\"https://video.example.org/v.mp4\">"
                       "https://video.example.org/v.mp4</a></figure>");
    assert_contains(b, "<table><tr><th>Day</th><td colspan=\"2\">Mon</td></tr></table>");
    assert_contains(b, "<li><a href=\"https://example.org/t\">Tickets</a></li><li><a>bad</a></li>");
    assert_contains(b, "<p>Ends<br>here.</p>");
    assert_contains(b, "<p>Second body.content.</p>");      /* every body.content, in order */
    assert_contains(b, "<p>Contact: desk@example.org</p>"); /* body.end's tagline */
    assert_true(strstr(b, "Second body.content") < strstr(b, "Contact:"));
    /* body.head (headlines, byline, abstract) is metadata, not repeated in the body. */
    assert_lacks(b, "Service resumes");
    assert_lacks(b, "Ferries return");
    assert_lacks(b, "Ann Example");
    assert_lacks(b, "Ferries are back");
    assert_lacks(b, "Portsmouth,");
    /* Metadata inside the body, and what the allowlist refuses, are gone. */
    assert_lacks(b, "photographer");
    assert_lacks(b, "AAAA");
    assert_lacks(b, "nitf-col");
    assert_lacks(b, "iJIJyyF0tiE");
    assert_lacks(b, "javascript");
    assert_lacks(b, "lede");
    assert_allowed_tags(b);
    assert_int_equal(a->body_len, strlen(b));
}

static void test_head_title_and_defaults(void **state)
{
    apr_pool_t *p = *state;
    np_article *a = load(p, "nitf-nons.xml"); /* no namespace, no body.head */

    assert_string_equal(a->title, "Only a head title");
    assert_string_equal(a->id, "nitf-nons"); /* the slug */
    assert_null(a->lang);
    assert_null(a->subtitle);
    assert_null(a->source);
    assert_int_equal(a->authors->nelts, 0);
    assert_int_equal(a->tags->nelts, 0);
    assert_string_equal(a->summary, "First paragraph, the default summary.");
    /* Dashed ISO 8601. */
    assert_true(a->published.t == apr_time_from_sec(T_2026_11_27_02));
    assert_string_equal(a->body_html, "<p>First paragraph, the default summary.</p>\n"
                                      "      <p>Second.</p>");
}

static void test_story_date_and_byttl(void **state)
{
    apr_pool_t *p = *state;
    np_article *a = load(p, "nitf-story-date.xml");

    /* story.date's text when it has no norm. */
    assert_true(a->published.t == apr_time_from_sec(T_2026_11_27_02));
    /* A byline that is only a job title still names who wrote it. */
    assert_int_equal(a->authors->nelts, 1);
    assert_string_equal(str_at(a->authors, 0), "Sports Desk");
    /* An hl2 that repeats the headline is no subtitle. */
    assert_null(a->subtitle);
}

static void test_pubdata_in_site_zone(void **state)
{
    apr_pool_t *p = *state;
    const char *err = NULL;
    np_tz *tz = np_tz_load(p, "+02:00", &err);
    np_article *a;

    assert_non_null(tz);
    /* pubdata@date.publication, compact and without offset: read in the site's zone. */
    a = load_in(p, FIX "nitf-pubdata.xml", tz, 1);
    assert_true(a->published.t == apr_time_from_sec(T_2026_11_27_02 + 6 * 3600));
    assert_string_equal(a->source, "Holder Press"); /* doc.copyright@holder */
}

static void test_embargo_and_status(void **state)
{
    apr_pool_t *p = *state;
    np_article *a = load(p, "nitf-embargo.xml");
    apr_time_t release = apr_time_from_sec(1795831200); /* 2026-11-28T02:00:00Z */

    /* A later date.release is an embargo: the story appears then, by itself. */
    assert_true(a->published.t == release);
    assert_false(np_article_visible(a, release - 1));
    assert_true(np_article_visible(a, release));
    assert_false(a->draft);

    a = load(p, "nitf-withheld.xml");
    assert_int_equal(a->draft, NP_KILLED);
    a = load(p, "nitf-canceled.xml");
    assert_int_equal(a->draft, NP_KILLED);
    assert_true(np_article_gone(a, release));
    assert_false(np_article_visible(a, release));
}

static void test_latin1(void **state)
{
    apr_pool_t *p = *state;
    np_article *a = load(p, "nitf-latin1.xml");

    assert_string_equal(a->title, "S\xC3\xB8k p\xC3\xA5 \xC3\xA6rlige f\xC3\xB8tter");
    assert_string_equal(a->lang, "nb-NO");                                     /* baselang */
    assert_string_equal(str_at(a->authors, 0), "Kj\xC3\xA6rsti \xC3\x98stby"); /* "Av " dropped */
    assert_string_equal(a->body_html,
                        "<p>Bl\xC3\xA5\x62\xC3\xA6r og \xC3\xB8l, \xC2\xABsitat\xC2\xBB.</p>");
}

/* A DOCTYPE is never followed: trap.dtd declares an entity, which would be refused if it were
 * read; the other one names a host that does not exist. */
static void test_doctype_not_loaded(void **state)
{
    apr_pool_t *p = *state;
    assert_string_equal(load(p, "nitf-dtd.xml")->title, "A DOCTYPE that is not followed");
    assert_string_equal(load(p, "nitf-dtd-remote.xml")->title, "An unreachable DTD");
}

static void test_metadata_only(void **state)
{
    apr_pool_t *p = *state;
    np_article *a = load_in(p, FIX "nitf-nons.xml", NULL, 0);
    assert_null(a->body_html);
    assert_string_equal(a->summary, "First paragraph, the default summary.");
}

/* A headline and an abstract, and no body.content or an empty one: the abstract is the text. */
static void test_abstract_without_body(void **state)
{
    apr_pool_t *p = *state;
    np_article *a = load(p, "nitf-abstract-only.xml");
    assert_string_equal(a->title, "Ferry timetable changes");
    assert_string_equal(a->body_html,
                        "<p>Evening ferries leave half an hour later from Monday.</p>");

    a = load(p, "nitf-empty-content.xml");
    assert_string_equal(a->body_html, "<p>The library opens at nine.</p>");
}

static void test_errors(void **state)
{
    apr_pool_t *p = *state;
    load_fails(p, "nitf-no-headline.xml", "2:1: no headline (hl1 or head/title)");
    load_fails(p, "nitf-no-date.xml",
               "2:1: no date (date.issue, story.date, pubdata@date.publication or date.release)");
    load_fails(p, "nitf-bad-date.xml",
               "5:7: bad date in date.issue@norm: \"October 18, 2006\" (expected ISO 8601, e.g. "
               "2026-11-27T10:00:00+08:00 or 20261127T100000+0800)");
    load_fails(p, "nitf-year-range.xml",
               "5:7: date in date.issue@norm is outside the years 0001-9999: "
               "\"00000101T000000+2359\"");
    load_fails(p, "nitf-no-body.xml", "4:3: no <body.content>");
    load_fails(p, "nitf-foreign-ns.xml",
               "2:1: <nitf> in namespace \"http://example.org/not-nitf\": expected none or IPTC's "
               "(http://iptc.org/std/NITF/...)");
}

static void test_byline(void **state)
{
    apr_pool_t *p = *state;
    assert_string_equal(np_nitf_byline(p, "By BERNARD CONDON"), "BERNARD CONDON");
    assert_string_equal(np_nitf_byline(p, "  by\n  Jane   Doe , "), "Jane Doe");
    assert_string_equal(np_nitf_byline(p, "Von Andrej Sokolow, dpa"), "Andrej Sokolow, dpa");
    assert_string_equal(np_nitf_byline(p, "Byron Bay"), "Byron Bay");
    assert_string_equal(np_nitf_byline(p, "gr/bp"), "gr/bp");
    assert_null(np_nitf_byline(p, " , "));
    assert_null(np_nitf_byline(p, NULL));
}

/* The real files: what the sample says, and every paragraph of body.content. */
static void check_sample(apr_pool_t *p, const sample *s)
{
    static const char *const skip[] = {"body.head", NULL};
    const char *path = apr_pstrcat(p, SAMPLES, s->file, NULL), *err = NULL;
    np_article *a = np_test_load_sample(p, path, s, "nitf");
    xmlDoc *doc = np_xml_parse_file(p, path, 0, &err);

    assert_non_null(doc);
    assert_paragraphs(p, a, np_xml_child(xmlDocGetRootElement(doc), "body"), skip, s->paragraphs);
}

static void test_sample_ap(void **state)
{
    static const sample s = {"superdesk_ap-nitf.xml",
                             "Can trading pollution like stocks help fight climate change?",
                             1449774644, /* date.issue 20151210T191044Z */
                             "BERNARD CONDON",
                             "The Associated Press",
                             28};
    apr_pool_t *p = *state;
    check_sample(p, &s);
    /* hl2 repeats hl1 in this file. */
    assert_null(load_in(p, SAMPLES "superdesk_ap-nitf.xml", NULL, 0)->subtitle);
}

static void test_sample_efe(void **state)
{
    static const sample s = {"superdesk_efe_nitf.xml",
                             "Honduran president announces Cabinet changes",
                             1483396080, /* date.issue 20170102T222800+0000 */
                             "gr/bp",
                             "Agencia EFE",
                             1};
    apr_pool_t *p = *state;
    np_article *a;
    check_sample(p, &s);
    a = load_in(p, SAMPLES "superdesk_efe_nitf.xml", NULL, 1);
    assert_string_equal(a->subtitle, "HONDURAS GOVERNMENT");
    assert_string_equal(a->summary, "Test Abstract");
    assert_string_equal(a->id, "22751909");
    assert_string_equal(str_at(a->tags, 0), "HONDURAS GOVERNMENT");
}

static void test_sample_ntb(void **state)
{
    static const sample s = {"superdesk_nitf-ntb.xml",
                             "Faktisk.no: Nei, dette dokumentet beskriver ikke FNs Agenda 21 eller "
                             "Agenda 2030",
                             1599489926, /* date.issue 2020-09-07T14:45:26, in the site's zone */
                             "Geir Molnes / Faktisk.no",
                             "NTB",
                             40};
    apr_pool_t *p = *state;
    np_article *a;
    check_sample(p, &s);
    /* ISO-8859-1, with the non-ASCII text written as character references. */
    a = load_in(p, SAMPLES "superdesk_nitf-ntb.xml", NULL, 1);
    assert_contains(a->body_html, "<h2>P\xC3\xA5stand</h2>");
    assert_contains(a->body_html, "<figcaption> Foto: NTB / Scanpix, montasje av "
                                  "Faktisk.no</figcaption>");
    assert_string_equal(a->lang, "nb-NO");
}

static void test_sample_pa(void **state)
{
    static const sample s = {"superdesk_pa1.xml",
                             "PA SPORT TRIVIA (OCTOBER 14)",
                             1444793401, /* date.issue 20151014T043001+0100 */
                             NULL,
                             "PA Sport",
                             43};
    apr_pool_t *p = *state;
    np_article *a;
    check_sample(p, &s);
    a = load_in(p, SAMPLES "superdesk_pa1.xml", NULL, 1);
    assert_contains(a->body_html, "<p>1996: Mark Bosnich, then of Aston Villa, was charged with "
                                  "misconduct by the Football Association after");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        np_pool_test(test_every_field),
        np_pool_test(test_head_title_and_defaults),
        np_pool_test(test_story_date_and_byttl),
        np_pool_test(test_pubdata_in_site_zone),
        np_pool_test(test_embargo_and_status),
        np_pool_test(test_latin1),
        np_pool_test(test_doctype_not_loaded),
        np_pool_test(test_metadata_only),
        np_pool_test(test_abstract_without_body),
        np_pool_test(test_errors),
        np_pool_test(test_byline),
        np_pool_test(test_sample_ap),
        np_pool_test(test_sample_efe),
        np_pool_test(test_sample_ntb),
        np_pool_test(test_sample_pa),
    };
    return np_test_run_pooled(tests);
}
