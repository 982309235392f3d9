/* Runs the official Mustache spec files (JSON) through the template engine: every module but
 * ~lambdas, which are out of scope. Prints a count per module, each failure with what was expected,
 * and a closing line "N passed, N failed, N skipped" that CI reads. Exits non-zero on a failure;
 * a missing or empty spec folder prints a line "SKIP mustache spec: REASON" and no count. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <apr_file_info.h>
#include <apr_general.h>
#include <apr_strings.h>
#include <apr_tables.h>
#include <jansson.h>

#include "np_json.h"
#include "np_template.h"

#define SPEC_DEFAULT_DIR "../shared/mustache-spec"
#define MAIN_NAME "(template)" /* cannot clash with a partial's name in the spec */

static void print_quoted(const char *label, const char *s, size_t n)
{
    size_t i;
    printf("  %-9s \"", label);
    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '\n')
            fputs("\\n", stdout);
        else if (c == '\r')
            fputs("\\r", stdout);
        else if (c == '\t')
            fputs("\\t", stdout);
        else if (c == '"' || c == '\\')
            printf("\\%c", c);
        else if (c < 0x20)
            printf("\\x%02x", c);
        else
            putchar(c);
    }
    fputs("\"\n", stdout);
}

/* Runs one test; returns 1 when it passes, else prints why and returns 0. */
static int run_test(apr_pool_t *parent, const char *module, json_t *test)
{
    apr_pool_t *p;
    np_tpl_set *set;
    const np_tpl *tpl;
    np_tpl_error err;
    np_buf out;
    json_t *partials = json_object_get(test, "partials"), *tj = json_object_get(test, "template");
    json_t *ej = json_object_get(test, "expected"), *pj;
    const char *name = json_string_value(json_object_get(test, "name")), *pname;
    int ok = 0;

    if (!json_is_string(tj) || !json_is_string(ej)) {
        printf("FAIL %s: %s: malformed test (no template or expected)\n", module,
               name ? name : "?");
        return 0;
    }
    apr_pool_create(&p, parent);
    set = np_tpl_set_create(p);
    np_buf_init(&out, 1024);
    json_object_foreach(partials, pname, pj)
    {
        if (!np_tpl_compile(set, pname, pname, json_string_value(pj), json_string_length(pj),
                            &err)) {
            printf("FAIL %s: %s: partial does not compile: %s\n", module, name, err.text);
            goto done;
        }
    }
    tpl = np_tpl_compile(set, MAIN_NAME, "template", json_string_value(tj), json_string_length(tj),
                         &err);
    if (!tpl) {
        printf("FAIL %s: %s: does not compile: %s\n", module, name, err.text);
        goto done;
    }
    if (np_tpl_render(set, tpl, np_json_value(p, json_object_get(test, "data")), &out, NULL,
                      &err) != APR_SUCCESS) {
        printf("FAIL %s: %s: render error: %s\n", module, name, err.text);
        goto done;
    }
    if (out.len == json_string_length(ej) && memcmp(out.data, json_string_value(ej), out.len) == 0)
        ok = 1;
    else {
        printf("FAIL %s: %s (%s)\n", module, name,
               json_string_value(json_object_get(test, "desc")));
        print_quoted("template:", json_string_value(tj), json_string_length(tj));
        print_quoted("expected:", json_string_value(ej), json_string_length(ej));
        print_quoted("actual:", out.data, out.len);
    }
done:
    np_buf_free(&out);
    apr_pool_destroy(p);
    return ok;
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int main(int argc, const char *const *argv)
{
    const char *dir = argc > 1 ? argv[1] : SPEC_DEFAULT_DIR;
    apr_pool_t *pool;
    apr_dir_t *d;
    apr_finfo_t fi;
    apr_array_header_t *files;
    int passed = 0, failed = 0, skipped = 0, i;

    apr_initialize();
    atexit(apr_terminate);
    apr_pool_create(&pool, NULL);
    /* No spec files: say SKIP on a line of its own, never a count of nothing that looks like
     * a pass. */
    if (apr_dir_open(&d, dir, pool) != APR_SUCCESS) {
        printf("SKIP mustache spec: folder %s not found\n", dir);
        return 0;
    }
    files = apr_array_make(pool, 16, sizeof(const char *));
    while (apr_dir_read(&fi, APR_FINFO_NAME, d) == APR_SUCCESS) {
        size_t n = strlen(fi.name);
        if (n > 5 && strcmp(fi.name + n - 5, ".json") == 0)
            APR_ARRAY_PUSH(files, const char *) = apr_pstrdup(pool, fi.name);
    }
    apr_dir_close(d);
    if (files->nelts == 0) {
        printf("SKIP mustache spec: no .json spec files in %s\n", dir);
        return 0;
    }
    qsort(files->elts, files->nelts, sizeof(const char *), cmp_names);

    for (i = 0; i < files->nelts; i++) {
        const char *file = APR_ARRAY_IDX(files, i, const char *);
        char *module = apr_pstrndup(pool, file, strlen(file) - 5);
        char *path = apr_pstrcat(pool, dir, "/", file, NULL);
        json_error_t je;
        json_t *root = json_load_file(path, 0, &je), *tests, *test;
        size_t k;
        int ok = 0;

        tests = json_object_get(root, "tests");
        if (!json_is_array(tests)) {
            printf("FAIL %s: cannot read %s: %s\n", module, path,
                   root ? "no \"tests\" array" : je.text);
            failed++;
            json_decref(root);
            continue;
        }
        if (strcmp(module, "~lambdas") == 0) {
            printf("%s: skipped (lambdas are out of scope)\n", module);
            skipped += (int)json_array_size(tests);
            json_decref(root);
            continue;
        }
        json_array_foreach(tests, k, test) ok += run_test(pool, module, test);
        printf("%s: %d/%d passed\n", module, ok, (int)json_array_size(tests));
        passed += ok;
        failed += (int)json_array_size(tests) - ok;
        json_decref(root);
    }
    printf("%d passed, %d failed, %d skipped\n", passed, failed, skipped);
    apr_pool_destroy(pool);
    return failed ? 1 : 0;
}
