/* Micro-benchmark of the core request path: np_page_serve on the demo site, page cache on
 * (cache hits) and off (parse and render), printing ns per request, from the content index as
 * the module serves (built first into a temporary file) and from a scan as `newsportal render`
 * does. For `make bench` and for callgrind:
 * bench_page [CONTENT_DIR] [URL] [SECONDS] [on|off] [INDEX] (on|off: only that half; INDEX: an
 * index of CONTENT_DIR built before, e.g. by `newsportal index`, read as it is, and no scan). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <apr_file_info.h>
#include <apr_general.h>
#include <apr_strings.h>

#include "np_index.h"
#include "np_page.h"
#include "np_site.h"
#include "np_xml.h"

static double run(np_site *site, np_site_conf *c, const char *url, double seconds,
                  const char **state)
{
    np_request req;
    apr_pool_t *p, *kp;
    apr_time_t start = apr_time_now(), end = start + (apr_time_t)(seconds * 1e6);
    long n = 0;
    memset(&req, 0, sizeof(req));
    req.mount = "";
    req.path = url;
    req.origin = "http://localhost";
    apr_pool_create(&p, NULL);
    /* as the module does: the configuration's key made once, named by a short id */
    apr_pool_create(&kp, NULL);
    req.conf_key = np_site_conf_key(kp, c, NP_KEY_PAGE);
    req.conf_id = "conf#0\n";
    do {
        int i;
        for (i = 0; i < 200; i++) {
            np_response resp;
            req.now = apr_time_now();
            np_page_serve(site, c, &req, &resp, p, NULL);
            if (resp.status != 200) {
                fprintf(stderr, "bench_page: %s answered %d\n", url, resp.status);
                exit(1);
            }
            *state = resp.cache_state ? resp.cache_state : "uncached";
            np_cache_release(resp.entry);
            apr_pool_clear(p);
            n++;
        }
    } while (apr_time_now() < end);
    apr_pool_destroy(p);
    apr_pool_destroy(kp);
    return (double)(apr_time_now() - start) * 1000.0 / (double)n;
}

static void both(const char *what, apr_pool_t *pool, np_site_conf *base, const char *url,
                 double seconds, const char *only)
{
    np_site_conf on = *base, off = *base;
    np_site *s_on, *s_off;
    const char *st_on = "", *st_off = "";
    double ns_on = 0, ns_off = 0;
    off.cache = 0;
    s_on = np_site_create(pool, &on, NULL);
    s_off = np_site_create(pool, &off, NULL);
    if (strcmp(only, "off") != 0)
        ns_on = run(s_on, &on, url, seconds, &st_on);
    if (strcmp(only, "on") != 0)
        ns_off = run(s_off, &off, url, seconds, &st_off);
    printf("core request path, %s, %s\n", what, url);
    if (ns_on > 0)
        printf("  page cache on  (%s): %9.0f ns/request  %8.0f requests/s per core\n", st_on, ns_on,
               1e9 / ns_on);
    if (ns_off > 0)
        printf("  page cache off (%s): %9.0f ns/request  %8.0f requests/s per core\n", st_off,
               ns_off, 1e9 / ns_off);
}

int main(int argc, char **argv)
{
    const char *dir = argc > 1 ? argv[1] : "conf/demo/content";
    const char *url = argc > 2 ? argv[2] : "/news-and-events/ich-news/sharing-good-practices.html";
    double seconds = argc > 3 ? atof(argv[3]) : 2.0;
    apr_pool_t *pool;
    np_site_conf c;
    np_index_opts o;
    np_index_stats st;
    np_index *idx;
    const char *only = argc > 4 ? argv[4] : "", *given = argc > 5 ? argv[5] : NULL, *err = NULL;
    char db[] = "/tmp/np-bench-page-XXXXXX";
    int fd;

    apr_initialize();
    np_xml_init();
    apr_pool_create(&pool, NULL);
    np_site_conf_init(&c);
    c.content_dir = apr_pstrdup(pool, dir);
    if (c.content_dir[0] != '/') {
        char *cwd;
        apr_filepath_get(&cwd, 0, pool);
        c.content_dir = apr_pstrcat(pool, cwd, "/", dir, NULL);
    }
    np_site_conf_defaults(pool, &c);
    if (given) {
        c.index_file = given;
        both("from the content index", pool, &c, url, seconds, only);
        apr_pool_destroy(pool);
        apr_terminate();
        return 0;
    }
    if ((fd = mkstemp(db)) < 0)
        return 1;
    close(fd);
    unlink(db);
    np_site_index_opts(&c, NULL, &o);
    if (!(idx = np_index_open(pool, db, &o, 0, &err)) ||
        np_index_update(idx, &st, &err) != APR_SUCCESS) {
        fprintf(stderr, "bench_page: %s\n", err ? err : "cannot build the index");
        return 1;
    }
    np_index_close(idx);
    c.index_file = db;
    both("from the content index", pool, &c, url, seconds, only);
    c.index_file = NULL;
    both("from a scan", pool, &c, url, seconds, only);
    unlink(db);
    unlink(apr_pstrcat(pool, db, "-wal", NULL));
    unlink(apr_pstrcat(pool, db, "-shm", NULL));
    apr_pool_destroy(pool);
    apr_terminate();
    return 0;
}
