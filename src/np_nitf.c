/* NITF 3.x mapped to the article model (docs/newsroom-formats.md), standalone or inside NewsML-G2.
 * The body is rewritten in place, in the load's private document, into elements the allowlist
 * keeps (hl2 -> h2, media -> figure, ...); np_sanitize_html still writes every byte of it, so
 * nothing here may emit HTML or bypass the allowlist. */
#include "np_formats.h"

#include <string.h>
#include <strings.h>

#include <apr_strings.h>

#include "np_buf.h"
#include "np_sanitize.h"
#include "np_xml.h"

#define NITF_NS "http://iptc.org/std/NITF/"

/* NITF elements written as the HTML element of the same meaning. */
static const struct {
    const char *from, *to;
} renamed[] = {
    {"hl1", "h2"},     {"hl2", "h2"},    {"bq", "blockquote"},  {"credit", "cite"},
    {"block", "div"},  {"note", "div"},  {"abstract", "div"},   {"byline", "p"},
    {"dateline", "p"}, {"tagline", "p"}, {"bibliography", "p"},
};

/* Metadata that may sit inside the body but is not for readers. */
static const char *const dropped[] = {
    "nitf-table-metadata", "media-metadata", "media-object", "key-list", "tobject", "pronounce"};

/* Inline semantics and wrappers: their text stays, their tags go. Their parts (city in
 * location, copyrite.year, ...) and anything else unknown are unwrapped by the allowlist. */
static const char *const unwrapped[] = {
    "person",     "org",        "location",        "event",       "function",   "object.title",
    "money",      "num",        "chron",           "virtloc",     "classifier", "copyrite",
    "alt-code",   "lang",       "postaddr",        "frac",        "fn",         "byttl",
    "story.date", "nitf-table", "table-reference", "custom-table"};

/* Leading words of a byline that are not part of the name. */
static const char *const by_words[] = {"by", "von", "par", "por", "door", "av", "af"};

static int listed(const xmlChar *name, const char *const *list, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++)
        if (strcmp((const char *)name, list[i]) == 0)
            return 1;
    return 0;
}

#define LISTED(name, list) listed(name, list, sizeof(list) / sizeof(list[0]))

static void drop(xmlNode *n)
{
    xmlUnlinkNode(n);
    xmlFreeNode(n);
}

/* Replaces n by its children. */
static void unwrap(xmlNode *n)
{
    xmlNode *c, *next;
    for (c = n->children; c; c = next) {
        next = c->next;
        xmlUnlinkNode(c);
        xmlAddPrevSibling(n, c); /* may merge c into a neighbouring text node and free it */
    }
    drop(n);
}

/* A trimmed, non-blank attribute value for a decision, in the scratch pool, or NULL. */
static const char *peek_attr(np_format_ctx *cx, const xmlNode *el, const char *name)
{
    const char *v = el ? np_xml_attr(cx->tmp, el, name) : NULL;
    return v && v[strspn(v, " \t\r\n")] ? v : NULL;
}

/* The first element named name in the subtree under n (n itself excluded), or NULL. */
static xmlNode *find(const xmlNode *n, const char *name)
{
    xmlNode *c, *hit;
    for (c = n ? n->children : NULL; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        if (np_xml_is(c, name))
            return c;
        if ((hit = find(c, name)))
            return hit;
    }
    return NULL;
}

/* Only a src that looks like a link or a file: agencies also put bare ids of separately
 * delivered files there ("iJIJyyF0tiE"), which would be broken images. */
static int usable_src(const char *s)
{
    return s && (strstr(s, "://") || *s == '/' || strchr(s, '.'));
}

static xmlNode *new_el(xmlNode *like, const char *name)
{
    return xmlNewDocNode(like->doc, like->ns, BAD_CAST name, NULL);
}

static void set_attr(xmlNode *el, const char *name, const char *value)
{
    if (value)
        xmlNewProp(el, BAD_CAST name, BAD_CAST value);
}

static void rewrite(np_format_ctx *cx, xmlNode *parent);

/* <media> becomes <figure>: an <img> for an image (or a link to other media), the caption
 * and producer in a <figcaption>. */
static void media(np_format_ctx *cx, xmlNode *m)
{
    const char *type = np_xml_attr(cx->tmp, m, "media-type");
    xmlNode *c, *next, *ref, *cap = NULL, *figure = new_el(m, "figure");
    const char *src = NULL, *mime = NULL;

    for (ref = np_xml_child(m, "media-reference"); ref; ref = np_xml_next(ref)) {
        src = np_sanitize_url(cx->tmp, np_xml_attr(cx->tmp, ref, "source"));
        if (usable_src(src))
            break;
        src = NULL;
    }
    if (ref)
        mime = np_xml_attr(cx->tmp, ref, "mime-type");
    xmlAddPrevSibling(m, figure);
    if (src &&
        (type ? strcasecmp(type, "image") == 0 : mime && strncasecmp(mime, "image/", 6) == 0)) {
        xmlNode *img = new_el(m, "img");
        const char *alt = np_xml_attr(cx->tmp, ref, "alternate-text");
        set_attr(img, "src", src);
        set_attr(img, "alt", alt ? alt : "");
        set_attr(img, "width", np_xml_attr(cx->tmp, ref, "width"));
        set_attr(img, "height", np_xml_attr(cx->tmp, ref, "height"));
        xmlAddChild(figure, img);
    } else if (src) {
        xmlNode *link = new_el(m, "a");
        set_attr(link, "href", src);
        xmlAddChild(link, xmlNewDocText(m->doc, BAD_CAST src));
        xmlAddChild(figure, link);
    }
    for (c = m->children; c; c = next) {
        next = c->next;
        if (!np_xml_is(c, "media-caption") && !np_xml_is(c, "media-producer"))
            continue;
        if (!cap) {
            cap = new_el(m, "figcaption");
            xmlAddChild(figure, cap);
        } else {
            xmlAddChild(cap, xmlNewDocText(m->doc, BAD_CAST " "));
        }
        xmlUnlinkNode(c);
        xmlAddChild(cap, c);
        rewrite(cx, c);
        if (np_xml_is(c, "media-producer"))
            xmlNodeSetName(c, BAD_CAST "small");
        else
            unwrap(c);
    }
    drop(m);
}

/* Rewrites the NITF markup under parent into what the allowlist keeps. */
static void rewrite(np_format_ctx *cx, xmlNode *parent)
{
    xmlNode *n, *next;
    size_t i;
    for (n = parent->children; n; n = next) {
        next = n->next;
        if (n->type != XML_ELEMENT_NODE)
            continue;
        if (LISTED(n->name, dropped)) {
            drop(n);
            continue;
        }
        if (np_xml_is(n, "media")) {
            media(cx, n);
            continue;
        }
        rewrite(cx, n);
        for (i = 0; i < sizeof(renamed) / sizeof(renamed[0]); i++)
            if (np_xml_is(n, renamed[i].from)) {
                xmlNodeSetName(n, BAD_CAST renamed[i].to);
                break;
            }
        if (i == sizeof(renamed) / sizeof(renamed[0]) && LISTED(n->name, unwrapped))
            unwrap(n);
    }
}

/* Gathers the body of NITF <body>: every body.content (NITF allows several) and the readable
 * parts of body.end, into the first body.content, rewritten. NULL when there is none. */
static xmlNode *body_of(np_format_ctx *cx, xmlNode *body)
{
    xmlNode *first = np_xml_child(body, "body.content"), *bc, *next, *c, *cn, *end;
    if (!first)
        return NULL;
    for (bc = np_xml_next(first); bc; bc = next) {
        next = np_xml_next(bc);
        for (c = bc->children; c; c = cn) {
            cn = c->next;
            xmlUnlinkNode(c);
            xmlAddChild(first, c);
        }
        drop(bc);
    }
    if ((end = np_xml_child(body, "body.end")))
        for (c = end->children; c; c = cn) {
            cn = c->next;
            if (np_xml_is(c, "tagline") || np_xml_is(c, "bibliography")) {
                xmlUnlinkNode(c);
                xmlAddChild(first, c);
            }
        }
    rewrite(cx, first);
    return first;
}

/* Text of the subtree under n without the elements named skip, appended to b. */
static void text_without(np_buf *b, const xmlNode *n, const char *skip)
{
    for (n = n->children; n; n = n->next) {
        if ((n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) && n->content)
            np_buf_puts(b, (const char *)n->content);
        else if (n->type == XML_ELEMENT_NODE && !np_xml_is(n, skip))
            text_without(b, n, skip);
    }
}

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

const char *np_nitf_byline(apr_pool_t *p, const char *s)
{
    char *out, *d;
    apr_size_t i, n;
    if (!s)
        return NULL;
    d = out = apr_palloc(p, strlen(s) + 1);
    for (; *s; s++) {
        if (is_space(*s)) {
            if (d > out && d[-1] != ' ')
                *d++ = ' ';
        } else {
            *d++ = *s;
        }
    }
    *d = '\0';
    for (s = out, i = 0; i < sizeof(by_words) / sizeof(by_words[0]); i++) {
        n = strlen(by_words[i]);
        if (strncasecmp(s, by_words[i], n) == 0 && s[n] == ' ') {
            s += n + 1;
            break;
        }
    }
    while (*s && strchr(" ,;:/-", *s))
        s++;
    for (n = strlen(s); n > 0 && strchr(" ,;:/-", s[n - 1]); n--)
        ;
    return n ? apr_pstrmemdup(p, s, n) : NULL;
}

/* Authors of one byline: its <person>s; else its text without the job title (byttl); else
 * the job title, which is all some agencies send ("<byttl>Sports Network</byttl>"). */
static void authors_of(np_format_ctx *cx, const xmlNode *byline, np_article *a)
{
    const xmlNode *person = find(byline, "person");
    const char *s;
    if (person) {
        for (; person; person = np_xml_next(person))
            np_article_push_author(cx, person, np_article_text(cx, person));
        return;
    }
    {
        np_buf b;
        np_buf_init(&b, 128);
        text_without(&b, byline, "byttl");
        s = b.failed ? NULL : np_nitf_byline(cx->p, np_buf_cstr(&b));
        np_buf_free(&b);
    }
    if (!s)
        s = np_nitf_byline(cx->p, np_article_text(cx, find(byline, "byttl")));
    np_article_push_author(cx, byline, s);
}

/* What body.head says, for the fields still unset. */
static void from_body_head(np_format_ctx *cx, const xmlNode *bh, np_article *a)
{
    const xmlNode *el;
    if (!bh)
        return;
    if (!a->title)
        a->title = np_article_text(cx, find(bh, "hl1"));
    if (!a->subtitle)
        a->subtitle = np_article_text(cx, find(bh, "hl2"));
    if (a->authors->nelts == 0)
        for (el = np_xml_child(bh, "byline"); el; el = np_xml_next(el))
            authors_of(cx, el, a);
    if (!a->source)
        a->source = np_article_text(cx, np_xml_child(bh, "distributor"));
    if (!a->summary)
        a->summary = np_article_text(cx, np_xml_child(bh, "abstract"));
}

/* What head says, for the fields still unset. */
static void from_head(np_format_ctx *cx, const xmlNode *head, np_article *a)
{
    const xmlNode *dd = np_xml_child(head, "docdata"), *el;
    const char *s;
    if (!head)
        return;
    if (!a->title)
        a->title = np_article_text(cx, np_xml_child(head, "title"));
    if (!a->id)
        a->id = np_article_attr(cx, np_xml_child(dd, "doc-id"), "id-string");
    if (!a->source)
        a->source = np_article_attr(cx, np_xml_child(dd, "doc.copyright"), "holder");
    if (a->tags->nelts == 0)
        for (el = np_xml_child(np_xml_child(dd, "key-list"), "keyword"); el; el = np_xml_next(el))
            if ((s = np_article_attr(cx, el, "key")))
                np_article_push_tag(cx, el, s);
    /* Withheld and canceled stories are killed; "embargoed" waits for date.release. */
    if ((s = peek_attr(cx, dd, "management-status")) &&
        (strcasecmp(s, "withheld") == 0 || strcasecmp(s, "canceled") == 0))
        a->draft = NP_KILLED;
}

/* published: date.issue, else story.date, else pubdata@date.publication, else date.release;
 * a later date.release (an embargo) wins. expires: date.expire. */
static int dates(np_format_ctx *cx, xmlNode *root, const xmlNode *head, const xmlNode *bh,
                 np_article *a)
{
    const xmlNode *dd = np_xml_child(head, "docdata");
    const xmlNode *issue = np_xml_child(dd, "date.issue"),
                  *release = np_xml_child(dd, "date.release");
    const xmlNode *story = find(bh, "story.date"), *pub = np_xml_child(head, "pubdata");
    const xmlNode *expire = np_xml_child(dd, "date.expire");
    const char *s;
    np_date rel;

    if ((s = peek_attr(cx, issue, "norm"))) {
        if (np_article_date(cx, issue, "date.issue@norm", s, &a->published))
            return -1;
    } else if ((s = peek_attr(cx, story, "norm")) ||
               (story && *(s = np_sanitize_text(cx->tmp, story)))) {
        if (np_article_date(cx, story, "story.date", s, &a->published))
            return -1;
    } else if ((s = peek_attr(cx, pub, "date.publication"))) {
        if (np_article_date(cx, pub, "pubdata@date.publication", s, &a->published))
            return -1;
    }
    if ((s = peek_attr(cx, release, "norm"))) {
        if (np_article_date(cx, release, "date.release@norm", s, &rel))
            return -1;
        if (rel.t > a->published.t)
            a->published = rel;
    }
    if (!a->published.t)
        return np_article_fail(cx, root,
                               "no date (date.issue, story.date, pubdata@date.publication or "
                               "date.release)");
    if ((s = peek_attr(cx, expire, "norm")) &&
        np_article_date(cx, expire, "date.expire@norm", s, &a->expires))
        return -1;
    return 0;
}

static const char *lang_of(np_format_ctx *cx, xmlNode *root)
{
    const char *s = np_article_attr(cx, root, "baselang");
    xmlChar *v;
    if (s)
        return s;
    v = xmlNodeGetLang(root);
    s = v && *v ? apr_pstrdup(cx->p, (const char *)v) : NULL;
    xmlFree(v);
    return s;
}

/* The same headline twice (AP repeats hl1 as hl2) is no subtitle. */
static void tidy(np_article *a)
{
    if (a->subtitle && a->title && strcasecmp(a->subtitle, a->title) == 0)
        a->subtitle = NULL;
}

int np_nitf_map(np_format_ctx *cx, xmlNode *root, np_article *a)
{
    xmlNode *head = np_xml_child(root, "head"), *body = np_xml_child(root, "body");
    xmlNode *bh = np_xml_child(body, "body.head");

    if (root->ns && root->ns->href &&
        strncmp((const char *)root->ns->href, NITF_NS, strlen(NITF_NS)))
        return np_article_fail(
            cx, root, "<nitf> in namespace \"%s\": expected none or IPTC's (" NITF_NS "...)",
            (const char *)root->ns->href);
    a->lang = lang_of(cx, root);
    from_body_head(cx, bh, a);
    from_head(cx, head, a);
    if (!a->title)
        return np_article_fail(cx, root, "no headline (hl1 or head/title)");
    tidy(a);
    if (dates(cx, root, head, bh, a))
        return -1;
    if (!(cx->body = body_of(cx, body))) {
        /* Headline and abstract only: the summary is shown as the text (np_article.c). */
        if (!a->summary)
            return np_article_fail(cx, body ? body : root, "no <body.content>");
        cx->body = xmlNewDocNode(root->doc, NULL, BAD_CAST "body.content", NULL);
        xmlAddChild(root, cx->body);
    }
    return 0;
}

int np_nitf_map_inline(np_format_ctx *cx, xmlNode *el, np_article *a)
{
    xmlNode *head = NULL, *body = el;
    if (np_xml_is(el, "body.content")) {
        rewrite(cx, el);
        cx->body = el;
        return 0;
    }
    if (np_xml_is(el, "nitf")) {
        head = np_xml_child(el, "head");
        body = np_xml_child(el, "body");
        if (!a->lang)
            a->lang = lang_of(cx, el);
    }
    from_body_head(cx, np_xml_child(body, "body.head"), a);
    from_head(cx, head, a);
    tidy(a);
    if (!(cx->body = body_of(cx, body)))
        return np_article_fail(cx, body ? body : el, "no <body.content> in the inline NITF");
    return 0;
}
