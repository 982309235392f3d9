/* Built-in English and Chinese interface words. */
#include "np_labels.h"

#include <string.h>
#include <apr_lib.h>

typedef struct {
    const char *key, *en, *zh;
} label_row;

static const label_row labels[] = {
    {"home", "Home", "首页"},
    {"source", "Source", "来源"},
    {"by", "By", "作者"},
    {"published", "Published", "发布"},
    {"updated", "Updated", "更新"},
    {"tags", "Tags", "标签"},
    {"share", "Share", "分享"},
    {"next", "Next", "下一页"},
    {"prev", "Previous", "上一页"},
    {"page", "Page", "第"},
    {"sections", "Sections", "栏目"},
    {"latest", "Latest", "最新"},
    {"more", "More", "更多"},
    {"breadcrumb", "Breadcrumb", "面包屑导航"},
    {"pagination", "Pagination", "分页"},
    {"skip", "Skip to content", "跳到正文"},
    {"related", "Related", "相关链接"},
    {"newer", "Newer article", "下一篇"},
    {"older", "Older article", "上一篇"},
    {"not_found", "Page not found", "页面未找到"},
    {"not_found_text", "The page you asked for does not exist or is no longer available.",
     "您访问的页面不存在或已不再提供。"},
    {"no_articles", "No articles yet.", "暂无文章。"},
    {"tag_title", "Tag", "标签"},
    {"colon", ": ", "："},
    {"list_sep", ", ", "、"},
    {"scan_qr", "Scan with Weixin to share this article.", "用微信扫一扫，分享本文。"},
    {"feeds", "Feeds", "订阅"},
};

static const label_row shares[] = {
    {"weixin", "Share to Weixin", "分享到微信"},
    {"weibo", "Share to Weibo", "分享到微博"},
    {"x", "Share to X", "分享到 X"},
    {"facebook", "Share to Facebook", "分享到 Facebook"},
    {"linkedin", "Share to LinkedIn", "分享到 LinkedIn"},
    {"email", "Share by email", "通过电子邮件分享"},
};

int np_lang_is_zh(const char *lang)
{
    return lang && apr_tolower(lang[0]) == 'z' && apr_tolower(lang[1]) == 'h' &&
           (lang[2] == '\0' || lang[2] == '-' || lang[2] == '_');
}

static const char *pick(const label_row *rows, size_t n, const char *lang, const char *key)
{
    size_t i;
    for (i = 0; i < n; i++)
        if (strcmp(rows[i].key, key) == 0)
            return np_lang_is_zh(lang) ? rows[i].zh : rows[i].en;
    return NULL;
}

const char *np_label(const char *lang, const char *key)
{
    return pick(labels, sizeof(labels) / sizeof(labels[0]), lang, key);
}

const char *np_share_label(const char *lang, const char *name)
{
    return pick(shares, sizeof(shares) / sizeof(shares[0]), lang, name);
}

np_value *np_labels_value(apr_pool_t *p, const char *lang, const char *home_label)
{
    np_value *m = np_value_map(p);
    size_t i;
    int zh = np_lang_is_zh(lang);
    for (i = 0; i < sizeof(labels) / sizeof(labels[0]); i++)
        np_map_str(p, m, labels[i].key, zh ? labels[i].zh : labels[i].en);
    if (home_label) /* configured explicitly: the operator's word in every language */
        np_map_str(p, m, "home", home_label);
    return m;
}
