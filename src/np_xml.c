/* Safe XML parsing. Every setting that matters is made on a parser context of our own, so
 * parsing is thread-safe and other users of libxml2 in the same process are left alone.
 * Entity declarations are refused outright: nothing is ever loaded for them. */
#include "np_xml.h"

#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <apr_strings.h>
#include <libxml/parser.h>
#include <libxml/SAX2.h>
#include <libxml/dict.h>

#include "np_file.h"

/* Never NOENT, DTDLOAD, DTDATTR, DTDVALID, XINCLUDE or HUGE. */
#define NP_XML_OPTIONS (XML_PARSE_NONET | XML_PARSE_BIG_LINES | XML_PARSE_COMPACT)

typedef struct {
    long line, col;
} xml_pos;

typedef struct {
    apr_pool_t *p;
    const char *name;
    const char *refused; /* set when the document declared an entity */
    const char *fatal;   /* first fatal error */
    const char *error;   /* first error of any level, in case no fatal one was reported */
} parse_state;

void np_xml_init(void)
{
    xmlInitParser();
}

const char *np_xml_vmsg(apr_pool_t *p, const char *name, const xmlNode *node, const char *fmt,
                        va_list ap)
{
    long line = 0, col = 0;
    if (node)
        np_xml_pos(node, &line, &col);
    return apr_psprintf(p, "%s:%ld:%ld: %s", name, line, col, apr_pvsprintf(p, fmt, ap));
}

const char *np_xml_msg(apr_pool_t *p, const char *name, const xmlNode *node, const char *fmt, ...)
{
    const char *m;
    va_list ap;
    va_start(ap, fmt);
    m = np_xml_vmsg(p, name, node, fmt, ap);
    va_end(ap);
    return m;
}

/* Characters (not bytes) of UTF-8 text in [s, e). */
static long utf8_chars(const xmlChar *s, const xmlChar *e)
{
    long n = 0;
    for (; s < e; s++)
        if ((*s & 0xC0) != 0x80)
            n++;
    return n;
}

/* Line and column of start, a point before the parser's cursor in the current input buffer.
 * libxml2 only tracks the cursor, which is past the construct when the callbacks run. */
static xml_pos pos_before_cursor(xmlParserCtxtPtr ctxt, const xmlChar *start)
{
    xmlParserInputPtr in = ctxt->input;
    xml_pos pos = {in->line, 0};
    const xmlChar *s;
    long nl = 0;
    for (s = start; s < in->cur; s++)
        if (*s == '\n')
            nl++;
    if (nl == 0) {
        pos.col = in->col - utf8_chars(start, in->cur);
        if (pos.col < 1)
            pos.col = 0;
        return pos;
    }
    pos.line -= nl;
    for (s = start; s > in->base && s[-1] != '\n'; s--)
        ;
    /* Unknown when the start of the line has already been discarded from the buffer. */
    if (s > in->base || in->consumed == 0)
        pos.col = utf8_chars(s, start) + 1;
    return pos;
}

/* The last occurrence of what (ASCII) before the cursor, or NULL. */
static const xmlChar *find_back(xmlParserInputPtr in, const char *what)
{
    size_t n = strlen(what), i;
    size_t avail = (size_t)(in->cur - in->base);
    for (i = n; i <= avail; i++)
        if (memcmp(in->cur - i, what, n) == 0)
            return in->cur - i;
    return NULL;
}

static void sax_start_element(void *ctx, const xmlChar *localname, const xmlChar *prefix,
                              const xmlChar *URI, int nb_namespaces, const xmlChar **namespaces,
                              int nb_attributes, int nb_defaulted, const xmlChar **attributes)
{
    xmlParserCtxtPtr ctxt = ctx;
    parse_state *st = ctxt->_private;
    xmlNodePtr parent = ctxt->node, el;
    const xmlChar *lt;

    xmlSAX2StartElementNs(ctx, localname, prefix, URI, nb_namespaces, namespaces, nb_attributes,
                          nb_defaulted, attributes);
    el = ctxt->node;
    if (!el || el == parent || el->type != XML_ELEMENT_NODE || el->_private)
        return;
    /* '<' cannot occur inside a start tag, so the nearest one before the cursor opens it. */
    lt = find_back(ctxt->input, "<");
    if (lt) {
        xml_pos *pos = apr_palloc(st->p, sizeof(*pos));
        *pos = pos_before_cursor(ctxt, lt);
        el->_private = pos;
    }
}

static void refuse(xmlParserCtxtPtr ctxt, const char *what, const xmlChar *name)
{
    parse_state *st = ctxt->_private;
    const xmlChar *at = find_back(ctxt->input, "<!ENTITY");
    xml_pos pos = {ctxt->input->line, 0};
    if (st->refused)
        return;
    if (at)
        pos = pos_before_cursor(ctxt, at);
    st->refused = apr_psprintf(st->p, "%s:%ld:%ld: entity declarations are not allowed (%s '%s')",
                               st->name, pos.line, pos.col, what, (const char *)name);
    ctxt->wellFormed = 0;
    xmlStopParser(ctxt);
}

static void sax_entity_decl(void *ctx, const xmlChar *name, int type, const xmlChar *public_id,
                            const xmlChar *system_id, xmlChar *content)
{
    const char *what = "entity";
    switch (type) {
    case XML_INTERNAL_PARAMETER_ENTITY:
    case XML_EXTERNAL_PARAMETER_ENTITY:
        what = "parameter entity";
        break;
    case XML_EXTERNAL_GENERAL_PARSED_ENTITY:
    case XML_EXTERNAL_GENERAL_UNPARSED_ENTITY:
        what = "external entity";
        break;
    default:
        break;
    }
    refuse(ctx, what, name);
}

static void sax_unparsed_entity_decl(void *ctx, const xmlChar *name, const xmlChar *public_id,
                                     const xmlChar *system_id, const xmlChar *notation)
{
    refuse(ctx, "external entity", name);
}

/* Belt and braces: libxml2 would not load these with our options, but make sure. */
static void sax_external_subset(void *ctx, const xmlChar *name, const xmlChar *external_id,
                                const xmlChar *system_id)
{
}

static xmlParserInputPtr sax_resolve_entity(void *ctx, const xmlChar *public_id,
                                            const xmlChar *system_id)
{
    return NULL;
}

static xmlEntityPtr sax_get_parameter_entity(void *ctx, const xmlChar *name)
{
    return NULL;
}

#if LIBXML_VERSION >= 21200
static void sax_error(void *ctx, const xmlError *e)
#else
static void sax_error(void *ctx, xmlErrorPtr e)
#endif
{
    xmlParserCtxtPtr ctxt = ctx;
    parse_state *st;
    const char *text;
    char *msg, *s;
    apr_size_t n;
    if (!ctxt || !e || !(st = ctxt->_private) || st->refused || e->level == XML_ERR_WARNING)
        return;
    if (st->fatal || (st->error && e->level != XML_ERR_FATAL))
        return;
    text = e->message ? e->message : "malformed XML";
    for (n = strlen(text); n > 0 && (text[n - 1] == '\n' || text[n - 1] == ' '); n--)
        ;
    msg = apr_psprintf(st->p, "%s:%d:%d: %.*s", st->name, e->line, e->int2, (int)n, text);
    /* One line per error in the log: some messages carry a second line of detail. */
    for (s = strchr(msg, '\n'); s; s = strchr(s, '\n'))
        *s = ' ';
    if (e->level == XML_ERR_FATAL)
        st->fatal = msg;
    else
        st->error = msg;
}

/* Parser contexts are kept for reuse: making one (its dictionary, stacks and buffers) costs
 * more allocations than a small article's nodes. A context belongs to one parse at a time, until
 * its document is freed, since the document's names live in the context's dictionary. */
#define CTXT_KEEP 64       /* contexts kept at most */
#define CTXT_DICT_MAX 4096 /* a dictionary grown past this many names is not reused */

static pthread_mutex_t ctxt_lock = PTHREAD_MUTEX_INITIALIZER;
static xmlParserCtxtPtr ctxt_free[CTXT_KEEP];
static int ctxt_nfree;

static xmlParserCtxtPtr ctxt_take(void)
{
    xmlParserCtxtPtr ctxt = NULL;
    pthread_mutex_lock(&ctxt_lock);
    if (ctxt_nfree > 0)
        ctxt = ctxt_free[--ctxt_nfree];
    pthread_mutex_unlock(&ctxt_lock);
    return ctxt ? ctxt : xmlNewParserCtxt();
}

static void ctxt_give(xmlParserCtxtPtr ctxt)
{
    if (!ctxt)
        return;
    ctxt->_private = NULL;
    if (ctxt->dict && xmlDictSize(ctxt->dict) <= CTXT_DICT_MAX) {
        pthread_mutex_lock(&ctxt_lock);
        if (ctxt_nfree < CTXT_KEEP) {
            ctxt_free[ctxt_nfree++] = ctxt;
            ctxt = NULL;
        }
        pthread_mutex_unlock(&ctxt_lock);
    }
    if (ctxt)
        xmlFreeParserCtxt(ctxt);
}

typedef struct {
    xmlDocPtr doc;
    xmlParserCtxtPtr ctxt;
} parsed;

static apr_status_t doc_cleanup(void *data)
{
    parsed *d = data;
    xmlFreeDoc(d->doc);
    ctxt_give(d->ctxt);
    return APR_SUCCESS;
}

xmlDoc *np_xml_parse_memory(apr_pool_t *p, const char *name, const char *data, apr_size_t len,
                            const char **err)
{
    parse_state st = {p, name, NULL, NULL, NULL};
    xmlParserCtxtPtr ctxt;
    xmlDocPtr doc;
    parsed *d;

    *err = NULL;
    if (len > INT_MAX) {
        *err = apr_psprintf(p, "%s:0:0: file too large to parse", name);
        return NULL;
    }
    ctxt = ctxt_take();
    if (!ctxt) {
        *err = apr_psprintf(p, "%s:0:0: out of memory creating an XML parser", name);
        return NULL;
    }
    ctxt->_private = &st;
    ctxt->sax->initialized = XML_SAX2_MAGIC;
    ctxt->sax->serror = sax_error;
    ctxt->sax->startElementNs = sax_start_element;
    ctxt->sax->entityDecl = sax_entity_decl;
    ctxt->sax->unparsedEntityDecl = sax_unparsed_entity_decl;
    ctxt->sax->externalSubset = sax_external_subset;
    ctxt->sax->resolveEntity = sax_resolve_entity;
    ctxt->sax->getParameterEntity = sax_get_parameter_entity;

    doc = xmlCtxtReadMemory(ctxt, data, (int)len, name, NULL, NP_XML_OPTIONS);
    if (!doc || st.refused) {
        *err = st.refused ? st.refused
               : st.fatal ? st.fatal
               : st.error ? st.error
                          : apr_psprintf(p, "%s:0:0: not well-formed XML", name);
        if (doc)
            xmlFreeDoc(doc);
        xmlFreeParserCtxt(ctxt); /* not reused after a failure */
        return NULL;
    }
    d = apr_palloc(p, sizeof(*d));
    d->doc = doc;
    d->ctxt = ctxt;
    apr_pool_cleanup_register(p, d, doc_cleanup, apr_pool_cleanup_null);
    return doc;
}

xmlDoc *np_xml_parse_file(apr_pool_t *p, const char *path, apr_size_t max_size, const char **err)
{
    return np_xml_parse_file_in(p, NULL, path, max_size, err);
}

xmlDoc *np_xml_parse_file_in(apr_pool_t *p, const char *root, const char *path, apr_size_t max_size,
                             const char **err)
{
    return np_xml_parse_file_at(p, root, -1, path, max_size, NULL, err);
}

xmlDoc *np_xml_parse_file_at(apr_pool_t *p, const char *root, int rootfd, const char *path,
                             apr_size_t max_size, struct stat *sb, const char **err)
{
    np_file_opts fo;
    apr_size_t len;
    char *data;
    xmlDoc *doc;

    fo.root = root;
    fo.what = root ? "the content folder" : NULL;
    fo.max = max_size ? max_size : NP_XML_MAX_SIZE_DEFAULT;
    fo.limit = "NewsPortalMaxArticleSize";
    /* On the heap, not in p: the text is only needed while parsing. */
    if (!(data = np_file_read_at(p, &fo, rootfd, path, &len, sb, NULL, err)))
        return NULL;
    doc = np_xml_parse_memory(p, path, data, len, err);
    free(data);
    return doc;
}

void np_xml_pos(const xmlNode *node, long *line, long *col)
{
    *line = 0;
    *col = 0;
    if (!node)
        return;
    if (node->type == XML_ELEMENT_NODE && node->_private) {
        const xml_pos *pos = node->_private;
        *line = pos->line;
        *col = pos->col;
        return;
    }
    if (node->type == XML_ATTRIBUTE_NODE && node->parent) {
        np_xml_pos(node->parent, line, col);
        return;
    }
    *line = xmlGetLineNo(node);
    if (*line < 0)
        *line = 0;
}

int np_xml_is(const xmlNode *node, const char *name)
{
    return node && node->type == XML_ELEMENT_NODE && node->name &&
           strcmp((const char *)node->name, name) == 0;
}

xmlNode *np_xml_child(const xmlNode *parent, const char *name)
{
    xmlNode *c;
    for (c = parent ? parent->children : NULL; c; c = c->next)
        if (np_xml_is(c, name))
            return c;
    return NULL;
}

xmlNode *np_xml_next(const xmlNode *node)
{
    xmlNode *c;
    for (c = node->next; c; c = c->next)
        if (np_xml_is(c, (const char *)node->name))
            return c;
    return NULL;
}

const char *np_xml_attr(apr_pool_t *p, const xmlNode *el, const char *name)
{
    xmlChar *v = xmlGetNoNsProp(el, (const xmlChar *)name);
    const char *s;
    if (!v)
        return NULL;
    s = apr_pstrdup(p, (const char *)v);
    xmlFree(v);
    return s;
}
