/* Helpers shared by the unit tests: starting and stopping APR, a pool per test, a site over a
 * content folder, and the checks of loaded articles. Each tests/test_*.c is a program of its
 * own, so everything here is static. */
#ifndef NP_TEST_H
#define NP_TEST_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include <apr_general.h>
#include <apr_pools.h>
#include <apr_strings.h>
#include <apr_tables.h>

#include "np_article.h"
#include "np_buf.h"
#include "np_site.h"
#include "np_xml.h"

/* ---- the run ---- */

/* Starts APR and makes the pool of the whole run. */
static inline apr_pool_t *np_test_begin(void)
{
    apr_pool_t *p;
    apr_initialize();
    apr_pool_create(&p, NULL);
    return p;
}

/* Frees the run's pool p and stops APR; returns rc, the result of the tests. */
static inline int np_test_end(apr_pool_t *p, int rc)
{
    apr_pool_destroy(p);
    apr_terminate();
    return rc;
}

/* The parent of the pools np_test_setup makes. */
static apr_pool_t *np_test_root;

/* Each test gets a pool of its own as its state, destroyed after it. */
static inline int np_test_setup(void **state)
{
    apr_pool_t *p;
    apr_pool_create(&p, np_test_root);
    *state = p;
    return 0;
}

static inline int np_test_teardown(void **state)
{
    apr_pool_destroy(*state);
    return 0;
}

/* A test run with np_test_setup and np_test_teardown. */
#define np_pool_test(f) cmocka_unit_test_setup_teardown(f, np_test_setup, np_test_teardown)

/* Runs the array tests with APR, libxml2 and np_test_root ready; main returns its result. */
#define np_test_run_pooled(tests)                                                                  \
    (np_test_root = np_test_begin(), np_xml_init(),                                                \
     np_test_end(np_test_root, cmocka_run_group_tests(tests, NULL, NULL)))

/* ---- sites ---- */

/* A site over the content folder dir that checks for changes at every request. It keeps c,
 * which must outlive it. */
static inline np_site *np_test_site(apr_pool_t *p, np_site_conf *c, const char *dir)
{
    np_site_conf_init(c);
    c->content_dir = dir;
    np_site_conf_defaults(p, c);
    c->check_interval = 0;
    return np_site_create(p, c, NULL);
}

/* ---- files ---- */

/* Writes text to dir/rel, making the folders of rel that are missing. */
static inline void np_test_write(const char *dir, const char *rel, const char *text)
{
    char path[1024], *slash;
    FILE *f;
    snprintf(path, sizeof(path), "%s/%s", dir, rel);
    for (slash = strchr(path + strlen(dir) + 1, '/'); slash; slash = strchr(slash + 1, '/')) {
        *slash = '\0';
        mkdir(path, 0755);
        *slash = '/';
    }
    f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

/* ---- checks ---- */

static inline const char *str_at(const apr_array_header_t *arr, int i)
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

/* ---- articles ---- */

/* Loads the article at path, failing the test with the loader's message; format, unless NULL,
 * is the one it must be in. */
static inline np_article *np_test_load(apr_pool_t *p, const char *path, const np_tz *tz,
                                       int with_body, const char *format)
{
    np_article_opts o = {0, tz, with_body, NULL};
    const char *err = NULL;
    np_article *a = np_article_load(p, path, NULL, &o, &err);
    if (!a)
        fail_msg("%s", err);
    assert_null(err);
    if (format)
        assert_string_equal(a->format, format);
    return a;
}

/* Loading path with this slug fails with "path:" followed by want. */
static inline void np_test_load_fails(apr_pool_t *p, const char *path, const char *slug,
                                      const char *want)
{
    np_article_opts o = {0, np_tz_utc(), 1, NULL};
    const char *err = NULL;
    assert_null(np_article_load(p, path, slug, &o, &err));
    assert_non_null(err);
    assert_string_equal(err, apr_pstrcat(p, path, ":", want, NULL));
}

/* Every tag in html is one of the kept elements (docs/content.md): no agency markup (<hl2>, <bq>,
 * <person>, ...) leaks. Text '<' is always escaped, so each '<' opens a tag. */
static inline void assert_allowed_tags(const char *html)
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
static inline const char *np_test_squeeze(apr_pool_t *p, const char *s)
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
static inline const char *np_test_html_text(apr_pool_t *p, const char *html)
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
    return np_test_squeeze(p, out);
}

static inline void np_test_all_text(np_buf *b, const xmlNode *n)
{
    for (n = n->children; n; n = n->next) {
        if ((n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) && n->content)
            np_buf_puts(b, (const char *)n->content);
        else if (n->type == XML_ELEMENT_NODE)
            np_test_all_text(b, n);
    }
}

/* The <p> elements under n, not looking inside elements named in skip. */
static inline void np_test_collect_p(const xmlNode *n, const char *const *skip,
                                     apr_array_header_t *out)
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
            np_test_collect_p(n, skip, out);
    }
}

/* Each <p> of the source body has its text, normalised, in body_html, as many <p> as in the
 * source, and no markup but the allowlist's. */
static inline void assert_paragraphs(apr_pool_t *p, const np_article *a, const xmlNode *from,
                                     const char *const *skip, int want)
{
    apr_array_header_t *ps = apr_array_make(p, 64, sizeof(const xmlNode *));
    const char *out = np_test_html_text(p, a->body_html), *s;
    int i, count = 0;

    np_test_collect_p(from, skip, ps);
    assert_int_equal(ps->nelts, want);
    for (i = 0; i < ps->nelts; i++) {
        np_buf b;
        np_buf_init(&b, 256);
        np_test_all_text(&b, APR_ARRAY_IDX(ps, i, const xmlNode *));
        s = np_test_squeeze(p, np_buf_cstr(&b));
        np_buf_free(&b);
        if (!strstr(out, s))
            fail_msg("paragraph %d of %s is missing from the body: \"%s\"", i + 1, a->path, s);
    }
    for (s = strstr(a->body_html, "<p>"); s; s = strstr(s + 1, "<p>"))
        count++;
    assert_int_equal(count, ps->nelts);
    assert_allowed_tags(a->body_html);
}

/* A real agency file: exact headline and instant, byline and source where the file has them,
 * and how many paragraphs its body has. */
typedef struct {
    const char *file, *title;
    long published; /* seconds since the epoch */
    const char *author, *source;
    int paragraphs;
} sample;

/* Loads the sample at path in UTC with its body and checks all that s says but the paragraphs;
 * skips the test when the file is absent. */
static inline np_article *np_test_load_sample(apr_pool_t *p, const char *path, const sample *s,
                                              const char *format)
{
    np_article *a;

    if (access(path, R_OK) != 0) {
        print_message("skipped: %s is absent (no ../shared beside this clone)\n", path);
        skip();
    }
    a = np_test_load(p, path, np_tz_utc(), 1, format);
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
    return a;
}

#endif
