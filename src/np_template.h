/* Mustache templates (the whole spec plus inheritance and dynamic names, no lambdas), compiled
 * once into an immutable form that any number of threads render at the same time without locks.
 * Nothing here knows about httpd; errors carry file, line and column for the caller to log. */
#ifndef NP_TEMPLATE_H
#define NP_TEMPLATE_H

#include <apr_pools.h>
#include <apr_errno.h>

#include "np_buf.h"
#include "np_log.h"
#include "np_value.h"

/* Partials and parents nested deeper than this stop the render with an error. */
#define NP_TPL_MAX_DEPTH 64
/* Sections, partials and blocks nested deeper than this (all counted) stop the render too, so a
 * template can never exhaust a thread's stack. */
#define NP_TPL_MAX_NESTING 512
/* A template file larger than this is not read. */
#define NP_TPL_MAX_SIZE ((apr_size_t)4 * 1024 * 1024)

typedef struct np_tpl_set np_tpl_set;
typedef struct np_tpl np_tpl;

/* Where and why compiling, loading or rendering failed. Lines and columns are 1-based (columns
 * count UTF-8 characters); both are 0 when the error has no place in a template (I/O errors). */
typedef struct np_tpl_error {
    char file[256];
    int line, col;
    char msg[512];   /* what went wrong and what was expected */
    char text[1024]; /* "file:line:col: msg", ready to log */
} np_tpl_error;

/* A set of named templates on pool (templates live as long as the pool). The set is filled
 * first (compile, load) by one thread; afterwards it is only read, and any number of threads may
 * render from it at once. To pick up changed files, build a new set and swap it in. */
np_tpl_set *np_tpl_set_create(apr_pool_t *pool);

/* Compiles src (len bytes, copied once into the set's pool) and stores it under name, replacing
 * any template of that name (a theme folder loaded after the default theme overrides it; the
 * replaced one stays in the pool). file names the source in messages (NULL: name). Returns NULL
 * with err filled on a syntax error: unterminated tag, unclosed or mismatched section, bad
 * delimiter change, empty or malformed tag name; the set is then unchanged. */
const np_tpl *np_tpl_compile(np_tpl_set *set, const char *name, const char *file, const char *src,
                             apr_size_t len, np_tpl_error *err);

/* Reads path and compiles it under name. The file is opened confined to root (the templates
 * folder; NULL: the file's own folder): a symlink that is absolute or leads outside it is refused
 * (np_file_open_beneath), as is a file over NP_TPL_MAX_SIZE bytes. */
const np_tpl *np_tpl_compile_file(np_tpl_set *set, const char *name, const char *root,
                                  const char *path, np_tpl_error *err);

/* Compiles every NAME<ext> in dir (ext like ".mustache"; hidden files skipped) under NAME, in
 * name order. Stops at the first error, leaving the templates compiled so far in the set. */
apr_status_t np_tpl_set_load_dir(np_tpl_set *set, const char *dir, const char *ext,
                                 np_tpl_error *err);

/* The template stored under name, or NULL. */
const np_tpl *np_tpl_get(const np_tpl_set *set, const char *name);
const char *np_tpl_name(const np_tpl *tpl);
const char *np_tpl_file(const np_tpl *tpl);

/* Renders tpl with data (NULL: no data) as context, appending to out; partials and parents are
 * looked up by name in set at render time. A missing partial or parent renders as empty and is
 * logged at NP_LOG_DEBUG through log (may be NULL). Values: strings are HTML-escaped by {{x}}
 * and copied by {{{x}}} and {{&x}}; booleans give "true"/"false"; null, lists and maps give
 * nothing. Thread-safe: reads set, tpl and data only. Returns APR_SUCCESS, APR_EGENERAL with err
 * filled (nesting limits) or APR_ENOMEM when out could not grow; on error out holds a partial
 * page that the caller must discard. */
apr_status_t np_tpl_render(const np_tpl_set *set, const np_tpl *tpl, const np_value *data,
                           np_buf *out, const np_logger *log, np_tpl_error *err);

#endif
