/* The watcher (np_watch) reports the folders where articles changed, and only those; new
 * folders are watched as they appear, moved ones under their new name; the limits hold. The
 * indexer (np_indexer) built on it brings an edit, an add, a delete and a rename into the index,
 * rebuilds a deleted index file, falls back to polling at the watch limit, and a pass stops when
 * asked to. */
#include "np_test.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <sqlite3.h>

#include "np_index.h"
#include "np_indexer.h"
#include "np_watch.h"

static apr_pool_t *pool;
static char root[256], dbfile[300];
static char logged[16384];

static void capture(void *baton, int level, const char *msg)
{
    size_t n = strlen(logged);
    (void)baton;
    (void)level;
    snprintf(logged + n, sizeof(logged) - n, "%s\n", msg);
}

static const np_logger logger = {capture, NULL, NP_LOG_DEBUG};

static const char *article(const char *title)
{
    return apr_psprintf(pool,
                        "<?xml version=\"1.0\"?>\n<article><title>%s</title><published>2026-01-02"
                        "</published><body><p>%s text.</p></body></article>\n",
                        title, title);
}

static const char *at(const char *rel)
{
    return apr_psprintf(pool, "%s/%s", root, rel);
}

/* Written in place: truncated, then written (what an editor without a rename does). */
static void write_in_place(const char *rel, const char *text)
{
    int fd = open(at(rel), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
}

static int setup_tree(void **state)
{
    snprintf(root, sizeof(root), "/tmp/np-watch-XXXXXX");
    assert_non_null(mkdtemp(root));
    snprintf(dbfile, sizeof(dbfile), "%s.db", root);
    np_test_write(root, "world/one.xml", article("One"));
    np_test_write(root, "world/asia/two.xml", article("Two"));
    np_test_write(root, "sport/three.xml", article("Three"));
    memset(logged, 0, sizeof(logged));
    (void)state;
    return 0;
}

static int teardown_tree(void **state)
{
    char cmd[1400];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s' '%s' '%s-wal' '%s-shm'", root, dbfile, dbfile, dbfile);
    assert_int_equal(system(cmd), 0);
    (void)state;
    return 0;
}

static int qsort_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Waits (bounded) for events, reads them all, and returns the folders taken, sorted and joined
 * with spaces relative to root; "FULL" when a full pass is asked for; "" for nothing. */
static const char *changes(np_watch *w)
{
    struct pollfd pfd = {np_watch_fd(w), POLLIN, 0};
    apr_array_header_t *dirs;
    np_buf b;
    int i, full;
    while (poll(&pfd, 1, 100) > 0)
        assert_true(np_watch_read(w) >= 0);
    full = np_watch_take(w, pool, &dirs);
    if (full)
        return "FULL";
    qsort(dirs->elts, dirs->nelts, sizeof(char *), qsort_cmp);
    np_buf_init_pool(&b, pool, 256);
    for (i = 0; i < dirs->nelts; i++) {
        const char *d = APR_ARRAY_IDX(dirs, i, const char *);
        size_t n = strlen(root);
        assert_int_equal(strncmp(d, root, n), 0);
        np_buf_printf(&b, "%s%s", i ? " " : "", d[n] ? d + n + 1 : ".");
    }
    return np_buf_cstr(&b);
}

static void test_file_events(void **state)
{
    const char *why = NULL;
    np_watch *w = np_watch_open(pool, root, 100, &why);
    (void)state;
    assert_non_null(w);
    assert_int_equal(np_watch_count(w), 4); /* root, world, world/asia, sport */
    assert_string_equal(changes(w), "");

    write_in_place("world/one.xml", article("One, edited"));
    assert_string_equal(changes(w), "world");
    np_test_write(root, "world/asia/new.xml.tmp", article("New"));
    assert_int_equal(rename(at("world/asia/new.xml.tmp"), at("world/asia/new.xml")), 0);
    assert_string_equal(changes(w), "world/asia");
    assert_int_equal(unlink(at("sport/three.xml")), 0);
    np_test_write(root, "world/_section.xml", "<section><title>World</title></section>");
    assert_string_equal(changes(w), "sport world");

    /* names the index never reads */
    np_test_write(root, "world/.one.xml.swp", "x");
    np_test_write(root, "world/notes.txt", "x");
    np_test_write(root, "world/_draft.xml", "x");
    assert_string_equal(changes(w), "");
    np_watch_close(w);
}

static void test_folders(void **state)
{
    const char *why = NULL;
    np_watch *w = np_watch_open(pool, root, 100, &why);
    (void)state;
    assert_non_null(w);
    /* a new folder, and one below it made before its watch could exist */
    assert_int_equal(mkdir(at("culture"), 0755), 0);
    assert_int_equal(mkdir(at("culture/film"), 0755), 0);
    assert_string_equal(changes(w), ".");
    assert_int_equal(np_watch_count(w), 6);
    np_test_write(root, "culture/film/review.xml", article("Review"));
    assert_string_equal(changes(w), "culture/film");

    /* moved: reported under the new name only */
    assert_int_equal(rename(at("world"), at("news")), 0);
    assert_string_equal(changes(w), ".");
    np_test_write(root, "news/asia/three.xml", article("Three"));
    assert_string_equal(changes(w), "news/asia");
    assert_int_equal(np_watch_count(w), 6);

    /* removed */
    assert_int_equal(system(apr_psprintf(pool, "rm -rf '%s'", at("culture"))), 0);
    /* each folder lost something before it went */
    assert_string_equal(changes(w), ". culture culture/film");
    assert_int_equal(np_watch_count(w), 4);
    /* hidden and underscore folders are not watched */
    assert_int_equal(mkdir(at(".git"), 0755), 0);
    assert_int_equal(mkdir(at("_drafts"), 0755), 0);
    np_test_write(root, ".git/x.xml", "x");
    np_test_write(root, "_drafts/x.xml", "x");
    assert_string_equal(changes(w), "");
    assert_int_equal(np_watch_count(w), 4);
    np_watch_close(w);
}

static void test_limits(void **state)
{
    const char *why = NULL;
    np_watch *w = np_watch_open(pool, root, 3, &why);
    apr_array_header_t *dirs;
    int i;
    (void)state;
    assert_null(w);
    assert_non_null(strstr(why, "more than 3 folders (NewsPortalWatchMax)"));

    /* a new folder beyond the limit: the watcher gives up, and says why */
    w = np_watch_open(pool, root, 4, &why);
    assert_non_null(w);
    assert_int_equal(mkdir(at("culture"), 0755), 0);
    for (i = 0; i < 50 && np_watch_read(w) >= 0; i++)
        usleep(10000);
    assert_int_equal(np_watch_read(w), -1);
    assert_non_null(strstr(np_watch_error(w), "NewsPortalWatchMax"));
    np_watch_close(w);

    /* more changed folders than it remembers: a full pass */
    w = np_watch_open(pool, root, NP_WATCH_PENDING * 2, &why);
    assert_non_null(w);
    for (i = 0; i <= NP_WATCH_PENDING; i++)
        assert_int_equal(mkdir(at(apr_psprintf(pool, "world/s%d", i)), 0755), 0);
    assert_string_equal(changes(w), "world"); /* which walks the new folders whole */
    for (i = 0; i <= NP_WATCH_PENDING; i++)
        np_test_write(root, apr_psprintf(pool, "world/s%d/a.xml", i), "x");
    assert_string_equal(changes(w), "FULL");
    assert_int_equal(np_watch_take(w, pool, &dirs), 0);
    assert_int_equal(dirs->nelts, 0);
    np_watch_close(w);
}

/* More events than the kernel queues (fs.inotify.max_queued_events) before they are read: the
 * overflow asks for a full pass. */
static void test_overflow(void **state)
{
    const char *why = NULL;
    np_watch *w = np_watch_open(pool, root, 100, &why);
    long max = 16384;
    FILE *f = fopen("/proc/sys/fs/inotify/max_queued_events", "r");
    int i;
    (void)state;
    assert_non_null(w);
    if (f) {
        if (fscanf(f, "%ld", &max) != 1 || max <= 0 || max > 1000000)
            max = 16384;
        fclose(f);
    }
    /* two files in turn: the kernel merges only an event equal to the one before it */
    for (i = 0; i <= max; i++)
        write_in_place(i % 2 ? "world/one.xml" : "sport/three.xml", "x");
    assert_string_equal(changes(w), "FULL");
    assert_string_equal(changes(w), "");
    np_watch_close(w);
}

/* A folder moved out of the content and back: its watches, those below it too, go with it and
 * come back with it; moved within the content, it is watched under its new name only. */
static void test_moved_away_and_back(void **state)
{
    const char *why = NULL, *away = apr_pstrcat(pool, root, ".away", NULL);
    np_watch *w = np_watch_open(pool, root, 100, &why);
    (void)state;
    assert_non_null(w);
    assert_int_equal(rename(at("world"), away), 0);
    assert_string_equal(changes(w), ".");
    assert_int_equal(np_watch_count(w), 2);
    np_test_write(away, "one.xml", article("One, away"));
    np_test_write(away, "asia/two.xml", article("Two, away"));
    assert_string_equal(changes(w), "");

    assert_int_equal(rename(away, at("world")), 0);
    assert_string_equal(changes(w), ".");
    assert_int_equal(np_watch_count(w), 4);
    write_in_place("world/asia/two.xml", article("Two, back"));
    assert_string_equal(changes(w), "world/asia");
    write_in_place("world/one.xml", article("One, back"));
    assert_string_equal(changes(w), "world");

    /* below another folder and back, twice */
    assert_int_equal(rename(at("world"), at("sport/world")), 0);
    assert_string_equal(changes(w), ". sport");
    write_in_place("sport/world/asia/two.xml", article("Two, in sport"));
    assert_string_equal(changes(w), "sport/world/asia");
    assert_int_equal(rename(at("sport/world"), at("world")), 0);
    assert_int_equal(rename(at("world"), at("sport/world")), 0);
    assert_int_equal(rename(at("sport/world"), at("world")), 0);
    assert_string_equal(changes(w), ". sport");
    assert_int_equal(np_watch_count(w), 4);
    write_in_place("world/asia/two.xml", article("Two, home"));
    assert_string_equal(changes(w), "world/asia");
    np_watch_close(w);
}

/* A symlink to a folder is watched as the folder it leads to (here one the walk skips); the
 * link removed, so are the watches, and the folder's changes are no longer reported. */
static void test_symlinked_folder_removed(void **state)
{
    const char *why = NULL;
    np_watch *w;
    (void)state;
    np_test_write(root, "_shared/pics/a.xml", article("Pictures"));
    np_test_write(root, "_shared/pics/old/b.xml", article("Old pictures"));
    w = np_watch_open(pool, root, 100, &why);
    assert_non_null(w);
    assert_int_equal(symlink("_shared/pics", at("gallery")), 0);
    assert_string_equal(changes(w), ".");
    assert_int_equal(np_watch_count(w), 6);
    write_in_place("gallery/a.xml", article("Pictures, edited"));
    write_in_place("gallery/old/b.xml", article("Old pictures, edited"));
    assert_string_equal(changes(w), "gallery gallery/old");

    assert_int_equal(unlink(at("gallery")), 0);
    assert_string_equal(changes(w), ".");
    assert_int_equal(np_watch_count(w), 4);
    write_in_place("_shared/pics/a.xml", article("Pictures, unlinked"));
    write_in_place("_shared/pics/old/b.xml", article("Old pictures, unlinked"));
    assert_string_equal(changes(w), "");

    /* linked again under another name */
    assert_int_equal(symlink("_shared/pics", at("photos")), 0);
    assert_string_equal(changes(w), ".");
    assert_int_equal(np_watch_count(w), 6);
    write_in_place("_shared/pics/old/b.xml", article("Old pictures, linked"));
    assert_string_equal(changes(w), "photos/old");
    np_watch_close(w);
}

/* Atomic saves in a tree of many folders: the temporary files made, renamed and deleted mark
 * nothing; the article a save ends in marks its folder. */
static void test_tmp_renames(void **state)
{
    const char *why = NULL;
    np_watch *w;
    int i;
    (void)state;
    for (i = 0; i < 300; i++)
        assert_int_equal(mkdir(at(apr_psprintf(pool, "sport/s%d", i)), 0755), 0);
    w = np_watch_open(pool, root, 1000, &why);
    assert_non_null(w);
    assert_int_equal(np_watch_count(w), 304);
    for (i = 0; i < 600; i++) {
        const char *from = apr_psprintf(pool, "sport/s%d/a%d.xml.tmp", i % 300, i);
        const char *to = apr_psprintf(pool, "sport/s%d/b%d.xml.tmp", i % 300, i);
        np_test_write(root, from, "x");
        assert_int_equal(rename(at(from), at(to)), 0);
        assert_int_equal(unlink(at(to)), 0);
    }
    assert_string_equal(changes(w), "");
    np_test_write(root, "sport/s7/story.xml.tmp", article("Story"));
    assert_int_equal(rename(at("sport/s7/story.xml.tmp"), at("sport/s7/story.xml")), 0);
    assert_string_equal(changes(w), "sport/s7");
    assert_int_equal(np_watch_count(w), 304);
    np_watch_close(w);
}

/* ---- the indexer ---- */

static void conf(np_indexer_conf *c, int max_watches, volatile int *cancel)
{
    memset(c, 0, sizeof(*c));
    c->file = dbfile;
    c->opts.dir = root;
    c->opts.max_article_size = 1024 * 1024;
    c->opts.log = &logger;
    c->opts.stale_on_error = 1;
    c->opts.threads = 1;
    c->opts.cancel = cancel;
    c->watch = NP_WATCH_AUTO;
    c->max_watches = max_watches;
    c->poll_interval = 1;
}

/* The title the index holds for section/slug (through a reader of its own), or "-". */
static const char *title_of(const char *section, const char *slug)
{
    np_index_opts o;
    const char *err, *t = "-";
    np_index *idx;
    np_index_entry *e;
    memset(&o, 0, sizeof(o));
    o.dir = root;
    o.max_article_size = 1024 * 1024;
    idx = np_index_open(pool, dbfile, &o, 1, &err);
    assert_non_null(idx);
    if ((e = np_index_article(idx, pool, section, slug, apr_time_now())))
        t = apr_pstrdup(pool, e->a.title);
    np_index_close(idx);
    return t;
}

/* Steps the indexer (as the watchdog would, every 50 ms) until section/slug has title, at most
 * 10 s; returns the title last seen. */
static const char *step_until(np_indexer *ix, const char *section, const char *slug,
                              const char *title)
{
    const char *t = "-";
    int i;
    for (i = 0; i < 200; i++) {
        np_indexer_step(ix);
        if (strcmp(t = title_of(section, slug), title) == 0)
            break;
        usleep(50000);
    }
    return t;
}

static void test_indexer(void **state)
{
    np_indexer_conf c;
    np_indexer *ix;
    (void)state;
    conf(&c, 100, NULL);
    ix = np_indexer_create(&c);
    np_indexer_step(ix);
    assert_non_null(strstr(logged, "up to date in"));
    assert_non_null(strstr(logged, "read 3, new 3, changed 0, deleted 0"));
    assert_non_null(strstr(logged, "watching 4 folders with inotify"));
    assert_int_equal(np_indexer_watching(ix), 1);
    assert_string_equal(title_of("world", "one"), "One");
    /* the first build renamed its new file over the index: that is not a file replaced */
    sleep(1);
    np_indexer_step(ix);
    assert_null(strstr(logged, "deleted or replaced"));
    assert_string_equal(title_of("world", "one"), "One");

    write_in_place("world/one.xml", article("One, edited in place"));
    assert_string_equal(step_until(ix, "world", "one", "One, edited in place"),
                        "One, edited in place");
    np_test_write(root, "world/asia/added.xml", article("Added"));
    assert_string_equal(step_until(ix, "world/asia", "added", "Added"), "Added");
    assert_int_equal(rename(at("world/asia/added.xml"), at("world/asia/renamed.xml")), 0);
    assert_string_equal(step_until(ix, "world/asia", "renamed", "Added"), "Added");
    assert_string_equal(title_of("world/asia", "added"), "-");
    assert_int_equal(unlink(at("sport/three.xml")), 0);
    assert_string_equal(step_until(ix, "sport", "three", "-"), "-");
    np_test_write(root, "culture/film/new.xml", article("In a new folder"));
    assert_string_equal(step_until(ix, "culture/film", "new", "In a new folder"),
                        "In a new folder");

    /* the file deleted while serving: rebuilt, with one line */
    memset(logged, 0, sizeof(logged));
    assert_int_equal(unlink(dbfile), 0);
    sleep(1);
    np_indexer_step(ix);
    assert_non_null(strstr(logged, "the file was deleted or replaced while serving; rebuilding"));
    assert_string_equal(title_of("culture/film", "new"), "In a new folder");
    np_indexer_destroy(ix);

    /* a restart with the index on disk reads nothing */
    memset(logged, 0, sizeof(logged));
    ix = np_indexer_create(&c);
    np_indexer_step(ix);
    assert_non_null(strstr(logged, "read 0, new 0, changed 0, deleted 0"));
    np_indexer_destroy(ix);
}

/* world/soon.xml, published two seconds from now: the time it becomes visible. */
static time_t write_soon(void)
{
    char when[32];
    time_t t = time(NULL) + 2;
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
    np_test_write(root, "world/soon.xml",
                  apr_psprintf(pool,
                               "<article><title>Soon</title><published>%s</published><body><p>s"
                               "</p></body></article>",
                               when));
    return t;
}

/* The root list's stored count of visible articles and the generation, through a reader. */
static apr_int64_t root_count(apr_int64_t *generation)
{
    np_index_opts o;
    const char *err;
    np_index *idx;
    sqlite3_stmt *s = NULL;
    apr_int64_t n = -1;
    memset(&o, 0, sizeof(o));
    o.dir = root;
    o.max_article_size = 1024 * 1024;
    idx = np_index_open(pool, dbfile, &o, 1, &err);
    assert_non_null(idx);
    *generation = np_index_generation(idx);
    if (sqlite3_prepare_v2(np_index_db(idx), "SELECT vis_count FROM sections WHERE path = ''", -1,
                           &s, NULL) == SQLITE_OK &&
        sqlite3_step(s) == SQLITE_ROW)
        n = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    np_index_close(idx);
    return n;
}

/* An embargo lifts with no file changed: the indexer counts the lists again at that instant
 * (readers would otherwise count them on every request until the next change). */
static void test_indexer_embargo_lifts(void **state)
{
    np_indexer_conf c;
    np_indexer *ix;
    apr_int64_t before, after = 0, g0, g = 0;
    time_t t = write_soon();
    int i;
    (void)state;
    conf(&c, 100, NULL);
    ix = np_indexer_create(&c);
    np_indexer_step(ix);
    before = root_count(&g0);
    assert_true(before >= 0);
    for (i = 0; i < 100; i++) { /* at most 10 s */
        np_indexer_step(ix);
        if ((after = root_count(&g)) != before)
            break;
        usleep(100000);
    }
    assert_int_equal(after, before + 1);
    assert_true(g > g0);
    /* not time(): it reads a coarse clock, which can lag the indexer's by a few milliseconds */
    assert_true(apr_time_sec(apr_time_now()) >= t);
    np_indexer_destroy(ix);
}

/* A server started after an embargo lifted while none ran: the indexer counts the lists whose
 * window ended before its first pass, which at a million articles takes seconds, rather than
 * leave every request to count them until the pass ends. */
static void test_indexer_counts_ended_windows_first(void **state)
{
    np_indexer_conf c;
    np_indexer *ix;
    time_t t = write_soon();
    const char *counted, *pass;
    int n = -1;
    (void)state;
    conf(&c, 100, NULL);
    ix = np_indexer_create(&c);
    np_indexer_step(ix);
    np_indexer_destroy(ix); /* the server stops before the embargo lifts */
    while (apr_time_sec(apr_time_now()) <= t)
        usleep(50000);
    memset(logged, 0, sizeof(logged));
    ix = np_indexer_create(&c);
    np_indexer_step(ix);
    counted = strstr(logged, " lists counted again");
    pass = strstr(logged, "up to date in");
    assert_non_null(counted);
    assert_non_null(pass);
    assert_true(counted < pass);
    while (counted > logged && counted[-1] >= '0' && counted[-1] <= '9')
        counted--;
    n = atoi(counted);
    assert_true(n >= 1); /* the root and world at least */
    np_indexer_destroy(ix);
}

/* A deploy that swaps the content folder (the old one moved away, a new one moved in): the
 * indexer watches the new one from the top, and what it holds is in the index. */
static void test_indexer_folder_swapped(void **state)
{
    np_indexer_conf c;
    np_indexer *ix;
    const char *old = apr_pstrcat(pool, root, ".old", NULL);
    const char *next = apr_pstrcat(pool, root, ".new", NULL);
    (void)state;
    conf(&c, 100, NULL);
    ix = np_indexer_create(&c);
    np_indexer_step(ix);
    assert_int_equal(np_indexer_watching(ix), 1);
    assert_int_equal(system(apr_psprintf(pool, "cp -a '%s' '%s'", root, next)), 0);
    np_test_write(next, "world/swapped.xml", article("Swapped In"));
    assert_int_equal(rename(root, old), 0);
    assert_int_equal(rename(next, root), 0);
    assert_string_equal(step_until(ix, "world", "swapped", "Swapped In"), "Swapped In");
    assert_int_equal(np_indexer_watching(ix), 1);
    write_in_place("world/one.xml", article("After The Swap"));
    assert_string_equal(step_until(ix, "world", "one", "After The Swap"), "After The Swap");
    np_indexer_destroy(ix);
    assert_int_equal(system(apr_psprintf(pool, "rm -rf '%s'", old)), 0);
}

/* A meta value of the index, through a reader of its own ("" when none). */
static const char *meta(const char *key)
{
    np_index_opts o;
    const char *err, *v;
    np_index *idx;
    memset(&o, 0, sizeof(o));
    o.dir = root;
    o.max_article_size = 1024 * 1024;
    idx = np_index_open(pool, dbfile, &o, 1, &err);
    assert_non_null(idx);
    v = np_index_meta_get(idx, pool, key);
    np_index_close(idx);
    return v ? v : "";
}

/* The content folder gone: the pass fails, once in the log and on the status page (the index's
 * meta) until the folder is back. */
static void test_indexer_failing(void **state)
{
    np_indexer_conf c;
    np_indexer *ix;
    const char *gone = apr_pstrcat(pool, root, ".gone", NULL);
    int i;
    (void)state;
    conf(&c, 100, NULL);
    ix = np_indexer_create(&c);
    np_indexer_step(ix);
    assert_string_equal(meta("indexer.state"), "watching");
    assert_int_equal(rename(root, gone), 0);
    for (i = 0; i < 50 && strcmp(meta("indexer.state"), "failing") != 0; i++) {
        np_indexer_step(ix);
        usleep(100000);
    }
    assert_string_equal(meta("indexer.state"), "failing");
    assert_non_null(strstr(meta("indexer.error"), "cannot read the content folder"));
    assert_int_equal(rename(gone, root), 0);
    for (i = 0; i < 50 && strcmp(meta("indexer.state"), "failing") == 0; i++) {
        np_indexer_step(ix);
        usleep(100000);
    }
    assert_string_equal(meta("indexer.state"), "polling");
    assert_string_equal(meta("indexer.error"), "");
    assert_string_equal(title_of("world", "one"), "One");
    np_indexer_destroy(ix);
    assert_string_equal(meta("indexer.state"), "stopped");
}

static void test_indexer_polls_at_the_limit(void **state)
{
    np_indexer_conf c;
    np_indexer *ix;
    (void)state;
    conf(&c, 2, NULL);
    ix = np_indexer_create(&c);
    np_indexer_step(ix);
    assert_non_null(strstr(logged, "cannot watch"));
    assert_non_null(strstr(logged, "more than 2 folders (NewsPortalWatchMax); polling it every "
                                   "1 s instead"));
    assert_int_equal(np_indexer_watching(ix), 0);
    np_test_write(root, "sport/four.xml", article("Four"));
    assert_string_equal(step_until(ix, "sport", "four", "Four"), "Four");
    np_indexer_destroy(ix);
}

/* Two indexers of one file (a graceful restart's old and new generations): the second waits for
 * the first to end, and never rebuilds under it. */
static void test_one_writer(void **state)
{
    np_indexer_conf c;
    np_indexer *a, *b;
    int i;
    (void)state;
    conf(&c, 100, NULL);
    a = np_indexer_create(&c);
    b = np_indexer_create(&c);
    np_indexer_step(a);
    assert_int_equal(np_indexer_watching(a), 1);
    memset(logged, 0, sizeof(logged));
    for (i = 0; i < 3; i++) {
        np_indexer_step(b);
        usleep(250000);
    }
    assert_non_null(strstr(logged, "another indexer still writes it; waiting for it to end"));
    assert_null(strstr(logged, "up to date"));
    assert_int_equal(np_indexer_watching(b), -1);
    np_indexer_destroy(a);
    for (i = 0; i < 20 && np_indexer_watching(b) != 1; i++) {
        usleep(250000);
        np_indexer_step(b);
    }
    assert_int_equal(np_indexer_watching(b), 1);
    assert_non_null(strstr(logged, "read 0, new 0, changed 0, deleted 0"));
    np_indexer_destroy(b);
}

/* What a watcher reports when a folder appears with files in it: the parent and the new folder
 * in one pass. The new folder is walked whole by its parent's walk, and not again. */
static void test_new_folder_named_with_its_parent(void **state)
{
    np_index_opts o;
    np_index_stats st;
    np_index *idx;
    const char *err, *dirs[2];
    (void)state;
    memset(&o, 0, sizeof(o));
    o.dir = root;
    o.max_article_size = 1024 * 1024;
    o.log = &logger;
    idx = np_index_open(pool, dbfile, &o, 0, &err);
    assert_non_null(idx);
    assert_int_equal(np_index_update(idx, &st, &err), APR_SUCCESS);
    np_test_write(root, "world/fresh/a.xml", article("Fresh A"));
    np_test_write(root, "world/fresh/b.xml", article("Fresh B"));
    dirs[0] = at("world");
    dirs[1] = at("world/fresh");
    assert_int_equal(np_index_update_dirs(idx, dirs, 2, &st, &err), APR_SUCCESS);
    assert_int_equal(st.added, 2);
    np_index_close(idx);
    assert_string_equal(title_of("world/fresh", "b"), "Fresh B");
}

static void test_cancel(void **state)
{
    volatile int cancel = 1;
    np_index_opts o;
    np_index_stats st;
    np_index *idx;
    const char *err;
    int i;
    (void)state;
    for (i = 0; i < 300; i++)
        np_test_write(root, apr_psprintf(pool, "bulk/a%03d.xml", i), article("Bulk"));
    memset(&o, 0, sizeof(o));
    o.dir = root;
    o.max_article_size = 1024 * 1024;
    o.log = &logger;
    o.batch = 50;
    o.cancel = &cancel;
    idx = np_index_open(pool, dbfile, &o, 0, &err);
    assert_non_null(idx);
    assert_int_equal(np_index_update(idx, &st, &err), APR_EINTR);
    assert_string_equal(err, "interrupted");
    /* a first build stopped deletes its new file and its scratch file */
    assert_int_equal(access(apr_pstrcat(pool, dbfile, "-new", NULL), F_OK), -1);
    assert_int_equal(access(apr_pstrcat(pool, dbfile, "-build", NULL), F_OK), -1);
    np_index_close(idx);
    /* what it left opens, and the next pass finishes the work */
    cancel = 0;
    idx = np_index_open(pool, dbfile, &o, 0, &err);
    assert_non_null(idx);
    assert_int_equal(np_index_update(idx, &st, &err), APR_SUCCESS);
    assert_int_equal(st.total, 303);
    np_index_close(idx);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup_tree, teardown_tree)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_file_events),
        T(test_folders),
        T(test_moved_away_and_back),
        T(test_symlinked_folder_removed),
        T(test_tmp_renames),
        T(test_limits),
        T(test_overflow),
        T(test_indexer),
        T(test_indexer_embargo_lifts),
        T(test_indexer_counts_ended_windows_first),
        T(test_indexer_folder_swapped),
        T(test_indexer_failing),
        T(test_indexer_polls_at_the_limit),
        T(test_one_writer),
        T(test_new_folder_named_with_its_parent),
        T(test_cancel),
    };
    int rc;
    pool = np_test_begin();
    np_xml_init();
    rc = cmocka_run_group_tests(tests, NULL, NULL);
    return np_test_end(pool, rc);
}
