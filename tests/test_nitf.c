/* Tests of the NITF mapping (SPEC 3.4): every mapped element on small documents in
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

#define FIX "tests/fixtures/newsroom/"
#define SAMPLES "../shared/samples/nitf/"

#define T_2026_11_27_02 1795744800 /* 2026-11-27T10:00:00+08:00 */

static apr_pool_t *root_pool;

static int setup(void **state)
{
    apr_pool_t *p;
    apr_pool_create(&p, root_pool);
    *state = p;
    return 0;
}

static int teardown(void **state)
{
    apr_pool_destroy(*state);
    return 0;
}

static np_article *load_in(apr_pool_t *p, const char *path, const np_tz *tz, int with_body)
{
    np_article_opts o = {0, tz, with_body};
    const char *err = NULL;
    np_article *a = np_article_load(p, path, NULL, &o, &err);
    if (!a)
        fail_msg("%s", err);
    assert_null(err);
    assert_string_equal(a->format, "nitf");
    return a;
}

static np_article *load(apr_pool_t *p, const char *file)
{
    return load_in(p, apr_pstrcat(p, FIX, file, NULL), np_tz_utc(), 1);
}

static void load_fails(apr_pool_t *p, const char *file, const char *want)
{
    np_article_opts o = {0, np_tz_utc(), 1};
    const char *err = NULL, *path = apr_pstrcat(p, FIX, file, NULL);
    assert_null(np_article_load(p, path, NULL, &o, &err));
    assert_non_null(err);
    assert_string_equal(err, apr_pstrcat(p, path, ":", want, NULL));
}

static const char *str_at(const apr_array_header_t *arr, int i)
{
    return APR_ARRAY_IDX(arr, i, const char *);
}

#define assert_contains(hay, needle)                                                               \
    do {                                                                                           \
        if (!strstr((hay), (needle)))                                                              \
            fail_msg("expected \"%s\" in:\n%s", (needle), (hay));                                  \
    } while (0)

#define assert_lacks(hay, needle)                                                                  \
    do {                                                                                           \
        if (strstr((hay), (needle)))                                                               \
            fail_msg("unexpected \"%s\" in:\n%s", (needle), (hay));                                \
    } while (0)

/* Every tag in html is one of SPEC 3.5's kept elements: no NITF markup (<hl2>, <bq>,
 * <person>, ...) leaks. Text '<' is always escaped, so each '<' opens a tag. */
static void assert_allowed_tags(const char *html)
{
    static const char *const kept[] = {
        "p",   "h2",     "h3",         "h4",    "h5",      "h6",     "blockquote", "ul",    "ol",
        "li",  "dl",     "dt",         "dd",    "em",      "strong", "b",          "i",     "u",
        "s",   "sub",    "sup",        "small", "code",    "pre",    "br",         "hr",    "a",
        "img", "figure", "figcaption", "table", "caption", "thead",  "tbody",      "tfoot", "tr",
        "th",  "td",     "q",          "cite",  "abbr",    "time",   "span",       "div"};
    const char *s;
    for (s = strchr(html, '<'); s; s = strchr(s + 1, '<')) {
        const char *n = s[1] == '/' ? s + 2 : s + 1;
        size_t len = strspn(n, "abcdefghijklmnopqrstuvwxyz0123456789"), i;
        for (i = 0; i < sizeof(kept) / sizeof(kept[0]); i++)
            if (strlen(kept[i]) == len && strncmp(n, kept[i], len) == 0)
                break;
        if (i == sizeof(kept) / sizeof(kept[0]))
            fail_msg("markup leaked into the body: %.40s", s);
    }
}

/* s with white space runs as one space, trimmed. */
static const char *squeeze(apr_pool_t *p, const char *s)
{
    char *out = apr_palloc(p, strlen(s) + 1), *d = out;
    for (; *s; s++) {
        if (strchr(" \t\r\n", *s)) {
            if (d > out && d[-1] != ' ')
                *d++ = ' ';
        } else {
            *d++ = *s;
        }
    }
    if (d > out && d[-1] == ' ')
        d--;
    *d = '\0';
    return out;
}

/* The text of html for a reader: tags removed, our serializer's five entities decoded. */
static const char *html_text(apr_pool_t *p, const char *html)
{
    static const struct {
        const char *ent;
        char c;
    } ents[] = {{"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&#39;", '\''}};
    char *out = apr_palloc(p, strlen(html) + 1), *d = out;
    const char *s = html;
    size_t i;
    while (*s) {
        if (*s == '<') {
            s = strchr(s, '>');
            assert_non_null(s);
            s++;
        } else if (*s == '&') {
            for (i = 0; i < sizeof(ents) / sizeof(ents[0]); i++)
                if (strncmp(s, ents[i].ent, strlen(ents[i].ent)) == 0)
                    break;
            if (i == sizeof(ents) / sizeof(ents[0]))
                fail_msg("unexpected entity at %.10s", s);
            *d++ = ents[i].c;
            s += strlen(ents[i].ent);
        } else {
            *d++ = *s++;
        }
    }
    *d = '\0';
    return squeeze(p, out);
}

static void all_text(np_buf *b, const xmlNode *n)
{
    for (n = n->children; n; n = n->next) {
        if ((n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) && n->content)
            np_buf_puts(b, (const char *)n->content);
        else if (n->type == XML_ELEMENT_NODE)
            all_text(b, n);
    }
}

/* The <p> elements under n, not looking inside elements named in skip. */
static void collect_p(const xmlNode *n, const char *const *skip, apr_array_header_t *out)
{
    const char *const *k;
    for (n = n->children; n; n = n->next) {
        if (n->type != XML_ELEMENT_NODE)
            continue;
        for (k = skip; *k && !np_xml_is(n, *k); k++)
            ;
        if (*k)
            continue;
        if (np_xml_is(n, "p"))
            APR_ARRAY_PUSH(out, const xmlNode *) = n;
        else
            collect_p(n, skip, out);
    }
}

/* Each <p> of the source body has its text, normalised, in body_html, as many <p> as in the
 * source, and no markup but the allowlist's. */
static void assert_paragraphs(apr_pool_t *p, const np_article *a, const xmlNode *from,
                              const char *const *skip, int want)
{
    apr_array_header_t *ps = apr_array_make(p, 64, sizeof(const xmlNode *));
    const char *out = html_text(p, a->body_html), *s;
    int i, count = 0;

    collect_p(from, skip, ps);
    assert_int_equal(ps->nelts, want);
    for (i = 0; i < ps->nelts; i++) {
        np_buf b;
        np_buf_init(&b, 256);
        all_text(&b, APR_ARRAY_IDX(ps, i, const xmlNode *));
        s = squeeze(p, np_buf_cstr(&b));
        np_buf_free(&b);
        if (!strstr(out, s))
            fail_msg("paragraph %d of %s is missing from the body: \"%s\"", i + 1, a->path, s);
    }
    for (s = strstr(a->body_html, "<p>"); s; s = strstr(s + 1, "<p>"))
        count++;
    assert_int_equal(count, ps->nelts);
    assert_allowed_tags(a->body_html);
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
    assert_true(a->draft);
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

static void test_errors(void **state)
{
    apr_pool_t *p = *state;
    load_fails(p, "nitf-no-headline.xml", "2:1: no headline (hl1 or head/title)");
    load_fails(p, "nitf-no-date.xml",
               "2:1: no date (date.issue, story.date, pubdata@date.publication or date.release)");
    load_fails(p, "nitf-bad-date.xml",
               "5:7: bad date in date.issue@norm: \"October 18, 2006\" (expected ISO 8601, e.g. "
               "2026-11-27T10:00:00+08:00 or 20261127T100000+0800)");
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

/* The real files: exact headline and instant, byline and source where the file has them, and
 * every paragraph of body.content. */
typedef struct {
    const char *file, *title;
    long published; /* seconds since the epoch */
    const char *author, *source;
    int paragraphs;
} sample;

static void check_sample(apr_pool_t *p, const sample *s)
{
    static const char *const skip[] = {"body.head", NULL};
    const char *path = apr_pstrcat(p, SAMPLES, s->file, NULL), *err = NULL;
    np_article *a;
    xmlDoc *doc;

    if (access(path, R_OK) != 0) {
        print_message("skipped: %s is absent (no ../shared beside this clone)\n", path);
        skip();
    }
    a = load_in(p, path, np_tz_utc(), 1);
    assert_string_equal(a->title, s->title);
    assert_true(a->published.t == apr_time_from_sec(s->published));
    if (s->author) {
        assert_int_equal(a->authors->nelts, 1);
        assert_string_equal(str_at(a->authors, 0), s->author);
    } else {
        assert_int_equal(a->authors->nelts, 0);
    }
    if (s->source)
        assert_string_equal(a->source, s->source);
    else
        assert_null(a->source);
    assert_true(np_article_visible(a, a->published.t));

    doc = np_xml_parse_file(p, path, 0, &err);
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
        cmocka_unit_test_setup_teardown(test_every_field, setup, teardown),
        cmocka_unit_test_setup_teardown(test_head_title_and_defaults, setup, teardown),
        cmocka_unit_test_setup_teardown(test_story_date_and_byttl, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pubdata_in_site_zone, setup, teardown),
        cmocka_unit_test_setup_teardown(test_embargo_and_status, setup, teardown),
        cmocka_unit_test_setup_teardown(test_latin1, setup, teardown),
        cmocka_unit_test_setup_teardown(test_doctype_not_loaded, setup, teardown),
        cmocka_unit_test_setup_teardown(test_metadata_only, setup, teardown),
        cmocka_unit_test_setup_teardown(test_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_byline, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sample_ap, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sample_efe, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sample_ntb, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sample_pa, setup, teardown),
    };
    int rc;
    apr_initialize();
    np_xml_init();
    apr_pool_create(&root_pool, NULL);
    rc = cmocka_run_group_tests(tests, NULL, NULL);
    apr_pool_destroy(root_pool);
    apr_terminate();
    return rc;
}
