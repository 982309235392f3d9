/* Micro-benchmark of previews: checking a token, and a page served as a site preview (rendered
 * every time, no cache) beside the same page from the page cache, in ns per request. For
 * `make bench`: bench_preview [CONTENT_DIR] [URL] [SECONDS]. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <apr_general.h>
#include <apr_strings.h>

#include "np_page.h"
#include "np_preview.h"
#include "np_site.h"
#include "np_xml.h"

static double run(np_site *site, np_site_conf *c, const char *url, double seconds,
                  const np_preview *pv)
{
    np_request req;
    apr_pool_t *p;
    apr_time_t start = apr_time_now(), end = start + (apr_time_t)(seconds * 1e6);
    long n = 0;
    memset(&req, 0, sizeof(req));
    req.mount = "";
    req.path = url;
    req.origin = "http://localhost";
    req.preview = pv;
    apr_pool_create(&p, NULL);
    do {
        int i;
        for (i = 0; i < 50; i++) {
            np_response resp;
            req.now = apr_time_now();
            np_page_serve(site, c, &req, &resp, p, NULL);
            if (resp.status != 200) {
                fprintf(stderr, "bench_preview: %s answered %d\n", url, resp.status);
                exit(1);
            }
            np_cache_release(resp.entry);
            apr_pool_clear(p);
            n++;
        }
    } while (apr_time_now() < end);
    apr_pool_destroy(p);
    return (double)(apr_time_now() - start) * 1000.0 / (double)n;
}

int main(int argc, char **argv)
{
    const char *dir = argc > 1 ? argv[1] : "conf/demo/content";
    const char *url = argc > 2 ? argv[2] : "/";
    double seconds = argc > 3 ? atof(argv[3]) : 2.0;
    static const char secret[] = "bench-secret-of-at-least-thirty-two-bytes";
    np_preview_key key = {(const unsigned char *)secret, sizeof(secret) - 1};
    apr_int64_t now = apr_time_sec(apr_time_now());
    apr_pool_t *pool, *p;
    np_site_conf c;
    np_site *site;
    np_preview pv;
    const char *tok;
    apr_time_t start;
    long i, n = 200000;
    double ns_verify, ns_preview, ns_cached;

    apr_initialize();
    np_xml_init();
    apr_pool_create(&pool, NULL);
    apr_pool_create(&p, pool);
    tok = np_preview_make(pool, &key, NP_PREVIEW_SITE, NULL, now + 86400, now + 3600);
    start = apr_time_now();
    for (i = 0; i < n; i++) {
        if (np_preview_verify(p, &key, tok, strlen(tok), url, now, &pv) != NP_PREVIEW_OK) {
            fprintf(stderr, "bench_preview: the token does not verify\n");
            return 1;
        }
        if (i % 100 == 99)
            apr_pool_clear(p);
    }
    ns_verify = (double)(apr_time_now() - start) * 1000.0 / (double)n;
    apr_pool_clear(p);
    np_preview_verify(p, &key, tok, strlen(tok), url, now, &pv);

    np_site_conf_init(&c);
    c.content_dir = dir;
    np_site_conf_defaults(pool, &c);
    site = np_site_create(pool, &c, NULL);
    ns_cached = run(site, &c, url, seconds, NULL);
    ns_preview = run(site, &c, url, seconds, &pv);
    printf("previews, %s\n", url);
    printf("  token check          : %9.0f ns\n", ns_verify);
    printf("  page from the cache  : %9.0f ns/request  %8.0f requests/s per core\n", ns_cached,
           1e9 / ns_cached);
    printf("  site preview (render): %9.0f ns/request  %8.0f requests/s per core\n", ns_preview,
           1e9 / ns_preview);
    apr_pool_destroy(pool);
    apr_terminate();
    return 0;
}
