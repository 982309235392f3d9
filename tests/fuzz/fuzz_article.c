/* Arbitrary bytes as an article: the safe XML parser, the body allowlist on the whole document,
 * and np_article_load (native, NITF and NewsML-G2 mappers). Beyond memory errors it checks what
 * docs/content.md promises: the sanitized HTML holds only allowlisted elements and attributes,
 * escaped text, and no URL a browser would run. */
#include "fuzz_common.h"

#include <apr_strings.h>
#include <libxml/tree.h>

#include "np_article.h"
#include "np_buf.h"
#include "np_sanitize.h"

static const np_tz *zone;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    apr_pool_t *root;
    const char *err;
    (void)argc;
    (void)argv;
    fuzz_init();
    root = fuzz_root_pool();
    zone = np_tz_load(root, "+08:00", &err);
    FUZZ_CHECK(zone);
    return 0;
}

/* The allowlist of np_sanitize.c written out again, so that a change there letting more through
 * fails here. */
static const struct {
    const char *name, *attrs; /* attrs: space-separated */
} allowed[] = {
    {"a", "href title"},
    {"abbr", "title"},
    {"img", "src alt width height"},
    {"td", "colspan rowspan"},
    {"th", "colspan rowspan scope"},
    {"time", "datetime"},
    {"b", ""},
    {"blockquote", ""},
    {"br", ""},
    {"caption", ""},
    {"cite", ""},
    {"code", ""},
    {"dd", ""},
    {"div", ""},
    {"dl", ""},
    {"dt", ""},
    {"em", ""},
    {"figcaption", ""},
    {"figure", ""},
    {"h2", ""},
    {"h3", ""},
    {"h4", ""},
    {"h5", ""},
    {"h6", ""},
    {"hr", ""},
    {"i", ""},
    {"li", ""},
    {"ol", ""},
    {"p", ""},
    {"pre", ""},
    {"q", ""},
    {"s", ""},
    {"small", ""},
    {"span", ""},
    {"strong", ""},
    {"sub", ""},
    {"sup", ""},
    {"table", ""},
    {"tbody", ""},
    {"tfoot", ""},
    {"thead", ""},
    {"tr", ""},
    {"u", ""},
    {"ul", ""},
};

static int element_index(const char *s, size_t n)
{
    size_t i;
    for (i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++)
        if (strlen(allowed[i].name) == n && memcmp(allowed[i].name, s, n) == 0)
            return (int)i;
    return -1;
}

/* Is the word s[0..n) in the space-separated list? */
static int in_words(const char *list, const char *s, size_t n)
{
    while (*list) {
        size_t w = strcspn(list, " ");
        if (w == n && memcmp(list, s, n) == 0)
            return 1;
        list += w;
        while (*list == ' ')
            list++;
    }
    return 0;
}

/* Length of the entity at s (one of those np_buf_html writes), 0 when it is none of them. */
static size_t entity_len(const char *s, size_t n, char *decoded)
{
    static const struct {
        const char *text;
        char c;
    } ents[] = {{"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&#39;", '\''}};
    size_t i;
    for (i = 0; i < sizeof(ents) / sizeof(ents[0]); i++) {
        size_t k = strlen(ents[i].text);
        if (n >= k && memcmp(s, ents[i].text, k) == 0) {
            *decoded = ents[i].c;
            return k;
        }
    }
    return 0;
}

/* The index of the attribute name in every_attr, for catching a repeated one. */
static int attr_bit(const char *s, size_t n)
{
    static const char *const every_attr[] = {"href",   "title",   "src",     "alt",   "width",
                                             "height", "colspan", "rowspan", "scope", "datetime"};
    size_t i;
    for (i = 0; i < sizeof(every_attr) / sizeof(every_attr[0]); i++)
        if (strlen(every_attr[i]) == n && memcmp(every_attr[i], s, n) == 0)
            return 1 << i;
    return 0;
}

/* Checks the sanitizer's output: tags are <name( attr="value")*> or </name> from the allowlist,
 * each attribute at most once, text and values hold only np_buf_html's entities, and href/src
 * values are not URLs a browser would run. Aborts otherwise. */
static void check_html(const char *s, size_t n)
{
    size_t i = 0, k;
    char c;
    while (i < n) {
        size_t start;
        int el, seen = 0;
        if (s[i] == '&') {
            FUZZ_CHECK((k = entity_len(s + i, n - i, &c)) > 0);
            i += k;
            continue;
        }
        FUZZ_CHECK(s[i] != '>' && s[i] != '"' && s[i] != '\'');
        if (s[i++] != '<')
            continue;
        if (i < n && s[i] == '/') {
            start = ++i;
            while (i < n && s[i] != '>')
                i++;
            FUZZ_CHECK(i < n && element_index(s + start, i - start) >= 0);
            i++;
            continue;
        }
        for (start = i; i < n && ((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9'));)
            i++;
        FUZZ_CHECK((el = element_index(s + start, i - start)) >= 0);
        while (i < n && s[i] == ' ') {
            char url[4096];
            size_t url_len = 0;
            int bit, is_url;
            for (start = ++i; i < n && s[i] >= 'a' && s[i] <= 'z';)
                i++;
            FUZZ_CHECK(in_words(allowed[el].attrs, s + start, i - start));
            bit = attr_bit(s + start, i - start);
            FUZZ_CHECK(bit && !(seen & bit));
            seen |= bit;
            is_url = bit == attr_bit("href", 4) || bit == attr_bit("src", 3);
            FUZZ_CHECK(i + 1 < n && s[i] == '=' && s[i + 1] == '"');
            for (i += 2; i < n && s[i] != '"'; i++) {
                FUZZ_CHECK(s[i] != '<' && s[i] != '>' && s[i] != '\'');
                c = s[i];
                if (s[i] == '&') {
                    FUZZ_CHECK((k = entity_len(s + i, n - i, &c)) > 0);
                    i += k - 1;
                }
                if (url_len < sizeof(url))
                    url[url_len++] = c;
            }
            FUZZ_CHECK(i < n);
            i++;
            if (is_url)
                FUZZ_CHECK(url_len == sizeof(url) || !fuzz_url_unsafe(url, url_len));
        }
        FUZZ_CHECK(i < n && s[i] == '>');
        i++;
    }
}

/* np_sanitize_text: white space collapsed to single spaces and trimmed. */
static void check_text(const char *s)
{
    size_t n = strlen(s);
    FUZZ_CHECK(!strpbrk(s, "\t\r\n") && !strstr(s, "  "));
    FUZZ_CHECK(n == 0 || (s[0] != ' ' && s[n - 1] != ' '));
}

static void check_url(const char *url)
{
    if (url)
        FUZZ_CHECK(!fuzz_url_unsafe(url, strlen(url)));
}

/* An error message starts with "path:line:col: ". */
static void check_err(const char *err, const char *path)
{
    size_t n = strlen(path);
    long line, col;
    int used = 0;
    FUZZ_CHECK(err && strncmp(err, path, n) == 0 && err[n] == ':');
    FUZZ_CHECK(sscanf(err + n, ":%ld:%ld: %n", &line, &col, &used) == 2 && used > 0);
    FUZZ_CHECK(line >= 0 && col >= 0);
}

static void sanitize_doc(apr_pool_t *p, const uint8_t *data, size_t size)
{
    const char *err;
    xmlDoc *doc = np_xml_parse_memory(p, "fuzz.xml", (const char *)data, size, &err);
    xmlNode *root;
    np_sanitize_report *rep;
    np_buf out;
    int i;
    if (!doc) {
        check_err(err, "fuzz.xml");
        return;
    }
    root = xmlDocGetRootElement(doc);
    rep = np_sanitize_report_make(p);
    np_buf_init(&out, 0);
    np_sanitize_html(&out, root, rep);
    FUZZ_CHECK(!out.failed);
    check_html(out.data, out.len);
    np_buf_free(&out);
    for (i = 0; i < rep->items->nelts; i++) {
        const np_sanitize_item *it = &APR_ARRAY_IDX(rep->items, i, np_sanitize_item);
        FUZZ_CHECK(it->element && it->line >= 0);
    }
    check_text(np_sanitize_text(p, root));
}

/* s is at most max bytes and does not end inside a UTF-8 sequence it started. */
static void check_limit(const char *s, size_t max)
{
    size_t n, k;
    if (!s)
        return;
    n = strlen(s);
    FUZZ_CHECK(n <= max);
    for (k = n; k > 0 && ((unsigned char)s[k - 1] & 0xC0) == 0x80; k--)
        ;
    if (k > 0 && (unsigned char)s[k - 1] >= 0xC0) {
        unsigned char lead = (unsigned char)s[k - 1];
        size_t need = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2;
        FUZZ_CHECK(n - (k - 1) == need);
    }
}

static void check_article(const np_article *a)
{
    int i;
    FUZZ_CHECK(a->title && *a->title && a->slug && a->id && a->format);
    /* The limits of docs/content.md. */
    check_limit(a->title, NP_MAX_TITLE);
    check_limit(a->subtitle, NP_MAX_TITLE);
    check_limit(a->summary, NP_MAX_SUMMARY);
    check_limit(a->source, NP_MAX_NAME);
    FUZZ_CHECK(a->tags->nelts <= NP_MAX_TAGS && a->authors->nelts <= NP_MAX_AUTHORS &&
               a->related->nelts <= NP_MAX_RELATED);
    for (i = 0; i < a->tags->nelts; i++)
        check_limit(APR_ARRAY_IDX(a->tags, i, const char *), NP_MAX_TAG);
    for (i = 0; i < a->authors->nelts; i++)
        check_limit(APR_ARRAY_IDX(a->authors, i, const char *), NP_MAX_NAME);
    if (a->published.t) {
        np_date_fields f;
        np_date_split(a->published.t, NULL, &f);
        FUZZ_CHECK(f.year >= 1 && f.year <= 9999);
    }
    check_text(a->title);
    if (a->summary)
        FUZZ_CHECK(*a->summary);
    check_url(a->source_href);
    if (a->image) {
        FUZZ_CHECK(a->image->src);
        check_url(a->image->src);
        FUZZ_CHECK(a->image->width >= 0 && a->image->height >= 0);
    }
    for (i = 0; i < a->related->nelts; i++) {
        const np_link *l = &APR_ARRAY_IDX(a->related, i, np_link);
        FUZZ_CHECK(l->href && l->title);
        check_url(l->href);
    }
    for (i = 0; i < a->authors->nelts; i++)
        FUZZ_CHECK(*APR_ARRAY_IDX(a->authors, i, const char *));
    for (i = 0; i < a->tags->nelts; i++)
        FUZZ_CHECK(*APR_ARRAY_IDX(a->tags, i, const char *));
    if (a->body_html) {
        FUZZ_CHECK(strlen(a->body_html) == a->body_len);
        check_html(a->body_html, a->body_len);
    }
}

static void load(apr_pool_t *p, const char *path, int with_body, const np_tz *tz)
{
    np_article_opts opts = {0, tz, with_body, NULL};
    const char *err = NULL;
    np_article *a = np_article_load(p, path, "fuzz", &opts, &err);
    if (a) {
        FUZZ_CHECK(!err);
        check_article(a);
        FUZZ_CHECK(with_body ? a->body_html != NULL : a->body_html == NULL);
        (void)np_article_visible(a, apr_time_now());
    } else {
        check_err(err, path);
    }
}

/* The input as the sizes and counts of a well-formed article: bytes 0-1 the number of tags
 * (up to 3,000), 2-3 the title's length (up to 16 KB), 4 the number of authors, 5 the published
 * year's first digits; the rest is the text the tags, authors and title are made of. Limits on
 * counts and lengths are reached this way far more often than from raw XML. */
static void load_synthesized(apr_pool_t *p, const uint8_t *data, size_t size)
{
    unsigned ntags, title_len, nauthors, i;
    const char *text, *path;
    size_t tlen;
    np_buf b;
    if (size < 6)
        return;
    ntags = (unsigned)(data[0] | data[1] << 8) % 3001;
    title_len = (unsigned)(data[2] | data[3] << 8) % 16385 + 1;
    nauthors = data[4] % 120;
    {
        /* Text without markup characters, so the document stays well-formed. */
        char *t = apr_pstrmemdup(p, (const char *)data + 6, size - 6), *c;
        for (c = t; *c; c++)
            if (*c == '<' || *c == '&' || *c == ']' || (unsigned char)*c < 0x20)
                *c = 'x';
        text = *t ? t : "tag";
        tlen = strlen(text);
    }
    np_buf_init(&b, 4096);
    np_buf_puts(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<article><title>");
    for (i = 0; i < title_len; i++)
        np_buf_putc(&b, text[i % tlen]);
    np_buf_printf(&b, "</title><published>%04u-01-01T00:00:00+23:59</published>",
                  (unsigned)data[5] % 3 == 0 ? 0u : 2000u + data[5]);
    for (i = 0; i < nauthors; i++)
        np_buf_printf(&b, "<author>%.*s%u</author>", (int)(tlen < 40 ? tlen : 40), text, i % 70);
    np_buf_puts(&b, "<tags>");
    for (i = 0; i < ntags; i++)
        np_buf_printf(&b, "<tag>%.*s%u</tag>", (int)(tlen < 150 ? tlen : 150), text, i % 200);
    np_buf_puts(&b, "</tags><body><p>Body.</p></body></article>\n");
    FUZZ_CHECK(!b.failed);
    path = fuzz_file((const uint8_t *)b.data, b.len);
    load(p, path, 1, zone);
    np_buf_free(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    apr_pool_t *p = fuzz_pool();
    const char *path = fuzz_file(data, size);
    sanitize_doc(p, data, size);
    load(p, path, 1, zone);
    load(p, path, 0, NULL);
    load_synthesized(p, data, size);
    apr_pool_destroy(p);
    return 0;
}
