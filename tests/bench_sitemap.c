/* The sitemap of a large site from its content index, uncached, as a child serves it: the
 * sitemap index (page 1, one <lastmod> per file) and its first and last files.
 * bench_sitemap CONTENT_DIR DB [ROUNDS [index]] (the index built by `newsportal index`, default
 * settings; only read; index: the sitemap index only). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <apr_general.h>
#include <apr_strings.h>

#include "np_page.h"
#include "np_site.h"
#include "np_xml.h"

static void say(void *baton, int level, const char *msg)
{
    (void)baton;
    (void)level;
    fprintf(stderr, "bench_sitemap: %s\n", msg);
}

static const np_logger logger = {say, NULL, NP_LOG_DEBUG};

/* Milliseconds per page over rounds (the first apart: it reads the section tree), and the
 * body of the last. */
static double page_ms(np_site *site, const np_site_conf *c, const char *path, int rounds,
                      double *first, apr_pool_t *keep, const char **body)
{
    apr_pool_t *p;
    np_request req;
    np_response resp;
    apr_time_t t0 = 0;
    int i;
    apr_pool_create(&p, NULL);
    for (i = 0; i <= rounds; i++) {
        apr_time_t t = apr_time_now();
        if (i == 1)
            t0 = t;
        memset(&req, 0, sizeof(req));
        req.path = path;
        req.mount = "";
        req.origin = "http://localhost";
        req.now = apr_time_now();
        if (np_page_serve(site, c, &req, &resp, p, &logger) != 200) {
            fprintf(stderr, "bench_sitemap: %s: %d\n", path, resp.status);
            exit(1);
        }
        if (i == 0 && first)
            *first = (double)(apr_time_now() - t) / 1000.0;
        if (i == rounds && body)
            *body = apr_pstrmemdup(keep, resp.body, resp.len);
        np_page_response_release(&resp);
        apr_pool_clear(p);
    }
    apr_pool_destroy(p);
    return (double)(apr_time_now() - t0) / 1000.0 / rounds;
}

int main(int argc, char **argv)
{
    apr_pool_t *pool;
    np_site_conf c;
    np_site *site;
    const char *body, *at;
    double first, ms;
    int rounds = argc > 3 ? atoi(argv[3]) : 3, files = 0;

    if (argc < 3 || rounds < 1 || rounds > 1000) {
        fprintf(stderr, "usage: bench_sitemap CONTENT_DIR DB [ROUNDS [index]]\n");
        return 2;
    }
    apr_initialize();
    np_xml_init();
    apr_pool_create(&pool, NULL);
    np_site_conf_init(&c);
    c.content_dir = argv[1];
    np_site_conf_defaults(pool, &c);
    c.index_file = argv[2];
    c.cache = 0;
    site = np_site_create(pool, &c, NULL);
    if (!site) {
        fprintf(stderr, "bench_sitemap: cannot serve %s\n", argv[1]);
        return 1;
    }
    ms = page_ms(site, &c, "/sitemap.xml", rounds, &first, pool, &body);
    for (at = body; (at = strstr(at, "<sitemap>")); at++)
        files++;
    if (files)
        printf("sitemap index, uncached: %.1f ms (first request %.1f ms), %d files listed\n", ms,
               first, files);
    else
        printf("sitemap (one file), uncached: %.1f ms (first request %.1f ms)\n", ms, first);
    if (files > 1 && !(argc > 4 && !strcmp(argv[4], "index"))) {
        /* the last entry may be the news sitemap: files are pages 2..N+1 */
        int last = strstr(body, "news-sitemap") ? files : files + 1;
        ms = page_ms(site, &c, "/sitemap-2.xml", rounds, NULL, pool, NULL);
        printf("sitemap file 2 (the oldest articles), uncached: %.1f ms\n", ms);
        ms = page_ms(site, &c, apr_psprintf(pool, "/sitemap-%d.xml", last), rounds, NULL, pool,
                     NULL);
        printf("sitemap file %d (the newest articles), uncached: %.1f ms\n", last, ms);
    }
    apr_pool_destroy(pool);
    apr_terminate();
    return 0;
}
