/* Tests of np_lint (newsportal lint): the whole output for tests/fixtures/lint/, which holds one
 * file or folder per problem, with and without --strict; exit statuses; symbolic links and an
 * unreadable tree, on trees made in a temporary folder. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <cmocka.h>

#include <apr_general.h>
#include <apr_strings.h>

#include "np_index.h"
#include "np_lint.h"
#include "np_xml.h"
#include "np_test.h"

#define FIX "tests/fixtures/lint"

/* Lints dir and returns the printed output; *rc gets np_lint_print's exit status. */
static const char *lint(apr_pool_t *p, const char *dir, int strict, int *rc)
{
    np_lint_opts o = {strict, 0, NULL, NULL};
    char *buf = NULL;
    size_t len = 0;
    const char *out;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    *rc = np_lint_print(f, np_lint_tree(p, dir, &o));
    fclose(f);
    out = apr_pstrmemdup(p, buf, len);
    free(buf);
    return out;
}

/* Compares line by line first, so a failure names the first line that differs. */
static void assert_output(const char *got, const char *want)
{
    const char *g = got, *w = want;
    int line = 1;
    while (*g && *w) {
        size_t gn = strcspn(g, "\n"), wn = strcspn(w, "\n");
        if (gn != wn || memcmp(g, w, gn) != 0)
            fail_msg("line %d differs:\n got: %.*s\nwant: %.*s", line, (int)gn, g, (int)wn, w);
        g += gn + (g[gn] == '\n');
        w += wn + (w[wn] == '\n');
        line++;
    }
    assert_string_equal(got, want);
}

#define URLS "only http, https, mailto and relative URLs are allowed"
#define RULE "[A-Za-z0-9][A-Za-z0-9._-]*"
#define SEC_TITLE(name) "the section is called \"" name "\", after its folder"

static const char *const fixture_lines[][2] = {
    {"warning", "NOTES.XML:0:0: %s: not read as an article: the extension must be .xml, in "
                "lower case"},
    {"warning", "agency/abstract-only.xml:2:1: %s: no body; the summary is shown"},
    {"error", "bad folder!:0:0: %s: folder name is not " RULE
              ": the module skips it with its 1 article file"},
    {"warning", "empty-title/_section.xml:3:3: %s: empty <title>: " SEC_TITLE("Empty title")},
    {"error", "errors/bad name.xml:0:0: %s: file name is not " RULE ".xml: the module skips it"},
    {"error", "errors/bad-date.xml:4:3: %s: bad date in <published>: \"March 1st, 2026\" "
              "(expected RFC 3339, e.g. 2026-11-27T10:00:00+08:00, or a bare date, e.g. "
              "2026-11-27)"},
    {"error",
     "errors/dup-b.xml:2:1: %s: duplicate id \"same-id\": also in " FIX "/errors/dup-a.xml"},
    {"error", "errors/entity.xml:3:3: %s: entity declarations are not allowed (external entity "
              "'secret')"},
    {"error", "errors/malformed.xml:6:10: %s: Opening and ending tag mismatch: p line 5 and body"},
    {"error", "errors/missing-body.xml:2:1: %s: missing <body>"},
    {"error", "errors/missing-published.xml:2:1: %s: missing <published>"},
    {"error", "errors/missing-title.xml:2:1: %s: missing <title>"},
    {"error", "errors/unknown-root.xml:2:1: %s: unknown root element <story>"},
    {"warning", "good/clean.xml:0:0: %s: slug \"clean\" is also used by " FIX
                "/again/clean.xml: a route without {section*} reaches only one of them"},
    {"warning", "markup/attributes.xml:6:5: %s: attribute class of <p> is dropped: not in the "
                "allowlist, and 2 more times in this file"},
    {"warning", "markup/attributes.xml:7:5: %s: attribute style of <p> is dropped: styles are "
                "never kept"},
    {"warning", "markup/attributes.xml:7:5: %s: attribute onclick of <p> is dropped: event "
                "handlers are never kept"},
    {"warning", "markup/dropped.xml:6:14: %s: <script> is dropped with its content"},
    {"warning", "markup/dropped.xml:7:5: %s: <x:note> is dropped with its content"},
    {"warning", "markup/unwrapped.xml:6:5: %s: <h1> is not allowed in the body: its tags are "
                "dropped, its text kept"},
    {"warning", "markup/unwrapped.xml:7:8: %s: <font> is not allowed in the body: its tags are "
                "dropped, its text kept"},
    {"warning", "markup/urls.xml:6:8: %s: href=\"javascript:alert(1)\" of <a> is dropped: " URLS},
    {"warning", "markup/urls.xml:7:8: %s: src=\"data:image/png;base64,AAAA\" of <img> is "
                "dropped: " URLS},
    {"warning", "media files:0:0: %s: folder name is not " RULE ": the module skips it"},
    {"error", "not-a-section/_section.xml:2:1: %s: the root element must be <section>"},
    {"warning", "numbers/_section.xml:4:3: %s: <order> \"first\" is not a whole number; the "
                "section is ordered as without one"},
    {"warning", "numbers/_section.xml:5:3: %s: <page-size> \"0\" is outside 1..1000; "
                "NewsPortalPageSize applies"},
    {"warning",
     "untitled:0:0: %s: section without _section.xml: it is called \"Untitled\", after its "
     "folder"},
};

static const char *fixture_output(apr_pool_t *p, int strict)
{
    const char *out = "";
    size_t i;
    for (i = 0; i < sizeof(fixture_lines) / sizeof(fixture_lines[0]); i++)
        out = apr_pstrcat(
            p, out, FIX "/",
            apr_psprintf(p, fixture_lines[i][1], strict ? "error" : fixture_lines[i][0]), "\n",
            NULL);
    return apr_pstrcat(p, out,
                       strict ? "lint: 32 files, 28 errors, 0 warnings\n"
                              : "lint: 32 files, 11 errors, 17 warnings\n",
                       NULL);
}

static void test_fixture_tree(void **state)
{
    apr_pool_t *p = *state;
    int rc;
    const char *out = lint(p, FIX, 0, &rc);
    assert_output(out, fixture_output(p, 0));
    assert_int_equal(rc, 1);
    /* A trailing slash changes nothing. */
    assert_string_equal(lint(p, FIX "/", 0, &rc), out);
}

static void test_fixture_tree_strict(void **state)
{
    apr_pool_t *p = *state;
    int rc;
    assert_output(lint(p, FIX, 1, &rc), fixture_output(p, 1));
    assert_int_equal(rc, 1);
}

static void test_exit_status(void **state)
{
    apr_pool_t *p = *state;
    np_lint_result *r;
    int rc;

    /* Clean: 0 either way. */
    assert_string_equal(lint(p, FIX "/good", 0, &rc), "lint: 2 files, 0 errors, 0 warnings\n");
    assert_int_equal(rc, 0);
    lint(p, FIX "/good", 1, &rc);
    assert_int_equal(rc, 0);

    /* Warnings alone: 0, but 1 with --strict. */
    lint(p, FIX "/markup", 0, &rc);
    assert_int_equal(rc, 0);
    lint(p, FIX "/markup", 1, &rc);
    assert_int_equal(rc, 1);

    r = np_lint_tree(p, FIX "/markup", NULL);
    assert_int_equal(r->files, 5);
    assert_int_equal(r->errors, 0);
    assert_int_equal(r->warnings, 9);
    assert_int_equal(r->findings->nelts, 9);

    /* Errors: 1 either way. */
    lint(p, FIX "/errors", 0, &rc);
    assert_int_equal(rc, 1);
}

static void test_missing_tree(void **state)
{
    apr_pool_t *p = *state;
    int rc;
    const char *out = lint(p, FIX "/no-such-folder", 0, &rc);
    assert_string_equal(out, FIX "/no-such-folder:0:0: error: cannot read the folder: No such "
                                 "file or directory\nlint: 0 files, 1 error, 0 warnings\n");
    assert_int_equal(rc, 1);
}

static void put(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void test_symlinks(void **state)
{
    apr_pool_t *p = *state;
    char dir[] = "/tmp/np-lint-XXXXXX";
    const char *want;
    int rc;

    assert_non_null(mkdtemp(dir));
    assert_int_equal(mkdir(apr_pstrcat(p, dir, "/news", NULL), 0755), 0);
    put(apr_pstrcat(p, dir, "/news/_section.xml", NULL), "<section><title>News</title></section>");
    put(apr_pstrcat(p, dir, "/news/story.xml", NULL),
        "<article><title>T</title><published>2026-01-01</published><body><p>x</p></body>"
        "</article>");
    assert_int_equal(symlink("..", apr_pstrcat(p, dir, "/news/loop", NULL)), 0);
    assert_int_equal(symlink("/etc", apr_pstrcat(p, dir, "/news/outside", NULL)), 0);
    assert_int_equal(symlink("nowhere", apr_pstrcat(p, dir, "/news/dangling", NULL)), 0);
    assert_int_equal(symlink("story.xml", apr_pstrcat(p, dir, "/news/alias.xml", NULL)), 0);
    /* Refused by the module although it names a file inside: absolute. */
    assert_int_equal(symlink(apr_pstrcat(p, dir, "/news/story.xml", NULL),
                             apr_pstrcat(p, dir, "/news/abs.xml", NULL)),
                     0);
    /* A _section.xml is confined like the rest. */
    assert_int_equal(mkdir(apr_pstrcat(p, dir, "/sports", NULL), 0755), 0);
    assert_int_equal(symlink("/etc/passwd", apr_pstrcat(p, dir, "/sports/_section.xml", NULL)), 0);

    /* alias.xml, a link inside the tree, is read like any article: no finding. */
    want = apr_psprintf(p,
                        "%s/news/abs.xml:0:0: warning: absolute symbolic link; not followed (make "
                        "it a relative link that stays inside the content folder)\n"
                        "%s/news/dangling:0:0: warning: broken symbolic link\n"
                        "%s/news/loop:0:0: warning: symbolic link leads back to a folder that "
                        "contains it; the module would read that folder again under this name\n"
                        "%s/news/outside:0:0: warning: symbolic link leads outside the content "
                        "folder; not followed\n"
                        "%s/sports/_section.xml:0:0: warning: symbolic link leads outside the "
                        "content folder; not followed\n"
                        "lint: 3 files, 0 errors, 5 warnings\n",
                        dir, dir, dir, dir, dir);
    assert_output(lint(p, dir, 0, &rc), want);
    assert_int_equal(rc, 0);

    unlink(apr_pstrcat(p, dir, "/news/alias.xml", NULL));
    unlink(apr_pstrcat(p, dir, "/news/abs.xml", NULL));
    unlink(apr_pstrcat(p, dir, "/sports/_section.xml", NULL));
    rmdir(apr_pstrcat(p, dir, "/sports", NULL));
    unlink(apr_pstrcat(p, dir, "/news/dangling", NULL));
    unlink(apr_pstrcat(p, dir, "/news/outside", NULL));
    unlink(apr_pstrcat(p, dir, "/news/loop", NULL));
    unlink(apr_pstrcat(p, dir, "/news/story.xml", NULL));
    unlink(apr_pstrcat(p, dir, "/news/_section.xml", NULL));
    rmdir(apr_pstrcat(p, dir, "/news", NULL));
    rmdir(dir);
}

/* Numbers out of bounds and what the limits cut (docs/content.md), each with its place. */
static void test_limits(void **state)
{
    apr_pool_t *p = *state;
    int rc;
    const char *out = lint(p, "tests/fixtures/limits", 0, &rc);
    assert_int_equal(rc, 0);
    assert_output(
        out,
        "tests/fixtures/limits/big/_section.xml:4:3: warning: <order> "
        "\"99999999999999999999999\" is outside -999999..999999; the section is ordered as "
        "without one\n"
        "tests/fixtures/limits/big/_section.xml:5:3: warning: <page-size> \"2147483647\" is "
        "outside 1..1000; NewsPortalPageSize applies\n"
        "tests/fixtures/limits/big/many.xml:3:3: warning: the title is 1200 bytes: cut to 1000 "
        "(the limit is 1000 bytes)\n"
        "tests/fixtures/limits/big/many.xml:4:1294: warning: 10 more authors beyond the limit of "
        "50: dropped\n"
        "tests/fixtures/limits/big/many.xml:6:1401: warning: 50 more tags beyond the limit of "
        "100: dropped\n"
        "tests/fixtures/limits/neg/_section.xml:4:3: warning: <order> \"-1000000\" is outside "
        "-999999..999999; the section is ordered as without one\n"
        "tests/fixtures/limits/neg/_section.xml:5:3: warning: <page-size> \"-5\" is outside "
        "1..1000; NewsPortalPageSize applies\n"
        "tests/fixtures/limits/neg/_section.xml:6:3: warning: <description> is 2100 bytes: cut to "
        "2000 bytes\n"
        "lint: 3 files, 0 errors, 8 warnings\n");
}

/* Previous URLs: one claimed twice, one that is another article's current URL (with the
 * default routes), one that is the article's own. */
static void test_previous_urls(void **state)
{
    apr_pool_t *p = *state;
    int rc;
    const char *out = lint(p, "tests/fixtures/lint-moved", 0, &rc);
    assert_int_equal(rc, 1);
    assert_output(out,
                  "tests/fixtures/lint-moved/desk/a.xml:0:0: error: previous URL \"/desk/b.html\" "
                  "is the current URL of tests/fixtures/lint-moved/desk/b.xml: that article is "
                  "served there\n"
                  "tests/fixtures/lint-moved/desk/b.xml:0:0: error: previous URL "
                  "\"/desk/old.html\" is also claimed by tests/fixtures/lint-moved/desk/a.xml: "
                  "only one of them is reached\n"
                  "tests/fixtures/lint-moved/desk/b.xml:0:0: warning: previous URL "
                  "\"/desk/b.html\" is this article's own URL\n"
                  "lint: 5 files, 2 errors, 1 warning\n");
}

static void index_tree(apr_pool_t *p, const char *dir, const char *db)
{
    np_index_opts o;
    np_index_stats st;
    const char *err = NULL;
    np_index *idx;
    memset(&o, 0, sizeof(o));
    o.dir = dir;
    o.max_article_size = 1024 * 1024;
    o.threads = 1;
    if (!(idx = np_index_open(p, db, &o, 0, &err)))
        fail_msg("%s", err);
    assert_int_equal(np_index_update(idx, &st, &err), APR_SUCCESS);
    np_index_close(idx);
}

/* With --index, a move the index remembers without a <previous-url> is reported (only that
 * server redirects the old URL), and no longer once the file names it. */
static void test_moves_need_previous_urls(void **state)
{
    apr_pool_t *p = *state;
    char dir[] = "/tmp/np-lint-moves-XXXXXX", from[128], to[128];
    const char *db, *out;
    np_lint_opts o = {0, 0, NULL, NULL};
    char *buf = NULL;
    size_t len = 0;
    FILE *f;
    assert_non_null(mkdtemp(dir));
    db = apr_pstrcat(p, dir, ".sqlite", NULL);
    np_test_write(dir, "desk/story.xml",
                  "<article id=\"story-9\"><title>S</title>"
                  "<published>2026-01-01</published><body><p>x</p></body>"
                  "</article>");
    index_tree(p, dir, db);
    snprintf(from, sizeof(from), "%s/desk/story.xml", dir);
    snprintf(to, sizeof(to), "%s/world/story-moved.xml", dir);
    mkdir(apr_pstrcat(p, dir, "/world", NULL), 0755);
    assert_int_equal(rename(from, to), 0);
    index_tree(p, dir, db);
    o.index = db;
    f = open_memstream(&buf, &len);
    np_lint_print(f, np_lint_tree(p, dir, &o));
    fclose(f);
    out = apr_pstrdup(p, buf);
    free(buf);
    assert_non_null(strstr(out, "/world/story-moved.xml:0:0: warning: id \"story-9\" moved here "
                                "from /desk/story.html: only the server whose index saw the move "
                                "redirects; add <previous-url>/desk/story.html</previous-url>"));
    np_test_write(dir, "world/story-moved.xml",
                  "<article id=\"story-9\"><title>S</title><published>2026-01-01</published>"
                  "<previous-url>/desk/story.html</previous-url><body><p>x</p></body></article>");
    index_tree(p, dir, db);
    buf = NULL;
    f = open_memstream(&buf, &len);
    np_lint_print(f, np_lint_tree(p, dir, &o));
    fclose(f);
    assert_null(strstr(buf, "moved here"));
    free(buf);
    assert_int_equal(system(apr_pstrcat(p, "rm -rf ", dir, " ", db, "*", NULL)), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        np_pool_test(test_limits),
        np_pool_test(test_fixture_tree),
        np_pool_test(test_fixture_tree_strict),
        np_pool_test(test_exit_status),
        np_pool_test(test_missing_tree),
        np_pool_test(test_symlinks),
        np_pool_test(test_previous_urls),
        np_pool_test(test_moves_need_previous_urls),
    };
    return np_test_run_pooled(tests);
}
