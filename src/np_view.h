/* View data: the value trees templates render (docs/templates.md lists every key).
 * Builds from an immutable snapshot into the request pool; reads nothing from disk. */
#ifndef NP_VIEW_H
#define NP_VIEW_H

#include "np_content.h"
#include "np_index.h"
#include "np_page.h"
#include "np_route.h"
#include "np_site.h"
#include "np_value.h"

typedef struct {
    apr_pool_t *p;
    const np_site_conf *conf;
    const np_snapshot *snap;
    const np_request *req;
    const char *base;                       /* NewsPortalBaseURL or the request's origin */
    const apr_hash_t *labels;               /* the operator's labels (np_label_set), or NULL */
    const struct np_label_maps *label_maps; /* prebuilt from labels (np_labels_maps), or NULL */
    struct np_cache *qr_cache;              /* where drawn QR codes are kept, or NULL */
    apr_time_t now;
    const np_logger *log; /* may be NULL */
    struct np_index *idx; /* the request's read handle when snap is indexed, else NULL */
} np_view;

/* Links, from the route table (mount point included); NULL when no route can express one. */
const char *np_view_url(const np_view *v, np_route_kind kind, const np_route_params *params);
const char *np_view_section_url(const np_view *v, const np_section *sec, int page);
/* NULL for an article no route can express (one in the content root when every article route
 * has {section*}, say): it is left out of lists, feeds, sitemaps and prev/next, and logged
 * once per snapshot (docs/security.md). */
const char *np_view_article_url(const np_view *v, const np_entry *e);
const char *np_view_tag_url(const np_view *v, const char *tag, int page);
/* base + url */
const char *np_view_absolute(const np_view *v, const char *url);

/* The map every page has: site, page, labels, breadcrumb (ancestors of sec, sec itself
 * included when sec_is_ancestor), breadcrumb_current, jsonld (a BreadcrumbList; extra, when
 * given, is one more JSON-LD object added to the graph). */
np_value *np_view_page(const np_view *v, const char *kind, const char *lang, const char *title,
                       const char *url, const char *description, const np_section *sec,
                       int sec_is_ancestor, const char *extra_jsonld);

np_value *np_view_date(const np_view *v, const np_date *d, const char *lang);
/* One list item of an article: title, url, summary, dates, section, image, authors; NULL when
 * the article has no URL (np_view_entries leaves it out). */
np_value *np_view_entry(const np_view *v, const np_entry *e, const char *lang);
np_value *np_view_entries(const np_view *v, np_entry *const *list, int n, const char *lang);
/* The `article` map of an article page; a is the fully loaded article (with body). */
np_value *np_view_article(const np_view *v, const np_entry *e, const np_article *a,
                          const char *lang);
/* NewsArticle JSON-LD object for a (no script escaping needed by the caller). */
/* The visible articles just before (newer) and after (older) e in its section, or NULL. */
void np_view_neighbours(const np_view *v, const np_entry *e, const np_entry **older,
                        const np_entry **newer);
/* The visible translations of e, itself included, one per language (docs/content.md): root gets
 * translations (lang, name, url absolute, current, last), translation_others (the same without
 * e), has_translations and translation_default (x-default: the one in the site's language).
 * Nothing is set when e has no visible translation. */
void np_view_set_translations(const np_view *v, np_value *root, const np_entry *e);
/* The same visible translations as (lang, absolute URL) pairs, for the sitemap; returns the
 * count (0 when fewer than two) and *xdefault (NULL when none is in the site's language). */
int np_view_translation_links(const np_view *v, const np_entry *e, const char **langs,
                              const char **urls, int max, const char **xdefault);
const char *np_view_article_jsonld(const np_view *v, const np_entry *e, const np_article *a);
/* pagination map; url_for(page) gives each page's link. */
np_value *np_view_pagination(const np_view *v, int page, int pages,
                             const char *(*url_for)(const np_view *, const void *, int),
                             const void *baton);

#endif
