/* Unit tests of the labels maps built once per theme: the same words as np_labels_value gives per
 * request, for built-in and operator languages, and a home label that never leaks into the
 * shared map. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <apr_general.h>
#include <apr_file_io.h>
#include <apr_strings.h>

#include "np_labels.h"
#include "np_test.h"

static apr_pool_t *pool;

static const char *word(const np_value *map, const char *key)
{
    const np_value *v = np_map_get(map, key);
    return v && v->type == NP_STR ? v->u.str.s : NULL;
}

/* Every key of want has the same word in got, and the two have as many keys. */
static void same_map(const np_value *got, const np_value *want)
{
    int i;
    assert_int_equal(got->u.map.n, want->u.map.n);
    for (i = 0; i < want->u.map.n; i++) {
        const char *k = want->u.map.m[i].key;
        assert_non_null(word(got, k));
        assert_string_equal(word(got, k), word(want, k));
    }
}

static void test_maps(void **state)
{
    char dir[] = "/tmp/np-labels-XXXXXX";
    np_label_set *set;
    np_label_maps *maps;
    const char *langs[] = {"en", "zh", "zh-CN", "fr", "fr-CA", "de", NULL};
    const np_value *v, *shared;
    FILE *f;
    int i;

    assert_non_null(mkdtemp(dir));
    f = fopen(apr_pstrcat(pool, dir, "/labels-fr.txt", NULL), "w");
    assert_non_null(f);
    fputs("home = Accueil\nmy_key = Ma clé\n", f);
    fclose(f);
    set = np_labels_load(pool, dir, NULL);
    assert_non_null(set);
    maps = np_labels_maps(pool, set);

    for (i = 0; langs[i]; i++) {
        same_map(np_labels_lookup(pool, maps, set, langs[i], NULL),
                 np_labels_value(pool, set, langs[i], NULL));
        same_map(np_labels_lookup(pool, maps, set, langs[i], "Start"),
                 np_labels_value(pool, set, langs[i], "Start"));
    }
    assert_string_equal(word(np_labels_lookup(pool, maps, set, "fr-CA", NULL), "home"), "Accueil");
    assert_string_equal(word(np_labels_lookup(pool, maps, set, "zh-CN", NULL), "home"), "首页");
    assert_string_equal(word(np_labels_lookup(pool, maps, set, "de", NULL), "home"), "Home");

    /* Shared while no home label is configured; a configured one goes into a copy only. */
    shared = np_labels_lookup(pool, maps, set, "fr", NULL);
    assert_ptr_equal(shared, np_labels_lookup(pool, maps, set, "fr", NULL));
    v = np_labels_lookup(pool, maps, set, "fr", "Start");
    assert_ptr_not_equal(v, shared);
    assert_string_equal(word(v, "home"), "Start");
    assert_string_equal(word(shared, "home"), "Accueil");

    /* Without operator files: the built-in words. */
    maps = np_labels_maps(pool, NULL);
    same_map(np_labels_lookup(pool, maps, NULL, "zh", NULL),
             np_labels_value(pool, NULL, "zh", NULL));
    same_map(np_labels_lookup(pool, maps, NULL, "en", NULL),
             np_labels_value(pool, NULL, "en", NULL));

    unlink(apr_pstrcat(pool, dir, "/labels-fr.txt", NULL));
    rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_maps),
    };
    int rc;
    apr_initialize();
    apr_pool_create(&pool, NULL);
    rc = cmocka_run_group_tests(tests, NULL, NULL);
    apr_pool_destroy(pool);
    apr_terminate();
    return rc;
}
