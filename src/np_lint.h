/* newsportal lint: checks a content tree with the loaders the module uses (np_article_load,
 * np_xml_parse_file, the body allowlist's report, np_content_name_ok), so it finds what the
 * module would refuse, skip or change. It only reads the tree; it never writes into it. */
#ifndef NP_LINT_H
#define NP_LINT_H

#include <stdio.h>

#include <apr_pools.h>
#include <apr_tables.h>

#include "np_date.h"

typedef enum { NP_LINT_WARNING, NP_LINT_ERROR } np_lint_level;

typedef struct {
    const char *path; /* DIR as given, then the path below it */
    long line, col;   /* 0 when not about a place in the file */
    np_lint_level level;
    const char *message;
    int seq; /* order of discovery: keeps the sort stable */
} np_lint_finding;

typedef struct {
    int strict;          /* report warnings as errors */
    apr_size_t max_size; /* NewsPortalMaxArticleSize; 0: the default */
    const np_tz *tz;     /* for dates without an offset; NULL: UTC */
    const char *index;   /* a content index of this tree (newsportal lint --index): the moves it
                            remembers are checked against <previous-url>; NULL: none */
} np_lint_opts;

typedef struct {
    int files; /* XML files read: articles and _section.xml */
    int errors, warnings;
    apr_array_header_t *findings; /* np_lint_finding, sorted by path, line, col */
} np_lint_result;

/* Checks every folder, article and _section.xml under dir. Never fails: an unreadable folder is
 * a finding. Allocates from p; call np_xml_init() first. */
np_lint_result *np_lint_tree(apr_pool_t *p, const char *dir, const np_lint_opts *opts);

/* Writes "path:line:col: error|warning: message" per finding, then "lint: N files, N errors,
 * N warnings". Returns the exit status: 1 when there are errors, else 0. */
int np_lint_print(FILE *out, const np_lint_result *r);

#endif
