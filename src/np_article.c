/* Loading an article file into the article model. The root element picks the format's mapper;
 * the parsed document lives in a scratch pool that is gone before np_article_load returns,
 * so a cached article holds only its own strings, never a libxml2 tree. */
#include "np_article.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <apr_strings.h>
#include <libxml/tree.h>

#include "np_buf.h"
#include "np_file.h"
#include "np_formats.h"
#include "np_sanitize.h"
#include "np_xml.h"

#define SUMMARY_CHARS 200

/* Shared with the mappers of the other formats (np_formats.h). */
typedef np_format_ctx load_ctx;

/* Sets the error, "path:line:col: message" at node, and returns -1. */
static int fail(load_ctx *cx, const xmlNode *at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail(load_ctx *cx, const xmlNode *at, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    cx->err = np_xml_vmsg(cx->p, cx->path, at, fmt, ap);
    va_end(ap);
    return -1;
}

/* The normalised text of el, or NULL when el is absent or holds only white space. */
static const char *text_of(load_ctx *cx, const xmlNode *el)
{
    const char *s = el ? np_sanitize_text(cx->p, el) : NULL;
    return s && *s ? s : NULL;
}

static const char *trim(apr_pool_t *p, const char *s)
{
    const char *e;
    if (!s)
        return NULL;
    while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
        s++;
    for (e = s + strlen(s);
         e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' || e[-1] == '\r'); e--)
        ;
    return e > s ? apr_pstrmemdup(p, s, (apr_size_t)(e - s)) : NULL;
}

/* A trimmed, non-empty attribute value, or NULL. */
static const char *attr_of(load_ctx *cx, const xmlNode *el, const char *name)
{
    return el ? trim(cx->p, np_xml_attr(cx->tmp, el, name)) : NULL;
}

/* A URL attribute that may be linked to, or NULL (absent, or refused by the allowlist). */
static const char *url_of(load_ctx *cx, const xmlNode *el, const char *name)
{
    return np_sanitize_url(cx->p, attr_of(cx, el, name));
}

/* The text of a child element, else of an attribute of the same name. */
static const char *text_or_attr(load_ctx *cx, const xmlNode *el, const char *name)
{
    const char *s = text_of(cx, np_xml_child(el, name));
    return s ? s : attr_of(cx, el, name);
}

/* An image dimension; anything else (negative, "100%", absurdly large) counts as not given. */
static int positive_int(const char *s)
{
    char *end;
    long v;
    if (!s || *s < '0' || *s > '9')
        return 0;
    v = strtol(s, &end, 10);
    return *end == '\0' && v > 0 && v <= 100000 ? (int)v : 0;
}

/* Reads date element `name` of parent into *out; absent leaves it unset (t == 0). */
static int date_of(load_ctx *cx, const xmlNode *parent, const char *name, int required,
                   np_date *out)
{
    const xmlNode *el = np_xml_child(parent, name);
    const char *s = el ? np_sanitize_text(cx->tmp, el) : "";
    int rc;
    if (!el && required)
        return fail(cx, parent, "missing <%s>", name);
    if (!*s) {
        if (required)
            return fail(cx, el, "empty <%s>: expected a date such as 2026-11-27T10:00:00+08:00",
                        name);
        return 0;
    }
    if ((rc = np_date_parse(s, cx->tz, out)) == NP_DATE_RANGE)
        return fail(cx, el, "date in <%s> is outside the years 0001-9999: \"%s\"", name, s);
    if (rc != 0)
        return fail(cx, el,
                    "bad date in <%s>: \"%s\" (expected RFC 3339, e.g. 2026-11-27T10:00:00+08:00, "
                    "or a bare date, e.g. 2026-11-27)",
                    name, s);
    return 0;
}

const char *np_text_cut(apr_pool_t *p, const char *s, apr_size_t max)
{
    apr_size_t n;
    if (!s || strlen(s) <= max)
        return s;
    n = max;
    while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
        n--; /* s[n] would start the next character: cut before it */
    while (n > 0 && s[n - 1] == ' ')
        n--; /* texts are trimmed: a cut keeps them so */
    return apr_pstrmemdup(p, s, n);
}

static void note(load_ctx *cx, const xmlNode *at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void note(load_ctx *cx, const xmlNode *at, const char *fmt, ...)
{
    np_article_note *n;
    va_list ap;
    if (!cx->notes)
        return;
    n = apr_array_push(cx->notes);
    n->line = n->col = 0;
    if (at)
        np_xml_pos(at, &n->line, &n->col);
    va_start(ap, fmt);
    n->message = apr_pvsprintf(cx->notes->pool, fmt, ap);
    va_end(ap);
}

/* Cuts *s to max bytes, with a note naming what: "<title>". */
static void cut(load_ctx *cx, const xmlNode *at, const char *what, const char **s, apr_size_t max)
{
    apr_size_t n = *s ? strlen(*s) : 0;
    if (n <= max)
        return;
    *s = np_text_cut(cx->p, *s, max);
    note(cx, at,
         "%s is %" APR_SIZE_T_FMT " bytes: cut to %" APR_SIZE_T_FMT
         " (the limit is %" APR_SIZE_T_FMT " bytes)",
         what, n, strlen(*s), max);
}

static void push_limited(load_ctx *cx, const xmlNode *at, apr_array_header_t *arr,
                         apr_hash_t **seen, int *dropped, const xmlNode **first_dropped,
                         int max_count, apr_size_t max_len, const char *what, const char *s)
{
    if (!s)
        return;
    if (strlen(s) > max_len)
        cut(cx, at, what, &s, max_len);
    if (!*seen)
        *seen = apr_hash_make(cx->tmp);
    if (apr_hash_get(*seen, s, APR_HASH_KEY_STRING))
        return;
    if (arr->nelts >= max_count) {
        if (!(*dropped)++)
            *first_dropped = at;
        return;
    }
    apr_hash_set(*seen, s, APR_HASH_KEY_STRING, s);
    APR_ARRAY_PUSH(arr, const char *) = s;
}

void np_article_push_tag(load_ctx *cx, const xmlNode *at, const char *s)
{
    push_limited(cx, at, cx->a->tags, &cx->seen_tags, &cx->tags_dropped, &cx->first_dropped_tag,
                 NP_MAX_TAGS, NP_MAX_TAG, "a tag", s);
}

void np_article_push_author(load_ctx *cx, const xmlNode *at, const char *s)
{
    push_limited(cx, at, cx->a->authors, &cx->seen_authors, &cx->authors_dropped,
                 &cx->first_dropped_author, NP_MAX_AUTHORS, NP_MAX_NAME, "an author", s);
}

/* The element name of root, for a report's place; root itself when there is none (the
 * newsroom formats put these fields elsewhere). */
static const xmlNode *place(const xmlNode *root, const char *name)
{
    const xmlNode *el = np_xml_child(root, name);
    return el ? el : root;
}

/* The limits of docs/content.md on the fields every mapper fills; where is the root. */
static void limit_fields(load_ctx *cx, const xmlNode *where, np_article *a)
{
    int i;
    cut(cx, place(where, "title"), "the title", &a->title, NP_MAX_TITLE);
    cut(cx, place(where, "subtitle"), "the subtitle", &a->subtitle, NP_MAX_TITLE);
    cut(cx, place(where, "summary"), "the summary", &a->summary, NP_MAX_SUMMARY);
    cut(cx, place(where, "source"), "the source", &a->source, NP_MAX_NAME);
    cut(cx, where, "the id", &a->id, NP_MAX_NAME);
    cut(cx, where, "the language", &a->lang, NP_MAX_LANG);
    if (a->source_href && strlen(a->source_href) > NP_MAX_URL) {
        note(cx, where, "the source's href is over %d bytes: dropped", NP_MAX_URL);
        a->source_href = NULL;
    }
    if (a->image) {
        if (strlen(a->image->src) > NP_MAX_URL) {
            note(cx, where, "the image's src is over %d bytes: the image is dropped", NP_MAX_URL);
            a->image = NULL;
        } else {
            cut(cx, where, "the image's alt", &a->image->alt, NP_MAX_CAPTION);
            cut(cx, where, "the image's caption", &a->image->caption, NP_MAX_CAPTION);
            cut(cx, where, "the image's credit", &a->image->credit, NP_MAX_CAPTION);
        }
    }
    for (i = 0; a->related && i < a->related->nelts; i++) {
        np_link *l = &APR_ARRAY_IDX(a->related, i, np_link);
        cut(cx, where, "a related link's title", &l->title, NP_MAX_CAPTION);
    }
    if (cx->tags_dropped)
        note(cx, cx->first_dropped_tag ? cx->first_dropped_tag : where,
             "%d more tag%s beyond the limit of %d: dropped", cx->tags_dropped,
             cx->tags_dropped == 1 ? "" : "s", NP_MAX_TAGS);
    if (cx->authors_dropped)
        note(cx, cx->first_dropped_author ? cx->first_dropped_author : where,
             "%d more author%s beyond the limit of %d: dropped", cx->authors_dropped,
             cx->authors_dropped == 1 ? "" : "s", NP_MAX_AUTHORS);
}

int np_article_fail(load_ctx *cx, const xmlNode *at, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    cx->err = np_xml_vmsg(cx->p, cx->path, at, fmt, ap);
    va_end(ap);
    return -1;
}

const char *np_article_text(load_ctx *cx, const xmlNode *el)
{
    return text_of(cx, el);
}

const char *np_article_attr(load_ctx *cx, const xmlNode *el, const char *name)
{
    return attr_of(cx, el, name);
}

int np_article_date(load_ctx *cx, const xmlNode *at, const char *what, const char *s, np_date *out)
{
    int rc = np_date_parse(s ? s : "", cx->tz, out);
    if (rc == NP_DATE_RANGE)
        return fail(cx, at, "date in %s is outside the years 0001-9999: \"%s\"", what, s);
    if (rc != 0)
        return fail(cx, at,
                    "bad date in %s: \"%s\" (expected ISO 8601, e.g. 2026-11-27T10:00:00+08:00 "
                    "or 20261127T100000+0800)",
                    what, s ? s : "");
    return 0;
}

/* The native format (docs/content.md). */
static int map_native(load_ctx *cx, xmlNode *root, np_article *a)
{
    xmlNode *el;
    const char *s;

    a->id = attr_of(cx, root, "id");
    a->lang = attr_of(cx, root, "lang");
    if (!a->lang) {
        xmlChar *v = xmlGetNsProp(root, BAD_CAST "lang", XML_XML_NAMESPACE);
        a->lang = v ? trim(cx->p, (const char *)v) : NULL;
        xmlFree(v);
    }

    el = np_xml_child(root, "title");
    if (!el)
        return fail(cx, root, "missing <title>");
    if (!(a->title = text_of(cx, el)))
        return fail(cx, el, "empty <title>");
    a->subtitle = text_of(cx, np_xml_child(root, "subtitle"));
    a->summary = text_of(cx, np_xml_child(root, "summary"));
    if ((el = np_xml_child(root, "source"))) {
        a->source = text_of(cx, el);
        a->source_href = url_of(cx, el, "href");
    }
    for (el = np_xml_child(root, "author"); el; el = np_xml_next(el))
        np_article_push_author(cx, el, text_of(cx, el));

    if (date_of(cx, root, "published", 1, &a->published) ||
        date_of(cx, root, "updated", 0, &a->updated) ||
        date_of(cx, root, "expires", 0, &a->expires))
        return -1;

    if ((el = np_xml_child(root, "status")) && *(s = np_sanitize_text(cx->tmp, el))) {
        if (strcasecmp(s, "draft") == 0)
            a->draft = 1;
        else if (strcasecmp(s, "killed") == 0)
            a->draft = NP_KILLED;
        else if (strcasecmp(s, "published") != 0)
            return fail(cx, el, "unknown <status> \"%s\": expected published, draft or killed", s);
    }

    for (el = np_xml_child(np_xml_child(root, "tags"), "tag"); el; el = np_xml_next(el))
        np_article_push_tag(cx, el, text_of(cx, el));

    if ((el = np_xml_child(root, "translation-of")) && (a->translation_of = text_of(cx, el)))
        cut(cx, el, "<translation-of>", &a->translation_of, NP_MAX_NAME);

    for (el = np_xml_child(root, "previous-url"); el; el = np_xml_next(el)) {
        const char *c;
        if (a->previous && a->previous->nelts >= NP_MAX_PREVIOUS) {
            note(cx, el, "previous URLs beyond the limit of %d: dropped", NP_MAX_PREVIOUS);
            break;
        }
        if (!(s = text_of(cx, el)))
            continue;
        /* A path within the site: "/", no scheme or host, no query, no dot segments. */
        for (c = s; *c && *c != '?' && *c != '#' && (unsigned char)*c >= ' '; c++)
            ;
        if (s[0] != '/' || s[1] == '/' || *c || strlen(s) > NP_MAX_URL || strstr(s, "/../") ||
            strstr(s, "/./") || strcmp(s, "/") == 0) {
            note(cx, el,
                 "<previous-url> \"%s\" is not a path within the site such as "
                 "/desk/old-name.html: ignored",
                 np_text_cut(cx->tmp, s, 60));
            continue;
        }
        if (!a->previous)
            a->previous = apr_array_make(cx->p, 2, sizeof(const char *));
        APR_ARRAY_PUSH(a->previous, const char *) = s;
    }

    for (el = np_xml_child(root, "correction"); el; el = np_xml_next(el)) {
        np_correction *c;
        np_date d;
        if (a->corrections && a->corrections->nelts >= NP_MAX_CORRECTIONS) {
            note(cx, el, "corrections beyond the limit of %d: dropped", NP_MAX_CORRECTIONS);
            break;
        }
        if (!(s = attr_of(cx, el, "date")))
            return fail(cx, el, "<correction> without a date attribute");
        if (np_article_date(cx, el, "<correction date>", s, &d))
            return -1;
        if (!(s = text_of(cx, el)))
            continue;
        if (!a->corrections)
            a->corrections = apr_array_make(cx->p, 2, sizeof(np_correction));
        c = apr_array_push(a->corrections);
        c->date = d;
        c->text = s;
        cut(cx, el, "a <correction>", &c->text, NP_MAX_CORRECTION);
        /* The article changed when it was corrected: dateModified, feeds and sitemaps follow. */
        if (d.t > a->updated.t && d.t > a->published.t)
            a->updated = d;
    }

    if ((el = np_xml_child(root, "image")) && (s = url_of(cx, el, "src"))) {
        np_image *img = apr_pcalloc(cx->p, sizeof(*img));
        img->src = s;
        img->alt = text_or_attr(cx, el, "alt");
        img->caption = text_or_attr(cx, el, "caption");
        img->credit = text_or_attr(cx, el, "credit");
        img->width = positive_int(attr_of(cx, el, "width"));
        img->height = positive_int(attr_of(cx, el, "height"));
        a->image = img;
    }

    for (el = np_xml_child(np_xml_child(root, "related"), "link"); el; el = np_xml_next(el)) {
        np_link *l;
        if (a->related->nelts >= NP_MAX_RELATED) {
            note(cx, el, "related links beyond the limit of %d: dropped", NP_MAX_RELATED);
            break;
        }
        if (!(s = url_of(cx, el, "href")) || strlen(s) > NP_MAX_URL)
            continue;
        l = apr_array_push(a->related);
        l->href = s;
        l->title = text_of(cx, el);
        if (!l->title)
            l->title = s;
    }

    if (!(cx->body = np_xml_child(root, "body")))
        return fail(cx, root, "missing <body>");
    return 0;
}

typedef int (*format_map)(load_ctx *cx, xmlNode *root, np_article *a);

/* One mapper per root element: each fills the fields it has and points cx->body at the body
 * markup. The newsroom mappers check the root's namespace themselves. */
static const struct {
    const char *root, *format;
    format_map map;
} formats[] = {
    {"article", "article", map_native},
    {"nitf", "nitf", np_nitf_map},
    {"newsItem", "newsml", np_newsml_map},
    {"newsMessage", "newsml", np_newsml_map},
};

/* The text of the first paragraph under n that has any, or NULL. */
static const char *first_paragraph(load_ctx *cx, const xmlNode *n)
{
    for (; n; n = n->next) {
        const char *text;
        if (n->type != XML_ELEMENT_NODE)
            continue;
        if (np_xml_is(n, "p"))
            text = np_sanitize_text(cx->tmp, n);
        else
            text = first_paragraph(cx, n->children);
        if (text && *text)
            return text;
    }
    return NULL;
}

/* The first max characters of text, cut at a word boundary, with an ellipsis when cut. */
static const char *excerpt(apr_pool_t *p, const char *text, apr_size_t max)
{
    apr_size_t i, chars = 0, cut = 0, space = 0;
    for (i = 0; text[i]; i++) {
        if (((unsigned char)text[i] & 0xC0) == 0x80)
            continue;
        if (chars == max) {
            cut = i;
            break;
        }
        if (text[i] == ' ')
            space = i;
        chars++;
    }
    if (!cut)
        return apr_pstrdup(p, text);
    /* Scripts without spaces (Chinese, Japanese) are cut between characters. */
    if (text[cut] != ' ' && space > cut / 2)
        cut = space;
    while (cut > 0 && strchr(" ,;:-", text[cut - 1]))
        cut--;
    return apr_pstrcat(p, apr_pstrmemdup(p, text, cut), "\xE2\x80\xA6", NULL);
}

/* Does the subtree under n hold an image? */
static int holds_image(const xmlNode *n)
{
    for (; n; n = n->next)
        if (n->type == XML_ELEMENT_NODE && (np_xml_is(n, "img") || holds_image(n->children)))
            return 1;
    return 0;
}

static int finish(load_ctx *cx, np_article *a, int with_body, np_article_report *rep)
{
    if (!a->id)
        a->id = a->slug;
    /* An agency item with a summary but no text in its body (a headline and an abstract only)
     * shows the summary as its text (docs/newsroom-formats.md); a native article's body is
     * what its author wrote. */
    if (strcmp(a->format, "article") != 0 && a->summary && !*np_sanitize_text(cx->tmp, cx->body) &&
        !holds_image(cx->body->children)) {
        xmlNode *c, *next, *p = xmlNewDocNode(cx->body->doc, NULL, BAD_CAST "p", NULL);
        for (c = cx->body->children; c; c = next) {
            next = c->next;
            xmlUnlinkNode(c);
            xmlFreeNode(c);
        }
        xmlAddChild(p, xmlNewDocText(cx->body->doc, BAD_CAST a->summary));
        xmlAddChild(cx->body, p);
        if (rep)
            rep->summary_as_body = 1;
    }
    if (!a->summary) {
        const char *text = first_paragraph(cx, cx->body->children);
        if (!text)
            text = np_sanitize_text(cx->tmp, cx->body);
        if (*text)
            a->summary = excerpt(cx->p, text, SUMMARY_CHARS);
    }
    if (with_body) {
        np_buf b;
        apr_size_t start = 0, end;
        np_buf_init(&b, 4096);
        np_sanitize_html(&b, cx->body, rep ? rep->sanitize : NULL);
        if (b.failed) {
            np_buf_free(&b);
            return fail(cx, NULL, "out of memory writing the body");
        }
        end = b.len;
        while (start < end && strchr(" \t\r\n", b.data[start]))
            start++;
        while (end > start && strchr(" \t\r\n", b.data[end - 1]))
            end--;
        a->body_html = apr_pstrmemdup(cx->p, b.data + start, end - start);
        a->body_len = end - start;
        np_buf_free(&b);
    }
    return 0;
}

static const char *slug_from_path(apr_pool_t *p, const char *path)
{
    const char *base = strrchr(path, '/');
    apr_size_t n;
    base = base ? base + 1 : path;
    n = strlen(base);
    if (n > 4 && strcmp(base + n - 4, ".xml") == 0)
        n -= 4;
    return apr_pstrmemdup(p, base, n);
}

np_article *np_article_load(apr_pool_t *p, const char *path, const char *slug,
                            const np_article_opts *opts, const char **err)
{
    return np_article_load_report(p, path, slug, opts, NULL, err);
}

np_article *np_article_load_report(apr_pool_t *p, const char *path, const char *slug,
                                   const np_article_opts *opts, np_article_report *rep,
                                   const char **err)
{
    return np_article_load_at(p, -1, path, slug, opts, rep, err);
}

np_article *np_article_load_at(apr_pool_t *p, int rootfd, const char *path, const char *slug,
                               const np_article_opts *opts, np_article_report *rep,
                               const char **err)
{
    static const np_article_opts defaults = {0, NULL, 0, NULL};
    load_ctx cx;
    np_article *a = NULL;
    xmlDoc *doc;
    xmlNode *root;
    struct stat sb;
    size_t i;

    memset(&cx, 0, sizeof(cx));
    cx.p = p;
    cx.path = path;
    cx.notes = rep ? rep->notes : NULL;
    if (!opts)
        opts = &defaults;
    cx.tz = opts->tz ? opts->tz : np_tz_utc();
    *err = NULL;
    if (rep) {
        rep->line = rep->col = 0;
        rep->summary_as_body = 0;
        rep->mtime = 0;
        rep->size = -1;
    }
    if (apr_pool_create(&cx.tmp, p) != APR_SUCCESS) {
        *err = apr_psprintf(p, "%s:0:0: out of memory", path);
        return NULL;
    }
    doc = np_xml_parse_file_at(cx.tmp, opts->root, rootfd, path, opts->max_size, &sb, &cx.err);
    if (rep && sb.st_mode) {
        rep->mtime = np_file_mtime(&sb);
        rep->size = (apr_off_t)sb.st_size;
    }
    if (!doc) {
        *err = apr_pstrdup(p, cx.err);
        apr_pool_destroy(cx.tmp);
        return NULL;
    }
    root = xmlDocGetRootElement(doc);
    if (rep)
        np_xml_pos(root, &rep->line, &rep->col);
    for (i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
        if (np_xml_is(root, formats[i].root))
            break;
    if (i == sizeof(formats) / sizeof(formats[0])) {
        fail(&cx, root, "unknown root element <%s>", root ? (const char *)root->name : "");
    } else {
        a = apr_pcalloc(p, sizeof(*a));
        a->path = apr_pstrdup(p, path);
        a->slug = slug ? apr_pstrdup(p, slug) : slug_from_path(p, path);
        a->authors = apr_array_make(p, 2, sizeof(const char *));
        a->tags = apr_array_make(p, 4, sizeof(const char *));
        a->related = apr_array_make(p, 2, sizeof(np_link));
        a->format = formats[i].format;
        cx.a = a;
        if (formats[i].map(&cx, root, a) == 0)
            limit_fields(&cx, root, a);
        else
            a = NULL;
        if (!a || finish(&cx, a, opts->with_body, rep) != 0)
            a = NULL;
    }
    if (!a)
        *err = cx.err;
    apr_pool_destroy(cx.tmp);
    return a;
}

int np_article_visible(const np_article *a, apr_time_t now)
{
    return a && !a->draft && a->published.t != 0 && a->published.t <= now &&
           (a->expires.t == 0 || now < a->expires.t);
}

int np_article_gone(const np_article *a, apr_time_t now)
{
    return a && a->draft == NP_KILLED && a->published.t != 0 && a->published.t <= now;
}
