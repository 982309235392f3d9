/* View data builders. Everything here is derived from the snapshot and the configuration;
 * links come from the route table only, so a changed pattern changes every link. */
#include "np_view.h"
#include "np_store.h"

#include <string.h>
#include <strings.h>
#include <apr_atomic.h>
#include <apr_strings.h>

#include "np_buf.h"
#include "np_cache.h"
#include "np_labels.h"
#include "np_preview.h"
#include "np_qr.h"

static const char *buf_to_pool(apr_pool_t *p, np_buf *b);

const char *np_view_url(const np_view *v, np_route_kind kind, const np_route_params *params)
{
    /* A site preview's links carry its token, so that the editor can browse (np_preview.h). */
    return np_preview_link(v->req->preview,
                           np_routes_url_under(v->conf->routes, kind, params, v->req->mount, v->p),
                           v->p);
}

const char *np_view_section_url(const np_view *v, const np_section *sec, int page)
{
    np_route_params rp;
    memset(&rp, 0, sizeof(rp));
    rp.page = page > 1 ? page : 0;
    if (!sec->parent)
        return np_view_url(v, NP_ROUTE_HOME, &rp);
    rp.section = sec->path;
    return np_view_url(v, NP_ROUTE_SECTION, &rp);
}

const char *np_view_article_url(const np_view *v, const np_entry *e)
{
    np_route_params rp;
    np_date_fields f;
    const char *url;
    memset(&rp, 0, sizeof(rp));
    rp.section = e->section->path;
    rp.slug = e->a->slug;
    np_date_split(e->a->published.t, v->conf->tz, &f);
    rp.yyyy = f.year;
    rp.mm = f.month;
    rp.dd = f.day;
    url = np_view_url(v, NP_ROUTE_ARTICLE, &rp);
    if (!url && e->ix && v->snap) {
        /* an entry read from the index lives for one request: remember it in the tree */
        volatile apr_uint32_t *slot =
            (volatile apr_uint32_t *)&v->snap->no_url_logged[e->digest % 64];
        apr_uint32_t tag = (apr_uint32_t)(e->digest >> 32) | 1;
        if (apr_atomic_xchg32(slot, tag) == tag)
            return url;
    }
    if (!url && apr_atomic_cas32((volatile apr_uint32_t *)&e->no_url_logged, 1, 0) == 0)
        np_log(v->log, NP_LOG_WARNING,
               "%s: no article route can express its URL; left out of lists, feeds and sitemaps",
               e->a->path);
    return url;
}

const char *np_view_tag_url(const np_view *v, const char *tag, int page)
{
    np_route_params rp;
    memset(&rp, 0, sizeof(rp));
    rp.tag = np_tag_slug(v->p, tag);
    rp.page = page > 1 ? page : 0;
    return np_view_url(v, NP_ROUTE_TAG, &rp);
}

const char *np_view_absolute(const np_view *v, const char *url)
{
    url = np_preview_unlink(v->req->preview, url, v->p); /* it leaves the browser: no token */
    return url ? apr_pstrcat(v->p, v->base, url, NULL) : NULL;
}

static np_value *link_value(const np_view *v, const char *title, const char *url)
{
    np_value *m = np_value_map(v->p);
    np_map_str(v->p, m, "title", title);
    np_map_str(v->p, m, "url", url);
    return m;
}

static np_value *nav_sections(const np_view *v, const np_section *current)
{
    np_value *list = np_value_list(v->p);
    const np_section *root = v->snap->root, *top = current;
    int i;
    while (top && top->parent && top->parent->parent)
        top = top->parent;
    for (i = 0; i < root->nchildren; i++) {
        const np_section *s = root->children[i];
        np_value *m = link_value(v, s->title, np_view_section_url(v, s, 0));
        np_map_bool(v->p, m, "current", s == top);
        np_list_push(v->p, list, m);
    }
    return list;
}

static void json_str(np_buf *b, const char *s)
{
    np_buf_putc(b, '"');
    np_buf_json(b, s, strlen(s));
    np_buf_putc(b, '"');
}

static void json_kv(np_buf *b, const char *key, const char *val, int comma)
{
    if (!val)
        return;
    if (comma)
        np_buf_putc(b, ',');
    json_str(b, key);
    np_buf_putc(b, ':');
    json_str(b, val);
}

/* The string of a finished pool buffer (np_buf_init_pool). */
static const char *buf_to_pool(apr_pool_t *p, np_buf *b)
{
    return b->failed ? "" : np_buf_cstr(b);
}

/* The description of a page that has none of its own: label description_KIND, else
 * description_page (so a new kind of page has one too), with {site} and {title} filled in. */
static const char *default_description(const np_view *v, const char *kind, const char *lang,
                                       const char *title)
{
    const char *tpl = np_label(v->labels, lang, apr_pstrcat(v->p, "description_", kind, NULL));
    const char *s, *site = v->conf->site_name ? v->conf->site_name : "";
    np_buf b;
    if (!tpl)
        tpl = np_label(v->labels, lang, "description_page");
    if (!tpl || !*tpl)
        return NULL;
    np_buf_init_pool(&b, v->p, 256);
    for (s = tpl; *s; s++) {
        if (strncmp(s, "{site}", 6) == 0) {
            np_buf_puts(&b, site);
            s += 5;
        } else if (strncmp(s, "{title}", 7) == 0) {
            np_buf_puts(&b, title ? title : "");
            s += 6;
        } else {
            np_buf_putc(&b, *s);
        }
    }
    return buf_to_pool(v->p, &b);
}

np_value *np_view_page(const np_view *v, const char *kind, const char *lang, const char *title,
                       const char *url, const char *description, const np_section *sec,
                       int sec_is_ancestor, const char *extra_jsonld)
{
    apr_pool_t *p = v->p;
    const np_site_conf *c = v->conf;
    np_value *root = np_value_map(p), *site = np_value_map(p), *page = np_value_map(p);
    np_value *crumbs = np_value_list(p), *cur = np_value_map(p);
    const np_section *chain[64];
    const char *home_title = c->home_label ? c->home_label : np_label(v->labels, lang, "home");
    const char *home_url = np_view_section_url(v, v->snap->root, 0), *cur_title;
    int n = 0, i, pos = 1;
    np_buf ld;

    np_map_str(p, site, "name", c->site_name);
    np_map_str(p, site, "base_url", v->base);
    np_map_str(p, site, "language", c->language);
    np_map_str(p, site, "home_url", home_url);
    np_map_set(p, site, "sections", nav_sections(v, sec));
    {
        /* Feed links for <link rel="alternate">: the site's, and the section's own when a
         * route can express it. */
        np_route_params rp;
        memset(&rp, 0, sizeof(rp));
        np_map_str(p, site, "feed_atom", np_view_url(v, NP_ROUTE_FEED, &rp));
        np_map_str(p, site, "feed_rss", np_view_url(v, NP_ROUTE_RSS, &rp));
        np_map_str(p, site, "feed_json", np_view_url(v, NP_ROUTE_JSONFEED, &rp));
        /* the search box and <link rel="search"> of every page (docs/search.md) */
        np_map_str(p, site, "search_url", np_view_url(v, NP_ROUTE_SEARCH, &rp));
        np_map_str(p, site, "opensearch_url", np_view_url(v, NP_ROUTE_OPENSEARCH, &rp));
        if (sec && sec->parent) {
            rp.section = sec->path;
            np_map_str(p, page, "feed_atom", np_view_url(v, NP_ROUTE_FEED, &rp));
            np_map_str(p, page, "feed_rss", np_view_url(v, NP_ROUTE_RSS, &rp));
        }
    }
    np_map_set(p, root, "site", site);

    np_map_str(p, page, "title", title);
    np_map_str(p, page, "url", url);
    np_map_str(p, page, "canonical_url", np_view_absolute(v, url));
    np_map_str(p, page, "kind", kind);
    np_map_bool(p, page, "is_home", strcmp(kind, "home") == 0);
    np_map_str(p, page, "lang", lang);
    np_map_str(p, page, "description",
               description && *description ? description
                                           : default_description(v, kind, lang, title));
    np_map_set(p, root, "page", page);
    np_map_set(p, root, "labels",
               v->label_maps
                   ? (np_value *)np_labels_lookup(p, v->label_maps, v->labels, lang, c->home_label)
                   : np_labels_value(p, v->labels, lang, c->home_label));

    /* Ancestors from the home page down: the root, then sec's chain (sec itself only when it
     * is an ancestor of the page rather than the page). */
    if (sec) {
        const np_section *s = sec_is_ancestor ? sec : sec->parent;
        for (; s && s->parent && n < (int)(sizeof(chain) / sizeof(chain[0])); s = s->parent)
            chain[n++] = s;
    }
    if (strcmp(kind, "home") != 0)
        np_list_push(p, crumbs, link_value(v, home_title, home_url));
    for (i = n - 1; i >= 0; i--)
        np_list_push(p, crumbs,
                     link_value(v, chain[i]->title, np_view_section_url(v, chain[i], 0)));
    for (i = 0; i < crumbs->u.list.n; i++) {
        np_map_bool(p, crumbs->u.list.items[i], "first", i == 0);
        np_map_bool(p, crumbs->u.list.items[i], "last", i == crumbs->u.list.n - 1);
    }
    np_map_set(p, root, "breadcrumb", crumbs);
    cur_title = strcmp(kind, "home") == 0 ? home_title : title;
    np_map_str(p, cur, "title", cur_title);
    np_map_set(p, root, "breadcrumb_current", cur);

    /* BreadcrumbList matching the visible breadcrumb, the current page last. */
    np_buf_init_pool(&ld, p, 1024);
    np_buf_puts(&ld, "{\"@context\":\"https://schema.org\",\"@graph\":[{\"@type\":"
                     "\"BreadcrumbList\",\"itemListElement\":[");
    for (i = 0; i < crumbs->u.list.n; i++) {
        const np_value *it = crumbs->u.list.items[i];
        np_buf_printf(&ld, "%s{\"@type\":\"ListItem\",\"position\":%d", i ? "," : "", pos++);
        const np_value *t = np_map_get(it, "title"), *u = np_map_get(it, "url");
        json_kv(&ld, "name", t ? t->u.str.s : NULL, 1);
        json_kv(&ld, "item", u ? np_view_absolute(v, u->u.str.s) : NULL, 1);
        np_buf_putc(&ld, '}');
    }
    np_buf_printf(&ld, "%s{\"@type\":\"ListItem\",\"position\":%d", i ? "," : "", pos);
    json_kv(&ld, "name", cur_title, 1);
    json_kv(&ld, "item", np_view_absolute(v, url), 1);
    np_buf_puts(&ld, "}]}");
    if (extra_jsonld) {
        np_buf_putc(&ld, ',');
        np_buf_puts(&ld, extra_jsonld);
    }
    np_buf_puts(&ld, "]}");
    np_map_str(p, root, "jsonld", buf_to_pool(p, &ld));
    if (v->req->preview) {
        np_date at = {v->now, 0, 0};
        np_map_set(p, root, "preview",
                   np_preview_value(p, v->req->preview, np_view_date(v, &at, lang), v->now, c->tz));
    }
    return root;
}

/* The operator's date_format label (%d day, %m month, %B month name from the months label,
 * %Y year) for languages the module has no form of its own for; else the built-in form. */
static const char *display_date(const np_view *v, apr_time_t t, const char *lang)
{
    const char *fmt = np_label(v->labels, lang, "date_format");
    const char *months = np_label(v->labels, lang, "months");
    np_date_fields f;
    np_buf b;
    const char *c;
    if (!fmt || !v->labels)
        return np_date_display(v->p, t, v->conf->tz, lang);
    np_date_split(t, v->conf->tz, &f);
    np_buf_init_pool(&b, v->p, 64);
    for (c = fmt; *c; c++) {
        if (*c != '%' || !c[1]) {
            np_buf_putc(&b, *c);
            continue;
        }
        switch (*++c) {
        case 'd':
            np_buf_printf(&b, "%d", f.day);
            break;
        case 'm':
            np_buf_printf(&b, "%02d", f.month);
            break;
        case 'Y':
            np_buf_printf(&b, "%04d", f.year);
            break;
        case 'B': {
            /* the month-th comma-separated name */
            const char *s = months ? months : "";
            int i;
            for (i = 1; i < f.month && s; i++)
                if ((s = strchr(s, ',')))
                    s++;
            if (s) {
                const char *e = strchr(s, ',');
                while (*s == ' ')
                    s++;
                np_buf_append(&b, s, e ? (apr_size_t)(e - s) : strlen(s));
            }
            break;
        }
        default:
            np_buf_putc(&b, *c);
        }
    }
    return buf_to_pool(v->p, &b);
}

np_value *np_view_date(const np_view *v, const np_date *d, const char *lang)
{
    np_value *m;
    if (!d->t)
        return NULL;
    m = np_value_map(v->p);
    np_map_str(v->p, m, "iso", np_date_iso(v->p, d->t, v->conf->tz));
    np_map_str(v->p, m, "date", np_date_ymd(v->p, d->t, v->conf->tz));
    np_map_str(v->p, m, "display", display_date(v, d->t, lang));
    return m;
}

static void set_date(const np_view *v, np_value *m, const char *key, const np_date *d,
                     const char *lang)
{
    np_value *dv = np_view_date(v, d, lang);
    if (dv)
        np_map_set(v->p, m, key, dv);
}

static np_value *image_value(const np_view *v, const np_image *im)
{
    np_value *m = np_value_map(v->p);
    np_map_str(v->p, m, "src", im->src);
    if (im->src)
        np_map_str(v->p, m, "absolute_src",
                   im->src[0] == '/' && im->src[1] != '/' ? np_view_absolute(v, im->src) : im->src);
    np_map_str(v->p, m, "alt", im->alt ? im->alt : "");
    np_map_str(v->p, m, "caption", im->caption);
    np_map_str(v->p, m, "credit", im->credit);
    if (im->width > 0)
        np_map_int(v->p, m, "width", im->width);
    if (im->height > 0)
        np_map_int(v->p, m, "height", im->height);
    return m;
}

static np_value *names_value(const np_view *v, const apr_array_header_t *names)
{
    np_value *list = np_value_list(v->p);
    int i;
    for (i = 0; names && i < names->nelts; i++) {
        np_value *m = np_value_map(v->p);
        np_map_str(v->p, m, "name", APR_ARRAY_IDX(names, i, const char *));
        np_map_bool(v->p, m, "first", i == 0);
        np_map_bool(v->p, m, "last", i == names->nelts - 1);
        np_list_push(v->p, list, m);
    }
    return list;
}

np_value *np_view_entry(const np_view *v, const np_entry *e, const char *lang)
{
    const np_article *a = e->a;
    const char *url = np_view_article_url(v, e);
    np_value *m;
    if (!url)
        return NULL;
    m = np_value_map(v->p);
    np_map_str(v->p, m, "title", a->title);
    np_map_str(v->p, m, "url", url);
    np_map_str(v->p, m, "summary", a->summary);
    set_date(v, m, "published", &a->published, lang);
    set_date(v, m, "updated", &a->updated, lang);
    np_map_set(v->p, m, "section",
               link_value(v, e->section->title ? e->section->title : v->conf->site_name,
                          np_view_section_url(v, e->section, 0)));
    if (a->image)
        np_map_set(v->p, m, "image", image_value(v, a->image));
    if (a->authors && a->authors->nelts)
        np_map_set(v->p, m, "authors", names_value(v, a->authors));
    return m;
}

np_value *np_view_entries(const np_view *v, np_entry *const *list, int n, const char *lang)
{
    np_value *l = np_value_list(v->p);
    int i;
    for (i = 0; i < n; i++) {
        np_value *it = np_view_entry(v, list[i], lang);
        if (it)
            np_list_push(v->p, l, it);
    }
    return l;
}

static const char *share_url(const np_view *v, const char *name, const char *url, const char *title)
{
    np_buf b;
    np_buf_init_pool(&b, v->p, 256);
    if (strcmp(name, "weibo") == 0)
        np_buf_puts(&b, "https://service.weibo.com/share/share.php?url=");
    else if (strcmp(name, "x") == 0)
        np_buf_puts(&b, "https://x.com/intent/tweet?url=");
    else if (strcmp(name, "facebook") == 0)
        np_buf_puts(&b, "https://www.facebook.com/sharer/sharer.php?u=");
    else if (strcmp(name, "linkedin") == 0)
        np_buf_puts(&b, "https://www.linkedin.com/sharing/share-offsite/?url=");
    else if (strcmp(name, "email") == 0) {
        np_buf_puts(&b, "mailto:?subject=");
        np_buf_url(&b, title, strlen(title));
        np_buf_puts(&b, "&body=");
        np_buf_url(&b, url, strlen(url));
        return buf_to_pool(v->p, &b);
    }
    np_buf_url(&b, url, strlen(url));
    if (strcmp(name, "weibo") == 0 || strcmp(name, "x") == 0) {
        np_buf_puts(&b, strcmp(name, "x") == 0 ? "&text=" : "&title=");
        np_buf_url(&b, title, strlen(title));
    }
    return buf_to_pool(v->p, &b);
}

/* The QR code of url, drawn once per process and kept beside the article bodies: encoding
 * costs more than the rest of an article page. */
static const char *qr_for(const np_view *v, const char *url)
{
    np_cache *c = v->qr_cache;
    const char *key = apr_pstrcat(v->p, "qr|", url, NULL);
    apr_size_t klen = strlen(key);
    np_cache_entry *e = c ? np_cache_get(c, key, klen) : NULL;
    const char *svg;
    if (e) { /* used in place, released with the request */
        np_cache_release_with(e, v->p);
        return e->body;
    }
    svg = np_qr_svg(v->p, url);
    if (svg && c && (e = np_cache_entry_make(key, klen, strlen(svg)))) {
        memcpy(e->body, svg, e->len);
        np_cache_put(c, e);
        np_cache_release(e);
    }
    return svg;
}

static np_value *share_value(const np_view *v, const char *url, const char *title, const char *lang)
{
    np_value *list = np_value_list(v->p);
    int i;
    for (i = 0; i < v->conf->share->nelts; i++) {
        const char *name = APR_ARRAY_IDX(v->conf->share, i, const char *);
        np_value *m = np_value_map(v->p);
        np_map_str(v->p, m, "name", name);
        np_map_str(v->p, m, "label", np_share_label(v->labels, lang, name));
        if (strcmp(name, "weixin") == 0) {
            const char *svg = qr_for(v, url);
            if (!svg)
                continue;
            np_map_str(v->p, m, "qr_svg", svg);
        } else {
            np_map_str(v->p, m, "url", share_url(v, name, url, title));
        }
        np_list_push(v->p, list, m);
    }
    return list;
}

/* The visible neighbours of e in its section's date order, from its position outwards. */
void np_view_neighbours(const np_view *v, const np_entry *e, const np_entry **older,
                        const np_entry **newer)
{
    const np_section *s = e->section;
    int i;
    *older = *newer = NULL;
    for (i = e->sec_index - 1; i >= 0; i--)
        if (np_article_visible(s->entries[i]->a, v->now) && np_view_article_url(v, s->entries[i])) {
            *newer = s->entries[i];
            break;
        }
    for (i = e->sec_index + 1; i < s->nentries; i++)
        if (np_article_visible(s->entries[i]->a, v->now) && np_view_article_url(v, s->entries[i])) {
            *older = s->entries[i];
            break;
        }
}

np_value *np_view_article(const np_view *v, const np_entry *e, const np_article *a,
                          const char *lang)
{
    apr_pool_t *p = v->p;
    np_value *m = np_value_map(p), *tags = np_value_list(p), *rel = np_value_list(p);
    const char *url = np_view_article_url(v, e);
    const np_entry *older, *newer;
    int i;

    np_map_str(p, m, "id", a->id);
    np_map_str(p, m, "slug", a->slug);
    np_map_str(p, m, "lang", lang);
    np_map_str(p, m, "url", url);
    np_map_str(p, m, "title", a->title);
    np_map_str(p, m, "subtitle", a->subtitle);
    np_map_str(p, m, "summary", a->summary);
    if (a->source) {
        np_value *src = np_value_map(p);
        np_map_str(p, src, "name", a->source);
        np_map_str(p, src, "url", a->source_href);
        np_map_set(p, m, "source", src);
    }
    if (a->authors && a->authors->nelts)
        np_map_set(p, m, "authors", names_value(v, a->authors));
    set_date(v, m, "published", &a->published, lang);
    set_date(v, m, "updated", &a->updated, lang);
    for (i = 0; a->tags && i < a->tags->nelts; i++) {
        const char *t = APR_ARRAY_IDX(a->tags, i, const char *);
        np_value *tm = np_value_map(p);
        np_map_str(p, tm, "name", t);
        np_map_str(p, tm, "url", np_view_tag_url(v, t, 0));
        np_list_push(p, tags, tm);
    }
    if (tags->u.list.n)
        np_map_set(p, m, "tags", tags);
    np_map_bool(p, m, "has_tags", tags->u.list.n > 0);
    if (a->corrections && a->corrections->nelts) {
        np_value *cl = np_value_list(p);
        for (i = 0; i < a->corrections->nelts; i++) {
            const np_correction *c = &APR_ARRAY_IDX(a->corrections, i, np_correction);
            np_value *cm = np_value_map(p);
            set_date(v, cm, "date", &c->date, lang);
            np_map_str(p, cm, "text", c->text);
            np_list_push(p, cl, cm);
        }
        np_map_set(p, m, "corrections", cl);
        np_map_bool(p, m, "has_corrections", 1);
    }
    np_map_bool(p, m, "has_authors", a->authors && a->authors->nelts > 0);
    if (a->image)
        np_map_set(p, m, "image", image_value(v, a->image));
    np_map_set(p, m, "body", np_value_strn(p, a->body_html ? a->body_html : "", a->body_len));
    for (i = 0; a->related && i < a->related->nelts; i++) {
        const np_link *l = &APR_ARRAY_IDX(a->related, i, np_link);
        np_value *lm = np_value_map(p);
        np_map_str(p, lm, "url", l->href);
        np_map_str(p, lm, "title", l->title && *l->title ? l->title : l->href);
        np_list_push(p, rel, lm);
    }
    if (rel->u.list.n)
        np_map_set(p, m, "related", rel);
    np_map_bool(p, m, "has_related", rel->u.list.n > 0);
    np_map_set(p, m, "section",
               link_value(v, e->section->title ? e->section->title : v->conf->site_name,
                          np_view_section_url(v, e->section, 0)));
    if (url) {
        np_value *share = share_value(v, np_view_absolute(v, url), a->title, lang);
        np_map_set(p, m, "share", share);
        np_map_bool(p, m, "has_share", share->u.list.n > 0);
    }
    np_store_neighbours(v, e, &older, &newer);
    if (older)
        np_map_set(p, m, "prev", link_value(v, older->a->title, np_view_article_url(v, older)));
    if (newer)
        np_map_set(p, m, "next", link_value(v, newer->a->title, np_view_article_url(v, newer)));
    return m;
}

const char *np_view_article_jsonld(const np_view *v, const np_entry *e, const np_article *a)
{
    np_buf b;
    const char *url = np_view_absolute(v, np_view_article_url(v, e));
    int i;
    np_buf_init_pool(&b, v->p, 1024);
    np_buf_puts(&b, "{\"@type\":\"NewsArticle\"");
    json_kv(&b, "headline", a->title, 1);
    json_kv(&b, "description", a->summary, 1);
    json_kv(&b, "inLanguage", e->lang, 1);
    json_kv(&b, "datePublished", np_date_iso(v->p, a->published.t, v->conf->tz), 1);
    json_kv(&b, "dateModified",
            np_date_iso(v->p, a->updated.t ? a->updated.t : a->published.t, v->conf->tz), 1);
    if (a->authors && a->authors->nelts) {
        np_buf_puts(&b, ",\"author\":[");
        for (i = 0; i < a->authors->nelts; i++) {
            np_buf_puts(&b, i ? ",{\"@type\":\"Person\"" : "{\"@type\":\"Person\"");
            json_kv(&b, "name", APR_ARRAY_IDX(a->authors, i, const char *), 1);
            np_buf_putc(&b, '}');
        }
        np_buf_putc(&b, ']');
    }
    if (a->image && a->image->src) {
        const char *src = a->image->src;
        if (src[0] == '/')
            src = np_view_absolute(v, src);
        np_buf_puts(&b, ",\"image\":[");
        json_str(&b, src);
        np_buf_putc(&b, ']');
    }
    np_buf_puts(&b, ",\"publisher\":{\"@type\":\"Organization\"");
    json_kv(&b, "name", v->conf->site_name, 1);
    json_kv(&b, "url", v->base, 1);
    np_buf_puts(&b, "},\"mainEntityOfPage\":{\"@type\":\"WebPage\"");
    json_kv(&b, "@id", url, 1);
    np_buf_puts(&b, "}}");
    return buf_to_pool(v->p, &b);
}

np_value *np_view_pagination(const np_view *v, int page, int pages,
                             const char *(*url_for)(const np_view *, const void *, int),
                             const void *baton)
{
    apr_pool_t *p = v->p;
    np_value *m = np_value_map(p), *items = np_value_list(p);
    int i;
    np_map_int(p, m, "page", page);
    np_map_int(p, m, "pages", pages);
    np_map_bool(p, m, "multiple", pages > 1);
    if (page > 1)
        np_map_str(p, m, "prev_url", url_for(v, baton, page - 1));
    if (page < pages)
        np_map_str(p, m, "next_url", url_for(v, baton, page + 1));
    /* The first and last pages and a window around this one, with gaps between: a listing of
     * 100,000 articles must not cost 5,000 links. */
    for (i = 1; i <= pages; i++) {
        np_value *it;
        if (i > 1 && i < pages && (i < page - 2 || i > page + 2)) {
            if (i == 2 || i == page + 3) {
                it = np_value_map(p);
                np_map_bool(p, it, "gap", 1);
                np_list_push(p, items, it);
            }
            i = i < page ? page - 3 : pages - 1; /* jump over the gap */
            continue;
        }
        it = np_value_map(p);
        np_map_int(p, it, "number", i);
        np_map_str(p, it, "url", url_for(v, baton, i));
        np_map_bool(p, it, "current", i == page);
        np_list_push(p, items, it);
    }
    np_map_set(p, m, "items", items);
    return m;
}

static const char *lang_name(const char *lang)
{
    if (np_lang_is_zh(lang))
        return "\xE4\xB8\xAD\xE6\x96\x87"; /* 中文 */
    if (lang && (lang[0] == 'e' || lang[0] == 'E') && (lang[1] == 'n' || lang[1] == 'N') &&
        (!lang[2] || lang[2] == '-' || lang[2] == '_'))
        return "English";
    return lang;
}

int np_view_translation_links(const np_view *v, const np_entry *e, const char **langs,
                              const char **urls, int max, const char **xdefault)
{
    int i, j, n = 0, self = 0;
    *xdefault = NULL;
    for (i = 0; i < e->ntranslations && n < max; i++) {
        const np_entry *t = e->translations[i];
        const char *url;
        if (!np_article_visible(t->a, v->now) || !t->lang || !(url = np_view_article_url(v, t)))
            continue;
        for (j = 0; j < n && strcasecmp(langs[j], t->lang) != 0; j++)
            ;
        if (j < n && !np_store_same(t, e))
            continue; /* one per language: the newest, or the page itself */
        if (np_store_same(t, e))
            self = 1;
        langs[j] = t->lang;
        urls[j] = np_view_absolute(v, url);
        if (j == n)
            n++;
        if (v->conf->language && strcasecmp(t->lang, v->conf->language) == 0)
            *xdefault = urls[j];
    }
    return n >= 2 && self ? n : 0;
}

void np_view_set_translations(const np_view *v, np_value *root, const np_entry *e)
{
    const char *langs[NP_MAX_TRANSLATIONS], *urls[NP_MAX_TRANSLATIONS], *xd;
    np_value *all, *others;
    int i, n = np_view_translation_links(v, e, langs, urls, NP_MAX_TRANSLATIONS, &xd), no = 0;
    if (!n)
        return;
    all = np_value_list(v->p);
    others = np_value_list(v->p);
    for (i = 0; i < n; i++) {
        int cur = strcasecmp(langs[i], e->lang) == 0;
        np_value *m = np_value_map(v->p);
        np_map_str(v->p, m, "lang", langs[i]);
        np_map_str(v->p, m, "name", lang_name(langs[i]));
        np_map_str(v->p, m, "url", urls[i]);
        np_map_bool(v->p, m, "current", cur);
        np_map_bool(v->p, m, "last", i == n - 1);
        np_list_push(v->p, all, m);
        if (!cur) {
            m = np_value_map(v->p);
            np_map_str(v->p, m, "lang", langs[i]);
            np_map_str(v->p, m, "name", lang_name(langs[i]));
            np_map_str(v->p, m, "url", urls[i]);
            np_map_bool(v->p, m, "first", no++ == 0);
            np_list_push(v->p, others, m);
        }
    }
    np_map_set(v->p, root, "translations", all);
    np_map_set(v->p, root, "translation_others", others);
    np_map_bool(v->p, root, "has_translations", 1);
    if (xd)
        np_map_str(v->p, root, "translation_default", xd);
}
