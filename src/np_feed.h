/* Feeds (Atom 1.0, RSS 2.0, JSON Feed 1.1) and sitemaps (sitemaps.org, Google News), written
 * by the module itself rather than by templates, so they are always well-formed: every value
 * goes through an escaper, and text is cleaned to valid UTF-8 first. Reads the immutable
 * snapshot (and, for full-content feeds, the article files); allocates only from v->p, so
 * many threads may write feeds at once, each with its own view. */
#ifndef NP_FEED_H
#define NP_FEED_H

#include "np_buf.h"
#include "np_content.h"
#include "np_log.h"
#include "np_route.h"
#include "np_view.h"

#define NP_FEED_ITEMS 20          /* newest visible articles per feed */
#define NP_SITEMAP_MAX_URLS 50000 /* per sitemap file (sitemaps.org limit) */
#define NP_NEWS_SITEMAP_MAX 1000  /* per Google News sitemap */
#define NP_NEWS_SITEMAP_HOURS 48  /* how far back a Google News sitemap reaches */

/* Results of the writers. On any failure out is left as it was on entry. */
enum {
    NP_FEED_OK = 0,
    NP_FEED_NO_ROUTE = -1, /* no route can express a URL the document needs (its own, an
                              article's in a feed, a sitemap page's), or not a feed kind */
    NP_FEED_NO_PAGE = -2   /* a sitemap page past the last: a 404 */
};

typedef struct {
    np_route_kind kind; /* NP_ROUTE_FEED (Atom), _RSS, _JSONFEED, _SITEMAP, _NEWSSITEMAP, _ROBOTS */
    const np_section *section; /* feeds: NULL or the root for the whole site */
    const np_tag *tag;         /* feeds: one tag's articles instead (section then ignored) */
    int page;                  /* sitemap: the route's {page}, 0 when absent */
    int max_urls;              /* sitemap: URLs per file; 0 for NP_SITEMAP_MAX_URLS */
} np_feed_req;

/* What the caller needs for the response headers; strings in v->p. */
typedef struct {
    const char *content_type;
    const char *self_url; /* absolute URL of the document */
    /* The document's own date: newest updated-else-published of what it lists (feeds: the
     * listed entries; sitemaps: every visible article); the scope's folder mtime when empty. */
    apr_time_t updated;
    /* For Last-Modified: the last instant anything the document depends on changed, which
     * also counts file and folder mtimes (edits, drafts, deletions) and articles that expired;
     * never after v->now. */
    apr_time_t last_modified;
    /* The next instant the document changes by itself (an article appears, expires or leaves
     * the news window), 0 when none: caps Cache-Control max-age. */
    apr_time_t next_change;
    int items; /* entries, or URLs, written */
} np_feed_meta;

/* Appends the whole document rq asks for to out and fills meta (may be NULL).
 * Feeds list the NP_FEED_ITEMS newest visible articles of the section (its subsections
 * included), the tag, or the whole site; an empty scope gives a valid empty feed. With
 * conf->feed_full each listed article is loaded with its body (log and skip one that fails).
 * Entry ids are tag: URIs (host of v->base, publication date, article id), so they survive
 * route, scheme and section changes; the absolute article URL when the base has no host name.
 * Sitemaps: pages 0 and 1 are the same document (1 being the canonical no-page URL, as for
 * listings): every visible section (home included) and article or, beyond max_urls URLs, an
 * index of pages 2..N+1 holding max_urls each, whose URLs come from the first sitemap route
 * with {page}. A section or article no route can express is left out (it has no page).
 * Returns NP_FEED_OK, NP_FEED_NO_ROUTE or NP_FEED_NO_PAGE. */
int np_feed_render(const np_view *v, const np_feed_req *rq, np_buf *out, np_feed_meta *meta,
                   const np_logger *log);

/* Shorthands for np_feed_render without meta. sec NULL or the root: the whole site. */
int np_feed_atom(const np_view *v, const np_section *sec, np_buf *out, const np_logger *log);
int np_feed_rss(const np_view *v, const np_section *sec, np_buf *out, const np_logger *log);
int np_feed_json(const np_view *v, const np_section *sec, np_buf *out, const np_logger *log);
int np_feed_sitemap(const np_view *v, int page, np_buf *out);
/* Visible articles published less than NP_NEWS_SITEMAP_HOURS before v->now, newest first, at
 * most NP_NEWS_SITEMAP_MAX; publication name is conf->site_name, language the article's as
 * Google reads it (ISO 639, zh-cn or zh-tw). */
int np_feed_news_sitemap(const np_view *v, np_buf *out);

#endif
