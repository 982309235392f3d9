/* Search input. The first byte picks the mode:
 *   0: the rest is query text (np_search_parse): a 200 or a 400, and a 200's expression is only
 *      quoted strings, at most NP_SEARCH_MAX_TERMS of them, that FTS5 always accepts;
 *   1: the rest is a request's query string (np_search_args_parse), then its q parsed as above;
 *   2: the rest is sanitized-body HTML (np_search_text_of_html): text without control
 *      characters, indexed and searched with the project's tokenizer;
 *   3: the rest is article text, indexed with the tokenizer, then searched for each of its
 *      words with snippets (tokenizer offsets must stay inside the text).
 * The full text lives in an in-memory database with the index's own FTS5 table. */
#include "fuzz_common.h"

#include <sqlite3.h>

#include "np_search.h"
#include "np_search_view.h"
#include "np_tokenize.h"

#include <apr_strings.h>

static sqlite3 *db;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fuzz_init();
    FUZZ_CHECK(sqlite3_open(":memory:", &db) == SQLITE_OK);
    FUZZ_CHECK(np_tokenize_register(db) == SQLITE_OK);
    FUZZ_CHECK(sqlite3_exec(db,
                            "CREATE VIRTUAL TABLE fulltext USING fts5(title, subtitle, summary,"
                            " body, tags, authors, source, tokenize='" NP_TOKENIZER "');"
                            "INSERT INTO fulltext(rowid, title, body) VALUES"
                            "(1, 'Council meetings', 'The harbour committee met: 股市大跌。'),"
                            "(2, '今天股市', 'Café owners and the river market')",
                            NULL, NULL, NULL) == SQLITE_OK);
    return 0;
}

/* The expression is "..." strings (a quote inside doubled) separated by single spaces. */
static void check_expr(const char *e, int terms)
{
    int n = 0;
    while (*e) {
        FUZZ_CHECK(*e == '"');
        for (e++;; e++) {
            FUZZ_CHECK(*e);
            if (*e == '"' && e[1] == '"')
                e++;
            else if (*e == '"')
                break;
        }
        e++;
        n++;
        FUZZ_CHECK(*e == '\0' || (*e == ' ' && e[1] == '"'));
        if (*e)
            e++;
    }
    FUZZ_CHECK(n == terms && n >= 1 && n <= NP_SEARCH_MAX_TERMS);
}

/* Runs a MATCH with snippets: FTS5 must accept every expression the parser makes. */
static void match(const char *expr)
{
    sqlite3_stmt *s = NULL;
    int rc;
    FUZZ_CHECK(sqlite3_prepare_v2(db,
                                  "SELECT snippet(fulltext, 3, X'01', X'02', '…', 24),"
                                  " np_rank(fulltext, 1, 2, 8.0, 3.0, 2.0, 1.0, 4.0, 2.0, 1.0)"
                                  " FROM fulltext WHERE fulltext MATCH ?1",
                                  -1, &s, NULL) == SQLITE_OK);
    sqlite3_bind_text(s, 1, expr, -1, SQLITE_STATIC);
    while ((rc = sqlite3_step(s)) == SQLITE_ROW)
        ;
    FUZZ_CHECK(rc == SQLITE_DONE);
    sqlite3_finalize(s);
}

static void query(apr_pool_t *p, const char *text, size_t len)
{
    np_search_parsed q;
    np_search_parse(p, text, len, &q);
    FUZZ_CHECK(q.status == 200 || q.status == 400);
    if (q.status == 400) {
        FUZZ_CHECK(q.message && !q.expr);
        return;
    }
    FUZZ_CHECK(len <= NP_SEARCH_MAX_BYTES);
    if (q.expr) {
        check_expr(q.expr, q.terms);
        match(q.expr);
    }
}

/* Indexes text as row 3, searches for each word of it, and removes it again. */
static void index_text(apr_pool_t *p, const char *text)
{
    sqlite3_stmt *s = NULL;
    const char *w = text;
    int words = 0;
    FUZZ_CHECK(sqlite3_prepare_v2(db, "INSERT INTO fulltext(rowid, body) VALUES(3, ?1)", -1, &s,
                                  NULL) == SQLITE_OK);
    sqlite3_bind_text(s, 1, text, -1, SQLITE_STATIC);
    FUZZ_CHECK(sqlite3_step(s) == SQLITE_DONE);
    sqlite3_finalize(s);
    while (*w && words < 8) {
        size_t n = strcspn(w, " ");
        if (n)
            query(p, w, n);
        w += n + (w[n] ? 1 : 0);
        words++;
    }
    FUZZ_CHECK(sqlite3_exec(db, "DELETE FROM fulltext WHERE rowid = 3", NULL, NULL, NULL) ==
               SQLITE_OK);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    apr_pool_t *p;
    const char *rest = (const char *)data + 1;
    size_t n = size ? size - 1 : 0;
    if (!size || n > 8192)
        return 0;
    p = fuzz_pool();
    switch (data[0] % 4) {
    case 0:
        query(p, rest, n);
        break;
    case 1: {
        np_search_args a;
        np_search_args_parse(p, apr_pstrmemdup(p, rest, n), &a);
        FUZZ_CHECK(a.page >= 1 && a.q && a.qlen <= n);
        query(p, a.q, a.qlen);
        break;
    }
    case 2: {
        const char *t = np_search_text_of_html(p, rest, n);
        const char *c;
        for (c = t; *c; c++)
            FUZZ_CHECK((unsigned char)*c >= 0x20 && *c != 0x7f);
        index_text(p, t);
        break;
    }
    default:
        index_text(p, np_search_clean(p, apr_pstrmemdup(p, rest, n)));
        break;
    }
    apr_pool_destroy(p);
    return 0;
}
