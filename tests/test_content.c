/* Unit tests of np_content (the snapshot of a content tree) and np_site's change detection,
 * on trees written into a temporary folder. */
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

#include <apr_file_io.h>
#include <apr_general.h>
#include <apr_strings.h>

#include "np_content.h"
#include "np_site.h"
#include "np_xml.h"
#include "np_test.h"

static apr_pool_t *pool;
static char root[256];

static void put(const char *rel, const char *text)
{
    np_test_write(root, rel, text);
}

static const char *article(const char *title, const char *published, const char *extra)
{
    return apr_psprintf(pool,
                        "<?xml version=\"1.0\"?>\n<article><title>%s</title><published>%s"
                        "</published>%s<body><p>%s text.</p></body></article>\n",
                        title, published, extra ? extra : "", title);
}

static int setup_tree(void **state)
{
    strcpy(root, "/tmp/np-content-XXXXXX");
    assert_non_null(mkdtemp(root));
    put("_section.xml", "<section lang=\"en\"><title>Root</title></section>");
    put("news/_section.xml", "<section><title>News and Events</title><order>2</order>"
                             "<page-size>5</page-size><description>All news.</description>"
                             "</section>");
    put("news/a.xml", article("A", "2026-01-01", "<tags><tag>Heritage</tag></tags>"));
    put("news/ich/_section.xml", "<section lang=\"fr\"><title>ICH</title></section>");
    put("news/ich/b.xml", article("B", "2026-03-01T10:00:00+08:00",
                                  "<tags><tag>heritage</tag><tag>Good Practice</tag></tags>"));
    put("news/ich/c.xml", article("C", "2026-02-01", NULL));
    put("features/d.xml", article("D", "2026-04-01", NULL));
    put("features/_hidden.xml", article("Hidden", "2026-04-01", NULL));
    put("features/.dot.xml", article("Dot", "2026-04-01", NULL));
    put("features/bad name.xml", article("Bad", "2026-04-01", NULL));
    put("features/broken.xml", "<?xml version=\"1.0\"?>\n<article>\n<title>x</title>\n<body>");
    put("features/draft.xml", article("Draft", "2026-01-05", "<status>draft</status>"));
    put("features/future.xml", article("Future", "2099-01-01", NULL));
    put("features/expiring.xml",
        article("Expiring", "2026-01-06", "<expires>2030-01-01T00:00:00Z</expires>"));
    put("media/pic.svg", "<svg/>");
    put("outside/secret.xml", article("Secret", "2026-01-01", NULL));
    return 0;
}

static int teardown_tree(void **state)
{
    char cmd[300];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
    return system(cmd) == 0 ? 0 : -1;
}

static np_snapshot *scan_dir(const char *dir)
{
    np_content_opts o;
    memset(&o, 0, sizeof(o));
    o.dir = dir;
    o.lang = "en";
    o.tz = np_tz_utc();
    o.max_article_size = 1 << 20;
    return np_content_scan(&o);
}

static np_snapshot *scan(void)
{
    return scan_dir(root);
}

static apr_time_t at(const char *iso)
{
    np_date d;
    assert_int_equal(np_date_parse(iso, np_tz_utc(), &d), 0);
    return d.t;
}

static void test_sections(void **state)
{
    np_snapshot *s = scan();
    np_section *news = np_content_section(s, "news"), *ich = np_content_section(s, "news/ich");
    np_section *feat = np_content_section(s, "features");
    assert_non_null(news);
    assert_non_null(ich);
    assert_non_null(feat);
    assert_string_equal(s->root->title, "Root");
    assert_string_equal(news->title, "News and Events");
    assert_string_equal(news->description, "All news.");
    assert_int_equal(news->page_size, 5);
    assert_string_equal(feat->title, "Features"); /* made from the folder name */
    assert_ptr_equal(ich->parent, news);
    assert_int_equal(ich->depth, 2);
    assert_string_equal(news->lang, "en"); /* inherited from the root */
    assert_string_equal(ich->lang, "fr");
    /* media holds no articles and no section file: not a section */
    assert_null(np_content_section(s, "media"));
    /* order: news (2) before features (none) */
    assert_int_equal(s->root->nchildren, 3); /* features, news, outside */
    assert_ptr_equal(s->root->children[0], news);
    np_snapshot_release(s);
}

static void test_articles_and_order(void **state)
{
    np_snapshot *s = scan();
    np_section *news = np_content_section(s, "news");
    int i;
    /* A (news) + B, C (news/ich): a section lists its descendants' articles, newest first. */
    assert_int_equal(news->nentries, 3);
    assert_string_equal(news->entries[0]->a->title, "B");
    assert_string_equal(news->entries[1]->a->title, "C");
    assert_string_equal(news->entries[2]->a->title, "A");
    for (i = 1; i < s->nall; i++)
        assert_true(s->all[i - 1]->a->published.t >= s->all[i]->a->published.t);
    assert_string_equal(np_content_section(s, "news/ich")->entries[0]->lang, "fr");
    /* _x, .x and bad names are not articles */
    assert_null(np_content_article_by_slug(s, "_hidden", at("2026-06-01")));
    assert_null(np_content_article_by_slug(s, "bad name", at("2026-06-01")));
    assert_non_null(
        np_content_article(pool, s, np_content_section(s, "features"), "d", at("2026-06-01")));
    assert_null(np_content_article(pool, s, news, "d", at("2026-06-01")));
    np_snapshot_release(s);
}

static void test_errors_recorded(void **state)
{
    np_snapshot *s = scan();
    const np_error_rec *e;
    int i, found = 0;
    for (i = 0; i < s->errors->nelts; i++) {
        e = &APR_ARRAY_IDX(s->errors, i, np_error_rec);
        if (strstr(e->path, "broken.xml")) {
            found = 1;
            assert_non_null(strstr(e->message, "broken.xml:4:"));
        }
    }
    assert_true(found);
    assert_null(np_content_article_by_slug(s, "broken", at("2026-06-01")));
    /* the rest of the section is there */
    assert_non_null(np_content_article_by_slug(s, "d", at("2026-06-01")));
    np_snapshot_release(s);
}

static void test_visibility(void **state)
{
    np_snapshot *s = scan();
    np_section *feat = np_content_section(s, "features");
    np_entry *out[10];
    apr_time_t now = at("2026-06-01");
    int n = np_content_visible(feat->entries, feat->nentries, now, 0, out, 10);
    assert_int_equal(n, 2); /* d and expiring; not draft, not future */
    assert_string_equal(out[0]->a->title, "D");
    assert_string_equal(out[1]->a->title, "Expiring");
    assert_int_equal(
        np_content_visible(feat->entries, feat->nentries, at("2031-01-01"), 0, out, 10), 1);
    /* skip and max */
    assert_int_equal(np_content_visible(feat->entries, feat->nentries, now, 1, out, 1), 2);
    assert_string_equal(out[0]->a->title, "Expiring");
    assert_null(np_content_article_by_slug(s, "draft", now));
    assert_null(np_content_article_by_slug(s, "future", now));
    assert_int_equal(np_content_next_change(feat->entries, feat->nentries, now),
                     at("2030-01-01T00:00:00Z"));
    assert_int_equal(np_content_next_change(feat->entries, feat->nentries, at("2030-06-01")),
                     at("2099-01-01"));
    np_snapshot_release(s);
}

static void test_tags(void **state)
{
    np_snapshot *s = scan();
    np_tag *t = np_content_tag(s, "heritage");
    assert_non_null(t);
    assert_int_equal(t->nentries, 2); /* "Heritage" and "heritage" are one tag */
    assert_string_equal(t->entries[0]->a->title, "B");
    assert_non_null(np_content_tag(s, "good-practice"));
    assert_string_equal(np_tag_slug(pool, "  Good  Practice "), "good-practice");
    assert_string_equal(np_tag_slug(pool, "非遗"), "非遗");
    np_snapshot_release(s);
}

static void test_symlinks(void **state)
{
    char link[512], target[512], sub[512];
    np_snapshot *s;
    /* A tree inside root/site whose symlinks lead outside it and inside it. */
    snprintf(sub, sizeof(sub), "%s/site", root);
    mkdir(sub, 0755);
    put("site/ok.xml", article("Ok", "2026-01-01", NULL));
    snprintf(target, sizeof(target), "%s/outside/secret.xml", root);
    snprintf(link, sizeof(link), "%s/site/leak.xml", root);
    assert_int_equal(symlink(target, link), 0);
    /* An absolute link is refused even to a file inside (docs/security.md "Symlinks"). */
    snprintf(target, sizeof(target), "%s/site/ok.xml", root);
    snprintf(link, sizeof(link), "%s/site/absolute.xml", root);
    assert_int_equal(symlink(target, link), 0);
    snprintf(link, sizeof(link), "%s/site/alias.xml", root);
    assert_int_equal(symlink("ok.xml", link), 0);
    s = scan_dir(sub);
    assert_null(np_content_article_by_slug(s, "leak", at("2026-06-01")));
    assert_null(np_content_article_by_slug(s, "absolute", at("2026-06-01")));
    assert_non_null(np_content_article_by_slug(s, "alias", at("2026-06-01")));
    np_snapshot_release(s);
}

static void test_names(void **state)
{
    assert_true(np_content_name_ok("news-and-events"));
    assert_true(np_content_name_ok("a.b_c-1"));
    assert_false(np_content_name_ok("-x"));
    assert_false(np_content_name_ok("a b"));
    assert_false(np_content_name_ok(""));
    assert_false(np_content_name_ok("éa"));
    assert_string_equal(np_section_title_from_name(pool, "news-and-events"), "News and events");
}

static void test_site_sees_changes(void **state)
{
    np_site_conf c;
    np_site *site;
    np_snapshot *s;
    site = np_test_site(pool, &c, root);
    s = np_site_snapshot(site, apr_time_now(), NULL);
    assert_null(np_content_article_by_slug(s, "late", at("2026-06-01")));
    np_snapshot_release(s);
    sleep(1); /* folder mtimes have a resolution of a second on some file systems */
    put("news/late.xml", article("Late", "2026-01-01", NULL));
    s = np_site_snapshot(site, apr_time_now(), NULL);
    assert_non_null(np_content_article_by_slug(s, "late", at("2026-06-01")));
    np_snapshot_release(s);
}

static int limit_lines;
static char limit_last[512];

static void count_lines(void *baton, int level, const char *msg)
{
    (void)baton;
    (void)level;
    limit_lines++;
    snprintf(limit_last, sizeof(limit_last), "%s", msg);
}

/* Numbers out of bounds are refused where they are read, with a log line; cut texts and
 * dropped tags are logged once per scan that reads the file, not per use. */
static void test_limits(void **state)
{
    np_logger lg = {count_lines, NULL, NP_LOG_DEBUG};
    np_content_opts o;
    np_snapshot *s;
    const np_section *big, *neg;
    np_entry *e;
    (void)state;
    memset(&o, 0, sizeof(o));
    o.dir = "tests/fixtures/limits";
    o.lang = "en";
    o.tz = np_tz_utc();
    o.max_article_size = 1 << 20;
    o.log = &lg;
    limit_lines = 0;
    s = np_content_scan(&o);
    big = np_content_section(s, "big");
    neg = np_content_section(s, "neg");
    assert_non_null(big);
    assert_non_null(neg);
    assert_int_equal(big->page_size, 0); /* 2147483647: the site's page size applies */
    assert_int_equal(neg->page_size, 0);
    assert_int_equal(big->order, 1000000); /* as without <order> */
    assert_int_equal(neg->order, 1000000);
    assert_int_equal(strlen(neg->description), NP_MAX_SUMMARY);
    e = big->entries[0];
    assert_int_equal(e->a->tags->nelts, NP_MAX_TAGS);
    assert_int_equal(e->a->authors->nelts, NP_MAX_AUTHORS);
    assert_int_equal(strlen(e->a->title), 1000); /* 500 two-byte characters */
    assert_int_equal(apr_hash_count(s->tags), NP_MAX_TAGS);
    assert_int_equal(np_content_tag(s, "t100")->nentries, 1);
    assert_null(np_content_tag(s, "t101"));
    /* 2 numbers x 2 sections, the description, the title, the authors, the tags. */
    assert_int_equal(limit_lines, 8);
    np_snapshot_release(s);
}

/* The index of tags grows with the uses of tags, not tags x articles: 100 articles with 100
 * distinct tags each (10,000 tags) index in a moment and little memory. */
static void test_tag_index_linear(void **state)
{
    const char *dir = apr_pstrcat(pool, root, "-tags", NULL);
    np_snapshot *s;
    int i, j;
    (void)state;
    assert_int_equal(
        apr_dir_make_recursive(apr_pstrcat(pool, dir, "/s", NULL), APR_FPROT_OS_DEFAULT, pool),
        APR_SUCCESS);
    for (i = 0; i < 100; i++) {
        np_buf b;
        FILE *f = fopen(apr_psprintf(pool, "%s/s/a%d.xml", dir, i), "w");
        assert_non_null(f);
        np_buf_init(&b, 4096);
        np_buf_printf(&b, "<article><title>A%d</title><published>2026-01-01</published><tags>", i);
        for (j = 0; j < 100; j++)
            np_buf_printf(&b, "<tag>x%d-%d</tag>", i, j);
        np_buf_puts(&b, "<tag>common</tag></tags><body><p>t</p></body></article>");
        fwrite(b.data, 1, b.len, f);
        np_buf_free(&b);
        fclose(f);
    }
    s = scan_dir(dir);
    assert_int_equal(s->nall, 100);
    assert_int_equal(apr_hash_count(s->tags), 100 * 100); /* "common" is the 101st: dropped */
    assert_int_equal(np_content_tag(s, "x5-7")->nentries, 1);
    np_snapshot_release(s);
    assert_int_equal(system(apr_pstrcat(pool, "rm -rf '", dir, "'", NULL)), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sections),
        cmocka_unit_test(test_limits),
        cmocka_unit_test(test_tag_index_linear),
        cmocka_unit_test(test_articles_and_order),
        cmocka_unit_test(test_errors_recorded),
        cmocka_unit_test(test_visibility),
        cmocka_unit_test(test_tags),
        cmocka_unit_test(test_symlinks),
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_site_sees_changes),
    };
    pool = np_test_begin();
    np_xml_init();
    return np_test_end(pool,
                       cmocka_run_group_tests_name("content", tests, setup_tree, teardown_tree));
}
