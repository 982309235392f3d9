/* Regression tests for what fuzzing and the sanitizer runs found (inputs in tests/fuzz/regress/,
 * replayed by make fuzz-regress). One test per finding, named after it. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include <apr_general.h>

#include "np_date.h"
#include "np_route.h"

static apr_pool_t *pool;

/* A slug ending in '.' before the ".html" suffix made "x..html": a link that no path can be. */
static void test_url_dot_before_literal(void **state)
{
    np_routes *r = np_routes_default(pool);
    np_route_params v = {"news", "x.", NULL, 0, 0, 0, 0};
    np_route_match m;
    const char *url;
    (void)state;

    assert_null(np_routes_url(r, NP_ROUTE_ARTICLE, &v, pool));
    v.slug = "x.y";
    assert_string_equal(np_routes_url(r, NP_ROUTE_ARTICLE, &v, pool), "/news/x.y.html");

    /* a later route of the kind that can write the value is used instead */
    assert_null(np_routes_add(r, "/{section*}/{slug}", "article", NULL));
    v.slug = "x.";
    url = np_routes_url(r, NP_ROUTE_ARTICLE, &v, pool);
    assert_string_equal(url, "/news/x.");
    assert_true(np_routes_match(r, url, &m, pool));
    assert_string_equal(m.v.slug, "x.");
}

/* np_date_split overflowed (undefined behaviour) for instants within a second of the minimum. */
static void test_split_extreme_instants(void **state)
{
    static const apr_time_t t[] = {APR_INT64_MIN, APR_INT64_MIN + 1, APR_INT64_MAX, -1, 0};
    static const int usec[] = {224192, 224193, 775807, 999999, 0};
    size_t i;
    (void)state;
    for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
        np_date_fields f;
        np_date_split(t[i], NULL, &f);
        assert_int_equal(f.usec, usec[i]);
    }
}

static int setup(void **state)
{
    (void)state;
    apr_initialize();
    return apr_pool_create(&pool, NULL) == APR_SUCCESS ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    apr_pool_destroy(pool);
    apr_terminate();
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_url_dot_before_literal),
        cmocka_unit_test(test_split_extreme_instants),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
