/* The indexer: the one writer of a content index. It opens (or rebuilds) the index, brings it
 * up to date with one full pass, then follows the tree: with inotify (np_watch), reading only
 * the folders that changed, or by a full pass every poll interval where inotify cannot see.
 * The module runs it in a mod_watchdog singleton; tests and benchmarks call it directly.
 * docs/caching.md ("The indexer").
 *
 * What it is doing is published in the index's meta table ("indexer.*" keys, read with
 * np_index_meta_get), so the status page of any process can show it. */
#ifndef NP_INDEXER_H
#define NP_INDEXER_H

#include <apr_pools.h>

#include "np_index.h"

typedef struct {
    const char *file;       /* the index file */
    np_index_opts opts;     /* dir, parse settings, log, cancel: as np_index_open takes them */
    int watch;              /* NP_WATCH_AUTO, NP_WATCH_INOTIFY or NP_WATCH_POLL (np_site.h) */
    int max_watches;        /* NewsPortalWatchMax: most folders watched with inotify */
    int poll_interval;      /* seconds between full passes when polling; 0: 1 */
    const char *no_inotify; /* why inotify cannot see this content (a network file system) */
} np_indexer_conf;

typedef struct np_indexer np_indexer;

/* c is copied (strings too). NULL when out of memory. */
np_indexer *np_indexer_create(const np_indexer_conf *c);

/* Does what is due now, without waiting for anything but the pass it runs:
 * - the first time (and after the file was deleted or replaced, and after a failure, at most
 *   every few seconds): opens the index (np_index_open rebuilds a missing, corrupt or foreign
 *   one), starts watching, runs a full pass and logs one NOTICE line with its counts;
 * - then, with inotify: reads the events, and once they pause (or have come for
 *   NP_INDEXER_DEBOUNCE_MS) reads the changed folders again in one pass; when polling: a full
 *   pass every poll interval.
 * Meant to be called every 100 ms or so. A pass stops early when *opts.cancel is set. */
void np_indexer_step(np_indexer *ix);

#define NP_INDEXER_DEBOUNCE_MS 300

/* One writer per index file: an exclusive flock(2) on FILE.lock beside it, held by the indexer
 * while it has the index open and by `newsportal index`. Returns the descriptor holding the lock
 * (closing it releases it); -1 with *busy set when another writer holds it, -1 with *err (from
 * p) on any other failure. */
int np_index_writer_lock(apr_pool_t *p, const char *file, int *busy, const char **err);

/* Records the indexer as stopped (when it can) and frees everything. */
void np_indexer_destroy(np_indexer *ix);

/* Figures for tests: the generation after the last pass, and whether it watches (1) or polls
 * (0; -1 before the first pass). */
apr_int64_t np_indexer_generation(np_indexer *ix);
int np_indexer_watching(const np_indexer *ix);

#endif
