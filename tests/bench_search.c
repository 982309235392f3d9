/* Search latency over an index built by `newsportal index` from a `newsportal gen` tree
 * (bench/scale.sh runs it): p50 and p99 of the first page of results for a common word, a rare
 * word, two words, a phrase and two-character and one-character Chinese words, through a
 * read-only handle with a read transaction per search, as a request makes it; the window of
 * ranked matches at several sizes; and the share of the index file the full text takes.
 * bench_search CONTENT_DIR DB [ROUNDS] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>
#include <apr_general.h>
#include <apr_strings.h>

#include "np_index.h"
#include "np_search.h"
#include "np_xml.h"

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* Runs the query rounds times; prints p50 and p99 in milliseconds. */
static void bench(np_index *idx, int rounds, const char *label, const char *text,
                  const char *section, int sort, int window)
{
    apr_pool_t *p;
    double *ms = malloc(sizeof(double) * (size_t)rounds);
    np_search_query q;
    np_search_result r;
    int i;
    apr_pool_create(&p, NULL);
    memset(&q, 0, sizeof(q));
    memset(&r, 0, sizeof(r));
    q.text = text;
    q.len = strlen(text);
    q.section = section;
    q.sort = sort;
    q.window = window;
    q.now = apr_time_now();
    for (i = 0; i < 3; i++) { /* warm: the pages it reads in the system's cache */
        np_index_read_begin(idx);
        np_search_run(idx, p, &q, &r);
        np_index_read_end(idx);
        apr_pool_clear(p);
    }
    for (i = 0; i < rounds; i++) {
        apr_time_t t0 = apr_time_now();
        np_index_read_begin(idx);
        np_search_run(idx, p, &q, &r);
        np_index_read_end(idx);
        ms[i] = (double)(apr_time_now() - t0) / 1000.0;
        if (i + 1 < rounds)
            apr_pool_clear(p);
    }
    qsort(ms, (size_t)rounds, sizeof(double), cmp_d);
    printf("search %-44s p50 %7.2f ms  p99 %7.2f ms  (%s%" APR_INT64_T_FMT " matches%s%s)\n", label,
           ms[rounds / 2], ms[(rounds * 99) / 100 < rounds ? (rounds * 99) / 100 : rounds - 1],
           r.more ? "more than " : "", r.total, r.interrupted ? ", step limit reached" : "",
           r.status != 200 ? ", error" : "");
    fflush(stdout);
    free(ms);
    apr_pool_destroy(p);
}

int main(int argc, char **argv)
{
    apr_pool_t *pool;
    np_index_opts o;
    np_index *idx;
    np_index_info info;
    const char *err = NULL;
    int rounds = argc > 3 ? atoi(argv[3]) : 200;
    char rare[32];

    if (argc < 3 || rounds < 1) {
        fprintf(stderr, "usage: bench_search CONTENT_DIR DB [ROUNDS]\n");
        return 2;
    }
    apr_initialize();
    np_xml_init();
    apr_pool_create(&pool, NULL);
    memset(&o, 0, sizeof(o));
    o.dir = argv[1];
    o.max_article_size = 4 * 1024 * 1024; /* as `newsportal index` and the module */
    if (!(idx = np_index_open(pool, argv[2], &o, 1, &err))) {
        fprintf(stderr, "bench_search: %s\n", err);
        return 1;
    }
    np_index_info_get(idx, &info);
    /* a title's number: one article in the tree (newsportal gen) */
    snprintf(rare, sizeof(rare), "%" APR_INT64_T_FMT, info.articles / 3);
    {
        sqlite3_stmt *s = NULL;
        sqlite3_int64 fts = 0, all = 0;
        if (sqlite3_prepare_v2(np_index_db(idx),
                               "SELECT sum(pgsize), sum(CASE WHEN name LIKE 'fulltext%' THEN"
                               " pgsize ELSE 0 END) FROM dbstat",
                               -1, &s, NULL) == SQLITE_OK &&
            sqlite3_step(s) == SQLITE_ROW) {
            all = sqlite3_column_int64(s, 0);
            fts = sqlite3_column_int64(s, 1);
        }
        sqlite3_finalize(s);
        if (all && info.articles)
            printf("index per article: %lld bytes with the full text, %lld without (full text: "
                   "%lld bytes per article)\n",
                   (long long)(all / info.articles), (long long)((all - fts) / info.articles),
                   (long long)(fts / info.articles));
    }
    printf("(%d searches each, first page of 10, %" APR_INT64_T_FMT " articles)\n", rounds,
           info.articles);
    bench(idx, rounds, "common word 'heritage'", "heritage", NULL, 0, 0);
    bench(idx, rounds, "common word, newest first", "heritage", NULL, NP_SEARCH_DATE, 0);
    bench(idx, rounds, apr_psprintf(pool, "rare word '%s'", rare), rare, NULL, 0, 0);
    bench(idx, rounds, "two words 'river market'", "river market", NULL, 0, 0);
    bench(idx, rounds, "phrase '\"river market\"'", "\"river market\"", NULL, 0, 0);
    bench(idx, rounds, "phrase, window 1000", "\"river market\"", NULL, 0, 1000);
    bench(idx, rounds, "two-character Chinese word '文化'", "文化", NULL, 0, 0);
    bench(idx, rounds, "one Chinese character '文'", "文", NULL, 0, 0);
    bench(idx, rounds, "common word in section s1", "heritage", "s1", 0, 0);
    {
        /* a section of about a thousandth of the articles: most matches are elsewhere */
        apr_array_header_t *kids = np_index_section_children(idx, pool, "s1");
        if (kids->nelts) {
            const np_index_section *k = &APR_ARRAY_IDX(kids, 0, np_index_section);
            bench(idx, rounds,
                  apr_psprintf(pool, "common word in %s (%" APR_INT64_T_FMT " articles)", k->path,
                               k->articles),
                  "heritage", k->path, 0, 0);
        }
    }
    bench(idx, rounds, "common word, window 250", "heritage", NULL, 0, 250);
    bench(idx, rounds, "common word, window 1000", "heritage", NULL, 0, 1000);
    bench(idx, rounds, "common word, window 2000", "heritage", NULL, 0, 2000);
    bench(idx, rounds, "common word, window 5000", "heritage", NULL, 0, 5000);
    np_index_close(idx);
    apr_pool_destroy(pool);
    apr_terminate();
    return 0;
}
