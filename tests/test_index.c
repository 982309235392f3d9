/* The content index: built from a tree, it answers every lookup exactly as the snapshot of
 * np_content_scan does (visibility, order, counts, next change), and an update reads only what
 * changed. */
#include "np_test.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <utime.h>

#include <sqlite3.h>

#include "np_content.h"
#include "np_index.h"

static apr_pool_t *pool;
static char root[256], dbfile[300];
static char logged[8192];

static void capture(void *baton, int level, const char *msg)
{
    size_t n = strlen(logged);
    (void)baton;
    (void)level;
    snprintf(logged + n, sizeof(logged) - n, "%s\n", msg);
}

static const np_logger logger = {capture, NULL, NP_LOG_DEBUG};

static void put_at(const char *rel, const char *text, long mtime)
{
    char path[512];
    np_test_write(root, rel, text);
    snprintf(path, sizeof(path), "%s/%s", root, rel);
    if (mtime) {
        struct utimbuf t = {mtime, mtime};
        utime(path, &t);
    }
}

/* Files are given an mtime well in the past: a file written in the last second is read again
 * if it fails, which would slow the broken-file tests down. */
static void put(const char *rel, const char *text)
{
    put_at(rel, text, 1700000000);
}

static const char *article(const char *title, const char *published, const char *extra)
{
    return apr_psprintf(pool,
                        "<?xml version=\"1.0\"?>\n<article><title>%s</title><published>%s"
                        "</published>%s<body><p>%s text.</p></body></article>\n",
                        title, published, extra ? extra : "", title);
}

static void rm(const char *rel)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/%s", root, rel);
    assert_int_equal(unlink(path), 0);
}

static const char *sections[] = {"", "news", "news/ich", "news/ich/deep", "features", "zh"};
#define NSECTIONS (sizeof(sections) / sizeof(sections[0]))

static int setup_tree(void **state)
{
    int i;
    (void)state;
    strcpy(root, "/tmp/np-index-XXXXXX");
    assert_non_null(mkdtemp(root));
    snprintf(dbfile, sizeof(dbfile), "%s.db", root);
    put("_section.xml", "<section lang=\"en\"><title>Root</title></section>");
    put("news/_section.xml", "<section><title>News</title><order>2</order>"
                             "<page-size>5</page-size><description>All news.</description>"
                             "</section>");
    put("news/ich/_section.xml", "<section lang=\"fr\"><title>ICH</title><order>1</order>"
                                 "</section>");
    put("zh/_section.xml", "<section lang=\"zh\"><title>中文</title><order>1</order></section>");
    /* 120 articles over the sections: equal dates (ties broken by path), embargoes, expiries,
     * drafts, tags */
    for (i = 0; i < 120; i++) {
        const char *sec = sections[1 + i % (NSECTIONS - 1)];
        const char *extra = apr_psprintf(
            pool, "<tags><tag>T%d</tag><tag>all news</tag>%s</tags>%s%s%s", i % 7,
            i % 11 == 0 ? "<tag>All_News</tag>" : "", i % 13 == 5 ? "<status>draft</status>" : "",
            i % 9 == 4 ? "<expires>2026-06-01T00:00:00Z</expires>" : "",
            i % 17 == 3 ? "<subtitle>Sub</subtitle><author>A</author><author>B</author>"
                          "<image src=\"/i.jpg\" width=\"3\"><alt>alt</alt></image>"
                          "<related><link href=\"https://x/\">X</link><link href=\"/y\"/>"
                          "</related>"
                        : "");
        const char *pub = i % 10 == 9  ? "2026-09-01T00:00:00Z" /* an embargo */
                          : i % 4 == 0 ? "2026-03-01"           /* many on the same day */
                                       : apr_psprintf(pool, "2026-%02d-%02dT%02d:00:00Z", 1 + i % 8,
                                                      1 + i % 27, i % 24);
        put(apr_psprintf(pool, "%s/a%03d.xml", sec, i),
            article(apr_psprintf(pool, "Article %d", i), pub, extra));
    }
    put("news/ich/deep/zz.xml", article("Deep", "2026-05-05", "<tags><tag>T1</tag></tags>"));
    put("media/pic.svg", "<svg/>");
    put("features/_hidden.xml", article("Hidden", "2026-04-01", NULL));
    put("features/bad name.xml", article("Bad", "2026-04-01", NULL));
    memset(logged, 0, sizeof(logged));
    return 0;
}

static int teardown_tree(void **state)
{
    char cmd[1300];
    (void)state;
    snprintf(cmd, sizeof(cmd), "rm -rf '%s' '%s' '%s-wal' '%s-shm'", root, dbfile, dbfile, dbfile);
    return system(cmd) == 0 ? 0 : -1;
}

static void opts(np_index_opts *o, int stale)
{
    memset(o, 0, sizeof(*o));
    o->dir = root;
    o->lang = "en";
    o->tz = np_tz_utc();
    o->max_article_size = 1 << 20;
    o->log = &logger;
    o->stale_on_error = stale;
    o->threads = 2;
    o->batch = 7; /* many small transactions */
}

static np_index *build(int stale, np_index_stats *st)
{
    np_index_opts o;
    const char *err = NULL;
    np_index *idx;
    opts(&o, stale);
    idx = np_index_open(pool, dbfile, &o, 0, &err);
    assert_non_null(idx);
    assert_int_equal(np_index_update(idx, st, &err), APR_SUCCESS);
    return idx;
}

static np_snapshot *scan(void)
{
    np_content_opts o;
    memset(&o, 0, sizeof(o));
    o.dir = root;
    o.lang = "en";
    o.tz = np_tz_utc();
    o.max_article_size = 1 << 20;
    o.stale_on_error = 1;
    return np_content_scan(&o);
}

static apr_time_t at(const char *iso)
{
    np_date d;
    assert_int_equal(np_date_parse(iso, np_tz_utc(), &d), 0);
    return d.t;
}

/* A list read from the index, page by page, is the snapshot's list at now. */
static void same_list(np_index *idx, np_entry *const *list, int n, const np_visibility *vis,
                      const char *section, const char *tag, apr_time_t now)
{
    np_entry *want[256];
    int total = np_content_visible(list, n, now, 0, want, 256), skip;
    apr_time_t next = np_content_next_change(list, n, now);
    (void)vis;
    for (skip = 0; skip <= total; skip += 10) {
        np_index_page pg;
        int i, ok;
        apr_pool_t *p;
        apr_pool_create(&p, pool);
        ok = tag ? np_index_list_tag(idx, p, tag, now, skip, 10, &pg, NULL)
                 : np_index_list_section(idx, p, section, now, skip, 10, &pg);
        assert_true(ok);
        assert_int_equal(pg.total, total);
        assert_int_equal(pg.next_change, next);
        assert_int_equal(pg.n, total - skip < 10 ? total - skip : 10);
        for (i = 0; i < pg.n; i++) {
            assert_string_equal(pg.items[i]->a.path, want[skip + i]->a->path);
            assert_string_equal(pg.items[i]->a.title, want[skip + i]->a->title);
            assert_string_equal(pg.items[i]->lang, want[skip + i]->lang);
            assert_int_equal(pg.items[i]->digest, want[skip + i]->digest);
        }
        apr_pool_destroy(p);
    }
}

/* Every lookup the pages make gives the snapshot's answer, at instants before, between and
 * after the embargoes and expiries of the tree. */
static void check_against_scan(np_index *idx)
{
    static const char *instants[] = {"2025-12-31T00:00:00Z",        "2026-03-01T00:00:00Z",
                                     "2026-05-31T23:59:59Z",        "2026-06-01T00:00:00Z",
                                     "2026-08-31T23:59:59.999999Z", "2026-09-01T00:00:00Z",
                                     "2030-01-01T00:00:00Z"};
    np_snapshot *s = scan();
    apr_hash_index_t *hi;
    size_t k;
    for (k = 0; k < sizeof(instants) / sizeof(instants[0]); k++) {
        apr_time_t now = at(instants[k]);
        int i;
        for (hi = apr_hash_first(pool, s->sections); hi; hi = apr_hash_next(hi)) {
            np_section *sec = apr_hash_this_val(hi);
            np_index_section is;
            apr_array_header_t *kids;
            same_list(idx, sec->entries, sec->nentries, &sec->vis, sec->path, NULL, now);
            assert_true(np_index_section_get(idx, pool, sec->path, &is));
            if (sec->title)
                assert_string_equal(is.title, sec->title);
            else
                assert_null(is.title);
            assert_string_equal(is.lang, sec->lang);
            assert_int_equal(is.order, sec->order);
            assert_int_equal(is.page_size, sec->page_size);
            assert_int_equal(is.nav_digest, s->nav_digest);
            kids = np_index_section_children(idx, pool, sec->path);
            assert_int_equal(kids->nelts, sec->nchildren);
            for (i = 0; i < sec->nchildren; i++)
                assert_string_equal(APR_ARRAY_IDX(kids, i, np_index_section).path,
                                    sec->children[i]->path);
        }
        for (hi = apr_hash_first(pool, s->tags); hi; hi = apr_hash_next(hi)) {
            np_tag *t = apr_hash_this_val(hi);
            same_list(idx, t->entries, t->nentries, &t->vis, NULL, t->slug, now);
        }
        for (i = 0; i < s->nall; i++) {
            np_entry *e = s->all[i];
            np_index_entry *x = np_index_article(idx, pool, e->section->path, e->a->slug, now);
            np_index_entry *y = np_index_article_by_slug(idx, pool, e->a->slug, now);
            np_entry *by = np_content_article_by_slug(s, e->a->slug, now);
            if (!np_article_visible(e->a, now)) {
                assert_null(x);
            } else {
                const np_entry *older = NULL, *newer = NULL;
                np_index_entry *xo, *xn;
                int j;
                assert_non_null(x);
                assert_string_equal(x->a.title, e->a->title);
                assert_int_equal(x->a.published.t, e->a->published.t);
                assert_int_equal(x->a.published.offset, e->a->published.offset);
                assert_int_equal(x->a.published.date_only, e->a->published.date_only);
                assert_int_equal(x->a.expires.t, e->a->expires.t);
                assert_int_equal(x->a.tags->nelts, e->a->tags ? e->a->tags->nelts : 0);
                assert_int_equal(x->a.authors->nelts, e->a->authors ? e->a->authors->nelts : 0);
                for (j = 0; j < x->a.tags->nelts; j++)
                    assert_string_equal(APR_ARRAY_IDX(x->a.tags, j, const char *),
                                        APR_ARRAY_IDX(e->a->tags, j, const char *));
                if (e->a->summary)
                    assert_string_equal(x->a.summary, e->a->summary);
                if (e->a->image) {
                    assert_string_equal(x->a.image->src, e->a->image->src);
                    assert_string_equal(x->a.image->alt, e->a->image->alt);
                    assert_null(x->a.image->caption);
                    assert_int_equal(x->a.image->width, e->a->image->width);
                    assert_int_equal(x->a.related->nelts, e->a->related->nelts);
                    assert_string_equal(APR_ARRAY_IDX(x->a.related, 1, np_link).href,
                                        APR_ARRAY_IDX(e->a->related, 1, np_link).href);
                    assert_string_equal(APR_ARRAY_IDX(x->a.related, 1, np_link).title,
                                        APR_ARRAY_IDX(e->a->related, 1, np_link).title);
                    assert_string_equal(APR_ARRAY_IDX(x->a.related, 0, np_link).title, "X");
                } else {
                    assert_null(x->a.image);
                }
                /* neighbours in its own section's order, as np_view_neighbours finds them */
                for (j = e->sec_index - 1; j >= 0; j--)
                    if (np_article_visible(e->section->entries[j]->a, now)) {
                        newer = e->section->entries[j];
                        break;
                    }
                for (j = e->sec_index + 1; j < e->section->nentries; j++)
                    if (np_article_visible(e->section->entries[j]->a, now)) {
                        older = e->section->entries[j];
                        break;
                    }
                np_index_neighbours(idx, pool, x, now, &xo, &xn);
                if (older)
                    assert_string_equal(xo->a.path, older->a->path);
                else
                    assert_null(xo);
                if (newer)
                    assert_string_equal(xn->a.path, newer->a->path);
                else
                    assert_null(xn);
            }
            if (by)
                assert_string_equal(y->a.path, by->a->path);
            else
                assert_null(y);
        }
    }
    np_snapshot_release(s);
}

static void test_build_matches_scan(void **state)
{
    np_index_stats st;
    np_index *idx = build(1, &st);
    np_index_info info;
    assert_int_equal(st.parsed, 121);
    assert_int_equal(st.added, 121);
    assert_true(st.commits > 10); /* batches of 7 */
    np_index_info_get(idx, &info);
    assert_int_equal(info.articles, 121);
    check_against_scan(idx);
    /* a second pass reads nothing and keeps the generation (readers' caches stay valid) */
    {
        apr_int64_t g = np_index_generation(idx);
        const char *err;
        assert_int_equal(np_index_update(idx, &st, &err), APR_SUCCESS);
        assert_int_equal(st.parsed, 0);
        assert_int_equal(st.files, 121);
        assert_int_equal(np_index_generation(idx), g);
    }
    /* invalid names were warned about, as by the scan */
    assert_non_null(strstr(logged, "bad name.xml: file name is not"));
    np_index_close(idx);
}

static void test_body_is_the_sanitized_body(void **state)
{
    np_index_stats st;
    np_index *idx = build(1, &st);
    np_index_entry *e = np_index_article(idx, pool, "news/ich/deep", "zz", at("2027-01-01"));
    np_article_opts ao = {1 << 20, NULL, 1, NULL};
    const char *err, *body;
    np_article *a;
    apr_size_t len = 0;
    assert_non_null(e);
    a = np_article_load(pool, e->a.path, "zz", &ao, &err);
    body = np_index_body(idx, pool, e, &len);
    assert_non_null(body);
    assert_string_equal(body, a->body_html);
    assert_int_equal(len, a->body_len);
    np_index_close(idx);
}

/* Edit, add, delete and rename: only those files are read, and every list agrees with a fresh
 * scan afterwards. */
static void test_incremental(void **state)
{
    np_index_stats st;
    np_index *idx = build(1, &st);
    apr_int64_t g = np_index_generation(idx);
    char from[512], to[512];
    const char *err;
    np_index_entry *e;

    put_at("news/ich/a001.xml", article("Edited", "2026-01-02", NULL), 1700000100);
    put("features/new.xml", article("Added", "2026-04-04", "<tags><tag>fresh</tag></tags>"));
    rm("zh/a004.xml");
    snprintf(from, sizeof(from), "%s/news/ich/deep/a002.xml", root);
    snprintf(to, sizeof(to), "%s/news/ich/deep/renamed.xml", root);
    assert_int_equal(rename(from, to), 0);
    assert_int_equal(np_index_update(idx, &st, &err), APR_SUCCESS);
    assert_int_equal(st.parsed, 3); /* the edit, the new file, the renamed file */
    assert_int_equal(st.added, 2);
    assert_int_equal(st.changed, 1);
    assert_int_equal(st.deleted, 2); /* the deleted file, the old name */
    assert_true(np_index_generation(idx) > g);
    e = np_index_article(idx, pool, "news/ich", "a001", at("2027-01-01"));
    assert_string_equal(e->a.title, "Edited");
    assert_null(np_index_article(idx, pool, "zh", "a004", at("2027-01-01")));
    assert_null(np_index_article(idx, pool, "news/ich/deep", "a002", at("2027-01-01")));
    assert_non_null(np_index_article(idx, pool, "news/ich/deep", "renamed", at("2027-01-01")));
    check_against_scan(idx);

    /* a section's metadata, and a folder removed with everything in it */
    put("news/_section.xml", "<section lang=\"de\"><title>Nachrichten</title></section>");
    assert_int_equal(system(apr_psprintf(pool, "rm -rf '%s/news/ich/deep'", root)), 0);
    assert_int_equal(np_index_update(idx, &st, &err), APR_SUCCESS);
    assert_int_equal(st.parsed, 0);
    assert_int_equal(st.deleted, 25); /* 24 and zz.xml */
    {
        np_index_section s;
        assert_true(np_index_section_get(idx, pool, "news", &s));
        assert_string_equal(s.title, "Nachrichten");
        assert_string_equal(s.lang, "de");
        assert_false(np_index_section_get(idx, pool, "news/ich/deep", &s));
    }
    check_against_scan(idx);
    np_index_close(idx);
}

/* A file that breaks keeps its last good version (marked stale) with its error recorded, is not
 * read again until it changes, and comes back when fixed. */
static void test_stale_on_error(void **state)
{
    np_index_stats st;
    np_index *idx = build(1, &st);
    const char *err;
    np_index_entry *e;
    apr_array_header_t *errs;

    put_at("news/ich/a001.xml", "<?xml version=\"1.0\"?>\n<article>\n  <title>x</title>\n<body>",
           1700000200);
    memset(logged, 0, sizeof(logged));
    assert_int_equal(np_index_update(idx, &st, &err), APR_SUCCESS);
    assert_int_equal(st.errors, 1);
    assert_int_equal(st.stale, 1);
    e = np_index_article(idx, pool, "news/ich", "a001", at("2027-01-01"));
    assert_non_null(e);
    assert_true(e->stale);
    assert_string_equal(e->a.title, "Article 1");
    assert_non_null(np_index_body(idx, pool, e, NULL));
    errs = np_index_errors(idx, pool, 10);
    assert_int_equal(errs->nelts, 1);
    assert_non_null(strstr(APR_ARRAY_IDX(errs, 0, np_error_rec).message, "news/ich/a001.xml:4:"));
    assert_non_null(strstr(logged, "news/ich/a001.xml:4:"));
    /* the same broken version is not read again */
    assert_int_equal(np_index_update(idx, &st, &err), APR_SUCCESS);
    assert_int_equal(st.parsed, 0);
    /* fixed */
    put_at("news/ich/a001.xml", article("Fixed", "2026-01-02", NULL), 1700000300);
    assert_int_equal(np_index_update(idx, &st, &err), APR_SUCCESS);
    e = np_index_article(idx, pool, "news/ich", "a001", at("2027-01-01"));
    assert_false(e->stale);
    assert_string_equal(e->a.title, "Fixed");
    assert_int_equal(np_index_errors(idx, pool, 10)->nelts, 0);
    np_index_close(idx);
}

static void test_without_stale_on_error(void **state)
{
    np_index_stats st;
    np_index *idx = build(0, &st);
    const char *err;
    put_at("news/ich/a001.xml", "<article><title>x</title>", 1700000200);
    assert_int_equal(np_index_update(idx, &st, &err), APR_SUCCESS);
    assert_null(np_index_article(idx, pool, "news/ich", "a001", at("2027-01-01")));
    check_against_scan(idx);
    np_index_close(idx);
}

/* A watcher's update: only the named folder is read. */
static void test_update_dirs(void **state)
{
    np_index_stats st;
    np_index *idx = build(1, &st);
    const char *err, *dirs[1];
    put_at("news/a000.xml", article("Edited", "2026-01-02", NULL), 1700000100);
    put("news/fresh/x.xml", article("In a new folder", "2026-01-02", NULL));
    dirs[0] = apr_pstrcat(pool, root, "/news", NULL);
    assert_int_equal(np_index_update_dirs(idx, dirs, 1, &st, &err), APR_SUCCESS);
    assert_int_equal(st.folders, 2); /* news and the new news/fresh */
    assert_int_equal(st.files, 24 + 1);
    assert_int_equal(st.parsed, 2);
    assert_string_equal(np_index_article(idx, pool, "news", "a000", at("2027-01-01"))->a.title,
                        "Edited");
    assert_non_null(np_index_article(idx, pool, "news/fresh", "x", at("2027-01-01")));
    check_against_scan(idx);
    /* a subfolder that vanished */
    assert_int_equal(system(apr_psprintf(pool, "rm -rf '%s/news/ich'", root)), 0);
    assert_int_equal(np_index_update_dirs(idx, dirs, 1, &st, &err), APR_SUCCESS);
    assert_true(st.deleted > 20);
    check_against_scan(idx);
    np_index_close(idx);
}

/* An index built for other settings, or a file that is no index, is rebuilt with one log line;
 * a reader refuses it. */
static void test_foreign_and_corrupt(void **state)
{
    np_index_stats st;
    np_index_opts o;
    np_index *idx = build(1, &st);
    const char *err = NULL;
    FILE *f;
    np_index_close(idx);

    opts(&o, 1);
    o.tz = np_tz_load(pool, "+08:00", &err);
    assert_null(np_index_open(pool, dbfile, &o, 1, &err));
    assert_non_null(strstr(err, "not a usable content index"));
    memset(logged, 0, sizeof(logged));
    idx = np_index_open(pool, dbfile, &o, 0, &err);
    assert_non_null(idx);
    assert_non_null(strstr(logged, "it was built for tz 'UTC', not '+08:00'; rebuilding it"));
    assert_int_equal(np_index_update(idx, &st, &err), APR_SUCCESS);
    assert_int_equal(st.parsed, 121);
    np_index_close(idx);

    remove(apr_pstrcat(pool, dbfile, "-wal", NULL));
    remove(apr_pstrcat(pool, dbfile, "-shm", NULL));
    f = fopen(dbfile, "w");
    fputs("this is not an SQLite database, but it is long enough to look like a header......"
          "...............................................................................",
          f);
    fclose(f);
    memset(logged, 0, sizeof(logged));
    idx = np_index_open(pool, dbfile, &o, 0, &err);
    assert_non_null(idx);
    assert_non_null(strstr(logged, "rebuilding it"));
    assert_int_equal(np_index_update(idx, &st, &err), APR_SUCCESS);
    assert_int_equal(st.added, 121);
    np_index_close(idx);
}

/* A reader's transaction sees one version while the writer commits another. */
static void test_reader_sees_one_version(void **state)
{
    np_index_stats st;
    np_index *w = build(1, &st), *r;
    np_index_opts o;
    const char *err;
    opts(&o, 1);
    r = np_index_open(pool, dbfile, &o, 1, &err);
    assert_non_null(r);
    assert_int_equal(np_index_read_begin(r), 0);
    assert_string_equal(np_index_article(r, pool, "news", "a000", at("2027-01-01"))->a.title,
                        "Article 0");
    put_at("news/a000.xml", article("Edited", "2026-01-02", NULL), 1700000100);
    assert_int_equal(np_index_update(w, &st, &err), APR_SUCCESS);
    assert_string_equal(np_index_article(r, pool, "news", "a000", at("2027-01-01"))->a.title,
                        "Article 0");
    np_index_read_end(r);
    assert_string_equal(np_index_article(r, pool, "news", "a000", at("2027-01-01"))->a.title,
                        "Edited");
    np_index_close(r);
    np_index_close(w);
}

/* A symlink out of the content folder is not followed, and says so, as in the scan. */
static void test_symlink_outside(void **state)
{
    np_index_stats st;
    np_index *idx;
    char outside[300], link[300];
    snprintf(outside, sizeof(outside), "%s-outside", root);
    mkdir(outside, 0755);
    assert_int_equal(system(apr_psprintf(pool, "echo '%s' > '%s/secret.xml'",
                                         article("Secret", "2026-01-01", NULL), outside)),
                     0);
    snprintf(link, sizeof(link), "%s/news/elsewhere", root);
    assert_int_equal(symlink(outside, link), 0);
    snprintf(link, sizeof(link), "%s/news/secret.xml", root);
    assert_int_equal(symlink(apr_pstrcat(pool, outside, "/secret.xml", NULL), link), 0);
    idx = build(1, &st);
    assert_null(np_index_article_by_slug(idx, pool, "secret", at("2027-01-01")));
    assert_non_null(strstr(logged, "news/elsewhere: symlink leads outside the content folder"));
    assert_non_null(strstr(logged, "news/secret.xml: symlink leads outside the content folder"));
    check_against_scan(idx);
    np_index_close(idx);
    assert_int_equal(system(apr_psprintf(pool, "rm -rf '%s'", outside)), 0);
}

/* A first build records each file's version as its read saw it (the fstat of the descriptor
 * read, to the microsecond): the next pass finds every file unchanged, symlinked ones (relative,
 * inside the folder) and ones with sub-second mtimes included, and every digest is the scan's. */
static void test_first_build_records_version_read(void **state)
{
    np_index_stats st;
    np_index *idx;
    const char *err;
    char path[512];
    struct timespec ts[2] = {{1700000000, 123456789}, {1700000000, 987654321}};
    int i;
    for (i = 0; i < 3; i++) {
        snprintf(path, sizeof(path), "%s/features/a%03d.xml", root, 3 + 5 * i);
        ts[0].tv_nsec = ts[1].tv_nsec = 123456789 + 1000 * i;
        assert_int_equal(utimensat(AT_FDCWD, path, ts, 0), 0);
    }
    snprintf(path, sizeof(path), "%s/features/linked.xml", root);
    assert_int_equal(symlink("../news/a000.xml", path), 0);
    snprintf(path, sizeof(path), "%s/features/deep", root);
    assert_int_equal(symlink("../news/ich/deep", path), 0);
    idx = build(1, &st);
    assert_int_equal(st.added, 121 + 1 + 25);
    check_against_scan(idx);
    assert_int_equal(np_index_update(idx, &st, &err), APR_SUCCESS);
    assert_int_equal(st.files, 121 + 1 + 25);
    assert_int_equal(st.parsed, 0);
    np_index_close(idx);
}

/* The content folder replaced between two passes (renamed away, a copy put in its place): the
 * second pass reads the new one, not the folder the first pass opened. */
static void test_folder_replaced_between_passes(void **state)
{
    np_index_stats st;
    np_index *idx = build(1, &st);
    const char *err;
    char old[300];
    snprintf(old, sizeof(old), "%s-old", root);
    assert_int_equal(rename(root, old), 0);
    assert_int_equal(system(apr_psprintf(pool, "cp -a '%s' '%s'", old, root)), 0);
    put_at("news/a000.xml", article("Edited", "2026-01-02", NULL), 1700000100);
    assert_int_equal(np_index_update(idx, &st, &err), APR_SUCCESS);
    assert_int_equal(st.parsed, 1);
    assert_string_equal(np_index_article(idx, pool, "news", "a000", at("2027-01-01"))->a.title,
                        "Edited");
    check_against_scan(idx);
    np_index_close(idx);
    assert_int_equal(system(apr_psprintf(pool, "rm -rf '%s'", old)), 0);
}

static int kill_after;

static void die_at_commit(void *baton, const np_index_stats *st)
{
    (void)baton;
    if (st->commits >= kill_after)
        raise(SIGKILL);
}

/* A first build killed half-way (SIGKILL between two commits) leaves the index as it was
 * (empty, readable) and its half-made new file beside it; the next pass builds anew. */
static void test_interrupted_first_build(void **state)
{
    np_index_stats st;
    np_index *idx;
    np_index_opts o;
    const char *err;
    pid_t pid;
    int status;
    opts(&o, 1);
    o.batch = 1; /* a commit after every file */
    o.progress = die_at_commit;
    kill_after = 5;
    pid = fork();
    if (pid == 0) {
        idx = np_index_open(pool, dbfile, &o, 0, &err);
        if (idx)
            np_index_update(idx, &st, &err);
        _exit(0);
    }
    assert_true(pid > 0);
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFSIGNALED(status));
    /* the killed build left its scratch database, the writer's alone, and the new file */
    {
        struct stat sb;
        assert_int_equal(stat(apr_pstrcat(pool, dbfile, "-build", NULL), &sb), 0);
        assert_int_equal(sb.st_mode & 0777, 0600);
        assert_int_equal(access(apr_pstrcat(pool, dbfile, "-new", NULL), F_OK), 0);
    }
    /* the index itself is untouched: empty, and readers can open it */
    o.progress = NULL;
    idx = np_index_open(pool, dbfile, &o, 1, &err);
    assert_non_null(idx);
    assert_int_equal(np_index_read_begin(idx), 0);
    assert_int_equal(np_index_sections(idx, pool)->nelts, 0);
    np_index_read_end(idx);
    np_index_close(idx);
    memset(logged, 0, sizeof(logged));
    idx = np_index_open(pool, dbfile, &o, 0, &err);
    assert_non_null(idx);
    assert_null(strstr(logged, "rebuilding it"));
    assert_int_equal(np_index_update(idx, &st, &err), APR_SUCCESS);
    assert_int_equal(st.added, 121);
    assert_true(st.replaced);
    assert_int_equal(access(apr_pstrcat(pool, dbfile, "-build", NULL), F_OK), -1);
    assert_int_equal(access(apr_pstrcat(pool, dbfile, "-new", NULL), F_OK), -1);
    check_against_scan(idx);
    np_index_close(idx);
}

/* An update killed between two commits leaves an index readers can use, and the next pass
 * finishes the work. */
static void test_killed_update(void **state)
{
    np_index_stats st;
    np_index *idx = build(1, &st);
    np_index_opts o;
    const char *err;
    pid_t pid;
    int status, i;
    np_index_page pg;
    np_index_close(idx);
    for (i = 0; i < 120; i += 3)
        put_at(apr_psprintf(pool, "%s/a%03d.xml", sections[1 + i % (NSECTIONS - 1)], i),
               article(apr_psprintf(pool, "Rewritten %d", i), "2026-02-02", NULL), 1700000500);
    opts(&o, 1);
    o.progress = die_at_commit;
    kill_after = 2;
    pid = fork();
    if (pid == 0) {
        idx = np_index_open(pool, dbfile, &o, 0, &err);
        if (idx)
            np_index_update(idx, &st, &err);
        _exit(0);
    }
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFSIGNALED(status));
    o.progress = NULL;
    /* a reader: the stored count agrees with the rows it lists */
    idx = np_index_open(pool, dbfile, &o, 1, &err);
    assert_non_null(idx);
    assert_true(np_index_list_section(idx, pool, "", at("2027-01-01"), 0, 200, &pg));
    assert_int_equal(pg.total, pg.n);
    np_index_close(idx);
    memset(logged, 0, sizeof(logged));
    idx = np_index_open(pool, dbfile, &o, 0, &err);
    assert_non_null(idx);
    assert_null(strstr(logged, "rebuilding"));
    assert_int_equal(np_index_update(idx, &st, &err), APR_SUCCESS);
    assert_true(st.parsed > 0 && st.parsed < 40);
    check_against_scan(idx);
    np_index_close(idx);
}

/* Remembers that the article with id "kept-7" lived at path, days ago. */
static void remember(np_index *idx, const char *path, double days)
{
    char *sql = sqlite3_mprintf("INSERT INTO moves(path, aid, at) VALUES(%Q, 'kept-7', %lld)", path,
                                (long long)(apr_time_now() - (apr_time_t)(days * 86400e6)));
    assert_int_equal(sqlite3_exec(np_index_db(idx), sql, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_free(sql);
}

static int moved(np_index *idx, const char *section, const char *slug)
{
    return np_index_moved(idx, pool, section, slug) != NULL;
}

/* The number a query of one row and column gives. */
static int one(np_index *idx, const char *sql)
{
    sqlite3_stmt *s;
    int n = -1;
    assert_int_equal(sqlite3_prepare_v2(np_index_db(idx), sql, -1, &s, NULL), SQLITE_OK);
    if (sqlite3_step(s) == SQLITE_ROW)
        n = sqlite3_column_int(s, 0);
    sqlite3_finalize(s);
    return n;
}

static int moves_count(np_index *idx)
{
    return one(idx, "SELECT count(*) FROM moves");
}

/* The addresses of deleted articles (their old URLs answer 301 to where the id lives now) are
 * kept NP_INDEX_MOVES_DAYS and NP_INDEX_MOVES_MAX at most, the oldest going first; the same
 * bounds hold for the ones a rebuilt file takes over. */
static void test_moves_are_bounded(void **state)
{
    np_index_stats st;
    np_index *idx;
    np_index_opts o;
    const char *err;
    char *sql;
    (void)state;
    put("features/kept.xml",
        "<article id=\"kept-7\"><title>Kept</title><published>2026-01-01</published>"
        "<body><p>k</p></body></article>");
    put("features/moving.xml",
        "<article id=\"moving-1\"><title>Moving</title><published>2026-01-01</published>"
        "<body><p>m</p></body></article>");
    idx = build(1, &st);

    /* a pass drops what is older than the age, nothing younger */
    remember(idx, "aged/old", NP_INDEX_MOVES_DAYS + 1);
    remember(idx, "aged/young", NP_INDEX_MOVES_DAYS - 1);
    assert_true(moved(idx, "aged", "old"));
    assert_int_equal(np_index_update(idx, &st, &err), APR_SUCCESS);
    assert_false(moved(idx, "aged", "old"));
    assert_true(moved(idx, "aged", "young"));

    /* a full table, one address more, and a pass that remembers one: the two oldest go */
    sql = sqlite3_mprintf("WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n"
                          " WHERE i < %d) INSERT INTO moves(path, aid, at) SELECT 'bulk/' || i,"
                          " 'kept-7', %lld - (i + 1) * 1000000 FROM n",
                          NP_INDEX_MOVES_MAX - 1, (long long)apr_time_now());
    assert_int_equal(sqlite3_exec(np_index_db(idx), sql, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_free(sql);
    assert_int_equal(moves_count(idx), NP_INDEX_MOVES_MAX + 1);
    rm("features/moving.xml");
    assert_int_equal(np_index_update(idx, &st, &err), APR_SUCCESS);
    assert_int_equal(st.deleted, 1);
    assert_int_equal(moves_count(idx), NP_INDEX_MOVES_MAX);
    assert_false(moved(idx, "aged", "young"));
    assert_false(moved(idx, "bulk", apr_itoa(pool, NP_INDEX_MOVES_MAX - 1)));
    assert_true(moved(idx, "bulk", apr_itoa(pool, NP_INDEX_MOVES_MAX - 2)));
    assert_true(moved(idx, "bulk", "0"));
    /* the address just remembered: its id lives nowhere now, but the row is there */
    assert_int_equal(one(idx, "SELECT count(*) FROM moves WHERE path = 'features/moving'"), 1);

    /* a file that predates the index on the age gets it at the next pass */
    assert_int_equal(sqlite3_exec(np_index_db(idx), "DROP INDEX moves_at", NULL, NULL, NULL),
                     SQLITE_OK);
    assert_int_equal(np_index_update(idx, &st, &err), APR_SUCCESS);
    assert_int_equal(one(idx, "SELECT count(*) FROM sqlite_master WHERE name = 'moves_at'"), 1);

    /* rebuilt (another language): over the count and an old one, left behind */
    remember(idx, "aged/again", NP_INDEX_MOVES_DAYS + 2);
    remember(idx, "aged/extra", 200);
    assert_int_equal(moves_count(idx), NP_INDEX_MOVES_MAX + 2);
    np_index_close(idx);
    opts(&o, 1);
    o.lang = "fr";
    idx = np_index_open(pool, dbfile, &o, 0, &err);
    assert_non_null(idx);
    assert_non_null(strstr(logged, "rebuilding"));
    assert_int_equal(np_index_update(idx, &st, &err), APR_SUCCESS);
    assert_int_equal(moves_count(idx), NP_INDEX_MOVES_MAX);
    assert_false(moved(idx, "aged", "again"));
    assert_false(moved(idx, "aged", "extra"));
    assert_true(moved(idx, "bulk", "0"));
    np_index_close(idx);
}

/* The stored window of the list of section path ("" the root): count visible, from, until. */
static void window_of(np_index *idx, const char *path, apr_int64_t *count, apr_time_t *from,
                      apr_time_t *until)
{
    sqlite3_stmt *s = NULL;
    assert_int_equal(sqlite3_prepare_v2(np_index_db(idx),
                                        "SELECT vis_count, vis_at, vis_until FROM sections"
                                        " WHERE path = ?1",
                                        -1, &s, NULL),
                     SQLITE_OK);
    sqlite3_bind_text(s, 1, path, -1, SQLITE_STATIC);
    assert_int_equal(sqlite3_step(s), SQLITE_ROW);
    *count = sqlite3_column_int64(s, 0);
    *from = sqlite3_column_int64(s, 1);
    *until = sqlite3_column_int64(s, 2);
    sqlite3_finalize(s);
}

/* An embargo lifting or an article expiring with no file changed: the indexer counts the lists
 * it is in again, at that instant, so that no reader has to; other lists stay as they were. */
static void test_windows_counted_again(void **state)
{
    np_index_stats st;
    np_index *idx;
    np_index_page pg;
    apr_int64_t before, after, other, g;
    apr_time_t from, until, ofrom, ountil, lift = at("2031-03-01"), gone = at("2031-06-01");
    const char *err = NULL;
    int n = -1;
    (void)state;
    put("features/later.xml", article("Later", "2031-03-01", NULL));
    put("features/ending.xml",
        article("Ending", "2026-02-02", "<expires>2031-06-01T00:00:00Z</expires>"));
    idx = build(1, &st);
    assert_int_equal(np_index_next_window(idx), lift);
    window_of(idx, "features", &before, &from, &until);
    window_of(idx, "zh", &other, &ofrom, &ountil);
    assert_int_equal(until, lift);
    g = np_index_generation(idx);

    /* before the lift every window holds: nothing is written, the generation stays */
    assert_int_equal(np_index_refresh_windows(idx, lift - 1, &n, &err), APR_SUCCESS);
    assert_int_equal(n, 0);
    assert_int_equal(np_index_generation(idx), g);

    /* at it: features and the root (the lists the article is in) are counted again */
    assert_int_equal(np_index_refresh_windows(idx, lift, &n, &err), APR_SUCCESS);
    assert_int_equal(n, 2);
    assert_true(np_index_generation(idx) > g);
    window_of(idx, "features", &after, &from, &until);
    assert_int_equal(after, before + 1);
    assert_int_equal(from, lift);
    assert_int_equal(until, gone);
    assert_int_equal(np_index_next_window(idx), gone);
    window_of(idx, "zh", &after, &from, &until);
    assert_int_equal(after, other);
    assert_int_equal(from, ofrom);
    /* the stored figure is the list's */
    assert_true(np_index_list_section(idx, pool, "features", lift, 0, 100, &pg));
    assert_int_equal(pg.total, before + 1);

    /* the expiry: one fewer, and no window left to close */
    assert_int_equal(np_index_refresh_windows(idx, gone, &n, &err), APR_SUCCESS);
    assert_int_equal(n, 2);
    window_of(idx, "features", &after, &from, &until);
    assert_int_equal(after, before);
    assert_int_equal(until, 0);
    assert_int_equal(np_index_next_window(idx), 0);
    np_index_close(idx);
}

/* The plan SQLite makes for what a pass compares a folder's files with. */
static const char *known_plan(np_index *idx)
{
    sqlite3_stmt *s = NULL;
    const char *plan = "";
    assert_int_equal(sqlite3_prepare_v2(np_index_db(idx),
                                        "EXPLAIN QUERY PLAN SELECT id, slug, mtime, size, stale"
                                        " FROM articles WHERE section = 1",
                                        -1, &s, NULL),
                     SQLITE_OK);
    while (sqlite3_step(s) == SQLITE_ROW)
        plan = apr_pstrcat(pool, plan, (const char *)sqlite3_column_text(s, 3), "\n", NULL);
    sqlite3_finalize(s);
    return plan;
}

/* A pass reads what it compares files with from an index of its own, never the article rows
 * (at 1,000,000 articles: 2.9 s and 48 MB against 9.3 s and 2 GB); a file made without that
 * index gets it when the writer opens it. */
static void test_pass_reads_no_rows(void **state)
{
    np_index_stats st;
    np_index_opts o;
    const char *err = NULL;
    np_index *idx = build(1, &st);
    (void)state;
    assert_non_null(strstr(known_plan(idx), "COVERING INDEX articles_known"));
    assert_int_equal(sqlite3_exec(np_index_db(idx), "DROP INDEX articles_known", NULL, NULL, NULL),
                     SQLITE_OK);
    assert_null(strstr(known_plan(idx), "articles_known"));
    np_index_close(idx);
    opts(&o, 1);
    idx = np_index_open(pool, dbfile, &o, 0, &err);
    assert_non_null(idx);
    assert_non_null(strstr(known_plan(idx), "COVERING INDEX articles_known"));
    assert_int_equal(np_index_update(idx, &st, &err), APR_SUCCESS);
    assert_int_equal(st.parsed, 0);
    np_index_close(idx);
}

/* The rows of a query as text, one per line. */
static const char *rows_of(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *s;
    const char *out = "";
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &s, NULL), SQLITE_OK);
    while (sqlite3_step(s) == SQLITE_ROW) {
        int i;
        for (i = 0; i < sqlite3_column_count(s); i++) {
            const char *v = (const char *)sqlite3_column_text(s, i);
            out = apr_pstrcat(pool, out, i ? "|" : "", v ? v : "NULL", NULL);
        }
        out = apr_pstrcat(pool, out, "\n", NULL);
    }
    sqlite3_finalize(s);
    return out;
}

/* The articles a reader's read transaction sees. */
static apr_int64_t articles_read(np_index *reader)
{
    np_index_info info;
    assert_int_equal(np_index_read_begin(reader), 0);
    np_index_info_get(reader, &info);
    np_index_read_end(reader);
    return info.articles;
}

/* A first build writes a new file and renames it over the index: a reader of the index sees
 * nothing of it until then (its handle on the old file keeps reading that), a handle opened
 * after sees all of it; the file keeps its mode, its write-ahead log, what the indexer published
 * and where ids lived; later passes write the file in place. */
static void test_first_build_beside(void **state)
{
    np_index_stats st;
    np_index_opts o;
    const char *err = NULL;
    np_index *idx, *before, *after;
    struct stat sb0, sb1, sb2, shm0, shm1;
    (void)state;
    opts(&o, 1);
    idx = np_index_open(pool, dbfile, &o, 0, &err);
    assert_non_null(idx);
    assert_int_equal(chmod(dbfile, 0604), 0);
    assert_int_equal(stat(dbfile, &sb0), 0);
    assert_int_equal(np_index_meta_set(idx, "indexer.state", "building"), 0);
    remember(idx, "features/gone", 1);
    before = np_index_open(pool, dbfile, &o, 1, &err);
    assert_non_null(before);
    assert_int_equal(np_index_read_begin(before), 0); /* the old file's log and its index in use */
    np_index_read_end(before);
    assert_int_equal(stat(apr_pstrcat(pool, dbfile, "-shm", NULL), &shm0), 0);
    assert_int_equal(np_index_update(idx, &st, &err), APR_SUCCESS);
    assert_true(st.replaced);
    /* the new file is not opened with the old file's: they were removed before the rename */
    assert_int_equal(stat(apr_pstrcat(pool, dbfile, "-shm", NULL), &shm1), 0);
    assert_true(shm1.st_ino != shm0.st_ino);
    assert_int_equal(stat(dbfile, &sb1), 0);
    assert_true(sb1.st_ino != sb0.st_ino);
    assert_int_equal(sb1.st_mode & 0777, 0604);
    assert_int_equal(access(apr_pstrcat(pool, dbfile, "-new", NULL), F_OK), -1);
    assert_string_equal(rows_of(np_index_db(idx), "PRAGMA journal_mode"), "wal\n");
    assert_string_equal(np_index_meta_get(idx, pool, "indexer.state"), "building");
    assert_int_equal(one(idx, "SELECT count(*) FROM moves WHERE path = 'features/gone'"), 1);
    assert_int_equal(articles_read(before), 0);
    after = np_index_open(pool, dbfile, &o, 1, &err);
    assert_non_null(after);
    assert_int_equal(articles_read(after), st.total);
    assert_true(st.total > 100);
    /* a later pass writes in place */
    put("world/later.xml", article("Later", "2026-03-03", ""));
    assert_int_equal(np_index_update(idx, &st, &err), APR_SUCCESS);
    assert_false(st.replaced);
    assert_int_equal(st.added, 1);
    assert_int_equal(stat(dbfile, &sb2), 0);
    assert_true(sb2.st_ino == sb1.st_ino);
    assert_int_equal(articles_read(after), st.total);
    np_index_close(before);
    np_index_close(after);
    np_index_close(idx);
}

/* A folder whose last article goes (no _section.xml) leaves the navigation as a fresh scan has it.
 */
static void test_emptied_folder(void **state)
{
    np_index_stats st;
    np_index *idx = build(1, &st);
    const char *err;
    (void)state;
    put("world/new.xml", article("New", "2026-04-04", NULL));
    assert_int_equal(np_index_update(idx, &st, &err), APR_SUCCESS);
    check_against_scan(idx);
    rm("world/new.xml");
    assert_int_equal(np_index_update(idx, &st, &err), APR_SUCCESS);
    check_against_scan(idx);
    np_index_close(idx);
}

/* Each article's body row is its own file's sanitized body (a stale article's: that of its
 * last good version), and no body is left without its article. */
static void check_bodies(np_index *idx, const char *stale_rel, const char *stale_body)
{
    sqlite3_stmt *s;
    int n = 0;
    assert_int_equal(sqlite3_prepare_v2(np_index_db(idx),
                                        "SELECT a.rel, a.stale, b.html, length(b.html)"
                                        " FROM articles a LEFT JOIN bodies b ON b.id = a.body",
                                        -1, &s, NULL),
                     SQLITE_OK);
    while (sqlite3_step(s) == SQLITE_ROW) {
        const char *rel = (const char *)sqlite3_column_text(s, 0);
        const char *html = (const char *)sqlite3_column_text(s, 2);
        n++;
        if (stale_rel && strcmp(rel, stale_rel) == 0) {
            assert_int_equal(sqlite3_column_int(s, 1), 1);
            assert_non_null(html);
            assert_string_equal(html, stale_body);
        } else {
            np_article_opts ao = {1 << 20, NULL, 1, NULL};
            const char *err = NULL;
            np_article *a =
                np_article_load(pool, apr_pstrcat(pool, root, "/", rel, NULL), "x", &ao, &err);
            assert_non_null(a);
            assert_int_equal(sqlite3_column_int(s, 1), 0);
            assert_non_null(html);
            assert_string_equal(html, a->body_html);
            assert_int_equal(sqlite3_column_int(s, 3), a->body_len);
        }
    }
    sqlite3_finalize(s);
    assert_true(n > 100);
    assert_int_equal(one(idx, "SELECT count(*) FROM bodies WHERE id NOT IN"
                              " (SELECT body FROM articles WHERE body IS NOT NULL)"),
                     0);
}

/* After a first build, passes that edit, add, delete, rename and break files keep every body
 * with its article: a body key freed by a deletion and taken again by a new body in the same
 * pass, a stale article's body kept (and served by a handle opened after the file broke), a
 * fixed file's new body in place of the stale one. */
static void test_bodies_follow_their_articles(void **state)
{
    np_index_stats st;
    np_index *idx = build(1, &st), *reader;
    const char *err, *last, *stale_body;
    np_index_opts o;
    np_index_entry *e;
    char from[512], to[512];
    (void)state;
    check_bodies(idx, NULL, NULL);
    stale_body = apr_pstrdup(
        pool,
        np_index_body(idx, pool, np_index_article(idx, pool, "features", "a003", at("2027-01-01")),
                      NULL));
    /* the file whose body holds the highest key goes; a new file takes that key again */
    last = rows_of(np_index_db(idx), "SELECT rel FROM articles WHERE body ="
                                     " (SELECT max(id) FROM bodies)");
    assert_true(strlen(last) > 1);
    rm(apr_pstrndup(pool, last, strlen(last) - 1));
    put("world/new.xml", article("New", "2026-04-04", NULL));
    put_at("news/ich/a001.xml", article("Edited", "2026-01-02", NULL), 1700000100);
    put_at("features/a003.xml", "<?xml version=\"1.0\"?>\n<article><title>x</title>", 1700000200);
    snprintf(from, sizeof(from), "%s/zh/a004.xml", root);
    snprintf(to, sizeof(to), "%s/zh/renamed.xml", root);
    assert_int_equal(rename(from, to), 0);
    assert_int_equal(np_index_update(idx, &st, &err), APR_SUCCESS);
    assert_int_equal(st.added, 2);
    assert_int_equal(st.stale, 1);
    check_bodies(idx, "features/a003.xml", stale_body);
    /* a handle opened after the file broke serves its last good body */
    opts(&o, 1);
    reader = np_index_open(pool, dbfile, &o, 1, &err);
    assert_non_null(reader);
    e = np_index_article(reader, pool, "features", "a003", at("2027-01-01"));
    assert_non_null(e);
    assert_true(e->stale);
    assert_string_equal(np_index_body(reader, pool, e, NULL), stale_body);
    np_index_close(reader);
    /* fixed, and more deleted */
    put_at("features/a003.xml", article("Fixed", "2026-01-03", NULL), 1700000300);
    rm("world/new.xml");
    rm("news/ich/a001.xml");
    assert_int_equal(np_index_update(idx, &st, &err), APR_SUCCESS);
    check_bodies(idx, NULL, NULL);
    check_against_scan(idx);
    np_index_close(idx);
}

/* The new file a first build renames over the index has the index file's mode exactly, whatever
 * the umask of the process that builds it. */
static void test_first_build_keeps_mode(void **state)
{
    np_index_stats st;
    np_index_opts o;
    const char *err = NULL;
    np_index *idx;
    struct stat sb;
    mode_t old;
    (void)state;
    opts(&o, 1);
    idx = np_index_open(pool, dbfile, &o, 0, &err);
    assert_non_null(idx);
    assert_int_equal(chmod(dbfile, 0640), 0);
    old = umask(077);
    assert_int_equal(np_index_update(idx, &st, &err), APR_SUCCESS);
    umask(old);
    assert_true(st.replaced);
    assert_int_equal(stat(dbfile, &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0640);
    np_index_close(idx);
}

/* An index that holds no article after its first build (a site not written yet, or one whose
 * only files are broken) is written in place by a pass that finds no folder changed: not built
 * anew into a new file each pass (readers would reopen it every poll), and a file still broken
 * in the same version is not read (nor logged) again. Files added later (a site filled after
 * it was set up) get a first build in a new file. */
static void test_empty_index_passes_in_place(void **state)
{
    np_index_stats st;
    np_index *idx;
    const char *err = NULL;
    struct stat sb1, sb2;
    (void)state;
    assert_int_equal(system(apr_psprintf(pool, "rm -rf '%s'/*", root)), 0);
    put("news/_section.xml", "<section><title>News</title></section>");
    put("news/bad.xml", "<?xml version=\"1.0\"?>\n<article><title>Bad</title>");
    idx = build(1, &st);
    assert_true(st.replaced);
    assert_int_equal(st.errors, 1);
    assert_int_equal(stat(dbfile, &sb1), 0);
    memset(logged, 0, sizeof(logged));
    assert_int_equal(np_index_update(idx, &st, &err), APR_SUCCESS);
    assert_false(st.replaced);
    assert_int_equal(st.parsed, 0);
    assert_null(strstr(logged, "bad.xml"));
    assert_int_equal(stat(dbfile, &sb2), 0);
    assert_true(sb2.st_ino == sb1.st_ino);
    /* the broken file edited in place (its folder unchanged): read again, in place */
    put_at("news/bad.xml", "<?xml version=\"1.0\"?>\n<article><title>Bad 2</title>", 1700000100);
    memset(logged, 0, sizeof(logged));
    assert_int_equal(np_index_update(idx, &st, &err), APR_SUCCESS);
    assert_false(st.replaced);
    assert_int_equal(st.parsed, 1);
    assert_non_null(strstr(logged, "bad.xml"));
    assert_int_equal(stat(dbfile, &sb2), 0);
    assert_true(sb2.st_ino == sb1.st_ino);
    /* the first articles come: a first build */
    put("news/good.xml", article("Good", "2026-03-03", ""));
    assert_int_equal(np_index_update(idx, &st, &err), APR_SUCCESS);
    assert_true(st.replaced);
    assert_int_equal(st.added, 1);
    assert_int_equal(st.total, 1);
    np_index_close(idx);
}

/* A first build numbers the articles in date order and writes the full text after them. It holds
 * what the same tree written folder by folder holds, and every reference follows the new
 * numbers: bodies, lists, tags, previous addresses, full text. */
static void test_first_build_in_date_order(void **state)
{
    static const char *same[] = {
        "SELECT a.rel, a.title, s.path, a.published, a.tags, a.previous, hex(b.html)"
        " FROM articles a JOIN sections s ON s.id = a.section"
        " LEFT JOIN bodies b ON b.id = a.body ORDER BY a.rel",
        "SELECT s.path, m.published, m.rel, a.rel, m.expires FROM section_articles m"
        " JOIN sections s ON s.id = m.section JOIN articles a ON a.id = m.article ORDER BY 1, 2, 3",
        "SELECT t.slug, m.published, m.rel, a.rel, m.expires FROM article_tags m"
        " JOIN tags t ON t.id = m.tag JOIN articles a ON a.id = m.article ORDER BY 1, 2, 3",
        "SELECT p.path, p.rel, a.rel FROM previous_urls p JOIN articles a ON a.id = p.article"
        " ORDER BY 1, 2",
        "SELECT a.rel, s.path, r.expires, (f.rowid >> 31) = a.published / 1000000, f.title,"
        " f.subtitle, f.summary, f.body, f.tags, f.authors, f.source FROM fulltext f"
        " JOIN fulltext_rows r ON r.key = f.rowid JOIN articles a ON a.id = (f.rowid & 2147483647)"
        " JOIN sections s ON s.id = r.section ORDER BY a.rel",
    };
    np_index_stats st;
    np_index_opts o;
    char incr[320];
    const char *err = NULL, *dirs[1] = {root};
    np_index *idx, *idx2;
    sqlite3 *db;
    size_t i;
    np_index_entry *e;
    (void)state;
    put("features/moved.xml",
        article("Moved here", "2026-02-02", "<previous-url>/desk/old-name.html</previous-url>"));
    idx = build(1, &st);
    db = np_index_db(idx);
    /* the scratch database is gone with the build */
    assert_int_equal(access(apr_pstrcat(pool, dbfile, "-build", NULL), F_OK), -1);
    assert_string_equal(rows_of(db,
                                "SELECT count(*) FROM (SELECT id, row_number() OVER"
                                " (ORDER BY published, rel DESC) n FROM articles) WHERE id != n"),
                        "0\n");
    /* the files were walked in another order */
    assert_string_not_equal(rows_of(db, "SELECT rel FROM articles ORDER BY id"),
                            rows_of(db, "SELECT rel FROM articles ORDER BY rel"));
    assert_string_equal(rows_of(db, "SELECT count(*) FROM fulltext_rows"),
                        rows_of(db, "SELECT count(*) FROM articles WHERE draft = 0"));
    e = np_index_previous(idx, pool, "/desk/old-name.html");
    assert_non_null(e);
    assert_string_equal(e->a.title, "Moved here");

    snprintf(incr, sizeof(incr), "%s-incr.db", root);
    opts(&o, 1);
    idx2 = np_index_open(pool, incr, &o, 0, &err);
    assert_non_null(idx2);
    assert_int_equal(np_index_update_dirs(idx2, dirs, 1, &st, &err), APR_SUCCESS);
    assert_int_equal(st.added, 122);
    for (i = 0; i < sizeof(same) / sizeof(same[0]); i++) {
        const char *want = rows_of(np_index_db(idx2), same[i]);
        assert_true(strlen(want) > 20);
        assert_string_equal(rows_of(db, same[i]), want);
    }
    np_index_close(idx2);
    np_index_close(idx);
    remove(incr);
    remove(apr_pstrcat(pool, incr, "-wal", NULL));
    remove(apr_pstrcat(pool, incr, "-shm", NULL));
}

static int place_news_ich(void *baton, apr_int64_t id, const char **path, const char **lang,
                          const char **dir)
{
    if (id != *(apr_int64_t *)baton)
        return 0;
    *path = "given";
    *lang = "xx";
    *dir = "/given";
    return 1;
}

/* A list read from what the section tree holds is the list read by path: the same rows, counts,
 * digest and next change, each entry with its section; a resolver's answer is used as given. */
static void test_list_at_matches(void **state)
{
    np_index_stats st;
    np_index *idx = build(1, &st);
    apr_array_header_t *secs = np_index_sections(idx, pool);
    apr_time_t nows[] = {at("2026-03-01"), at("2026-05-15T12:00:00Z"), at("2027-01-01")};
    apr_int64_t ich = 0;
    size_t k;
    int i, j, given = 0;
    (void)state;
    assert_true(secs->nelts >= 5);
    for (i = 0; i < secs->nelts; i++) {
        const np_index_section *r = &APR_ARRAY_IDX(secs, i, np_index_section);
        np_index_list_head h = {r->id, r->digest, r->vis_count, r->vis_at, r->vis_until};
        if (strcmp(r->path, "news/ich") == 0)
            ich = r->id;
        for (k = 0; k < sizeof(nows) / sizeof(nows[0]); k++) {
            np_index_page a, b;
            assert_true(np_index_list_section(idx, pool, r->path, nows[k], 1, 50, &a));
            np_index_list_section_at(idx, pool, &h, nows[k], 1, 50, NULL, NULL, &b);
            assert_int_equal(a.total, b.total);
            assert_int_equal(a.n, b.n);
            assert_int_equal(a.next_change, b.next_change);
            assert_true(a.digest == b.digest);
            for (j = 0; j < a.n; j++) {
                assert_string_equal(a.items[j]->rel, b.items[j]->rel);
                assert_string_equal(a.items[j]->section, b.items[j]->section);
                assert_string_equal(a.items[j]->a.path, b.items[j]->a.path);
                assert_string_equal(a.items[j]->lang ? a.items[j]->lang : "-",
                                    b.items[j]->lang ? b.items[j]->lang : "-");
            }
        }
    }
    assert_true(ich > 0);
    for (i = 0; i < secs->nelts; i++) {
        const np_index_section *r = &APR_ARRAY_IDX(secs, i, np_index_section);
        np_index_list_head h = {r->id, r->digest, r->vis_count, r->vis_at, r->vis_until};
        np_index_page b;
        if (*r->path)
            continue;
        np_index_list_section_at(idx, pool, &h, nows[2], 0, 200, place_news_ich, &ich, &b);
        assert_true(b.n > 20);
        for (j = 0; j < b.n; j++) {
            if (b.items[j]->section_id == ich) {
                given++;
                assert_string_equal(b.items[j]->section, "given");
                assert_string_equal(b.items[j]->a.path,
                                    apr_pstrcat(pool, "/given/", b.items[j]->a.slug, ".xml", NULL));
            } else {
                assert_string_not_equal(b.items[j]->section, "given");
            }
        }
    }
    assert_true(given > 5);
    np_index_close(idx);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup_tree, teardown_tree)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_build_matches_scan),
        T(test_body_is_the_sanitized_body),
        T(test_incremental),
        T(test_stale_on_error),
        T(test_without_stale_on_error),
        T(test_update_dirs),
        T(test_foreign_and_corrupt),
        T(test_reader_sees_one_version),
        T(test_symlink_outside),
        T(test_first_build_records_version_read),
        T(test_folder_replaced_between_passes),
        T(test_interrupted_first_build),
        T(test_first_build_beside),
        T(test_empty_index_passes_in_place),
        T(test_first_build_keeps_mode),
        T(test_bodies_follow_their_articles),
        T(test_emptied_folder),
        T(test_killed_update),
        T(test_moves_are_bounded),
        T(test_windows_counted_again),
        T(test_pass_reads_no_rows),
        T(test_first_build_in_date_order),
        T(test_list_at_matches),
    };
    int rc;
    pool = np_test_begin();
    np_xml_init();
    rc = cmocka_run_group_tests(tests, NULL, NULL);
    return np_test_end(pool, rc);
}
