/* Words of the user interface per language (docs/templates.md lists them). */
#ifndef NP_LABELS_H
#define NP_LABELS_H

#include <apr_pools.h>
#include "np_value.h"

/* Is lang Chinese ("zh", "zh-CN", "zh-Hans", ...)? */
int np_lang_is_zh(const char *lang);
/* A label in lang, English when lang has none. NULL for an unknown key. */
const char *np_label(const char *lang, const char *key);
/* All labels of lang as a map; home_label (NewsPortalHomeLabel, NULL when not configured)
 * replaces "home" in every language. */
np_value *np_labels_value(apr_pool_t *p, const char *lang, const char *home_label);
/* "Share to Weibo" / "分享到微博" for a share action name, NULL when unknown. */
const char *np_share_label(const char *lang, const char *name);

#endif
