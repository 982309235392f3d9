/* The newsportal command-line tool: the core library without httpd, for previews, checks and
 * scripts. One entry per command in the table below; errors go to stderr as file:line:col:
 * message and give exit status 1, usage errors 2. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <apr_general.h>
#include <apr_pools.h>
#include <apr_lib.h>
#include <apr_strings.h>

#include "np_buf.h"
#include "np_date.h"
#include "np_index.h"
#include "np_indexer.h"
#include "np_json.h"
#include "np_lint.h"
#include "np_log.h"
#include "np_page.h"
#include "np_preview.h"
#include "np_search.h"
#include "np_site.h"
#include "np_template.h"
#include "np_xml.h"

#include <sqlite3.h>

#define EXIT_USAGE 2

typedef struct np_cli_command np_cli_command;

/* argv[0] is the command's name; returns the exit status. */
typedef int np_cli_run(const np_cli_command *cmd, apr_pool_t *p, int argc, const char *const *argv);

struct np_cli_command {
    const char *name;
    const char *args;
    const char *help;
    np_cli_run *run;
};

static const char *const level_names[] = {"emerg",   "alert",  "crit", "error",
                                          "warning", "notice", "info", "debug"};

static void cli_log(void *baton, int level, const char *msg)
{
    (void)baton;
    fprintf(stderr, "newsportal: %s: %s\n", level >= 0 && level <= 7 ? level_names[level] : "log",
            msg);
}

static const np_logger cli_logger = {cli_log, NULL, NP_LOG_DEBUG};

static np_cli_run cmd_template;
static np_cli_run cmd_render;
static np_cli_run cmd_lint;
static np_cli_run cmd_gen;
static np_cli_run cmd_index;
static np_cli_run cmd_preview_link;
static np_cli_run cmd_search;

static const np_cli_command commands[] = {
    {"template", "FILE [--data JSON_FILE] [--partials DIR]",
     "render the Mustache template FILE to stdout with the data in JSON_FILE; partials and\n"
     "      parents are NAME.mustache in DIR (default: FILE's folder)",
     cmd_template},
    {"render",
     "CONTENT_DIR URL_PATH [--templates DIR] [--site-name TEXT] [--base-url URL]\n"
     "      [--language TAG] [--time-zone ZONE]",
     "print the page the module would serve for URL_PATH (below the mount point, e.g.\n"
     "      /news-and-events/) with the same routes and templates; the status goes to stderr\n"
     "      and is the exit status's reason: 0 for 200, 1 otherwise",
     cmd_render},
    {"lint", "DIR [--strict] [--index FILE]",
     "check every article and _section.xml under DIR with the module's loaders; prints\n"
     "      file:line:col: error|warning: message, then a summary; exit status 1 on errors\n"
     "      (--strict: warnings count as errors; --index: the tree's content index, whose\n"
     "      remembered moves are checked for a <previous-url>)",
     cmd_lint},
    {"gen", "DIR --articles N [--sections S] [--tags T] [--seed X]",
     "write a generated content tree for benchmarks: N native articles (English, some\n"
     "      Chinese) in S sections three levels deep, T tags, dates 2010-2026, some embargoed,\n"
     "      expired or draft; the same seed writes the same tree",
     cmd_gen},
    {"index",
     "CONTENT_DIR [--db FILE] [--time-zone ZONE] [--language TAG] [--max-size BYTES]\n"
     "      [--threads N]",
     "build or bring up to date the content index of CONTENT_DIR (default FILE:\n"
     "      CONTENT_DIR.index.sqlite); only new and changed files are read; a progress line\n"
     "      on a terminal, then the counts and the time",
     cmd_index},
    {"preview-link", "--secret-file FILE [--at T] [--valid DURATION] URL_PATH",
     "print the path that previews URL_PATH (as readers see it, mount point included):\n"
     "      the draft or embargoed article there, or with --at (RFC 3339) the whole site as\n"
     "      of T, its links carrying the token; valid for DURATION (90s, 10m, 2h, 7d or\n"
     "      seconds; default 1d, at most 30d), signed with the NewsPortalPreviewSecret FILE",
     cmd_preview_link},
    {"search", "DB QUERY [--section S] [--sort date] [--page N] [--now UNIX_SECONDS] [--json]",
     "search the content index DB (built by `newsportal index`) as /search does: visible\n"
     "      articles only, relevance (or date) order, 10 a page, snippets with <mark>",
     cmd_search},
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static void usage(FILE *f)
{
    size_t i;
    fprintf(f, "usage: newsportal <command> [arguments]\n\ncommands:\n");
    for (i = 0; i < NCOMMANDS; i++)
        fprintf(f, "  %s %s\n      %s\n", commands[i].name, commands[i].args, commands[i].help);
}

static int cmd_usage(const np_cli_command *cmd, const char *problem)
{
    fprintf(stderr, "newsportal %s: %s\nusage: newsportal %s %s\n", cmd->name, problem, cmd->name,
            cmd->args);
    return EXIT_USAGE;
}

static int cmd_template(const np_cli_command *cmd, apr_pool_t *p, int argc, const char *const *argv)
{
    const char *file = NULL, *data_file = NULL, *dir = NULL, *base, *slash, *dot;
    const np_tpl *tpl = NULL;
    np_tpl_set *set;
    np_tpl_error err;
    np_value *data;
    np_buf out;
    char jerr[512];
    apr_status_t rv;
    int i, rc = 0;

    for (i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--data") == 0 && i + 1 < argc)
            data_file = argv[++i];
        else if (strcmp(argv[i], "--partials") == 0 && i + 1 < argc)
            dir = argv[++i];
        else if (argv[i][0] == '-' && argv[i][1])
            return cmd_usage(cmd, apr_psprintf(p, "unknown option or missing value: %s", argv[i]));
        else if (!file)
            file = argv[i];
        else
            return cmd_usage(cmd, apr_psprintf(p, "unexpected argument: %s", argv[i]));
    }
    if (!file)
        return cmd_usage(cmd, "no template FILE given");

    /* FILE's name without .mustache is how partials and parents may refer to it */
    slash = strrchr(file, '/');
    base = slash ? slash + 1 : file;
    dot = strrchr(base, '.');
    if (!dir)
        dir = slash ? apr_pstrndup(p, file, (apr_size_t)(slash - file) + (slash == file)) : ".";

    data = np_value_map(p);
    if (data_file && !(data = np_json_read_file(p, data_file, jerr, sizeof(jerr)))) {
        fprintf(stderr, "%s\n", jerr);
        return 1;
    }
    set = np_tpl_set_create(p);
    rv = np_tpl_set_load_dir(set, dir, ".mustache", &err);
    if (rv == APR_SUCCESS)
        tpl = np_tpl_compile_file(
            set, dot && strcmp(dot, ".mustache") == 0 ? apr_pstrndup(p, base, dot - base) : base,
            NULL, file, &err);
    if (rv != APR_SUCCESS || !tpl) {
        fprintf(stderr, "%s\n", err.text);
        return 1;
    }
    np_buf_init(&out, 64 * 1024);
    if (np_tpl_render(set, tpl, data, &out, &cli_logger, &err) != APR_SUCCESS) {
        fprintf(stderr, "%s\n", err.text);
        rc = 1;
    } else if (fwrite(out.data, 1, out.len, stdout) != out.len || fflush(stdout) != 0) {
        perror("newsportal: writing the page");
        rc = 1;
    }
    np_buf_free(&out);
    return rc;
}

/* %XX decoding, as httpd does before a handler sees the path; NULL for a bad escape or NUL. */
static char *url_decode(apr_pool_t *p, const char *s)
{
    char *out = apr_palloc(p, strlen(s) + 1), *o = out;
    for (; *s; s++) {
        if (*s == '%') {
            int hi, lo;
            if (!apr_isxdigit(s[1]) || !apr_isxdigit(s[2]))
                return NULL;
            hi = apr_isdigit(s[1]) ? s[1] - '0' : (apr_tolower(s[1]) - 'a' + 10);
            lo = apr_isdigit(s[2]) ? s[2] - '0' : (apr_tolower(s[2]) - 'a' + 10);
            if (!(*o++ = (char)(hi * 16 + lo)))
                return NULL;
            s += 2;
        } else {
            *o++ = *s;
        }
    }
    *o = '\0';
    return out;
}

static int cmd_render(const np_cli_command *cmd, apr_pool_t *p, int argc, const char *const *argv)
{
    np_site_conf c;
    np_request req;
    np_response resp;
    np_site *site;
    const char *dir = NULL, *url = NULL, *err = NULL;
    char *path, *q;
    int i;

    np_site_conf_init(&c);
    for (i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (a[0] == '-' && a[1] == '-') {
            const char *v = i + 1 < argc ? argv[++i] : NULL;
            if (!v)
                return cmd_usage(cmd, apr_psprintf(p, "%s needs a value", a));
            if (strcmp(a, "--templates") == 0)
                c.templates_dir = v;
            else if (strcmp(a, "--site-name") == 0)
                c.site_name = v;
            else if (strcmp(a, "--base-url") == 0)
                c.base_url = v;
            else if (strcmp(a, "--language") == 0)
                c.language = v;
            else if (strcmp(a, "--time-zone") == 0) {
                if (!(c.tz = np_tz_load(p, v, &err)))
                    return cmd_usage(cmd, apr_psprintf(p, "unknown time zone '%s': %s", v, err));
            } else
                return cmd_usage(cmd, apr_psprintf(p, "unknown option %s", a));
        } else if (!dir) {
            dir = a;
        } else if (!url) {
            url = a;
        } else {
            return cmd_usage(cmd, "too many arguments");
        }
    }
    if (!dir || !url)
        return cmd_usage(cmd, "CONTENT_DIR and URL_PATH are required");
    c.content_dir = dir;
    np_site_conf_defaults(p, &c);
    np_xml_init();

    path = apr_pstrdup(p, url);
    if ((q = strchr(path, '?')))
        *q++ = '\0';
    memset(&req, 0, sizeof(req));
    req.mount = "";
    req.query = q;
    req.origin = "http://localhost";
    req.now = apr_time_now();
    if (path[0] != '/' || !(req.path = url_decode(p, path))) {
        fprintf(stderr, "newsportal render: 400 Bad Request: %s\n", url);
        return 1;
    }
    if (!(site = np_site_create(p, &c, &cli_logger))) {
        fprintf(stderr, "newsportal render: out of memory\n");
        return 1;
    }
    np_page_serve(site, &c, &req, &resp, p, &cli_logger);
    fwrite(resp.body, 1, resp.len, stdout);
    np_cache_release(resp.entry);
    if (resp.status == 301)
        fprintf(stderr, "newsportal render: 301 Moved Permanently: Location: %s\n", resp.location);
    else if (resp.status != 200)
        fprintf(stderr, "newsportal render: %d\n", resp.status);
    return resp.status == 200 ? 0 : 1;
}

static int cmd_lint(const np_cli_command *cmd, apr_pool_t *p, int argc, const char *const *argv)
{
    np_lint_opts o;
    const char *dir = NULL;
    int i;

    memset(&o, 0, sizeof(o));
    for (i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--strict") == 0)
            o.strict = 1;
        else if (strcmp(argv[i], "--index") == 0) {
            if (++i >= argc)
                return cmd_usage(cmd, "--index needs a FILE");
            o.index = argv[i];
        } else if (argv[i][0] == '-' && argv[i][1])
            return cmd_usage(cmd, apr_psprintf(p, "unknown option %s", argv[i]));
        else if (!dir)
            dir = argv[i];
        else
            return cmd_usage(cmd, "too many arguments");
    }
    if (!dir)
        return cmd_usage(cmd, "no DIR given");
    np_xml_init();
    return np_lint_print(stdout, np_lint_tree(p, dir, &o));
}

/* A deterministic pseudo-random sequence (splitmix64): the same seed writes the same tree. */
static apr_uint64_t gen_next(apr_uint64_t *s)
{
    apr_uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static unsigned gen_below(apr_uint64_t *s, unsigned n)
{
    return n ? (unsigned)(gen_next(s) % n) : 0;
}

static const char *const gen_words[] = {
    "heritage", "council",  "festival", "report",   "river",     "market",  "school",
    "museum",   "harvest",  "election", "weather",  "bridge",    "archive", "language",
    "music",    "workshop", "village",  "forest",   "budget",    "railway", "library",
    "craft",    "dance",    "coast",    "mountain", "science",   "health",  "teachers",
    "farmers",  "youth",    "summit",   "exhibit",  "tradition", "network", "survey"};
static const char *const gen_zh[] = {"文化", "遗产", "保护",   "传统", "节日", "音乐", "手工艺",
                                     "社区", "教育", "博物馆", "报告", "会议", "城市", "乡村"};
#define GEN_NWORDS (sizeof(gen_words) / sizeof(gen_words[0]))
#define GEN_NZH (sizeof(gen_zh) / sizeof(gen_zh[0]))

/* n words (English) or n phrases (Chinese) into b. */
static void gen_text(np_buf *b, apr_uint64_t *s, int n, int zh)
{
    int i;
    for (i = 0; i < n; i++) {
        if (zh) {
            np_buf_puts(b, gen_zh[gen_below(s, GEN_NZH)]);
            if (i % 6 == 5)
                np_buf_puts(b, "，");
        } else {
            if (i)
                np_buf_putc(b, ' ');
            np_buf_puts(b, gen_words[gen_below(s, GEN_NWORDS)]);
        }
    }
}

static void gen_date(np_buf *b, apr_time_t t)
{
    np_date_fields f;
    char d[40];
    np_date_split(t, NULL, &f);
    snprintf(d, sizeof(d), "%04d-%02d-%02dT%02d:%02d:%02dZ", f.year, f.month, f.day, f.hour,
             f.minute, f.second);
    np_buf_puts(b, d);
}

static int gen_write(const char *path, const np_buf *b)
{
    FILE *f = fopen(path, "w");
    int ok = f && fwrite(b->data, 1, b->len, f) == b->len;
    if (f && fclose(f) != 0)
        ok = 0;
    return ok ? 0 : -1;
}

static int cmd_gen(const np_cli_command *cmd, apr_pool_t *p, int argc, const char *const *argv)
{
    const char *dir = NULL;
    long articles = 1000, sections = 10, tags = 50;
    apr_uint64_t seed = 1, s;
    char **secdir;
    int *seczh;
    np_buf b;
    long i;
    /* dates from 2010 to 2026; embargoes in 2031, expiries in the past (fixed: not the clock) */
    const apr_time_t t_from = apr_time_from_sec(1262304000), t_span = apr_time_from_sec(536112000);
    const apr_time_t t_future = apr_time_from_sec(1924992000);

    for (i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (a[0] == '-' && a[1] == '-') {
            const char *v = i + 1 < argc ? argv[++i] : NULL;
            char *end;
            long long n;
            if (!v)
                return cmd_usage(cmd, apr_psprintf(p, "%s needs a value", a));
            n = strtoll(v, &end, 10);
            if (*end || n < 0 || n > 100000000)
                return cmd_usage(cmd, apr_psprintf(p, "%s: not a number from 0 to 10^8: %s", a, v));
            if (strcmp(a, "--articles") == 0)
                articles = (long)n;
            else if (strcmp(a, "--sections") == 0)
                sections = (long)n;
            else if (strcmp(a, "--tags") == 0)
                tags = (long)n;
            else if (strcmp(a, "--seed") == 0)
                seed = (apr_uint64_t)n;
            else
                return cmd_usage(cmd, apr_psprintf(p, "unknown option %s", a));
        } else if (!dir) {
            dir = a;
        } else {
            return cmd_usage(cmd, "too many arguments");
        }
    }
    if (!dir)
        return cmd_usage(cmd, "no DIR given");
    if (sections < 1 || sections > 1000000 || tags < 1)
        return cmd_usage(cmd, "--sections must be 1 to 10^6 and --tags at least 1");
    if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
        perror(dir);
        return 1;
    }
    s = seed;
    np_buf_init(&b, 8192);
    /* Sections: a square root of them at the top, the rest below those, every eighth of those
     * one level deeper still; every tenth top section is Chinese. */
    secdir = apr_palloc(p, sizeof(char *) * (apr_size_t)sections);
    seczh = apr_pcalloc(p, sizeof(int) * (apr_size_t)sections);
    {
        long top = 1;
        while (top * top < sections)
            top++;
        for (i = 0; i < sections; i++) {
            char *path;
            if (i < top) {
                secdir[i] = apr_psprintf(p, "%s/s%ld", dir, i);
                seczh[i] = i % 10 == 9;
            } else {
                long up = (i - top) % 8 == 7 ? top + (i - top) / 8 : i % top;
                secdir[i] = apr_psprintf(p, "%s/s%ld", secdir[up], i);
                seczh[i] = seczh[up];
            }
            if (mkdir(secdir[i], 0755) != 0 && errno != EEXIST) {
                perror(secdir[i]);
                np_buf_free(&b);
                return 1;
            }
            b.len = 0;
            np_buf_puts(&b,
                        seczh[i] && i < top ? "<section lang=\"zh\"><title>" : "<section><title>");
            gen_text(&b, &s, 2, seczh[i]);
            np_buf_printf(&b, " %ld</title><description>", i);
            gen_text(&b, &s, 8, seczh[i]);
            np_buf_printf(&b, "</description><order>%u</order></section>\n", gen_below(&s, 100));
            path = apr_pstrcat(p, secdir[i], "/_section.xml", NULL);
            if (gen_write(path, &b) != 0) {
                perror(path);
                np_buf_free(&b);
                return 1;
            }
        }
    }
    for (i = 0; i < articles; i++) {
        long sec = (long)gen_below(&s, (unsigned)sections);
        unsigned kind = gen_below(&s, 1000), ntags = 1 + gen_below(&s, 4), k;
        int zh = seczh[sec] || gen_below(&s, 20) == 0;
        apr_time_t pub = t_from + (apr_time_t)(gen_next(&s) % (apr_uint64_t)t_span);
        char path[4096];
        pub -= pub % APR_USEC_PER_SEC;
        b.len = 0;
        np_buf_printf(
            &b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<article id=\"g%ld\"%s>\n<title>", i,
            zh && !seczh[sec] ? " lang=\"zh\"" : "");
        gen_text(&b, &s, 4 + (int)gen_below(&s, 5), zh);
        np_buf_printf(&b, " %ld</title>\n", i);
        if (kind % 3 == 0) {
            np_buf_puts(&b, "<subtitle>");
            gen_text(&b, &s, 6, zh);
            np_buf_puts(&b, "</subtitle>\n");
        }
        if (kind % 2 == 0) {
            np_buf_puts(&b, "<summary>");
            gen_text(&b, &s, 20, zh);
            np_buf_puts(&b, "</summary>\n");
        }
        np_buf_printf(&b, "<source href=\"https://example.org/wire/%ld\">Wire %u</source>\n", i,
                      gen_below(&s, 9));
        np_buf_printf(&b, "<author>Reporter %u</author>\n", gen_below(&s, 200));
        np_buf_puts(&b, "<published>");
        /* 1% embargoed until 2031, 1% expired, 0.5% drafts, 1% expiring in 2031 */
        gen_date(&b, kind < 10 ? t_future + pub % apr_time_from_sec(86400 * 300) : pub);
        np_buf_puts(&b, "</published>\n");
        if (kind % 7 == 0) {
            np_buf_puts(&b, "<updated>");
            gen_date(&b, pub + apr_time_from_sec(3600 * (1 + (apr_time_t)gen_below(&s, 48))));
            np_buf_puts(&b, "</updated>\n");
        }
        if (kind >= 10 && kind < 20) {
            np_buf_puts(&b, "<expires>");
            gen_date(&b, pub + apr_time_from_sec(86400 * 30));
            np_buf_puts(&b, "</expires>\n");
        } else if (kind >= 35 && kind < 45) {
            np_buf_puts(&b, "<expires>");
            gen_date(&b, t_future + pub % apr_time_from_sec(86400 * 300));
            np_buf_puts(&b, "</expires>\n");
        }
        if (kind >= 20 && kind < 25)
            np_buf_puts(&b, "<status>draft</status>\n");
        np_buf_puts(&b, "<tags>");
        for (k = 0; k < ntags; k++)
            np_buf_printf(&b, "<tag>topic %u</tag>", gen_below(&s, (unsigned)tags));
        np_buf_puts(&b, "</tags>\n");
        if (kind % 5 == 0)
            np_buf_printf(&b,
                          "<image src=\"/media/%ld.jpg\" width=\"1200\" height=\"800\"><alt>Photo "
                          "%ld</alt><caption>Caption %ld</caption></image>\n",
                          i, i, i);
        np_buf_puts(&b, "<body>\n");
        for (k = 0; k < 2 + gen_below(&s, 3); k++) {
            np_buf_puts(&b, "<p>");
            gen_text(&b, &s, 25 + (int)gen_below(&s, 40), zh);
            np_buf_puts(&b, ".</p>\n");
        }
        np_buf_puts(&b, "</body>\n</article>\n");
        snprintf(path, sizeof(path), "%s/a%07ld.xml", secdir[sec], i);
        if (gen_write(path, &b) != 0) {
            perror(path);
            np_buf_free(&b);
            return 1;
        }
    }
    np_buf_free(&b);
    printf("%ld articles in %ld sections written to %s\n", articles, sections, dir);
    return 0;
}

static void index_progress(void *baton, const np_index_stats *st)
{
    apr_time_t *t0 = baton;
    fprintf(stdout, "\r%d folders, %d files seen, %d read, %d errors, %.1f s   ", st->folders,
            st->files, st->parsed, st->errors, (double)(apr_time_now() - *t0) / 1e6);
    fflush(stdout);
}

static int cmd_index(const np_cli_command *cmd, apr_pool_t *p, int argc, const char *const *argv)
{
    np_index_opts o;
    np_index_stats st;
    np_index *idx;
    np_index_info info;
    const char *dir = NULL, *db = NULL, *err = NULL;
    apr_time_t t0;
    struct stat sb;
    int i, lock, busy;

    memset(&o, 0, sizeof(o));
    /* the module's default (NewsPortalMaxArticleSize): an index built here is one it opens */
    o.max_article_size = NP_XML_MAX_SIZE_DEFAULT;
    o.stale_on_error = 1;
    o.log = &cli_logger;
    for (i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (a[0] == '-' && a[1] == '-') {
            const char *v = i + 1 < argc ? argv[++i] : NULL;
            if (!v)
                return cmd_usage(cmd, apr_psprintf(p, "%s needs a value", a));
            if (strcmp(a, "--db") == 0)
                db = v;
            else if (strcmp(a, "--language") == 0)
                o.lang = v;
            else if (strcmp(a, "--time-zone") == 0) {
                if (!(o.tz = np_tz_load(p, v, &err)))
                    return cmd_usage(cmd, apr_psprintf(p, "unknown time zone '%s': %s", v, err));
            } else if (strcmp(a, "--threads") == 0) {
                o.threads = atoi(v);
                if (o.threads < 1 || o.threads > 8)
                    return cmd_usage(cmd, "--threads must be 1 to 8");
            } else if (strcmp(a, "--max-size") == 0) {
                long long n = strtoll(v, NULL, 10);
                if (n < 1 || n > (1LL << 30))
                    return cmd_usage(cmd, "--max-size must be 1 to 2^30 bytes");
                o.max_article_size = (apr_size_t)n;
            } else
                return cmd_usage(cmd, apr_psprintf(p, "unknown option %s", a));
        } else if (!dir) {
            dir = a;
        } else {
            return cmd_usage(cmd, "too many arguments");
        }
    }
    if (!dir)
        return cmd_usage(cmd, "no CONTENT_DIR given");
    {
        /* the index names its folder as an absolute path, without a trailing slash */
        char *real = realpath(dir, NULL);
        if (!real || stat(real, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
            fprintf(stderr, "newsportal index: %s: not a folder\n", dir);
            free(real);
            return 1;
        }
        o.dir = apr_pstrdup(p, real);
        free(real);
    }
    if (!db)
        db = apr_pstrcat(p, o.dir, ".index.sqlite", NULL);
    np_xml_init();
    t0 = apr_time_now();
    if (isatty(STDOUT_FILENO)) {
        o.progress = index_progress;
        o.baton = &t0;
    }
    /* never beside a running indexer (a server's): it could rebuild what it is writing */
    if ((lock = np_index_writer_lock(p, db, &busy, &err)) < 0) {
        fprintf(stderr, "newsportal index: %s\n",
                busy ? apr_psprintf(p,
                                    "%s is being written by another indexer (a running "
                                    "server's, or another newsportal index); try again when "
                                    "it is done",
                                    db)
                     : err);
        return 1;
    }
    if (!(idx = np_index_open(p, db, &o, 0, &err))) {
        fprintf(stderr, "newsportal index: %s\n", err);
        close(lock);
        return 1;
    }
    if (np_index_update(idx, &st, &err) != APR_SUCCESS) {
        if (o.progress)
            fputc('\n', stdout);
        fprintf(stderr, "newsportal index: %s\n", err);
        np_index_close(idx);
        close(lock);
        return 1;
    }
    if (o.progress)
        fputc('\n', stdout);
    np_index_info_get(idx, &info);
    /* the whole index in FILE itself, which can then be copied or renamed alone */
    if (np_index_checkpoint(idx) != 0)
        fprintf(stderr,
                "newsportal index: readers kept the log from being copied into %s; copy or "
                "rename it with %s-wal\n",
                db, db);
    np_index_close(idx);
    close(lock);
    printf("%s: %" APR_INT64_T_FMT " articles in %" APR_INT64_T_FMT " sections, %" APR_INT64_T_FMT
           " tags, %" APR_INT64_T_FMT " errors; this pass: %d folders, %d files seen, %d read "
           "(%d new, %d changed, %d deleted, %d broken of which %d kept stale) in %.2f s%s; "
           "generation %" APR_INT64_T_FMT "\n",
           db, info.articles, info.sections, info.tags, info.errors, st.folders, st.files,
           st.parsed, st.added, st.changed, st.deleted, st.errors, st.stale, (double)st.took / 1e6,
           st.fulltext ? apr_psprintf(p, " (full text: %.2f s)", (double)st.fulltext / 1e6) : "",
           info.generation);
    return 0;
}

/* A path the server sees as it is: no dot segment and no empty one, which httpd would
 * rewrite before the signature is checked against it. */
static int plain_path(const char *path)
{
    const char *s;
    for (s = path; *s; s++)
        if (s[0] == '/' && (s[1] == '/' || (s[1] == '.' && (!s[2] || s[2] == '/')) ||
                            (s[1] == '.' && s[2] == '.' && (!s[3] || s[3] == '/'))))
            return 0;
    return 1;
}

static int cmd_preview_link(const np_cli_command *cmd, apr_pool_t *p, int argc,
                            const char *const *argv)
{
    const char *secret = NULL, *at_s = NULL, *valid_s = NULL, *url = NULL, *err = NULL, *token;
    const char *path = NULL;
    apr_int64_t valid = 86400, at = 0, expires;
    np_preview_key *key;
    np_buf b;
    int i;

    for (i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (a[0] == '-' && a[1] == '-') {
            const char *v = i + 1 < argc ? argv[++i] : NULL;
            if (!v)
                return cmd_usage(cmd, apr_psprintf(p, "%s needs a value", a));
            if (strcmp(a, "--secret-file") == 0)
                secret = v;
            else if (strcmp(a, "--at") == 0)
                at_s = v;
            else if (strcmp(a, "--valid") == 0)
                valid_s = v;
            else
                return cmd_usage(cmd, apr_psprintf(p, "unknown option %s", a));
        } else if (!url) {
            url = a;
        } else {
            return cmd_usage(cmd, "too many arguments");
        }
    }
    if (!secret)
        return cmd_usage(cmd, "--secret-file is required");
    if (!url)
        return cmd_usage(cmd, "no URL_PATH given");
    if (valid_s && np_preview_duration(valid_s, &valid) != 0)
        return cmd_usage(cmd, apr_psprintf(p,
                                           "--valid: expected 90s, 10m, 2h, 7d or a number of "
                                           "seconds, from 1 second to 30 days; got '%s'",
                                           valid_s));
    if (at_s) {
        np_date d;
        if (np_date_parse(at_s, np_tz_utc(), &d) != 0 || d.t < 0)
            return cmd_usage(cmd, apr_psprintf(p,
                                               "--at: expected an instant such as "
                                               "2026-12-24T08:00:00+08:00 (1970 to 9999); got "
                                               "'%s'",
                                               at_s));
        at = apr_time_sec(d.t);
    }
    if (url[0] != '/' || strchr(url, '?') || strchr(url, '#') || !(path = url_decode(p, url)) ||
        !plain_path(path))
        return cmd_usage(cmd, apr_psprintf(p,
                                           "URL_PATH must be a path as readers see it, mount "
                                           "point included (/news/desk/story.html), without a "
                                           "query, '.', '..' or '//'; got '%s'",
                                           url));
    if (!(key = np_preview_key_load(p, secret, &err))) {
        fprintf(stderr, "newsportal preview-link: %s\n", err);
        return 1;
    }
    expires = apr_time_sec(apr_time_now()) + valid;
    if (!(token = np_preview_make(p, key, at_s ? NP_PREVIEW_SITE : NP_PREVIEW_ARTICLE, path, at,
                                  expires))) {
        fprintf(stderr, "newsportal preview-link: cannot sign the link\n");
        return 1;
    }
    np_buf_init_pool(&b, p, strlen(path) * 3 + 128);
    np_buf_url_path(&b, path, strlen(path));
    np_buf_printf(&b, "?%s=%s\n", NP_PREVIEW_PARAM, token);
    fputs(np_buf_cstr(&b), stdout);
    fprintf(stderr, "newsportal preview-link: %s, valid until %s\n",
            at_s ? apr_psprintf(p, "the site as of %s", np_date_iso(p, apr_time_from_sec(at), NULL))
                 : "this article",
            np_date_iso(p, apr_time_from_sec(expires), NULL));
    return 0;
}

/* The settings an index file was built with, for opening it read-only. */
static int index_settings(apr_pool_t *p, const char *db, np_index_opts *o)
{
    sqlite3 *h = NULL;
    sqlite3_stmt *s = NULL;
    const char *tz = NULL, *err = NULL;
    int ok = 0;
    if (sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
        sqlite3_prepare_v2(h, "SELECT key, value FROM meta", -1, &s, NULL) == SQLITE_OK) {
        while (sqlite3_step(s) == SQLITE_ROW) {
            const char *k = (const char *)sqlite3_column_text(s, 0);
            const char *v = apr_pstrdup(p, (const char *)sqlite3_column_text(s, 1));
            if (strcmp(k, "dir") == 0)
                o->dir = v, ok = 1;
            else if (strcmp(k, "tz") == 0)
                tz = v;
            else if (strcmp(k, "lang") == 0)
                o->lang = v;
            else if (strcmp(k, "max_size") == 0)
                o->max_article_size = (apr_size_t)apr_atoi64(v);
        }
    }
    sqlite3_finalize(s);
    sqlite3_close(h);
    if (ok && tz && !(o->tz = np_tz_load(p, tz, &err)))
        ok = 0;
    return ok;
}

static int cmd_search(const np_cli_command *cmd, apr_pool_t *p, int argc, const char *const *argv)
{
    np_index_opts o;
    np_search_query q;
    np_search_result r;
    np_index *idx;
    const char *db = NULL, *text = NULL, *err = NULL;
    int i, json = 0;

    memset(&o, 0, sizeof(o));
    memset(&q, 0, sizeof(q));
    o.log = &cli_logger;
    q.now = apr_time_now();
    for (i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--json") == 0) {
            json = 1;
        } else if (a[0] == '-' && a[1] == '-') {
            const char *v = i + 1 < argc ? argv[++i] : NULL;
            if (!v)
                return cmd_usage(cmd, apr_psprintf(p, "%s needs a value", a));
            if (strcmp(a, "--section") == 0)
                q.section = v;
            else if (strcmp(a, "--sort") == 0 && strcmp(v, "date") == 0)
                q.sort = NP_SEARCH_DATE;
            else if (strcmp(a, "--sort") == 0 && strcmp(v, "relevance") == 0)
                q.sort = NP_SEARCH_RELEVANCE;
            else if (strcmp(a, "--page") == 0 && atoi(v) >= 1 && atoi(v) <= 1000)
                q.page = atoi(v);
            else if (strcmp(a, "--now") == 0 && apr_atoi64(v) > 0)
                q.now = apr_time_from_sec(apr_atoi64(v));
            else
                return cmd_usage(cmd, apr_psprintf(p, "bad option or value: %s %s", a, v));
        } else if (!db) {
            db = a;
        } else if (!text) {
            text = a;
        } else {
            return cmd_usage(cmd, "too many arguments");
        }
    }
    if (!db || !text)
        return cmd_usage(cmd, "DB and QUERY are needed");
    if (!index_settings(p, db, &o)) {
        fprintf(stderr, "newsportal search: %s: not a content index\n", db);
        return 1;
    }
    if (!(idx = np_index_open(p, db, &o, 1, &err))) {
        fprintf(stderr, "newsportal search: %s\n", err);
        return 1;
    }
    q.text = text;
    q.len = strlen(text);
    np_index_read_begin(idx);
    np_search_run(idx, p, &q, &r);
    if (r.status != 200) {
        fprintf(stderr, "newsportal search: %d: %s\n", r.status, r.message);
    } else if (json) {
        np_buf b;
        np_buf_init(&b, 4096);
        np_buf_printf(&b, "{\"query\":\"");
        np_buf_json(&b, text, strlen(text));
        np_buf_printf(&b,
                      "\",\"total\":%" APR_INT64_T_FMT ",\"more\":%s,\"windowed\":%s,"
                      "\"page\":%d,\"pages\":%d,\"results\":[",
                      r.total, r.more ? "true" : "false", r.windowed ? "true" : "false", r.page,
                      r.pages);
        for (i = 0; i < r.n; i++) {
            const np_index_entry *e = r.hits[i].e;
            np_buf_puts(&b, i ? ",{\"title\":\"" : "{\"title\":\"");
            np_buf_json(&b, e->a.title, strlen(e->a.title));
            np_buf_puts(&b, "\",\"file\":\"");
            np_buf_json(&b, e->rel, strlen(e->rel));
            np_buf_printf(&b, "\",\"published\":\"%s\",\"snippet\":\"",
                          np_date_iso(p, e->a.published.t, o.tz));
            if (r.hits[i].snippet)
                np_buf_json(&b, r.hits[i].snippet, strlen(r.hits[i].snippet));
            np_buf_puts(&b, "\"}");
        }
        np_buf_puts(&b, "]}\n");
        fwrite(b.data, 1, b.len, stdout);
        np_buf_free(&b);
    } else {
        printf("%s%" APR_INT64_T_FMT " result%s%s; page %d of %d\n", r.more ? "more than " : "",
               r.total, r.total == 1 && !r.more ? "" : "s",
               r.windowed ? " (ranked within the newest matches)" : "", r.page, r.pages);
        for (i = 0; i < r.n; i++) {
            const np_index_entry *e = r.hits[i].e;
            printf("%d. %s\n   %s  %s\n   %s\n", (r.page - 1) * r.per_page + i + 1, e->a.title,
                   e->rel, np_date_ymd(p, e->a.published.t, o.tz),
                   r.hits[i].snippet ? r.hits[i].snippet : "");
        }
    }
    np_index_read_end(idx);
    np_index_close(idx);
    return r.status == 200 ? 0 : 1;
}

int main(int argc, const char *const *argv)
{
    apr_pool_t *pool;
    size_t i;
    int rc;

    if (argc < 2) {
        usage(stderr);
        return EXIT_USAGE;
    }
    if (strcmp(argv[1], "help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "--help") == 0) {
        usage(stdout);
        return 0;
    }
    for (i = 0; i < NCOMMANDS; i++)
        if (strcmp(argv[1], commands[i].name) == 0)
            break;
    if (i == NCOMMANDS) {
        fprintf(stderr, "newsportal: unknown command '%s'\n", argv[1]);
        usage(stderr);
        return EXIT_USAGE;
    }
    if (apr_initialize() != APR_SUCCESS) {
        fprintf(stderr, "newsportal: cannot initialize APR\n");
        return 1;
    }
    apr_pool_create(&pool, NULL);
    rc = commands[i].run(&commands[i], pool, argc - 1, argv + 1);
    apr_pool_destroy(pool);
    apr_terminate();
    return rc;
}
