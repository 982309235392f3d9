/* Watching a content folder with inotify: every folder below it (itself included) gets a watch,
 * folders that appear get theirs, and what happened is kept as the set of folders to read again,
 * which is what np_index_update_dirs takes. docs/caching.md ("The indexer") says when the indexer
 * watches and when it polls instead.
 *
 * Folders are those the index walks: names starting with '.' or '_' are skipped, symlinks are
 * followed only as np_file_type_beneath allows. Memory is bounded: at most max_watches folders
 * are watched, and at most NP_WATCH_PENDING folders are remembered between two takes (beyond
 * that, a full pass is asked for instead). One thread at a time. */
#ifndef NP_WATCH_H
#define NP_WATCH_H

#include <apr_pools.h>
#include <apr_tables.h>

#define NP_WATCH_PENDING 1024

typedef struct np_watch np_watch;

/* Watches dir and every folder below it. NULL with *why (from p) when inotify cannot be used:
 * inotify_init failed, or the tree has more than max_watches folders, or the system's limit of
 * watches is reached. */
np_watch *np_watch_open(apr_pool_t *p, const char *dir, int max_watches, const char **why);
void np_watch_close(np_watch *w);

/* The inotify descriptor (non-blocking), for poll(2). */
int np_watch_fd(const np_watch *w);

/* Reads every event available now without blocking and adds watches to new folders. Returns
 * the number of events read, or -1 when the tree can no longer be covered (a new folder beyond
 * the watch limit, the content folder itself deleted or moved, a read error): np_watch_error
 * says why, and the caller watches anew or falls back to polling. */
int np_watch_read(np_watch *w);

/* Non-zero when a change is waiting to be taken. */
int np_watch_pending(const np_watch *w);

/* Takes what changed since the last take: returns 1 when a full pass is needed (the kernel's
 * queue overflowed, more than NP_WATCH_PENDING folders changed), else 0 with *dirs (allocated in p)
 * the absolute paths of the folders to read again, possibly none. */
int np_watch_take(np_watch *w, apr_pool_t *p, apr_array_header_t **dirs);

/* Folders watched now. */
int np_watch_count(const np_watch *w);
/* Why np_watch_read returned -1, or NULL. */
const char *np_watch_error(const np_watch *w);

#endif
