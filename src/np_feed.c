/* Feed and sitemap writers. Output is built by hand, never by templates, so that every value
 * passes through an escaper after being cleaned to valid UTF-8: a hostile title can neither
 * break the document nor make a strict parser reject it. Nothing here writes to the snapshot. */
#include "np_feed.h"
#include "np_store.h"

#include <string.h>
#include <apr_hash.h>
#include <apr_strings.h>

#define ATOM_NS "http://www.w3.org/2005/Atom"
#define REPLACEMENT "\xEF\xBF\xBD"

/* ---- text ---- */

/* The length of the well-formed UTF-8 sequence at s (n bytes left), with its code point in
 * *cp; 0 when the bytes are not one (overlong forms and surrogates included). */
static apr_size_t utf8_seq(const unsigned char *s, apr_size_t n, unsigned *cp)
{
    unsigned c = s[0], min;
    apr_size_t len, i;
    if (c >= 0xC2 && c <= 0xDF) {
        len = 2, min = 0x80, *cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3, min = 0x800, *cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4, min = 0x10000, *cp = c & 0x07;
    } else {
        return 0;
    }
    if (n < len)
        return 0;
    for (i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        *cp = (*cp << 6) | (s[i] & 0x3F);
    }
    if (*cp < min || *cp > 0x10FFFF || (*cp >= 0xD800 && *cp <= 0xDFFF))
        return 0;
    return len;
}

typedef void (*escaper)(np_buf *, const char *, apr_size_t);

/* Appends s escaped by esc, each byte of invalid UTF-8 replaced by U+FFFD and, for XML, the
 * noncharacters U+FFFE and U+FFFF (not XML characters) dropped. The escaper deals with
 * control characters. Configuration strings reach here as well as parsed text, and
 * consumers (jansson, strict feed readers) reject a whole document over one bad byte. */
static void put_clean(np_buf *b, const char *s, apr_size_t n, escaper esc, int xml)
{
    const unsigned char *u = (const unsigned char *)s;
    apr_size_t i = 0, run = 0, len;
    unsigned cp;
    while (i < n) {
        if (u[i] < 0x80) {
            i++;
            continue;
        }
        len = utf8_seq(u + i, n - i, &cp);
        if (len && !(xml && (cp == 0xFFFE || cp == 0xFFFF))) {
            i += len;
            continue;
        }
        esc(b, s + run, i - run);
        if (!len) {
            np_buf_puts(b, REPLACEMENT);
            i++;
        } else {
            i += len;
        }
        run = i;
    }
    esc(b, s + run, n - run);
}

static void xml_text(np_buf *b, const char *s)
{
    if (s)
        put_clean(b, s, strlen(s), np_buf_xml, 1);
}

/* <name>value</name>, nothing when value is NULL. */
static void xml_el(np_buf *b, const char *name, const char *val)
{
    if (!val)
        return;
    np_buf_printf(b, "<%s>", name);
    xml_text(b, val);
    np_buf_printf(b, "</%s>\n", name);
}

static void json_str(np_buf *b, const char *s)
{
    if (!s)
        s = "";
    np_buf_putc(b, '"');
    put_clean(b, s, strlen(s), np_buf_json, 0);
    np_buf_putc(b, '"');
}

/* ,"key":"value" — nothing when value is NULL. */
static void json_kv(np_buf *b, const char *key, const char *val)
{
    if (!val)
        return;
    np_buf_printf(b, ",\"%s\":", key);
    json_str(b, val);
}

/* ---- dates and scope ---- */

static apr_time_t max_t(apr_time_t a, apr_time_t b)
{
    return a > b ? a : b;
}

static apr_time_t entry_updated(const np_entry *e)
{
    return e->a->updated.t ? e->a->updated.t : e->a->published.t;
}

static apr_time_t subtree_mtime(const np_section *s)
{
    apr_time_t t = s->mtime;
    int i;
    for (i = 0; i < s->nchildren; i++)
        t = max_t(t, subtree_mtime(s->children[i]));
    return t;
}

/* Last-Modified and next change over a scope's articles: any file edit (a draft flipping
 * too), any appearance or expiry up to now, any folder change (a deletion) below sec. */
static void scope_times(const np_view *v, np_entry *const *list, int n, const np_section *sec,
                        np_feed_meta *m)
{
    apr_time_t lm = max_t(m->updated, sec ? subtree_mtime(sec) : 0);
    int i;
    if (v->snap->indexed) {
        /* From the index: the scope's folders, and what the caller saw of its newest articles
         * (m->updated); the next change is the list's. Reading every article of a scope for
         * its mtime would cost as much as the page at a million (docs/caching.md). */
        np_list_page pg;
        np_store_page(v, sec ? sec : v->snap->root, NULL, 0, 0, &pg);
        m->last_modified = lm > v->now ? v->now : lm;
        m->next_change = pg.next_change;
        return;
    }
    for (i = 0; i < n; i++) {
        const np_article *a = list[i]->a;
        lm = max_t(lm, list[i]->mtime);
        if (a->draft)
            continue;
        if (a->expires.t && a->expires.t <= v->now)
            lm = max_t(lm, a->expires.t);
        else if (a->published.t <= v->now)
            lm = max_t(lm, entry_updated(list[i]));
    }
    m->last_modified = lm > v->now ? v->now : lm;
    m->next_change = np_content_next_change(list, n, v->now);
}

static const char *date_iso(const np_view *v, apr_time_t t)
{
    return np_date_iso(v->p, t, v->conf->tz);
}

/* ---- entry ids ---- */

/* The host of v->base, lower-cased, when it is a DNS name (what a tag: URI needs), else NULL. */
static const char *base_host(const np_view *v)
{
    const char *s = v->base ? strstr(v->base, "://") : NULL, *e, *at;
    char *h;
    apr_size_t i;
    if (!s)
        return NULL;
    s += 3;
    e = s + strcspn(s, "/?#");
    if ((at = memchr(s, '@', e - s)))
        s = at + 1;
    e = s + strcspn(s, ":/?#");
    if (e == s)
        return NULL;
    h = apr_pstrmemdup(v->p, s, e - s);
    for (i = 0; h[i]; i++) {
        if (h[i] >= 'A' && h[i] <= 'Z')
            h[i] = (char)(h[i] - 'A' + 'a');
        else if (!((h[i] >= 'a' && h[i] <= 'z') || (h[i] >= '0' && h[i] <= '9') || h[i] == '-' ||
                   h[i] == '.'))
            return NULL;
    }
    return h;
}

/* tag:host,YYYY-MM-DD:id (RFC 4151). An id given in the file is kept as is; a defaulted one
 * (the slug) is qualified by the section path, as slugs repeat across sections. */
static const char *entry_id(const np_view *v, const char *host, const np_entry *e, const char *url)
{
    const np_article *a = e->a;
    np_buf b;
    const char *id;
    if (!host)
        return url;
    np_buf_init(&b, 128);
    np_buf_printf(&b, "tag:%s,%s:", host, np_date_ymd(v->p, a->published.t, NULL));
    if (strcmp(a->id, a->slug) == 0 && *e->section->path) {
        np_buf_puts(&b, e->section->path); /* [A-Za-z0-9._-] and '/' only */
        np_buf_putc(&b, '/');
    }
    np_buf_url(&b, a->id, strlen(a->id));
    id = apr_pstrmemdup(v->p, b.data, b.len);
    np_buf_free(&b);
    return id;
}

/* An image source as an absolute URL: root-relative ones against the base, others against
 * the article's own URL. */
static const char *absolute_src(const np_view *v, const char *src, const char *article_url)
{
    const char *slash;
    if (strstr(src, "://") && src[strcspn(src, ":/?#")] == ':')
        return src;
    if (src[0] == '/' && src[1] == '/') {
        const char *colon = strchr(v->base, ':');
        return colon ? apr_pstrcat(v->p, apr_pstrmemdup(v->p, v->base, colon - v->base), ":", src,
                                   NULL)
                     : src;
    }
    if (src[0] == '/')
        return np_view_absolute(v, src);
    slash = strrchr(article_url, '/');
    return apr_pstrcat(v->p, apr_pstrmemdup(v->p, article_url, slash - article_url + 1), src, NULL);
}

/* ---- feeds ---- */

typedef struct {
    const np_entry *e;
    const char *url; /* absolute */
    const char *id;
    const char *body; /* sanitized HTML when the feed is full, else NULL */
    apr_size_t body_len;
} feed_item;

typedef struct {
    const char *title, *description, *lang;
    const char *self, *home, *site_home; /* absolute */
    feed_item items[NP_FEED_ITEMS];
    int n;
    int full;
} feed_doc;

static int collect(const np_view *v, const np_feed_req *rq, feed_doc *d, np_feed_meta *m,
                   const np_logger *log)
{
    const np_site_conf *c = v->conf;
    const np_section *root = v->snap->root, *sec = NULL;
    const char *host = base_host(v), *home;
    np_entry *const *list;
    np_route_params rp;
    np_list_page pg;
    apr_int64_t skip = 0;
    int n, i;

    memset(&rp, 0, sizeof(rp));
    if (rq->tag) {
        list = rq->tag->entries, n = rq->tag->nentries;
        d->title = apr_pstrcat(v->p, rq->tag->name, " \xE2\x80\x94 ", c->site_name, NULL);
        d->lang = c->language;
        home = np_view_tag_url(v, rq->tag->name, 0);
        rp.tag = rq->tag->slug;
        sec = root;
    } else {
        sec = rq->section ? rq->section : root;
        if (!sec->parent)
            list = v->snap->all, n = v->snap->nall;
        else
            list = sec->entries, n = sec->nentries;
        d->title = sec->parent ? apr_pstrcat(v->p, sec->title, " \xE2\x80\x94 ", c->site_name, NULL)
                               : c->site_name;
        d->description = sec->description;
        d->lang = sec->lang ? sec->lang : c->language;
        home = np_view_section_url(v, sec, 0);
        rp.section = sec->path;
    }
    d->self = np_view_absolute(v, np_view_url(v, rq->kind, &rp));
    if (!d->self) {
        np_log(log, NP_LOG_WARNING, "no %s route can express the feed of \"/%s\"",
               np_route_kind_name(rq->kind), rq->tag ? rq->tag->slug : sec->path);
        return NP_FEED_NO_ROUTE;
    }
    d->site_home = np_view_section_url(v, root, 0);
    if (!d->site_home)
        d->site_home = apr_pstrcat(v->p, v->req->mount, "/", NULL);
    d->site_home = np_view_absolute(v, d->site_home);
    d->home = home ? np_view_absolute(v, home) : d->site_home;
    d->full = c->feed_full > 0;

    /* Visible entries a page at a time, until the feed is full: an article without a URL is
     * skipped, so one page may not be enough. */
    for (pg.n = 0, i = 0; d->n < NP_FEED_ITEMS; i++) {
        const np_entry *e;
        feed_item *it = &d->items[d->n];
        if (i == pg.n) {
            if (skip && pg.n < NP_FEED_ITEMS)
                break;
            np_store_page(v, sec, rq->tag, skip, NP_FEED_ITEMS, &pg);
            skip += NP_FEED_ITEMS;
            i = -1;
            if (!pg.n)
                break;
            continue;
        }
        e = pg.items[i];
        /* No URL: logged once by np_view_article_url; the rest of the feed stands. */
        if (!(it->url = np_view_absolute(v, np_view_article_url(v, e))))
            continue;
        if (d->full && v->snap->indexed) {
            /* the body of the version the index holds */
            apr_size_t len = 0;
            const char *body = np_store_body(v, e, &len);
            if (!body)
                continue;
            it->body = body;
            it->body_len = len;
        } else if (d->full) {
            np_article_opts o;
            const char *err = NULL;
            np_article *a;
            o.max_size = c->max_article_size;
            o.tz = c->tz;
            o.with_body = 1;
            o.root = c->content_dir; /* a symlink re-pointed since the scan is refused here too */
            if (!(a = np_article_load(v->p, e->a->path, e->a->slug, &o, &err))) {
                np_log(log, NP_LOG_WARNING, "%s (left out of the feed)", err ? err : e->a->path);
                continue;
            }
            /* Changed since the snapshot was made: a draft now must not leak its body. */
            if (!np_article_visible(a, v->now)) {
                np_log(log, NP_LOG_DEBUG, "%s: no longer visible; left out of the feed", a->path);
                continue;
            }
            it->body = a->body_html ? a->body_html : "";
            it->body_len = a->body_html ? a->body_len : 0;
        }
        it->e = e;
        it->id = entry_id(v, host, e, it->url);
        m->updated = max_t(m->updated, entry_updated(e));
        d->n++;
    }
    if (!d->n)
        m->updated = rq->tag ? subtree_mtime(root) : subtree_mtime(sec);
    scope_times(v, list, n, sec, m);
    if (v->snap->indexed && rq->tag) {
        np_store_page(v, NULL, rq->tag, 0, 0, &pg);
        m->next_change = pg.next_change;
    }
    m->self_url = d->self;
    m->items = d->n;
    return NP_FEED_OK;
}

/* The article's tags once each (by slug), as written first: a hash of the slugs seen, so the
 * cost is linear in the number of tags. */
static apr_array_header_t *unique_tags(apr_pool_t *p, const apr_array_header_t *tags)
{
    apr_array_header_t *out = apr_array_make(p, tags ? tags->nelts + 1 : 1, sizeof(const char *));
    apr_hash_t *seen = apr_hash_make(p);
    int i;
    for (i = 0; tags && i < tags->nelts; i++) {
        const char *t = APR_ARRAY_IDX(tags, i, const char *);
        const char *slug = np_tag_slug(p, t);
        if (!*slug || apr_hash_get(seen, slug, APR_HASH_KEY_STRING))
            continue;
        apr_hash_set(seen, slug, APR_HASH_KEY_STRING, slug);
        APR_ARRAY_PUSH(out, const char *) = t;
    }
    return out;
}

static void write_atom(const np_view *v, const feed_doc *d, const np_feed_meta *m, np_buf *b)
{
    apr_array_header_t *tags;
    int i, j;
    np_buf_puts(b, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"" ATOM_NS "\"");
    np_buf_puts(b, " xml:lang=\"");
    xml_text(b, d->lang);
    np_buf_puts(b, "\">\n");
    xml_el(b, "id", d->self);
    xml_el(b, "title", d->title);
    xml_el(b, "subtitle", d->description);
    xml_el(b, "updated", date_iso(v, m->updated));
    np_buf_puts(b, "<link rel=\"self\" type=\"application/atom+xml\" href=\"");
    xml_text(b, d->self);
    np_buf_puts(b, "\"/>\n<link rel=\"alternate\" type=\"text/html\" href=\"");
    xml_text(b, d->home);
    np_buf_puts(b, "\"/>\n<author><name>");
    xml_text(b, v->conf->site_name);
    np_buf_puts(b, "</name><uri>");
    xml_text(b, d->site_home);
    np_buf_puts(b, "</uri></author>\n");

    for (i = 0; i < d->n; i++) {
        const feed_item *it = &d->items[i];
        const np_article *a = it->e->a;
        np_buf_puts(b, "<entry xml:lang=\"");
        xml_text(b, it->e->lang);
        np_buf_puts(b, "\">\n");
        xml_el(b, "id", it->id);
        xml_el(b, "title", a->title);
        np_buf_puts(b, "<link rel=\"alternate\" type=\"text/html\" href=\"");
        xml_text(b, it->url);
        np_buf_puts(b, "\"/>\n");
        xml_el(b, "published", date_iso(v, a->published.t));
        xml_el(b, "updated", date_iso(v, entry_updated(it->e)));
        for (j = 0; a->authors && j < a->authors->nelts; j++) {
            np_buf_puts(b, "<author><name>");
            xml_text(b, APR_ARRAY_IDX(a->authors, j, const char *));
            np_buf_puts(b, "</name></author>\n");
        }
        tags = unique_tags(v->p, a->tags);
        for (j = 0; j < tags->nelts; j++) {
            np_buf_puts(b, "<category term=\"");
            xml_text(b, APR_ARRAY_IDX(tags, j, const char *));
            np_buf_puts(b, "\"/>\n");
        }
        xml_el(b, "summary", a->summary);
        if (it->body) {
            /* xml:base resolves the body's relative links as on the article page. */
            np_buf_puts(b, "<content type=\"html\" xml:base=\"");
            xml_text(b, it->url);
            np_buf_puts(b, "\">");
            put_clean(b, it->body, it->body_len, np_buf_xml, 1);
            np_buf_puts(b, "</content>\n");
        }
        np_buf_puts(b, "</entry>\n");
    }
    np_buf_puts(b, "</feed>\n");
}

static void write_rss(const np_view *v, const feed_doc *d, const np_feed_meta *m, np_buf *b)
{
    apr_array_header_t *tags;
    int i, j;
    np_buf_puts(b, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<rss version=\"2.0\" "
                   "xmlns:atom=\"" ATOM_NS "\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\">\n"
                   "<channel>\n");
    xml_el(b, "title", d->title);
    xml_el(b, "link", d->home);
    xml_el(b, "description", d->description ? d->description : d->title);
    xml_el(b, "language", d->lang);
    xml_el(b, "lastBuildDate", np_date_rfc822(v->p, m->updated, v->conf->tz));
    np_buf_puts(b, "<atom:link rel=\"self\" type=\"application/rss+xml\" href=\"");
    xml_text(b, d->self);
    np_buf_puts(b, "\"/>\n");

    for (i = 0; i < d->n; i++) {
        const feed_item *it = &d->items[i];
        const np_article *a = it->e->a;
        np_buf_puts(b, "<item>\n");
        xml_el(b, "title", a->title);
        xml_el(b, "link", it->url);
        np_buf_printf(b, "<guid isPermaLink=\"%s\">", it->id == it->url ? "true" : "false");
        xml_text(b, it->id);
        np_buf_puts(b, "</guid>\n");
        xml_el(b, "pubDate", np_date_rfc822(v->p, a->published.t, v->conf->tz));
        if (it->body) {
            np_buf_puts(b, "<description>");
            put_clean(b, it->body, it->body_len, np_buf_xml, 1);
            np_buf_puts(b, "</description>\n");
        } else {
            xml_el(b, "description", a->summary);
        }
        /* RSS's own <author> must be an e-mail address; names go in dc:creator. */
        for (j = 0; a->authors && j < a->authors->nelts; j++)
            xml_el(b, "dc:creator", APR_ARRAY_IDX(a->authors, j, const char *));
        tags = unique_tags(v->p, a->tags);
        for (j = 0; j < tags->nelts; j++)
            xml_el(b, "category", APR_ARRAY_IDX(tags, j, const char *));
        np_buf_puts(b, "</item>\n");
    }
    np_buf_puts(b, "</channel>\n</rss>\n");
}

static void write_json(const np_view *v, const feed_doc *d, np_buf *b)
{
    apr_array_header_t *tags;
    int i, j;
    np_buf_puts(b, "{\"version\":\"https://jsonfeed.org/version/1.1\"");
    json_kv(b, "title", d->title);
    json_kv(b, "home_page_url", d->home);
    json_kv(b, "feed_url", d->self);
    json_kv(b, "description", d->description);
    json_kv(b, "language", d->lang);
    np_buf_puts(b, ",\"authors\":[{\"name\":");
    json_str(b, v->conf->site_name);
    json_kv(b, "url", d->site_home);
    np_buf_puts(b, "}],\"items\":[");
    for (i = 0; i < d->n; i++) {
        const feed_item *it = &d->items[i];
        const np_article *a = it->e->a;
        np_buf_puts(b, i ? ",\n{\"id\":" : "\n{\"id\":");
        json_str(b, it->id);
        json_kv(b, "url", it->url);
        json_kv(b, "title", a->title);
        json_kv(b, "summary", a->summary);
        if (it->body) {
            np_buf_puts(b, ",\"content_html\":\"");
            put_clean(b, it->body, it->body_len, np_buf_json, 0);
            np_buf_putc(b, '"');
        } else {
            /* An item must carry content_html or content_text. */
            json_kv(b, "content_text", a->summary ? a->summary : a->title);
        }
        json_kv(b, "date_published", date_iso(v, a->published.t));
        json_kv(b, "date_modified", date_iso(v, entry_updated(it->e)));
        json_kv(b, "language", it->e->lang);
        if (a->image && a->image->src)
            json_kv(b, "image", absolute_src(v, a->image->src, it->url));
        if (a->authors && a->authors->nelts) {
            np_buf_puts(b, ",\"authors\":[");
            for (j = 0; j < a->authors->nelts; j++) {
                np_buf_puts(b, j ? ",{\"name\":" : "{\"name\":");
                json_str(b, APR_ARRAY_IDX(a->authors, j, const char *));
                np_buf_putc(b, '}');
            }
            np_buf_putc(b, ']');
        }
        tags = unique_tags(v->p, a->tags);
        if (tags->nelts) {
            np_buf_puts(b, ",\"tags\":[");
            for (j = 0; j < tags->nelts; j++) {
                if (j)
                    np_buf_putc(b, ',');
                json_str(b, APR_ARRAY_IDX(tags, j, const char *));
            }
            np_buf_putc(b, ']');
        }
        np_buf_putc(b, '}');
    }
    np_buf_puts(b, "]}\n");
}

static int render_feed(const np_view *v, const np_feed_req *rq, np_buf *out, np_feed_meta *m,
                       const np_logger *log)
{
    feed_doc *d = apr_pcalloc(v->p, sizeof(*d));
    int rc = collect(v, rq, d, m, log);
    if (rc != NP_FEED_OK)
        return rc;
    if (rq->kind == NP_ROUTE_FEED) {
        m->content_type = "application/atom+xml; charset=utf-8";
        write_atom(v, d, m, out);
    } else if (rq->kind == NP_ROUTE_RSS) {
        m->content_type = "application/rss+xml; charset=utf-8";
        write_rss(v, d, m, out);
    } else {
        m->content_type = "application/feed+json; charset=utf-8";
        write_json(v, d, out);
    }
    return NP_FEED_OK;
}

/* ---- sitemaps ---- */

#define SITEMAP_NS "http://www.sitemaps.org/schemas/sitemap/0.9"
#define XHTML_NS "http://www.w3.org/1999/xhtml"
#define NEWS_NS "http://www.google.com/schemas/sitemap-news/0.9"

/* Every URL of the sitemap in a fixed order: sections in tree order (home first), then the
 * visible articles oldest first, so that new articles only ever change the last file. */
typedef struct {
    apr_array_header_t *sections; /* const np_section * */
    np_entry **articles;
    int narticles;
    /* from the index: the root's list oldest first, read in windows into two pools in turn
     * (the next window is read after the last entry of the one before) */
    const np_view *v;
    apr_pool_t *wp[2];
    int cur;
    apr_int64_t win_first;
    np_list_page win;
} url_list;

static void add_sections(apr_array_header_t *arr, const np_section *s)
{
    int i;
    APR_ARRAY_PUSH(arr, const np_section *) = s;
    for (i = 0; i < s->nchildren; i++)
        add_sections(arr, s->children[i]);
}

/* The newest updated-else-published of a section's visible articles, 0 when none. */
static apr_time_t section_lastmod(const np_view *v, const np_section *s)
{
    apr_time_t t = 0;
    int i;
    /* from the index, its newest articles (an older one updated since is not seen,
     * docs/caching.md), in SQL: no entry made */
    if (v->snap->indexed)
        return np_store_newest_lastmod(v, s, NP_FEED_ITEMS);
    for (i = 0; i < s->nentries; i++)
        if (np_article_visible(s->entries[i]->a, v->now))
            t = max_t(t, entry_updated(s->entries[i]));
    return t;
}

#define SITEMAP_WINDOW 1000

/* Article k of the list oldest first. Reading goes forwards: a window follows on from the last
 * without skipping rows; the first is found from the nearer end of the list. */
static np_entry *article_at(url_list *l, int k)
{
    apr_int64_t end = l->win_first + l->win.n;
    const np_entry *after = NULL;
    np_list_page pg;
    np_view wv;
    int i;
    if (!l->v)
        return l->articles[k];
    if (k >= l->win_first && k < end)
        return l->win.items[k - l->win_first];
    if (k == end && l->win.n == SITEMAP_WINDOW)
        after = l->win.items[l->win.n - 1];
    l->cur = !l->cur;
    apr_pool_clear(l->wp[l->cur]);
    wv = *l->v;
    wv.p = l->wp[l->cur];
    if (after || k <= l->narticles - k) {
        np_store_oldest(&wv, k, after, SITEMAP_WINDOW, &pg);
    } else {
        /* newest first, the window's rows and the newer ones skipped, then reversed */
        apr_int64_t newer = (apr_int64_t)l->narticles - k - SITEMAP_WINDOW;
        np_store_page(&wv, wv.snap->root, NULL, newer > 0 ? newer : 0,
                      newer > 0 ? SITEMAP_WINDOW : SITEMAP_WINDOW + (int)newer, &pg);
        for (i = 0; i < pg.n / 2; i++) {
            np_entry *t = pg.items[i];
            pg.items[i] = pg.items[pg.n - 1 - i];
            pg.items[pg.n - 1 - i] = t;
        }
    }
    l->win = pg;
    l->win_first = k;
    if (!pg.n) /* the list changed under the count: cannot */
        return NULL;
    return pg.items[0];
}

static apr_time_t item_lastmod(const np_view *v, url_list *l, int i)
{
    int ns = l->sections->nelts;
    if (i < ns)
        return section_lastmod(v, APR_ARRAY_IDX(l->sections, i, const np_section *));
    {
        const np_entry *e = article_at(l, i - ns);
        return e ? entry_updated(e) : 0;
    }
}

/* Writes <url> for item i, or nothing when no route expresses its URL. */
static int write_url(const np_view *v, url_list *l, int i, np_buf *b)
{
    int ns = l->sections->nelts;
    const char *url;
    apr_time_t mod = item_lastmod(v, l, i);
    np_entry *e = i < ns ? NULL : article_at(l, i - ns);
    if (i < ns)
        url = np_view_section_url(v, APR_ARRAY_IDX(l->sections, i, const np_section *), 0);
    else if (!e)
        return 0;
    else {
        url = np_view_article_url(v, e);
        np_store_translations(v, e);
    }
    if (!url)
        return 0;
    np_buf_puts(b, "<url><loc>");
    xml_text(b, np_view_absolute(v, url));
    np_buf_puts(b, "</loc>");
    if (mod) {
        np_buf_puts(b, "<lastmod>");
        xml_text(b, date_iso(v, mod));
        np_buf_puts(b, "</lastmod>");
    }
    if (e && e->ntranslations) {
        const char *langs[NP_MAX_TRANSLATIONS], *urls[NP_MAX_TRANSLATIONS], *xd;
        int j, n = np_view_translation_links(v, e, langs, urls, NP_MAX_TRANSLATIONS, &xd);
        for (j = 0; j < n + (n && xd); j++) {
            np_buf_puts(b, "<xhtml:link rel=\"alternate\" hreflang=\"");
            xml_text(b, j < n ? langs[j] : "x-default");
            np_buf_puts(b, "\" href=\"");
            xml_text(b, j < n ? urls[j] : xd);
            np_buf_puts(b, "\"/>");
        }
    }
    np_buf_puts(b, "</url>\n");
    return 1;
}

/* The root's visible articles newest first, a page at a time. */
typedef struct {
    np_list_page pg;
    apr_int64_t skip;
    int i;
} newest_iter;

static const np_entry *newest_next(const np_view *v, newest_iter *it)
{
    if (it->i == it->pg.n) {
        if (it->skip && it->pg.n < NP_FEED_ITEMS)
            return NULL;
        np_store_page(v, v->snap->root, NULL, it->skip, NP_FEED_ITEMS, &it->pg);
        it->skip += NP_FEED_ITEMS;
        it->i = 0;
        if (!it->pg.n)
            return NULL;
    }
    return it->pg.items[it->i++];
}

static const char *sitemap_url(const np_view *v, int page)
{
    np_route_params rp;
    memset(&rp, 0, sizeof(rp));
    rp.page = page;
    return np_view_absolute(v, np_view_url(v, NP_ROUTE_SITEMAP, &rp));
}

/* The news sitemap's absolute URL when it has entries now, else NULL: an empty one is a 404
 * (sitemaps.org requires a <url>), so it is listed only while it has one. The instant the
 * newest entry leaves the window caps *next_change. all[] is newest first by published. */
static const char *news_sitemap_listed(const np_view *v, apr_time_t *next_change)
{
    apr_time_t window = apr_time_from_sec((apr_time_t)NP_NEWS_SITEMAP_HOURS * 3600);
    np_route_params rp;
    const char *url;
    const np_entry *e;
    newest_iter it;
    memset(&rp, 0, sizeof(rp));
    memset(&it, 0, sizeof(it));
    if (!(url = np_view_url(v, NP_ROUTE_NEWSSITEMAP, &rp)))
        return NULL;
    while ((e = newest_next(v, &it))) {
        const np_article *a = e->a;
        if (!np_article_visible(a, v->now))
            continue;
        if (a->published.t <= v->now - window || !np_view_article_url(v, e))
            return NULL;
        if (!*next_change || a->published.t + window < *next_change)
            *next_change = a->published.t + window;
        return np_view_absolute(v, url);
    }
    return NULL;
}

static int render_sitemap(const np_view *v, const np_feed_req *rq, np_buf *out, np_feed_meta *m,
                          const np_logger *log)
{
    const np_snapshot *snap = v->snap;
    int max = rq->max_urls > 0 ? rq->max_urls : NP_SITEMAP_MAX_URLS;
    int page = rq->page > 1 ? rq->page : 1, total, files, first, last, i, j;
    apr_pool_t *scratch;
    np_view sv = *v;
    url_list l;

    memset(&l, 0, sizeof(l));
    l.sections = apr_array_make(v->p, 16, sizeof(const np_section *));
    add_sections(l.sections, snap->root);
    if (snap->indexed) {
        np_list_page pg;
        np_store_page(v, snap->root, NULL, 0, NP_FEED_ITEMS, &pg);
        for (i = 0; i < pg.n; i++)
            m->updated = max_t(m->updated, entry_updated(pg.items[i]));
        /* a sitemap holds at most max * max URLs, the most an int count needs */
        l.narticles = pg.total > 0x3fffffff ? 0x3fffffff : (int)pg.total;
        l.v = v;
        apr_pool_create(&l.wp[0], v->p);
        apr_pool_create(&l.wp[1], v->p);
    } else {
        l.articles = apr_palloc(v->p, sizeof(np_entry *) * (snap->nall + 1));
        for (i = snap->nall - 1; i >= 0; i--)
            if (np_article_visible(snap->all[i]->a, v->now)) {
                l.articles[l.narticles++] = snap->all[i];
                m->updated = max_t(m->updated, entry_updated(snap->all[i]));
            }
    }
    if (!l.narticles)
        m->updated = subtree_mtime(snap->root);
    scope_times(v, snap->all, snap->nall, snap->root, m);
    m->content_type = "application/xml; charset=utf-8";

    total = l.sections->nelts + l.narticles;
    files = total > max ? (total + max - 1) / max : 1;
    if (page > 1 && (files == 1 || page > files + 1))
        return NP_FEED_NO_PAGE;
    if (!(m->self_url = sitemap_url(v, page))) {
        np_log(log, NP_LOG_WARNING, "no sitemap route can express sitemap page %d", page);
        return NP_FEED_NO_ROUTE;
    }

    /* URLs are made in a scratch pool cleared per item: a site may have 100,000 of them. */
    apr_pool_create(&scratch, v->p);
    sv.p = scratch;
    np_buf_puts(out, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    if (files > 1 && page == 1) {
        /* each file's newest article, in one pass over the list (no entry made) */
        apr_time_t *mods = apr_palloc(v->p, sizeof(apr_time_t) * (apr_size_t)files);
        np_store_lastmods(v, -(apr_int64_t)l.sections->nelts, max, files, mods);
        np_buf_puts(out, "<sitemapindex xmlns=\"" SITEMAP_NS "\">\n");
        for (j = 0; j < files; j++) {
            /* Files are pages 2..N+1: the router writes page 1 as the index's own URL. */
            const char *url = sitemap_url(&sv, j + 2);
            apr_time_t mod = mods[j];
            if (!url) {
                np_log(log, NP_LOG_WARNING, "%d URLs need a sitemap route with {page}", total);
                apr_pool_destroy(scratch);
                return NP_FEED_NO_ROUTE;
            }
            for (i = j * max; i < l.sections->nelts && i < (j + 1) * max; i++)
                mod = max_t(mod, item_lastmod(v, &l, i));
            np_buf_puts(out, "<sitemap><loc>");
            xml_text(out, url);
            np_buf_puts(out, "</loc>");
            if (mod) {
                np_buf_puts(out, "<lastmod>");
                xml_text(out, date_iso(&sv, mod));
                np_buf_puts(out, "</lastmod>");
            }
            np_buf_puts(out, "</sitemap>\n");
            apr_pool_clear(scratch);
        }
        {
            const char *news = news_sitemap_listed(&sv, &m->next_change);
            if (news) {
                np_buf_puts(out, "<sitemap><loc>");
                xml_text(out, news);
                np_buf_puts(out, "</loc></sitemap>\n");
            }
        }
        np_buf_puts(out, "</sitemapindex>\n");
        m->items = files;
    } else {
        first = files > 1 ? (page - 2) * max : 0;
        last = files > 1 ? first + max : total;
        /* The xhtml namespace only on a site with translations: other sitemaps stay as they were.
         */
        np_buf_puts(out, snap->translated ? "<urlset xmlns=\"" SITEMAP_NS
                                            "\" xmlns:xhtml=\"" XHTML_NS "\">\n"
                                          : "<urlset xmlns=\"" SITEMAP_NS "\">\n");
        for (i = first; i < total && i < last; i++) {
            m->items += write_url(&sv, &l, i, out);
            apr_pool_clear(scratch);
        }
        np_buf_puts(out, "</urlset>\n");
    }
    apr_pool_destroy(scratch);
    return NP_FEED_OK;
}

/* Google News wants ISO 639 codes, except Chinese: zh-cn (simplified) or zh-tw (traditional). */
static const char *news_lang(apr_pool_t *p, const char *lang)
{
    char *l = apr_pstrdup(p, lang && *lang ? lang : "en");
    apr_size_t i;
    for (i = 0; l[i]; i++) {
        if (l[i] >= 'A' && l[i] <= 'Z')
            l[i] = (char)(l[i] - 'A' + 'a');
        else if (l[i] == '_')
            l[i] = '-';
    }
    if (strncmp(l, "zh", 2) == 0 && (l[2] == '\0' || l[2] == '-'))
        return strstr(l, "-hant") || strstr(l, "-tw") || strstr(l, "-hk") || strstr(l, "-mo")
                   ? "zh-tw"
                   : "zh-cn";
    l[strcspn(l, "-")] = '\0';
    return l;
}

static int render_news_sitemap(const np_view *v, np_buf *out, np_feed_meta *m, const np_logger *log)
{
    const np_snapshot *snap = v->snap;
    apr_time_t window = apr_time_from_sec((apr_time_t)NP_NEWS_SITEMAP_HOURS * 3600);
    apr_time_t since = v->now - window, left = 0;
    np_route_params rp;
    apr_pool_t *scratch;
    np_view sv = *v;
    newest_iter it;
    const np_entry *e;

    memset(&rp, 0, sizeof(rp));
    memset(&it, 0, sizeof(it));
    if (!(m->self_url = np_view_absolute(v, np_view_url(v, NP_ROUTE_NEWSSITEMAP, &rp)))) {
        np_log(log, NP_LOG_WARNING, "no newssitemap route can express the news sitemap's URL");
        return NP_FEED_NO_ROUTE;
    }
    m->content_type = "application/xml; charset=utf-8";
    apr_pool_create(&scratch, v->p);
    sv.p = scratch;
    np_buf_puts(out, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<urlset xmlns=\"" SITEMAP_NS
                     "\" xmlns:news=\"" NEWS_NS "\">\n");
    /* all[] is newest first by published: the window is a prefix of it. */
    while ((e = newest_next(v, &it))) {
        const np_article *a = e->a;
        const char *url;
        if (!np_article_visible(a, v->now))
            continue;
        if (a->published.t <= since) {
            left = a->published.t + window; /* when the newest one left the window */
            break;
        }
        if (m->items >= NP_NEWS_SITEMAP_MAX)
            continue; /* still looking for the window's end */
        if (!(url = np_view_article_url(&sv, e)))
            continue;
        m->updated = max_t(m->updated, entry_updated(e));
        if (!m->next_change || a->published.t + window < m->next_change)
            m->next_change = a->published.t + window;
        np_buf_puts(out, "<url><loc>");
        xml_text(out, np_view_absolute(&sv, url));
        np_buf_puts(out, "</loc><news:news><news:publication><news:name>");
        xml_text(out, v->conf->site_name);
        np_buf_puts(out, "</news:name><news:language>");
        xml_text(out, news_lang(scratch, e->lang));
        np_buf_puts(out, "</news:language></news:publication><news:publication_date>");
        xml_text(out, date_iso(&sv, a->published.t));
        np_buf_puts(out, "</news:publication_date><news:title>");
        xml_text(out, a->title);
        np_buf_puts(out, "</news:title></news:news></url>\n");
        m->items++;
        apr_pool_clear(scratch);
    }
    np_buf_puts(out, "</urlset>\n");
    apr_pool_destroy(scratch);
    if (!m->items)
        return NP_FEED_NO_PAGE; /* an empty <urlset> fails the schema: 404 until one comes */
    {
        apr_time_t leave = m->next_change;
        if (!m->items)
            m->updated = subtree_mtime(snap->root);
        scope_times(v, snap->all, snap->nall, snap->root, m);
        if (left > m->last_modified && left <= v->now)
            m->last_modified = left;
        if (leave && (!m->next_change || leave < m->next_change))
            m->next_change = leave;
    }
    return NP_FEED_OK;
}

/* robots.txt, for a site mounted at the host's root: everything may be crawled, and the
 * sitemaps are named (the news sitemap only while it has entries). Under any other mount a
 * crawler never reads it: 404. */
static int render_robots(const np_view *v, np_buf *out, np_feed_meta *m)
{
    np_route_params rp;
    const char *self, *url, *news;
    if (v->req && v->req->mount && *v->req->mount)
        return NP_FEED_NO_PAGE;
    memset(&rp, 0, sizeof(rp));
    if (!(self = np_view_url(v, NP_ROUTE_ROBOTS, &rp)))
        return NP_FEED_NO_ROUTE;
    m->self_url = np_view_absolute(v, self);
    m->content_type = "text/plain; charset=utf-8";
    scope_times(v, v->snap->all, v->snap->nall, v->snap->root, m);
    np_buf_puts(out, "User-agent: *\nDisallow:\n\n");
    rp.page = 1; /* the sitemap's own URL, as listings write page 1 */
    if ((url = np_view_url(v, NP_ROUTE_SITEMAP, &rp))) {
        np_buf_puts(out, "Sitemap: ");
        np_buf_puts(out, np_view_absolute(v, url));
        np_buf_putc(out, '\n');
    }
    if ((news = news_sitemap_listed(v, &m->next_change))) {
        np_buf_puts(out, "Sitemap: ");
        np_buf_puts(out, news);
        np_buf_putc(out, '\n');
    }
    return NP_FEED_OK;
}

/* ---- entry points ---- */

int np_feed_render(const np_view *v, const np_feed_req *rq, np_buf *out, np_feed_meta *meta,
                   const np_logger *log)
{
    np_feed_meta m;
    apr_size_t start = out->len;
    int rc;

    memset(&m, 0, sizeof(m));
    switch (rq->kind) {
    case NP_ROUTE_FEED:
    case NP_ROUTE_RSS:
    case NP_ROUTE_JSONFEED:
        rc = render_feed(v, rq, out, &m, log);
        break;
    case NP_ROUTE_SITEMAP:
        rc = render_sitemap(v, rq, out, &m, log);
        break;
    case NP_ROUTE_NEWSSITEMAP:
        rc = render_news_sitemap(v, out, &m, log);
        break;
    case NP_ROUTE_ROBOTS:
        rc = render_robots(v, out, &m);
        break;
    default:
        rc = NP_FEED_NO_ROUTE;
        break;
    }
    if (rc != NP_FEED_OK)
        out->len = start;
    if (meta)
        *meta = m;
    return rc;
}

static int feed_of(const np_view *v, np_route_kind kind, const np_section *sec, np_buf *out,
                   const np_logger *log)
{
    np_feed_req rq;
    memset(&rq, 0, sizeof(rq));
    rq.kind = kind;
    rq.section = sec;
    return np_feed_render(v, &rq, out, NULL, log);
}

int np_feed_atom(const np_view *v, const np_section *sec, np_buf *out, const np_logger *log)
{
    return feed_of(v, NP_ROUTE_FEED, sec, out, log);
}

int np_feed_rss(const np_view *v, const np_section *sec, np_buf *out, const np_logger *log)
{
    return feed_of(v, NP_ROUTE_RSS, sec, out, log);
}

int np_feed_json(const np_view *v, const np_section *sec, np_buf *out, const np_logger *log)
{
    return feed_of(v, NP_ROUTE_JSONFEED, sec, out, log);
}

int np_feed_sitemap(const np_view *v, int page, np_buf *out)
{
    np_feed_req rq;
    memset(&rq, 0, sizeof(rq));
    rq.kind = NP_ROUTE_SITEMAP;
    rq.page = page;
    return np_feed_render(v, &rq, out, NULL, NULL);
}

int np_feed_news_sitemap(const np_view *v, np_buf *out)
{
    np_feed_req rq;
    memset(&rq, 0, sizeof(rq));
    rq.kind = NP_ROUTE_NEWSSITEMAP;
    return np_feed_render(v, &rq, out, NULL, NULL);
}
