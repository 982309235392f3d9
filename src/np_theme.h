/* The default theme, built into the binary from conf/theme/ so the module needs no installed
 * files to render a page; NewsPortalTemplates files replace these by name. */
#ifndef NP_THEME_H
#define NP_THEME_H

#include <stddef.h>

typedef struct {
    const char *name; /* "article" for conf/theme/article.mustache */
    const char *data;
    size_t len;
} np_theme_file;

extern const np_theme_file np_theme_default[]; /* ends with a NULL name */

#endif
