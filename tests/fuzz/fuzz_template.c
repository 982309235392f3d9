/* Arbitrary bytes as Mustache templates: the input is split on NUL bytes; the first piece is the
 * template "main", each further piece is "NAME\nSOURCE", a partial or parent called NAME. All are
 * compiled, then main is rendered twice against a small fixed data tree, and the two pages must
 * be the same (rendering never changes a compiled template). */
#include "fuzz_common.h"

#include <apr_hash.h>
#include <apr_strings.h>

#include "np_json.h"
#include "np_template.h"

static const np_value *data_tree;

/* Recursive partials make render time exponential in a template's size ("{{>a}}{{>a}}" in a
 * partial a, 64 levels deep); templates are the operator's, so the engine has no work limit.
 * Here, after a budget of name lookups (linked with --wrap), names resolve to nothing: every
 * render ends quickly and still runs the code it reaches. */
static long budget = -1; /* < 0: no limit */

np_value *__real_np_map_getn(const np_value *map, const char *key, apr_size_t klen);
void *__real_apr_hash_get(apr_hash_t *ht, const void *key, apr_ssize_t klen);

np_value *__wrap_np_map_getn(const np_value *map, const char *key, apr_size_t klen)
{
    if (budget == 0)
        return NULL;
    if (budget > 0)
        budget--;
    return __real_np_map_getn(map, key, klen);
}

void *__wrap_apr_hash_get(apr_hash_t *ht, const void *key, apr_ssize_t klen)
{
    if (budget == 0)
        return NULL;
    if (budget > 0)
        budget--;
    return __real_apr_hash_get(ht, key, klen);
}

static const char data_json[] =
    "{\"title\": \"Tom & <Jerry> \\\"quoted\\\" 'single'\", \"t\": true, \"f\": false,"
    " \"n\": null, \"num\": 85, \"real\": 1.21, \"empty\": [], \"\": \"empty key\","
    " \"html\": \"<script>alert(1)</script>\", \"partial\": \"p\", \"parent\": \"main\","
    " \"list\": [{\"name\": \"a\", \"t\": false}, {\"name\": \"b\", \"list\": [{\"name\": \"c\"}]},"
    " \"str\", true, null],"
    " \"map\": {\"x\": \"1\", \"y\": {\"z\": \"deep\", \"partial\": \"main\"}, \"list\": []},"
    " \"zh\": \"\xe4\xb8\xad\xe6\x96\x87\", \"a\": {\"b\": {\"c\": {\"d\": \"abcd\"}}}}";

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    apr_pool_t *root;
    char err[256];
    (void)argc;
    (void)argv;
    fuzz_init();
    root = fuzz_root_pool();
    data_tree = np_json_parse(root, data_json, sizeof(data_json) - 1, "data", err, sizeof(err));
    if (!data_tree) {
        fprintf(stderr, "fuzz_template: %s\n", err);
        abort();
    }
    return 0;
}

static void check_error(const np_tpl_error *err)
{
    FUZZ_CHECK(memchr(err->file, '\0', sizeof(err->file)) &&
               memchr(err->msg, '\0', sizeof(err->msg)) &&
               memchr(err->text, '\0', sizeof(err->text)));
    FUZZ_CHECK(err->msg[0] && err->text[0] && err->line >= 0 && err->col >= 0);
}

static void render(const np_tpl_set *set, const np_tpl *tpl, const np_value *v, np_buf *out)
{
    np_tpl_error err;
    apr_status_t rv;
    np_buf_init(out, 0);
    budget = 4096;
    rv = np_tpl_render(set, tpl, v, out, NULL, &err);
    budget = -1;
    if (rv != APR_SUCCESS)
        check_error(&err);
    FUZZ_CHECK(rv == APR_SUCCESS || rv == APR_EGENERAL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    apr_pool_t *p = fuzz_pool();
    np_tpl_set *set = np_tpl_set_create(p);
    const char *s = (const char *)data, *end = s + size;
    const np_tpl *main_tpl = NULL;
    int first = 1;

    while (s <= end) {
        const char *piece_end = memchr(s, '\0', (size_t)(end - s)), *src = s, *name = "main";
        const np_tpl *tpl;
        np_tpl_error err;
        if (!piece_end)
            piece_end = end;
        if (!first) {
            const char *nl = memchr(s, '\n', (size_t)(piece_end - s));
            src = nl ? nl + 1 : piece_end;
            name = apr_pstrmemdup(p, s, (size_t)(nl ? nl - s : piece_end - s));
        }
        tpl = np_tpl_compile(set, name, NULL, src, (apr_size_t)(piece_end - src), &err);
        if (tpl) {
            FUZZ_CHECK(np_tpl_get(set, name) == tpl && strcmp(np_tpl_name(tpl), name) == 0);
            if (first)
                main_tpl = tpl;
        } else {
            check_error(&err);
        }
        first = 0;
        s = piece_end + 1;
    }

    if (main_tpl) {
        np_buf a, b;
        render(set, main_tpl, data_tree, &a);
        render(set, main_tpl, data_tree, &b);
        FUZZ_CHECK(a.len == b.len && (a.len == 0 || memcmp(a.data, b.data, a.len) == 0));
        np_buf_free(&a);
        np_buf_free(&b);
        render(set, main_tpl, NULL, &a);
        np_buf_free(&a);
    }
    apr_pool_destroy(p);
    return 0;
}
