/* The indexer (np_indexer.h). */
#include "np_indexer.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/file.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <apr_strings.h>

#include "np_site.h"
#include "np_watch.h"

#define RETRY_SECONDS 5 /* after a failed open or pass */

struct np_indexer {
    apr_pool_t *pool;
    np_indexer_conf c;
    np_index *idx;
    int lock;      /* FILE.lock, held with flock while the index is open: one writer */
    int told_lock; /* waiting for another writer was logged */
    np_watch *w;
    int watching; /* 1: inotify; 0: polling; -1: not started */
    const char *why_poll;
    int told_poll; /* the fallback was logged */
    apr_time_t next_poll, next_stat, retry_at;
    apr_time_t first_event; /* of the changes not yet read; 0: none */
    dev_t dev;
    ino_t ino;
    int failed; /* the last open or pass failed: logged once until one works */
    apr_int64_t generation;
    apr_time_t next_window; /* when a list's stored visible count stops being true; 0: never */
};

static int cancelled(const np_indexer *ix)
{
    return ix->c.opts.cancel && *ix->c.opts.cancel;
}

static void publish(np_indexer *ix, const char *key, const char *value)
{
    if (ix->idx)
        np_index_meta_set(ix->idx, key, value);
}

static void publish_time(np_indexer *ix, const char *key, apr_time_t t)
{
    char buf[32];
    snprintf(buf, sizeof(buf), "%" APR_TIME_T_FMT, t);
    publish(ix, key, buf);
}

np_indexer *np_indexer_create(const np_indexer_conf *c)
{
    apr_pool_t *p;
    np_indexer *ix;
    if (apr_pool_create_unmanaged_ex(&p, NULL, NULL) != APR_SUCCESS)
        return NULL;
    ix = apr_pcalloc(p, sizeof(*ix));
    ix->pool = p;
    ix->c = *c;
    ix->c.file = apr_pstrdup(p, c->file);
    ix->c.opts.dir = apr_pstrdup(p, c->opts.dir);
    ix->c.opts.lang = c->opts.lang ? apr_pstrdup(p, c->opts.lang) : NULL;
    ix->c.no_inotify = c->no_inotify ? apr_pstrdup(p, c->no_inotify) : NULL;
    if (ix->c.poll_interval <= 0)
        ix->c.poll_interval = 1;
    ix->watching = -1;
    ix->generation = -1;
    ix->lock = -1;
    return ix;
}

static void stop_watching(np_indexer *ix)
{
    np_watch_close(ix->w);
    ix->w = NULL;
    ix->first_event = 0;
}

static void close_index(np_indexer *ix)
{
    stop_watching(ix);
    np_index_close(ix->idx);
    ix->idx = NULL;
    if (ix->lock >= 0)
        close(ix->lock); /* and the flock with it */
    ix->lock = -1;
}

/* One writer per file: an indexer of the previous generation (a graceful restart) may still be
 * finishing a pass; this one waits for it rather than rebuilding what looks half-built. 0 when
 * the lock is ours. */
int np_index_writer_lock(apr_pool_t *p, const char *file, int *busy, const char **err)
{
    const char *lf = apr_pstrcat(p, file, ".lock", NULL);
    int fd = open(lf, O_RDWR | O_CREAT | O_CLOEXEC, 0640);
    *busy = 0;
    if (fd < 0) {
        *err = apr_psprintf(p, "cannot open %s: %s", lf, strerror(errno));
        return -1;
    }
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
        if (errno == EWOULDBLOCK)
            *busy = 1;
        else
            *err = apr_psprintf(p, "cannot lock %s: %s", lf, strerror(errno));
        close(fd);
        return -1;
    }
    return fd;
}

static int take_lock(np_indexer *ix, apr_pool_t *p)
{
    const char *err = NULL;
    int busy, fd = np_index_writer_lock(p, ix->c.file, &busy, &err);
    if (fd < 0 && busy) {
        if (!ix->told_lock)
            np_log(ix->c.opts.log, NP_LOG_INFO,
                   "content index %s: another indexer still writes it; waiting for it to end",
                   ix->c.file);
        ix->told_lock = 1;
        return -1;
    }
    if (fd < 0) {
        if (!ix->failed)
            np_log(ix->c.opts.log, NP_LOG_ERR, "NP0017: content index %s: %s", ix->c.file, err);
        ix->failed = 1;
        return -1;
    }
    ix->told_lock = 0;
    ix->lock = fd;
    return 0;
}

/* Polling from now on, said once in the log. */
static void fall_back(np_indexer *ix, const char *why)
{
    stop_watching(ix);
    ix->watching = 0;
    ix->why_poll = apr_pstrdup(ix->pool, why);
    if (!ix->told_poll || ix->c.watch == NP_WATCH_INOTIFY)
        np_log(ix->c.opts.log, ix->c.watch == NP_WATCH_INOTIFY ? NP_LOG_ERR : NP_LOG_WARNING,
               "NP0016: content index %s: cannot watch %s with inotify: %s; polling it every %d "
               "s instead (NewsPortalCheckInterval)",
               ix->c.file, ix->c.opts.dir, why, ix->c.poll_interval);
    ix->told_poll = 1;
}

/* A pass failed: said once in the log, and on the status page until one works. */
static void failing(np_indexer *ix, const char *err, int retry)
{
    if (!ix->failed)
        np_log(ix->c.opts.log, NP_LOG_ERR, "NP0018: content index %s: %s; trying again in %d s",
               ix->c.file, err, retry);
    ix->failed = 1;
    publish(ix, "indexer.state", "failing");
    publish(ix, "indexer.error", err);
}

static void publish_mode(np_indexer *ix)
{
    char buf[512];
    if (ix->watching == 1)
        snprintf(buf, sizeof(buf), "inotify (%d folders)", np_watch_count(ix->w));
    else
        snprintf(buf, sizeof(buf), "poll every %d s: %s", ix->c.poll_interval,
                 ix->why_poll ? ix->why_poll : "");
    publish(ix, "indexer.watch", buf);
    publish(ix, "indexer.state", ix->watching == 1 ? "watching" : "polling");
    publish(ix, "indexer.error", "");
}

/* The file's identity, to notice it deleted or replaced while the index is open. */
static int file_id(const char *file, dev_t *dev, ino_t *ino)
{
    struct stat sb;
    if (stat(file, &sb) != 0)
        return -1;
    *dev = sb.st_dev;
    *ino = sb.st_ino;
    return 0;
}

/* "Last change seen": the end of the last pass that changed the index. A first build renamed a
 * new file over the index: that file is the one watched from now on. */
static void after_pass(np_indexer *ix, int replaced)
{
    if (replaced && file_id(ix->c.file, &ix->dev, &ix->ino) != 0)
        ix->dev = 0, ix->ino = 0;
    apr_int64_t g = np_index_generation(ix->idx);
    if (g != ix->generation)
        publish_time(ix, "indexer.changed", apr_time_now());
    ix->generation = g;
    ix->next_window = np_index_next_window(ix->idx);
}

/* An embargo lifted or an article expired with no file changed: the lists it is in are counted
 * again now, once, rather than by every request until the next change (at 1,000,000 articles,
 * counting the home page's list costs a reader about 150 ms). */
static void refresh_windows(np_indexer *ix, apr_time_t now)
{
    const char *err = NULL;
    int n = 0;
    if (np_index_refresh_windows(ix->idx, now, &n, &err) != APR_SUCCESS) {
        np_log(ix->c.opts.log, NP_LOG_WARNING, "content index %s: %s", ix->c.file,
               err ? err : "cannot count the lists again");
        ix->next_window = now + apr_time_from_sec(RETRY_SECONDS);
        return;
    }
    np_log(ix->c.opts.log, NP_LOG_DEBUG,
           "content index %s: %d lists counted again (an embargo or an expiry)", ix->c.file, n);
    after_pass(ix, 0);
}

/* Opens the index, starts watching (before the pass, so that nothing written during it is
 * missed) and runs a full pass. */
static void start(np_indexer *ix)
{
    const char *err = NULL;
    apr_pool_t *p;
    np_index_stats st;
    apr_status_t rv;
    char pid[32];

    apr_pool_create(&p, ix->pool);
    if (ix->lock < 0 && take_lock(ix, p) != 0) {
        ix->retry_at = apr_time_now() + apr_time_from_msec(ix->failed ? 5000 : 200);
        apr_pool_destroy(p);
        return;
    }
    ix->idx = np_index_open(p, ix->c.file, &ix->c.opts, 0, &err);
    if (!ix->idx) {
        if (!ix->failed)
            np_log(ix->c.opts.log, NP_LOG_ERR,
                   "NP0017: content index %s: %s; trying again every %d s", ix->c.file,
                   err ? err : "cannot open it", RETRY_SECONDS);
        ix->failed = 1;
        ix->retry_at = apr_time_now() + apr_time_from_sec(RETRY_SECONDS);
        apr_pool_destroy(p);
        return;
    }
    {
        /* the folder (0750) keeps others out already; the files say the same */
        static const char *const companions[] = {"", "-wal", "-shm"};
        size_t k;
        for (k = 0; k < sizeof(companions) / sizeof(companions[0]); k++)
            chmod(apr_pstrcat(p, ix->c.file, companions[k], NULL), 0640);
    }
    if (file_id(ix->c.file, &ix->dev, &ix->ino) != 0)
        ix->dev = 0, ix->ino = 0;
    snprintf(pid, sizeof(pid), "%ld", (long)getpid());
    publish(ix, "indexer.pid", pid);
    publish(ix, "indexer.state", "building");
    publish_time(ix, "indexer.started", apr_time_now());
    ix->generation = np_index_generation(ix->idx);

    if (ix->watching != 0 || ix->c.watch == NP_WATCH_INOTIFY) {
        const char *why = NULL;
        if (ix->c.watch == NP_WATCH_POLL)
            why = "NewsPortalWatch poll";
        else if (ix->c.no_inotify)
            why = ix->c.no_inotify;
        else if ((ix->w = np_watch_open(p, ix->c.opts.dir, ix->c.max_watches, &why)))
            ix->watching = 1;
        if (!ix->w) {
            if (ix->c.watch == NP_WATCH_POLL) {
                ix->watching = 0;
                ix->why_poll = why;
            } else
                fall_back(ix, why);
        }
    }
    /* Windows that ended while no indexer ran (the server was down) are counted first: the
     * pass takes seconds at a million articles, and until then every request would count. */
    refresh_windows(ix, apr_time_now());
    rv = np_index_update(ix->idx, &st, &err);
    if (rv == APR_EINTR) {
        apr_pool_destroy(p);
        return; /* stopping: the next indexer finishes the pass */
    }
    if (rv != APR_SUCCESS) {
        failing(ix, err, RETRY_SECONDS);
        close_index(ix);
        ix->retry_at = apr_time_now() + apr_time_from_sec(RETRY_SECONDS);
        apr_pool_destroy(p);
        return;
    }
    ix->failed = 0;
    after_pass(ix, st.replaced);
    np_log(ix->c.opts.log, NP_LOG_NOTICE,
           "NP0015: content index %s: up to date in %" APR_TIME_T_FMT
           " ms (articles %" APR_INT64_T_FMT ", folders %d, read %d, new %d, changed %d, "
           "deleted %d, errors %d); %s",
           ix->c.file, apr_time_as_msec(st.took), st.total, st.folders, st.parsed, st.added,
           st.changed, st.deleted, st.errors,
           ix->watching == 1
               ? apr_psprintf(p, "watching %d folders with inotify", np_watch_count(ix->w))
               : apr_psprintf(p, "polling every %d s (%s)", ix->c.poll_interval, ix->why_poll));
    publish_mode(ix);
    ix->next_poll = apr_time_now() + apr_time_from_sec(ix->c.poll_interval);
    ix->next_stat = apr_time_now() + apr_time_from_sec(1);
    apr_pool_destroy(p);
}

/* One pass over the folders the watcher names (all of them after an overflow). */
static void update_changed(np_indexer *ix)
{
    apr_pool_t *p;
    apr_array_header_t *dirs;
    np_index_stats st;
    const char *err = NULL;
    apr_status_t rv;
    int full;
    apr_pool_create(&p, ix->pool);
    full = np_watch_take(ix->w, p, &dirs);
    ix->first_event = 0;
    if (full)
        rv = np_index_update(ix->idx, &st, &err);
    else if (dirs->nelts)
        rv = np_index_update_dirs(ix->idx, (const char *const *)dirs->elts, dirs->nelts, &st, &err);
    else
        rv = APR_SUCCESS, memset(&st, 0, sizeof(st));
    if (rv == APR_SUCCESS) {
        np_log(ix->c.opts.log, NP_LOG_DEBUG,
               "content index %s: %s in %" APR_TIME_T_FMT " ms (read %d, new %d, changed %d, "
               "deleted %d)",
               ix->c.file,
               full ? "a full pass" : apr_psprintf(p, "%d folders read again", dirs->nelts),
               apr_time_as_msec(st.took), st.parsed, st.added, st.changed, st.deleted);
        after_pass(ix, st.replaced);
    } else if (rv != APR_EINTR) {
        failing(ix, err, RETRY_SECONDS);
        /* what was missed is found by the full pass of a fresh start */
        close_index(ix);
        ix->retry_at = apr_time_now() + apr_time_from_sec(RETRY_SECONDS);
    }
    apr_pool_destroy(p);
}

static void poll_pass(np_indexer *ix)
{
    np_index_stats st;
    const char *err = NULL;
    apr_status_t rv = np_index_update(ix->idx, &st, &err);
    ix->next_poll = apr_time_now() + apr_time_from_sec(ix->c.poll_interval);
    if (rv == APR_SUCCESS) {
        if (ix->failed)
            publish_mode(ix);
        ix->failed = 0;
        after_pass(ix, st.replaced);
    } else if (rv != APR_EINTR)
        failing(ix, err, ix->c.poll_interval);
}

void np_indexer_step(np_indexer *ix)
{
    apr_time_t now = apr_time_now();
    if (cancelled(ix))
        return;
    if (!ix->idx) {
        if (now >= ix->retry_at)
            start(ix);
        return;
    }
    if (now >= ix->next_stat) {
        dev_t dev;
        ino_t ino;
        ix->next_stat = now + apr_time_from_sec(1);
        if (file_id(ix->c.file, &dev, &ino) != 0 || dev != ix->dev || ino != ix->ino) {
            np_log(ix->c.opts.log, NP_LOG_WARNING,
                   "NP0019: content index %s: the file was deleted or replaced while serving; "
                   "rebuilding it",
                   ix->c.file);
            close_index(ix);
            start(ix);
            return;
        }
    }
    if (ix->next_window && now >= ix->next_window)
        refresh_windows(ix, now);
    if (ix->watching == 1) {
        int n = np_watch_read(ix->w);
        if (n < 0) {
            /* watched anew from the top (the folder replaced, say), else polled; either way
             * a full pass finds what the watcher could not see */
            const char *why = NULL;
            apr_pool_t *p;
            apr_pool_create(&p, ix->pool);
            why = apr_pstrdup(p, np_watch_error(ix->w));
            stop_watching(ix);
            if (!(ix->w = np_watch_open(p, ix->c.opts.dir, ix->c.max_watches, &why)))
                fall_back(ix, why);
            publish_mode(ix);
            poll_pass(ix);
            apr_pool_destroy(p);
            return;
        }
        if (n > 0 && !ix->first_event)
            ix->first_event = now;
        /* a burst (an editor's save, a copied folder) is one pass: read once the events
         * pause for a tick, or after NP_INDEXER_DEBOUNCE_MS at the latest */
        if (np_watch_pending(ix->w) &&
            (n == 0 || now - ix->first_event >= apr_time_from_msec(NP_INDEXER_DEBOUNCE_MS)))
            update_changed(ix);
        return;
    }
    if (now >= ix->next_poll)
        poll_pass(ix);
}

void np_indexer_destroy(np_indexer *ix)
{
    if (!ix)
        return;
    if (ix->idx) {
        /* unless a newer indexer took over already */
        const char *pid = np_index_meta_get(ix->idx, ix->pool, "indexer.pid");
        if (pid && strtol(pid, NULL, 10) == (long)getpid())
            publish(ix, "indexer.state", "stopped");
    }
    close_index(ix);
    apr_pool_destroy(ix->pool);
}

apr_int64_t np_indexer_generation(np_indexer *ix)
{
    return ix->generation;
}

int np_indexer_watching(const np_indexer *ix)
{
    return ix->watching;
}
