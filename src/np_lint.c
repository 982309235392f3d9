/* The checks of newsportal lint. Each file goes through the module's own loader with its body,
 * so the allowlist runs and reports what it would remove; the walk mirrors np_content's scan
 * (names, '.' and '_' files, symlinks) so the linter and the module agree on what is skipped. */
#include "np_lint.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <apr_file_info.h>
#include <apr_hash.h>
#include <apr_strings.h>
#include <sqlite3.h>

#include "np_article.h"
#include "np_content.h"
#include "np_file.h"
#include "np_sanitize.h"
#include "np_xml.h"

#define NAME_RULE "[A-Za-z0-9][A-Za-z0-9._-]*"
/* Longest value quoted in a message, in bytes. */
#define SHOW_MAX 60

typedef struct {
    const char *id, *path;
    long line, col;
    int given; /* written in the file, not defaulted to the slug */
} id_rec;

typedef struct {
    apr_pool_t *p;
    const np_lint_opts *o;
    np_lint_result *r;
    const char *root;    /* the tree: every file is opened confined to it, as the module does */
    apr_hash_t *walking; /* device:inode of the folders being walked: symlink loops */
    apr_array_header_t *ids;
    apr_array_header_t *prevs; /* prev_rec */
    apr_hash_t *urls;          /* current URL (default routes) -> the file */
    int seq;
} lint_ctx;

typedef struct {
    const char *url, *path;
} prev_rec;

static void add(lint_ctx *c, const char *path, long line, long col, np_lint_level level,
                const char *fmt, ...) __attribute__((format(printf, 6, 7)));

static void add(lint_ctx *c, const char *path, long line, long col, np_lint_level level,
                const char *fmt, ...)
{
    np_lint_finding *f = apr_array_push(c->r->findings);
    va_list ap;
    if (c->o->strict)
        level = NP_LINT_ERROR;
    f->path = path;
    f->line = line;
    f->col = col;
    f->level = level;
    va_start(ap, fmt);
    f->message = apr_pvsprintf(c->p, fmt, ap);
    va_end(ap);
    f->seq = c->seq++;
    if (level == NP_LINT_ERROR)
        c->r->errors++;
    else
        c->r->warnings++;
}

/* An error from the loaders, "path:line:col: text", split into its parts. */
static void add_loaded(lint_ctx *c, const char *path, const char *msg)
{
    size_t n = strlen(path);
    long line = 0, col = 0;
    const char *text = msg;
    char *end;
    if (strncmp(msg, path, n) == 0 && msg[n] == ':') {
        const char *s = msg + n + 1;
        line = strtol(s, &end, 10);
        if (end > s && *end == ':') {
            s = end + 1;
            col = strtol(s, &end, 10);
            if (end > s && end[0] == ':' && end[1] == ' ')
                text = end + 2;
        }
        if (text == msg)
            line = col = 0;
    }
    add(c, path, line, col, NP_LINT_ERROR, "%s", text);
}

/* value for a message: quotes and control characters escaped, cut after SHOW_MAX bytes. */
static const char *show(apr_pool_t *p, const char *value)
{
    char *out = apr_palloc(p, SHOW_MAX * 4 + 4), *o = out;
    const unsigned char *s;
    for (s = (const unsigned char *)value; *s; s++) {
        if (o - out >= SHOW_MAX && (*s & 0xC0) != 0x80) {
            memcpy(o, "...", 3);
            o += 3;
            break;
        }
        if (*s == '"' || *s == '\\') {
            *o++ = '\\';
            *o++ = (char)*s;
        } else if (*s < 0x20 || *s == 0x7F) {
            o += apr_snprintf(o, 5, "\\x%02x", *s);
        } else {
            *o++ = (char)*s;
        }
    }
    *o = '\0';
    return out;
}

typedef struct {
    const char *msg;
    long line, col;
    int count;
} removal;

/* What the allowlist removed, as warnings. A message repeated in one file (agency files put a
 * class on every paragraph) is given once, at its first place, with a count. */
static void add_sanitized(lint_ctx *c, const char *path, const np_sanitize_report *rep)
{
    apr_pool_t *p = rep->pool;
    apr_hash_t *seen = apr_hash_make(p);
    apr_array_header_t *list = apr_array_make(p, rep->items->nelts + 1, sizeof(removal *));
    removal *r;
    int i;
    for (i = 0; i < rep->items->nelts; i++) {
        const np_sanitize_item *it = &APR_ARRAY_IDX(rep->items, i, np_sanitize_item);
        const char *msg = "";
        switch (it->kind) {
        case NP_SANITIZE_DROPPED:
            msg = apr_psprintf(p, "<%s> is dropped with its content", it->element);
            break;
        case NP_SANITIZE_UNWRAPPED:
            msg = apr_psprintf(p,
                               "<%s> is not allowed in the body: its tags are dropped, its "
                               "text kept",
                               it->element);
            break;
        case NP_SANITIZE_ATTR:
            msg = apr_psprintf(p, "attribute %s of <%s> is dropped: %s", it->attr, it->element,
                               strncasecmp(it->attr, "on", 2) == 0 ? "event handlers are never kept"
                               : strcasecmp(it->attr, "style") == 0 ? "styles are never kept"
                                                                    : "not in the allowlist");
            break;
        case NP_SANITIZE_URL:
            msg = apr_psprintf(p,
                               "%s=\"%s\" of <%s> is dropped: only http, https, mailto and "
                               "relative URLs are allowed",
                               it->attr, show(p, it->value), it->element);
            break;
        }
        if ((r = apr_hash_get(seen, msg, APR_HASH_KEY_STRING))) {
            r->count++;
            continue;
        }
        r = apr_pcalloc(p, sizeof(*r));
        r->msg = msg;
        r->line = it->line;
        r->col = it->col;
        apr_hash_set(seen, msg, APR_HASH_KEY_STRING, r);
        APR_ARRAY_PUSH(list, removal *) = r;
    }
    for (i = 0; i < list->nelts; i++) {
        r = APR_ARRAY_IDX(list, i, removal *);
        if (r->count)
            add(c, path, r->line, r->col, NP_LINT_WARNING, "%s, and %d more time%s in this file",
                r->msg, r->count, r->count == 1 ? "" : "s");
        else
            add(c, path, r->line, r->col, NP_LINT_WARNING, "%s", r->msg);
    }
}

static void lint_article(lint_ctx *c, const char *path, const char *slug)
{
    np_article_opts ao;
    np_article_report rep;
    const char *err = NULL;
    np_article *a;
    apr_pool_t *fp;

    ao.max_size = c->o->max_size;
    ao.tz = c->o->tz;
    ao.with_body = 1;
    ao.root = c->root;
    apr_pool_create(&fp, c->p);
    rep.sanitize = np_sanitize_report_make(fp);
    rep.notes = apr_array_make(fp, 0, sizeof(np_article_note));
    c->r->files++;
    a = np_article_load_report(fp, path, slug, &ao, &rep, &err);
    if (!a) {
        add_loaded(c, path, err ? err : apr_psprintf(fp, "%s:0:0: cannot be read", path));
    } else {
        id_rec *rec = apr_array_push(c->ids);
        int i;
        add_sanitized(c, path, rep.sanitize);
        for (i = 0; i < rep.notes->nelts; i++) {
            const np_article_note *n = &APR_ARRAY_IDX(rep.notes, i, np_article_note);
            add(c, path, n->line, n->col, NP_LINT_WARNING, "%s", n->message);
        }
        if (rep.summary_as_body)
            add(c, path, rep.line, rep.col, NP_LINT_WARNING, "no body; the summary is shown");
        /* The URL with the default routes (docs/content.md): the file's path with .html. */
        apr_hash_set(c->urls,
                     apr_pstrcat(c->p,
                                 apr_pstrmemdup(c->p, path + strlen(c->root),
                                                strlen(path) - strlen(c->root) - 4),
                                 ".html", NULL),
                     APR_HASH_KEY_STRING, path);
        for (i = 0; a->previous && i < a->previous->nelts; i++) {
            prev_rec *pr = apr_array_push(c->prevs);
            pr->url = apr_pstrdup(c->p, APR_ARRAY_IDX(a->previous, i, const char *));
            pr->path = path;
        }
        rec->id = apr_pstrdup(c->p, a->id);
        rec->path = path;
        rec->given = strcmp(a->id, a->slug) != 0;
        rec->line = rec->given ? rep.line : 0;
        rec->col = rec->given ? rep.col : 0;
    }
    apr_pool_destroy(fp);
}

/* <order> / <page-size> as the scan reads them (np_section_number). */
static void lint_number(lint_ctx *c, apr_pool_t *fp, const char *path, xmlNode *root,
                        const char *name)
{
    xmlNode *el = np_xml_child(root, name);
    const char *v = el ? np_sanitize_text(fp, el) : "", *why = NULL;
    int page_size = strcmp(name, "page-size") == 0, n = 0, whole = 0;
    long line, col;
    if (!*v)
        return;
    np_xml_pos(el, &line, &col);
    if (np_section_number(fp, v, page_size, &n, &whole, &why) != 0)
        add(c, path, line, col, NP_LINT_WARNING, "<%s> \"%s\" %s; %s", name, show(fp, v), why,
            page_size ? "NewsPortalPageSize applies" : "the section is ordered as without one");
    else if (!whole)
        add(c, path, line, col, NP_LINT_WARNING,
            "<%s> \"%s\" is not a whole number; it is read as %d", name, show(fp, v), n);
}

/* A section text over its limit, as the scan cuts it. */
static void lint_length(lint_ctx *c, apr_pool_t *fp, const char *path, xmlNode *root,
                        const char *name, apr_size_t max)
{
    xmlNode *el = np_xml_child(root, name);
    apr_size_t n = el ? strlen(np_sanitize_text(fp, el)) : 0;
    long line, col;
    if (n <= max)
        return;
    np_xml_pos(el, &line, &col);
    add(c, path, line, col, NP_LINT_WARNING,
        "<%s> is %" APR_SIZE_T_FMT " bytes: cut to %" APR_SIZE_T_FMT " bytes", name, n, max);
}

/* Checks dir's _section.xml the way np_content reads it. */
static void lint_section(lint_ctx *c, const char *dir, const char *name, int is_root)
{
    const char *path = apr_pstrcat(c->p, dir, "/_section.xml", NULL), *err = NULL;
    const char *fallback = name ? np_section_title_from_name(c->p, name) : "";
    xmlNode *root, *el;
    xmlDoc *doc;
    apr_pool_t *fp;
    long line, col;

    apr_pool_create(&fp, c->p);
    c->r->files++;
    doc = np_xml_parse_file_in(fp, c->root, path, c->o->max_size, &err);
    if (!doc) {
        add_loaded(c, path, err);
    } else if (!(root = xmlDocGetRootElement(doc)) || !np_xml_is(root, "section")) {
        add_loaded(c, path, np_xml_msg(fp, path, root, "the root element must be <section>"));
    } else {
        el = np_xml_child(root, "title");
        np_xml_pos(el ? el : root, &line, &col);
        /* The home page's heading is NewsPortalSiteName's: its title may be left out. */
        if (!is_root && !el)
            add(c, path, line, col, NP_LINT_WARNING,
                "no <title>: the section is called \"%s\", after its folder", fallback);
        else if (!is_root && !*np_sanitize_text(fp, el))
            add(c, path, line, col, NP_LINT_WARNING,
                "empty <title>: the section is called \"%s\", after its folder", fallback);
        lint_length(c, fp, path, root, "title", NP_MAX_TITLE);
        lint_length(c, fp, path, root, "description", NP_MAX_SUMMARY);
        lint_number(c, fp, path, root, "order");
        lint_number(c, fp, path, root, "page-size");
    }
    apr_pool_destroy(fp);
}

/* The identity of the folder path leads to, as a key; NULL when it cannot be had. */
static const char *dir_key(apr_pool_t *p, const char *path)
{
    apr_finfo_t fi;
    if (apr_stat(&fi, path, APR_FINFO_IDENT, p) != APR_SUCCESS)
        return NULL;
    return apr_psprintf(p, "%" APR_UINT64_T_FMT ":%" APR_UINT64_T_FMT, (apr_uint64_t)fi.device,
                        (apr_uint64_t)fi.inode);
}

/* Why the module does not follow a symbolic link (np_file_open_beneath said so). */
static const char *link_refused(np_file_status st, int err)
{
    switch (st) {
    case NP_FILE_OUTSIDE:
        return "symbolic link leads outside the content folder; not followed";
    case NP_FILE_ABSOLUTE:
        return "absolute symbolic link; not followed (make it a relative link that stays inside "
               "the content folder)";
    case NP_FILE_LOOP:
        return "more than 40 symbolic links on the way (a loop); not followed";
    default:
        return err == ENOENT || err == ENOTDIR ? "broken symbolic link"
                                               : "symbolic link cannot be followed";
    }
}

static int ends_with(const char *s, apr_size_t len, const char *end, int nocase)
{
    apr_size_t n = strlen(end);
    return len > n && (nocase ? strcasecmp(s + len - n, end) : strcmp(s + len - n, end)) == 0;
}

/* Walks dir (shown as dir, named name; NULL for the tree's root; id its dir_key). Returns how many
 * article files it holds at any depth, which makes it a section. */
static int lint_dir(lint_ctx *c, const char *dir, const char *name, const char *id)
{
    apr_array_header_t *names;
    apr_pool_t *tmp;
    apr_finfo_t fi;
    apr_status_t rv;
    char ebuf[120];
    int i, articles = 0, has_meta;
    const char *sep = dir[strlen(dir) - 1] == '/' ? "" : "/"; /* DIR may be "/" */

    apr_pool_create(&tmp, c->p);
    if ((rv = np_content_list_dir(tmp, c->root, dir, &names)) != APR_SUCCESS) {
        add(c, dir, 0, 0, NP_LINT_ERROR, "cannot read the folder: %s",
            apr_strerror(rv, ebuf, sizeof(ebuf)));
        apr_pool_destroy(tmp);
        return 0;
    }
    if (id)
        apr_hash_set(c->walking, id, APR_HASH_KEY_STRING, "");

    for (i = 0; i < names->nelts; i++) {
        const np_dirent *e = &APR_ARRAY_IDX(names, i, np_dirent);
        const char *path = apr_pstrcat(c->p, dir, sep, e->name, NULL), *kid_id;
        apr_size_t len = strlen(e->name);
        apr_filetype_e type = e->type;
        int link = 0;

        if (type == APR_UNKFILE || type == APR_LNK) {
            np_file_status st;
            int err;
            if (apr_stat(&fi, path, APR_FINFO_LINK | APR_FINFO_TYPE, tmp) != APR_SUCCESS)
                continue;
            link = fi.filetype == APR_LNK;
            /* Resolved the way the module opens it. */
            type = np_file_type_beneath(c->root, path, &st, &err);
            if (type == APR_NOFILE) {
                if (link)
                    add(c, path, 0, 0, NP_LINT_WARNING, "%s", link_refused(st, err));
                continue;
            }
        }
        if (type == APR_DIR) {
            int n;
            kid_id = dir_key(tmp, path);
            if (link && kid_id && apr_hash_get(c->walking, kid_id, APR_HASH_KEY_STRING)) {
                add(c, path, 0, 0, NP_LINT_WARNING,
                    "symbolic link leads back to a folder that contains it; the module would "
                    "read that folder again under this name");
                continue;
            }
            n = lint_dir(c, path, apr_pstrdup(c->p, e->name),
                         kid_id ? apr_pstrdup(c->p, kid_id) : NULL);
            if (!np_content_name_ok(e->name) && n > 0)
                add(c, path, 0, 0, NP_LINT_ERROR,
                    "folder name is not " NAME_RULE ": the module skips it with its %d article "
                    "file%s",
                    n, n == 1 ? "" : "s");
            else if (!np_content_name_ok(e->name))
                add(c, path, 0, 0, NP_LINT_WARNING,
                    "folder name is not " NAME_RULE ": the module skips it");
            articles += n;
        } else if (type == APR_REG && ends_with(e->name, len, ".xml", 0)) {
            const char *slug = apr_pstrmemdup(c->p, e->name, len - 4);
            articles++;
            if (!np_content_name_ok(slug))
                add(c, path, 0, 0, NP_LINT_ERROR,
                    "file name is not " NAME_RULE ".xml: the module skips it");
            lint_article(c, path, slug);
        } else if (type == APR_REG && ends_with(e->name, len, ".xml", 1)) {
            add(c, path, 0, 0, NP_LINT_WARNING,
                "not read as an article: the extension must be .xml, in lower case");
        }
    }

    {
        /* As the module: resolved confined, a refused symlink said so. */
        const char *meta = apr_pstrcat(c->p, dir, "/_section.xml", NULL);
        np_file_status st;
        int err;
        has_meta = np_file_type_beneath(c->root, meta, &st, &err) == APR_REG;
        if (!has_meta && st != NP_FILE_ERRNO)
            add(c, meta, 0, 0, NP_LINT_WARNING, "%s", link_refused(st, err));
    }
    if (has_meta)
        lint_section(c, dir, name, name == NULL);
    else if (name && articles > 0)
        add(c, dir, 0, 0, NP_LINT_WARNING,
            "section without _section.xml: it is called \"%s\", after its folder",
            np_section_title_from_name(c->p, name));
    if (id)
        apr_hash_set(c->walking, id, APR_HASH_KEY_STRING, NULL);
    apr_pool_destroy(tmp);
    return articles;
}

static int cmp_id(const void *a, const void *b)
{
    const id_rec *x = a, *y = b;
    int d = strcmp(x->id, y->id);
    return d ? d : strcmp(x->path, y->path);
}

/* Ids written in two files are an error (feeds and readers take them as one article); slugs
 * repeated in two sections only trouble routes without {section*}. */
static void check_ids(lint_ctx *c)
{
    id_rec *ids = (id_rec *)c->ids->elts;
    int i, first = 0;
    qsort(ids, c->ids->nelts, sizeof(id_rec), cmp_id);
    for (i = 1; i < c->ids->nelts; i++) {
        if (strcmp(ids[i].id, ids[first].id) != 0) {
            first = i;
            continue;
        }
        if (ids[i].given || ids[first].given)
            add(c, ids[i].path, ids[i].line, ids[i].col, NP_LINT_ERROR,
                "duplicate id \"%s\": also in %s", show(c->p, ids[i].id), ids[first].path);
        else
            add(c, ids[i].path, 0, 0, NP_LINT_WARNING,
                "slug \"%s\" is also used by %s: a route without {section*} reaches only one "
                "of them",
                show(c->p, ids[i].id), ids[first].path);
    }
}

/* A previous URL claimed by two articles redirects to only one of them; one that is another
 * article's current URL never redirects (the page is served). One pass, hashed. */
static void check_previous(lint_ctx *c)
{
    apr_hash_t *seen = apr_hash_make(c->p);
    int i;
    for (i = 0; i < c->prevs->nelts; i++) {
        const prev_rec *pr = &APR_ARRAY_IDX(c->prevs, i, prev_rec);
        const char *cur = apr_hash_get(c->urls, pr->url, APR_HASH_KEY_STRING);
        const char *other = apr_hash_get(seen, pr->url, APR_HASH_KEY_STRING);
        if (cur && strcmp(cur, pr->path) != 0)
            add(c, pr->path, 0, 0, NP_LINT_ERROR,
                "previous URL \"%s\" is the current URL of %s: that article is served there",
                show(c->p, pr->url), cur);
        else if (cur)
            add(c, pr->path, 0, 0, NP_LINT_WARNING, "previous URL \"%s\" is this article's own URL",
                show(c->p, pr->url));
        else if (other && strcmp(other, pr->path) != 0)
            add(c, pr->path, 0, 0, NP_LINT_ERROR,
                "previous URL \"%s\" is also claimed by %s: only one of them is reached",
                show(c->p, pr->url), other);
        if (!other)
            apr_hash_set(seen, pr->url, APR_HASH_KEY_STRING, pr->path);
    }
}

/* An article whose file moved keeps its id, and the server whose index saw the move answers its
 * old URL with 301; other servers, and this one after its index file is deleted, do not. The
 * durable form is a <previous-url>: reported where the index remembers a move without one. The
 * old URL is written as the default routes write it. */
static void check_moves(lint_ctx *c)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *s = NULL;
    if (sqlite3_open_v2(c->o->index, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db,
                           "SELECT m.path, m.aid, a.rel, a.previous FROM moves m JOIN articles a"
                           " ON a.aid = m.aid ORDER BY a.rel, m.path LIMIT 100000",
                           -1, &s, NULL) != SQLITE_OK) {
        add(c, c->o->index, 0, 0, NP_LINT_ERROR, "cannot read the content index: %s",
            db ? sqlite3_errmsg(db) : "out of memory");
        sqlite3_close(db);
        return;
    }
    while (sqlite3_step(s) == SQLITE_ROW) {
        const char *from = (const char *)sqlite3_column_text(s, 0);
        const char *id = (const char *)sqlite3_column_text(s, 1);
        const char *rel = (const char *)sqlite3_column_text(s, 2);
        const char *prev = (const char *)sqlite3_column_text(s, 3);
        const char *url = apr_pstrcat(c->p, "/", from, ".html", NULL), *hit;
        apr_size_t n = strlen(url);
        if (!from || !id || !rel)
            continue;
        /* the list is separated by \x1e, which XML text cannot hold */
        for (hit = prev ? strstr(prev, url) : NULL; hit; hit = strstr(hit + 1, url))
            if ((hit == prev || hit[-1] == '\x1e') && (!hit[n] || hit[n] == '\x1e'))
                break;
        if (!hit)
            add(c, apr_pstrcat(c->p, c->root, "/", rel, NULL), 0, 0, NP_LINT_WARNING,
                "id \"%s\" moved here from %s: only the server whose index saw the move "
                "redirects; add <previous-url>%s</previous-url>",
                id, show(c->p, url), show(c->p, url));
    }
    sqlite3_finalize(s);
    sqlite3_close(db);
}

static int cmp_finding(const void *a, const void *b)
{
    const np_lint_finding *x = a, *y = b;
    int d = strcmp(x->path, y->path);
    if (d)
        return d;
    if (x->line != y->line)
        return x->line < y->line ? -1 : 1;
    if (x->col != y->col)
        return x->col < y->col ? -1 : 1;
    return x->seq - y->seq;
}

np_lint_result *np_lint_tree(apr_pool_t *p, const char *dir, const np_lint_opts *opts)
{
    static const np_lint_opts defaults = {0, 0, NULL, NULL};
    lint_ctx c;
    apr_size_t n = strlen(dir);

    memset(&c, 0, sizeof(c));
    c.p = p;
    c.o = opts ? opts : &defaults;
    c.r = apr_pcalloc(p, sizeof(*c.r));
    c.r->findings = apr_array_make(p, 16, sizeof(np_lint_finding));
    c.walking = apr_hash_make(p);
    c.ids = apr_array_make(p, 256, sizeof(id_rec));
    c.prevs = apr_array_make(p, 16, sizeof(prev_rec));
    c.urls = apr_hash_make(p);
    /* "site/" and "site" give the same paths. */
    while (n > 1 && dir[n - 1] == '/')
        n--;
    dir = apr_pstrmemdup(p, dir, n);
    c.root = dir;
    lint_dir(&c, dir, NULL, dir_key(p, dir));
    check_ids(&c);
    check_previous(&c);
    if (c.o->index)
        check_moves(&c);
    qsort(c.r->findings->elts, c.r->findings->nelts, sizeof(np_lint_finding), cmp_finding);
    return c.r;
}

int np_lint_print(FILE *out, const np_lint_result *r)
{
    int i;
    for (i = 0; i < r->findings->nelts; i++) {
        const np_lint_finding *f = &APR_ARRAY_IDX(r->findings, i, np_lint_finding);
        fprintf(out, "%s:%ld:%ld: %s: %s\n", f->path, f->line, f->col,
                f->level == NP_LINT_ERROR ? "error" : "warning", f->message);
    }
    fprintf(out, "lint: %d file%s, %d error%s, %d warning%s\n", r->files, r->files == 1 ? "" : "s",
            r->errors, r->errors == 1 ? "" : "s", r->warnings, r->warnings == 1 ? "" : "s");
    fflush(out);
    return r->errors ? 1 : 0;
}
