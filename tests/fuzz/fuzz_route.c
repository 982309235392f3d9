/* Arbitrary request paths, route tables and link values. The first byte picks the mode:
 *   0: the rest is a path, matched against the default table;
 *   1: lines "KIND PATTERN [TEMPLATE]" up to an empty line make a table (np_routes_add), the
 *      lines after it are paths matched against that table;
 *   2: lines SECTION, SLUG, TAG, "PAGE YYYY MM DD" are link values for np_routes_url, every kind,
 *      on the default table.
 * Matched values must keep to the content alphabet (no way out of the content folder), and a
 * link, percent-decoded, must be a valid path that routes again (to the same page on the default
 * table). Mode 0's paths are also served (np_page_serve) from a small site with tags and
 * sections, so page numbers up to 2^63 and past the last page reach the listing arithmetic. */
#include "fuzz_common.h"

#include <apr_strings.h>

#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "np_cache.h"
#include "np_page.h"
#include "np_route.h"

static np_routes *defaults;
static np_site *site;
static np_site_conf site_conf;
static char site_dir[64];
static apr_pool_t *site_pool;

/* The site's snapshot and theme live in pools of their own: released with the site's. */
static void remove_site(void)
{
    char cmd[128];
    apr_pool_destroy(site_pool);
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", site_dir);
    if (system(cmd) != 0)
        fprintf(stderr, "fuzz_route: could not remove %s\n", site_dir);
}

static void write_file(const char *rel, const char *text)
{
    char path[256];
    FILE *f;
    snprintf(path, sizeof(path), "%s/%s", site_dir, rel);
    f = fopen(path, "w");
    FUZZ_CHECK(f);
    fputs(text, f);
    fclose(f);
}

/* Three articles in two sections, a tag with one of them, a tag whose only article is
 * embargoed: every listing is shorter than a page. */
static void make_site(apr_pool_t *root)
{
    char d[128];
    apr_pool_t *p;
    FUZZ_CHECK(apr_pool_create(&site_pool, root) == APR_SUCCESS);
    p = site_pool;
    strcpy(site_dir, "/tmp/np-fuzz-route-XXXXXX");
    FUZZ_CHECK(mkdtemp(site_dir));
    atexit(remove_site);
    snprintf(d, sizeof(d), "%s/a", site_dir);
    mkdir(d, 0755);
    snprintf(d, sizeof(d), "%s/a/b", site_dir);
    mkdir(d, 0755);
    write_file("a/one.xml", "<article><title>One</title><published>2026-01-01</published><tags>"
                            "<tag>x</tag></tags><body><p>1</p></body></article>");
    write_file("a/b/two.xml", "<article><title>Two</title><published>2026-01-02</published>"
                              "<body><p>2</p></body></article>");
    write_file("a/b/later.xml", "<article><title>Later</title><published>2999-01-01</published>"
                                "<tags><tag>y</tag></tags><body><p>3</p></body></article>");
    np_site_conf_init(&site_conf);
    site_conf.content_dir = site_dir;
    site_conf.check_interval = 86400;
    site_conf.cache = 0;
    np_site_conf_defaults(p, &site_conf);
    site = np_site_create(p, &site_conf, NULL);
    FUZZ_CHECK(site);
}

static void serve(apr_pool_t *p, const char *path, size_t len)
{
    np_request req;
    np_response resp;
    int status;
    if (strlen(path) != len || !len || path[0] != '/')
        return;
    memset(&req, 0, sizeof(req));
    req.path = path;
    req.mount = "/news";
    req.origin = "http://fuzz.example";
    req.now = apr_time_from_sec(1780000000); /* 2026 */
    status = np_page_serve(site, &site_conf, &req, &resp, p, NULL);
    FUZZ_CHECK(status == 200 || status == 301 || status == 404);
    FUZZ_CHECK(status != 301 || (resp.location && !strpbrk(resp.location, " \r\n\"<>")));
    FUZZ_CHECK(resp.len == 0 || resp.body);
    np_cache_release(resp.entry);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    apr_pool_t *root;
    (void)argc;
    (void)argv;
    fuzz_init();
    root = fuzz_root_pool();
    defaults = np_routes_default(root);
    FUZZ_CHECK(np_routes_count(defaults) == 19);
    make_site(root);
    return 0;
}

/* [A-Za-z0-9][A-Za-z0-9._-]* without "..", one path segment. */
static int name_ok(const char *s, size_t n)
{
    size_t i;
    if (!n || !((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z') ||
                (s[0] >= '0' && s[0] <= '9')))
        return 0;
    for (i = 1; i < n; i++)
        if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-", s[i]) ||
            (s[i] == '.' && s[i - 1] == '.'))
            return 0;
    return 1;
}

static void check_values(const np_routes *r, const np_route_match *m)
{
    const char *s = m->v.section;
    FUZZ_CHECK(m->kind > NP_ROUTE_NONE && m->kind < NP_ROUTE_KINDS);
    FUZZ_CHECK(m->index >= 0 && m->index < np_routes_count(r));
    FUZZ_CHECK(s);
    while (*s) {
        size_t n = strcspn(s, "/");
        FUZZ_CHECK(name_ok(s, n));
        s += n;
        if (*s)
            FUZZ_CHECK(*++s);
    }
    if (m->v.slug)
        FUZZ_CHECK(name_ok(m->v.slug, strlen(m->v.slug)));
    if (m->v.tag)
        FUZZ_CHECK(*m->v.tag && !strchr(m->v.tag, '/'));
    FUZZ_CHECK(m->v.page >= 0 && m->v.page <= 999999999);
    FUZZ_CHECK(m->v.yyyy >= 0 && m->v.yyyy <= 9999 && m->v.mm >= 0 && m->v.mm <= 12);
    FUZZ_CHECK(m->v.dd >= 0 && m->v.dd <= 31);
}

static int hexval(char c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* The link as the router sees it after httpd has decoded it. */
static char *decode(apr_pool_t *p, const char *url, size_t *len)
{
    char *out = apr_palloc(p, strlen(url) + 1), *o = out;
    for (; *url; url++) {
        if (*url == '%') {
            int hi = hexval(url[1]), lo = hi < 0 ? -1 : hexval(url[2]);
            FUZZ_CHECK(hi >= 0 && lo >= 0); /* links encode with upper-case hex */
            *o++ = (char)(hi * 16 + lo);
            url += 2;
        } else {
            *o++ = *url;
        }
    }
    *o = '\0';
    *len = (size_t)(o - out);
    return out;
}

static int same(const char *a, const char *b)
{
    return a == b || (a && b && strcmp(a, b) == 0);
}

/* Does the section have a folder named like a literal of the default table? Its links can route
 * elsewhere: "a/page/2" gives "/a/page/2/", page 2 of "a"; "tags/x" gives "/tags/x/", tag x.
 * A naming limit of the default table (such folders are unreachable), not checked here. */
static int shadowed(const char *section)
{
    while (*section) {
        size_t n = strcspn(section, "/");
        if ((n == 4 && !memcmp(section, "page", 4)) || (n == 4 && !memcmp(section, "tags", 4)))
            return 1;
        section += n + (section[n] == '/');
    }
    return 0;
}

/* A link to what m matched routes back to it (on the default table, to the same values). */
static void round_trip(apr_pool_t *p, const np_routes *r, const np_route_match *m)
{
    np_route_match again;
    size_t len;
    const char *url = np_routes_url(r, m->kind, &m->v, p), *path;
    if (r != defaults && !url)
        return;
    FUZZ_CHECK(url);
    path = decode(p, url, &len);
    FUZZ_CHECK(strlen(path) == len && np_route_path_valid(path, len));
    FUZZ_CHECK(np_routes_match(r, path, &again, p));
    check_values(r, &again);
    if (r != defaults || shadowed(m->v.section))
        return;
    FUZZ_CHECK(again.kind == m->kind && same(again.v.section, m->v.section));
    FUZZ_CHECK(same(again.v.slug, m->v.slug) && same(again.v.tag, m->v.tag));
    FUZZ_CHECK(again.v.page == m->v.page || (m->v.page == 1 && again.v.page == 0));
}

static void match(apr_pool_t *p, const np_routes *r, const char *path, size_t len)
{
    np_route_match m;
    int valid = np_route_path_valid(path, len);
    if (memchr(path, '\0', len) || strstr(path, "..") || strstr(path, "//"))
        FUZZ_CHECK(!valid);
    if (!np_routes_match(r, path, &m, p))
        return;
    FUZZ_CHECK(valid || strlen(path) < len);
    check_values(r, &m);
    round_trip(p, r, &m);
}

/* Next line of [*s, end) as a C string; NULL at the end. */
static char *next_line(apr_pool_t *p, const char **s, const char *end)
{
    const char *nl;
    char *line;
    if (*s >= end)
        return NULL;
    nl = memchr(*s, '\n', (size_t)(end - *s));
    if (!nl)
        nl = end;
    line = apr_pstrmemdup(p, *s, (size_t)(nl - *s));
    *s = nl + 1;
    return line;
}

static void table_mode(apr_pool_t *p, const char *s, const char *end)
{
    np_routes *r = np_routes_create(p);
    char *line;
    int n = 0;
    while ((line = next_line(p, &s, end)) && *line) {
        char *kind = line, *pattern = strchr(line, ' '), *tmpl = NULL;
        const char *err;
        if (pattern) {
            *pattern++ = '\0';
            if ((tmpl = strchr(pattern, ' ')))
                *tmpl++ = '\0';
        }
        err = np_routes_add(r, pattern, kind, tmpl);
        FUZZ_CHECK(err ? np_routes_count(r) == n : np_routes_count(r) == n + 1);
        if (!err)
            FUZZ_CHECK(strcmp(np_routes_pattern(r, n++), pattern) == 0);
    }
    while ((line = next_line(p, &s, end)))
        match(p, r, line, strlen(line));
}

static void url_mode(apr_pool_t *p, const char *s, const char *end)
{
    np_route_params v;
    char *section = next_line(p, &s, end), *slug = next_line(p, &s, end),
         *tag = next_line(p, &s, end), *nums = next_line(p, &s, end);
    int k;
    memset(&v, 0, sizeof(v));
    v.section = section;
    v.slug = slug && *slug ? slug : NULL;
    v.tag = tag && *tag ? tag : NULL;
    if (nums) {
        int *field[] = {&v.page, &v.yyyy, &v.mm, &v.dd}, i;
        char *e = nums;
        for (i = 0; i < 4; i++)
            *field[i] = (int)strtol(e, &e, 10);
    }
    for (k = NP_ROUTE_NONE; k <= NP_ROUTE_KINDS; k++) {
        np_route_match m;
        size_t len;
        const char *url = np_routes_url(defaults, (np_route_kind)k, &v, p), *path;
        if (!url)
            continue;
        FUZZ_CHECK(k > NP_ROUTE_NONE && k < NP_ROUTE_KINDS);
        path = decode(p, url, &len);
        FUZZ_CHECK(strlen(path) == len && np_route_path_valid(path, len));
        FUZZ_CHECK(np_routes_match(defaults, path, &m, p));
        check_values(defaults, &m);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    apr_pool_t *p;
    const char *s = (const char *)data + 1, *end = (const char *)data + size;
    if (size < 1)
        return 0;
    p = fuzz_pool();
    switch (data[0] % 3) {
    case 0: {
        char *path = apr_pstrmemdup(p, s, size - 1);
        match(p, defaults, path, size - 1);
        serve(p, path, size - 1);
        break;
    }
    case 1:
        table_mode(p, s, end);
        break;
    default:
        url_mode(p, s, end);
        break;
    }
    apr_pool_destroy(p);
    return 0;
}
