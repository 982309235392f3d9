/* The search pages: query string, view data, JSON, OpenSearch description, ETag.
 * docs/search.md and docs/templates.md describe what readers and templates get. */
#include "np_search_view.h"

#include <string.h>
#include <apr_hash.h>
#include <apr_lib.h>
#include <apr_strings.h>

#include "np_cache.h"
#include "np_labels.h"

/* A query string longer than this is read no further (httpd's request line is shorter). */
#define MAX_QUERY_STRING 16384
#define MAX_SECTION 1000

static int hexval(char c)
{
    return apr_isdigit(c) ? c - '0' : apr_isxdigit(c) ? (c | 0x20) - 'a' + 10 : -1;
}

/* Decodes a form value: '+' is a space, %HH a byte (kept as written when not hex). */
static char *form_decode(apr_pool_t *p, const char *s, apr_size_t n, apr_size_t *len)
{
    char *out = apr_palloc(p, n + 1), *o = out;
    apr_size_t i;
    for (i = 0; i < n; i++) {
        if (s[i] == '+') {
            *o++ = ' ';
        } else if (s[i] == '%' && i + 2 < n && hexval(s[i + 1]) >= 0 && hexval(s[i + 2]) >= 0) {
            *o++ = (char)(hexval(s[i + 1]) * 16 + hexval(s[i + 2]));
            i += 2;
        } else {
            *o++ = s[i];
        }
    }
    *o = '\0';
    *len = (apr_size_t)(o - out);
    return out;
}

void np_search_args_parse(apr_pool_t *p, const char *query, np_search_args *out)
{
    const char *s = query ? query : "";
    apr_size_t n = strlen(s), i = 0;
    int seen_page = 0, seen_sort = 0, seen_section = 0;
    memset(out, 0, sizeof(*out));
    out->q = "";
    out->page = 1;
    if (n > MAX_QUERY_STRING)
        n = MAX_QUERY_STRING;
    while (i < n) {
        const char *part = s + i, *amp = memchr(part, '&', n - i), *eq;
        apr_size_t plen = amp ? (apr_size_t)(amp - part) : n - i, klen, vlen = 0;
        const char *key, *val = "";
        i += plen + 1;
        eq = memchr(part, '=', plen);
        key = form_decode(p, part, eq ? (apr_size_t)(eq - part) : plen, &klen);
        if (eq)
            val = form_decode(p, eq + 1, (apr_size_t)(part + plen - eq - 1), &vlen);
        if (strcmp(key, "q") == 0 && !out->has_q) {
            out->q = val;
            out->qlen = vlen;
            out->has_q = 1;
        } else if (strcmp(key, "page") == 0 && !seen_page) {
            apr_size_t k;
            long v = 0;
            seen_page = 1;
            for (k = 0; k < vlen && k < 7 && apr_isdigit(val[k]); k++)
                v = v * 10 + (val[k] - '0');
            if (vlen == 0 || k != vlen || v < 1)
                out->bad = "The page number is not valid.";
            else
                out->page = (int)v;
        } else if (strcmp(key, "sort") == 0 && !seen_sort) {
            seen_sort = 1;
            out->sort = strcmp(val, "date") == 0 ? NP_SEARCH_DATE : NP_SEARCH_RELEVANCE;
        } else if (strcmp(key, "section") == 0 && !seen_section) {
            seen_section = 1;
            if (vlen > MAX_SECTION || memchr(val, '\0', vlen))
                out->bad = "There is no such section.";
            else if (vlen)
                out->section = val;
        }
    }
}

static int per_page(const np_view *v)
{
    int n = v->conf->page_size;
    return n < 1 ? 10 : n > NP_SEARCH_MAX_PER_PAGE ? NP_SEARCH_MAX_PER_PAGE : n;
}

void np_search_view_run(const np_view *v, const np_search_args *a, np_search_result *r)
{
    np_search_query q;
    if (a->bad) {
        memset(r, 0, sizeof(*r));
        np_search_parse(v->p, a->q, a->qlen, &r->q);
        r->status = 400;
        r->message = a->bad;
        r->page = r->pages = 1;
        r->per_page = per_page(v);
        return;
    }
    memset(&q, 0, sizeof(q));
    q.text = a->q;
    q.len = a->qlen;
    q.section = a->section;
    q.sort = a->sort;
    q.page = a->page;
    q.per_page = per_page(v);
    q.now = v->now;
    np_search_run(v->idx, v->p, &q, r);
}

/* ---- URLs ---- */

/* The search URL (mount included) for these arguments at page (0: none), sort, with or without
 * the section. */
static const char *search_url(const np_view *v, np_route_kind kind, const np_search_args *a,
                              int page, int sort, int with_section)
{
    np_route_params rp;
    const char *base;
    np_buf b;
    memset(&rp, 0, sizeof(rp));
    if (!(base = np_view_url(v, kind, &rp)))
        return NULL;
    np_buf_init_pool(&b, v->p, strlen(base) + a->qlen * 3 + 64);
    np_buf_puts(&b, base);
    np_buf_puts(&b, "?q=");
    np_buf_url(&b, a->q, a->qlen);
    if (with_section && a->section) {
        np_buf_puts(&b, "&section=");
        np_buf_url_path(&b, a->section, strlen(a->section));
    }
    if (sort == NP_SEARCH_DATE)
        np_buf_puts(&b, "&sort=date");
    if (page > 1)
        np_buf_printf(&b, "&page=%d", page);
    return np_buf_cstr(&b);
}

typedef struct {
    const np_search_args *a;
} page_baton;

static const char *page_url(const np_view *v, const void *baton, int page)
{
    const np_search_args *a = ((const page_baton *)baton)->a;
    return search_url(v, NP_ROUTE_SEARCH, a, page, a->sort, 1);
}

static const char *article_url(const np_view *v, const np_index_entry *e)
{
    np_route_params rp;
    np_date_fields f;
    memset(&rp, 0, sizeof(rp));
    rp.section = e->section;
    rp.slug = e->a.slug;
    np_date_split(e->a.published.t, v->conf->tz, &f);
    rp.yyyy = f.year;
    rp.mm = f.month;
    rp.dd = f.day;
    return np_view_url(v, NP_ROUTE_ARTICLE, &rp);
}

static const char *section_url(const np_view *v, const char *path)
{
    np_route_params rp;
    memset(&rp, 0, sizeof(rp));
    if (!*path)
        return np_view_url(v, NP_ROUTE_HOME, &rp);
    rp.section = path;
    return np_view_url(v, NP_ROUTE_SECTION, &rp);
}

/* "1,234" */
static const char *thousands(apr_pool_t *p, apr_int64_t n)
{
    char digits[32], out[48];
    int len = apr_snprintf(digits, sizeof(digits), "%" APR_INT64_T_FMT, n), i, o = 0;
    for (i = 0; i < len; i++) {
        if (i && (len - i) % 3 == 0 && digits[0] != '-')
            out[o++] = ',';
        out[o++] = digits[i];
    }
    out[o] = '\0';
    return apr_pstrdup(p, out);
}

/* A label with {n} (and {site}) filled in. */
static const char *label_n(const np_view *v, const char *lang, const char *key, apr_int64_t n)
{
    const char *tpl = np_label(v->labels, lang, key), *s;
    np_buf b;
    if (!tpl)
        return NULL;
    np_buf_init_pool(&b, v->p, strlen(tpl) + 32);
    for (s = tpl; *s; s++) {
        if (strncmp(s, "{n}", 3) == 0) {
            np_buf_puts(&b, thousands(v->p, n));
            s += 2;
        } else if (strncmp(s, "{site}", 6) == 0) {
            np_buf_puts(&b, v->conf->site_name ? v->conf->site_name : "");
            s += 5;
        } else {
            np_buf_putc(&b, *s);
        }
    }
    return np_buf_cstr(&b);
}

/* ---- one result ---- */

typedef struct {
    const char *title, *url;
} sec_info;

static const sec_info *section_of(const np_view *v, apr_hash_t *cache, const char *path)
{
    sec_info *si = apr_hash_get(cache, path, APR_HASH_KEY_STRING);
    np_index_section s;
    if (si)
        return si;
    si = apr_pcalloc(v->p, sizeof(*si));
    if (*path && np_index_section_get(v->idx, v->p, path, &s)) {
        si->title = s.title;
        si->url = section_url(v, path);
    }
    apr_hash_set(cache, path, APR_HASH_KEY_STRING, si);
    return si;
}

/* The query as typed, when it may be shown (valid UTF-8 without NUL), control characters made
 * spaces. */
static const char *shown_query(apr_pool_t *p, const np_search_args *a, const np_search_result *r)
{
    return r->q.status == 200 ? np_search_clean(p, apr_pstrmemdup(p, a->q, a->qlen)) : NULL;
}

np_value *np_search_view_page(const np_view *v, const np_search_args *a, const np_search_result *r)
{
    apr_pool_t *p = v->p;
    const char *lang = v->conf->language ? v->conf->language : "en";
    const char *q = shown_query(p, a, r);
    np_value *root, *sm = np_value_map(p), *list = np_value_list(p);
    apr_hash_t *secs = apr_hash_make(p);
    page_baton pb = {a};
    int i;

    root = np_view_page(v, "search", lang, np_label(v->labels, lang, "search_title"),
                        q && *q ? search_url(v, NP_ROUTE_SEARCH, a, a->page, a->sort, 1)
                                : np_view_url(v, NP_ROUTE_SEARCH, &(np_route_params){0}),
                        NULL, NULL, 0, NULL);
    np_map_str(p, sm, "url", np_view_url(v, NP_ROUTE_SEARCH, &(np_route_params){0}));
    np_map_str(p, sm, "query", q ? q : "");
    np_map_bool(p, sm, "has_query", r->status == 200 && r->q.expr != NULL);
    np_map_bool(p, sm, "has_results", r->n > 0);
    if (!r->n && r->total > 0) /* a page past the last */
        np_map_str(p, sm, "first_page_url", search_url(v, NP_ROUTE_SEARCH, a, 0, a->sort, 1));
    if (r->status != 200)
        np_map_str(p, sm, "error", r->message);
    for (i = 0; i < r->n; i++) {
        const np_index_entry *e = r->hits[i].e;
        const sec_info *si = section_of(v, secs, e->section);
        const char *url = article_url(v, e);
        np_value *it, *sv;
        if (!url)
            continue;
        it = np_value_map(p);
        np_map_str(p, it, "title", e->a.title);
        np_map_str(p, it, "url", url);
        np_map_str(p, it, "lang", e->lang);
        np_map_str(p, it, "snippet", r->hits[i].snippet);
        if (si->title) {
            sv = np_value_map(p);
            np_map_str(p, sv, "title", si->title);
            np_map_str(p, sv, "url", si->url);
            np_map_set(p, it, "section", sv);
        }
        np_map_set(p, it, "published", np_view_date(v, &e->a.published, e->lang));
        np_list_push(p, list, it);
    }
    np_map_set(p, sm, "results", list);
    np_map_str(p, sm, "count_text",
               r->more         ? label_n(v, lang, "search_count_more", r->total)
               : r->total == 1 ? label_n(v, lang, "search_count_one", 1)
                               : label_n(v, lang, "search_count", r->total));
    np_map_int(p, sm, "total", r->total);
    np_map_bool(p, sm, "more", r->more);
    if (r->windowed)
        np_map_str(p, sm, "windowed_text", label_n(v, lang, "search_windowed", r->total));
    np_map_bool(p, sm, "interrupted", r->interrupted);
    np_map_bool(p, sm, "sort_date", a->sort == NP_SEARCH_DATE);
    np_map_str(p, sm, "relevance_url", search_url(v, NP_ROUTE_SEARCH, a, 0, 0, 1));
    np_map_str(p, sm, "date_url", search_url(v, NP_ROUTE_SEARCH, a, 0, NP_SEARCH_DATE, 1));
    np_map_str(p, sm, "json_url", search_url(v, NP_ROUTE_SEARCHJSON, a, a->page, a->sort, 1));
    np_map_int(p, sm, "first", (long long)(r->page - 1) * r->per_page + 1);
    if (a->section && r->status == 200) {
        np_value *sec = np_value_map(p);
        const sec_info *si = section_of(v, secs, a->section);
        np_map_str(p, sec, "path", a->section);
        np_map_str(p, sec, "title", si->title ? si->title : a->section);
        np_map_str(p, sec, "url", si->url);
        np_map_set(p, sm, "section", sec);
        np_map_str(p, sm, "everywhere_url", search_url(v, NP_ROUTE_SEARCH, a, 0, a->sort, 0));
    }
    np_map_set(p, root, "search", sm);
    np_map_set(p, root, "pagination", np_view_pagination(v, r->page, r->pages, page_url, &pb));
    return root;
}

/* ---- JSON ---- */

static void json_str(np_buf *b, const char *s)
{
    if (!s) {
        np_buf_puts(b, "null");
        return;
    }
    np_buf_putc(b, '"');
    np_buf_json(b, s, strlen(s));
    np_buf_putc(b, '"');
}

void np_search_view_json(const np_view *v, const np_search_args *a, const np_search_result *r,
                         np_buf *b)
{
    apr_hash_t *secs = apr_hash_make(v->p);
    const char *q = shown_query(v->p, a, r);
    int i, first = 1;
    if (r->status != 200) {
        np_buf_puts(b, "{\"error\":");
        json_str(b, r->message);
        np_buf_puts(b, "}\n");
        return;
    }
    np_buf_puts(b, "{\"query\":");
    json_str(b, q);
    np_buf_printf(b,
                  ",\"total\":%" APR_INT64_T_FMT ",\"more\":%s,\"windowed\":%s,\"interrupted\":%s,"
                  "\"page\":%d,\"pages\":%d,\"sort\":\"%s\",\"section\":",
                  r->total, r->more ? "true" : "false", r->windowed ? "true" : "false",
                  r->interrupted ? "true" : "false", r->page, r->pages,
                  a->sort == NP_SEARCH_DATE ? "date" : "relevance");
    json_str(b, a->section);
    np_buf_puts(b, ",\"results\":[");
    for (i = 0; i < r->n; i++) {
        const np_index_entry *e = r->hits[i].e;
        const sec_info *si = section_of(v, secs, e->section);
        const char *url = article_url(v, e);
        if (!url)
            continue;
        np_buf_puts(b, first ? "{\"title\":" : ",{\"title\":");
        first = 0;
        json_str(b, e->a.title);
        np_buf_puts(b, ",\"url\":");
        json_str(b, np_view_absolute(v, url));
        np_buf_puts(b, ",\"lang\":");
        json_str(b, e->lang);
        np_buf_puts(b, ",\"published\":");
        json_str(b, np_date_iso(v->p, e->a.published.t, v->conf->tz));
        np_buf_puts(b, ",\"section\":");
        if (si->title) {
            np_buf_puts(b, "{\"title\":");
            json_str(b, si->title);
            np_buf_puts(b, ",\"url\":");
            json_str(b, np_view_absolute(v, si->url));
            np_buf_putc(b, '}');
        } else {
            np_buf_puts(b, "null");
        }
        np_buf_puts(b, ",\"snippet_html\":");
        json_str(b, r->hits[i].snippet);
        np_buf_putc(b, '}');
    }
    np_buf_puts(b, "],\"next\":");
    json_str(b, r->page < r->pages ? np_view_absolute(v, search_url(v, NP_ROUTE_SEARCHJSON, a,
                                                                    r->page + 1, a->sort, 1))
                                   : NULL);
    np_buf_puts(b, "}\n");
}

/* ---- OpenSearch ---- */

void np_search_view_opensearch(const np_view *v, np_buf *b)
{
    const char *lang = v->conf->language ? v->conf->language : "en";
    const char *name = v->conf->site_name ? v->conf->site_name : "News";
    np_route_params rp;
    const char *html, *json, *self;
    memset(&rp, 0, sizeof(rp));
    html = np_view_absolute(v, np_view_url(v, NP_ROUTE_SEARCH, &rp));
    json = np_view_absolute(v, np_view_url(v, NP_ROUTE_SEARCHJSON, &rp));
    self = np_view_absolute(v, np_view_url(v, NP_ROUTE_OPENSEARCH, &rp));
    np_buf_puts(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<OpenSearchDescription "
                   "xmlns=\"http://a9.com/-/spec/opensearch/1.1/\">\n  <ShortName>");
    /* at most 16 characters by the specification */
    {
        const char *s = name;
        int chars = 0;
        while (*s && chars < 16) {
            s++;
            while ((*s & 0xC0) == 0x80)
                s++;
            chars++;
        }
        np_buf_xml(b, name, (apr_size_t)(s - name));
    }
    np_buf_puts(b, "</ShortName>\n  <Description>");
    {
        const char *d = label_n(v, lang, "search_description", 0);
        np_buf_xml(b, d, strlen(d));
    }
    np_buf_puts(b, "</Description>\n  <InputEncoding>UTF-8</InputEncoding>\n  <Language>");
    np_buf_xml(b, lang, strlen(lang));
    np_buf_puts(b, "</Language>\n");
    if (html) {
        np_buf_puts(b, "  <Url type=\"text/html\" method=\"get\" template=\"");
        np_buf_xml(b, html, strlen(html));
        np_buf_puts(b, "?q={searchTerms}\"/>\n");
    }
    if (json) {
        np_buf_puts(b, "  <Url type=\"application/json\" method=\"get\" template=\"");
        np_buf_xml(b, json, strlen(json));
        np_buf_puts(b, "?q={searchTerms}\"/>\n");
    }
    if (self) {
        np_buf_puts(b, "  <Url type=\"application/opensearchdescription+xml\" rel=\"self\" "
                       "template=\"");
        np_buf_xml(b, self, strlen(self));
        np_buf_puts(b, "\"/>\n");
    }
    np_buf_puts(b, "</OpenSearchDescription>\n");
}

/* ---- validators ---- */

const char *np_search_view_etag(const np_view *v, const char *key, apr_uint64_t theme_digest)
{
    const char *q = v->req->query ? v->req->query : "";
    apr_uint64_t h = np_hash_str(NP_HASH_INIT, key);
    h = np_hash_u64(h, theme_digest);
    h = np_hash_u64(h, (apr_uint64_t)np_index_generation(v->idx));
    /* visibility changes at scheduled instants without a write: the next one */
    h = np_hash_u64(h, (apr_uint64_t)np_index_next_change(v->idx, "", NULL, v->now));
    h = np_hash_u64(h, (apr_uint64_t)strlen(q));
    h = np_hash(h, q, strlen(q));
    return apr_psprintf(v->p, "\"q%016" APR_UINT64_T_HEX_FMT "\"", h);
}
