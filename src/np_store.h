/* What pages read of the content, from either source: a scanned snapshot (its arrays) or the
 * content index (queries through the request's read handle, v->idx, with the snapshot holding
 * the section tree of the index's generation). Page code asks here and never cares which. */
#ifndef NP_STORE_H
#define NP_STORE_H

#include "np_index.h"
#include "np_view.h"

/* The section tree of the index as it is in the handle's read transaction: a snapshot with
 * indexed set and one reference, or NULL when the index has no usable root yet. */
np_snapshot *np_store_tree(np_index *idx, const np_content_opts *o);

/* One page of a list, newest first. */
typedef struct {
    np_entry **items; /* n of them, visible now */
    int n;
    apr_int64_t total;      /* visible in the whole list */
    apr_time_t next_change; /* the next instant the list changes by itself; 0: none */
} np_list_page;

/* A section's listing (tag NULL) or a tag's (sec ignored): the visible entries from skip, up
 * to max (0: only the count and next change). */
void np_store_page(const np_view *v, const np_section *sec, const np_tag *tag, apr_int64_t skip,
                   int max, np_list_page *out);

/* For sitemaps, the root's visible articles oldest first: out[i] (i < n) is the newest
 * updated-else-published of those at positions [first + i * width, first + (i + 1) * width)
 * (0: none; first may be negative). From the index one pass over the list in SQL: no entry is
 * made. */
void np_store_lastmods(const np_view *v, apr_int64_t first, apr_int64_t width, int n,
                       apr_time_t *out);
/* The same over a section's n newest visible articles (the index only; 0 from a scan). */
apr_time_t np_store_newest_lastmod(const np_view *v, const np_section *sec, int n);
/* The same list a window at a time (an index only): from position skip, or right after the
 * entry after (one np_store_oldest gave); up to max. out->total is not filled. */
void np_store_oldest(const np_view *v, apr_int64_t skip, const np_entry *after, int max,
                     np_list_page *out);

/* The tag with this slug when it has an article visible now, else NULL (in the request's pool
 * for an index: name, slug and digest; no entries). */
const np_tag *np_store_tag(const np_view *v, const char *slug);

/* Lookups, as np_content_article, np_content_article_by_slug (sec NULL), np_content_gone and
 * np_content_previous. */
np_entry *np_store_article(const np_view *v, const np_section *sec, const char *slug);
np_entry *np_store_gone(const np_view *v, const np_section *sec, const char *slug);
np_entry *np_store_previous(const np_view *v, const char *path);
/* The visible article that now carries the id of the one deleted from section/slug (section ""
 * for the root), or NULL; always NULL from a scan, which remembers nothing. */
np_entry *np_store_moved(const np_view *v, const char *section, const char *slug);
/* The article at this address whatever its visibility (sec NULL: by slug alone), or NULL. */
np_entry *np_store_any(const np_view *v, const np_section *sec, const char *slug);
/* Fills e's translation group (from the index; a snapshot's entries have theirs). */
void np_store_translations(const np_view *v, np_entry *e);
/* The visible neighbours of e in its section's date order that have a URL. */
void np_store_neighbours(const np_view *v, const np_entry *e, const np_entry **older,
                         const np_entry **newer);
/* The body of e as the index holds it (an indexed snapshot only), or NULL. */
const char *np_store_body(const np_view *v, const np_entry *e, apr_size_t *len);

/* Same entry (the same file)? */
int np_store_same(const np_entry *a, const np_entry *b);

#endif
