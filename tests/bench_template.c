/* Micro-benchmark of template rendering: the article page of tests/bench/ (a layout parent with
 * blocks, an article extending it, three partials, a list of 20 related articles) rendered in a
 * loop into one reused buffer for about two seconds.
 * Usage: bench_template [FIXTURE_DIR [SECONDS]] (default tests/bench 2). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <apr_general.h>
#include <apr_strings.h>

#include "np_template.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static np_value *date(apr_pool_t *p, int day)
{
    np_value *d = np_value_map(p);
    np_map_str(p, d, "iso", apr_psprintf(p, "2026-11-%02d", day));
    np_map_str(p, d, "display", apr_psprintf(p, "%d November 2026", day));
    return d;
}

static np_value *titled(apr_pool_t *p, const char *title, const char *url)
{
    np_value *m = np_value_map(p);
    np_map_str(p, m, "title", title);
    np_map_str(p, m, "url", url);
    return m;
}

/* View data shaped like the module's article page. */
static np_value *page_data(apr_pool_t *p)
{
    static const char *const sections[] = {"News",  "Culture", "Science",
                                           "Sport", "Opinion", "Events"};
    static const char *const shares[][2] = {{"weibo", "Weibo"},
                                            {"x", "X"},
                                            {"facebook", "Facebook"},
                                            {"linkedin", "LinkedIn"},
                                            {"email", "Email"}};
    np_value *root = np_value_map(p), *site = np_value_map(p), *page = np_value_map(p);
    np_value *labels = np_value_map(p), *art = np_value_map(p), *list;
    char *body = "";
    int i;

    np_map_str(p, site, "name", "World Heritage News");
    np_map_str(p, site, "base_url", "https://news.example.org");
    np_map_str(p, site, "year", "2026");
    list = np_map_set(p, site, "sections", np_value_list(p));
    for (i = 0; i < 6; i++) {
        np_value *s =
            np_list_push(p, list, titled(p, sections[i], apr_psprintf(p, "/%s/", sections[i])));
        np_map_bool(p, s, "current", i == 0);
    }
    np_map_set(p, root, "site", site);

    np_map_str(p, page, "lang", "en");
    np_map_str(p, page, "kind", "article");
    np_map_str(p, page, "canonical_url",
               "https://news.example.org/news/ich/2026/sharing-of-information-and-good-practices");
    np_map_set(p, root, "page", page);

    np_map_str(p, labels, "skip", "Skip to content");
    np_map_str(p, labels, "sections", "Sections");
    np_map_str(p, labels, "source", "Source");
    np_map_str(p, labels, "tags", "Tags");
    np_map_str(p, labels, "share", "Share");
    np_map_str(p, labels, "related", "More in ICH News");
    np_map_set(p, root, "labels", labels);

    list = np_map_set(p, root, "breadcrumb", np_value_list(p));
    np_list_push(p, list, titled(p, "Home", "/"));
    np_list_push(p, list, titled(p, "News and Events", "/news/"));
    np_list_push(p, list, titled(p, "ICH News", "/news/ich/"));
    np_map_set(p, root, "breadcrumb_current",
               titled(p, "Sharing of Information and Good Practices", NULL));

    np_map_str(p, art, "title", "Sharing of Information and Good Practices \"Living Heritage\"");
    np_map_str(p, art, "summary",
               "Experts from 24 States met in Paris to share what works & what doesn't when "
               "communities safeguard their intangible cultural heritage.");
    np_map_str(p, art, "source", "UNESCO");
    np_map_str(p, art, "author", "Jane Doe <press office>");
    np_map_set(p, art, "date", date(p, 27));
    for (i = 0; i < 8; i++)
        body = apr_pstrcat(p, body,
                           "<p>Safeguarding intangible cultural heritage depends on the people who "
                           "practise it. Over three days, delegates compared inventories, "
                           "community consent procedures and the <em>transmission</em> of "
                           "skills between generations.</p>\n",
                           NULL);
    np_map_str(p, art, "body", body);
    list = np_map_set(p, art, "tags", np_value_list(p));
    for (i = 0; i < 4; i++) {
        static const char *const tags[] = {"heritage", "unesco", "communities", "paris"};
        np_value *t = np_list_push(p, list, np_value_map(p));
        np_map_str(p, t, "name", tags[i]);
        np_map_str(p, t, "url", apr_psprintf(p, "/tag/%s/", tags[i]));
    }
    list = np_map_set(p, art, "share", np_value_list(p));
    for (i = 0; i < 5; i++) {
        np_value *s = np_list_push(p, list, np_value_map(p));
        np_map_str(p, s, "id", shares[i][0]);
        np_map_str(p, s, "label", shares[i][1]);
        np_map_str(p, s, "url",
                   apr_psprintf(p,
                                "https://share.example/%s?u=https%%3A%%2F%%2Fnews.example.org"
                                "%%2Fnews%%2Fich%%2F2026&t=Sharing%%20of%%20Information",
                                shares[i][0]));
    }
    np_map_set(p, art, "prev", titled(p, "Living heritage in a changing climate", "/news/ich/a1"));
    np_map_set(p, art, "next", titled(p, "Craft skills & the next generation", "/news/ich/a3"));
    np_map_set(p, root, "article", art);

    list = np_map_set(p, root, "related", np_value_list(p));
    for (i = 0; i < 20; i++) {
        np_value *r = np_list_push(
            p, list,
            titled(p, apr_psprintf(p, "Related story number %d: what communities say", i + 1),
                   apr_psprintf(p, "/news/ich/2026/related-story-%d", i + 1)));
        np_map_set(p, r, "date", date(p, 26 - i));
        np_map_str(p, r, "summary", "A short summary of the story, as shown in listings.");
    }
    np_map_str(p, root, "jsonld",
               "{\"@context\":\"https://schema.org\",\"@type\":\"NewsArticle\",\"headline\":"
               "\"Sharing of Information and Good Practices\",\"datePublished\":\"2026-11-27\"}");
    return root;
}

int main(int argc, const char *const *argv)
{
    const char *dir = argc > 1 ? argv[1] : "tests/bench";
    double seconds = argc > 2 ? atof(argv[2]) : 2.0, start, elapsed;
    apr_pool_t *pool;
    np_tpl_set *set;
    const np_tpl *tpl;
    np_tpl_error err;
    np_value *data;
    np_buf out;
    long n = 0, i;

    apr_initialize();
    apr_pool_create(&pool, NULL);
    set = np_tpl_set_create(pool);
    if (np_tpl_set_load_dir(set, dir, ".mustache", &err) != APR_SUCCESS ||
        !(tpl = np_tpl_get(set, "article"))) {
        fprintf(stderr, "bench_template: %s\n", err.text[0] ? err.text : "no article.mustache");
        return 1;
    }
    data = page_data(pool);
    np_buf_init(&out, 64 * 1024);

    start = now();
    do {
        for (i = 0; i < 1000; i++) {
            out.len = 0; /* the buffer is reused: no allocation once it is big enough */
            if (np_tpl_render(set, tpl, data, &out, NULL, &err) != APR_SUCCESS) {
                fprintf(stderr, "bench_template: %s\n", err.text);
                return 1;
            }
        }
        n += i;
        elapsed = now() - start;
    } while (elapsed < seconds);

    printf("template render (article page, %lu bytes): %.0f renders/s, %.0f ns/render\n",
           (unsigned long)out.len, (double)n / elapsed, elapsed * 1e9 / (double)n);
    if (getenv("BENCH_SHOW"))
        fwrite(out.data, 1, out.len, stdout);
    np_buf_free(&out);
    apr_pool_destroy(pool);
    apr_terminate();
    return 0;
}
