/* The request path: route match -> snapshot -> lookup -> view data -> render. Pure: reads
 * the snapshot, the article file of an article page, and nothing else. */
#include "np_page.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <apr_file_info.h>
#include <apr_strings.h>
#include <apr_atomic.h>
#include <apr_time.h>

#include "np_buf.h"
#include "np_cache.h"
#include "np_encoding.h"
#include "np_feed.h"
#include "np_labels.h"
#include "np_preview.h"
#include "np_search_view.h"
#include "np_shared.h"
#include "np_store.h"
#include "np_view.h"

typedef struct {
    np_view v;
    np_site *site;
    np_theme *theme;
    np_cache *cache;
    np_response *resp;
    const np_logger *log;
    const char *key; /* the page cache key: configuration digest and URL */
    apr_size_t klen;
    apr_uint64_t deps; /* digest of everything the page depends on; 0: do not cache */
    int stale;
    int no_previous;         /* previous URLs already looked up */
    apr_uint64_t stamp;      /* index generation and theme (np_cache_entry.stamp); 0: no index */
    np_cache *entry_cache;   /* the cache the response's entry is in, or NULL */
    const char *search_etag; /* a search response's validator (serve_search) */
} page_ctx;

np_cache_rep *np_page_compress(const char *body, apr_size_t len, int enc, int level)
{
    apr_size_t bound = np_encoding_bound(enc, len), n;
    np_cache_rep *rep;
    if (len < NP_COMPRESS_MIN || !bound)
        return np_cache_rep_none();
    if (!(rep = np_cache_rep_alloc(bound)))
        return NULL;
    n = np_encoding_compress(enc, level, body, len, rep->data, bound);
    if (!n) {
        np_cache_rep_free(rep);
        return NULL;
    }
    if (n > len - len / 16) {
        np_cache_rep_free(rep);
        return np_cache_rep_none();
    }
    if (!(rep = np_cache_rep_shrink(rep, n)))
        return NULL;
    apr_snprintf(rep->etag, sizeof(rep->etag), "\"%016" APR_UINT64_T_HEX_FMT "-%s\"",
                 np_hash(NP_HASH_INIT, rep->data, rep->len), np_encoding_tag(enc));
    return rep;
}

/* Makes e's form for enc at level and attaches it (cache: the cache e is in, or NULL), unless
 * another request is making it: the form e has then, or NULL for none. */
static const np_cache_rep *make_form(np_cache *cache, np_cache_entry *e, int enc, int level)
{
    const np_cache_rep *rep;
    int st = np_cache_rep_state(e, enc, &rep);
    if (st == NP_REP_ABSENT && np_cache_rep_claim(e, enc))
        return np_cache_rep_attach(cache, e, enc, np_page_compress(e->body, e->len, enc, level));
    return rep;
}

/* The key of this page in the shared tier: the local key may name the configuration by a
 * number of this process; between servers only the configuration itself can. */
static const char *shared_key(page_ctx *c, apr_size_t *klen)
{
    const np_request *req = c->v.req;
    const char *base = c->v.base ? c->v.base : "", *conf, *k;
    if (!req->conf_id) {
        *klen = c->klen;
        return c->key;
    }
    conf = req->conf_key ? req->conf_key : np_site_conf_key(c->v.p, c->v.conf, NP_KEY_PAGE);
    k = apr_psprintf(c->v.p,
                     "%s"
                     "origin=%" APR_SIZE_T_FMT ":%s\n%s%s",
                     conf, strlen(base), base, req->mount, req->path);
    *klen = strlen(k);
    return k;
}

static void shared_put(page_ctx *c, const np_cache_entry *e)
{
    np_shared_record rec;
    apr_size_t klen;
    const char *key = shared_key(c, &klen);
    np_buf b;
    apr_size_t extra = 0;
    int enc;
    rec.deps = e->deps;
    rec.valid_until = e->valid_until;
    rec.last_modified = e->last_modified;
    rec.stale = e->stale;
    rec.content_type = e->content_type;
    rec.body = e->body;
    rec.len = e->len;
    rec.nreps = 0;
    for (enc = 1; enc < NP_ENC_COUNT; enc++) {
        const np_cache_rep *rep;
        int st = np_cache_rep_state((np_cache_entry *)e, enc, &rep);
        if (st != NP_REP_READY && st != NP_REP_NONE)
            continue;
        rec.reps[rec.nreps].encoding = enc;
        rec.reps[rec.nreps].data = rep ? rep->data : NULL;
        rec.reps[rec.nreps].len = rep ? rep->len : 0;
        extra += rep ? rep->len + 8 : 8;
        rec.nreps++;
    }
    np_buf_init(&b, e->len + extra + klen + NP_SHARED_HEADER + 64);
    if (np_shared_encode(&b, key, klen, &rec) && !b.failed)
        c->v.req->shared->put(c->v.req->shared->baton, key, klen, b.data, b.len, e->valid_until,
                              c->v.p);
    np_buf_free(&b);
}

/* b was started with np_cache_entry_buf_init: the page becomes the entry without a copy. */
static void set_body(page_ctx *c, int status, const char *type, np_buf *b)
{
    np_response *r = c->resp;
    np_cache_entry *e = np_cache_entry_from_buf(b, c->key, c->klen);
    char *tag;
    if (!e) {
        r->status = 500;
        r->content_type = "text/plain";
        r->body = "";
        r->len = 0;
        return;
    }
    e->deps = c->deps;
    apr_atomic_set64(&e->stamp, c->stamp);
    e->valid_until = r->expires_at;
    e->last_modified = r->last_modified;
    e->stale = c->stale;
    e->content_type = type;
    tag = e->etag;
    apr_snprintf(tag, sizeof(e->etag), "\"%016" APR_UINT64_T_HEX_FMT "\"",
                 np_hash(NP_HASH_INIT, e->body, e->len));
    r->status = status;
    r->content_type = type;
    r->entry = e;
    r->body = e->body;
    r->len = e->len;
    if (status == 200) {
        r->etag = e->etag;
        if (c->cache && c->deps) {
            np_cache_put(c->cache, e);
            c->entry_cache = c->cache;
            r->cache_state = c->stale ? "stale" : "miss";
            if (c->v.req->shared) {
                /* Every coding configured, made once here for every server that shares the
                 * page (docs/caching.md). */
                int enc, mask = c->v.conf->compress > 0 ? c->v.conf->compress : 0;
                for (enc = 1; enc < NP_ENC_COUNT; enc++)
                    if (mask & NP_ENC_BIT(enc))
                        make_form(c->cache, e, enc, np_encoding_cached_level(enc, e->len));
                shared_put(c, e);
            }
        }
    }
}

/* The compressed forms another server made, as they are: none is made again here. */
static void attach_shared_forms(page_ctx *c, np_cache_entry *e, const np_shared_record *rec)
{
    int i;
    for (i = 0; i < rec->nreps; i++) {
        int enc = rec->reps[i].encoding;
        np_cache_rep *rep;
        if (!rec->reps[i].data) {
            np_cache_rep_attach(c->cache, e, enc, np_cache_rep_none());
            continue;
        }
        if (!(rep = np_cache_rep_alloc(rec->reps[i].len)))
            continue;
        memcpy(rep->data, rec->reps[i].data, rep->len);
        apr_snprintf(rep->etag, sizeof(rep->etag), "\"%016" APR_UINT64_T_HEX_FMT "-%s\"",
                     np_hash(NP_HASH_INIT, rep->data, rep->len), np_encoding_tag(enc));
        np_cache_rep_attach(c->cache, e, enc, rep);
    }
}

/* The cached page for this request when it is still what would be rendered now. */
static void serve_entry(page_ctx *c, np_cache_entry *e, const char *state)
{
    np_response *r = c->resp;
    c->entry_cache = c->cache;
    r->status = 200;
    r->entry = e;
    r->body = e->body;
    r->len = e->len;
    r->etag = e->etag;
    r->content_type = e->content_type;
    r->last_modified = e->last_modified;
    r->expires_at = e->valid_until;
    r->cache_state = state;
}

/* The page cached under this URL when it was found current under the same index generation
 * and theme, and its time has not run out: nothing it depends on can have changed. */
static int from_cache_stamped(page_ctx *c)
{
    np_cache_entry *e;
    if (!c->cache || !c->stamp || !(e = np_cache_get(c->cache, c->key, c->klen)))
        return 0;
    if (apr_atomic_read64(&e->stamp) != c->stamp ||
        (e->valid_until && c->v.now >= e->valid_until)) {
        np_cache_release(e);
        return 0;
    }
    serve_entry(c, e, e->stale ? "stale" : "hit");
    return 1;
}

static int from_cache(page_ctx *c)
{
    np_cache_entry *e;
    const char *state = "hit";
    if (!c->cache || !c->deps)
        return 0;
    e = np_cache_get(c->cache, c->key, c->klen);
    if (e && (e->deps != c->deps || (e->valid_until && c->v.now >= e->valid_until))) {
        np_cache_release(e);
        e = NULL;
    }
    if (!e && c->v.req->shared) {
        char *data;
        apr_size_t len, klen;
        const char *key = shared_key(c, &klen);
        np_shared_record rec;
        if (c->v.req->shared->get(c->v.req->shared->baton, key, klen, &data, &len, c->v.p) &&
            np_shared_decode(data, len, key, klen, &rec) && rec.deps == c->deps &&
            (!rec.valid_until || c->v.now < rec.valid_until) &&
            (e = np_cache_entry_make(c->key, c->klen, rec.len))) {
            memcpy(e->body, rec.body, rec.len);
            e->deps = rec.deps;
            e->valid_until = rec.valid_until;
            e->last_modified = rec.last_modified;
            e->stale = rec.stale;
            e->content_type = rec.content_type;
            apr_snprintf(e->etag, sizeof(e->etag), "\"%016" APR_UINT64_T_HEX_FMT "\"",
                         np_hash(NP_HASH_INIT, e->body, e->len));
            attach_shared_forms(c, e, &rec);
            state = "shared-hit";
        }
        if (e)
            np_cache_put(c->cache, e);
    }
    if (!e)
        return 0;
    if (c->stamp) /* current under this generation: the next requests need no lookup */
        apr_atomic_set64(&e->stamp, c->stamp);
    serve_entry(c, e, c->stale ? "stale" : state);
    return 1;
}

/* Renders template name with data into the response; a template error is a 500. */
static int render(page_ctx *c, int status, const char *name, const np_value *data)
{
    const np_tpl_set *set = c->theme->set;
    const np_tpl *t = np_tpl_get(set, name);
    np_tpl_error err;
    np_buf b;

    np_cache_entry_buf_init(&b, 32768);
    if (!t) {
        np_log(c->log, NP_LOG_ERR,
               "template '%s' not found (neither in NewsPortalTemplates nor "
               "in the default theme)",
               name);
    } else if (np_tpl_render(set, t, data, &b, c->log, &err) != APR_SUCCESS) {
        np_log(c->log, NP_LOG_ERR, "%s", err.text);
    } else if (b.failed) {
        np_log(c->log, NP_LOG_ERR, "out of memory rendering template '%s'", name);
    } else {
        set_body(c, status, "text/html; charset=utf-8", &b);
        return status;
    }
    np_cache_entry_buf_reset(&b);
    np_buf_puts(&b, "<!doctype html><meta charset=\"utf-8\"><title>500 Internal Server Error"
                    "</title><h1>Internal Server Error</h1>\n");
    c->deps = 0;
    set_body(c, 500, "text/html; charset=utf-8", &b);
    return 500;
}

/* The error page: status with the labels title and text (error pages are not cached). */
static int error_page(page_ctx *c, int status, const char *title, const char *text)
{
    const char *lang = c->v.conf->language;
    np_value *root, *err;
    c->deps = 0;
    c->resp->last_modified = 0;
    c->resp->expires_at = 0;
    root = np_view_page(&c->v, "error", lang, np_label(c->v.labels, lang, title),
                        apr_pstrcat(c->v.p, c->v.req->mount, c->v.req->path, NULL), NULL, NULL, 0,
                        NULL);
    err = np_value_map(c->v.p);
    np_map_int(c->v.p, err, "status", status);
    np_map_str(c->v.p, err, "title", np_label(c->v.labels, lang, title));
    np_map_str(c->v.p, err, "message", np_label(c->v.labels, lang, text));
    np_map_set(c->v.p, root, "error", err);
    return render(c, status, "error", root);
}

static int redirect(page_ctx *c, const char *to);

/* Nothing lives at this address: an article that lived here before, while visible, answers 301
 * to where it is now (docs/content.md); else 404. */
static int not_found(page_ctx *c)
{
    np_entry *e;
    const char *url;
    if (!c->no_previous && c->v.snap) {
        c->no_previous = 1;
        if ((e = np_store_previous(&c->v, c->v.req->path)) && (url = np_view_article_url(&c->v, e)))
            return redirect(c, url);
    }
    return error_page(c, 404, "not_found", "not_found_text");
}

/* to is a URL path as the router writes it (already percent-encoded); NULL when no route can
 * express the target, which then does not exist for readers. */
static int redirect(page_ctx *c, const char *to)
{
    const char *q = c->v.req->query;
    if (!to)
        return not_found(c);
    to = np_preview_unlink(c->v.req->preview, to, c->v.p); /* the query has the token */
    if (q && *q) {
        np_buf b;
        np_buf_init_pool(&b, c->v.p, strlen(to) + strlen(q) + 16);
        np_buf_puts(&b, to);
        np_buf_putc(&b, '?');
        np_buf_url_query(&b, q, strlen(q));
        to = np_buf_cstr(&b);
    }
    c->resp->status = 301;
    c->resp->location = to;
    c->resp->content_type = "text/html; charset=utf-8";
    c->resp->body = "";
    c->resp->len = 0;
    return 301;
}

/* A decoded path (the request's) as a URL path. */
static const char *url_path(apr_pool_t *p, const char *path)
{
    np_buf b;
    np_buf_init_pool(&b, p, strlen(path) * 3 + 1);
    np_buf_url_path(&b, path, strlen(path));
    return np_buf_cstr(&b);
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

/* The digest of what every page shares: the theme and the section tree (navigation and
 * breadcrumbs), with kind-specific parts added by the caller. */
static apr_uint64_t deps_base(page_ctx *c, int kind, int page)
{
    apr_uint64_t h = np_hash_u64(NP_HASH_INIT, c->theme->digest);
    h = np_hash_u64(h, c->v.snap->nav_digest);
    h = np_hash_u64(h, (apr_uint64_t)kind);
    return np_hash_u64(h, (apr_uint64_t)page);
}

/* Listing pages: visible entries of list for page (1-based) of size; 0 when past the end. */
typedef struct {
    np_entry **items;
    int n, total, pages;
} page_slice;

static void expires_at(page_ctx *c, apr_time_t t)
{
    if (t && (!c->resp->expires_at || t < c->resp->expires_at))
        c->resp->expires_at = t;
}

/* sec's listing (tag NULL) or tag's. */
static int slice(page_ctx *c, const np_section *sec, const np_tag *tag, int page, int size,
                 page_slice *out)
{
    np_list_page pg;
    apr_int64_t pages;
    int i;
    if (size > NP_PAGE_SIZE_MAX) /* whatever a section file or a directive says */
        size = NP_PAGE_SIZE_MAX;
    if (size < 1)
        size = 1;
    /* Count first: a page past the last is refused before any offset is computed, and the
     * offset, in 64 bits, is then below the count. */
    np_store_page(&c->v, sec, tag, 0, 0, &pg);
    expires_at(c, pg.next_change);
    pages = pg.total ? (pg.total + size - 1) / size : 1;
    out->total = pg.total > 0x7fffffff ? 0x7fffffff : (int)pg.total;
    out->pages = pages > 0x7fffffff ? 0x7fffffff : (int)pages;
    out->n = 0;
    out->items = NULL;
    if (page < 1 || page > out->pages)
        return 0;
    np_store_page(&c->v, sec, tag, (apr_int64_t)(page - 1) * size, size, &pg);
    out->items = pg.items;
    out->n = pg.n;
    for (i = 0; i < out->n; i++)
        touch(c, out->items[i]->mtime);
    return 1;
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
    c->deps = np_hash_u64(deps_base(c, m->kind, page), sec->digest);
    if (home) /* the per-section blocks of the home page read the top-level sections */
        c->deps = np_hash_u64(c->deps, 1);
    if (from_cache(c))
        return 200;
    if (!slice(c, sec, NULL, page, size, &sl))
        return not_found(c);
    touch(c, sec->mtime);
    url = np_view_section_url(&c->v, sec, page);
    root =
        np_view_page(&c->v, home ? "home" : "section", lang,
                     home ? c->v.conf->site_name : sec->title, url, sec->description, sec, 0, NULL);
    list = np_view_entries(&c->v, sl.items, sl.n, lang);
    np_map_set(p, root, "articles", list);
    np_map_set(p, root, "pagination",
               np_view_pagination(&c->v, page, sl.pages, section_page_url, sec));
    if (home) {
        np_value *per = np_value_list(p);
        int i;
        np_map_set(p, root, "latest", list);
        for (i = 0; i < sec->nchildren; i++) {
            const np_section *s = sec->children[i];
            np_list_page few;
            np_value *m2;
            np_store_page(&c->v, s, NULL, 0, 4, &few);
            if (!few.n)
                continue;
            m2 = np_value_map(p);
            np_map_str(p, m2, "title", s->title);
            np_map_str(p, m2, "url", np_view_section_url(&c->v, s, 0));
            np_map_set(p, m2, "articles", np_view_entries(&c->v, few.items, few.n, lang));
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

/* The tag named by a URL when at least one of its articles is visible now. */
static const np_tag *visible_tag(page_ctx *c, const char *name)
{
    return np_store_tag(&c->v, np_tag_slug(c->v.p, name));
}

static int serve_tag(page_ctx *c, const np_route_match *m)
{
    apr_pool_t *p = c->v.p;
    const char *slug = np_tag_slug(p, m->v.tag), *lang = c->v.conf->language;
    const np_tag *tag = visible_tag(c, m->v.tag);
    int page = m->v.page ? m->v.page : 1;
    page_slice sl;
    np_value *root, *tm;

    /* A tag whose articles are all hidden (drafts, embargoed, expired) does not exist for
     * readers, in any spelling: no redirect may confirm it. */
    if (!tag)
        return not_found(c);
    if (m->v.page == 1 || strcmp(slug, m->v.tag) != 0)
        return redirect(c, np_view_tag_url(&c->v, tag->name, m->v.page > 1 ? m->v.page : 0));
    c->deps = np_hash_u64(deps_base(c, m->kind, page), tag->digest);
    if (from_cache(c))
        return 200;
    if (!slice(c, NULL, tag, page, c->v.conf->page_size, &sl) || !sl.total)
        return not_found(c);
    if (sl.n)
        lang = sl.items[0]->lang;
    root = np_view_page(&c->v, "tag", lang, tag->name, np_view_tag_url(&c->v, tag->name, page),
                        NULL, NULL, 0, NULL);
    tm = np_value_map(p);
    np_map_str(p, tm, "name", tag->name);
    np_map_str(p, tm, "url", np_view_tag_url(&c->v, tag->name, 0));
    np_map_set(p, root, "tag", tm);
    np_map_set(p, root, "articles", np_view_entries(&c->v, sl.items, sl.n, lang));
    np_map_set(p, root, "pagination", np_view_pagination(&c->v, page, sl.pages, tag_page_url, tag));
    return render(c, 200, tpl_name(m, "tag"), root);
}

/* 0 when the file is still the version the snapshot read, 1 when it was rewritten since, 2 when
 * that was less than a second ago (it may still be being written), -1 when it is gone. */
static int changed_since_scan(const np_entry *e, apr_pool_t *p)
{
    apr_finfo_t fi;
    if (apr_stat(&fi, e->a->path, APR_FINFO_MTIME | APR_FINFO_SIZE, p) != APR_SUCCESS)
        return -1;
    if (fi.mtime == e->mtime && fi.size == e->size)
        return 0;
    return fi.mtime > apr_time_now() - apr_time_from_sec(1) ? 2 : 1;
}

/* a with the body in cache entry be, which is released. */
static np_article *with_body(page_ctx *c, np_article *a, np_cache_entry *be)
{
    a->body_html = be->body; /* used in place, released with the request */
    a->body_len = be->len;
    np_cache_release_with(be, c->v.p);
    return a;
}

/* The article with its body: parsed from its file (cached by path when the page cache is on),
 * or, for a file that broke, the last good body this process saw. */
static np_article *load_body(page_ctx *c, const np_entry *e)
{
    np_cache *bodies = c->v.req->preview ? NULL : np_site_body_cache(c->site);
    const char *path = e->a->path;
    apr_size_t plen = strlen(path);
    np_cache_entry *be = NULL;
    np_article *a = apr_pmemdup(c->v.p, e->a, sizeof(*e->a));
    np_article *full = NULL;
    np_article_opts ao;
    const char *err = NULL;
    int tries;

    /* From the index: the body of exactly the version the index holds (the last good one of a
     * file that broke), so a page never mixes versions and no child parses files. */
    if (c->v.snap->indexed) {
        apr_size_t len = 0;
        const char *body = np_store_body(&c->v, e, &len);
        if (!body)
            return NULL;
        a->body_html = body;
        a->body_len = len;
        return a;
    }
    if (bodies && (c->cache || e->stale))
        be = np_cache_get(bodies, path, plen);
    if (be && be->deps == e->digest)
        return with_body(c, a, be);
    if (be && !e->stale) {
        np_cache_release(be);
        be = NULL;
    }
    /* Broken for a while (StaleOnError): the last body this process read for it, if any. */
    if (e->stale && changed_since_scan(e, c->v.p) != 2)
        return be ? with_body(c, a, be) : NULL;
    ao.max_size = c->v.conf->max_article_size;
    ao.tz = c->v.conf->tz;
    ao.with_body = 1;
    /* Opened confined to the content folder: a link re-pointed since the scan is refused. */
    ao.root = c->v.conf->content_dir;
    /* A file rewritten in the last second may be half-written: read it again shortly. A version
     * other than the snapshot's is served whole (its own title with its own body), and neither
     * it nor its page is cached under the snapshot's digest. */
    for (tries = 0;; tries++) {
        if ((full = np_article_load(c->v.p, path, e->a->slug, &ao, &err)))
            break;
        if (tries == 5 || changed_since_scan(e, c->v.p) != 2) {
            if (be) /* StaleOnError, as above */
                return with_body(c, a, be);
            if (!e->stale)
                np_log(c->log, NP_LOG_ERR, "%s", err ? err : path);
            return NULL;
        }
        apr_sleep(apr_time_from_msec(20));
    }
    np_cache_release(be);
    if (e->stale || changed_since_scan(e, c->v.p)) {
        c->deps = 0;
        return np_article_visible(full, c->v.now) || np_preview_opens(c->v.req->preview, full)
                   ? full
                   : NULL;
    }
    a->body_html = full->body_html;
    a->body_len = full->body_len;
    if (bodies) {
        /* Kept as the last good version; with the page cache off, once per version. */
        np_cache_entry *old = c->cache ? NULL : np_cache_get(bodies, path, plen);
        if ((!old || old->deps != e->digest) &&
            (be = np_cache_entry_make(path, plen, full->body_len))) {
            memcpy(be->body, full->body_html, full->body_len);
            be->deps = e->digest;
            np_cache_put(bodies, be);
            np_cache_release(be);
        }
        np_cache_release(old);
    }
    return a;
}

/* Nothing at this article address: the article whose file moved away from it (the index
 * remembers where each id lived) answers 301 where it is now, while visible; else 404. */
static int moved_or_not_found(page_ctx *c, const np_route_match *m)
{
    np_entry *e;
    const char *url;
    if (m->v.section && (e = np_store_moved(&c->v, m->v.section, m->v.slug)) &&
        (url = np_view_article_url(&c->v, e)) &&
        strcmp(url, apr_pstrcat(c->v.p, c->v.req->mount, c->v.req->path, NULL)) != 0)
        return redirect(c, url);
    return not_found(c);
}

static int serve_article(page_ctx *c, const np_route_match *m)
{
    apr_pool_t *p = c->v.p;
    const np_section *sec = NULL;
    const np_entry *older, *newer;
    np_entry *e;
    int i;
    np_article *a;
    const char *url;
    np_value *root;

    if (m->v.section && *m->v.section) {
        if (!(sec = np_content_section(c->v.snap, m->v.section)))
            return moved_or_not_found(c, m);
    }
    e = np_store_article(&c->v, sec, m->v.slug);
    if (!e) /* an article preview opens its draft or embargoed article */
        e = np_preview_article(c->v.req->preview,
                               c->v.req->preview ? np_store_any(&c->v, sec, m->v.slug) : NULL);
    if (!e) {
        /* Killed: 410 at its own URL only, once it could have been seen (docs/content.md). */
        e = np_store_gone(&c->v, sec, m->v.slug);
        if (e && (url = np_preview_unlink(c->v.req->preview, np_view_article_url(&c->v, e), p)) &&
            strcmp(url, apr_pstrcat(p, c->v.req->mount, c->v.req->path, NULL)) == 0)
            return error_page(c, 410, "gone", "gone_text");
        return moved_or_not_found(c, m);
    }
    if (!(url = np_view_article_url(&c->v, e)))
        return not_found(c); /* logged once; nothing may link to a page without a URL */
    if (strcmp(np_preview_unlink(c->v.req->preview, url, p),
               apr_pstrcat(p, c->v.req->mount, c->v.req->path, NULL)) != 0)
        return redirect(c, url); /* a date or section in the URL that is not the article's */

    c->stale = e->stale;
    np_store_translations(&c->v, e);
    np_store_neighbours(&c->v, e, &older, &newer);
    c->deps = np_hash_u64(deps_base(c, m->kind, 0), e->digest);
    c->deps = np_hash_u64(c->deps, older ? older->digest : 0);
    c->deps = np_hash_u64(c->deps, newer ? newer->digest : 0);
    for (i = 0; i < e->ntranslations; i++) /* its alternates: which exist, and where */
        c->deps =
            np_hash_u64(c->deps, e->translations[i]->digest ^ (apr_uint64_t)np_article_visible(
                                                                  e->translations[i]->a, c->v.now));
    if (from_cache(c))
        return 200;
    if (!(a = load_body(c, e)))
        return not_found(c);
    touch(c, e->mtime);
    { /* its neighbours change when the section's list does */
        np_list_page pg;
        np_store_page(&c->v, e->section, NULL, 0, 0, &pg);
        expires_at(c, pg.next_change);
    }
    if (e->ntranslations) {
        apr_time_t t = np_content_next_change(e->translations, e->ntranslations, c->v.now);
        if (t && (!c->resp->expires_at || t < c->resp->expires_at))
            c->resp->expires_at = t;
    }
    root = np_view_page(&c->v, "article", e->lang, a->title, url, a->summary, e->section, 1,
                        np_view_article_jsonld(&c->v, e, a));
    np_map_set(p, root, "article", np_view_article(&c->v, e, a, e->lang));
    np_view_set_translations(&c->v, root, e);
    return render(c, 200, tpl_name(m, "article"), root);
}

static int serve_feed(page_ctx *c, const np_route_match *m)
{
    np_feed_req rq;
    np_feed_meta meta;
    np_buf b;
    apr_uint64_t scope;
    int rc;

    memset(&rq, 0, sizeof(rq));
    rq.kind = m->kind;
    rq.page = m->v.page;
    if (m->v.tag) {
        if (!(rq.tag = visible_tag(c, m->v.tag)))
            return not_found(c);
        scope = rq.tag->digest;
    } else if (m->v.section && *m->v.section) {
        if (!(rq.section = np_content_section(c->v.snap, m->v.section)))
            return not_found(c);
        scope = rq.section->digest;
    } else {
        scope = c->v.snap->root->digest;
    }
    c->deps = np_hash_u64(deps_base(c, m->kind, m->v.page), scope);
    if (from_cache(c))
        return 200;
    np_cache_entry_buf_init(&b, 65536);
    memset(&meta, 0, sizeof(meta));
    rc = np_feed_render(&c->v, &rq, &b, &meta, c->log);
    if (rc != NP_FEED_OK) {
        np_buf_free(&b);
        return not_found(c);
    }
    c->resp->last_modified = meta.last_modified;
    c->resp->expires_at = meta.next_change;
    set_body(c, 200, meta.content_type, &b);
    return 200;
}

/* Search (docs/search.md): from the request's index handle, never put in the page cache; the
 * ETag comes from the index generation and the query, not the body. */
static int serve_search(page_ctx *c, const np_route_match *m)
{
    np_search_args a;
    np_search_result r;
    np_buf b;
    if (m->kind == NP_ROUTE_OPENSEARCH) {
        np_cache_entry_buf_init(&b, 2048);
        np_search_view_opensearch(&c->v, &b);
        set_body(c, 200, "application/opensearchdescription+xml", &b);
        return 200;
    }
    if (!c->v.idx)
        return error_page(c, 503, "search_unavailable", "search_unavailable_text");
    np_search_args_parse(c->v.p, c->v.req->query, &a);
    c->search_etag = np_search_view_etag(&c->v, c->key, c->theme->digest);
    c->resp->expires_at = np_index_next_change(c->v.idx, "", NULL, c->v.now);
    np_search_view_run(&c->v, &a, &r);
    if (m->kind == NP_ROUTE_SEARCHJSON) {
        np_cache_entry_buf_init(&b, 8192);
        np_search_view_json(&c->v, &a, &r, &b);
        set_body(c, r.status, "application/json", &b);
        return r.status;
    }
    return render(c, r.status, tpl_name(m, "search"), np_search_view_page(&c->v, &a, &r));
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
        return visible_tag(c, m->v.tag) != NULL;
    default:
        return 0;
    }
}

/* The cache key, whole: every field of the configuration that shapes pages, the origin of
 * absolute URLs, and the URL. Entries match on all of it, byte for byte. */
static void make_key(page_ctx *c)
{
    const np_request *req = c->v.req;
    const char *conf = req->conf_id    ? req->conf_id
                       : req->conf_key ? req->conf_key
                                       : np_site_conf_key(c->v.p, c->v.conf, NP_KEY_PAGE);
    const char *base = c->v.base ? c->v.base : "";
    c->key = apr_psprintf(c->v.p,
                          "%s"
                          "origin=%" APR_SIZE_T_FMT ":%s\n%s%s",
                          conf, strlen(base), base, req->mount, req->path);
    c->klen = strlen(c->key);
}

void np_page_response_release(np_response *resp)
{
    if (resp->rep && !resp->rep->owner)
        np_cache_rep_free(resp->rep);
    resp->rep = NULL;
    np_cache_release(resp->entry);
    resp->entry = NULL;
}

/* The response's body in the coding the request negotiated, when that gains: the entry's form,
 * made now by the first request that asks. A request finding another one making it does not
 * wait: it makes its own at the fast level, for itself alone. */
static void encode(page_ctx *c, int enc)
{
    np_response *r = c->resp;
    np_cache_entry *e = r->entry;
    const np_cache_rep *rep = NULL;
    int mask = c->v.conf->compress > 0 ? c->v.conf->compress : 0, live, st;
    if (!e || !mask)
        return;
    r->negotiable = 1;
    if (enc <= 0 || enc >= NP_ENC_COUNT || !(mask & NP_ENC_BIT(enc)))
        return;
    live = enc == NP_ENC_GZIP ? NP_GZIP_LEVEL_LIVE : NP_BR_LEVEL_LIVE;
    st = np_cache_rep_state(e, enc, &rep);
    if (st == NP_REP_ABSENT && np_cache_rep_claim(e, enc)) {
        int level = c->entry_cache ? np_encoding_cached_level(enc, e->len) : live;
        rep = np_cache_rep_attach(c->entry_cache, e, enc,
                                  np_page_compress(e->body, e->len, enc, level));
    } else if (st == NP_REP_ABSENT || st == NP_REP_BUSY) {
        /* another request is making it */
        np_cache_rep *own = np_page_compress(e->body, e->len, enc, live);
        rep = own == np_cache_rep_none() ? NULL : own;
    }
    if (!rep)
        return;
    r->rep = (np_cache_rep *)rep;
    r->body = rep->data;
    r->len = rep->len;
    r->etag = r->status == 200 ? rep->etag : NULL;
    r->encoding = enc;
}

/* The page at the request's path, by the route it matches. */
static int route(page_ctx *c)
{
    const np_request *req = c->v.req;
    apr_pool_t *p = c->v.p;
    np_route_match m;

    if (!np_route_path_valid(req->path, strlen(req->path)))
        return not_found(c);
    if (!np_routes_match(c->v.conf->routes, req->path, &m, p)) {
        const char *slashed = apr_pstrcat(p, req->path, "/", NULL);
        np_route_match m2;
        if (req->path[strlen(req->path) - 1] != '/' &&
            np_routes_match(c->v.conf->routes, slashed, &m2, p) && names_something(c, &m2))
            return redirect(c, apr_pstrcat(p, url_path(p, req->mount), url_path(p, slashed), NULL));
        return not_found(c);
    }
    switch (m.kind) {
    case NP_ROUTE_HOME:
        return serve_section(c, &m, c->v.snap->root);
    case NP_ROUTE_SECTION: {
        const np_section *sec = np_content_section(c->v.snap, m.v.section);
        return sec ? serve_section(c, &m, sec) : not_found(c);
    }
    case NP_ROUTE_ARTICLE:
        return serve_article(c, &m);
    case NP_ROUTE_TAG:
        return serve_tag(c, &m);
    case NP_ROUTE_SEARCH:
    case NP_ROUTE_SEARCHJSON:
    case NP_ROUTE_OPENSEARCH:
        return serve_search(c, &m);
    default:
        return serve_feed(c, &m);
    }
}

/* The content index cannot be read yet (its first build runs): come back shortly, rather
 * than wait (docs/caching.md). */
static int unavailable(np_response *resp)
{
    resp->status = 503;
    resp->retry_after = 5;
    resp->content_type = "text/plain; charset=utf-8";
    resp->body = "The site is being indexed; try again in a few seconds.\n";
    resp->len = strlen(resp->body);
    return 503;
}

static apr_uint64_t page_stamp(const np_site_view *sv)
{
    return np_hash_u64(np_hash_u64(NP_HASH_INIT, (apr_uint64_t)sv->snap->generation),
                       sv->theme->digest) |
           1;
}

int np_page_serve(np_site *site, const np_site_conf *conf, const np_request *req, np_response *resp,
                  apr_pool_t *p, const np_logger *log)
{
    page_ctx c;
    np_site_view sv;
    int status;

    memset(resp, 0, sizeof(*resp));
    memset(&c, 0, sizeof(c));
    np_site_acquire(site, req->now, log, &sv);
    if (!sv.snap) {
        np_site_release(&sv);
        return unavailable(resp);
    }
    c.v.p = p;
    c.v.idx = sv.idx;
    c.v.conf = conf;
    c.v.snap = sv.snap;
    c.v.req = req;
    c.v.base = conf->base_url ? conf->base_url : req->origin;
    c.v.now = np_preview_now(req->preview, req->now);
    c.site = site;
    c.theme = sv.theme;
    c.v.labels = sv.theme->labels;
    c.v.label_maps = sv.theme->label_maps;
    c.v.qr_cache = req->preview ? NULL : np_site_body_cache(site);
    c.v.log = log;
    c.cache = req->preview ? NULL : np_site_cache(site);
    c.resp = resp;
    c.log = log;
    make_key(&c);

    if (sv.snap->indexed)
        c.stamp = page_stamp(&sv);
    if (from_cache_stamped(&c)) {
        status = 200;
    } else if (np_site_view_begin(&sv, log) != 0) {
        np_site_release(&sv);
        return unavailable(resp);
    } else {
        /* the tree of the generation the transaction sees */
        c.v.snap = sv.snap;
        c.v.idx = sv.idx;
        c.stamp = sv.snap->indexed ? page_stamp(&sv) : 0;
        status = route(&c);
    }
    if (resp->status == 200 || resp->status == 404)
        encode(&c, req->encoding);
    if (c.search_etag && resp->status == 200)
        resp->etag = resp->encoding ? apr_psprintf(p, "%.*s-%s\"", (int)strlen(c.search_etag) - 1,
                                                   c.search_etag, np_encoding_tag(resp->encoding))
                                    : c.search_etag;
    np_site_release(&sv);
    return status;
}
