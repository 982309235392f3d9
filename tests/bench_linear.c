/* The cost of the worst article a file can hold, for `make bench-linear`: bench_linear tags|title N
 * writes one article with N tags (or a title of N bytes) in a temporary content folder, then
 * bench_work scans it, loads it with its body and serves its page and the section's Atom and RSS
 * feeds (page cache off). bench/linear.sh runs it under callgrind, collecting only bench_work, at
 * 0, N and 2N: the instructions each article costs must grow linearly (docs/security.md). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <apr_file_io.h>
#include <apr_general.h>
#include <apr_strings.h>

#include "np_buf.h"
#include "np_content.h"
#include "np_page.h"
#include "np_site.h"
#include "np_xml.h"

static void serve(np_site *site, np_site_conf *c, const char *url, apr_pool_t *p)
{
    np_request req;
    np_response resp;
    memset(&req, 0, sizeof(req));
    req.mount = "";
    req.path = url;
    req.origin = "http://localhost";
    req.now = apr_time_now();
    np_page_serve(site, c, &req, &resp, p, NULL);
    if (resp.status != 200) {
        fprintf(stderr, "bench_linear: %s answered %d\n", url, resp.status);
        exit(1);
    }
    np_cache_release(resp.entry);
}

/* Everything callgrind counts (--toggle-collect=bench_work). */
__attribute__((noinline)) void bench_work(np_site *site, np_site_conf *c, const char *dir,
                                          const char *file, apr_pool_t *p);
__attribute__((noinline)) void bench_work(np_site *site, np_site_conf *c, const char *dir,
                                          const char *file, apr_pool_t *p)
{
    np_content_opts o;
    np_article_opts ao = {c->max_article_size, NULL, 1};
    const char *err = NULL;
    np_snapshot *s;
    memset(&o, 0, sizeof(o));
    o.dir = dir;
    o.lang = "en";
    o.max_article_size = c->max_article_size;
    s = np_content_scan(&o);
    if (!s || s->nall != 1) {
        fprintf(stderr, "bench_linear: the scan found %d articles\n", s ? s->nall : -1);
        exit(1);
    }
    np_snapshot_release(s);
    if (!np_article_load(p, file, NULL, &ao, &err)) {
        fprintf(stderr, "bench_linear: %s\n", err);
        exit(1);
    }
    serve(site, c, "/s/a.html", p);
    serve(site, c, "/s/feed.atom", p);
    serve(site, c, "/feed.rss", p);
}

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "tags";
    long n = argc > 2 ? atol(argv[2]) : 1000, i;
    char tmpl[] = "/tmp/np-bench-linear-XXXXXX";
    const char *dir, *file;
    apr_pool_t *pool, *p;
    np_site_conf c;
    np_site *site;
    np_buf b;
    FILE *f;

    apr_initialize();
    np_xml_init();
    apr_pool_create(&pool, NULL);
    if (!(dir = mkdtemp(tmpl)))
        return 1;
    apr_dir_make(apr_pstrcat(pool, dir, "/s", NULL), APR_FPROT_OS_DEFAULT, pool);
    file = apr_pstrcat(pool, dir, "/s/a.xml", NULL);
    np_buf_init(&b, 1 << 20);
    np_buf_puts(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<article><title>T");
    if (strcmp(mode, "title") == 0)
        for (i = 0; i < n; i++)
            np_buf_putc(&b, (char)('a' + i % 26));
    np_buf_puts(&b, "</title><published>2026-01-01T00:00:00Z</published><tags>");
    if (strcmp(mode, "tags") == 0)
        for (i = 0; i < n; i++)
            np_buf_printf(&b, "<tag>t%ld</tag>", i);
    np_buf_puts(&b, "</tags><body><p>Body.</p></body></article>\n");
    f = fopen(file, "w");
    if (!f || fwrite(b.data, 1, b.len, f) != b.len || fclose(f) != 0)
        return 1;

    memset(&c, 0, sizeof(c));
    c.content_dir = dir;
    c.page_size = c.feed_full = c.check_interval = c.max_age = c.stale_on_error = -1;
    c.cache = 0;
    np_site_conf_defaults(pool, &c);
    c.check_interval = 3600;
    site = np_site_create(pool, &c, NULL);
    apr_pool_create(&p, pool);
    serve(site, &c, "/s/a.html", p); /* the first request's one-time work (templates) */
    apr_pool_clear(p);
    bench_work(site, &c, dir, file, p);
    printf("%s %ld: %lu bytes\n", mode, n, (unsigned long)b.len);

    np_buf_free(&b);
    unlink(file);
    rmdir(apr_pstrcat(pool, dir, "/s", NULL));
    rmdir(dir);
    apr_pool_destroy(pool);
    apr_terminate();
    return 0;
}
