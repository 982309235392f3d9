/* Route patterns: parsing them at configuration time, matching request paths, and building
 * links from the same table. Everything that reaches a file name later (sections, slugs)
 * is checked here against the content tree's name alphabet, so no path can escape it. */
#include "np_route.h"
#include "np_buf.h"
#include "np_date.h"

#include <string.h>
#include <strings.h>
#include <apr_lib.h>
#include <apr_strings.h>
#include <apr_tables.h>

enum {
    PH_SECTION = 1 << 0,
    PH_SLUG = 1 << 1,
    PH_TAG = 1 << 2,
    PH_PAGE = 1 << 3,
    PH_YYYY = 1 << 4,
    PH_MM = 1 << 5,
    PH_DD = 1 << 6
};

static const struct {
    const char *name;
    unsigned bit;
} placeholders[] = {{"section*", PH_SECTION}, {"slug", PH_SLUG}, {"tag", PH_TAG}, {"page", PH_PAGE},
                    {"yyyy", PH_YYYY},        {"mm", PH_MM},     {"dd", PH_DD}};
#define N_PLACEHOLDERS (sizeof(placeholders) / sizeof(placeholders[0]))

/* allowed: placeholders the kind can use; required: ones it must have; loose: values that
 * may go unused in a link (an article is named by its slug, its section and date are extra). */
static const struct {
    const char *name;
    unsigned allowed, required, loose;
} kinds[NP_ROUTE_KINDS] = {
    [NP_ROUTE_NONE] = {NULL, 0, 0, 0},
    [NP_ROUTE_HOME] = {"home", PH_PAGE, 0, 0},
    [NP_ROUTE_SECTION] = {"section", PH_SECTION | PH_PAGE, PH_SECTION, 0},
    [NP_ROUTE_ARTICLE] = {"article", PH_SECTION | PH_SLUG | PH_YYYY | PH_MM | PH_DD, PH_SLUG,
                          PH_SECTION | PH_YYYY | PH_MM | PH_DD},
    [NP_ROUTE_TAG] = {"tag", PH_TAG | PH_PAGE, PH_TAG, 0},
    [NP_ROUTE_FEED] = {"feed", PH_SECTION | PH_TAG, 0, 0},
    [NP_ROUTE_RSS] = {"rss", PH_SECTION | PH_TAG, 0, 0},
    [NP_ROUTE_JSONFEED] = {"jsonfeed", PH_SECTION | PH_TAG, 0, 0},
    [NP_ROUTE_SITEMAP] = {"sitemap", PH_PAGE, 0, 0},
    [NP_ROUTE_NEWSSITEMAP] = {"newssitemap", 0, 0, 0},
    [NP_ROUTE_ROBOTS] = {"robots", 0, 0, 0},
    [NP_ROUTE_SEARCH] = {"search", 0, 0, 0},
    [NP_ROUTE_SEARCHJSON] = {"searchjson", 0, 0, 0},
    [NP_ROUTE_OPENSEARCH] = {"opensearch", 0, 0, 0},
};
#define KIND_LIST                                                                                  \
    "home, section, article, tag, feed, rss, jsonfeed, sitemap, newssitemap, robots, search,"      \
    " searchjson, opensearch"

/* One pattern segment: a literal (ph == 0, the text in pre) or prefix{placeholder}suffix. */
typedef struct {
    unsigned ph;
    const char *pre, *suf;
    apr_size_t prelen, suflen;
    const char *pre_url, *suf_url; /* percent-encoded for links */
} rseg;

typedef struct {
    np_route_kind kind;
    const char *pattern, *tmpl;
    rseg *segs;
    int nsegs;
    int star; /* index of the {section*} segment, -1 when none */
    int trailing;
    unsigned mask;
} route;

struct np_routes {
    apr_pool_t *pool;
    apr_array_header_t *list; /* route */
};

typedef struct {
    const char *s;
    apr_size_t n;
} span;

const char *np_route_kind_name(np_route_kind kind)
{
    return kind > NP_ROUTE_NONE && kind < NP_ROUTE_KINDS ? kinds[kind].name : NULL;
}

np_route_kind np_route_kind_parse(const char *name)
{
    int k;
    for (k = NP_ROUTE_NONE + 1; name && k < NP_ROUTE_KINDS; k++)
        if (!strcasecmp(name, kinds[k].name))
            return (np_route_kind)k;
    return NP_ROUTE_NONE;
}

/* Length of the UTF-8 sequence at s (RFC 3629: no overlong forms, surrogates or values
 * past U+10FFFF), 0 when invalid. */
static apr_size_t utf8_seq(const unsigned char *s, apr_size_t n)
{
    unsigned c = s[0];
    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF)
        return n >= 2 && (s[1] & 0xC0) == 0x80 ? 2 : 0;
    if (c >= 0xE0 && c <= 0xEF) {
        if (n < 3 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80 || (c == 0xE0 && s[1] < 0xA0) ||
            (c == 0xED && s[1] >= 0xA0))
            return 0;
        return 3;
    }
    if (c >= 0xF0 && c <= 0xF4) {
        if (n < 4 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80 || (s[3] & 0xC0) != 0x80 ||
            (c == 0xF0 && s[1] < 0x90) || (c == 0xF4 && s[1] >= 0x90))
            return 0;
        return 4;
    }
    return 0;
}

/* No NUL or other control character, no "..", valid UTF-8. */
static int text_ok(const char *s, apr_size_t n)
{
    apr_size_t i = 0, k;
    while (i < n) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20 || c == 0x7f || (c == '.' && i + 1 < n && s[i + 1] == '.'))
            return 0;
        if (!(k = utf8_seq((const unsigned char *)s + i, n - i)))
            return 0;
        i += k;
    }
    return 1;
}

int np_route_path_valid(const char *path, apr_size_t len)
{
    apr_size_t i;
    if (!path || !len || path[0] != '/' || !text_ok(path, len))
        return 0;
    for (i = 0; i < len; i++)
        if (path[i] == '/' && i + 1 < len &&
            (path[i + 1] == '/' || (path[i + 1] == '.' && (i + 2 == len || path[i + 2] == '/'))))
            return 0;
    return 1;
}

/* The content tree's alphabet for section folders and slugs. */
static int name_ok(const char *s, apr_size_t n)
{
    apr_size_t i;
    if (!n || !apr_isalnum(s[0]))
        return 0;
    for (i = 1; i < n; i++)
        if (!(apr_isalnum(s[i]) || s[i] == '.' || s[i] == '_' || s[i] == '-') ||
            (s[i] == '.' && s[i - 1] == '.'))
            return 0;
    return 1;
}

static int section_ok(const char *s)
{
    const char *e;
    for (;;) {
        e = strchr(s, '/');
        if (!name_ok(s, e ? (apr_size_t)(e - s) : strlen(s)))
            return 0;
        if (!e)
            return 1;
        s = e + 1;
    }
}

static int tag_ok(const char *s)
{
    apr_size_t n = strlen(s);
    return n && !memchr(s, '/', n) && strcmp(s, ".") != 0 && text_ok(s, n);
}

/* Digits only, exactly n of them when n > 0; the value, or -1. */
static long number(const char *s, apr_size_t len, apr_size_t n)
{
    long v = 0;
    apr_size_t i;
    if (!len || len > 9 || (n && len != n))
        return -1;
    for (i = 0; i < len; i++) {
        if (!apr_isdigit(s[i]))
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

/* Percent-encodes s: every byte outside A-Za-z0-9-._~, or only non-ASCII bytes. */
static const char *pct_encode(apr_pool_t *p, const char *s, apr_size_t n, int ascii_too)
{
    static const char hex[] = "0123456789ABCDEF";
    char *out = apr_palloc(p, n * 3 + 1), *o = out;
    apr_size_t i;
    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x80 &&
            (!ascii_too || apr_isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~')) {
            *o++ = (char)c;
        } else {
            *o++ = '%';
            *o++ = hex[c >> 4];
            *o++ = hex[c & 15];
        }
    }
    *o = '\0';
    return out;
}

np_routes *np_routes_create(apr_pool_t *p)
{
    np_routes *r = apr_pcalloc(p, sizeof(*r));
    r->pool = p;
    r->list = apr_array_make(p, 16, sizeof(route));
    return r;
}

static const char *ph_list(apr_pool_t *p, unsigned mask)
{
    const char *out = NULL;
    apr_size_t i;
    for (i = 0; i < N_PLACEHOLDERS; i++)
        if (mask & placeholders[i].bit)
            out =
                apr_psprintf(p, "%s%s{%s}", out ? out : "", out ? ", " : "", placeholders[i].name);
    return out ? out : "none";
}

/* Literal text of a pattern: printable, no characters that are special in URLs, UTF-8. */
static const char *literal_check(apr_pool_t *p, const char *s, apr_size_t n)
{
    apr_size_t i;
    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == ' ')
            return "a space is not allowed";
        if (c < 0x20 || c == 0x7f)
            return apr_psprintf(p, "control character 0x%02x is not allowed", c);
        if (strchr("\"#%<>?[\\]^`{|}", c))
            return apr_psprintf(p, "character '%c' is not allowed", c);
    }
    if (!text_ok(s, n))
        return "invalid UTF-8 or '..'";
    return NULL;
}

static const char *parse_seg(apr_pool_t *p, const char *s, apr_size_t n, rseg *g)
{
    const char *open = memchr(s, '{', n), *close, *err;
    apr_size_t i, nlen;

    memset(g, 0, sizeof(*g));
    if (!open) {
        if (memchr(s, '}', n))
            return "unexpected '}'";
        if (n == 1 && s[0] == '.')
            return "a '.' segment is not allowed";
        if ((err = literal_check(p, s, n)))
            return err;
        g->pre = apr_pstrmemdup(p, s, n);
        g->prelen = n;
        g->pre_url = pct_encode(p, s, n, 0);
        return NULL;
    }
    close = memchr(open, '}', (apr_size_t)(s + n - open));
    if (!close)
        return "unclosed '{'";
    g->pre = apr_pstrmemdup(p, s, (apr_size_t)(open - s));
    g->prelen = (apr_size_t)(open - s);
    g->suf = apr_pstrmemdup(p, close + 1, (apr_size_t)(s + n - close - 1));
    g->suflen = (apr_size_t)(s + n - close - 1);
    if (memchr(g->pre, '}', g->prelen) || memchr(open + 1, '{', (apr_size_t)(close - open - 1)))
        return "unexpected '}' or '{'";
    if (memchr(g->suf, '{', g->suflen) || memchr(g->suf, '}', g->suflen))
        return "only one placeholder per segment";
    if ((err = literal_check(p, g->pre, g->prelen)) || (err = literal_check(p, g->suf, g->suflen)))
        return err;
    g->pre_url = pct_encode(p, g->pre, g->prelen, 0);
    g->suf_url = pct_encode(p, g->suf, g->suflen, 0);

    nlen = (apr_size_t)(close - open - 1);
    if (!nlen)
        return "empty placeholder '{}'";
    for (i = 0; i < N_PLACEHOLDERS; i++)
        if (strlen(placeholders[i].name) == nlen && !memcmp(placeholders[i].name, open + 1, nlen))
            g->ph = placeholders[i].bit;
    if (!g->ph) {
        const char *name = apr_pstrmemdup(p, open + 1, nlen);
        if (!strcmp(name, "section"))
            return "unknown placeholder {section} (a section path is {section*})";
        if (name[nlen - 1] == '*')
            return apr_psprintf(p, "{%s}: only {section*} may span segments", name);
        return apr_psprintf(p, "unknown placeholder {%s} (expected one of %s)", name,
                            ph_list(p, ~0u));
    }
    if (g->ph == PH_SECTION && (g->prelen || g->suflen))
        return "{section*} must be a whole segment";
    return NULL;
}

const char *np_routes_add(np_routes *r, const char *pattern, const char *kind, const char *tmpl)
{
    apr_pool_t *p = r->pool;
    np_route_kind k = np_route_kind_parse(kind);
    route rt;
    const char *s, *e, *err;
    int max;

    if (!k)
        return apr_psprintf(p, "unknown route kind '%s' (expected one of " KIND_LIST ")",
                            kind ? kind : "");
    if (!pattern || pattern[0] != '/')
        return apr_psprintf(p, "route pattern '%s' must start with '/'", pattern ? pattern : "");
    if (tmpl && !name_ok(tmpl, strlen(tmpl)))
        return apr_psprintf(p, "template name '%s' must match [A-Za-z0-9][A-Za-z0-9._-]*", tmpl);

    memset(&rt, 0, sizeof(rt));
    rt.kind = k;
    rt.pattern = apr_pstrdup(p, pattern);
    rt.tmpl = tmpl ? apr_pstrdup(p, tmpl) : NULL;
    rt.star = -1;
    rt.trailing = pattern[strlen(pattern) - 1] == '/';
    for (max = 0, s = pattern; *s; s++)
        max += *s == '/';
    rt.segs = apr_pcalloc(p, sizeof(rseg) * (apr_size_t)max);

    for (s = pattern + 1; *s; s = *e ? e + 1 : e) {
        rseg *g = &rt.segs[rt.nsegs];
        e = strchr(s, '/');
        if (!e)
            e = s + strlen(s);
        if (e == s)
            return apr_psprintf(p, "route pattern '%s' has an empty segment ('//')", pattern);
        if ((err = parse_seg(p, s, (apr_size_t)(e - s), g)))
            return apr_psprintf(p, "route pattern '%s': %s", pattern, err);
        if (g->ph & rt.mask)
            return apr_psprintf(p, "route pattern '%s': %s appears twice", pattern,
                                ph_list(p, g->ph));
        if (g->ph == PH_SECTION)
            rt.star = rt.nsegs;
        rt.mask |= g->ph;
        rt.nsegs++;
    }
    if (rt.mask & ~kinds[k].allowed)
        return apr_psprintf(p, "route pattern '%s': %s not allowed for kind %s (allowed: %s)",
                            pattern, ph_list(p, rt.mask & ~kinds[k].allowed), kinds[k].name,
                            ph_list(p, kinds[k].allowed));
    if (kinds[k].required & ~rt.mask)
        return apr_psprintf(p, "route pattern '%s': kind %s needs %s", pattern, kinds[k].name,
                            ph_list(p, kinds[k].required & ~rt.mask));
    *(route *)apr_array_push(r->list) = rt;
    return NULL;
}

np_routes *np_routes_default(apr_pool_t *p)
{
    static const char *const table[][2] = {
        {"/", "home"},
        {"/page/{page}/", "home"},
        {"/tags/{tag}/", "tag"},
        {"/tags/{tag}/page/{page}/", "tag"},
        {"/feed.atom", "feed"},
        {"/feed.rss", "rss"},
        {"/feed.json", "jsonfeed"},
        {"/sitemap.xml", "sitemap"},
        {"/news-sitemap.xml", "newssitemap"},
        /* Crawlers read robots.txt at the host's root only: served when the mount is "/". */
        {"/robots.txt", "robots"},
        {"/{section*}/feed.atom", "feed"},
        {"/{section*}/feed.rss", "rss"},
        {"/{section*}/page/{page}/", "section"},
        {"/{section*}/{slug}.html", "article"},
        {"/{section*}/", "section"},
        /* The files of a sitemap index (sites over 50,000 URLs). */
        {"/sitemap-{page}.xml", "sitemap"},
        /* the query is in the query string: /search?q=...&page=N (docs/search.md) */
        {"/search", "search"},
        {"/search.json", "searchjson"},
        {"/opensearch.xml", "opensearch"},
    };
    np_routes *r = np_routes_create(p);
    apr_size_t i;
    for (i = 0; i < sizeof(table) / sizeof(table[0]); i++)
        np_routes_add(r, table[i][0], table[i][1], NULL);
    return r;
}

int np_routes_count(const np_routes *r)
{
    return r->list->nelts;
}

const char *np_routes_pattern(const np_routes *r, int i)
{
    return i >= 0 && i < r->list->nelts ? APR_ARRAY_IDX(r->list, i, route).pattern : NULL;
}

/* {section*} occurs at most once and every other segment takes one path segment, so its
 * length is fixed by the segment count: matching needs no search. */
static int route_match(const route *rt, const span *segs, int nseg, int trailing, np_route_match *m,
                       apr_pool_t *p)
{
    span val[N_PLACEHOLDERS];
    long num[N_PLACEHOLDERS];
    int extra = nseg - rt->nsegs, i, q;
    apr_size_t b;

    if (rt->trailing != trailing || (rt->star < 0 ? extra != 0 : extra < 0))
        return 0;
    memset(val, 0, sizeof(val));
    memset(num, 0, sizeof(num));
    for (i = 0; i < rt->nsegs; i++) {
        const rseg *g = &rt->segs[i];
        int j = rt->star >= 0 && i > rt->star ? i + extra : i;
        const span *sp = &segs[j];
        const char *v;
        apr_size_t vn;

        if (!g->ph) {
            if (sp->n != g->prelen || memcmp(sp->s, g->pre, sp->n))
                return 0;
            continue;
        }
        if (g->ph == PH_SECTION) {
            for (q = j; q <= j + extra; q++)
                if (!name_ok(segs[q].s, segs[q].n))
                    return 0;
            val[0].s = sp->s;
            val[0].n = (apr_size_t)(segs[j + extra].s + segs[j + extra].n - sp->s);
            continue;
        }
        if (sp->n <= g->prelen + g->suflen || memcmp(sp->s, g->pre, g->prelen) ||
            memcmp(sp->s + sp->n - g->suflen, g->suf, g->suflen))
            return 0;
        v = sp->s + g->prelen;
        vn = sp->n - g->prelen - g->suflen;
        for (b = 0; !(placeholders[b].bit & g->ph); b++)
            ;
        val[b].s = v;
        val[b].n = vn;
        switch (g->ph) {
        case PH_SLUG:
            if (!name_ok(v, vn))
                return 0;
            break;
        case PH_PAGE:
            if ((num[b] = number(v, vn, 0)) < 1 || v[0] == '0')
                return 0;
            break;
        case PH_YYYY:
            if ((num[b] = number(v, vn, 4)) < 1)
                return 0;
            break;
        case PH_MM:
            if ((num[b] = number(v, vn, 2)) < 1 || num[b] > 12)
                return 0;
            break;
        case PH_DD:
            if ((num[b] = number(v, vn, 2)) < 1 || num[b] > 31)
                return 0;
            break;
        default: /* a tag is any segment */
            break;
        }
    }
    /* placeholders[] order: section, slug, tag, page, yyyy, mm, dd */
    if (num[5] && num[6] &&
        num[6] > np_date_days_in_month(num[4] ? (int)num[4] : 2000, (int)num[5]))
        return 0;

    memset(m, 0, sizeof(*m));
    m->kind = rt->kind;
    m->template = rt->tmpl;
    m->v.section = val[0].s ? apr_pstrmemdup(p, val[0].s, val[0].n) : "";
    m->v.slug = val[1].s ? apr_pstrmemdup(p, val[1].s, val[1].n) : NULL;
    m->v.tag = val[2].s ? apr_pstrmemdup(p, val[2].s, val[2].n) : NULL;
    m->v.page = (int)num[3];
    m->v.yyyy = (int)num[4];
    m->v.mm = (int)num[5];
    m->v.dd = (int)num[6];
    return 1;
}

int np_routes_match(const np_routes *r, const char *path, np_route_match *m, apr_pool_t *p)
{
    apr_size_t len = path ? strlen(path) : 0;
    span *segs;
    int nseg = 0, trailing, i;
    const char *s, *e;

    if (!np_route_path_valid(path, len))
        return 0;
    trailing = path[len - 1] == '/';
    for (s = path; *s; s++)
        nseg += *s == '/';
    nseg -= trailing;
    segs = apr_palloc(p, sizeof(span) * (apr_size_t)(nseg > 0 ? nseg : 1));
    for (i = 0, s = path + 1; i < nseg; i++, s = e + 1) {
        e = strchr(s, '/');
        if (!e)
            e = path + len;
        segs[i].s = s;
        segs[i].n = (apr_size_t)(e - s);
    }
    for (i = 0; i < r->list->nelts; i++) {
        if (route_match(&APR_ARRAY_IDX(r->list, i, route), segs, nseg, trailing, m, p)) {
            m->index = i;
            return 1;
        }
    }
    return 0;
}

void np_routes_key(np_buf *b, const np_routes *r)
{
    int i;
    np_buf_printf(b, "%d routes\n", r->list->nelts);
    for (i = 0; i < r->list->nelts; i++) {
        const route *rt = &APR_ARRAY_IDX(r->list, i, route);
        /* Lengths first: no pattern or template can pass for another's. */
        np_buf_printf(b, "%d %" APR_SIZE_T_FMT " %s %" APR_SIZE_T_FMT " %s\n", (int)rt->kind,
                      strlen(rt->pattern), rt->pattern, rt->tmpl ? strlen(rt->tmpl) : 0,
                      rt->tmpl ? rt->tmpl : "");
    }
}

/* prefix (a mount point) and the route's path, written once into the pool. */
static const char *route_url(const route *rt, const np_route_params *v, const char *prefix,
                             apr_pool_t *p)
{
    np_buf b;
    char num[16];
    int i;
    np_buf_init_pool(&b, p, 128);
    np_buf_puts(&b, prefix);
    for (i = 0; i < rt->nsegs; i++) {
        const rseg *g = &rt->segs[i];
        np_buf_putc(&b, '/');
        np_buf_puts(&b, g->pre_url);
        switch (g->ph) {
        case 0:
            continue;
        case PH_SECTION:
            np_buf_puts(&b, v->section);
            break;
        case PH_SLUG:
            np_buf_puts(&b, v->slug);
            break;
        case PH_TAG:
            np_buf_puts(&b, pct_encode(p, v->tag, strlen(v->tag), 1));
            break;
        case PH_PAGE:
            np_buf_puts(&b, apr_itoa(p, v->page));
            break;
        case PH_YYYY:
            apr_snprintf(num, sizeof(num), "%04d", v->yyyy);
            np_buf_puts(&b, num);
            break;
        case PH_MM:
        case PH_DD:
            apr_snprintf(num, sizeof(num), "%02d", g->ph == PH_MM ? v->mm : v->dd);
            np_buf_puts(&b, num);
            break;
        }
        np_buf_puts(&b, g->suf_url);
    }
    if (rt->trailing)
        np_buf_putc(&b, '/');
    return np_buf_cstr(&b);
}

const char *np_routes_url(const np_routes *r, np_route_kind kind, const np_route_params *v,
                          apr_pool_t *p)
{
    return np_routes_url_under(r, kind, v, "", p);
}

const char *np_routes_url_under(const np_routes *r, np_route_kind kind, const np_route_params *v,
                                const char *prefix, apr_pool_t *p)
{
    np_route_params pv = *v;
    unsigned given = 0;
    int pass, i;

    if (kind <= NP_ROUTE_NONE || kind >= NP_ROUTE_KINDS)
        return NULL;
    if (!pv.section)
        pv.section = "";
    if (*pv.section && !section_ok(pv.section))
        return NULL;
    if ((pv.slug && !name_ok(pv.slug, strlen(pv.slug))) || (pv.tag && !tag_ok(pv.tag)))
        return NULL;
    if (pv.page < 0 || pv.page > 999999999 || pv.yyyy < 0 || pv.yyyy > 9999 || pv.mm < 0 ||
        pv.mm > 12 || pv.dd < 0 || pv.dd > 31)
        return NULL;
    given = (*pv.section ? PH_SECTION : 0) | (pv.slug ? PH_SLUG : 0) | (pv.tag ? PH_TAG : 0) |
            (pv.page > 1 ? PH_PAGE : 0) | (pv.yyyy ? PH_YYYY : 0) | (pv.mm ? PH_MM : 0) |
            (pv.dd ? PH_DD : 0);

    /* Page 1 is first tried as no page at all: its canonical URL has none. */
    for (pass = 0; pass < (pv.page == 1 ? 2 : 1); pass++, given |= PH_PAGE) {
        for (i = 0; i < r->list->nelts; i++) {
            const route *rt = &APR_ARRAY_IDX(r->list, i, route);
            if (rt->kind == kind && !(rt->mask & ~given) &&
                !(given & ~rt->mask & ~kinds[kind].loose)) {
                /* A value's dot beside a literal's ("{slug}.html", slug "x.") makes "..", which
                 * no path may hold: such a link would never route back. */
                const char *url = route_url(rt, &pv, prefix, p);
                if (!strstr(url + strlen(prefix), ".."))
                    return url;
            }
        }
    }
    return NULL;
}
