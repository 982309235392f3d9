/* The indexer end to end (bench/scale.sh runs it on the index `newsportal index` built): an
 * np_indexer stepped every 100 ms in a thread of its own, as the module's watchdog steps it,
 * watches the tree with inotify; an article is edited in place (truncated and written) and by
 * rename, ROUNDS times each, and the time from the write to the moment a read-only handle sees
 * the generation move is measured.
 * bench_indexer CONTENT_DIR DB */
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <apr_general.h>
#include <apr_strings.h>

#include "np_index.h"
#include "np_indexer.h"
#include "np_site.h"
#include "np_xml.h"

#define ROUNDS 7

static volatile int quit;
static volatile int watching = -1;

static void *stepper(void *arg)
{
    np_indexer *ix = arg;
    while (!quit) {
        np_indexer_step(ix);
        watching = np_indexer_watching(ix);
        usleep(100000);
    }
    return NULL;
}

static void text(char *buf, size_t size, const char *title)
{
    snprintf(buf, size,
             "<article><title>%s</title><published>2026-01-01T00:00:00Z</published><body><p>"
             "edited</p></body></article>\n",
             title);
}

static void in_place(const char *path, const char *title)
{
    char buf[512];
    int fd = open(path, O_WRONLY | O_TRUNC);
    text(buf, sizeof(buf), title);
    if (fd < 0 || write(fd, buf, strlen(buf)) != (ssize_t)strlen(buf))
        exit(1);
    close(fd);
}

static void by_rename(const char *path, const char *title)
{
    char buf[512], tmp[4096];
    FILE *f;
    snprintf(tmp, sizeof(tmp), "%s.new", path);
    text(buf, sizeof(buf), title);
    if (!(f = fopen(tmp, "w")) || fputs(buf, f) < 0 || fclose(f) != 0 || rename(tmp, path) != 0)
        exit(1);
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* Milliseconds from the write to the generation seen moving, ROUNDS times: median and max. */
static void measure(np_index *r, const char *path, const char *how,
                    void (*edit)(const char *, const char *))
{
    double ms[ROUNDS];
    int i;
    for (i = 0; i < ROUNDS; i++) {
        apr_int64_t g = np_index_generation(r);
        apr_time_t t0, t;
        char title[64];
        snprintf(title, sizeof(title), "%s %d", how, i);
        t0 = apr_time_now();
        edit(path, title);
        while (np_index_generation(r) == g) {
            if (apr_time_now() - t0 > apr_time_from_sec(30)) {
                fprintf(stderr, "bench_indexer: no change seen in 30 s\n");
                exit(1);
            }
            usleep(1000);
        }
        t = apr_time_now();
        ms[i] = (double)(t - t0) / 1000.0;
        usleep(300000); /* apart: each edit its own pass */
    }
    qsort(ms, ROUNDS, sizeof(ms[0]), cmp);
    printf("edit %s, write to a reader seeing it (inotify, indexer stepped every 100 ms): median "
           "%.0f ms, max %.0f ms (%d edits)\n",
           how, ms[ROUNDS / 2], ms[ROUNDS - 1], ROUNDS);
}

int main(int argc, char **argv)
{
    apr_pool_t *pool;
    np_indexer_conf c;
    np_indexer *ix;
    np_index *r;
    np_index_page pg;
    const char *err, *path;
    pthread_t th;
    int i;

    if (argc != 3) {
        fprintf(stderr, "usage: bench_indexer CONTENT_DIR DB\n");
        return 2;
    }
    apr_initialize();
    np_xml_init();
    apr_pool_create(&pool, NULL);
    memset(&c, 0, sizeof(c));
    c.file = argv[2];
    c.opts.dir = argv[1];
    c.opts.max_article_size = 4 * 1024 * 1024; /* as `newsportal index` and bench_scale */
    c.opts.stale_on_error = 1;
    c.opts.threads = 2;
    c.watch = NP_WATCH_AUTO;
    c.max_watches = 100000;
    c.poll_interval = 1;
    if (!(ix = np_indexer_create(&c)) || pthread_create(&th, NULL, stepper, ix) != 0)
        return 1;
    for (i = 0; i < 600 && watching < 0; i++)
        usleep(100000);
    if (watching != 1) {
        fprintf(stderr, "bench_indexer: the indexer does not watch with inotify\n");
        return 1;
    }
    if (!(r = np_index_open(pool, argv[2], &c.opts, 1, &err))) {
        fprintf(stderr, "bench_indexer: %s\n", err);
        return 1;
    }
    /* an article in a folder of the second level: a watcher's usual case */
    if (!np_index_list_section(r, pool, "", apr_time_now(), 0, 1, &pg) || !pg.n) {
        fprintf(stderr, "bench_indexer: no article\n");
        return 1;
    }
    path = pg.items[0]->a.path;
    measure(r, path, "in place", in_place);
    measure(r, path, "by rename", by_rename);
    quit = 1;
    pthread_join(th, NULL);
    np_index_close(r);
    np_indexer_destroy(ix);
    apr_pool_destroy(pool);
    apr_terminate();
    return 0;
}
