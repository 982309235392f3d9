/* Words of the user interface per language (docs/templates.md lists them). */
#ifndef NP_LABELS_H
#define NP_LABELS_H

#include <apr_pools.h>
#include <apr_hash.h>
#include "np_value.h"

struct np_logger;

/* Labels an operator gives in NewsPortalTemplates: lang -> (key -> text), read from files
 * labels-LANG.txt ("key = text" lines, '#' comments). They win over the built-in words, and a
 * language with a file is a language the site speaks. NULL: none. */
typedef apr_hash_t np_label_set;
/* Reads every labels-*.txt in dir into p; problems go to log as "file:line: message". */
np_label_set *np_labels_load(apr_pool_t *p, const char *dir, const struct np_logger *log);

/* Is lang Chinese ("zh", "zh-CN", "zh-Hans", ...)? */
int np_lang_is_zh(const char *lang);
/* A label in lang: the operator's (set may be NULL), else built in, else English. NULL for an
 * unknown key. */
const char *np_label(const np_label_set *set, const char *lang, const char *key);
/* All labels of lang as a map; home_label (NewsPortalHomeLabel, NULL when not configured)
 * replaces "home" in every language. */
np_value *np_labels_value(apr_pool_t *p, const np_label_set *set, const char *lang,
                          const char *home_label);
/* np_labels_value of every language a set can give, built once in p and read-only after: the
 * built-in English and Chinese words, and each operator file's over them. */
typedef struct np_label_maps np_label_maps;
np_label_maps *np_labels_maps(apr_pool_t *p, const np_label_set *set);
/* What np_labels_value(p, set, lang, home_label) gives, from maps built for set: the shared map
 * itself, or with home_label a copy in p. */
const np_value *np_labels_lookup(apr_pool_t *p, const np_label_maps *maps, const np_label_set *set,
                                 const char *lang, const char *home_label);
/* "Share to Weibo" / "分享到微博" for a share action name (operator key "share_NAME"). */
const char *np_share_label(const np_label_set *set, const char *lang, const char *name);

#endif
