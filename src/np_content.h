/* The content tree as an immutable snapshot: sections, article metadata, tags, date order.
 * A snapshot is built by one thread, then only read; readers hold a reference
 * (np_snapshot_retain/release) so a newer snapshot can replace it while they finish. */
#ifndef NP_CONTENT_H
#define NP_CONTENT_H

#include <apr_file_info.h>
#include <apr_pools.h>
#include <apr_hash.h>
#include <apr_tables.h>

#include "np_article.h"
#include "np_log.h"

typedef struct np_section np_section;
typedef struct np_entry np_entry;
struct np_index_entry;

/* How many entries of a list were visible at the instant `at`, and until when that holds (the
 * next scheduled change; 0: none). Lets listings of 100,000 articles skip counting them. */
typedef struct {
    int count;
    apr_time_t at, until;
} np_visibility;

struct np_entry {
    np_article *a; /* metadata only (body_html NULL) */
    np_section *section;
    const char *lang; /* effective: article, section, then site */
    apr_time_t mtime;
    apr_off_t size;
    int index;           /* position in the snapshot's date order */
    int sec_index;       /* position in its section's entries */
    int stale;           /* the file is broken now; this is its last good version */
    apr_uint64_t digest; /* of its path, mtime and size: changes when the file does */
    /* Set (atomically) once it was logged that no route can express its URL, so that the line
     * is written once per snapshot and process, not once per request. */
    volatile apr_uint32_t no_url_logged;
    /* Its translation group, itself included, newest first (docs/content.md); NULL when alone. */
    np_entry **translations;
    int ntranslations;
    /* The index row it was read from (np_store.h); NULL in a scanned snapshot. */
    const struct np_index_entry *ix;
};

struct np_section {
    const char *path;  /* "news-and-events/ich-news"; "" for the root */
    const char *name;  /* folder name; "" for the root */
    const char *dir;   /* folder on disk */
    const char *title; /* from _section.xml, else made from the name */
    const char *description;
    const char *lang; /* effective: own, parent's, then site */
    int order;        /* from <order>; sections without one come last */
    int page_size;    /* 0: the site's */
    int depth;        /* root 0 */
    np_section *parent;
    np_section **children; /* sorted by order, then title */
    int nchildren;
    np_entry **entries; /* its own and its descendants' articles, newest first */
    int nentries;
    np_entry **own; /* its own articles, in file name order */
    int nown;
    apr_time_t mtime;      /* of the folder */
    apr_time_t meta_mtime; /* of _section.xml, 0 when none */
    apr_uint64_t digest;   /* of its metadata and every entry in entries */
    np_visibility vis;     /* of entries */
    apr_int64_t index_id;  /* its row in the content index; 0 in a scanned snapshot */
};

typedef struct {
    const char *name;   /* as first written */
    const char *slug;   /* URL form: lower case, spaces as '-' */
    np_entry **entries; /* newest first */
    int nentries;
    apr_uint64_t digest; /* of its entries */
    np_visibility vis;
} np_tag;

/* A folder as last scanned, sections or not: change detection compares its mtime. */
typedef struct {
    const char *dir;
    apr_time_t mtime;
} np_folder;

/* A file the snapshot was built from, for the rolling check of in-place edits. */
typedef struct {
    const char *path;
    apr_time_t mtime;
    apr_off_t size;
} np_file_state;

typedef struct np_error_rec {
    const char *path;
    const char *message; /* "path:line:col: ..." */
} np_error_rec;

typedef struct np_snapshot {
    apr_pool_t *pool;
    volatile apr_uint32_t refs;
    const char *dir;
    np_section *root;
    apr_hash_t *sections; /* path -> np_section */
    apr_hash_t *tags;     /* slug -> np_tag */
    np_entry **all;       /* every article, newest first (by published) */
    int nall;
    apr_hash_t *by_path;        /* file path -> np_entry */
    apr_hash_t *by_slug;        /* slug -> np_entry (the first in path order when not unique) */
    int translated;             /* some article has a translation */
    apr_hash_t *by_previous;    /* <previous-url> path -> np_entry (the newest claims it) */
    apr_hash_t *by_index_id;    /* from the index: section row id (apr_int64_t) -> np_section */
    apr_array_header_t *errors; /* np_error_rec: files that could not be loaded */
    apr_hash_t *folders;        /* dir -> np_folder, every folder scanned */
    apr_array_header_t *files;  /* np_file_state: articles and section files */
    apr_uint64_t nav_digest;    /* of every section's path, title, order and language */
    int reused, parsed;         /* articles carried over from the previous snapshot / read */
    apr_time_t built;           /* when the scan started */
    apr_interval_time_t took;   /* how long it took */
    /* Made from the content index (np_store.h): the section tree only, without lists (entries,
     * all, tags and the lookup tables are empty); pages read lists through the request's index
     * handle. generation is the index's at the time. */
    int indexed;
    apr_int64_t generation;
    /* Articles already logged as having no URL, for entries made per request: a slot per
     * digest bucket (a collision only logs again). */
    volatile apr_uint32_t no_url_logged[64];
} np_snapshot;

typedef struct {
    const char *dir;
    const char *lang; /* NewsPortalLanguage */
    const np_tz *tz;
    apr_size_t max_article_size;
    const np_logger *log;
    int stale_on_error; /* keep the last good version of a file that became unreadable */
} np_content_opts;

/* Scans the tree into a new snapshot with one reference. The snapshot has a pool of its own,
 * with no parent, so any thread may drop the last reference. Never fails: unreadable parts
 * are logged, recorded in errors and left out. */
np_snapshot *np_content_scan(const np_content_opts *opts);
/* The same, reading only the folders in changed (dir -> anything) and taking everything else
 * from prev, which it does not keep a reference to. */
np_snapshot *np_content_rescan(const np_content_opts *opts, const np_snapshot *prev,
                               apr_hash_t *changed);
void np_snapshot_retain(np_snapshot *s);
/* Drops a reference; the last one destroys the snapshot's pool. */
void np_snapshot_release(np_snapshot *s);

np_section *np_content_section(const np_snapshot *s, const char *path);
np_tag *np_content_tag(const np_snapshot *s, const char *slug);
/* The visible article with this slug anywhere, or NULL. */
np_entry *np_content_article_by_slug(const np_snapshot *s, const char *slug, apr_time_t now);
/* The visible article with this slug in exactly this section, or NULL. */
np_entry *np_content_article(apr_pool_t *p, const np_snapshot *s, const np_section *sec,
                             const char *slug, apr_time_t now);
/* The visible article that lists path (decoded, without the mount) as a previous URL, or
 * NULL. */
np_entry *np_content_previous(const np_snapshot *s, const char *path, apr_time_t now);
/* The killed article at this address that could have been seen (np_article_gone), or NULL:
 * sec NULL looks up by slug alone, as np_content_article_by_slug. */
np_entry *np_content_gone(apr_pool_t *p, const np_snapshot *s, const np_section *sec,
                          const char *slug, apr_time_t now);

/* Bounds of the numbers of a _section.xml (docs/content.md); outside them the value is
 * refused: the section has no <order> / NewsPortalPageSize applies. */
#define NP_PAGE_SIZE_MAX 1000 /* as NewsPortalPageSize's */
#define NP_ORDER_MAX 999999   /* <order> in -NP_ORDER_MAX..NP_ORDER_MAX */

/* Reads the text of <order> (page_size 0) or <page-size> (page_size 1) as the scan does:
 * leading digits, as atoi would, but without its overflow. Returns 0 and sets *out when the
 * value is usable; else -1 with *why set ("is not a whole number", "is outside 1..1000").
 * *whole tells whether the text was a whole number (a usable "10abc" is read as 10). */
int np_section_number(apr_pool_t *p, const char *text, int page_size, int *out, int *whole,
                      const char **why);

/* What a _section.xml says; NULL and 0 for what it does not. */
typedef struct {
    const char *title, *description, *lang;
    int order, has_order;
    int page_size; /* 0: NewsPortalPageSize */
} np_section_meta;

/* Reads the section file at path (ROOT/.../_section.xml), opened confined to root_dir
 * (np_file_open_beneath) and parsed as every article is. Texts over their limits are cut and
 * numbers out of bounds refused, each with a warning through log. Returns 0, or -1 with *err
 * ("path:line:col: ...") when it cannot be read or is not a <section>. */
int np_section_meta_read(apr_pool_t *p, const char *root_dir, const char *path, apr_size_t max_size,
                         const np_logger *log, np_section_meta *out, const char **err);

/* The URL form of a tag: lower-cased ASCII, runs of spaces/underscores as '-'. */
const char *np_tag_slug(apr_pool_t *p, const char *name);
/* A title made from a folder name: "news-and-events" -> "News and events". */
const char *np_section_title_from_name(apr_pool_t *p, const char *name);
/* Slugs and section folder names: [A-Za-z0-9][A-Za-z0-9._-]*. */
int np_content_name_ok(const char *name);

/* An entry of a content folder, as np_content_list_dir gives it. */
typedef struct {
    const char *name;
    apr_filetype_e type; /* APR_UNKFILE when the system did not say */
} np_dirent;
/* The entries of dir that are not hidden ('.') or reserved ('_'), sorted by name so that every
 * server lists the same files in the same order: an array of np_dirent in p. dir is opened
 * confined to root, the content folder (np_file_open_beneath). */
apr_status_t np_content_list_dir(apr_pool_t *p, const char *root, const char *dir,
                                 apr_array_header_t **out);

/* The visible entries of list (newest first) at now: fills out (up to max) skipping the first
 * `skip` visible ones; returns how many were visible in total. */
int np_content_visible(np_entry *const *list, int n, apr_time_t now, int skip, np_entry **out,
                       int max);

/* The next instant after now at which an article in list appears or disappears, or 0. */
apr_time_t np_content_next_change(np_entry *const *list, int n, apr_time_t now);

/* The same two, for a list with precomputed visibility (vis may be NULL): when now lies in the
 * window vis describes, the count and the next change come from it, and only the entries up to
 * the page asked for are looked at. */
int np_content_visible_fast(np_entry *const *list, int n, const np_visibility *vis, apr_time_t now,
                            int skip, np_entry **out, int max);
apr_time_t np_content_next_change_fast(np_entry *const *list, int n, const np_visibility *vis,
                                       apr_time_t now);

#endif
