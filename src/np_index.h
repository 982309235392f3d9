/* The content index: what np_content_scan knows about the tree, kept in one SQLite file (WAL
 * mode) per content folder, written by one indexer and read by any number of processes.
 * docs/caching.md ("The content index") describes the file, its schema and who owns it.
 *
 * An np_index handle is a connection with its prepared statements: use it from one thread at
 * a time. Readers open their own handle read-only; every write happens in np_index_update. */
#ifndef NP_INDEX_H
#define NP_INDEX_H

#include <apr_pools.h>
#include <apr_tables.h>
#include <apr_time.h>

#include "np_article.h"
#include "np_date.h"
#include "np_log.h"

#define NP_INDEX_SCHEMA 5

/* Where deleted articles' ids lived (for 301s, docs/content.md) is remembered this many days,
 * for at most this many addresses (the newest). */
#define NP_INDEX_MOVES_DAYS 365
#define NP_INDEX_MOVES_MAX 100000

typedef struct np_index np_index;

typedef struct {
    int folders;       /* folders walked */
    int files;         /* article files seen */
    int parsed;        /* files read (new or changed) */
    int added;         /* articles new to the index */
    int changed;       /* articles replaced by a newer version */
    int deleted;       /* articles whose file is gone */
    int errors;        /* files that could not be loaded in this pass */
    int stale;         /* of those, kept in their last good version */
    int sections;      /* sections in the index after the pass */
    apr_int64_t total; /* articles in the index after the pass */
    int commits;       /* write transactions */
    apr_interval_time_t took;
    apr_interval_time_t fulltext; /* of took: a first build's full text, written at its end */
    int replaced; /* a first build: written into a new file, renamed over the index's */
} np_index_stats;

typedef struct {
    const char *dir;  /* the content folder */
    const char *lang; /* NewsPortalLanguage; NULL: "en" */
    const np_tz *tz;  /* NULL: UTC */
    apr_size_t max_article_size;
    const np_logger *log;
    int stale_on_error; /* keep the last good version of a file that became unreadable */
    int threads;        /* parsing threads; 0: one per processor, at most 8 */
    int batch;          /* files per write transaction; 0: 2000 */
    /* Called after each write transaction (may be NULL). */
    void (*progress)(void *baton, const np_index_stats *st);
    void *baton;
    /* When set (may be NULL), a pass stops between two write transactions and returns
     * APR_EINTR: what it committed is consistent, and the next pass finishes the work. */
    volatile int *cancel;
} np_index_opts;

/* Opens (creating it when missing) the index in file for the tree and parse settings in opts.
 * A file that is not an index, is corrupt, or was built for another folder, time zone,
 * language or size limit is deleted and created anew, with one log line. Read-only handles
 * never rebuild: they fail instead. NULL with *err (from errp) set on failure. opts is copied;
 * the handle has a pool of its own. */
np_index *np_index_open(apr_pool_t *errp, const char *file, const np_index_opts *opts, int readonly,
                        const char **err);
void np_index_close(np_index *idx);

/* Brings the index up to date with the tree: every folder is listed and every article file
 * stat()ed; only new and changed files are parsed (with np_article_load, in worker threads),
 * rows of vanished files and folders are deleted. A build from nothing is the same call on an
 * empty index. Writes happen in transactions of opts->batch files: a crash leaves the index
 * consistent with some prefix of the pass. Returns APR_SUCCESS, or an error with *err set. */
apr_status_t np_index_update(np_index *idx, np_index_stats *st, const char **err);

/* The same for a set of folders only (absolute paths below the content folder, as a watcher
 * reports them): their files are compared and read as above, subfolders new to the index are
 * walked whole, and subfolders that vanished are deleted with everything below. Folders not
 * named are not looked at. */
apr_status_t np_index_update_dirs(np_index *idx, const char *const *dirs, int ndirs,
                                  np_index_stats *st, const char **err);

/* Where the index of a content folder lives when NewsPortalIndex does not say: a file in dir
 * named after the folder and everything that shapes parsing (so two locations that parse one
 * folder differently never share an index): "DIR/news-1f3a...c2.sqlite". */
const char *np_index_default_file(apr_pool_t *p, const char *dir, const char *content_dir,
                                  const char *lang, const np_tz *tz, apr_size_t max_article_size,
                                  int stale_on_error);
#define NP_INDEX_DIR_DEFAULT "/var/cache/apache2/newsportal"

/* Copies the write-ahead log into the file and empties it, waiting for readers (up to the busy
 * timeout): for `newsportal index`, whose file may then be copied or renamed alone, even while
 * a server reads it (the last connection to close does it otherwise). 0, or -1 when readers
 * kept it from finishing. */
int np_index_checkpoint(np_index *idx);
/* The earliest instant at which a list's stored count of visible articles stops being true
 * (an embargo lifts, an article expires), 0 when none will. */
apr_time_t np_index_next_window(np_index *idx);
/* Counts again, in one write transaction, every list whose stored count is not true at now,
 * so that readers never count a list at request time; *refreshed: how many. */
apr_status_t np_index_refresh_windows(np_index *idx, apr_time_t now, int *refreshed,
                                      const char **err);

/* The indexer's own records beside the index's (its pid, state and watch mode, for the status
 * page of any process): keys must start with "indexer.". A write is a transaction of its own
 * and never moves the generation; read-only handles cannot write. 0 on success. */
int np_index_meta_set(np_index *idx, const char *key, const char *value);
/* A meta value (any key), or NULL. */
const char *np_index_meta_get(np_index *idx, apr_pool_t *p, const char *key);

/* Bumped by every write transaction: readers key in-process caches on it. */
apr_int64_t np_index_generation(np_index *idx);

/* A request sees one version of the index: reads between begin and end share one snapshot.
 * begin returns 0, or -1 when no transaction could be started. */
int np_index_read_begin(np_index *idx);
void np_index_read_end(np_index *idx);

/* ---- reading ---- */

typedef struct {
    apr_int64_t id;
    const char *path;   /* "news/world"; "" for the root */
    const char *parent; /* NULL for the root */
    const char *dir;    /* folder on disk */
    const char *title;  /* NULL for the root without one */
    const char *description;
    const char *lang; /* effective */
    int order;        /* 1000000 when not given */
    int page_size;    /* 0: the site's */
    int depth;
    apr_time_t mtime;        /* of the folder */
    apr_uint64_t digest;     /* of its metadata and its list of articles */
    apr_int64_t articles;    /* every article below, drafts too */
    apr_uint64_t nav_digest; /* of every section's path, title, order and language */
    /* np_index_sections only: how many are visible at vis_at, until vis_until; _section.xml */
    apr_int64_t vis_count;
    apr_time_t vis_at, vis_until, meta_mtime;
} np_index_section;

typedef struct np_index_entry {
    apr_int64_t id;
    np_article a;        /* metadata (body_html NULL): as np_article_load gave it */
    const char *section; /* its section's path */
    apr_int64_t section_id;
    const char *rel;  /* path below the content folder */
    const char *lang; /* effective: article, section, then site */
    apr_time_t mtime;
    apr_off_t size;
    apr_uint64_t digest; /* of its path, mtime and size, as np_entry's */
    int stale;           /* the file is broken now; this is its last good version */
    apr_int64_t body;    /* its body's key (np_index_body); 0: none */
} np_index_entry;

/* One page of a list: the visible entries newest first from skip, up to max. */
typedef struct {
    np_index_entry **items;
    int n;
    apr_int64_t total;      /* visible in the whole list */
    apr_time_t next_change; /* the next instant the list changes by itself; 0: none */
    apr_uint64_t digest;    /* of the list (changes when an article in it does) */
} np_index_page;

/* The section at path, or 0 when the index has none (a folder without _section.xml and without
 * articles below is no section). */
int np_index_section_get(np_index *idx, apr_pool_t *p, const char *path, np_index_section *out);
/* Its child sections in navigation order (order, then title): np_index_section in an array. */
apr_array_header_t *np_index_section_children(np_index *idx, apr_pool_t *p, const char *path);
/* A section's listing (its articles and its descendants'); 0 when there is no such section. */
int np_index_list_section(np_index *idx, apr_pool_t *p, const char *path, apr_time_t now,
                          apr_int64_t skip, int max, np_index_page *out);
/* The same from what the section tree of the handle's generation holds (np_index_sections):
 * the section's row is not read again, and each entry's section (path, language, folder) is
 * given by resolve, or read from the index when it returns 0. Entries as np_index_list_section. */
typedef struct {
    apr_int64_t id;
    apr_uint64_t digest; /* np_index_section.digest */
    apr_int64_t vis_count;
    apr_time_t vis_at, vis_until;
} np_index_list_head;
typedef int (*np_index_section_resolver)(void *baton, apr_int64_t section_id, const char **path,
                                         const char **lang, const char **dir);
void np_index_list_section_at(np_index *idx, apr_pool_t *p, const np_index_list_head *head,
                              apr_time_t now, apr_int64_t skip, int max,
                              np_index_section_resolver resolve, void *baton, np_index_page *out);
/* A tag's listing by its slug; *name (may be NULL) receives the tag as first written. 0 when no
 * article, visible or not, carries the tag. */
int np_index_list_tag(np_index *idx, apr_pool_t *p, const char *slug, apr_time_t now,
                      apr_int64_t skip, int max, np_index_page *out, const char **name);
/* The visible article with this slug in exactly this section, or NULL. */
np_index_entry *np_index_article(np_index *idx, apr_pool_t *p, const char *section,
                                 const char *slug, apr_time_t now);
/* The visible article with this slug anywhere (the first in path order when not unique). */
np_index_entry *np_index_article_by_slug(np_index *idx, apr_pool_t *p, const char *slug,
                                         apr_time_t now);
/* The visible neighbours of e in its own section's date order, as np_view_neighbours. */
void np_index_neighbours(np_index *idx, apr_pool_t *p, const np_index_entry *e, apr_time_t now,
                         np_index_entry **older, np_index_entry **newer);
/* The sanitized body of the version of e the index holds, or NULL. */
const char *np_index_body(np_index *idx, apr_pool_t *p, const np_index_entry *e, apr_size_t *len);
/* A section's list oldest first (the reverse of np_index_list_section), for sitemaps.
 * lastmods: the newest updated-else-published of the visible articles at positions
 * [first + i * width, first + (i + 1) * width) in out[i], i < n (0: none there; positions
 * below 0 or past the end hold none), in one pass over the rows of those positions, without
 * reading whole rows. _oldest: the visible articles from position skip, or (after not NULL) the
 * ones right after that one, up to max; out->total is not filled. 0 when there is no such
 * section. */
int np_index_list_lastmods(np_index *idx, const char *path, apr_time_t now, apr_int64_t first,
                           apr_int64_t width, int n, apr_time_t *out);
int np_index_list_section_oldest(np_index *idx, apr_pool_t *p, const char *path, apr_time_t now,
                                 apr_int64_t skip, const np_index_entry *after, int max,
                                 np_index_page *out);
/* The newest updated-else-published of the n newest visible articles of a section's list, in
 * SQL (0: none, or no such section). */
apr_time_t np_index_list_newest_lastmod(np_index *idx, const char *path, apr_time_t now, int n);

/* The next instant after now at which an article of the section's (or tag's) list appears or
 * disappears; 0 when none. */
apr_time_t np_index_next_change(np_index *idx, const char *section, const char *tag_slug,
                                apr_time_t now);

/* Every section (those np_index_section_get finds), parents before children, siblings in
 * navigation order: np_index_section in an array. */
apr_array_header_t *np_index_sections(np_index *idx, apr_pool_t *p);
/* The article at this address whether visible or not (section NULL: by slug alone, the first in
 * path order), or NULL. */
np_index_entry *np_index_article_any(np_index *idx, apr_pool_t *p, const char *section,
                                     const char *slug);
/* The article that claims path (decoded, without the mount) as a <previous-url>: the newest of
 * those that do, visible or not; NULL when none. */
np_index_entry *np_index_previous(np_index *idx, apr_pool_t *p, const char *path);
/* The article now carrying the id of the article that was at section/slug when its file was
 * deleted (a file renamed or moved keeps its id), visible or not; NULL when none. */
np_index_entry *np_index_moved(np_index *idx, apr_pool_t *p, const char *section, const char *slug);
/* The articles of a translation group (<translation-of>, else the id), newest first, up to max,
 * visible or not: how many were put in out. */
int np_index_group(np_index *idx, apr_pool_t *p, const char *group, np_index_entry **out, int max);
/* Does some translation group have two articles? */
int np_index_translated(np_index *idx);

typedef struct {
    apr_int64_t articles, sections, tags, errors;
    apr_int64_t generation;
    apr_time_t updated; /* end of the last pass */
} np_index_info;
void np_index_info_get(np_index *idx, np_index_info *out);
/* The recorded parse errors: np_error_rec-like pairs (path, "path:line:col: message"). */
apr_array_header_t *np_index_errors(np_index *idx, apr_pool_t *p, int max);

/* For np_search.c: the handle's connection, and an article by its id (visible or not). */
struct sqlite3;
struct sqlite3 *np_index_db(np_index *idx);
np_index_entry *np_index_entry_get(np_index *idx, apr_pool_t *p, apr_int64_t id);

#endif
