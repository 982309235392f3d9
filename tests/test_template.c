/* Unit tests of the template engine (np_template) and the JSON reader (np_json): compile errors
 * with their exact places, nesting limits, missing partials, theme overrides, rendering from many
 * threads, escaping. The spec's own cases run in mustache_spec.c. Runs clean under valgrind. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <apr_general.h>
#include <apr_strings.h>

#include "np_json.h"
#include "np_template.h"

static apr_pool_t *pool;

static int setup(void **state)
{
    (void)state;
    return apr_pool_create(&pool, NULL) == APR_SUCCESS ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    apr_pool_destroy(pool);
    return 0;
}

static const np_tpl *compile(np_tpl_set *set, const char *name, const char *src)
{
    np_tpl_error err;
    const np_tpl *tpl = np_tpl_compile(set, name, apr_pstrcat(pool, name, ".mustache", NULL), src,
                                       strlen(src), &err);
    if (!tpl)
        fail_msg("%s does not compile: %s", name, err.text);
    return tpl;
}

/* Renders the template called name; returns the page as a string on pool. */
static const char *render(np_tpl_set *set, const char *name, const np_value *data,
                          const np_logger *log)
{
    np_tpl_error err;
    np_buf out;
    const char *page;
    const np_tpl *tpl = np_tpl_get(set, name);
    assert_non_null(tpl);
    np_buf_init(&out, 0);
    if (np_tpl_render(set, tpl, data, &out, log, &err) != APR_SUCCESS) {
        np_buf_free(&out);
        fail_msg("%s does not render: %s", name, err.text);
    }
    page = apr_pstrmemdup(pool, out.data, out.len);
    np_buf_free(&out);
    return page;
}

static np_value *json(const char *text)
{
    char err[256];
    np_value *v = np_json_parse(pool, text, strlen(text), "data", err, sizeof(err));
    if (!v)
        fail_msg("bad test data: %s", err);
    return v;
}

/* ---- compile errors ---- */

static void test_compile_errors(void **state)
{
    static const struct {
        const char *src, *text;
    } cases[] = {
        {"a\n{{#items}}\n  x\n",
         "t.mustache:4:1: section 'items' opened at 2:1 is never closed: expected '{{/items}}'"},
        {"{{^none}}", "t.mustache:1:10: inverted section 'none' opened at 1:1 is never closed: "
                      "expected '{{/none}}'"},
        {"{{<layout}}\n  {{$a}}x{{/a}}\n",
         "t.mustache:3:1: parent 'layout' opened at 1:1 is never closed: expected "
         "'{{/layout}}'"},
        {"{{<layout}}{{$main}}\n", "t.mustache:2:1: block 'main' opened at 1:12 is never "
                                   "closed: expected '{{/main}}'"},
        {"x\n{{#a}}\n  {{#b}}\n  {{/a}}\n",
         "t.mustache:4:3: '{{/a}}' does not close section 'b' opened at 3:3: expected '{{/b}}'"},
        {"{{<*dyn}}{{/dyn}}",
         "t.mustache:1:10: '{{/dyn}}' does not close parent '*dyn' opened at 1:1: expected "
         "'{{/*dyn}}'"},
        {"ok\n  {{/items}}", "t.mustache:2:3: '{{/items}}' closes nothing: no section is open"},
        {"<p>\n  {{title</p>\n",
         "t.mustache:2:3: tag '{{title</p>' is never closed: expected '}}'"},
        {"{{{raw}}", "t.mustache:1:1: tag '{{{raw}}' is never closed: expected '}}}'"},
        {"{{=<% %>}}", "t.mustache:1:1: tag '{{=<% %>}}' is never closed: expected '=}}'"},
        {"{{=<% %>=}}\n<%#a%>\n<%/b%>",
         "t.mustache:3:1: '<%/b%>' does not close section 'a' opened at 2:1: expected '<%/a%>'"},
        {"{{= <% =}}", "t.mustache:1:1: bad delimiter change '{{= <% =}}': expected two "
                       "delimiters without '=' separated by whitespace, as in '{{=<% %>=}}'"},
        {"{{=<% %> x=}}", "t.mustache:1:1: bad delimiter change '{{=<% %> x=}}': expected two "
                          "delimiters without '=' separated by whitespace, as in '{{=<% %>=}}'"},
        {"{{=a= b=}}", "t.mustache:1:1: bad delimiter change '{{=a= b=}}': expected two "
                       "delimiters without '=' separated by whitespace, as in '{{=<% %>=}}'"},
        {"x {{ }}", "t.mustache:1:3: empty tag '{{ }}': expected a name"},
        {"{{#}}{{/}}", "t.mustache:1:1: empty tag '{{#}}': expected a name"},
        {"{{first name}}",
         "t.mustache:1:1: tag name 'first name' contains whitespace: expected one name"},
        /* columns count characters, not bytes */
        {"\xc3\xa9t\xc3\xa9 {{#a}}", "t.mustache:1:11: section 'a' opened at 1:5 is never "
                                     "closed: expected '{{/a}}'"},
    };
    size_t i;
    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        np_tpl_set *set = np_tpl_set_create(pool);
        np_tpl_error err;
        assert_null(
            np_tpl_compile(set, "t", "t.mustache", cases[i].src, strlen(cases[i].src), &err));
        assert_string_equal(err.text, cases[i].text);
        assert_null(np_tpl_get(set, "t"));
    }
}

static void test_compile_error_fields(void **state)
{
    np_tpl_set *set = np_tpl_set_create(pool);
    np_tpl_error err;
    const char *src = "<ul>\n{{#items}}\n  <li>{{name}}</li>\n{{/itemz}}\n</ul>\n";
    (void)state;
    assert_null(np_tpl_compile(set, "list", "theme/list.mustache", src, strlen(src), &err));
    assert_string_equal(err.file, "theme/list.mustache");
    assert_int_equal(err.line, 4);
    assert_int_equal(err.col, 1);
    assert_string_equal(err.msg, "'{{/itemz}}' does not close section 'items' opened at 2:1: "
                                 "expected '{{/items}}'");
    /* a NULL err is allowed */
    assert_null(np_tpl_compile(set, "list", NULL, src, strlen(src), NULL));
}

/* ---- rendering ---- */

static void test_html_escaping(void **state)
{
    np_tpl_set *set = np_tpl_set_create(pool);
    (void)state;
    compile(set, "t", "{{x}}|{{{x}}}|{{&x}}|{{#l}}{{.}}{{/l}}");
    assert_string_equal(render(set, "t",
                               json("{\"x\": \"<a href=\\\"u?a=1&b=2\\\">it's</a>\", "
                                    "\"l\": [\"<\", \">\"]}"),
                               NULL),
                        "&lt;a href=&quot;u?a=1&amp;b=2&quot;&gt;it&#39;s&lt;/a&gt;|"
                        "<a href=\"u?a=1&b=2\">it's</a>|<a href=\"u?a=1&b=2\">it's</a>|&lt;&gt;");
}

/* {{x}} must escape exactly like np_buf_html, whatever the byte. */
static void test_escaping_matches_np_buf_html(void **state)
{
    np_tpl_set *set = np_tpl_set_create(pool);
    const np_tpl *tpl = compile(set, "t", "{{x}}");
    int c;
    (void)state;
    for (c = 0; c < 256; c++) {
        char s[3] = {'a', (char)c, 'b'};
        np_value *data = np_value_map(pool);
        np_buf want, got;
        np_map_set(pool, data, "x", np_value_strn(pool, s, 3));
        np_buf_init(&want, 0);
        np_buf_init(&got, 0);
        np_buf_html(&want, s, 3);
        assert_int_equal(np_tpl_render(set, tpl, data, &got, NULL, NULL), APR_SUCCESS);
        assert_int_equal(got.len, want.len);
        assert_memory_equal(got.data, want.data, got.len);
        np_buf_free(&want);
        np_buf_free(&got);
    }
}

static void test_values(void **state)
{
    np_tpl_set *set = np_tpl_set_create(pool);
    np_value *data = json("{\"t\": true, \"f\": false, \"n\": null, \"i\": 85, \"r\": 1.21, "
                          "\"big\": -9007199254740993, \"e\": 1e-7, \"l\": [1, 2], "
                          "\"m\": {\"k\": \"v\"}, \"s\": \"\", \"a\": {\"b\": {\"c\": \"deep\"}}}");
    (void)state;
    compile(set, "t",
            "{{t}} {{f}} [{{n}}] {{i}} {{r}} {{big}} {{e}} [{{l}}] [{{m}}] "
            "{{#s}}empty string is truthy{{/s}} {{a.b.c}} [{{a.x.c}}] {{#m}}{{k}}{{/m}} "
            "{{^f}}not f{{/f}} {{#l}}<{{.}}>{{/l}} {{#t}}{{i}}{{/t}}");
    assert_string_equal(render(set, "t", data, NULL),
                        "true false [] 85 1.21 -9007199254740993 1e-07 [] [] "
                        "empty string is truthy deep [] v not f <1><2> 85");
    /* no data at all: everything is a miss */
    assert_string_equal(render(set, "t", NULL, NULL), "  []     [] []   []  not f  ");
}

static void test_partials_and_inheritance(void **state)
{
    np_tpl_set *set = np_tpl_set_create(pool);
    (void)state;
    compile(set, "layout",
            "<main>\n"
            "  {{$content}}\n"
            "  <p>default</p>\n"
            "  {{/content}}\n"
            "</main>\n");
    compile(set, "item", "<li>{{name}}</li>\n");
    compile(set, "page",
            "{{<layout}}\n"
            "{{$content}}\n"
            "<ul>\n"
            "  {{#items}}\n"
            "  {{>item}}\n"
            "  {{/items}}\n"
            "</ul>\n"
            "{{/content}}\n"
            "{{/layout}}\n");
    compile(set, "bare", "{{<layout}}{{/layout}}");
    compile(set, "dyn", "{{#items}}{{>*kind}}{{/items}}");
    assert_string_equal(render(set, "page",
                               json("{\"items\": [{\"name\": \"a\"}, "
                                    "{\"name\": \"b\"}]}"),
                               NULL),
                        "<main>\n"
                        "  <ul>\n"
                        "    <li>a</li>\n"
                        "    <li>b</li>\n"
                        "  </ul>\n"
                        "</main>\n");
    assert_string_equal(render(set, "bare", NULL, NULL), "<main>\n  <p>default</p>\n</main>\n");
    assert_string_equal(render(set, "dyn",
                               json("{\"items\": [{\"kind\": \"item\", \"name\": "
                                    "\"x\"}, {\"kind\": 7}]}"),
                               NULL),
                        "<li>x</li>\n");
}

/* ---- limits ---- */

static void test_recursion_depth_limit(void **state)
{
    np_tpl_set *set = np_tpl_set_create(pool);
    np_tpl_error err;
    np_buf out;
    (void)state;
    compile(set, "self", "x{{>self}}");
    compile(set, "ping", "{{<pong}}{{/pong}}");
    compile(set, "pong", "\n  {{<ping}}{{/ping}}");
    np_buf_init(&out, 0);
    assert_int_equal(np_tpl_render(set, np_tpl_get(set, "self"), NULL, &out, NULL, &err),
                     APR_EGENERAL);
    assert_string_equal(err.text, "self.mustache:1:2: partial 'self' nested more than 64 deep: "
                                  "does it include itself without end?");
    assert_int_equal(out.len, NP_TPL_MAX_DEPTH + 1);
    out.len = 0;
    assert_int_equal(np_tpl_render(set, np_tpl_get(set, "ping"), NULL, &out, NULL, &err),
                     APR_EGENERAL);
    assert_string_equal(err.msg,
                        "parent 'pong' nested more than 64 deep: does it include itself without "
                        "end?");
    np_buf_free(&out);
}

static void test_nesting_limit(void **state)
{
    np_tpl_set *set = np_tpl_set_create(pool);
    np_buf src, out;
    np_tpl_error err;
    np_value *data = json("{\"a\": true}");
    int i;
    (void)state;
    np_buf_init(&src, 0);
    for (i = 0; i < NP_TPL_MAX_NESTING + 10; i++)
        np_buf_puts(&src, "{{#a}}");
    for (i = 0; i < NP_TPL_MAX_NESTING + 10; i++)
        np_buf_puts(&src, "{{/a}}");
    assert_non_null(np_tpl_compile(set, "deep", "deep.mustache", src.data, src.len, &err));
    np_buf_init(&out, 0);
    assert_int_equal(np_tpl_render(set, np_tpl_get(set, "deep"), data, &out, NULL, &err),
                     APR_EGENERAL);
    assert_string_equal(err.msg, "sections, partials and blocks nested more than 512 deep");
    assert_string_equal(err.file, "deep.mustache");
    np_buf_free(&src);
    np_buf_free(&out);
}

/* ---- logging ---- */

typedef struct {
    int calls, level;
    char msg[512];
} captured;

static void capture(void *baton, int level, const char *msg)
{
    captured *c = baton;
    c->calls++;
    c->level = level;
    snprintf(c->msg, sizeof(c->msg), "%s", msg);
}

static void test_missing_partial(void **state)
{
    np_tpl_set *set = np_tpl_set_create(pool);
    captured c = {0, 0, ""};
    np_logger log = {capture, &c, NP_LOG_DEBUG};
    (void)state;
    compile(set, "t", "a\n  {{>nope}}\nb{{<gone}}{{$x}}y{{/x}}{{/gone}}{{>*who}}");
    assert_string_equal(render(set, "t", json("{\"who\": \"nobody\"}"), &log), "a\nb");
    assert_int_equal(c.calls, 3);
    assert_int_equal(c.level, NP_LOG_DEBUG);
    assert_string_equal(c.msg, "t.mustache:3:33: partial 'nobody' not found; rendered as empty");
    c.calls = 0;
    render(set, "t", NULL, &log);
    assert_string_equal(c.msg,
                        "t.mustache:3:33: partial name '*who' is not a string; rendered as empty");
    /* below the logger's level nothing is even formatted */
    c.calls = 0;
    log.max_level = NP_LOG_INFO;
    assert_string_equal(render(set, "t", NULL, &log), "a\nb");
    assert_int_equal(c.calls, 0);
}

/* ---- theme override and loading ---- */

static void test_theme_override(void **state)
{
    np_tpl_set *set = np_tpl_set_create(pool);
    const np_tpl *first, *second;
    (void)state;
    first = compile(set, "layout", "default: {{$body}}{{/body}}");
    compile(set, "page", "{{<layout}}{{$body}}{{title}}{{/body}}{{/layout}}");
    assert_string_equal(render(set, "page", json("{\"title\": \"T\"}"), NULL), "default: T");
    second = compile(set, "layout", "theme: <b>{{$body}}{{/body}}</b>");
    assert_ptr_not_equal(first, second);
    assert_ptr_equal(np_tpl_get(set, "layout"), second);
    assert_string_equal(np_tpl_name(second), "layout");
    assert_string_equal(np_tpl_file(second), "layout.mustache");
    assert_string_equal(render(set, "page", json("{\"title\": \"T\"}"), NULL), "theme: <b>T</b>");
    /* a failed compile keeps what was there */
    assert_null(np_tpl_compile(set, "layout", "bad", "{{#x}}", 6, NULL));
    assert_ptr_equal(np_tpl_get(set, "layout"), second);
}

static char *write_file(const char *dir, const char *name, const char *text)
{
    char *path = apr_pstrcat(pool, dir, "/", name, NULL);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    return path;
}

static void test_load_dir(void **state)
{
    char tmpl[] = "/tmp/np_tpl_XXXXXX", *base = mkdtemp(tmpl), *def, *theme;
    np_tpl_set *set = np_tpl_set_create(pool);
    np_tpl_error err;
    char *files[8];
    int n = 0;
    (void)state;
    assert_non_null(base);
    def = apr_pstrcat(pool, base, "/default", NULL);
    theme = apr_pstrcat(pool, base, "/theme", NULL);
    assert_int_equal(mkdir(def, 0700), 0);
    assert_int_equal(mkdir(theme, 0700), 0);
    files[n++] = write_file(def, "layout.mustache", "[{{$main}}{{/main}}]");
    files[n++] = write_file(def, "article.mustache",
                            "{{<layout}}{{$main}}{{>by}}{{/main}}"
                            "{{/layout}}");
    files[n++] = write_file(def, "by.mustache", "by {{who}}");
    files[n++] = write_file(def, ".hidden.mustache", "{{#broken");
    files[n++] = write_file(def, "notes.txt", "{{#broken");
    files[n++] = write_file(theme, "by.mustache", "written by {{who}}");

    assert_int_equal(np_tpl_set_load_dir(set, def, ".mustache", &err), APR_SUCCESS);
    assert_null(np_tpl_get(set, ".hidden"));
    assert_null(np_tpl_get(set, "notes"));
    assert_string_equal(render(set, "article", json("{\"who\": \"A\"}"), NULL), "[by A]");
    assert_int_equal(np_tpl_set_load_dir(set, theme, ".mustache", &err), APR_SUCCESS);
    assert_string_equal(render(set, "article", json("{\"who\": \"A\"}"), NULL), "[written by A]");
    assert_string_equal(np_tpl_file(np_tpl_get(set, "by")),
                        apr_pstrcat(pool, theme, "/by.mustache", NULL));

    /* an error names the file and the place */
    files[n++] = write_file(theme, "zz.mustache", "ok\n{{#open}}\n");
    assert_int_equal(np_tpl_set_load_dir(set, theme, ".mustache", &err), APR_EGENERAL);
    assert_string_equal(err.text, apr_pstrcat(pool, theme,
                                              "/zz.mustache:3:1: section 'open' opened at 2:1 "
                                              "is never closed: expected '{{/open}}'",
                                              NULL));
    assert_int_equal(
        np_tpl_set_load_dir(set, apr_pstrcat(pool, base, "/none", NULL), ".mustache", &err),
        APR_ENOENT);
    assert_string_equal(err.text, apr_pstrcat(pool, base,
                                              "/none: cannot open template folder: "
                                              "No such file or directory",
                                              NULL));
    assert_null(
        np_tpl_compile_file(set, "x", NULL, apr_pstrcat(pool, base, "/x.mustache", NULL), &err));
    assert_string_equal(err.msg, "cannot read template: No such file or directory");
    assert_int_equal(err.line, 0);

    while (n--)
        unlink(files[n]);
    rmdir(def);
    rmdir(theme);
    rmdir(base);
}

/* ---- threads ---- */

typedef struct {
    const np_tpl_set *set;
    const np_tpl *tpl;
    const np_value *data;
    const char *want;
    apr_size_t want_len;
    int same; /* renders identical to want */
} worker;

#define RENDERS_PER_THREAD 200

static void *work(void *arg)
{
    worker *w = arg;
    np_buf out;
    int i;
    np_buf_init(&out, 0);
    for (i = 0; i < RENDERS_PER_THREAD; i++) {
        out.len = 0;
        if (np_tpl_render(w->set, w->tpl, w->data, &out, NULL, NULL) == APR_SUCCESS &&
            out.len == w->want_len && memcmp(out.data, w->want, out.len) == 0)
            w->same++;
    }
    np_buf_free(&out);
    return NULL;
}

static void test_concurrent_render(void **state)
{
    np_tpl_set *set = np_tpl_set_create(pool);
    pthread_t threads[4];
    worker w[4];
    np_value *data = np_value_map(pool),
             *list = np_map_set(pool, data, "rows", np_value_list(pool));
    const char *want;
    int i;
    (void)state;
    compile(set, "layout", "<table>\n  {{$rows}}{{/rows}}\n</table>\n");
    compile(set, "row", "<tr><td>{{n}}</td><td>{{label}}</td></tr>\n");
    compile(set, "table",
            "{{<layout}}{{$rows}}\n{{#rows}}\n{{>row}}\n{{/rows}}\n{{/rows}}"
            "{{/layout}}");
    for (i = 0; i < 100; i++) {
        np_value *row = np_list_push(pool, list, np_value_map(pool));
        np_map_set(pool, row, "n", np_value_str(pool, apr_itoa(pool, i)));
        np_map_str(pool, row, "label", i % 2 ? "odd & \"quoted\"" : "<even>");
    }
    want = render(set, "table", data, NULL);
    assert_true(strlen(want) > 3000);
    for (i = 0; i < 4; i++) {
        w[i].set = set;
        w[i].tpl = np_tpl_get(set, "table");
        w[i].data = data;
        w[i].want = want;
        w[i].want_len = strlen(want);
        w[i].same = 0;
        assert_int_equal(pthread_create(&threads[i], NULL, work, &w[i]), 0);
    }
    for (i = 0; i < 4; i++) {
        assert_int_equal(pthread_join(threads[i], NULL), 0);
        assert_int_equal(w[i].same, RENDERS_PER_THREAD);
    }
}

/* ---- JSON ---- */

static void test_json(void **state)
{
    char err[256];
    np_value *v;
    (void)state;
    v = json("{\"s\": \"a\\u0000b\", \"i\": 42, \"r\": 0.1, \"t\": true, \"n\": null, "
             "\"l\": [], \"m\": {}}");
    assert_int_equal(v->type, NP_MAP);
    assert_int_equal(np_map_get(v, "s")->u.str.len, 3);
    assert_memory_equal(np_map_get(v, "s")->u.str.s, "a\0b", 3);
    assert_string_equal(np_map_get(v, "i")->u.str.s, "42");
    assert_string_equal(np_map_get(v, "r")->u.str.s, "0.1");
    assert_int_equal(np_map_get(v, "t")->type, NP_BOOL);
    assert_int_equal(np_map_get(v, "n")->type, NP_NULL);
    assert_int_equal(np_map_get(v, "l")->type, NP_LIST);
    assert_int_equal(np_map_get(v, "m")->type, NP_MAP);
    assert_int_equal(json("\"top\"")->type, NP_STR);
    assert_null(np_json_parse(pool, "{\"a\": [1,}", 10, "data.json", err, sizeof(err)));
    assert_string_equal(err, "data.json:1:10: unexpected token near '}'");
    assert_null(np_json_read_file(pool, "/nonexistent/data.json", err, sizeof(err)));
    assert_string_equal(err, "/nonexistent/data.json: unable to open /nonexistent/data.json: No "
                             "such file or directory");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_compile_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_compile_error_fields, setup, teardown),
        cmocka_unit_test_setup_teardown(test_html_escaping, setup, teardown),
        cmocka_unit_test_setup_teardown(test_escaping_matches_np_buf_html, setup, teardown),
        cmocka_unit_test_setup_teardown(test_values, setup, teardown),
        cmocka_unit_test_setup_teardown(test_partials_and_inheritance, setup, teardown),
        cmocka_unit_test_setup_teardown(test_recursion_depth_limit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_nesting_limit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_missing_partial, setup, teardown),
        cmocka_unit_test_setup_teardown(test_theme_override, setup, teardown),
        cmocka_unit_test_setup_teardown(test_load_dir, setup, teardown),
        cmocka_unit_test_setup_teardown(test_concurrent_render, setup, teardown),
        cmocka_unit_test_setup_teardown(test_json, setup, teardown),
    };
    int rc;
    apr_initialize();
    rc = cmocka_run_group_tests(tests, NULL, NULL);
    apr_terminate();
    return rc;
}
