/* Scanning the content folder into a snapshot. Runs off the request path's critical section:
 * the caller builds a new snapshot and swaps it in; nothing here is shared until then. */
#include "np_content.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <apr_atomic.h>
#include <apr_file_info.h>
#include <apr_lib.h>
#include <apr_strings.h>

#include "np_cache.h"
#include "np_file.h"
#include "np_sanitize.h"
#include "np_xml.h"

#define NP_ORDER_NONE 1000000

typedef struct {
    np_snapshot *s;
    const np_content_opts *o;
    apr_array_header_t *all;
    const np_snapshot *prev; /* NULL: read everything */
    apr_hash_t *changed;     /* folders to read again when prev is given */
    /* dir_id of the folders being scanned, root first */
    apr_array_header_t *open_dirs;
} scan_ctx;

typedef struct {
    apr_ino_t inode;
    apr_dev_t device;
} dir_id;

int np_content_name_ok(const char *name)
{
    const char *c = name;
    if (!apr_isalnum(*c))
        return 0;
    for (c++; *c; c++)
        if (!apr_isalnum(*c) && *c != '.' && *c != '_' && *c != '-')
            return 0;
    return 1;
}

const char *np_section_title_from_name(apr_pool_t *p, const char *name)
{
    char *t = apr_pstrdup(p, name), *c;
    for (c = t; *c; c++)
        if (*c == '-' || *c == '_')
            *c = ' ';
    t[0] = apr_toupper(t[0]);
    return t;
}

const char *np_tag_slug(apr_pool_t *p, const char *name)
{
    char *out = apr_palloc(p, strlen(name) + 1), *o = out;
    const char *c;
    int dash = 0;
    for (c = name; *c; c++) {
        unsigned char ch = (unsigned char)*c;
        if (ch == ' ' || ch == '_' || ch == '\t' || ch == '/' || ch == '-') {
            dash = o > out;
            continue;
        }
        if (dash)
            *o++ = '-';
        dash = 0;
        *o++ = (char)(ch < 0x80 ? apr_tolower(ch) : ch);
    }
    *o = '\0';
    return out;
}

static void record_error(scan_ctx *c, const char *path, const char *msg)
{
    np_error_rec *e = apr_array_push(c->s->errors);
    e->path = apr_pstrdup(c->s->pool, path);
    e->message = apr_pstrdup(c->s->pool, msg);
    np_log(c->o->log, NP_LOG_ERR, "%s", msg);
}

/* The text of parent's child element name, whitespace collapsed, or NULL. */
static const char *child_text(apr_pool_t *p, xmlNodePtr parent, const char *name)
{
    xmlNode *n = np_xml_child(parent, name);
    return n ? np_sanitize_text(p, n) : NULL;
}

int np_section_number(apr_pool_t *p, const char *text, int page_size, int *out, int *whole,
                      const char **why)
{
    const char *s = text;
    long v = 0, lo = page_size ? 1 : -NP_ORDER_MAX,
         hi = page_size ? NP_PAGE_SIZE_MAX : NP_ORDER_MAX;
    int neg = 0, digits = 0;
    while (*s == ' ' || *s == '\t')
        s++;
    if (*s == '-' || *s == '+')
        neg = *s++ == '-';
    for (; *s >= '0' && *s <= '9'; s++, digits++)
        if (v <= hi) /* past hi the value only needs to stay past it */
            v = v * 10 + (*s - '0');
    *whole = digits > 0 && *s == '\0';
    if (neg)
        v = -v;
    if (!digits) {
        *why = "is not a whole number";
        return -1;
    }
    if (v < lo || v > hi) {
        *why = apr_psprintf(p, "is outside %ld..%ld", lo, hi);
        return -1;
    }
    *out = (int)v;
    return 0;
}

/* Cuts a section's text to max bytes, with a log line. */
static const char *section_text(apr_pool_t *p, const np_logger *log, const char *path, xmlNode *el,
                                const char *s, apr_size_t max)
{
    long line, col;
    if (!s || strlen(s) <= max)
        return s;
    np_xml_pos(el, &line, &col);
    np_log(log, NP_LOG_WARNING,
           "%s:%ld:%ld: <%s> is %" APR_SIZE_T_FMT " bytes: cut to %" APR_SIZE_T_FMT " bytes", path,
           line, col, (const char *)el->name, strlen(s), max);
    return np_text_cut(p, s, max);
}

/* <order> or <page-size>: a value out of bounds is refused, with a log line. 1 when set. */
static int section_number(const np_logger *log, const char *path, xmlNode *root, const char *name,
                          int *field, apr_pool_t *tmp)
{
    xmlNode *el = np_xml_child(root, name);
    const char *v = el ? np_sanitize_text(tmp, el) : NULL, *why = NULL;
    int n, whole, page_size = strcmp(name, "page-size") == 0;
    long line, col;
    if (!v || !*v)
        return 0;
    if (np_section_number(tmp, v, page_size, &n, &whole, &why) == 0) {
        *field = n;
        return 1;
    }
    np_xml_pos(el, &line, &col);
    np_log(log, NP_LOG_WARNING, "%s:%ld:%ld: <%s> \"%.40s\" %s; %s", path, line, col, name, v, why,
           page_size ? "NewsPortalPageSize applies" : "the section is ordered as without one");
    return 0;
}

int np_section_meta_read(apr_pool_t *p, const char *root_dir, const char *path, apr_size_t max_size,
                         const np_logger *log, np_section_meta *out, const char **err)
{
    const char *v;
    xmlDocPtr doc;
    xmlNodePtr root;
    apr_pool_t *tmp;
    int rc = 0;

    memset(out, 0, sizeof(*out));
    *err = NULL;
    if (apr_pool_create(&tmp, p) != APR_SUCCESS) {
        *err = apr_psprintf(p, "%s:0:0: out of memory", path);
        return -1;
    }
    doc = np_xml_parse_file_in(tmp, root_dir, path, max_size, err);
    if (!doc) {
        *err = apr_pstrdup(p, *err ? *err : path);
        rc = -1;
    } else if (!(root = xmlDocGetRootElement(doc)) ||
               strcmp((const char *)root->name, "section") != 0) {
        *err = np_xml_msg(p, path, root, "the root element must be <section>");
        rc = -1;
    } else {
        xmlChar *lang = xmlGetProp(root, BAD_CAST "lang");
        if (lang) {
            out->lang = np_text_cut(p, apr_pstrdup(p, (const char *)lang), NP_MAX_LANG);
            xmlFree(lang);
        }
        if ((v = child_text(p, root, "title")) && *v)
            out->title = section_text(p, log, path, np_xml_child(root, "title"), v, NP_MAX_TITLE);
        out->description = section_text(p, log, path, np_xml_child(root, "description"),
                                        child_text(p, root, "description"), NP_MAX_SUMMARY);
        out->has_order = section_number(log, path, root, "order", &out->order, tmp);
        section_number(log, path, root, "page-size", &out->page_size, tmp);
    }
    apr_pool_destroy(tmp);
    return rc;
}

static void load_section_meta(scan_ctx *c, np_section *sec)
{
    apr_pool_t *p = c->s->pool;
    const char *path = apr_pstrcat(p, sec->dir, "/_section.xml", NULL), *err;
    np_section_meta m;
    if (np_section_meta_read(p, c->o->dir, path, c->o->max_article_size, c->o->log, &m, &err)) {
        record_error(c, path, err);
        return;
    }
    if (m.lang)
        sec->lang = m.lang;
    if (m.title)
        sec->title = m.title;
    sec->description = m.description;
    if (m.has_order)
        sec->order = m.order;
    if (m.page_size)
        sec->page_size = m.page_size;
}

/* What path leads to, a symlink followed the way reading it would be (np_file_open_beneath):
 * APR_REG, APR_DIR, ...; APR_NOFILE when absent, or refused with a warning. */
static apr_filetype_e confined_type(scan_ctx *c, const char *path, apr_pool_t *tmp)
{
    np_file_status st;
    int e;
    apr_filetype_e type = np_file_type_beneath(c->o->dir, path, &st, &e);
    if (type == APR_NOFILE && st != NP_FILE_ERRNO)
        np_log(c->o->log, NP_LOG_WARNING, "%s: %s", path,
               np_file_strerror(tmp, st, e, "the content folder"));
    return type;
}

static int cmp_entry_date(const void *a, const void *b)
{
    const np_entry *x = *(np_entry *const *)a, *y = *(np_entry *const *)b;
    if (x->a->published.t != y->a->published.t)
        return x->a->published.t > y->a->published.t ? -1 : 1;
    return strcmp(x->a->path, y->a->path);
}

static int cmp_section(const void *a, const void *b)
{
    const np_section *x = *(np_section *const *)a, *y = *(np_section *const *)b;
    if (x->order != y->order)
        return x->order < y->order ? -1 : 1;
    return strcmp(x->title, y->title);
}

static const char *sdup(apr_pool_t *p, const char *s)
{
    return s ? apr_pstrdup(p, s) : NULL;
}

static apr_array_header_t *dup_strings(apr_pool_t *p, const apr_array_header_t *a)
{
    apr_array_header_t *out;
    int i;
    if (!a)
        return NULL;
    out = apr_array_make(p, a->nelts ? a->nelts : 1, sizeof(const char *));
    for (i = 0; i < a->nelts; i++)
        APR_ARRAY_PUSH(out, const char *) = apr_pstrdup(p, APR_ARRAY_IDX(a, i, const char *));
    return out;
}

/* A deep copy of article metadata into another snapshot's pool. */
static np_article *article_copy(apr_pool_t *p, const np_article *a)
{
    np_article *c = apr_pmemdup(p, a, sizeof(*a));
    int i;
    c->path = sdup(p, a->path);
    c->slug = sdup(p, a->slug);
    c->id = sdup(p, a->id);
    c->lang = sdup(p, a->lang);
    c->title = sdup(p, a->title);
    c->subtitle = sdup(p, a->subtitle);
    c->summary = sdup(p, a->summary);
    c->source = sdup(p, a->source);
    c->source_href = sdup(p, a->source_href);
    c->authors = dup_strings(p, a->authors);
    c->tags = dup_strings(p, a->tags);
    if (a->related) {
        c->related = apr_array_make(p, a->related->nelts ? a->related->nelts : 1, sizeof(np_link));
        for (i = 0; i < a->related->nelts; i++) {
            np_link *l = apr_array_push(c->related);
            l->href = sdup(p, APR_ARRAY_IDX(a->related, i, np_link).href);
            l->title = sdup(p, APR_ARRAY_IDX(a->related, i, np_link).title);
        }
    }
    if (a->corrections) {
        c->corrections = apr_array_make(p, a->corrections->nelts ? a->corrections->nelts : 1,
                                        sizeof(np_correction));
        for (i = 0; i < a->corrections->nelts; i++) {
            np_correction *k = apr_array_push(c->corrections);
            *k = APR_ARRAY_IDX(a->corrections, i, np_correction);
            k->text = sdup(p, k->text);
        }
    }
    c->previous = dup_strings(p, a->previous);
    c->translation_of = sdup(p, a->translation_of);
    if (a->image) {
        c->image = apr_pmemdup(p, a->image, sizeof(*a->image));
        c->image->src = sdup(p, a->image->src);
        c->image->alt = sdup(p, a->image->alt);
        c->image->caption = sdup(p, a->image->caption);
        c->image->credit = sdup(p, a->image->credit);
    }
    c->body_html = NULL;
    c->body_len = 0;
    return c;
}

static apr_uint64_t entry_digest(const char *path, apr_time_t mtime, apr_off_t size)
{
    apr_uint64_t h = np_hash_str(NP_HASH_INIT, path);
    h = np_hash_u64(h, (apr_uint64_t)mtime);
    return np_hash_u64(h, (apr_uint64_t)size);
}

static np_entry *add_entry(scan_ctx *c, np_section *sec, np_article *a, apr_time_t mtime,
                           apr_off_t size, apr_array_header_t *own)
{
    np_entry *e = apr_pcalloc(c->s->pool, sizeof(*e));
    e->a = a;
    e->section = sec;
    e->lang = a->lang ? a->lang : sec->lang;
    e->mtime = mtime;
    e->size = size;
    e->digest = entry_digest(a->path, mtime, size);
    APR_ARRAY_PUSH(own, np_entry *) = e;
    APR_ARRAY_PUSH(c->all, np_entry *) = e;
    apr_hash_set(c->s->by_path, a->path, APR_HASH_KEY_STRING, e);
    if (!apr_hash_get(c->s->by_slug, a->slug, APR_HASH_KEY_STRING))
        apr_hash_set(c->s->by_slug, a->slug, APR_HASH_KEY_STRING, e);
    return e;
}

static void note_file(scan_ctx *c, const char *path, apr_time_t mtime, apr_off_t size)
{
    np_file_state *f = apr_array_push(c->s->files);
    f->path = path;
    f->mtime = mtime;
    f->size = size;
}

static void load_article(scan_ctx *c, np_section *sec, const char *path, const char *slug,
                         const apr_finfo_t *fi, apr_array_header_t *own)
{
    np_article_opts ao;
    np_article_report rep;
    const char *err = NULL;
    np_article *a;
    np_entry *old = c->prev ? apr_hash_get(c->prev->by_path, path, APR_HASH_KEY_STRING) : NULL;
    int tries;

    note_file(c, path, fi->mtime, fi->size);
    if (old && old->mtime == fi->mtime && old->size == fi->size) {
        np_entry *e =
            add_entry(c, sec, article_copy(c->s->pool, old->a), old->mtime, old->size, own);
        e->stale = old->stale;
        c->s->reused++;
        return;
    }
    ao.max_size = c->o->max_article_size;
    ao.tz = c->o->tz;
    ao.with_body = 0;
    ao.root = c->o->dir;
    c->s->parsed++;
    rep.sanitize = NULL;
    rep.notes = apr_array_make(c->s->pool, 0, sizeof(np_article_note));
    a = np_article_load_report(c->s->pool, path, slug, &ao, &rep, &err);
    /* A file written in the last second may be half-written: read it again shortly. (A new
     * process has no last good version to fall back on.) */
    for (tries = 0; !a && tries < 5 && fi->mtime > apr_time_now() - apr_time_from_sec(1); tries++) {
        apr_sleep(apr_time_from_msec(20));
        a = np_article_load(c->s->pool, path, slug, &ao, &err);
    }
    if (!a) {
        apr_finfo_t now;
        /* Deleted while the scan ran (listed, then gone): not a broken file, just not there. */
        if (APR_STATUS_IS_ENOENT(apr_stat(&now, path, APR_FINFO_TYPE, c->s->pool)))
            return;
        record_error(c, path, err ? err : path);
        if (old && c->o->stale_on_error) {
            /* The last good version stays, marked stale, until the file is fixed. */
            np_entry *e =
                add_entry(c, sec, article_copy(c->s->pool, old->a), old->mtime, old->size, own);
            e->stale = 1;
        }
        return;
    }
    /* What the limits cut, logged once: each scan reads a file only when it changed. */
    for (tries = 0; tries < rep.notes->nelts; tries++) {
        const np_article_note *n = &APR_ARRAY_IDX(rep.notes, tries, np_article_note);
        np_log(c->o->log, NP_LOG_WARNING, "%s:%ld:%ld: %s", path, n->line, n->col, n->message);
    }
    add_entry(c, sec, a, fi->mtime, fi->size, own);
}

static int cmp_dirent(const void *a, const void *b)
{
    return strcmp(((const np_dirent *)a)->name, ((const np_dirent *)b)->name);
}

apr_status_t np_content_list_dir(apr_pool_t *p, const char *root, const char *dir,
                                 apr_array_header_t **out)
{
    apr_array_header_t *names;
    np_file_status st;
    struct dirent *de;
    DIR *d;
    int e, fd;
    /* Opened confined like any file: a folder re-pointed outside since it was found is not
     * listed. */
    if ((fd = np_file_open_beneath(root, dir, O_RDONLY | O_DIRECTORY, &st, &e)) < 0)
        return st == NP_FILE_ERRNO ? APR_FROM_OS_ERROR(e) : APR_FROM_OS_ERROR(EXDEV);
    if (!(d = fdopendir(fd))) {
        e = errno;
        close(fd);
        return APR_FROM_OS_ERROR(e);
    }
    names = apr_array_make(p, 16, sizeof(np_dirent));
    while ((de = readdir(d))) {
        if (de->d_name[0] != '.' && de->d_name[0] != '_') {
            np_dirent *n = apr_array_push(names);
            n->name = apr_pstrdup(p, de->d_name);
            n->type = de->d_type == DT_REG   ? APR_REG
                      : de->d_type == DT_DIR ? APR_DIR
                      : de->d_type == DT_LNK ? APR_LNK
                                             : APR_UNKFILE;
        }
    }
    closedir(d);
    qsort(names->elts, names->nelts, sizeof(np_dirent), cmp_dirent);
    *out = names;
    return APR_SUCCESS;
}

/* The section metadata of an unchanged folder, copied from the previous snapshot. */
static int reuse_section_meta(scan_ctx *c, np_section *sec, const np_section *old)
{
    apr_pool_t *p = c->s->pool;
    if (!old)
        return 0;
    sec->title = sdup(p, old->title);
    sec->description = sdup(p, old->description);
    sec->lang = sdup(p, old->lang);
    sec->order = old->order;
    sec->page_size = old->page_size;
    sec->meta_mtime = old->meta_mtime;
    return 1;
}

static np_section *scan_dir(scan_ctx *c, np_section *parent, const char *dir, const char *name);

/* Scans one folder; returns the section, or NULL when the folder holds no section file and no
 * articles anywhere below (a media folder, say). A folder that has not changed since prev is
 * listed but none of its known files is opened again. */
static np_section *scan_folder(scan_ctx *c, np_section *parent, const char *dir, const char *name)
{
    apr_pool_t *p = c->s->pool;
    np_section *sec = apr_pcalloc(p, sizeof(*sec));
    apr_array_header_t *kids = apr_array_make(p, 4, sizeof(np_section *));
    apr_array_header_t *own = apr_array_make(p, 8, sizeof(np_entry *));
    apr_array_header_t *names;
    const np_folder *oldf =
        c->prev ? apr_hash_get(c->prev->folders, dir, APR_HASH_KEY_STRING) : NULL;
    np_folder *f = apr_pcalloc(p, sizeof(*f));
    apr_finfo_t fi;
    apr_pool_t *tmp;
    int i, has_meta, all;

    sec->name = name;
    sec->dir = dir;
    sec->parent = parent;
    sec->depth = parent ? parent->depth + 1 : 0;
    sec->path = !parent ? "" : *parent->path ? apr_pstrcat(p, parent->path, "/", name, NULL) : name;
    sec->lang = parent ? parent->lang : c->o->lang;
    sec->order = NP_ORDER_NONE;
    sec->title = parent ? np_section_title_from_name(p, name) : "";
    if (apr_stat(&fi, dir, APR_FINFO_MTIME, p) == APR_SUCCESS)
        sec->mtime = fi.mtime;
    f->dir = dir;
    f->mtime = sec->mtime;
    apr_hash_set(c->s->folders, dir, APR_HASH_KEY_STRING, f);
    all = !c->prev || !oldf || oldf->mtime != sec->mtime ||
          apr_hash_get(c->changed, dir, APR_HASH_KEY_STRING);

    {
        /* A _section.xml is confined like an article: one that is a symlink leading outside the
         * content folder is not read (a warning says so). */
        const char *meta = apr_pstrcat(p, dir, "/_section.xml", NULL);
        has_meta = confined_type(c, meta, p) == APR_REG &&
                   apr_stat(&fi, meta, APR_FINFO_MTIME | APR_FINFO_SIZE, p) == APR_SUCCESS;
        if (has_meta)
            note_file(c, meta, fi.mtime, fi.size);
        if (all || !reuse_section_meta(c, sec, np_content_section(c->prev, sec->path))) {
            if (has_meta) {
                sec->meta_mtime = fi.mtime;
                load_section_meta(c, sec);
            }
        }
    }

    apr_pool_create(&tmp, p);
    if (np_content_list_dir(tmp, c->o->dir, dir, &names) != APR_SUCCESS) {
        record_error(c, dir, apr_psprintf(tmp, "%s:0:0: cannot read the folder", dir));
        apr_pool_destroy(tmp);
        return parent ? NULL : sec;
    }
    for (i = 0; i < names->nelts; i++) {
        const np_dirent *r = &APR_ARRAY_IDX(names, i, np_dirent);
        const char *n = r->name;
        const char *path = apr_pstrcat(p, dir, "/", n, NULL);
        apr_size_t len = strlen(n);
        int is_xml = len > 4 && strcmp(n + len - 4, ".xml") == 0;
        apr_filetype_e type = r->type;
        /* A symlink (or an entry of unknown type) is resolved as reading it would be; one
         * leading back to a folder being scanned is caught by scan_dir. */
        if (type == APR_UNKFILE || type == APR_LNK)
            type = confined_type(c, path, tmp);
        if (type == APR_DIR) {
            np_section *kid;
            if (!np_content_name_ok(n)) {
                np_log(c->o->log, NP_LOG_WARNING,
                       "%s: folder name is not [A-Za-z0-9][A-Za-z0-9._-]*; skipped", path);
                continue;
            }
            if ((kid = scan_dir(c, sec, path, apr_pstrdup(p, n))))
                APR_ARRAY_PUSH(kids, np_section *) = kid;
        } else if (type == APR_REG && is_xml) {
            const char *slug = apr_pstrndup(p, n, len - 4);
            np_entry *old;
            if (!np_content_name_ok(slug)) {
                np_log(c->o->log, NP_LOG_WARNING,
                       "%s: file name is not [A-Za-z0-9][A-Za-z0-9._-]*.xml; skipped", path);
                continue;
            }
            old = !all ? apr_hash_get(c->prev->by_path, path, APR_HASH_KEY_STRING) : NULL;
            if (old) {
                /* Unchanged folder: the rolling file check vouches for its files. */
                fi.mtime = old->mtime;
                fi.size = old->size;
                load_article(c, sec, path, slug, &fi, own);
            } else if (apr_stat(&fi, path, APR_FINFO_MTIME | APR_FINFO_SIZE, tmp) == APR_SUCCESS) {
                load_article(c, sec, path, slug, &fi, own);
            }
        }
    }
    apr_pool_destroy(tmp);

    sec->own = (np_entry **)own->elts;
    sec->nown = own->nelts;
    qsort(kids->elts, kids->nelts, sizeof(np_section *), cmp_section);
    sec->children = (np_section **)kids->elts;
    sec->nchildren = kids->nelts;

    /* A section lists its own articles and its descendants'. */
    {
        apr_array_header_t *list = apr_array_make(p, own->nelts + 1, sizeof(np_entry *));
        apr_uint64_t h = NP_HASH_INIT;
        for (i = 0; i < own->nelts; i++)
            APR_ARRAY_PUSH(list, np_entry *) = APR_ARRAY_IDX(own, i, np_entry *);
        for (i = 0; i < sec->nchildren; i++) {
            np_section *k = sec->children[i];
            int j;
            for (j = 0; j < k->nentries; j++)
                APR_ARRAY_PUSH(list, np_entry *) = k->entries[j];
        }
        qsort(list->elts, list->nelts, sizeof(np_entry *), cmp_entry_date);
        sec->entries = (np_entry **)list->elts;
        sec->nentries = list->nelts;
        h = np_hash_str(h, sec->title);
        h = np_hash_str(h, sec->description);
        h = np_hash_str(h, sec->lang);
        h = np_hash_u64(h, (apr_uint64_t)sec->order);
        h = np_hash_u64(h, (apr_uint64_t)sec->page_size);
        for (i = 0; i < sec->nentries; i++) {
            if (sec->entries[i]->section == sec)
                sec->entries[i]->sec_index = i;
            h = np_hash_u64(h, sec->entries[i]->digest);
        }
        sec->digest = h;
    }

    if (parent && !has_meta && sec->nentries == 0)
        return NULL;
    apr_hash_set(c->s->sections, sec->path, APR_HASH_KEY_STRING, sec);
    return sec;
}

/* scan_folder, unless dir is a folder already being scanned further up: a symlink to it would
 * make the tree endless (40 levels deep, and twice as wide at each level with two such links). */
static np_section *scan_dir(scan_ctx *c, np_section *parent, const char *dir, const char *name)
{
    apr_finfo_t fi;
    np_section *sec;
    int i, known = apr_stat(&fi, dir, APR_FINFO_IDENT, c->s->pool) == APR_SUCCESS;
    for (i = 0; known && i < c->open_dirs->nelts; i++) {
        const dir_id *d = &APR_ARRAY_IDX(c->open_dirs, i, dir_id);
        if (d->inode == fi.inode && d->device == fi.device) {
            np_log(c->o->log, NP_LOG_WARNING,
                   "%s: symlink loops back to a folder above it; not followed", dir);
            return NULL;
        }
    }
    if (known) {
        dir_id *d = apr_array_push(c->open_dirs);
        d->inode = fi.inode;
        d->device = fi.device;
    }
    sec = scan_folder(c, parent, dir, name);
    if (known)
        c->open_dirs->nelts--;
    return sec;
}

/* Each tag's entries grow as arrays (one slot per use, not one per article of the site): the
 * index costs the number of tag uses, however many tags and articles there are. */
static void index_tags(scan_ctx *c)
{
    apr_pool_t *p = c->s->pool;
    apr_hash_t *lists = apr_hash_make(p); /* slug -> apr_array_header_t of np_entry * */
    int i, j;
    for (i = 0; i < c->s->nall; i++) {
        np_entry *e = c->s->all[i];
        apr_array_header_t *tags = e->a->tags;
        e->index = i;
        for (j = 0; tags && j < tags->nelts; j++) {
            const char *name = APR_ARRAY_IDX(tags, j, const char *);
            const char *slug = np_tag_slug(p, name);
            np_tag *t;
            if (!*slug)
                continue;
            t = apr_hash_get(c->s->tags, slug, APR_HASH_KEY_STRING);
            if (!t) {
                t = apr_pcalloc(p, sizeof(*t));
                t->name = name;
                t->slug = slug;
                apr_hash_set(c->s->tags, slug, APR_HASH_KEY_STRING, t);
                apr_hash_set(lists, slug, APR_HASH_KEY_STRING,
                             apr_array_make(p, 4, sizeof(np_entry *)));
            }
            /* all[] is newest first, so appending keeps tag lists in date order. */
            if (t->nentries == 0 || t->entries[t->nentries - 1] != e) {
                apr_array_header_t *l = apr_hash_get(lists, slug, APR_HASH_KEY_STRING);
                APR_ARRAY_PUSH(l, np_entry *) = e;
                t->entries = (np_entry **)l->elts;
                t->nentries = l->nelts;
                t->digest = np_hash_u64(t->digest ? t->digest : NP_HASH_INIT, e->digest);
            }
        }
    }
}

static int vis_holds(const np_visibility *vis, apr_time_t now)
{
    return vis && vis->at && now >= vis->at && (!vis->until || now < vis->until);
}

static void vis_compute(np_visibility *vis, np_entry *const *list, int n, apr_time_t now)
{
    vis->count = np_content_visible(list, n, now, 0, NULL, 0);
    vis->until = np_content_next_change(list, n, now);
    vis->at = now;
}

int np_content_visible_fast(np_entry *const *list, int n, const np_visibility *vis, apr_time_t now,
                            int skip, np_entry **out, int max)
{
    int i, seen = 0, got = 0;
    if (!vis_holds(vis, now))
        return np_content_visible(list, n, now, skip, out, max);
    for (i = 0; i < n && got < max; i++) {
        if (!np_article_visible(list[i]->a, now))
            continue;
        if (seen >= skip)
            out[got++] = list[i];
        seen++;
    }
    return vis->count;
}

apr_time_t np_content_next_change_fast(np_entry *const *list, int n, const np_visibility *vis,
                                       apr_time_t now)
{
    return vis_holds(vis, now) ? vis->until : np_content_next_change(list, n, now);
}

static apr_uint64_t nav_digest(const np_snapshot *s)
{
    apr_uint64_t h = NP_HASH_INIT;
    apr_hash_index_t *hi;
    /* Order-independent: XOR of each section's own hash. */
    for (hi = apr_hash_first(NULL, s->sections); hi; hi = apr_hash_next(hi)) {
        const np_section *sec = apr_hash_this_val(hi);
        apr_uint64_t x = np_hash_str(NP_HASH_INIT, sec->path);
        x = np_hash_str(x, sec->title);
        x = np_hash_str(x, sec->lang);
        x = np_hash_u64(x, (apr_uint64_t)sec->order);
        h ^= x;
    }
    return h;
}

np_snapshot *np_content_rescan(const np_content_opts *opts, const np_snapshot *prev,
                               apr_hash_t *changed)
{
    apr_pool_t *p;
    np_snapshot *s;
    scan_ctx c;

    if (apr_pool_create_unmanaged_ex(&p, NULL, NULL) != APR_SUCCESS)
        return NULL;
    s = apr_pcalloc(p, sizeof(*s));
    s->pool = p;
    s->refs = 1;
    s->built = apr_time_now();
    s->dir = apr_pstrdup(p, opts->dir);
    s->sections = apr_hash_make(p);
    s->tags = apr_hash_make(p);
    s->by_path = apr_hash_make(p);
    s->by_slug = apr_hash_make(p);
    s->folders = apr_hash_make(p);
    s->files = apr_array_make(p, 64, sizeof(np_file_state));
    s->errors = apr_array_make(p, 4, sizeof(np_error_rec));

    c.s = s;
    c.o = opts;
    c.prev = prev;
    c.changed = changed ? changed : apr_hash_make(p);
    c.all = apr_array_make(p, 64, sizeof(np_entry *));
    c.open_dirs = apr_array_make(p, 16, sizeof(dir_id));

    s->root = scan_dir(&c, NULL, s->dir, "");
    if (s->root->title && !*s->root->title)
        s->root->title = NULL;
    qsort(c.all->elts, c.all->nelts, sizeof(np_entry *), cmp_entry_date);
    s->all = (np_entry **)c.all->elts;
    s->nall = c.all->nelts;
    index_tags(&c);
    {
        /* Previous URLs, newest article first: one pass over every article's list (bounded). */
        int i, j;
        s->by_previous = apr_hash_make(p);
        for (i = 0; i < s->nall; i++) {
            const apr_array_header_t *pv = s->all[i]->a->previous;
            for (j = 0; pv && j < pv->nelts; j++) {
                const char *path = APR_ARRAY_IDX(pv, j, const char *);
                if (!apr_hash_get(s->by_previous, path, APR_HASH_KEY_STRING))
                    apr_hash_set(s->by_previous, path, APR_HASH_KEY_STRING, s->all[i]);
            }
        }
    }
    {
        /* Translation groups: <translation-of>, else the id; newest first, bounded. */
        apr_hash_t *groups = apr_hash_make(p);
        apr_hash_index_t *hi;
        int i;
        for (i = 0; i < s->nall; i++) {
            const np_article *a = s->all[i]->a;
            const char *key = a->translation_of ? a->translation_of : a->id;
            apr_array_header_t *g;
            if (!key)
                continue;
            if (!(g = apr_hash_get(groups, key, APR_HASH_KEY_STRING))) {
                g = apr_array_make(p, 2, sizeof(np_entry *));
                apr_hash_set(groups, key, APR_HASH_KEY_STRING, g);
            }
            if (g->nelts < NP_MAX_TRANSLATIONS)
                APR_ARRAY_PUSH(g, np_entry *) = s->all[i];
        }
        for (hi = apr_hash_first(p, groups); hi; hi = apr_hash_next(hi)) {
            apr_array_header_t *g = apr_hash_this_val(hi);
            if (g->nelts < 2)
                continue;
            for (i = 0; i < g->nelts; i++) {
                APR_ARRAY_IDX(g, i, np_entry *)->translations = (np_entry **)g->elts;
                APR_ARRAY_IDX(g, i, np_entry *)->ntranslations = g->nelts;
            }
            s->translated = 1;
        }
    }
    s->nav_digest = nav_digest(s);
    {
        apr_hash_index_t *hi;
        for (hi = apr_hash_first(p, s->sections); hi; hi = apr_hash_next(hi)) {
            np_section *sec = apr_hash_this_val(hi);
            vis_compute(&sec->vis, sec->entries, sec->nentries, s->built);
        }
        for (hi = apr_hash_first(p, s->tags); hi; hi = apr_hash_next(hi)) {
            np_tag *t = apr_hash_this_val(hi);
            vis_compute(&t->vis, t->entries, t->nentries, s->built);
        }
    }
    s->took = apr_time_now() - s->built;
    return s;
}

np_snapshot *np_content_scan(const np_content_opts *opts)
{
    return np_content_rescan(opts, NULL, NULL);
}

void np_snapshot_retain(np_snapshot *s)
{
    apr_atomic_inc32(&s->refs);
}

void np_snapshot_release(np_snapshot *s)
{
    if (s && apr_atomic_dec32(&s->refs) == 0)
        apr_pool_destroy(s->pool);
}

np_section *np_content_section(const np_snapshot *s, const char *path)
{
    return apr_hash_get(s->sections, path, APR_HASH_KEY_STRING);
}

np_tag *np_content_tag(const np_snapshot *s, const char *slug)
{
    return apr_hash_get(s->tags, slug, APR_HASH_KEY_STRING);
}

np_entry *np_content_article_by_slug(const np_snapshot *s, const char *slug, apr_time_t now)
{
    np_entry *e = apr_hash_get(s->by_slug, slug, APR_HASH_KEY_STRING);
    return e && np_article_visible(e->a, now) ? e : NULL;
}

np_entry *np_content_article(apr_pool_t *p, const np_snapshot *s, const np_section *sec,
                             const char *slug, apr_time_t now)
{
    const char *path = apr_pstrcat(p, sec->dir, "/", slug, ".xml", NULL);
    np_entry *e = apr_hash_get(s->by_path, path, APR_HASH_KEY_STRING);
    return e && np_article_visible(e->a, now) ? e : NULL;
}

np_entry *np_content_previous(const np_snapshot *s, const char *path, apr_time_t now)
{
    np_entry *e = s->by_previous ? apr_hash_get(s->by_previous, path, APR_HASH_KEY_STRING) : NULL;
    return e && np_article_visible(e->a, now) ? e : NULL;
}

np_entry *np_content_gone(apr_pool_t *p, const np_snapshot *s, const np_section *sec,
                          const char *slug, apr_time_t now)
{
    np_entry *e = sec ? apr_hash_get(s->by_path, apr_pstrcat(p, sec->dir, "/", slug, ".xml", NULL),
                                     APR_HASH_KEY_STRING)
                      : apr_hash_get(s->by_slug, slug, APR_HASH_KEY_STRING);
    return e && np_article_gone(e->a, now) ? e : NULL;
}

int np_content_visible(np_entry *const *list, int n, apr_time_t now, int skip, np_entry **out,
                       int max)
{
    int i, seen = 0, got = 0;
    for (i = 0; i < n; i++) {
        if (!np_article_visible(list[i]->a, now))
            continue;
        if (out && seen >= skip && got < max)
            out[got++] = list[i];
        seen++;
    }
    return seen;
}

apr_time_t np_content_next_change(np_entry *const *list, int n, apr_time_t now)
{
    apr_time_t next = 0;
    int i;
    for (i = 0; i < n; i++) {
        const np_article *a = list[i]->a;
        if (a->draft)
            continue;
        if (a->published.t > now && (!next || a->published.t < next))
            next = a->published.t;
        if (a->expires.t > now && (!next || a->expires.t < next))
            next = a->expires.t;
    }
    return next;
}
