/* The configuration's one list of fields: every field merges, defaults and keys as it says, and
 * changing any field that shapes pages changes the page key (the page cache's and the shared
 * tier's), while the others do not. The content index is opened with the location's own
 * options. */
#include "np_test.h"

#include "np_route.h"

static apr_pool_t *p;

static void base_conf(np_site_conf *c)
{
    np_site_conf_init(c);
    c->content_dir = "/srv/news";
    np_site_conf_defaults(p, c);
}

/* A value of each type unlike the default's. */
static void other_STR(const char **v)
{
    *v = *v ? apr_pstrcat(p, *v, "x", NULL) : "set";
}
static void other_INT(int *v)
{
    *v += 1;
}
static void other_SIZE(apr_size_t *v)
{
    *v += 1024;
}
static void other_TZ(const np_tz **v)
{
    const char *err;
    *v = np_tz_load(p, "+08:00", &err);
    assert_non_null(*v);
}
static void other_SHARE(apr_array_header_t **v)
{
    apr_array_header_t *a = apr_array_make(p, 2, sizeof(const char *));
    APR_ARRAY_PUSH(a, const char *) = "email";
    *v = a;
}
/* The default table with one route's template name changed, and nothing else. */
static void other_ROUTES(np_routes **v)
{
    np_routes *r = np_routes_create(p);
    (void)v;
    assert_null(np_routes_add(r, "/", "home", "front"));
    *v = r;
}

static void test_each_field(void **state)
{
    np_site_conf base;
    int changed_page = 0, fields = 0;
    (void)state;
    p = *state;
    base_conf(&base);
#define CHECK(type, name, def, keys)                                                               \
    {                                                                                              \
        np_site_conf c = base;                                                                     \
        const char *page0 = np_site_conf_key(p, &base, NP_KEY_PAGE);                               \
        const char *site0 = np_site_key(p, &base);                                                 \
        other_##type(&c.name);                                                                     \
        fields++;                                                                                  \
        if ((keys)&NP_KEY_PAGE) {                                                                  \
            changed_page++;                                                                        \
            if (strcmp(page0, np_site_conf_key(p, &c, NP_KEY_PAGE)) == 0)                          \
                fail_msg("changing %s leaves the page key as it was", #name);                      \
        } else if (strcmp(page0, np_site_conf_key(p, &c, NP_KEY_PAGE)) != 0) {                     \
            fail_msg("%s is not page-shaping but changes the page key", #name);                    \
        }                                                                                          \
        if ((((keys)&NP_KEY_SITE) != 0) != (strcmp(site0, np_site_key(p, &c)) != 0))               \
            fail_msg("%s: the site key does not follow the table", #name);                         \
    }
    NP_SITE_CONF_FIELDS(CHECK)
#undef CHECK
    assert_true(fields >= 17);
    assert_true(changed_page >= 13);
}

/* Two tables that differ only in a route's template shaped the same cache key once. */
static void test_route_templates_in_key(void **state)
{
    np_site_conf a, b;
    p = *state;
    base_conf(&a);
    b = a;
    a.routes = np_routes_create(p);
    b.routes = np_routes_create(p);
    assert_null(np_routes_add(a.routes, "/{section*}/{slug}.html", "article", NULL));
    assert_null(np_routes_add(b.routes, "/{section*}/{slug}.html", "article", "feature"));
    assert_string_not_equal(np_site_conf_key(p, &a, NP_KEY_PAGE),
                            np_site_conf_key(p, &b, NP_KEY_PAGE));
}

/* Values cannot pass for one another across field boundaries. */
static void test_unambiguous(void **state)
{
    np_site_conf a, b;
    p = *state;
    base_conf(&a);
    b = a;
    a.site_name = "A\nhome_label=B";
    a.home_label = NULL;
    b.site_name = "A";
    b.home_label = "B";
    assert_string_not_equal(np_site_conf_key(p, &a, NP_KEY_PAGE),
                            np_site_conf_key(p, &b, NP_KEY_PAGE));
}

static void test_merge(void **state)
{
    np_site_conf base, add, out;
    p = *state;
    np_site_conf_init(&base);
    np_site_conf_init(&add);
    base.content_dir = "/a";
    base.page_size = 5;
    base.cache = 0;
    add.site_name = "Nested";
    add.page_size = 7;
    np_site_conf_merge(&out, &base, &add);
    assert_string_equal(out.content_dir, "/a");
    assert_string_equal(out.site_name, "Nested");
    assert_int_equal(out.page_size, 7);
    assert_int_equal(out.cache, 0); /* 0 is a value, not "unset" */
    assert_int_equal(out.feed_full, -1);
    np_site_conf_defaults(p, &out);
    assert_int_equal(out.feed_full, 1);
    assert_int_equal(out.cache, 0);
    assert_non_null(out.routes);
    assert_non_null(out.tz);
}

/* The content index is written and read with what the location says: its folder, language,
 * time zone, size limit and StaleOnError (the index's shape); nothing else is set. */
static void test_index_opts(void **state)
{
    static const np_logger log = {NULL, NULL, NP_LOG_ERR};
    np_site_conf c;
    np_index_opts o;
    p = *state;
    base_conf(&c);
    np_site_index_opts(&c, NULL, &o);
    assert_string_equal(o.dir, "/srv/news");
    assert_string_equal(o.lang, "en");
    assert_ptr_equal(o.tz, c.tz);
    assert_int_equal(o.max_article_size, 4 * 1024 * 1024);
    assert_int_equal(o.stale_on_error, 1);
    assert_null(o.log);

    c.language = "fr";
    other_TZ(&c.tz);
    c.max_article_size = 65536;
    c.stale_on_error = 0;
    np_site_index_opts(&c, &log, &o);
    assert_string_equal(o.lang, "fr");
    assert_string_equal(np_tz_name(o.tz), "+08:00");
    assert_int_equal(o.max_article_size, 65536);
    assert_int_equal(o.stale_on_error, 0);
    assert_ptr_equal(o.log, &log);
    assert_int_equal(o.threads, 0);
    assert_int_equal(o.batch, 0);
    assert_null(o.progress);
    assert_null(o.baton);
    assert_null(o.cancel);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        np_pool_test(test_each_field),  np_pool_test(test_route_templates_in_key),
        np_pool_test(test_unambiguous), np_pool_test(test_merge),
        np_pool_test(test_index_opts),
    };
    return np_test_run_pooled(tests);
}
