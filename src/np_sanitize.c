/* The body markup allowlist and our own HTML serializer. Element and attribute names are
 * compared without regard to case (an author's <SCRIPT> is still a script) and written in
 * lower case from our tables, never copied from the input. */
#include "np_sanitize.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <apr_strings.h>

#include "np_xml.h"

#define XHTML_NS "http://www.w3.org/1999/xhtml"

enum {
    A_HREF = 1 << 0,
    A_TITLE = 1 << 1,
    A_SRC = 1 << 2,
    A_ALT = 1 << 3,
    A_WIDTH = 1 << 4,
    A_HEIGHT = 1 << 5,
    A_COLSPAN = 1 << 6,
    A_ROWSPAN = 1 << 7,
    A_SCOPE = 1 << 8,
    A_DATETIME = 1 << 9,
    A_URL = A_HREF | A_SRC
};

static const struct {
    const char *name;
    unsigned bit;
} attrs[] = {
    {"alt", A_ALT},     {"colspan", A_COLSPAN}, {"datetime", A_DATETIME}, {"height", A_HEIGHT},
    {"href", A_HREF},   {"rowspan", A_ROWSPAN}, {"scope", A_SCOPE},       {"src", A_SRC},
    {"title", A_TITLE}, {"width", A_WIDTH},
};

enum { E_VOID = 1, E_BLOCK = 2 };

typedef struct {
    const char *name; /* lower case; the table is sorted by it */
    unsigned attrs;
    unsigned flags;
} elem_rule;

static const elem_rule kept[] = {
    {"a", A_HREF | A_TITLE, 0},
    {"abbr", A_TITLE, 0},
    {"b", 0, 0},
    {"blockquote", 0, E_BLOCK},
    {"br", 0, E_VOID | E_BLOCK},
    {"caption", 0, E_BLOCK},
    {"cite", 0, 0},
    {"code", 0, 0},
    {"dd", 0, E_BLOCK},
    {"div", 0, E_BLOCK},
    {"dl", 0, E_BLOCK},
    {"dt", 0, E_BLOCK},
    {"em", 0, 0},
    {"figcaption", 0, E_BLOCK},
    {"figure", 0, E_BLOCK},
    {"h2", 0, E_BLOCK},
    {"h3", 0, E_BLOCK},
    {"h4", 0, E_BLOCK},
    {"h5", 0, E_BLOCK},
    {"h6", 0, E_BLOCK},
    {"hr", 0, E_VOID | E_BLOCK},
    {"i", 0, 0},
    {"img", A_SRC | A_ALT | A_WIDTH | A_HEIGHT, E_VOID},
    {"li", 0, E_BLOCK},
    {"ol", 0, E_BLOCK},
    {"p", 0, E_BLOCK},
    {"pre", 0, E_BLOCK},
    {"q", 0, 0},
    {"s", 0, 0},
    {"small", 0, 0},
    {"span", 0, 0},
    {"strong", 0, 0},
    {"sub", 0, 0},
    {"sup", 0, 0},
    {"table", 0, E_BLOCK},
    {"tbody", 0, E_BLOCK},
    {"td", A_COLSPAN | A_ROWSPAN, E_BLOCK},
    {"tfoot", 0, E_BLOCK},
    {"th", A_COLSPAN | A_ROWSPAN | A_SCOPE, E_BLOCK},
    {"thead", 0, E_BLOCK},
    {"time", A_DATETIME, 0},
    {"tr", 0, E_BLOCK},
    {"u", 0, 0},
    {"ul", 0, E_BLOCK},
};

static const char *const dropped[] = {"script", "style", "iframe", "object", "embed", "form"};

/* Not kept, but their text reads as separate blocks (HTML and NITF headings and blocks). */
static const char *const text_blocks[] = {"h1",    "section", "article", "header", "footer",
                                          "aside", "nav",     "address", "main",   "hl1",
                                          "hl2",   "bq",      "block"};

static int rule_cmp(const void *key, const void *r)
{
    return strcasecmp(key, ((const elem_rule *)r)->name);
}

static const elem_rule *find_rule(const xmlNode *el)
{
    return bsearch(el->name, kept, sizeof(kept) / sizeof(kept[0]), sizeof(kept[0]), rule_cmp);
}

static int in_list(const xmlChar *name, const char *const *list, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++)
        if (strcasecmp((const char *)name, list[i]) == 0)
            return 1;
    return 0;
}

/* The index of a's name in attrs, or -1 when it is not one we ever keep. */
static int attr_index(const xmlAttr *a)
{
    int i;
    if (a->ns)
        return -1;
    for (i = 0; i < (int)(sizeof(attrs) / sizeof(attrs[0])); i++)
        if (strcasecmp((const char *)a->name, attrs[i].name) == 0)
            return i;
    return -1;
}

/* Dropped with its content: a listed element, or any element of a foreign namespace. */
static int is_dropped(const xmlNode *el, const xmlChar *own_ns)
{
    if (el->ns && el->ns->href && !xmlStrEqual(el->ns->href, BAD_CAST XHTML_NS) &&
        !(own_ns && xmlStrEqual(el->ns->href, own_ns)))
        return 1;
    return in_list(el->name, dropped, sizeof(dropped) / sizeof(dropped[0]));
}

static int is_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Finds the part of s to keep: [*start, *start + *len) minus any tab/CR/LF inside.
 * Returns 0 when the URL's scheme is not allowed. */
static int url_check(const char *s, const char **start, apr_size_t *len)
{
    char scheme[8];
    apr_size_t n = 0, i;
    while ((unsigned char)*s <= 0x20 && *s)
        s++;
    i = strlen(s);
    while (i > 0 && (unsigned char)s[i - 1] <= 0x20)
        i--;
    *start = s;
    *len = i;
    /* Browsers ignore tab/CR/LF anywhere, so "java\tscript:" is javascript: too. */
    for (; i > 0; s++, i--) {
        char c = *s;
        if (c == '\t' || c == '\r' || c == '\n')
            continue;
        if (c == '/' || c == '?' || c == '#')
            return 1;
        if (c == ':')
            break;
        if (n < sizeof(scheme) - 1)
            scheme[n] = c;
        n++; /* a name longer than any scheme we allow is refused only if a ':' follows */
    }
    if (i == 0)
        return 1; /* no ':' before the path: relative */
    if (n >= sizeof(scheme))
        return 0;
    scheme[n] = '\0';
    return strcasecmp(scheme, "http") == 0 || strcasecmp(scheme, "https") == 0 ||
           strcasecmp(scheme, "mailto") == 0;
}

const char *np_sanitize_url(apr_pool_t *p, const char *url)
{
    const char *s;
    apr_size_t n, i;
    char *copy, *d;
    if (!url || !url_check(url, &s, &n))
        return NULL;
    if (s == url && n == strlen(url) && !strpbrk(url, "\t\r\n"))
        return url;
    d = copy = apr_palloc(p, n + 1);
    for (i = 0; i < n; i++)
        if (s[i] != '\t' && s[i] != '\r' && s[i] != '\n')
            *d++ = s[i];
    *d = '\0';
    return copy;
}

np_sanitize_report *np_sanitize_report_make(apr_pool_t *p)
{
    np_sanitize_report *r = apr_pcalloc(p, sizeof(*r));
    r->pool = p;
    r->items = apr_array_make(p, 4, sizeof(np_sanitize_item));
    return r;
}

typedef struct {
    np_buf *out;
    np_sanitize_report *rep;
    const xmlChar *own_ns;
} walker;

static void report(walker *w, np_sanitize_kind kind, const xmlNode *el, const xmlAttr *a,
                   const char *value)
{
    np_sanitize_item *it;
    if (!w->rep)
        return;
    w->rep->count[kind]++;
    it = apr_array_push(w->rep->items);
    it->kind = kind;
    it->element = el->ns && el->ns->prefix
                      ? apr_pstrcat(w->rep->pool, el->ns->prefix, ":", el->name, NULL)
                      : apr_pstrdup(w->rep->pool, (const char *)el->name);
    it->attr = a ? apr_pstrdup(w->rep->pool, (const char *)a->name) : NULL;
    it->value = value ? apr_pstrdup(w->rep->pool, value) : NULL;
    np_xml_pos(el, &it->line, &it->col);
}

static void write_attr(walker *w, const xmlNode *el, const xmlAttr *a, const char *name,
                       unsigned bit)
{
    xmlChar *v = xmlNodeGetContent((const xmlNode *)a);
    const char *s = v ? (const char *)v : "";
    apr_size_t n = strlen(s), i, run;
    if ((bit & A_URL) && !url_check((const char *)s, &s, &n)) {
        report(w, NP_SANITIZE_URL, el, a, v ? (const char *)v : "");
        xmlFree(v);
        return;
    }
    np_buf_putc(w->out, ' ');
    np_buf_puts(w->out, name);
    np_buf_append(w->out, "=\"", 2);
    for (i = run = 0; i < n; i++) {
        if ((bit & A_URL) && (s[i] == '\t' || s[i] == '\r' || s[i] == '\n')) {
            np_buf_html(w->out, s + run, i - run);
            run = i + 1;
        }
    }
    np_buf_html(w->out, s + run, n - run);
    np_buf_putc(w->out, '"');
    xmlFree(v);
}

static void walk(walker *w, const xmlNode *n);

static void element(walker *w, const xmlNode *el)
{
    const elem_rule *rule;
    const xmlAttr *a;
    unsigned written = 0;

    if (is_dropped(el, w->own_ns)) {
        report(w, NP_SANITIZE_DROPPED, el, NULL, NULL);
        return;
    }
    rule = find_rule(el);
    if (!rule) {
        report(w, NP_SANITIZE_UNWRAPPED, el, NULL, NULL);
        walk(w, el->children);
        return;
    }
    np_buf_putc(w->out, '<');
    np_buf_puts(w->out, rule->name);
    for (a = el->properties; a; a = a->next) {
        int i = attr_index(a);
        unsigned bit = i < 0 ? 0 : attrs[i].bit;
        /* A second "HREF" after "href" would give the element two of them. */
        if (!(bit & rule->attrs) || (bit & written)) {
            report(w, NP_SANITIZE_ATTR, el, a, NULL);
            continue;
        }
        written |= bit;
        write_attr(w, el, a, attrs[i].name, bit);
    }
    np_buf_putc(w->out, '>');
    if (rule->flags & E_VOID) {
        walk(w, el->children); /* content has no place inside, so it follows */
        return;
    }
    walk(w, el->children);
    np_buf_append(w->out, "</", 2);
    np_buf_puts(w->out, rule->name);
    np_buf_putc(w->out, '>');
}

static void walk(walker *w, const xmlNode *n)
{
    for (; n; n = n->next) {
        switch (n->type) {
        case XML_TEXT_NODE:
        case XML_CDATA_SECTION_NODE:
            if (n->content)
                np_buf_html(w->out, (const char *)n->content, strlen((const char *)n->content));
            break;
        case XML_ELEMENT_NODE:
            element(w, n);
            break;
        default: /* comments, processing instructions, undeclared entity references */
            break;
        }
    }
}

void np_sanitize_html(np_buf *out, const xmlNode *el, np_sanitize_report *report)
{
    walker w = {out, report, el && el->ns ? el->ns->href : NULL};
    if (el)
        walk(&w, el->children);
}

static void text_walk(np_buf *b, const xmlNode *n, const xmlChar *own_ns)
{
    for (; n; n = n->next) {
        if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
            if (n->content)
                np_buf_puts(b, (const char *)n->content);
        } else if (n->type == XML_ELEMENT_NODE && !is_dropped(n, own_ns)) {
            const elem_rule *rule = find_rule(n);
            int block =
                rule ? (rule->flags & E_BLOCK) != 0
                     : in_list(n->name, text_blocks, sizeof(text_blocks) / sizeof(text_blocks[0]));
            if (block)
                np_buf_putc(b, ' ');
            text_walk(b, n->children, own_ns);
            if (block)
                np_buf_putc(b, ' ');
        }
    }
}

const char *np_sanitize_text(apr_pool_t *p, const xmlNode *node)
{
    np_buf b;
    apr_size_t i;
    char *out, *d;
    int space = 0;

    if (!node)
        return "";
    np_buf_init(&b, 256); /* not from p: the scan calls this with the snapshot's pool */
    if (node->type == XML_ELEMENT_NODE)
        text_walk(&b, node->children, node->ns ? node->ns->href : NULL);
    else if ((node->type == XML_TEXT_NODE || node->type == XML_CDATA_SECTION_NODE) && node->content)
        np_buf_puts(&b, (const char *)node->content);
    d = out = apr_palloc(p, b.len + 1);
    for (i = 0; i < b.len; i++) {
        if (is_space((unsigned char)b.data[i])) {
            space = d > out;
            continue;
        }
        if (space)
            *d++ = ' ';
        space = 0;
        *d++ = b.data[i];
    }
    *d = '\0';
    np_buf_free(&b);
    return out;
}

/* Does the subtree under n hold an element the allowlist keeps? The parser bounds the depth. */
static int holds_kept(const xmlNode *n)
{
    for (; n; n = n->next)
        if (n->type == XML_ELEMENT_NODE && ((!n->ns && find_rule(n)) || holds_kept(n->children)))
            return 1;
    return 0;
}

xmlNode *np_sanitize_fragment(apr_pool_t *p, const char *name, const char *text)
{
    static const char open_tag[] = "<body>", close_tag[] = "</body>";
    const char *s = text, *e, *err;
    apr_size_t n;
    char *doc_text;
    xmlDoc *doc;
    xmlNode *root;

    if (!s)
        return NULL;
    while (*s && is_space((unsigned char)*s))
        s++;
    for (e = s + strlen(s); e > s && is_space((unsigned char)e[-1]); e--)
        ;
    n = (apr_size_t)(e - s);
    if (!memchr(s, '<', n))
        return NULL;
    doc_text = apr_palloc(p, sizeof(open_tag) - 1 + n + sizeof(close_tag));
    memcpy(doc_text, open_tag, sizeof(open_tag) - 1);
    memcpy(doc_text + sizeof(open_tag) - 1, s, n);
    memcpy(doc_text + sizeof(open_tag) - 1 + n, close_tag, sizeof(close_tag));
    doc = np_xml_parse_memory(p, name, doc_text, sizeof(open_tag) - 1 + n + sizeof(close_tag) - 1,
                              &err);
    if (!doc || !(root = xmlDocGetRootElement(doc)) || !holds_kept(root->children))
        return NULL;
    return root;
}
