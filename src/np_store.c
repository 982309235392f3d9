/* Pages' reads of the content, from a scanned snapshot or from the content index. */
#include "np_store.h"

#include <string.h>
#include <apr_strings.h>

#include "np_cache.h"

static int cmp_section(const void *a, const void *b)
{
    const np_section *x = *(np_section *const *)a, *y = *(np_section *const *)b;
    if (x->order != y->order)
        return x->order < y->order ? -1 : 1;
    return strcmp(x->title, y->title);
}

np_snapshot *np_store_tree(np_index *idx, const np_content_opts *o)
{
    apr_pool_t *p;
    np_snapshot *s;
    apr_array_header_t *rows, *kids;
    apr_hash_index_t *hi;
    int i;

    if (apr_pool_create_unmanaged_ex(&p, NULL, NULL) != APR_SUCCESS)
        return NULL;
    s = apr_pcalloc(p, sizeof(*s));
    s->pool = p;
    s->refs = 1;
    s->dir = apr_pstrdup(p, o->dir);
    s->indexed = 1;
    s->built = apr_time_now();
    s->generation = np_index_generation(idx);
    s->sections = apr_hash_make(p);
    s->tags = apr_hash_make(p);
    s->by_path = apr_hash_make(p);
    s->by_slug = apr_hash_make(p);
    s->by_previous = apr_hash_make(p);
    s->by_index_id = apr_hash_make(p);
    s->folders = apr_hash_make(p);
    s->errors = apr_array_make(p, 1, sizeof(np_error_rec));
    s->files = apr_array_make(p, 1, sizeof(np_file_state));
    rows = np_index_sections(idx, p);
    kids = apr_array_make(p, rows->nelts, sizeof(np_section *));
    for (i = 0; i < rows->nelts; i++) {
        const np_index_section *r = &APR_ARRAY_IDX(rows, i, np_index_section);
        np_section *sec = apr_pcalloc(p, sizeof(*sec)), *parent = NULL;
        const char *slash = strrchr(r->path, '/');
        if (r->parent && !(parent = apr_hash_get(s->sections, r->parent, APR_HASH_KEY_STRING)))
            continue; /* an orphan cannot be reached */
        if (!r->parent && *r->path)
            continue;
        sec->path = r->path;
        sec->name = slash ? slash + 1 : r->path;
        sec->dir = r->dir;
        sec->title = r->title     ? r->title
                     : *sec->name ? np_section_title_from_name(p, sec->name)
                                  : "";
        sec->description = r->description;
        sec->lang = r->lang ? r->lang : o->lang;
        sec->order = r->order;
        sec->page_size = r->page_size;
        sec->depth = r->depth;
        sec->parent = parent;
        sec->mtime = r->mtime;
        sec->meta_mtime = r->meta_mtime;
        sec->digest = r->digest;
        sec->vis.count = (int)(r->vis_count > 0x7fffffff ? 0x7fffffff : r->vis_count);
        sec->vis.at = r->vis_at;
        sec->vis.until = r->vis_until;
        sec->index_id = r->id;
        s->nav_digest = r->nav_digest;
        apr_hash_set(s->sections, sec->path, APR_HASH_KEY_STRING, sec);
        apr_hash_set(s->by_index_id, &sec->index_id, sizeof(sec->index_id), sec);
        APR_ARRAY_PUSH(kids, np_section *) = sec;
        if (!parent)
            s->root = sec;
    }
    if (!s->root) {
        apr_pool_destroy(p);
        return NULL;
    }
    /* children: counted, then filled, then sorted as a scan sorts them */
    for (i = 0; i < kids->nelts; i++) {
        np_section *sec = APR_ARRAY_IDX(kids, i, np_section *);
        if (sec->parent)
            sec->parent->nchildren++;
    }
    for (hi = apr_hash_first(p, s->sections); hi; hi = apr_hash_next(hi)) {
        np_section *sec = apr_hash_this_val(hi);
        sec->children = apr_palloc(p, sizeof(np_section *) * (apr_size_t)(sec->nchildren + 1));
        sec->nchildren = 0;
    }
    for (i = 0; i < kids->nelts; i++) {
        np_section *sec = APR_ARRAY_IDX(kids, i, np_section *);
        if (sec->parent)
            sec->parent->children[sec->parent->nchildren++] = sec;
    }
    for (hi = apr_hash_first(p, s->sections); hi; hi = apr_hash_next(hi)) {
        np_section *sec = apr_hash_this_val(hi);
        qsort(sec->children, (size_t)sec->nchildren, sizeof(np_section *), cmp_section);
    }
    s->translated = np_index_translated(idx);
    s->took = apr_time_now() - s->built;
    return s;
}

static np_entry *entry_of(const np_view *v, np_index_entry *ie)
{
    np_entry *e;
    if (!ie)
        return NULL;
    e = apr_pcalloc(v->p, sizeof(*e));
    e->a = &ie->a;
    e->section = np_content_section(v->snap, ie->section ? ie->section : "");
    if (!e->section)
        e->section = v->snap->root;
    e->lang = ie->lang ? ie->lang : e->section->lang;
    e->mtime = ie->mtime;
    e->size = ie->size;
    e->index = -1;
    e->sec_index = -1;
    e->stale = ie->stale;
    e->digest = ie->digest;
    e->ix = ie;
    return e;
}

/* An entry's section from the section tree the view reads with (np_index_section_resolver). */
static int place_of(void *baton, apr_int64_t id, const char **path, const char **lang,
                    const char **dir)
{
    const np_snapshot *snap = baton;
    const np_section *sec = apr_hash_get(snap->by_index_id, &id, sizeof(id));
    if (!sec)
        return 0;
    *path = sec->path;
    *lang = sec->lang;
    *dir = sec->dir;
    return 1;
}

void np_store_page(const np_view *v, const np_section *sec, const np_tag *tag, apr_int64_t skip,
                   int max, np_list_page *out)
{
    memset(out, 0, sizeof(*out));
    if (max < 0)
        max = 0;
    if (skip < 0)
        skip = 0;
    out->items = apr_pcalloc(v->p, sizeof(np_entry *) * (apr_size_t)(max + 1));
    if (v->snap->indexed) {
        np_index_page pg;
        int i, ok = 1;
        if (tag) {
            ok = np_index_list_tag(v->idx, v->p, tag->slug, v->now, skip, max, &pg, NULL);
        } else {
            /* the section's row as the view's section tree holds it: not read again */
            np_index_list_head h = {sec->index_id, sec->digest, sec->vis.count, sec->vis.at,
                                    sec->vis.until};
            np_index_list_section_at(v->idx, v->p, &h, v->now, skip, max, place_of, (void *)v->snap,
                                     &pg);
        }
        if (!ok)
            return;
        for (i = 0; i < pg.n; i++)
            out->items[out->n++] = entry_of(v, pg.items[i]);
        out->total = pg.total;
        out->next_change = pg.next_change;
        return;
    }
    {
        np_entry *const *list = tag ? tag->entries : sec->entries;
        int n = tag ? tag->nentries : sec->nentries;
        const np_visibility *vis = tag ? &tag->vis : &sec->vis;
        out->total = np_content_visible_fast(list, n, vis, v->now, 0, NULL, 0);
        out->next_change = np_content_next_change_fast(list, n, vis, v->now);
        if (max && skip < out->total) {
            np_content_visible_fast(list, n, vis, v->now, (int)skip, out->items, max);
            while (out->n < max && out->items[out->n])
                out->n++;
        }
    }
}

void np_store_lastmods(const np_view *v, apr_int64_t first, apr_int64_t width, int n,
                       apr_time_t *out)
{
    const np_snapshot *snap = v->snap;
    apr_int64_t pos = 0, end = first + width * n;
    int i;
    if (snap->indexed) {
        np_index_list_lastmods(v->idx, snap->root->path, v->now, first, width, n, out);
        return;
    }
    for (i = 0; i < n; i++)
        out[i] = 0;
    if (width <= 0)
        return;
    for (i = snap->nall - 1; i >= 0 && pos < end; i--) {
        const np_article *a = snap->all[i]->a;
        apr_time_t t = a->updated.t ? a->updated.t : a->published.t;
        if (!np_article_visible(a, v->now))
            continue;
        if (pos >= first && t > out[(pos - first) / width])
            out[(pos - first) / width] = t;
        pos++;
    }
}

apr_time_t np_store_newest_lastmod(const np_view *v, const np_section *sec, int n)
{
    return v->snap->indexed ? np_index_list_newest_lastmod(v->idx, sec->path, v->now, n) : 0;
}

void np_store_oldest(const np_view *v, apr_int64_t skip, const np_entry *after, int max,
                     np_list_page *out)
{
    np_index_page pg;
    int i;
    memset(out, 0, sizeof(*out));
    if (max < 0)
        max = 0;
    out->items = apr_pcalloc(v->p, sizeof(np_entry *) * (apr_size_t)(max + 1));
    if (!v->snap->indexed ||
        !np_index_list_section_oldest(v->idx, v->p, v->snap->root->path, v->now, skip,
                                      after ? after->ix : NULL, max, &pg))
        return;
    for (i = 0; i < pg.n; i++)
        out->items[out->n++] = entry_of(v, pg.items[i]);
}

const np_tag *np_store_tag(const np_view *v, const char *slug)
{
    if (v->snap->indexed) {
        np_index_page pg;
        const char *name = NULL;
        np_tag *t;
        if (!np_index_list_tag(v->idx, v->p, slug, v->now, 0, 0, &pg, &name) || pg.total <= 0)
            return NULL;
        t = apr_pcalloc(v->p, sizeof(*t));
        t->name = name ? name : slug;
        t->slug = apr_pstrdup(v->p, slug);
        t->digest = pg.digest;
        return t;
    } else {
        const np_tag *t = np_content_tag(v->snap, slug);
        if (t && !np_content_visible_fast(t->entries, t->nentries, &t->vis, v->now, 0, NULL, 0))
            t = NULL;
        return t;
    }
}

np_entry *np_store_article(const np_view *v, const np_section *sec, const char *slug)
{
    if (!v->snap->indexed)
        return sec ? np_content_article(v->p, v->snap, sec, slug, v->now)
                   : np_content_article_by_slug(v->snap, slug, v->now);
    return entry_of(v, sec ? np_index_article(v->idx, v->p, sec->path, slug, v->now)
                           : np_index_article_by_slug(v->idx, v->p, slug, v->now));
}

np_entry *np_store_gone(const np_view *v, const np_section *sec, const char *slug)
{
    np_index_entry *ie;
    if (!v->snap->indexed)
        return np_content_gone(v->p, v->snap, sec, slug, v->now);
    ie = np_index_article_any(v->idx, v->p, sec ? sec->path : NULL, slug);
    return ie && np_article_gone(&ie->a, v->now) ? entry_of(v, ie) : NULL;
}

np_entry *np_store_moved(const np_view *v, const char *section, const char *slug)
{
    np_index_entry *ie;
    if (!v->snap->indexed)
        return NULL;
    ie = np_index_moved(v->idx, v->p, section, slug);
    return ie && np_article_visible(&ie->a, v->now) ? entry_of(v, ie) : NULL;
}

np_entry *np_store_any(const np_view *v, const np_section *sec, const char *slug)
{
    if (!v->snap->indexed)
        return sec ? apr_hash_get(v->snap->by_path,
                                  apr_pstrcat(v->p, sec->dir, "/", slug, ".xml", NULL),
                                  APR_HASH_KEY_STRING)
                   : apr_hash_get(v->snap->by_slug, slug, APR_HASH_KEY_STRING);
    return entry_of(v, np_index_article_any(v->idx, v->p, sec ? sec->path : NULL, slug));
}

np_entry *np_store_previous(const np_view *v, const char *path)
{
    np_index_entry *ie;
    if (!v->snap->indexed)
        return np_content_previous(v->snap, path, v->now);
    ie = np_index_previous(v->idx, v->p, path);
    return ie && np_article_visible(&ie->a, v->now) ? entry_of(v, ie) : NULL;
}

void np_store_translations(const np_view *v, np_entry *e)
{
    np_index_entry *rows[NP_MAX_TRANSLATIONS];
    const np_article *a = e->a;
    int i, n;
    if (!v->snap->indexed || !e->ix || e->translations || !v->snap->translated)
        return;
    n = np_index_group(v->idx, v->p, a->translation_of ? a->translation_of : a->id, rows,
                       NP_MAX_TRANSLATIONS);
    if (n < 2)
        return;
    e->translations = apr_palloc(v->p, sizeof(np_entry *) * (apr_size_t)n);
    for (i = 0; i < n; i++)
        e->translations[i] = rows[i]->id == e->ix->id ? e : entry_of(v, rows[i]);
    e->ntranslations = n;
}

void np_store_neighbours(const np_view *v, const np_entry *e, const np_entry **older,
                         const np_entry **newer)
{
    np_index_entry *o, *n, *x;
    int i;
    if (!v->snap->indexed || !e->ix) {
        np_view_neighbours(v, e, older, newer);
        return;
    }
    *older = *newer = NULL;
    np_index_neighbours(v->idx, v->p, e->ix, v->now, &o, &x);
    /* a neighbour no route can express is skipped, as in a snapshot (bounded: such articles
     * are the root's own under a route table without them, rare and logged) */
    for (i = 0; o && i < 64; i++) {
        np_entry *c = entry_of(v, o);
        if (np_view_article_url(v, c)) {
            *older = c;
            break;
        }
        np_index_neighbours(v->idx, v->p, o, v->now, &o, &n);
    }
    for (i = 0; x && i < 64; i++) {
        np_entry *c = entry_of(v, x);
        if (np_view_article_url(v, c)) {
            *newer = c;
            break;
        }
        np_index_neighbours(v->idx, v->p, x, v->now, &n, &x);
    }
}

const char *np_store_body(const np_view *v, const np_entry *e, apr_size_t *len)
{
    if (!v->snap->indexed || !e->ix)
        return NULL;
    return np_index_body(v->idx, v->p, e->ix, len);
}

int np_store_same(const np_entry *a, const np_entry *b)
{
    if (a == b)
        return 1;
    if (!a || !b)
        return 0;
    if (a->ix && b->ix)
        return a->ix->id == b->ix->id;
    return a->a->path && b->a->path && strcmp(a->a->path, b->a->path) == 0;
}
