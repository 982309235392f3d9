/* The newsportal command-line tool: the core library without httpd, for previews, checks and
 * scripts. One entry per command in the table below; errors go to stderr as file:line:col:
 * message and give exit status 1, usage errors 2. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <apr_general.h>
#include <apr_pools.h>
#include <apr_strings.h>

#include "np_buf.h"
#include "np_json.h"
#include "np_log.h"
#include "np_template.h"

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

static const np_cli_command commands[] = {
    {"template", "FILE [--data JSON_FILE] [--partials DIR]",
     "render the Mustache template FILE to stdout with the data in JSON_FILE; partials and\n"
     "      parents are NAME.mustache in DIR (default: FILE's folder)",
     cmd_template},
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
            file, &err);
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
