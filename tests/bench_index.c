/* Scale benchmark: a tree of N articles (default 100,000) in 5 sections, written to a
 * temporary folder, then: time to build the index, peak memory, the cost of a section page
 * against a 100-article tree, and how long an edit takes to go live with a 1 s check interval.
 * bench_index [N]. Prints one line per figure; `make bench` shows them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include <apr_general.h>
#include <apr_strings.h>

#include "np_page.h"
#include "np_site.h"
#include "np_xml.h"

#define SECTIONS 5 /* few sections, so both trees show full pages of 20 */

static void write_tree(const char *root, int n)
{
    char path[512];
    int i;
    for (i = 0; i < SECTIONS; i++) {
        FILE *f;
        snprintf(path, sizeof(path), "%s/s%02d", root, i);
        mkdir(path, 0755);
        snprintf(path, sizeof(path), "%s/s%02d/_section.xml", root, i);
        if ((f = fopen(path, "w"))) {
            fprintf(f, "<section><title>Section %d</title></section>\n", i);
            fclose(f);
        }
    }
    for (i = 0; i < n; i++) {
        FILE *f;
        snprintf(path, sizeof(path), "%s/s%02d/a%06d.xml", root, i % SECTIONS, i);
        if (!(f = fopen(path, "w")))
            continue;
        fprintf(f,
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<article><title>Article %d about "
                "living heritage</title><summary>Summary of article %d.</summary><author>Desk"
                "</author><published>2026-%02d-%02dT%02d:%02d:00Z</published><tags><tag>t%d</tag>"
                "<tag>common</tag></tags><body><p>First paragraph of article %d, with some words "
                "in it to make it look like news.</p><p>Second paragraph.</p></body></article>\n",
                i, i, 1 + i % 11, 1 + i % 28, i % 24, i % 60, i % 50, i);
        fclose(f);
    }
}

static long rss_kb(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long kb = 0;
    while (f && fgets(line, sizeof(line), f))
        if (sscanf(line, "VmRSS: %ld", &kb) == 1)
            break;
    if (f)
        fclose(f);
    return kb;
}

static void conf_for(apr_pool_t *p, np_site_conf *c, const char *dir, int cache)
{
    np_site_conf_init(c);
    c->content_dir = dir;
    c->cache = cache;
    np_site_conf_defaults(p, c);
}

/* ns per request for url, uncached */
static double page_ns(np_site *site, np_site_conf *c, const char *url, int rounds)
{
    np_request req;
    apr_pool_t *p;
    apr_time_t t0;
    int i;
    memset(&req, 0, sizeof(req));
    req.mount = "";
    req.path = url;
    req.origin = "http://localhost";
    apr_pool_create(&p, NULL);
    t0 = apr_time_now();
    for (i = 0; i < rounds; i++) {
        np_response r;
        req.now = apr_time_now();
        np_page_serve(site, c, &req, &r, p, NULL);
        if (r.status != 200)
            fprintf(stderr, "bench_index: %s answered %d\n", url, r.status);
        np_cache_release(r.entry);
        apr_pool_clear(p);
    }
    apr_pool_destroy(p);
    return (double)(apr_time_now() - t0) * 1000.0 / rounds;
}

int main(int argc, char **argv)
{
    int n = argc > 1 ? atoi(argv[1]) : 100000;
    char big[64] = "/tmp/np-scale-XXXXXX", small[64] = "/tmp/np-small-XXXXXX", cmd[200];
    apr_pool_t *pool;
    np_site_conf cb, cs, cl;
    np_site *sb, *ss, *live;
    np_snapshot *snap;
    apr_time_t t0, t1;
    long rss0, rss1;
    double ns_big, ns_small, home_big, home_small;

    apr_initialize();
    np_xml_init();
    apr_pool_create(&pool, NULL);
    if (!mkdtemp(big) || !mkdtemp(small))
        return 1;
    write_tree(big, n);
    write_tree(small, 100);

    rss0 = rss_kb();
    conf_for(pool, &cb, big, 0);
    t0 = apr_time_now();
    sb = np_site_create(pool, &cb, NULL);
    t1 = apr_time_now();
    rss1 = rss_kb();
    snap = np_site_snapshot(sb, apr_time_now(), NULL);
    printf("index: %d articles in %d sections built in %.2f s\n", snap->nall, SECTIONS,
           (double)(t1 - t0) / 1e6);
    printf("memory: %.1f MB resident for the index (process %.1f MB)\n", (rss1 - rss0) / 1024.0,
           rss1 / 1024.0);
    np_snapshot_release(snap);

    conf_for(pool, &cs, small, 0);
    ss = np_site_create(pool, &cs, NULL);
    ns_big = page_ns(sb, &cb, "/s03/", 300);
    ns_small = page_ns(ss, &cs, "/s03/", 300);
    home_big = page_ns(sb, &cb, "/", 100);
    home_small = page_ns(ss, &cs, "/", 100);
    printf("section page, uncached: %.0f ns with %d articles, %.0f ns with 100: %.2fx\n", ns_big, n,
           ns_small, ns_big / ns_small);
    printf("home page, uncached: %.0f ns with %d articles, %.0f ns with 100: %.2fx\n", home_big, n,
           home_small, home_big / home_small);

    /* An edit, and how long until a request sees it (check interval 1 s). */
    conf_for(pool, &cl, big, 1);
    live = np_site_create(pool, &cl, NULL);
    {
        char path[256];
        FILE *f;
        int seen = 0;
        char tmp[272];
        snprintf(path, sizeof(path), "%s/s03/a000003.xml", big);
        snprintf(tmp, sizeof(tmp), "%s.new", path);
        sleep(1);
        /* as editors and rsync do: write beside, then rename over */
        f = fopen(tmp, "w");
        fprintf(f, "<article><title>EDITED</title><published>2026-01-01</published><body><p>x</p>"
                   "</body></article>\n");
        fclose(f);
        rename(tmp, path);
        t0 = apr_time_now();
        while (!seen && apr_time_now() - t0 < apr_time_from_sec(30)) {
            np_snapshot *s = np_site_snapshot(live, apr_time_now(), NULL);
            np_entry *e = np_content_article_by_slug(s, "a000003", apr_time_now());
            seen = e && strcmp(e->a->title, "EDITED") == 0;
            np_snapshot_release(s);
            if (!seen)
                usleep(10000);
        }
        printf("edit (write and rename): live after %.2f s (check interval 1 s; target: "
               "interval + 1 s)\n",
               (double)(apr_time_now() - t0) / 1e6);
    }
    snprintf(cmd, sizeof(cmd), "rm -rf '%s' '%s'", big, small);
    if (system(cmd) != 0)
        return 1;
    apr_pool_destroy(pool);
    apr_terminate();
    return 0;
}
