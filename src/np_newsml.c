/* NewsML-G2 news items mapped to the article model (docs/newsroom-formats.md). The body comes from
 * the item's own contentSet only: inline NITF or XHTML, or inline plain text. remoteContent is
 * never fetched, and nothing outside the file is read. */
#include "np_formats.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <apr_strings.h>

#include "np_sanitize.h"
#include "np_xml.h"

#define G2_NS "http://iptc.org/std/nar/2006-10-01/"
#define XHTML_NS "http://www.w3.org/1999/xhtml"
#define NITF_NS "http://iptc.org/std/NITF/"

/* The normalised text of el for a decision, in the scratch pool; NULL when blank. */
static const char *peek(np_format_ctx *cx, const xmlNode *el)
{
    const char *s = el ? np_sanitize_text(cx->tmp, el) : NULL;
    return s && *s ? s : NULL;
}

static int ns_is(const xmlNode *n, const char *ns)
{
    return n->ns && n->ns->href && strcmp((const char *)n->ns->href, ns) == 0;
}

/* The part of a QCode after the scheme alias: "stat:usable" -> "usable". */
static const char *code_of(const char *qcode)
{
    const char *c = qcode ? strchr(qcode, ':') : NULL;
    return c ? c + 1 : qcode;
}

/* Does a role QCode end in word ("drol:summary", "hlrole:subtitle")? */
static int role_has(np_format_ctx *cx, const xmlNode *el, const char *word)
{
    const char *r = np_xml_attr(cx->tmp, el, "role");
    return r && strstr(code_of(r), word) != NULL;
}

static long rank_of(np_format_ctx *cx, const xmlNode *el)
{
    const char *r = np_xml_attr(cx->tmp, el, "rank");
    char *end;
    long v;
    if (!r)
        return LONG_MAX;
    v = strtol(r, &end, 10);
    return end != r && *end == '\0' ? v : LONG_MAX;
}

/* Title: the headline of lowest rank that is not a subtitle; subtitle: subheadline, else a
 * headline whose role says sub ("hlrole:sub", "...:subtitle"). */
static void headlines(np_format_ctx *cx, const xmlNode *cm, np_article *a)
{
    const xmlNode *el, *best = NULL;
    long best_rank = LONG_MAX, r;
    for (el = np_xml_child(cm, "headline"); el; el = np_xml_next(el)) {
        if (!peek(cx, el))
            continue;
        if (role_has(cx, el, "sub")) {
            if (!a->subtitle)
                a->subtitle = np_article_text(cx, el);
            continue;
        }
        r = rank_of(cx, el);
        if (!best || r < best_rank) {
            best = el;
            best_rank = r;
        }
    }
    if (best)
        a->title = np_article_text(cx, best);
    if ((el = np_xml_child(cm, "subheadline")) && peek(cx, el))
        a->subtitle = np_article_text(cx, el);
}

/* The text of a description. One written as HTML in CDATA ("<p>...</p>") gives the text of
 * that markup: a summary never carries markup (docs/newsroom-formats.md). */
static const char *description_text(np_format_ctx *cx, const xmlNode *el)
{
    const char *s = np_article_text(cx, el);
    xmlNode *frag = np_sanitize_fragment(cx->tmp, cx->path, s);
    if (frag)
        s = np_article_text(cx, frag);
    return s;
}

/* Prefers a description whose role is a summary, else the first. */
static const char *description(np_format_ctx *cx, const xmlNode *cm)
{
    const xmlNode *el;
    for (el = np_xml_child(cm, "description"); el; el = np_xml_next(el))
        if (role_has(cx, el, "summary") && peek(cx, el))
            return description_text(cx, el);
    for (el = np_xml_child(cm, "description"); el; el = np_xml_next(el))
        if (peek(cx, el))
            return description_text(cx, el);
    return NULL;
}

/* Do two language tags share their primary language ("en-GB", "en-US")? */
static int same_language(const char *a, const char *b)
{
    size_t n = strcspn(a, "-_");
    return b && n == strcspn(b, "-_") && strncasecmp(a, b, n) == 0;
}

/* The name of a concept for readers: in the item's language if there is one, else without a
 * language, else the first; short forms and mnemonics ("DEU") are not names for readers.
 * In the scratch pool. */
static const char *name_of(np_format_ctx *cx, const xmlNode *concept, const char *lang)
{
    const xmlNode *el, *best = NULL;
    int best_score = -1;
    for (el = np_xml_child(concept, "name"); el; el = np_xml_next(el)) {
        xmlChar *l;
        int score;
        if (role_has(cx, el, "short") || role_has(cx, el, "mnemonic"))
            continue;
        l = xmlGetNsProp(el, BAD_CAST "lang", XML_XML_NAMESPACE);
        score = !l ? 1 : same_language((const char *)l, lang) ? 2 : 0;
        xmlFree(l);
        if (score > best_score) {
            best = el;
            best_score = score;
        }
    }
    return peek(cx, best);
}

/* keyword, then subject names. Ancestors added by taggers (why="why:ancestor") and points of
 * interest (addresses) are no topics; a name that only repeats its code ("f" for
 * "apcategorycode:f") says nothing to a reader. */
static void tags(np_format_ctx *cx, const xmlNode *cm, const char *lang, np_article *a)
{
    const xmlNode *el;
    const char *s, *v;
    for (el = np_xml_child(cm, "keyword"); el; el = np_xml_next(el))
        np_article_push_tag(cx, el, np_article_text(cx, el));
    for (el = np_xml_child(cm, "subject"); el; el = np_xml_next(el)) {
        if ((v = np_xml_attr(cx->tmp, el, "why")) && strcmp(code_of(v), "ancestor") == 0)
            continue;
        if ((v = np_xml_attr(cx->tmp, el, "type")) && strcmp(v, "cpnat:poi") == 0)
            continue;
        if (!(s = name_of(cx, el, lang)))
            continue;
        if ((v = np_xml_attr(cx->tmp, el, "qcode")) && strcmp(code_of(v), s) == 0)
            continue;
        np_article_push_tag(cx, el, apr_pstrdup(cx->p, s));
    }
}

static const char *lang_of(np_format_ctx *cx, xmlNode *item, const xmlNode *cm)
{
    const char *s = np_article_attr(cx, np_xml_child(cm, "language"), "tag");
    xmlChar *v;
    if (s)
        return s;
    v = xmlNodeGetLang(item);
    s = v && *v ? apr_pstrdup(cx->p, (const char *)v) : NULL;
    xmlFree(v);
    return s;
}

/* Reads the date text of element name under parent, if any. 1: read, 0: absent, -1: bad. */
static int date_el(np_format_ctx *cx, const xmlNode *parent, const char *name, np_date *out)
{
    const xmlNode *el = np_xml_child(parent, name);
    const char *s = peek(cx, el);
    if (!s)
        return 0;
    return np_article_date(cx, el, name, s, out) ? -1 : 1;
}

/* published: firstCreated (the item's first version, i.e. when the newsroom first had it),
 * else contentCreated, else versionCreated; a later embargo wins, and an empty <embargoed/>
 * (embargoed until further notice) keeps the item hidden. updated: versionCreated when later. */
static int dates(np_format_ctx *cx, xmlNode *item, const xmlNode *im, const xmlNode *cm,
                 np_article *a)
{
    const xmlNode *emb;
    np_date version = {0, 0, 0}, embargo;
    int rc;

    if ((rc = date_el(cx, im, "versionCreated", &version)) < 0)
        return -1;
    if ((rc = date_el(cx, im, "firstCreated", &a->published)) == 0)
        rc = date_el(cx, cm, "contentCreated", &a->published);
    if (rc < 0)
        return -1;
    if (rc == 0)
        a->published = version;
    if (!a->published.t)
        return np_article_fail(cx, item,
                               "no date (itemMeta/firstCreated, contentMeta/contentCreated or "
                               "itemMeta/versionCreated)");
    if ((emb = np_xml_child(im, "embargoed"))) {
        if ((rc = date_el(cx, im, "embargoed", &embargo)) < 0)
            return -1;
        if (rc == 0)
            a->draft = 1;
        else if (embargo.t > a->published.t)
            a->published = embargo;
    }
    if (version.t > a->published.t)
        a->updated = version;
    return 0;
}

/* Plain text: paragraphs are separated by blank lines when there are any, else by line
 * breaks. The text goes into text nodes, so the serializer escapes it. */
static const char *skip_blank(const char *s, const char *end)
{
    while (s < end && strchr(" \t\r\f\v", *s))
        s++;
    return s;
}

static xmlNode *plain_text(xmlNode *data)
{
    xmlChar *v = xmlNodeGetContent(data);
    const char *s = v ? (const char *)v : "", *line, *eol, *t, *e;
    xmlNode *body = xmlNewDocNode(data->doc, NULL, BAD_CAST "body", NULL), *p = NULL;
    int blank_lines = 0, seen = 0, gap = 0;

    for (line = s; *line && !blank_lines; line = *eol ? eol + 1 : eol) {
        eol = line + strcspn(line, "\n");
        if (skip_blank(line, eol) == eol) {
            gap = seen;
        } else {
            blank_lines = gap;
            seen = 1;
        }
    }
    xmlAddChild(data, body);
    for (line = s; *line; line = *eol ? eol + 1 : eol) {
        eol = line + strcspn(line, "\n");
        t = skip_blank(line, eol);
        for (e = eol; e > t && strchr(" \t\r\f\v", e[-1]); e--)
            ;
        if (t == e) {
            p = NULL;
            continue;
        }
        if (!p || !blank_lines) {
            p = xmlNewDocNode(data->doc, NULL, BAD_CAST "p", NULL);
            xmlAddChild(body, p);
        } else {
            xmlAddChild(p, xmlNewDocText(data->doc, BAD_CAST "\n"));
        }
        xmlAddChild(p, xmlNewDocTextLen(data->doc, BAD_CAST t, (int)(e - t)));
    }
    xmlFree(v);
    return body;
}

/* inlineData is text, but an agency may put HTML in it ("<p>" in CDATA under text/plain): a
 * well-formed fragment with elements of the allowlist is read as that markup, which the
 * sanitizer then writes like any body; anything else stays text. */
static xmlNode *inline_data(np_format_ctx *cx, xmlNode *data)
{
    xmlChar *v = xmlNodeGetContent(data);
    xmlNode *frag = np_sanitize_fragment(cx->tmp, cx->path, (const char *)v);
    xmlFree(v);
    return frag ? frag : plain_text(data);
}

/* The root element inside inlineXML decides, whatever @contenttype says. */
static int inline_xml(np_format_ctx *cx, xmlNode *ix, np_article *a)
{
    xmlNode *r, *c, *next;
    for (r = ix->children; r && r->type != XML_ELEMENT_NODE; r = r->next)
        ;
    if (!r) {
        cx->body = ix; /* present but empty: an article without body text */
        return 0;
    }
    if (np_xml_is(r, "nitf") || np_xml_is(r, "body.content"))
        return np_nitf_map_inline(cx, r, a);
    if (np_xml_is(r, "html")) {
        if (!(r = np_xml_child(r, "body")))
            return np_article_fail(cx, ix, "inline XHTML without <body>");
    } else if (np_xml_is(r, "body")) {
        if (np_xml_child(r, "body.content") || np_xml_child(r, "body.head") ||
            (r->ns && r->ns->href &&
             strncmp((const char *)r->ns->href, NITF_NS, strlen(NITF_NS)) == 0))
            return np_nitf_map_inline(cx, r, a);
    } else if (ns_is(r, XHTML_NS)) {
        cx->body = ix; /* an XHTML fragment such as <div> */
        return 0;
    } else {
        return np_article_fail(cx, r,
                               "inlineXML holds <%s>: expected NITF (<nitf>, <body>, "
                               "<body.content>) or XHTML (<html>, <body>)",
                               (const char *)r->name);
    }
    /* XHTML: the <header> repeats the headline, byline and subjects already in the metadata. */
    for (c = r->children; c; c = next) {
        next = c->next;
        if (np_xml_is(c, "header")) {
            xmlUnlinkNode(c);
            xmlFreeNode(c);
        }
    }
    cx->body = r;
    return 0;
}

/* The body from the first inlineXML or inlineData of the contentSet. */
static int body(np_format_ctx *cx, xmlNode *item, np_article *a)
{
    xmlNode *cs = np_xml_child(item, "contentSet"), *c;
    const char *enc;
    for (c = cs ? cs->children : NULL; c; c = c->next) {
        if (np_xml_is(c, "inlineXML"))
            return inline_xml(cx, c, a);
        if (np_xml_is(c, "inlineData")) {
            if ((enc = np_article_attr(cx, c, "encoding")))
                return np_article_fail(cx, c, "inlineData in encoding \"%s\" is not supported",
                                       enc);
            cx->body = inline_data(cx, c);
            return 0;
        }
    }
    return np_article_fail(cx, cs ? cs : item,
                           "no body: contentSet holds no inlineXML or inlineData "
                           "(remoteContent is not fetched)");
}

/* The first name of the first element named name under parent that has one (or @literal). */
static const char *party(np_format_ctx *cx, const xmlNode *parent, const char *name)
{
    const xmlNode *el;
    const char *s;
    for (el = np_xml_child(parent, name); el; el = np_xml_next(el))
        if ((s = np_article_text(cx, np_xml_child(el, "name"))) ||
            (s = np_article_attr(cx, el, "literal")))
            return s;
    return NULL;
}

int np_newsml_map(np_format_ctx *cx, xmlNode *root, np_article *a)
{
    xmlNode *item = root, *im, *cm, *el;
    const char *s;

    if (root->ns && !ns_is(root, G2_NS))
        return np_article_fail(cx, root,
                               "<%s> in namespace \"%s\": expected NewsML-G2's (" G2_NS ")",
                               (const char *)root->name, (const char *)root->ns->href);
    if (np_xml_is(root, "newsMessage") &&
        !(item = np_xml_child(np_xml_child(root, "itemSet"), "newsItem")))
        return np_article_fail(cx, root, "<newsMessage> holds no newsItem in its itemSet");
    im = np_xml_child(item, "itemMeta");
    cm = np_xml_child(item, "contentMeta");

    a->id = np_article_attr(cx, item, "guid");
    a->lang = lang_of(cx, item, cm);
    headlines(cx, cm, a);
    for (el = np_xml_child(cm, "by"); el; el = np_xml_next(el))
        if ((s = np_nitf_byline(cx->p, np_article_text(cx, el))))
            np_article_push_author(cx, el, s);
    a->source = np_article_text(cx, np_xml_child(cm, "creditline"));
    a->summary = description(cx, cm);
    tags(cx, cm, a->lang, a);
    if (dates(cx, item, im, cm, a))
        return -1;
    if ((s = np_article_attr(cx, np_xml_child(im, "pubStatus"), "qcode")) &&
        (strcmp(code_of(s), "withheld") == 0 || strcmp(code_of(s), "canceled") == 0))
        a->draft = NP_KILLED;

    /* Inline NITF fills what the item's metadata left unset, so the G2 fields come first. */
    if (body(cx, item, a))
        return -1;
    if (!a->title)
        return np_article_fail(cx, item,
                               "no headline (contentMeta/headline or hl1 in the inline "
                               "NITF)");
    if (a->subtitle && strcasecmp(a->subtitle, a->title) == 0)
        a->subtitle = NULL;
    if (a->authors->nelts == 0)
        for (el = np_xml_child(cm, "creator"); el; el = np_xml_next(el))
            if ((s = np_article_text(cx, np_xml_child(el, "name"))))
                np_article_push_author(cx, el, s);
    if (!a->source && !(a->source = party(cx, cm, "infoSource")))
        a->source = party(cx, np_xml_child(item, "rightsInfo"), "copyrightHolder");
    return 0;
}
