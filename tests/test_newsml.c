/* Tests of the NewsML-G2 mapping (docs/newsroom-formats.md): every mapped element on small
 * documents in tests/fixtures/newsroom/, newsMessage, each body form (inline NITF, XHTML, plain
 * text), dates, embargo and status, encodings, every error with its place, and the real agency
 * files in
 * ../shared/samples/newsml/ (skipped when absent). */
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
#include "np_xml.h"
#include "np_test.h"

#define FIX "tests/fixtures/newsroom/"
#define SAMPLES "../shared/samples/newsml/"

#define T_2026_11_27_02 1795744800 /* 2026-11-27T02:00:00Z */

static np_article *load_in(apr_pool_t *p, const char *path, const np_tz *tz, int with_body)
{
    return np_test_load(p, path, tz, with_body, "newsml");
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
    np_article *a = load(p, "g2-full.xml");
    apr_time_t embargo = apr_time_from_sec(1795824000); /* 2026-11-28T00:00:00Z */

    assert_string_equal(a->id, "urn:newsml:example.org:20261127:ferries"); /* guid */
    assert_string_equal(a->lang, "en-US"); /* language@tag before xml:lang */
    /* The headline of lowest rank, though a lower-ranked one comes first. */
    assert_string_equal(a->title, "Ferries return to the harbour");
    assert_string_equal(a->subtitle, "Service resumes after two years"); /* subheadline */
    assert_string_equal(a->summary, "Ferries are back."); /* the description with role summary */
    assert_string_equal(a->source, "Example Wire");       /* creditline */
    assert_int_equal(a->authors->nelts, 2);               /* by, not creator */
    assert_string_equal(str_at(a->authors, 0), "Ann Example");
    assert_string_equal(str_at(a->authors, 1), "Bo Sample");
    /* keywords, then subjects: no ancestors, addresses, bare codes, mnemonics or repeats. */
    assert_int_equal(a->tags->nelts, 4);
    assert_string_equal(str_at(a->tags, 0), "ferries");
    assert_string_equal(str_at(a->tags, 1), "harbour");
    assert_string_equal(str_at(a->tags, 2), "shipping");
    assert_string_equal(str_at(a->tags, 3), "Gro\xC3\x9F"
                                            "britannien");
    /* firstCreated is before the embargo, so the embargo is the publication instant. */
    assert_true(a->published.t == embargo);
    assert_true(a->updated.t == apr_time_from_sec(1795942800)); /* versionCreated */
    assert_int_equal(a->expires.t, 0);
    assert_false(a->draft);
    assert_false(np_article_visible(a, embargo - 1));
    assert_true(np_article_visible(a, embargo));

    /* XHTML, though @contenttype says NITF: <header> and <head> go, the allowlist applies. */
    assert_string_equal(a->body_html,
                        "<p>The first <strong>ferry</strong> left at 6.</p><h2>Timetable</h2>"
                        "<p>Daily.</p>");
}

static void test_news_message(void **state)
{
    apr_pool_t *p = *state;
    np_article *a = load(p, "g2-message.xml");

    assert_string_equal(a->id, "urn:x:first"); /* the first newsItem, after a packageItem */
    assert_string_equal(a->lang, "fr");
    assert_string_equal(a->title, "First item"); /* the item's headline before the NITF's */
    /* What the item leaves unset comes from the inline NITF. */
    assert_string_equal(a->subtitle, "Subtitle from the NITF");
    assert_string_equal(a->summary, "Abstract from the NITF.");
    assert_string_equal(a->source, "NITF Distributor");
    assert_int_equal(a->authors->nelts, 1);
    assert_string_equal(str_at(a->authors, 0), "Jean Dupont");
    assert_int_equal(a->tags->nelts, 1);
    assert_string_equal(str_at(a->tags, 0), "from-nitf");
    /* Only versionCreated: it is the publication instant, and no update. */
    assert_true(a->published.t == apr_time_from_sec(T_2026_11_27_02));
    assert_int_equal(a->updated.t, 0);
    /* NITF, though @contenttype says text/plain, mapped as in a NITF file. */
    assert_contains(a->body_html, "<h2>Section</h2>");
    assert_contains(a->body_html, "<p>Le maire parle.</p>");
    assert_contains(a->body_html, "<blockquote><p>Citation.</p></blockquote>");
    assert_lacks(a->body_html, "Not used");
    assert_lacks(a->body_html, "Second");
    assert_allowed_tags(a->body_html);
}

static void test_inline_forms(void **state)
{
    apr_pool_t *p = *state;
    np_article *a = load(p, "g2-nitf-body.xml");

    /* A bare NITF <body>: headline from its hl1; creator and infoSource as the last resort. */
    assert_string_equal(a->title, "Headline from a bare NITF body");
    assert_string_equal(a->body_html, "<p>Bare NITF body.</p>");
    assert_string_equal(str_at(a->authors, 0), "Creator Name");
    assert_string_equal(a->source, "Info Source");

    a = load(p, "g2-nitf-body-content.xml");
    assert_string_equal(a->body_html, "<div><p>Only today.</p></div>");

    a = load(p, "g2-xhtml-body.xml"); /* XHTML <body> though @contenttype says NITF */
    assert_string_equal(a->body_html, "<p>XHTML <em>body</em>.</p>");

    a = load(p, "g2-empty-inline.xml"); /* an item still without text loads, empty */
    assert_string_equal(a->title, "Headline only");
    assert_string_equal(a->body_html, "");
    assert_null(a->summary);
}

static void test_inline_data(void **state)
{
    apr_pool_t *p = *state;
    np_article *a = load(p, "g2-inlinedata.xml");

    /* Blank lines separate paragraphs; the text is escaped, never parsed. */
    assert_string_equal(a->body_html,
                        "<p>First paragraph,\nstill the first.</p>"
                        "<p>Second &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; "
                        "more.</p><p>Third.</p>");
    assert_string_equal(a->summary, "First paragraph, still the first.");

    /* Without blank lines, each line is a paragraph; remoteContent is passed over. */
    a = load(p, "g2-inlinedata-lines.xml");
    assert_string_equal(a->body_html, "<p>One.</p><p>Two.</p><p>Three.</p>");
}

/* Text labelled text/plain that is HTML (a <p> in CDATA) is read as HTML through the
 * allowlist; the description written the same way gives its text, never markup. */
static void test_plain_text_holding_html(void **state)
{
    apr_pool_t *p = *state;
    np_article *a = load(p, "g2-plain-html.xml");

    assert_string_equal(a->body_html, "<p>The lighthouse on the north pier reopens <b>on "
                                      "Monday</b>.</p>\n<p>Visitors climb 120 steps &amp; see "
                                      "the bay.</p>");
    assert_string_equal(a->summary, "The lighthouse reopens on Monday.");
    assert_allowed_tags(a->body_html);

    /* Not a well-formed fragment: text, escaped, paragraphs from blank lines; so is the
     * description. */
    a = load(p, "g2-plain-lt.xml");
    assert_string_equal(a->body_html, "<p>&lt;p&gt;An opening tag that is never closed.</p>"
                                      "<p>Use &lt;b&gt; for bold &amp; &lt;i&gt; for "
                                      "italics.</p>");
    assert_string_equal(a->summary, "Scores: 3 < 5 & <p>unclosed");
}

/* A headline and an abstract over a body without text: the summary is the text. */
static void test_empty_body_shows_summary(void **state)
{
    apr_pool_t *p = *state;
    np_article *a = load(p, "g2-headline-abstract.xml");
    assert_string_equal(a->summary, "The organisers moved the festival <by> two weeks.");
    assert_string_equal(a->body_html,
                        "<p>The organisers moved the festival &lt;by&gt; two weeks.</p>");
}

static void test_dates_and_status(void **state)
{
    apr_pool_t *p = *state;
    np_article *a = load(p, "g2-content-created.xml");

    /* contentCreated without firstCreated; compact versionCreated, later: the update. */
    assert_true(a->published.t == apr_time_from_sec(T_2026_11_27_02));
    assert_int_equal(a->published.offset, 8 * 3600);
    assert_true(a->updated.t == apr_time_from_sec(1795942800));
    assert_string_equal(a->title, "Content created");
    assert_string_equal(a->subtitle, "The subtitle"); /* headline with a sub role */

    /* <embargoed/> without a date: until further notice. */
    a = load(p, "g2-embargo-indefinite.xml");
    assert_true(a->draft);
    assert_false(np_article_visible(a, apr_time_from_sec(T_2026_11_27_02) + APR_USEC_PER_SEC));

    a = load(p, "g2-withheld.xml");
    assert_int_equal(a->draft, NP_KILLED);
    a = load(p, "g2-canceled.xml");
    assert_int_equal(a->draft, NP_KILLED);
    assert_true(np_article_gone(a, a->published.t));
}

static void test_latin1(void **state)
{
    apr_pool_t *p = *state;
    np_article *a = load(p, "g2-latin1.xml");

    assert_string_equal(a->title, "Gr\xC3\xBC\xC3\x9F"
                                  "e aus K\xC3\xB6ln");
    assert_string_equal(a->lang, "de");
    assert_string_equal(str_at(a->authors, 0), "J\xC3\xBCrgen M\xC3\xBCller"); /* "Von " dropped */
    assert_string_equal(a->body_html, "<p>Sch\xC3\xB6ne Gr\xC3\xBC\xC3\x9F"
                                      "e.</p>");
}

static void test_errors(void **state)
{
    apr_pool_t *p = *state;
    load_fails(p, "g2-no-headline.xml",
               "2:1: no headline (contentMeta/headline or hl1 in the inline NITF)");
    load_fails(p, "g2-no-date.xml",
               "2:1: no date (itemMeta/firstCreated, contentMeta/contentCreated or "
               "itemMeta/versionCreated)");
    load_fails(p, "g2-bad-date.xml",
               "5:5: bad date in firstCreated: \"yesterday\" (expected ISO 8601, e.g. "
               "2026-11-27T10:00:00+08:00 or 20261127T100000+0800)");
    load_fails(p, "g2-year-range.xml",
               "5:5: date in firstCreated is outside the years 0001-9999: "
               "\"9999-12-31T23:00:00-05:00\"");
    load_fails(p, "g2-no-body.xml",
               "5:3: no body: contentSet holds no inlineXML or inlineData (remoteContent is not "
               "fetched)");
    load_fails(p, "g2-unknown-inline.xml",
               "7:7: inlineXML holds <story>: expected NITF (<nitf>, <body>, <body.content>) or "
               "XHTML (<html>, <body>)");
    load_fails(p, "g2-base64.xml", "5:15: inlineData in encoding \"base64\" is not supported");
    load_fails(p, "g2-empty-message.xml", "2:1: <newsMessage> holds no newsItem in its itemSet");
    load_fails(p, "g2-foreign-ns.xml",
               "2:1: <newsItem> in namespace \"http://example.org/other\": expected NewsML-G2's "
               "(http://iptc.org/std/nar/2006-10-01/)");
}

/* The real files: what the sample says, and every paragraph of the inline body (an XHTML
 * <header> repeats the metadata and is left out). */
static np_article *check_sample(apr_pool_t *p, const sample *s)
{
    static const char *const skip[] = {"body.head", "header", NULL};
    const char *path = apr_pstrcat(p, SAMPLES, s->file, NULL), *err = NULL;
    np_article *a = np_test_load_sample(p, path, s, "newsml");
    xmlDoc *doc = np_xml_parse_file(p, path, 0, &err);
    xmlNode *item;

    assert_non_null(doc);
    item = xmlDocGetRootElement(doc);
    if (np_xml_is(item, "newsMessage"))
        item = np_xml_child(np_xml_child(item, "itemSet"), "newsItem");
    assert_paragraphs(p, a, np_xml_child(item, "contentSet"), skip, s->paragraphs);
    return a;
}

static void test_sample_dpa_dateline(void **state)
{
    static const sample s = {"dpa_with_dateline.xml",
                             "DeepSeek-Schock aus China: Zeichen f\xC3\xBCr KI-Zeitenwende?",
                             1738052314, /* versionCreated 2025-01-28T09:18:34+01:00 */
                             "Andrej Sokolow, dpa",
                             "dpa",
                             11};
    np_article *a = check_sample(*state, &s);
    assert_string_equal(a->lang, "de");
    assert_contains(a->body_html, "<h2>Kalte F\xC3\xBC\xC3\x9F"
                                  "e an der Wall Street</h2>");
    assert_lacks(a->body_html, "<h1");
    assert_string_equal(a->summary, "Dass ein Start-up aus China sein KI-Modell g\xC3\xBCnstig "
                                    "trainierte, l\xC3\xB6ste einen Kursrutsch in den USA aus. "
                                    "F\xC3\xBCr Experten ist es aber ein Zeichen, dass man "
                                    "K\xC3\xBCnstliche Intelligenz schneller entwickeln kann.");
}

static void test_sample_iptc_listing1(void **state)
{
    static const sample s = {"iptc_LISTING_1_A_NewsML-G2_News_Item.xml",
                             "Fed to halt QE to avert \"bubble\"",
                             1540296000, /* embargoed 2018-10-23T12:00:00Z */
                             "Meredith Jameson",
                             "Example Enews LLP",
                             0};
    np_article *a = check_sample(*state, &s);
    /* Embargoed: invisible until then, although first created two years before. */
    assert_false(np_article_visible(a, a->published.t - 1));
    assert_string_equal(a->body_html, ""); /* its inlineXML holds only comments */
    assert_string_equal(a->lang, "en-GB");
}

static void test_sample_iptc_listing2(void **state)
{
    static const sample s = {"iptc_LISTING_2_NewsML-G2_Text_Document.xml",
                             "Fed to halt QE to avert \"bubble\"",
                             1479759666, /* contentCreated 2016-11-21T15:21:06-05:00 */
                             "Meredith Jameson",
                             "Associated Press",
                             2};
    np_article *a = check_sample(*state, &s);
    assert_true(a->updated.t == apr_time_from_sec(1542835532)); /* 2018-11-21T16:25:32-05:00 */
}

static void test_sample_iptc_listing22(void **state)
{
    static const sample s = {
        "iptc_LISTING_22_Sports_story_in_NewsML-G2NITF.xml",
        "Preview: Arizona Diamondbacks (29-23) at Philadelphia Phillies (26-24), 7:05 p.m.",
        1476893700, /* contentCreated 2016-10-19T11:15:00-05:00 */
        "Sports Network",
        NULL,
        6};
    np_article *a = check_sample(*state, &s);
    assert_string_equal(a->summary, "A pair of teams coming off big weekend sweeps will square "
                                    "off tonight at Citizens Bank Park, where the Philadelphia "
                                    "Phillies welcome the Arizona Diamondbacks for the start of a "
                                    "three-game series.");
}

static void test_sample_superdesk_ap(void **state)
{
    static const sample s = {"superdesk_ap.xml",
                             "Nutrisystem beats 4Q earnings and revenue expectations",
                             1519680036, /* firstCreated 2018-02-26T21:20:36Z */
                             NULL,
                             "Automated Insights",
                             10};
    np_article *a = check_sample(*state, &s);
    assert_string_equal(a->id, "tag:ap.org,2011:5e565888b587889c5c8bd62b6164118c-text");
    assert_contains(a->body_html, "<a href=\"https://www.zacks.com/ap/NTRI\">");
    assert_lacks(a->body_html, "DiamondRock"); /* the second newsItem */
}

static void test_sample_superdesk_dpa(void **state)
{
    static const sample s = {"superdesk_dpa.xml",
                             "Eintracht in London: Hintereggers Tr\xC3\xA4nen und Attacke auf "
                             "Reporter",
                             1665479682, /* versionCreated 2022-10-11T11:14:42+02:00 */
                             "degenhardt.sandra",
                             "dpa",
                             4};
    np_article *a = check_sample(*state, &s);
    assert_lacks(a->body_html, "Extra"); /* the genre line of the XHTML header */
    assert_lacks(a->body_html, "Notizblock");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        np_pool_test(test_every_field),
        np_pool_test(test_news_message),
        np_pool_test(test_inline_forms),
        np_pool_test(test_inline_data),
        np_pool_test(test_plain_text_holding_html),
        np_pool_test(test_empty_body_shows_summary),
        np_pool_test(test_dates_and_status),
        np_pool_test(test_latin1),
        np_pool_test(test_errors),
        np_pool_test(test_sample_dpa_dateline),
        np_pool_test(test_sample_iptc_listing1),
        np_pool_test(test_sample_iptc_listing2),
        np_pool_test(test_sample_iptc_listing22),
        np_pool_test(test_sample_superdesk_ap),
        np_pool_test(test_sample_superdesk_dpa),
    };
    return np_test_run_pooled(tests);
}
