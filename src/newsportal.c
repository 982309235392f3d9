/* The newsportal command-line tool: the core library without httpd, for previews, checks and
 * scripts. One entry per command in the table below; errors go to stderr as file:line:col:
 * message and give exit status 1, usage errors 2. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <apr_general.h>
#include <apr_pools.h>
#include <apr_lib.h>
#include <apr_strings.h>

#include "np_buf.h"
#include "np_json.h"
#include "np_lint.h"
#include "np_log.h"
#include "np_page.h"
#include "np_site.h"
#include "np_template.h"
#include "np_xml.h"

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
    {"lint", "DIR [--strict]",
     "check every article and _section.xml under DIR with the module's loaders; prints\n"
     "      file:line:col: error|warning: message, then a summary; exit status 1 on errors\n"
     "      (--strict: warnings count as errors)",
     cmd_lint},
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
        else if (argv[i][0] == '-' && argv[i][1])
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
