/* The request path: route match -> snapshot -> lookup -> view data -> render. Pure: reads
 * the snapshot, the article file of an article page, and nothing else. */
#include "np_page.h"

#include <string.h>
#include <apr_strings.h>

#include "np_buf.h"
#include "np_labels.h"
#include "np_view.h"

typedef struct {
    np_view v;
    np_site *site;
    np_response *resp;
    const np_logger *log;
} page_ctx;

static void finish(page_ctx *c, int status, np_buf *b)
{
    c->resp->status = status;
    c->resp->content_type = "text/html; charset=utf-8";
    c->resp->body = apr_pstrmemdup(c->v.p, b->data ? b->data : "", b->len);
    c->resp->len = b->len;
    np_buf_free(b);
}

/* Renders template name with data into the response; a template error is a 500. */
static int render(page_ctx *c, int status, const char *name, const np_value *data)
{
    const np_tpl_set *set = np_site_templates(c->site);
    const np_tpl *t = np_tpl_get(set, name);
    np_tpl_error err;
    np_buf b;

    np_buf_init(&b, 16384);
    if (!t) {
        np_log(c->log, NP_LOG_ERR, "template '%s' not found (neither in NewsPortalTemplates nor "
                                   "in the default theme)",
               name);
    } else if (np_tpl_render(set, t, data, &b, c->log, &err) != APR_SUCCESS) {
        np_log(c->log, NP_LOG_ERR, "%s", err.text);
    } else if (b.failed) {
        np_log(c->log, NP_LOG_ERR, "out of memory rendering template '%s'", name);
    } else {
        finish(c, status, &b);
        return status;
    }
    b.len = 0;
    b.failed = 0;
    np_buf_puts(&b, "<!doctype html><meta charset=\"utf-8\"><title>500 Internal Server Error"
                    "</title><h1>Internal Server Error</h1>\n");
    finish(c, 500, &b);
    return 500;
}

static int not_found(page_ctx *c)
{
    const char *lang = c->v.conf->language;
    np_value *root, *err;
    root = np_view_page(&c->v, "error", lang, np_label(lang, "not_found"),
                        apr_pstrcat(c->v.p, c->v.req->mount, c->v.req->path, NULL), NULL, NULL,
                        0, NULL);
    err = np_value_map(c->v.p);
    np_map_int(c->v.p, err, "status", 404);
    np_map_str(c->v.p, err, "title", np_label(lang, "not_found"));
    np_map_str(c->v.p, err, "message", np_label(lang, "not_found_text"));
    np_map_set(c->v.p, root, "error", err);
    return render(c, 404, "error", root);
}

static int redirect(page_ctx *c, const char *to)
{
    const char *q = c->v.req->query;
    c->resp->status = 301;
    c->resp->location = q && *q ? apr_pstrcat(c->v.p, to, "?", q, NULL) : to;
    c->resp->content_type = "text/html; charset=utf-8";
    c->resp->body = "";
    c->resp->len = 0;
    return 301;
}

static const char *tpl_name(const np_route_match *m, const char *def)
{
    return m->template ? m->template : def;
}

static void touch(page_ctx *c, apr_time_t mtime)
{
    if (mtime > c->resp->last_modified)
        c->resp->last_modified = mtime;
}

/* Listing pages: visible entries of list for page (1-based) of size; 0 when past the end. */
typedef struct {
    np_entry **items;
    int n, total, pages;
} page_slice;

static int slice(page_ctx *c, np_entry *const *list, int n, int page, int size, page_slice *out)
{
    out->items = apr_palloc(c->v.p, sizeof(np_entry *) * (size + 1));
    out->total = np_content_visible(list, n, c->v.now, (page - 1) * size, out->items, size);
    out->pages = out->total ? (out->total + size - 1) / size : 1;
    out->n = out->total - (page - 1) * size;
    if (out->n > size)
        out->n = size;
    if (out->n < 0)
        out->n = 0;
    for (int i = 0; i < out->n; i++)
        touch(c, out->items[i]->mtime);
    return page <= out->pages;
}

static void expires(page_ctx *c, np_entry *const *list, int n)
{
    apr_time_t t = np_content_next_change(list, n, c->v.now);
    if (t && (!c->resp->expires_at || t < c->resp->expires_at))
        c->resp->expires_at = t;
}

static const char *section_page_url(const np_view *v, const void *sec, int page)
{
    return np_view_section_url(v, sec, page);
}

static const char *tag_page_url(const np_view *v, const void *tag, int page)
{
    return np_view_tag_url(v, ((const np_tag *)tag)->name, page);
}

static int serve_section(page_ctx *c, const np_route_match *m, const np_section *sec)
{
    apr_pool_t *p = c->v.p;
    int page = m->v.page ? m->v.page : 1;
    int size = sec->page_size ? sec->page_size : c->v.conf->page_size;
    const char *lang = sec->lang, *url;
    int home = sec->parent == NULL;
    page_slice sl;
    np_value *root, *list;

    if (m->v.page == 1)
        return redirect(c, np_view_section_url(&c->v, sec, 0));
    if (!slice(c, sec->entries, sec->nentries, page, size, &sl))
        return not_found(c);
    touch(c, sec->mtime);
    expires(c, sec->entries, sec->nentries);
    url = np_view_section_url(&c->v, sec, page);
    root = np_view_page(&c->v, home ? "home" : "section", lang,
                        home ? c->v.conf->site_name : sec->title, url, sec->description, sec, 0,
                        NULL);
    list = np_view_entries(&c->v, sl.items, sl.n, lang);
    np_map_set(p, root, "articles", list);
    np_map_set(p, root, "pagination", np_view_pagination(&c->v, page, sl.pages,
                                                         section_page_url, sec));
    if (home) {
        np_value *per = np_value_list(p);
        int i;
        np_map_set(p, root, "latest", list);
        for (i = 0; i < sec->nchildren; i++) {
            const np_section *s = sec->children[i];
            np_entry *few[4];
            int n = np_content_visible(s->entries, s->nentries, c->v.now, 0, few, 4);
            np_value *m2;
            if (!n)
                continue;
            m2 = np_value_map(p);
            np_map_str(p, m2, "title", s->title);
            np_map_str(p, m2, "url", np_view_section_url(&c->v, s, 0));
            np_map_set(p, m2, "articles", np_view_entries(&c->v, few, n < 4 ? n : 4, lang));
            np_list_push(p, per, m2);
        }
        np_map_set(p, root, "sections_latest", per);
        return render(c, 200, tpl_name(m, "home"), root);
    } else {
        np_value *sm = np_value_map(p), *subs = np_value_list(p);
        int i;
        np_map_str(p, sm, "title", sec->title);
        np_map_str(p, sm, "description", sec->description);
        np_map_str(p, sm, "url", np_view_section_url(&c->v, sec, 0));
        for (i = 0; i < sec->nchildren; i++) {
            np_value *k = np_value_map(p);
            np_map_str(p, k, "title", sec->children[i]->title);
            np_map_str(p, k, "url", np_view_section_url(&c->v, sec->children[i], 0));
            np_map_str(p, k, "description", sec->children[i]->description);
            np_list_push(p, subs, k);
        }
        np_map_set(p, sm, "subsections", subs);
        np_map_bool(p, sm, "has_subsections", subs->u.list.n > 0);
        np_map_set(p, root, "section", sm);
        return render(c, 200, tpl_name(m, "section"), root);
    }
}

static int serve_tag(page_ctx *c, const np_route_match *m)
{
    apr_pool_t *p = c->v.p;
    const char *slug = np_tag_slug(p, m->v.tag), *lang = c->v.conf->language;
    const np_tag *tag = np_content_tag(c->v.snap, slug);
    int page = m->v.page ? m->v.page : 1;
    page_slice sl;
    np_value *root, *tm;

    if (!tag)
        return not_found(c);
    if (m->v.page == 1 || strcmp(slug, m->v.tag) != 0)
        return redirect(c, np_view_tag_url(&c->v, tag->name, m->v.page > 1 ? m->v.page : 0));
    if (!slice(c, tag->entries, tag->nentries, page, c->v.conf->page_size, &sl) || !sl.total)
        return not_found(c);
    expires(c, tag->entries, tag->nentries);
    if (sl.n)
        lang = sl.items[0]->lang;
    root = np_view_page(&c->v, "tag", lang, tag->name, np_view_tag_url(&c->v, tag->name, page),
                        NULL, NULL, 0, NULL);
    tm = np_value_map(p);
    np_map_str(p, tm, "name", tag->name);
    np_map_str(p, tm, "url", np_view_tag_url(&c->v, tag->name, 0));
    np_map_set(p, root, "tag", tm);
    np_map_set(p, root, "articles", np_view_entries(&c->v, sl.items, sl.n, lang));
    np_map_set(p, root, "pagination",
               np_view_pagination(&c->v, page, sl.pages, tag_page_url, tag));
    return render(c, 200, tpl_name(m, "tag"), root);
}

static int serve_article(page_ctx *c, const np_route_match *m)
{
    apr_pool_t *p = c->v.p;
    const np_section *sec = NULL;
    np_entry *e;
    np_article *a;
    np_article_opts ao;
    const char *err = NULL, *url;
    np_value *root;

    if (m->v.section && *m->v.section) {
        if (!(sec = np_content_section(c->v.snap, m->v.section)))
            return not_found(c);
        e = np_content_article(p, c->v.snap, sec, m->v.slug, c->v.now);
    } else {
        e = np_content_article_by_slug(c->v.snap, m->v.slug, c->v.now);
    }
    if (!e)
        return not_found(c);
    url = np_view_article_url(&c->v, e);
    if (url && strcmp(url, apr_pstrcat(p, c->v.req->mount, c->v.req->path, NULL)) != 0)
        return redirect(c, url); /* a date or section in the URL that is not the article's */

    ao.max_size = c->v.conf->max_article_size;
    ao.tz = c->v.conf->tz;
    ao.with_body = 1;
    if (!(a = np_article_load(p, e->a->path, e->a->slug, &ao, &err))) {
        np_log(c->log, NP_LOG_ERR, "%s", err ? err : e->a->path);
        return not_found(c);
    }
    if (!np_article_visible(a, c->v.now))
        return not_found(c);
    touch(c, e->mtime);
    if (a->expires.t > c->v.now)
        c->resp->expires_at = a->expires.t;
    root = np_view_page(&c->v, "article", e->lang, a->title, url, a->summary, e->section, 1,
                        np_view_article_jsonld(&c->v, e, a));
    np_map_set(p, root, "article", np_view_article(&c->v, e, a, e->lang));
    return render(c, 200, tpl_name(m, "article"), root);
}

/* Does a listing match name something that exists (for the trailing-slash redirect)? */
static int names_something(page_ctx *c, const np_route_match *m)
{
    switch (m->kind) {
    case NP_ROUTE_HOME:
        return 1;
    case NP_ROUTE_SECTION:
        return np_content_section(c->v.snap, m->v.section) != NULL;
    case NP_ROUTE_TAG:
        return np_content_tag(c->v.snap, np_tag_slug(c->v.p, m->v.tag)) != NULL;
    default:
        return 0;
    }
}

int np_page_serve(np_site *site, const np_site_conf *conf, const np_request *req,
                  np_response *resp, apr_pool_t *p, const np_logger *log)
{
    page_ctx c;
    np_route_match m;
    np_snapshot *snap;
    int status;

    memset(resp, 0, sizeof(*resp));
    memset(&c, 0, sizeof(c));
    snap = np_site_snapshot(site, req->now, log);
    c.v.p = p;
    c.v.conf = conf;
    c.v.snap = snap;
    c.v.req = req;
    c.v.base = conf->base_url ? conf->base_url : req->origin;
    c.v.now = req->now;
    c.site = site;
    c.resp = resp;
    c.log = log;

    if (!np_route_path_valid(req->path, strlen(req->path))) {
        status = not_found(&c);
    } else if (!np_routes_match(conf->routes, req->path, &m, p)) {
        const char *slashed = apr_pstrcat(p, req->path, "/", NULL);
        np_route_match m2;
        if (req->path[strlen(req->path) - 1] != '/' &&
            np_routes_match(conf->routes, slashed, &m2, p) && names_something(&c, &m2))
            status = redirect(&c, apr_pstrcat(p, req->mount, slashed, NULL));
        else
            status = not_found(&c);
    } else {
        switch (m.kind) {
        case NP_ROUTE_HOME:
            status = serve_section(&c, &m, snap->root);
            break;
        case NP_ROUTE_SECTION: {
            const np_section *sec = np_content_section(snap, m.v.section);
            status = sec ? serve_section(&c, &m, sec) : not_found(&c);
            break;
        }
        case NP_ROUTE_ARTICLE:
            status = serve_article(&c, &m);
            break;
        case NP_ROUTE_TAG:
            status = serve_tag(&c, &m);
            break;
        default: /* feeds and sitemaps are not pages of the theme */
            status = not_found(&c);
            break;
        }
    }
    np_snapshot_release(snap);
    return status;
}
