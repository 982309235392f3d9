/* Built-in English and Chinese interface words. */
#include "np_labels.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <apr_file_info.h>
#include <apr_lib.h>
#include <apr_strings.h>

#include "np_file.h"
#include "np_log.h"

/* A labels file larger than this is not read. */
#define LABELS_MAX_SIZE ((apr_size_t)1024 * 1024)

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
    {"corrections", "Corrections", "更正"},
    {"read_in", "Read in", "阅读"},
    {"gone", "Article withdrawn", "文章已撤回"},
    {"gone_text", "This article has been withdrawn and is no longer available.",
     "本文已被撤回，不再提供。"},
    {"no_articles", "No articles yet.", "暂无文章。"},
    {"tag_title", "Tag", "标签"},
    {"colon", ": ", "："},
    {"list_sep", ", ", "、"},
    {"scan_qr", "Scan with Weixin to share this article.", "用微信扫一扫，分享本文。"},
    {"feeds", "Feeds", "订阅"},
    {"preview_as_of", "Preview as of", "预览，截至"},
    /* search (docs/search.md); {n}, {query} and {site} are replaced by the module */
    {"search_label", "Search this site", "站内搜索"},
    {"search_button", "Search", "搜索"},
    {"search_title", "Search", "搜索"},
    {"search_nothing", "Nothing found for", "没有找到相关结果："},
    {"search_nothing_hint", "Check the spelling, or try fewer or other words.",
     "请检查拼写，或减少、更换关键词。"},
    {"search_enter", "Enter words to search for.", "请输入要搜索的词语。"},
    {"search_past_end", "There are no more results: back to the first page.",
     "没有更多结果：返回第一页。"},
    {"search_count_one", "1 result", "共 1 条结果"},
    {"search_count", "{n} results", "共 {n} 条结果"},
    {"search_count_more", "More than {n} results", "超过 {n} 条结果"},
    {"search_windowed", "Many articles match: these are ranked among the newest {n} of them.",
     "匹配的文章很多：以下结果在最新的 {n} 篇中按相关度排列。"},
    {"search_interrupted",
     "The search was stopped before it finished: these are the matches found so far.",
     "搜索未能全部完成：以下是已找到的结果。"},
    {"search_sort", "Sort by", "排序"},
    {"search_sort_relevance", "Relevance", "相关度"},
    {"search_sort_date", "Newest first", "最新优先"},
    {"search_in_section", "In section", "栏目内"},
    {"search_everywhere", "Search the whole site", "搜索全站"},
    {"search_description", "Search {site}", "搜索{site}"},
    {"search_unavailable", "Search is not available", "搜索暂不可用"},
    {"search_unavailable_text", "Search is not available right now. Please try again shortly.",
     "搜索暂时无法使用，请稍后再试。"},
    /* <meta name="description"> of pages without one of their own; {site} and {title} are
     * replaced (np_view_page). description_KIND for each kind, description_page otherwise. */
    {"description_home", "The latest articles from {site}.", "{site}的最新文章。"},
    {"description_section", "Articles in {title}, from {site}.", "{site}「{title}」栏目的文章。"},
    {"description_tag", "Articles tagged \xE2\x80\x9C{title}\xE2\x80\x9D on {site}.",
     "{site}标签为\xE2\x80\x9C{title}\xE2\x80\x9D的文章。"},
    {"description_error", "The page you asked for does not exist on {site}.",
     "您访问的页面在{site}上不存在。"},
    {"description_page", "{title} \xE2\x80\x94 {site}", "{title} \xE2\x80\x94 {site}"},
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

/* The operator's table for lang: exact tag first, then its primary language ("zh-CN" -> "zh"). */
static apr_hash_t *operator_table(const np_label_set *set, const char *lang)
{
    apr_hash_t *t;
    const char *dash;
    if (!set || !lang)
        return NULL;
    if ((t = apr_hash_get((apr_hash_t *)set, lang, APR_HASH_KEY_STRING)))
        return t;
    if ((dash = strchr(lang, '-')))
        return apr_hash_get((apr_hash_t *)set, lang, (apr_ssize_t)(dash - lang));
    return NULL;
}

static const char *pick(const label_row *rows, size_t n, const char *lang, const char *key)
{
    size_t i;
    for (i = 0; i < n; i++)
        if (strcmp(rows[i].key, key) == 0)
            return np_lang_is_zh(lang) ? rows[i].zh : rows[i].en;
    return NULL;
}

const char *np_label(const np_label_set *set, const char *lang, const char *key)
{
    apr_hash_t *t = operator_table(set, lang);
    const char *v = t ? apr_hash_get(t, key, APR_HASH_KEY_STRING) : NULL;
    return v ? v : pick(labels, sizeof(labels) / sizeof(labels[0]), lang, key);
}

const char *np_share_label(const np_label_set *set, const char *lang, const char *name)
{
    apr_hash_t *t = operator_table(set, lang);
    const char *v = NULL;
    if (t) {
        char key[64];
        snprintf(key, sizeof(key), "share_%s", name);
        v = apr_hash_get(t, key, APR_HASH_KEY_STRING);
    }
    return v ? v : pick(shares, sizeof(shares) / sizeof(shares[0]), lang, name);
}

np_value *np_labels_value(apr_pool_t *p, const np_label_set *set, const char *lang,
                          const char *home_label)
{
    np_value *m = np_value_map(p);
    apr_hash_t *t = operator_table(set, lang);
    apr_hash_index_t *hi;
    size_t i;
    int zh = np_lang_is_zh(lang);
    for (i = 0; i < sizeof(labels) / sizeof(labels[0]); i++)
        np_map_str(p, m, labels[i].key, zh ? labels[i].zh : labels[i].en);
    /* Operators may add keys of their own for their templates, too. */
    for (hi = t ? apr_hash_first(p, t) : NULL; hi; hi = apr_hash_next(hi))
        np_map_str(p, m, apr_hash_this_key(hi), apr_hash_this_val(hi));
    if (home_label) /* configured explicitly: the operator's word in every language */
        np_map_str(p, m, "home", home_label);
    return m;
}

struct np_label_maps {
    np_value *en, *zh;
    apr_hash_t *by_table; /* an operator's table (its address) -> its map */
};

np_label_maps *np_labels_maps(apr_pool_t *p, const np_label_set *set)
{
    np_label_maps *m = apr_pcalloc(p, sizeof(*m));
    apr_hash_index_t *hi;
    m->en = np_labels_value(p, NULL, "en", NULL);
    m->zh = np_labels_value(p, NULL, "zh", NULL);
    m->by_table = apr_hash_make(p);
    for (hi = set ? apr_hash_first(p, (apr_hash_t *)set) : NULL; hi; hi = apr_hash_next(hi)) {
        apr_hash_t **t = apr_palloc(p, sizeof(*t));
        *t = apr_hash_this_val(hi);
        apr_hash_set(m->by_table, t, sizeof(*t),
                     np_labels_value(p, set, apr_hash_this_key(hi), NULL));
    }
    return m;
}

const np_value *np_labels_lookup(apr_pool_t *p, const np_label_maps *maps, const np_label_set *set,
                                 const char *lang, const char *home_label)
{
    /* A table found for lang (exact or by primary subtag) shares its Chinese-or-not with it. */
    apr_hash_t *t = operator_table(set, lang);
    const np_value *v = t ? apr_hash_get(maps->by_table, &t, sizeof(t)) : NULL;
    np_value *c;
    if (!v)
        v = np_lang_is_zh(lang) ? maps->zh : maps->en;
    if (!home_label)
        return v;
    c = np_map_copy(p, v);
    np_map_str(p, c, "home", home_label);
    return c;
}

static char *trim(char *s)
{
    char *e;
    while (apr_isspace(*s))
        s++;
    e = s + strlen(s);
    while (e > s && apr_isspace(e[-1]))
        *--e = '\0';
    return s;
}

np_label_set *np_labels_load(apr_pool_t *p, const char *dir, const struct np_logger *log)
{
    apr_hash_t *set = NULL;
    apr_dir_t *d;
    apr_finfo_t fi;
    np_file_opts fo;
    fo.root = dir;
    fo.what = "the templates folder";
    fo.max = LABELS_MAX_SIZE;
    fo.limit = "the labels file limit";
    if (!dir || apr_dir_open(&d, dir, p) != APR_SUCCESS)
        return NULL;
    while (apr_dir_read(&fi, APR_FINFO_NAME, d) == APR_SUCCESS) {
        apr_size_t n = strlen(fi.name), len;
        const char *path, *lang, *err = NULL;
        apr_hash_t *t;
        char *data, *line, *next;
        int lineno = 0;
        if (n <= 11 || strncmp(fi.name, "labels-", 7) != 0 || strcmp(fi.name + n - 4, ".txt"))
            continue;
        lang = apr_pstrndup(p, fi.name + 7, n - 11);
        path = apr_pstrcat(p, dir, "/", fi.name, NULL);
        /* Confined to the templates folder, like the templates (np_file_open_beneath). */
        if (!(data = np_file_read(p, &fo, path, &len, NULL, &err))) {
            np_log(log, NP_LOG_ERR, "%s; the labels file is not read", err);
            continue;
        }
        if (!set)
            set = apr_hash_make(p);
        t = apr_hash_make(p);
        apr_hash_set(set, lang, APR_HASH_KEY_STRING, t);
        for (line = data; line && line < data + len; line = next) {
            char *eq, *k;
            if ((next = memchr(line, '\n', (apr_size_t)(data + len - line))))
                *next++ = '\0';
            lineno++;
            k = trim(line);
            if (!*k || *k == '#')
                continue;
            if (!(eq = strchr(k, '='))) {
                np_log(log, NP_LOG_WARNING, "%s:%d: expected 'key = text'", path, lineno);
                continue;
            }
            *eq = '\0';
            apr_hash_set(t, apr_pstrdup(p, trim(k)), APR_HASH_KEY_STRING,
                         apr_pstrdup(p, trim(eq + 1)));
        }
        free(data);
    }
    apr_dir_close(d);
    return set;
}
