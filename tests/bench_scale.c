/* Scale figures of the content index (bench/scale.sh runs it after building the index with
 * `newsportal index`): an edit brought in by a watcher's folder update and by a full stat walk,
 * then the lookups pages make, against the same on a 100-article tree.
 * bench_scale CONTENT_DIR DB SMALL_DIR SMALL_DB */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <apr_general.h>
#include <apr_strings.h>

#include "np_index.h"
#include "np_page.h"
#include "np_site.h"
#include "np_xml.h"

static void opts(np_index_opts *o, const char *dir)
{
    memset(o, 0, sizeof(*o));
    o->dir = dir;
    o->max_article_size = 4 * 1024 * 1024; /* as `newsportal index` and the module */
    o->stale_on_error = 1;
}

/* The first article file of the section at rel (a generated tree has one in most). */
static const char *some_article(apr_pool_t *p, np_index *idx, const char *section,
                                const char **slug)
{
    np_index_page pg;
    if (!np_index_list_section(idx, p, section, apr_time_now(), 0, 1, &pg) || !pg.n)
        return NULL;
    *slug = pg.items[0]->a.slug;
    return pg.items[0]->a.path;
}

static void edit(const char *path, const char *title)
{
    char tmp[4096];
    FILE *f;
    snprintf(tmp, sizeof(tmp), "%s.new", path);
    f = fopen(tmp, "w");
    if (!f)
        exit(1);
    fprintf(f,
            "<article><title>%s</title><published>2026-01-01T00:00:00Z</published><body><p>"
            "edited</p></body></article>\n",
            title);
    fclose(f);
    if (rename(tmp, path) != 0)
        exit(1);
}

typedef struct {
    double list_root, list_section, list_deep_page, list_tag, article, by_slug, neighbours;
} lat;

#define ROUNDS 2000

/* Microseconds per lookup, averaged. */
static void latency(np_index *idx, const char *section, const char *slug, lat *out)
{
    apr_pool_t *p;
    apr_time_t now = apr_time_now(), t0;
    np_index_page pg;
    np_index_entry *e, *o, *n;
    int i;
    apr_pool_create(&p, NULL);
#define TIME(field, expr)                                                                          \
    t0 = apr_time_now();                                                                           \
    for (i = 0; i < ROUNDS; i++) {                                                                 \
        expr;                                                                                      \
        apr_pool_clear(p);                                                                         \
    }                                                                                              \
    out->field = (double)(apr_time_now() - t0) / ROUNDS
    TIME(list_root, np_index_list_section(idx, p, "", now, 0, 20, &pg));
    TIME(list_section, np_index_list_section(idx, p, section, now, 0, 20, &pg));
    TIME(list_deep_page, np_index_list_section(idx, p, "", now, 2000, 20, &pg));
    TIME(list_tag, np_index_list_tag(idx, p, "topic-1", now, 0, 20, &pg, NULL));
    TIME(article, e = np_index_article(idx, p, section, slug, now));
    TIME(by_slug, e = np_index_article_by_slug(idx, p, slug, now));
    e = np_index_article(idx, p, section, slug, now);
    if (e) {
        apr_pool_t *q;
        apr_pool_create(&q, NULL);
        e = np_index_article(idx, q, section, slug, now);
        TIME(neighbours, np_index_neighbours(idx, p, e, now, &o, &n));
        apr_pool_destroy(q);
    }
    apr_pool_destroy(p);
}

/* Whole pages, uncached, served from the index the way a child serves them (np_page_serve on a
 * site with index_file): microseconds per page, averaged. */
typedef struct {
    double home, section, article, tag, first;
} pages;

static double page_us(np_site *site, const np_site_conf *c, const char *path, int rounds)
{
    apr_pool_t *p;
    np_request req;
    np_response resp;
    apr_time_t t0 = apr_time_now();
    int i;
    apr_pool_create(&p, NULL);
    for (i = 0; i < rounds; i++) {
        memset(&req, 0, sizeof(req));
        req.path = path;
        req.mount = "";
        req.origin = "http://localhost";
        req.now = apr_time_now();
        if (np_page_serve(site, c, &req, &resp, p, NULL) != 200) {
            fprintf(stderr, "bench_scale: %s: %d\n", path, resp.status);
            exit(1);
        }
        np_page_response_release(&resp);
        apr_pool_clear(p);
    }
    apr_pool_destroy(p);
    return (double)(apr_time_now() - t0) / rounds;
}

static void page_times(apr_pool_t *pool, const char *dir, const char *db, const char *section,
                       const char *slug, pages *out)
{
    np_site_conf c;
    np_site *site;
    apr_time_t t0 = apr_time_now();
    np_site_conf_init(&c);
    c.content_dir = dir;
    np_site_conf_defaults(pool, &c);
    c.index_file = db;
    c.cache = 0;
    site = np_site_create(pool, &c, NULL);
    /* what a new child does before its first page: open a handle, read the section tree */
    out->first = page_us(site, &c, "/", 1);
    (void)t0;
    out->home = page_us(site, &c, "/", 300);
    out->section = page_us(site, &c, apr_psprintf(pool, "/%s/", section), 300);
    out->article = page_us(site, &c, apr_psprintf(pool, "/%s/%s.html", section, slug), 300);
    out->tag = page_us(site, &c, "/tags/topic-1/", 300);
}

int main(int argc, char **argv)
{
    apr_pool_t *pool;
    np_index_opts o, os;
    np_index *w, *r, *small;
    np_index_stats st;
    np_index_info info;
    const char *err, *path, *slug, *section = "s1", *small_slug;
    const char *dirs[1];
    apr_time_t t0;
    lat big, little;
    double walk;

    if (argc != 5) {
        fprintf(stderr, "usage: bench_scale CONTENT_DIR DB SMALL_DIR SMALL_DB\n");
        return 2;
    }
    apr_initialize();
    np_xml_init();
    apr_pool_create(&pool, NULL);
    opts(&o, argv[1]);
    opts(&os, argv[3]);
    if (!(w = np_index_open(pool, argv[2], &o, 0, &err)) ||
        !(r = np_index_open(pool, argv[2], &o, 1, &err)) ||
        !(small = np_index_open(pool, argv[4], &os, 1, &err))) {
        fprintf(stderr, "bench_scale: %s\n", err);
        return 1;
    }
    np_index_info_get(r, &info);
    path = some_article(pool, r, section, &slug);
    if (!path) {
        fprintf(stderr, "bench_scale: no article in section %s\n", section);
        return 1;
    }
    section = apr_pstrdup(pool, np_index_article_by_slug(r, pool, slug, apr_time_now())->section);

    /* an edit, as a watcher reports it: only its folder is read */
    edit(path, "EDITED ONCE");
    dirs[0] = apr_pstrndup(pool, path, (apr_size_t)(strrchr(path, '/') - path));
    t0 = apr_time_now();
    if (np_index_update_dirs(w, dirs, 1, &st, &err) != APR_SUCCESS) {
        fprintf(stderr, "bench_scale: %s\n", err);
        return 1;
    }
    printf("edit, folder update (what a watcher does): %.1f ms to the commit (%d files in the "
           "folder looked at, %d read); a reader sees '%s'\n",
           (double)(apr_time_now() - t0) / 1000.0, st.files, st.parsed,
           np_index_article(r, pool, section, slug, apr_time_now())->a.title);

    /* the same through a full stat walk (what polling does) */
    edit(path, "EDITED TWICE");
    t0 = apr_time_now();
    if (np_index_update(w, &st, &err) != APR_SUCCESS) {
        fprintf(stderr, "bench_scale: %s\n", err);
        return 1;
    }
    walk = (double)(apr_time_now() - t0) / 1e6;
    printf("edit, full pass (what polling does): %.2f s to the commit (%d folders, %d files "
           "stat()ed, %d read); a reader sees '%s'\n",
           walk, st.folders, st.files, st.parsed,
           np_index_article(r, pool, section, slug, apr_time_now())->a.title);

    {
        np_index_page pg;
        if (!np_index_list_section(small, pool, "s1", apr_time_now(), 0, 1, &pg) || !pg.n) {
            fprintf(stderr, "bench_scale: the small tree has no s1 article\n");
            return 1;
        }
        small_slug = pg.items[0]->a.slug;
        latency(r, section, slug, &big);
        latency(small, pg.items[0]->section, small_slug, &little);
    }
    printf("lookups, microseconds, %" APR_INT64_T_FMT " articles vs 100 (ratio):\n", info.articles);
#define ROW(name, f)                                                                               \
    printf("  %-34s %8.1f %8.1f  %5.2fx\n", name, big.f, little.f, big.f / little.f)
    ROW("home listing, page 1 (20, count)", list_root);
    ROW("section listing, page 1", list_section);
    ROW("home listing, page 101", list_deep_page);
    ROW("tag listing, page 1", list_tag);
    ROW("article by section and slug", article);
    ROW("article by slug", by_slug);
    ROW("neighbours", neighbours);
    {
        pages pb, ps;
        np_index_page pg;
        np_index_list_section(small, pool, "s1", apr_time_now(), 0, 1, &pg);
        page_times(pool, argv[1], argv[2], section, slug, &pb);
        page_times(pool, argv[3], argv[4], pg.items[0]->section, small_slug, &ps);
        printf("whole pages from the index, uncached, microseconds, %" APR_INT64_T_FMT
               " articles vs 100 (ratio; goal at most 1.2x):\n",
               info.articles);
#define PROW(name, f) printf("  %-34s %8.1f %8.1f  %5.2fx\n", name, pb.f, ps.f, pb.f / ps.f)
        PROW("first page of a new process", first);
        PROW("home page", home);
        PROW("section page", section);
        PROW("article page", article);
        PROW("tag page", tag);
    }
    np_index_close(small);
    np_index_close(r);
    np_index_close(w);
    apr_pool_destroy(pool);
    apr_terminate();
    return 0;
}
