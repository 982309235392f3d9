/* Mustache engine. Compiling turns a source into a flat instruction array whose text is sliced
 * from the source; rendering walks that array with all its state on the caller's stack. A
 * compiled template is never written again, so threads share it without locks, and a render
 * never allocates except to grow the caller's output buffer. */
#include "np_template.h"

#include "np_file.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <apr_file_info.h>
#include <apr_file_io.h>
#include <apr_hash.h>
#include <apr_strings.h>

/* ---- compiled form ---- */

enum {
    OP_TEXT,
    OP_VAR,     /* {{name}}: escaped */
    OP_RAW,     /* {{{name}}}, {{&name}} */
    OP_SECTION, /* body is [i+1, end], end being the OP_END */
    OP_INVERTED,
    OP_END,
    OP_PARTIAL,
    OP_PARENT, /* its body holds only its argument blocks */
    OP_BLOCK
};

enum {
    F_BOL = 1,        /* starts a line: gets the indentation of an indented partial */
    F_MULTI = 2,      /* text with a line start inside it */
    F_STANDALONE = 4, /* the tag was alone on its line, which was dropped */
    F_DYN = 8         /* partial or parent named by the value of a key ({{>*key}}) */
};

typedef struct {
    const char *s;
    apr_size_t len;
} tpl_slice;

typedef struct {
    unsigned char op, flags;
    int end; /* sections, parents, blocks: index of their OP_END */
    int line, col;
    const char *s; /* text, or the tag's name */
    apr_size_t len;
    const tpl_slice *parts; /* the name split at dots; none for "." */
    int nparts;
    const char *ind; /* partials, parents, blocks: indentation to add to their lines */
    apr_size_t ind_len;
} tpl_ins;

struct np_tpl {
    const char *name, *file;
    const tpl_ins *ins;
    int n;
};

struct np_tpl_set {
    apr_pool_t *pool;
    apr_hash_t *byname;
};

static void tpl_error(np_tpl_error *err, const char *file, int line, int col, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static void tpl_error(np_tpl_error *err, const char *file, int line, int col, const char *fmt, ...)
{
    va_list ap;
    if (!err)
        return;
    apr_cpystrn(err->file, file ? file : "", sizeof(err->file));
    err->line = line;
    err->col = col;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
    va_end(ap);
    if (line > 0)
        snprintf(err->text, sizeof(err->text), "%s:%d:%d: %s", err->file, line, col, err->msg);
    else
        snprintf(err->text, sizeof(err->text), "%s: %s", err->file, err->msg);
}

/* Clears only what tells an error apart: renders call this and should not pay for more. */
static void error_clear(np_tpl_error *err)
{
    if (!err)
        return;
    err->file[0] = err->msg[0] = err->text[0] = '\0';
    err->line = err->col = 0;
}

/* ---- compiling: tokens ---- */

enum {
    K_TEXT,
    K_VAR,
    K_RAW,
    K_SECTION,
    K_INVERTED,
    K_CLOSE,
    K_PARTIAL,
    K_PARENT,
    K_BLOCK,
    K_COMMENT,
    K_DELIM
};

typedef struct {
    unsigned char kind;
    unsigned char dyn;
    unsigned char bol;        /* first token of its line */
    unsigned char standalone; /* tag alone on its line */
    unsigned char removed;    /* whitespace dropped with a standalone line */
    const char *s;            /* text, or the tag's name */
    apr_size_t len;
    const char *ind; /* standalone tags: the whitespace before them */
    apr_size_t ind_len;
    int lead;  /* tags after only whitespace on a line that is kept: that whitespace's token */
    int match; /* the close of an open tag, the open of a close */
    int owner; /* the open tag enclosing this one, -1 at top level */
    int line, col;
} tpl_tok;

typedef struct {
    apr_pool_t *pool; /* the set's: the result */
    apr_pool_t *tmp;  /* tokens: dropped after compiling */
    const char *file;
    const char *src, *end;
    tpl_tok *toks;
    int n, cap;
    int *open; /* tokens of the tags open at this point */
    int depth, open_cap;
    const char *otag, *ctag; /* current delimiters */
    apr_size_t olen, clen;
    const char *close_raw, *close_delim; /* "}" and "=" before ctag */
    const char *col_at;                  /* the last place column() counted to, and its column */
    int col;
    np_tpl_error *err;
} tpl_cc;

static int is_blank(char c)
{
    return c == ' ' || c == '\t';
}

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* Column of at (UTF-8 characters), counting on from the last call on the same line so that a
 * long one-line template stays linear. */
static int column(tpl_cc *cc, const char *line_start, const char *at)
{
    const char *p = line_start;
    int col = 1;
    if (cc->col_at >= line_start && cc->col_at <= at) {
        p = cc->col_at;
        col = cc->col;
    }
    for (; p < at; p++)
        if (((unsigned char)*p & 0xC0) != 0x80)
            col++;
    cc->col_at = at;
    cc->col = col;
    return col;
}

static const char *find(const char *p, const char *end, const char *needle, apr_size_t n)
{
    while ((apr_size_t)(end - p) >= n) {
        const char *q = memchr(p, needle[0], (apr_size_t)(end - p) - n + 1);
        if (!q)
            break;
        if (memcmp(q, needle, n) == 0)
            return q;
        p = q + 1;
    }
    return NULL;
}

static void trim(const char **s, apr_size_t *len)
{
    while (*len && is_space(**s)) {
        (*s)++;
        (*len)--;
    }
    while (*len && is_space((*s)[*len - 1]))
        (*len)--;
}

/* Appends a token owned by the innermost open tag; returns its index. */
static int tok_push(tpl_cc *cc, int kind, const char *s, apr_size_t len, int line, int col)
{
    tpl_tok *t;
    if (cc->n == cc->cap) {
        int cap = cc->cap ? cc->cap * 2 : 64;
        tpl_tok *toks = apr_palloc(cc->tmp, cap * sizeof(*toks));
        if (cc->n)
            memcpy(toks, cc->toks, cc->n * sizeof(*toks));
        cc->toks = toks;
        cc->cap = cap;
    }
    t = &cc->toks[cc->n];
    memset(t, 0, sizeof(*t));
    t->kind = (unsigned char)kind;
    t->s = s;
    t->len = len;
    t->lead = t->match = -1;
    t->owner = cc->depth ? cc->open[cc->depth - 1] : -1;
    t->line = line;
    t->col = col;
    return cc->n++;
}

static void open_push(tpl_cc *cc, int k)
{
    if (cc->depth == cc->open_cap) {
        int cap = cc->open_cap ? cc->open_cap * 2 : 16;
        int *open = apr_palloc(cc->tmp, cap * sizeof(int));
        if (cc->depth)
            memcpy(open, cc->open, cc->depth * sizeof(int));
        cc->open = open;
        cc->open_cap = cap;
    }
    cc->open[cc->depth++] = k;
}

static const char *kind_name(int kind)
{
    switch (kind) {
    case K_INVERTED:
        return "inverted section";
    case K_PARENT:
        return "parent";
    case K_BLOCK:
        return "block";
    default:
        return "section";
    }
}

static int is_open(int kind)
{
    return kind == K_SECTION || kind == K_INVERTED || kind == K_PARENT || kind == K_BLOCK;
}

static int sigil_kind(char c)
{
    switch (c) {
    case '#':
        return K_SECTION;
    case '^':
        return K_INVERTED;
    case '/':
        return K_CLOSE;
    case '>':
        return K_PARTIAL;
    case '<':
        return K_PARENT;
    case '$':
        return K_BLOCK;
    case '!':
        return K_COMMENT;
    case '&':
    case '{':
        return K_RAW;
    case '=':
        return K_DELIM;
    default:
        return K_VAR;
    }
}

static void set_delimiters(tpl_cc *cc, const char *o, apr_size_t olen, const char *c,
                           apr_size_t clen)
{
    const char *ctag = apr_pstrmemdup(cc->tmp, c, clen);
    cc->otag = o;
    cc->olen = olen;
    cc->ctag = c;
    cc->clen = clen;
    cc->close_raw = apr_pstrcat(cc->tmp, "}", ctag, NULL);
    cc->close_delim = apr_pstrcat(cc->tmp, "=", ctag, NULL);
}

/* "{{/name}}" in the delimiters in force, for messages. */
static const char *close_tag(tpl_cc *cc, const tpl_tok *open)
{
    return apr_psprintf(cc->tmp, "%.*s/%s%.*s%.*s", (int)cc->olen, cc->otag, open->dyn ? "*" : "",
                        (int)open->len, open->s, (int)cc->clen, cc->ctag);
}

/* {{=OPEN CLOSE=}}: two delimiters without '=' or whitespace. */
static int change_delimiters(tpl_cc *cc, const char *name, apr_size_t len, const char *tag,
                             apr_size_t tag_len, int line, int col)
{
    const char *end = name + len, *oe = name, *c, *ce;
    while (oe < end && !is_space(*oe))
        oe++;
    for (c = oe; c < end && is_space(*c); c++)
        ;
    for (ce = c; ce < end && !is_space(*ce); ce++)
        ;
    if (oe == name || ce == c || ce != end || memchr(name, '=', (apr_size_t)(oe - name)) ||
        memchr(c, '=', (apr_size_t)(ce - c))) {
        tpl_error(cc->err, cc->file, line, col,
                  "bad delimiter change '%.*s': expected two delimiters without '=' separated by "
                  "whitespace, as in '{{=<%% %%>=}}'",
                  (int)tag_len, tag);
        return 0;
    }
    set_delimiters(cc, name, (apr_size_t)(oe - name), c, (apr_size_t)(ce - c));
    return 1;
}

/* Checks a name: one word, not empty. */
static int check_name(tpl_cc *cc, const tpl_tok *t, const char *tag, apr_size_t tag_len)
{
    apr_size_t i;
    if (t->len == 0) {
        tpl_error(cc->err, cc->file, t->line, t->col, "empty tag '%.*s': expected a name",
                  (int)tag_len, tag);
        return 0;
    }
    for (i = 0; i < t->len; i++)
        if (is_space(t->s[i])) {
            tpl_error(cc->err, cc->file, t->line, t->col,
                      "tag name '%.*s' contains whitespace: expected one name", (int)t->len, t->s);
            return 0;
        }
    return 1;
}

/* Pairs close tag k with the innermost open tag. */
static int close_open_tag(tpl_cc *cc, int k, const char *tag, apr_size_t tag_len)
{
    tpl_tok *t = &cc->toks[k], *o;
    if (cc->depth == 0) {
        tpl_error(cc->err, cc->file, t->line, t->col, "'%.*s' closes nothing: no section is open",
                  (int)tag_len, tag);
        return 0;
    }
    o = &cc->toks[cc->open[cc->depth - 1]];
    if (o->dyn != t->dyn || o->len != t->len || memcmp(o->s, t->s, t->len) != 0) {
        tpl_error(cc->err, cc->file, t->line, t->col,
                  "'%.*s' does not close %s '%s%.*s' opened at %d:%d: expected '%s'", (int)tag_len,
                  tag, kind_name(o->kind), o->dyn ? "*" : "", (int)o->len, o->s, o->line, o->col,
                  close_tag(cc, o));
        return 0;
    }
    t->match = cc->open[cc->depth - 1];
    t->owner = o->owner;
    o->match = k;
    cc->depth--;
    return 1;
}

/* Splits the source into text (one token per line at most) and tags, following delimiter
 * changes and pairing open and close tags. */
static int tokenize(tpl_cc *cc)
{
    const char *p = cc->src, *end = cc->end, *line_start = p;
    int line = 1;

    set_delimiters(cc, "{{", 2, "}}", 2);
    while (p < end) {
        const char *q = find(p, end, cc->otag, cc->olen), *c, *close, *closing, *name, *x;
        apr_size_t closing_len, len;
        int kind, k, col;
        if (!q)
            q = end;
        while (p < q) {
            const char *nl = memchr(p, '\n', (apr_size_t)(q - p));
            const char *stop = nl ? nl + 1 : q;
            tok_push(cc, K_TEXT, p, (apr_size_t)(stop - p), line, column(cc, line_start, p));
            if (nl) {
                line++;
                line_start = stop;
            }
            p = stop;
        }
        if (q == end)
            break;

        col = column(cc, line_start, q);
        c = q + cc->olen;
        kind = c < end ? sigil_kind(*c) : K_VAR;
        closing = cc->ctag;
        closing_len = cc->clen;
        if (kind == K_DELIM || (kind == K_RAW && *c == '{')) { /* "=}}" and "}}}" */
            closing = kind == K_DELIM ? cc->close_delim : cc->close_raw;
            closing_len++;
        }
        if (kind != K_VAR)
            c++;
        close = find(c, end, closing, closing_len);
        if (!close) {
            const char *snip = c;
            while (snip < end && snip - q < 24 && *snip != '\n')
                snip++;
            tpl_error(cc->err, cc->file, line, col, "tag '%.*s' is never closed: expected '%.*s'",
                      (int)(snip - q), q, (int)closing_len, closing);
            return 0;
        }
        p = close + closing_len;

        name = c;
        len = (apr_size_t)(close - c);
        if (kind != K_COMMENT)
            trim(&name, &len);
        if (kind == K_DELIM && !change_delimiters(cc, name, len, q, (apr_size_t)(p - q), line, col))
            return 0;
        k = tok_push(cc, kind, name, len, line, col);
        for (x = q; x < p; x++) /* comments may span lines */
            if (*x == '\n') {
                line++;
                line_start = x + 1;
            }
        if (kind == K_COMMENT || kind == K_DELIM)
            continue;

        /* a dynamic name; a close tag has one only when it closes a dynamic parent */
        if (len && name[0] == '*' &&
            (kind == K_PARTIAL || kind == K_PARENT ||
             (kind == K_CLOSE && cc->depth && cc->toks[cc->open[cc->depth - 1]].dyn))) {
            tpl_tok *t = &cc->toks[k];
            t->dyn = 1;
            t->s++;
            t->len--;
            trim(&t->s, &t->len);
        }
        if (!check_name(cc, &cc->toks[k], q, (apr_size_t)(p - q)))
            return 0;
        if (kind == K_CLOSE && !close_open_tag(cc, k, q, (apr_size_t)(p - q)))
            return 0;
        if (is_open(kind))
            open_push(cc, k);
    }
    if (cc->depth) {
        const tpl_tok *o = &cc->toks[cc->open[cc->depth - 1]];
        tpl_error(cc->err, cc->file, line, column(cc, line_start, end),
                  "%s '%s%.*s' opened at %d:%d is never closed: expected '%s'", kind_name(o->kind),
                  o->dyn ? "*" : "", (int)o->len, o->s, o->line, o->col, close_tag(cc, o));
        return 0;
    }
    return 1;
}

/* ---- compiling: whitespace ---- */

/* Only blanks, then at most one line ending. */
static int text_blank(const tpl_tok *t)
{
    apr_size_t i, n = t->len;
    if (n && t->s[n - 1] == '\n') {
        n--;
        if (n && t->s[n - 1] == '\r')
            n--;
    }
    for (i = 0; i < n; i++)
        if (!is_blank(t->s[i]))
            return 0;
    return 1;
}

static int ends_line(const tpl_tok *t)
{
    return t->kind == K_TEXT && t->len && t->s[t->len - 1] == '\n';
}

/* A line holding only whitespace and tags that print nothing, at most one of them other than
 * parent tags, is standalone: it is dropped, and its whitespace becomes the indentation of a
 * partial, parent or block on it. Parent tags do not count, so "{{<parent}}{{$block}}" and
 * "{{<parent}}{{/parent}}" are standalone too, as the inheritance spec wants. */
static void mark_lines(tpl_cc *cc)
{
    int i = 0, j, k;
    while (i < cc->n) {
        int tags = 0, others = 0, ok = 1;
        for (j = i; j < cc->n; j++) {
            const tpl_tok *t = &cc->toks[j];
            if (t->kind == K_TEXT) {
                if (!text_blank(t))
                    ok = 0;
                if (ends_line(t)) {
                    j++;
                    break;
                }
                continue;
            }
            tags++;
            if (t->kind == K_VAR || t->kind == K_RAW)
                ok = 0;
            else if (t->kind != K_PARENT &&
                     !(t->kind == K_CLOSE && cc->toks[t->match].kind == K_PARENT))
                others++;
        }
        cc->toks[i].bol = 1;
        if (ok && tags && others <= 1) {
            const tpl_tok *lead = cc->toks[i].kind == K_TEXT ? &cc->toks[i] : NULL;
            for (k = i; k < j; k++) {
                tpl_tok *t = &cc->toks[k];
                if (t->kind == K_TEXT) {
                    t->removed = 1;
                } else {
                    t->standalone = 1;
                    if (lead) {
                        t->ind = lead->s;
                        t->ind_len = lead->len;
                    }
                }
            }
        } else if (cc->toks[i].kind == K_TEXT && i + 1 < j && cc->toks[i + 1].kind != K_TEXT &&
                   text_blank(&cc->toks[i])) {
            cc->toks[i + 1].lead = i;
        }
        i = j;
    }
}

/* Visits the lines starting in toks [lo, hi) and gives each one's indentation to fn: the
 * whitespace before a standalone tag, or the leading blanks of a kept line. Blank lines and the
 * line of the closing tag have none. */
typedef void (*line_fn)(tpl_cc *cc, int first, int last, void *baton);

static void each_line(tpl_cc *cc, int lo, int hi, line_fn fn, void *baton)
{
    int k = lo, e;
    while (k < hi) {
        for (e = k + 1; e < hi && !cc->toks[e].bol; e++)
            ;
        if (cc->toks[k].bol)
            fn(cc, k, e, baton);
        k = e;
    }
}

typedef struct {
    const char *s;
    apr_size_t len;
    int set;
} tpl_common;

static void common_add(tpl_common *c, const char *s, apr_size_t len)
{
    apr_size_t i;
    if (!c->set) {
        c->s = s;
        c->len = len;
        c->set = 1;
        return;
    }
    for (i = 0; i < c->len && i < len && c->s[i] == s[i]; i++)
        ;
    c->len = i;
}

static void measure_line(tpl_cc *cc, int first, int last, void *baton)
{
    tpl_common *c = baton;
    const tpl_tok *t = &cc->toks[first];
    apr_size_t n = 0;
    int k;
    for (k = first; k < last; k++)
        if (cc->toks[k].standalone) {
            common_add(c, cc->toks[k].ind, cc->toks[k].ind_len);
            return;
        }
    if (t->removed || (ends_line(t) && text_blank(t)))
        return;
    if (t->kind == K_TEXT)
        while (n < t->len && is_blank(t->s[n]))
            n++;
    common_add(c, t->s, n);
}

static void dedent_line(tpl_cc *cc, int first, int last, void *baton)
{
    const tpl_common *c = baton;
    tpl_tok *t = &cc->toks[first];
    int k, standalone = 0;
    for (k = first; k < last; k++) {
        tpl_tok *u = &cc->toks[k];
        if (u->standalone && u->ind_len >= c->len && memcmp(u->ind, c->s, c->len) == 0) {
            u->ind += c->len;
            u->ind_len -= c->len;
        }
        standalone |= u->standalone;
    }
    if (!standalone && t->kind == K_TEXT && t->len >= c->len && memcmp(t->s, c->s, c->len) == 0) {
        t->s += c->len;
        t->len -= c->len;
    }
}

static tpl_common common_indent(tpl_cc *cc, int lo, int hi)
{
    tpl_common c = {"", 0, 0};
    each_line(cc, lo, hi, measure_line, &c);
    return c;
}

/* A block passed to a parent loses the indentation its lines share when its opening tag is
 * standalone; the indentation of the place it fills is added back when it is rendered. */
static void dedent_arguments(tpl_cc *cc)
{
    int k;
    for (k = 0; k < cc->n; k++) {
        const tpl_tok *t = &cc->toks[k];
        if (t->kind == K_BLOCK && t->standalone && t->owner >= 0 &&
            cc->toks[t->owner].kind == K_PARENT) {
            tpl_common c = common_indent(cc, k + 1, t->match);
            if (c.len)
                each_line(cc, k + 1, t->match, dedent_line, &c);
        }
    }
}

/* ---- compiling: instructions ---- */

static void split_name(apr_pool_t *p, tpl_ins *in, const char *s, apr_size_t len)
{
    tpl_slice *parts;
    apr_size_t i, start = 0;
    int n = 1;
    if (len == 1 && s[0] == '.')
        return; /* the implicit iterator: no parts */
    for (i = 0; i < len; i++)
        n += s[i] == '.';
    parts = apr_palloc(p, n * sizeof(*parts));
    n = 0;
    for (i = 0; i <= len; i++)
        if (i == len || s[i] == '.') {
            parts[n].s = s + start;
            parts[n].len = i - start;
            n++;
            start = i + 1;
        }
    in->parts = parts;
    in->nparts = n;
}

/* Content directly inside a parent tag other than its blocks is ignored. */
static int ignored(const tpl_cc *cc, const tpl_tok *t)
{
    if (t->owner < 0 || cc->toks[t->owner].kind != K_PARENT)
        return 0;
    return !(t->kind == K_BLOCK || (t->kind == K_CLOSE && cc->toks[t->match].kind == K_BLOCK));
}

static void emit(tpl_cc *cc, np_tpl *tpl)
{
    tpl_ins *ins = apr_pcalloc(cc->pool, (cc->n + 1) * sizeof(*ins));
    int *open = apr_palloc(cc->tmp, (cc->n + 1) * sizeof(int));
    int n = 0, depth = 0, k, pending_bol = 0;

    for (k = 0; k < cc->n; k++) {
        const tpl_tok *t = &cc->toks[k];
        tpl_ins *in;
        if (ignored(cc, t)) {
            if (is_open(t->kind))
                k = t->match;
            continue;
        }
        if (t->removed)
            continue;
        if (t->kind == K_COMMENT || t->kind == K_DELIM) {
            /* prints nothing, but the line still starts here */
            if (t->bol && !t->standalone)
                pending_bol = 1;
            continue;
        }
        if (t->kind == K_TEXT && n && ins[n - 1].op == OP_TEXT &&
            ins[n - 1].s + ins[n - 1].len == t->s) {
            ins[n - 1].len += t->len;
            continue;
        }
        in = &ins[n];
        in->line = t->line;
        in->col = t->col;
        if ((t->bol || pending_bol) && !t->standalone)
            in->flags |= F_BOL;
        pending_bol = 0;
        if (t->standalone)
            in->flags |= F_STANDALONE;
        if (t->dyn)
            in->flags |= F_DYN;
        in->s = t->s;
        in->len = t->len;
        switch (t->kind) {
        case K_TEXT:
            in->op = OP_TEXT;
            break;
        case K_VAR:
        case K_RAW:
            in->op = t->kind == K_VAR ? OP_VAR : OP_RAW;
            split_name(cc->pool, in, t->s, t->len);
            break;
        case K_SECTION:
        case K_INVERTED:
            in->op = t->kind == K_SECTION ? OP_SECTION : OP_INVERTED;
            split_name(cc->pool, in, t->s, t->len);
            open[depth++] = n;
            break;
        case K_PARTIAL:
        case K_PARENT:
            in->op = t->kind == K_PARTIAL ? OP_PARTIAL : OP_PARENT;
            if (t->dyn)
                split_name(cc->pool, in, t->s, t->len);
            if (t->standalone) {
                in->ind = t->ind;
                in->ind_len = t->ind_len;
            }
            if (t->kind == K_PARENT)
                open[depth++] = n;
            break;
        case K_BLOCK:
            in->op = OP_BLOCK;
            if (t->standalone) {
                /* a standalone block is indented like its own tag, else like its content */
                in->ind = t->ind;
                in->ind_len = t->ind_len;
                if (!in->ind_len) {
                    tpl_common c = common_indent(cc, k + 1, t->match);
                    in->ind = c.s;
                    in->ind_len = c.len;
                }
            } else if (t->lead >= 0) {
                in->ind = cc->toks[t->lead].s;
                in->ind_len = cc->toks[t->lead].len;
            }
            open[depth++] = n;
            break;
        case K_CLOSE:
            in->op = OP_END;
            ins[open[--depth]].end = n;
            break;
        }
        n++;
    }
    for (k = 0; k < n; k++)
        if (ins[k].op == OP_TEXT && ins[k].len > 1 && memchr(ins[k].s, '\n', ins[k].len - 1))
            ins[k].flags |= F_MULTI;
    tpl->ins = ins;
    tpl->n = n;
}

/* ---- the set ---- */

np_tpl_set *np_tpl_set_create(apr_pool_t *pool)
{
    np_tpl_set *set = apr_pcalloc(pool, sizeof(*set));
    set->pool = pool;
    set->byname = apr_hash_make(pool);
    return set;
}

const np_tpl *np_tpl_compile(np_tpl_set *set, const char *name, const char *file, const char *src,
                             apr_size_t len, np_tpl_error *err)
{
    tpl_cc cc;
    np_tpl *tpl;
    char *copy;
    int ok;

    memset(&cc, 0, sizeof(cc));
    error_clear(err);
    copy = apr_palloc(set->pool, len + 1);
    if (len)
        memcpy(copy, src, len);
    copy[len] = '\0';
    cc.pool = set->pool;
    cc.file = file ? file : name;
    cc.src = copy;
    cc.end = copy + len;
    cc.err = err;
    apr_pool_create(&cc.tmp, set->pool);

    tpl = apr_pcalloc(set->pool, sizeof(*tpl));
    tpl->name = apr_pstrdup(set->pool, name);
    tpl->file = apr_pstrdup(set->pool, cc.file);
    ok = tokenize(&cc);
    if (ok) {
        mark_lines(&cc);
        dedent_arguments(&cc);
        emit(&cc, tpl);
        apr_hash_set(set->byname, tpl->name, APR_HASH_KEY_STRING, tpl);
    }
    apr_pool_destroy(cc.tmp);
    return ok ? tpl : NULL;
}

const np_tpl *np_tpl_compile_file(np_tpl_set *set, const char *name, const char *root,
                                  const char *path, np_tpl_error *err)
{
    np_file_opts fo;
    apr_pool_t *tmp;
    const char *why = NULL;
    char *data;
    apr_size_t len = 0, n = strlen(path);
    const np_tpl *tpl = NULL;

    fo.root = root;
    fo.what = root ? "the templates folder" : NULL;
    fo.max = NP_TPL_MAX_SIZE;
    fo.limit = "the template size limit";
    apr_pool_create(&tmp, set->pool);
    /* Opened confined to the templates folder, like content files to theirs. */
    data = np_file_read(tmp, &fo, path, &len, NULL, &why);
    if (!data) {
        /* why is "path:0:0: text"; the error names the file itself. */
        if (strncmp(why, path, n) == 0 && strncmp(why + n, ":0:0: ", 6) == 0)
            why += n + 6;
        if (strncmp(why, "cannot open: ", 13) == 0)
            why += 13;
        tpl_error(err, path, 0, 0, "cannot read template: %s", why);
    } else {
        tpl = np_tpl_compile(set, name, path, data, len, err);
        free(data);
    }
    apr_pool_destroy(tmp);
    return tpl;
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

apr_status_t np_tpl_set_load_dir(np_tpl_set *set, const char *dir, const char *ext,
                                 np_tpl_error *err)
{
    apr_pool_t *tmp;
    apr_dir_t *d;
    apr_finfo_t fi;
    apr_array_header_t *names;
    apr_size_t elen = strlen(ext);
    apr_status_t rv;
    char msg[256];
    int i;

    apr_pool_create(&tmp, set->pool);
    rv = apr_dir_open(&d, dir, tmp);
    if (rv != APR_SUCCESS) {
        tpl_error(err, dir, 0, 0, "cannot open template folder: %s",
                  apr_strerror(rv, msg, sizeof(msg)));
        apr_pool_destroy(tmp);
        return rv;
    }
    names = apr_array_make(tmp, 16, sizeof(const char *));
    while ((rv = apr_dir_read(&fi, APR_FINFO_NAME | APR_FINFO_TYPE, d)) == APR_SUCCESS ||
           rv == APR_INCOMPLETE) {
        apr_size_t n = strlen(fi.name);
        if (fi.name[0] == '.' || n <= elen || strcmp(fi.name + n - elen, ext) != 0 ||
            fi.filetype == APR_DIR)
            continue;
        APR_ARRAY_PUSH(names, const char *) = apr_pstrdup(tmp, fi.name);
    }
    apr_dir_close(d);
    qsort(names->elts, names->nelts, sizeof(const char *), cmp_names);

    rv = APR_SUCCESS;
    for (i = 0; i < names->nelts && rv == APR_SUCCESS; i++) {
        const char *fname = APR_ARRAY_IDX(names, i, const char *);
        char *path;
        if (apr_filepath_merge(&path, dir, fname, APR_FILEPATH_NATIVE, tmp) != APR_SUCCESS)
            path = apr_pstrcat(tmp, dir, "/", fname, NULL);
        if (!np_tpl_compile_file(set, apr_pstrmemdup(tmp, fname, strlen(fname) - elen), dir, path,
                                 err))
            rv = APR_EGENERAL;
    }
    apr_pool_destroy(tmp);
    return rv;
}

const np_tpl *np_tpl_get(const np_tpl_set *set, const char *name)
{
    return apr_hash_get(set->byname, name, APR_HASH_KEY_STRING);
}

const char *np_tpl_name(const np_tpl *tpl)
{
    return tpl->name;
}

const char *np_tpl_file(const np_tpl *tpl)
{
    return tpl->file;
}

/* ---- rendering ---- */

/* The context stack, the indentation to add to each line, and the parent tags being expanded
 * (whose blocks override the ones met): linked lists on the C stack, one node per level. */
typedef struct tpl_ctx {
    const np_value *v;
    const struct tpl_ctx *up;
} tpl_ctx;

typedef struct tpl_indent {
    const char *s;
    apr_size_t len;
    const struct tpl_indent *up;
} tpl_indent;

typedef struct tpl_frame {
    const np_tpl *tpl;
    int parent; /* index of the OP_PARENT whose blocks apply */
    const struct tpl_frame *up;
} tpl_frame;

typedef struct {
    const np_tpl_set *set;
    np_buf *out;
    const np_logger *log;
    np_tpl_error *err;
    int depth;   /* partials and parents */
    int nesting; /* render_range calls */
} tpl_run;

/* Bytes np_buf_html replaces (a unit test checks the two agree): runs without them are copied
 * in one go, and np_buf_html only ever sees the byte to replace. */
static const unsigned char html_special[256] = {
    ['&'] = 1, ['<'] = 1, ['>'] = 1, ['"'] = 1, ['\''] = 1};

static void put_html(np_buf *out, const char *s, apr_size_t n)
{
    apr_size_t i = 0, run;
    while (i < n) {
        for (run = i; i < n && !html_special[(unsigned char)s[i]]; i++)
            ;
        np_buf_append(out, s + run, i - run);
        if (i < n)
            np_buf_html(out, s + i++, 1);
    }
}

static void put_indent(np_buf *out, const tpl_indent *ind)
{
    if (ind->up)
        put_indent(out, ind->up);
    np_buf_append(out, ind->s, ind->len);
}

/* Text with line starts inside: each gets the indentation. */
static void put_text_indented(np_buf *out, const char *s, apr_size_t n, const tpl_indent *ind)
{
    const char *end = s + n;
    while (s < end) {
        const char *nl = memchr(s, '\n', (apr_size_t)(end - s));
        if (!nl || nl + 1 == end) {
            np_buf_append(out, s, (apr_size_t)(end - s));
            return;
        }
        np_buf_append(out, s, (apr_size_t)(nl + 1 - s));
        put_indent(out, ind);
        s = nl + 1;
    }
}

/* The first part of a dotted name is looked up through the context stack, the others only
 * inside what it found. */
static const np_value *lookup(const tpl_ctx *cx, const tpl_ins *in)
{
    const np_value *v = NULL;
    int i;
    if (in->nparts == 0)
        return cx->v;
    for (; cx; cx = cx->up)
        if (cx->v->type == NP_MAP &&
            (v = np_map_getn(cx->v, in->parts[0].s, in->parts[0].len)) != NULL)
            break;
    for (i = 1; v && i < in->nparts; i++)
        v = np_map_getn(v, in->parts[i].s, in->parts[i].len);
    return v;
}

static void put_value(np_buf *out, const np_value *v, int escape)
{
    if (!v)
        return;
    switch (v->type) {
    case NP_STR:
        if (escape)
            put_html(out, v->u.str.s, v->u.str.len);
        else
            np_buf_append(out, v->u.str.s, v->u.str.len);
        break;
    case NP_BOOL:
        if (v->u.b)
            np_buf_append(out, "true", 4);
        else
            np_buf_append(out, "false", 5);
        break;
    default:
        break;
    }
}

static int render_range(tpl_run *run, const np_tpl *tpl, int i, int end, const tpl_ctx *cx,
                        const tpl_frame *fr, const tpl_indent *ind, int lead);

/* The template a partial or parent tag names, or NULL (logged) when there is none. */
static const np_tpl *resolve(tpl_run *run, const np_tpl *tpl, const tpl_ins *in, const tpl_ctx *cx,
                             const char *what)
{
    const char *name = in->s;
    apr_size_t len = in->len;
    const np_tpl *found;
    if (in->flags & F_DYN) {
        const np_value *v = lookup(cx, in);
        if (!v || v->type != NP_STR) {
            np_log(run->log, NP_LOG_DEBUG, "%s:%d:%d: %s name '*%.*s' is not a string; %s",
                   tpl->file, in->line, in->col, what, (int)in->len, in->s, "rendered as empty");
            return NULL;
        }
        name = v->u.str.s;
        len = v->u.str.len;
    }
    found = apr_hash_get(run->set->byname, name, (apr_ssize_t)len);
    if (!found)
        np_log(run->log, NP_LOG_DEBUG, "%s:%d:%d: %s '%.*s' not found; rendered as empty",
               tpl->file, in->line, in->col, what, (int)len, name);
    return found;
}

static int render_included(tpl_run *run, const np_tpl *tpl, int at, const tpl_ctx *cx,
                           const tpl_frame *fr, const tpl_indent *ind)
{
    const tpl_ins *in = &tpl->ins[at];
    const char *what = in->op == OP_PARENT ? "parent" : "partial";
    const np_tpl *inc = resolve(run, tpl, in, cx, what);
    tpl_indent own;
    tpl_frame frame;
    int rc;
    if (!inc)
        return 0;
    if (run->depth >= NP_TPL_MAX_DEPTH) {
        tpl_error(run->err, tpl->file, in->line, in->col,
                  "%s '%s' nested more than %d deep: does it include itself without end?", what,
                  inc->name, NP_TPL_MAX_DEPTH);
        return -1;
    }
    /* standalone: its lines take the tag's indentation; inline: no indentation */
    if (!(in->flags & F_STANDALONE)) {
        ind = NULL;
    } else if (in->ind_len) {
        own.s = in->ind;
        own.len = in->ind_len;
        own.up = ind;
        ind = &own;
    }
    if (in->op == OP_PARENT) {
        frame.tpl = tpl;
        frame.parent = at;
        frame.up = fr;
        fr = &frame;
    }
    run->depth++;
    rc = render_range(run, inc, 0, inc->n, cx, fr, ind, 0);
    run->depth--;
    return rc;
}

/* A block renders the argument of the outermost parent tag that passes one, else its own
 * content. An argument is rendered with the parent tags outside the one that passed it. */
static int render_block(tpl_run *run, const np_tpl *tpl, int at, const tpl_ctx *cx,
                        const tpl_frame *fr, const tpl_indent *ind)
{
    const tpl_ins *in = &tpl->ins[at];
    const tpl_frame *f, *found = NULL;
    tpl_indent own;
    int arg = 0, j;
    for (f = fr; f; f = f->up) {
        const tpl_ins *ins = f->tpl->ins;
        for (j = f->parent + 1; j < ins[f->parent].end; j = ins[j].end + 1)
            if (ins[j].len == in->len && memcmp(ins[j].s, in->s, in->len) == 0) {
                found = f;
                arg = j;
                break;
            }
    }
    if (!found)
        return render_range(run, tpl, at + 1, in->end + 1, cx, fr, ind, 0);
    if (in->ind_len) {
        own.s = in->ind;
        own.len = in->ind_len;
        own.up = ind;
        ind = &own;
    }
    /* standalone: the argument starts a line; inline: its first line follows the text before */
    return render_range(run, found->tpl, arg + 1, found->tpl->ins[arg].end + 1, cx, found->up, ind,
                        (in->flags & F_STANDALONE) ? 1 : -1);
}

static int render_section(tpl_run *run, const np_tpl *tpl, int at, const tpl_ctx *cx,
                          const tpl_frame *fr, const tpl_indent *ind)
{
    const tpl_ins *in = &tpl->ins[at];
    const np_value *v = lookup(cx, in);
    tpl_ctx top;
    int i, rc = 0;
    if (!np_value_truthy(v))
        return 0;
    top.up = cx;
    if (v->type != NP_LIST) {
        top.v = v;
        return render_range(run, tpl, at + 1, in->end + 1, &top, fr, ind, 0);
    }
    for (i = 0; i < v->u.list.n && rc == 0; i++) {
        top.v = v->u.list.items[i] ? v->u.list.items[i] : NP_VALUE_NULL;
        rc = render_range(run, tpl, at + 1, in->end + 1, &top, fr, ind, 0);
    }
    return rc;
}

/* Renders instructions [i, end). lead > 0: the range starts a line even if its first
 * instruction does not; lead < 0: its first line continues one already indented. */
static int render_range(tpl_run *run, const np_tpl *tpl, int i, int end, const tpl_ctx *cx,
                        const tpl_frame *fr, const tpl_indent *ind, int lead)
{
    const tpl_ins *ins = tpl->ins;
    int begin = i, rc = 0;
    if (++run->nesting > NP_TPL_MAX_NESTING) {
        const tpl_ins *at = &ins[i > 0 ? i - 1 : 0];
        tpl_error(run->err, tpl->file, at->line, at->col,
                  "sections, partials and blocks nested more than %d deep", NP_TPL_MAX_NESTING);
        run->nesting--;
        return -1;
    }
    if (ind && lead > 0 && i < end && !(ins[i].flags & (F_BOL | F_STANDALONE)))
        put_indent(run->out, ind);
    for (; i < end && rc == 0; i++) {
        const tpl_ins *in = &ins[i];
        if (ind && (in->flags & F_BOL) && !(lead < 0 && i == begin))
            put_indent(run->out, ind);
        switch (in->op) {
        case OP_TEXT:
            if (ind && (in->flags & F_MULTI))
                put_text_indented(run->out, in->s, in->len, ind);
            else
                np_buf_append(run->out, in->s, in->len);
            break;
        case OP_VAR:
        case OP_RAW:
            put_value(run->out, lookup(cx, in), in->op == OP_VAR);
            break;
        case OP_SECTION:
            rc = render_section(run, tpl, i, cx, fr, ind);
            i = in->end;
            break;
        case OP_INVERTED:
            if (!np_value_truthy(lookup(cx, in)))
                rc = render_range(run, tpl, i + 1, in->end + 1, cx, fr, ind, 0);
            i = in->end;
            break;
        case OP_PARTIAL:
            rc = render_included(run, tpl, i, cx, fr, ind);
            break;
        case OP_PARENT:
            rc = render_included(run, tpl, i, cx, fr, ind);
            i = in->end;
            break;
        case OP_BLOCK:
            rc = render_block(run, tpl, i, cx, fr, ind);
            i = in->end;
            break;
        default: /* OP_END */
            break;
        }
    }
    run->nesting--;
    return rc;
}

apr_status_t np_tpl_render(const np_tpl_set *set, const np_tpl *tpl, const np_value *data,
                           np_buf *out, const np_logger *log, np_tpl_error *err)
{
    tpl_run run;
    tpl_ctx root;
    run.set = set;
    run.out = out;
    run.log = log;
    run.err = err;
    run.depth = 0;
    run.nesting = 0;
    root.v = data ? data : NP_VALUE_NULL;
    root.up = NULL;
    error_clear(err);
    if (render_range(&run, tpl, 0, tpl->n, &root, NULL, NULL, 0) != 0)
        return APR_EGENERAL;
    if (out->failed) {
        tpl_error(err, tpl->file, 0, 0, "out of memory while rendering");
        return APR_ENOMEM;
    }
    return APR_SUCCESS;
}
