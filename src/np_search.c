/* Full-text search: what the indexer writes into the FTS5 table, the query parser, and the
 * search itself. docs/search.md describes the behaviour and the measurements behind it. */
#include "np_search.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <sqlite3.h>
#include <apr_lib.h>
#include <apr_strings.h>

#include "np_buf.h"
#include "np_tokenize.h"

apr_int64_t np_search_key(apr_time_t published, apr_int64_t id)
{
    apr_int64_t sec = published > 0 ? (apr_int64_t)apr_time_sec(published) : 0;
    if (sec > (apr_int64_t)0xFFFFFFFF)
        sec = 0xFFFFFFFF;
    return (sec << NP_SEARCH_ID_BITS) | (id & NP_SEARCH_ID_MASK);
}

/* ---------------------------------------------------------------- document text ---- */

static int is_ctl(unsigned char c)
{
    return c < 0x20 || c == 0x7f;
}

const char *np_search_clean(apr_pool_t *p, const char *s)
{
    const char *q;
    char *out, *o;
    if (!s)
        return NULL;
    for (q = s; *q && !is_ctl((unsigned char)*q); q++)
        ;
    if (!*q)
        return s;
    out = apr_pstrdup(p, s);
    for (o = out + (q - s); *o; o++)
        if (is_ctl((unsigned char)*o))
            *o = ' ';
    return out;
}

/* Elements of the sanitizer's output that sit inside a word ("<em>un</em>likely"): removed
 * without a space. Every other tag separates words. */
static int inline_tag(const char *name, apr_size_t n)
{
    static const char *const names[] = {"a",   "abbr", "b",    "cite",  "code", "em",
                                        "i",   "q",    "s",    "small", "span", "strong",
                                        "sub", "sup",  "time", "u",     "mark", "img"};
    apr_size_t i;
    for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (strlen(names[i]) == n && strncasecmp(names[i], name, n) == 0)
            return 1;
    return 0;
}

/* A character reference the sanitizer writes (np_buf_html) or a numeric one; the bytes it
 * stands for go to b. Returns the length of the reference, 0 when it is none. */
static apr_size_t entity(np_buf *b, const char *s, apr_size_t n)
{
    static const struct {
        const char *name;
        char c;
    } named[] = {{"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&apos;", '\''}};
    apr_size_t i, k;
    for (i = 0; i < sizeof(named) / sizeof(named[0]); i++) {
        k = strlen(named[i].name);
        if (n >= k && memcmp(s, named[i].name, k) == 0) {
            np_buf_putc(b, named[i].c);
            return k;
        }
    }
    if (n >= 4 && s[1] == '#') {
        unsigned long v = 0;
        int hex = s[2] == 'x' || s[2] == 'X';
        char u[4];
        int len;
        for (k = hex ? 3 : 2; k < n && k < 12 && apr_isxdigit(s[k]) && (hex || apr_isdigit(s[k]));
             k++)
            v = v * (hex ? 16 : 10) +
                (unsigned long)(apr_isdigit(s[k]) ? s[k] - '0' : (s[k] | 0x20) - 'a' + 10);
        if (k >= n || s[k] != ';' || k == (hex ? 3u : 2u))
            return 0;
        if (v < 0x20 || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
            v = ' ';
        if (v < 0x80)
            u[0] = (char)v, len = 1;
        else if (v < 0x800)
            u[0] = (char)(0xC0 | (v >> 6)), u[1] = (char)(0x80 | (v & 0x3F)), len = 2;
        else if (v < 0x10000)
            u[0] = (char)(0xE0 | (v >> 12)), u[1] = (char)(0x80 | ((v >> 6) & 0x3F)),
            u[2] = (char)(0x80 | (v & 0x3F)), len = 3;
        else
            u[0] = (char)(0xF0 | (v >> 18)), u[1] = (char)(0x80 | ((v >> 12) & 0x3F)),
            u[2] = (char)(0x80 | ((v >> 6) & 0x3F)), u[3] = (char)(0x80 | (v & 0x3F)), len = 4;
        np_buf_append(b, u, (apr_size_t)len);
        return k + 1;
    }
    return 0;
}

const char *np_search_text_of_html(apr_pool_t *p, const char *html, apr_size_t len)
{
    np_buf b;
    apr_size_t i = 0, run = 0;
    np_buf_init_pool(&b, p, len + 1);
    while (i < len) {
        unsigned char c = (unsigned char)html[i];
        if (c == '<') {
            const char *gt = memchr(html + i, '>', len - i);
            apr_size_t s = i + 1, e;
            np_buf_append(&b, html + run, i - run);
            if (!gt)
                break;
            if (s < len && html[s] == '/')
                s++;
            for (e = s; e < len && apr_isalnum(html[e]); e++)
                ;
            if (!inline_tag(html + s, e - s))
                np_buf_putc(&b, ' ');
            i = run = (apr_size_t)(gt - html) + 1;
        } else if (c == '&') {
            apr_size_t k;
            np_buf_append(&b, html + run, i - run);
            if ((k = entity(&b, html + i, len - i)) == 0) {
                np_buf_putc(&b, '&');
                k = 1;
            }
            i = run = i + k;
        } else if (is_ctl(c)) {
            np_buf_append(&b, html + run, i - run);
            np_buf_putc(&b, ' ');
            i = run = i + 1;
        } else {
            i++;
        }
    }
    if (run < i)
        np_buf_append(&b, html + run, i - run);
    return np_buf_cstr(&b);
}

/* ---------------------------------------------------------------- the query text ---- */

static int is_space(unsigned c)
{
    return c <= 0x20 || c == 0x7f || (c >= 0x80 && c <= 0x9f) || c == 0xA0 || c == 0x1680 ||
           (c >= 0x2000 && c <= 0x200B) || c == 0x2028 || c == 0x2029 || c == 0x202F ||
           c == 0x205F || c == 0x3000 || c == 0xFEFF;
}

static int is_quote(unsigned c)
{
    return c == '"' || c == 0x201C || c == 0x201D || c == 0x201E || c == 0xFF02 || c == 0x300C ||
           c == 0x300D;
}

/* Could a tokenizer find a word in this character? (Punctuation and symbols alone make no
 * term.) */
static int is_wordish(unsigned c)
{
    if (c < 0x80)
        return apr_isalnum(c);
    if (c >= 0x10000)
        return 1; /* CJK extensions and other scripts */
    if (c <= 0xBF || c == 0xD7 || c == 0xF7)
        return 0;
    if ((c >= 0x2000 && c <= 0x2BFF) || (c >= 0x3000 && c <= 0x3004) ||
        (c >= 0x3008 && c <= 0x3020) || c == 0x3030 || (c >= 0x303D && c <= 0x303F) ||
        c == 0x30FB || (c >= 0xFE30 && c <= 0xFE4F) || (c >= 0xFF00 && c <= 0xFF0F) ||
        (c >= 0xFF1A && c <= 0xFF20) || (c >= 0xFF3B && c <= 0xFF40) ||
        (c >= 0xFF5B && c <= 0xFF65) || c >= 0xFFF0)
        return 0;
    return 1;
}

/* Strictly valid UTF-8 without NUL: 0, or a message. */
static const char *check_text(const char *s, apr_size_t n)
{
    apr_size_t i = 0;
    int len;
    if (memchr(s, '\0', n))
        return "The search text contains a NUL character.";
    while (i < n) {
        unsigned c =
            np_tokenize_utf8((const unsigned char *)s + i, (int)(n - i > 8 ? 8 : n - i), &len);
        if (c == 0xFFFD && !(len == 3 && (unsigned char)s[i] == 0xEF))
            return "The search text is not valid UTF-8.";
        i += (apr_size_t)len;
    }
    return NULL;
}

typedef struct {
    np_buf *expr;
    np_buf term; /* the current word or phrase */
    int words;   /* in the current term */
    int wordish; /* the term has a character a word can be made of */
    int terms, dropped;
} parse_st;

static void term_start(parse_st *st, apr_pool_t *p)
{
    np_buf_init_pool(&st->term, p, 64);
    st->words = 0;
    st->wordish = 0;
}

/* Ends the current term: appended as one quoted FTS5 string. */
static void term_end(parse_st *st)
{
    const char *s = st->term.data;
    apr_size_t i;
    if (!st->term.len || !st->wordish)
        return;
    if (st->terms >= NP_SEARCH_MAX_TERMS) {
        st->dropped++;
        return;
    }
    if (st->expr->len)
        np_buf_putc(st->expr, ' ');
    np_buf_putc(st->expr, '"');
    for (i = 0; i < st->term.len; i++) {
        if (s[i] == '"')
            np_buf_putc(st->expr, '"');
        np_buf_putc(st->expr, s[i]);
    }
    np_buf_putc(st->expr, '"');
    st->terms++;
}

void np_search_parse(apr_pool_t *p, const char *text, apr_size_t len, np_search_parsed *out)
{
    np_buf expr;
    parse_st st;
    apr_size_t i = 0;
    int in_phrase = 0, len1, in_word = 0;
    const char *bad;

    memset(out, 0, sizeof(*out));
    out->status = 200;
    if (len > NP_SEARCH_MAX_BYTES) {
        out->status = 400;
        out->message =
            apr_psprintf(p, "The search text is too long (at most %d bytes).", NP_SEARCH_MAX_BYTES);
        return;
    }
    if ((bad = check_text(text, len))) {
        out->status = 400;
        out->message = bad;
        return;
    }
    np_buf_init_pool(&expr, p, len * 2 + 16);
    memset(&st, 0, sizeof(st));
    st.expr = &expr;
    term_start(&st, p);
    while (i < len) {
        unsigned c = np_tokenize_utf8((const unsigned char *)text + i,
                                      (int)(len - i > 8 ? 8 : len - i), &len1);
        if (is_quote(c)) {
            term_end(&st);
            term_start(&st, p);
            in_phrase = !in_phrase;
            in_word = 0;
        } else if (is_space(c)) {
            if (!in_phrase) {
                term_end(&st);
                term_start(&st, p);
            }
            in_word = 0;
        } else {
            if (!in_word) {
                if (in_phrase && st.words >= NP_SEARCH_MAX_PHRASE) {
                    /* the rest of this phrase is ignored */
                    i += (apr_size_t)len1;
                    continue;
                }
                if (st.term.len)
                    np_buf_putc(&st.term, ' ');
                st.words++;
                in_word = 1;
            }
            np_buf_append(&st.term, text + i, (apr_size_t)len1);
            st.wordish |= is_wordish(c);
        }
        i += (apr_size_t)len1;
    }
    term_end(&st);
    out->terms = st.terms;
    out->dropped = st.dropped;
    out->expr = expr.len ? np_buf_cstr(&expr) : NULL;
}

/* ---------------------------------------------------------------- ranking ---- */

typedef struct {
    int nphrase;
    double avgdl;
    double *idf;
} rank_data;

typedef struct {
    sqlite3_int64 n, last;
} df_count;

static int df_cb(const Fts5ExtensionApi *api, Fts5Context *fts, void *arg)
{
    df_count *c = arg;
    c->last = api->xRowid(fts);
    return ++c->n >= NP_SEARCH_DF_CAP ? SQLITE_DONE : SQLITE_OK;
}

/* IDFs and the average row length, once per query. */
static rank_data *rank_setup(const Fts5ExtensionApi *api, Fts5Context *fts, sqlite3_int64 lo,
                             sqlite3_int64 hi)
{
    rank_data *d = api->xGetAuxdata(fts, 0);
    sqlite3_int64 nrow = 0, ntok = 0;
    int i;
    if (d)
        return d;
    d = sqlite3_malloc64(sizeof(*d) + sizeof(double) * (sqlite3_uint64)api->xPhraseCount(fts));
    if (!d)
        return NULL;
    d->nphrase = api->xPhraseCount(fts);
    d->idf = (double *)(d + 1);
    if (api->xRowCount(fts, &nrow) != SQLITE_OK ||
        api->xColumnTotalSize(fts, -1, &ntok) != SQLITE_OK)
        nrow = ntok = 0;
    d->avgdl = nrow > 0 ? (double)ntok / (double)nrow : 1.0;
    for (i = 0; i < d->nphrase; i++) {
        df_count c = {0, 0};
        double df, idf;
        if (d->nphrase == 1) {
            /* one word or phrase: its rarity scales every score alike, and orders nothing */
            d->idf[i] = 1.0;
            break;
        }
        if (api->xQueryPhrase(fts, i, &c, df_cb) != SQLITE_OK)
            c.n = 0;
        df = (double)c.n;
        /* capped: the rows seen cover rowids lo..last of lo..hi, and rowids run with time */
        if (c.n >= NP_SEARCH_DF_CAP && c.last > lo && hi > lo)
            df = df * ((double)(hi - lo) / (double)(c.last - lo));
        if (df > (double)nrow)
            df = (double)nrow;
        idf = log(((double)nrow - df + 0.5) / (df + 0.5));
        d->idf[i] = idf > 1e-6 ? idf : 1e-6;
    }
    if (api->xSetAuxdata(fts, d, sqlite3_free) != SQLITE_OK)
        return NULL; /* freed by FTS5 */
    return d;
}

/* np_rank(fulltext, lo, hi, weight...): bm25 (k1 1.2, b 0.75) as FTS5 computes it, negated so
 * that lower is better, with the document frequencies of rank_setup. */
static void np_rank(const Fts5ExtensionApi *api, Fts5Context *fts, sqlite3_context *ctx, int nval,
                    sqlite3_value **val)
{
    const double k1 = 1.2, b = 0.75;
    rank_data *d;
    double freq[NP_SEARCH_MAX_TERMS * NP_SEARCH_MAX_PHRASE + 1], score = 0, dl = 0;
    int ninst = 0, i, len = 0, ncol = api->xColumnCount(fts);
    if (nval < 2 ||
        !(d = rank_setup(api, fts, sqlite3_value_int64(val[0]), sqlite3_value_int64(val[1])))) {
        sqlite3_result_error(ctx, "np_rank: bad call", -1);
        return;
    }
    if (d->nphrase > (int)(sizeof(freq) / sizeof(freq[0]))) {
        sqlite3_result_double(ctx, 0);
        return;
    }
    memset(freq, 0, sizeof(double) * (size_t)d->nphrase);
    if (api->xInstCount(fts, &ninst) != SQLITE_OK)
        ninst = 0;
    for (i = 0; i < ninst; i++) {
        int ph, col, off;
        if (api->xInst(fts, i, &ph, &col, &off) == SQLITE_OK && ph >= 0 && ph < d->nphrase) {
            double w =
                col >= 0 && col < ncol && col + 2 < nval ? sqlite3_value_double(val[col + 2]) : 1.0;
            freq[ph] += w;
        }
    }
    if (api->xColumnSize(fts, -1, &len) == SQLITE_OK)
        dl = (double)len;
    for (i = 0; i < d->nphrase; i++)
        score +=
            d->idf[i] * (freq[i] * (k1 + 1.0)) / (freq[i] + k1 * (1.0 - b + b * dl / d->avgdl));
    sqlite3_result_double(ctx, -score);
}

int np_search_register_rank(struct fts5_api *api)
{
    return api->xCreateFunction(api, "np_rank", NULL, np_rank, NULL);
}

/* ---------------------------------------------------------------- the search ---- */

typedef struct {
    long calls, max;
} steps_ctx;

/* Called every STEP_TICK virtual machine steps: nonzero stops the statement. */
#define STEP_TICK 100
static int on_progress(void *arg)
{
    steps_ctx *sc = arg;
    return ++sc->calls > sc->max;
}

typedef struct {
    apr_int64_t key;
    double score;
} match;

static int by_score(const void *a, const void *b)
{
    const match *x = a, *y = b;
    if (x->score != y->score)
        return x->score < y->score ? -1 : 1;               /* bm25: lower is better */
    return x->key > y->key ? -1 : x->key < y->key ? 1 : 0; /* then the newer */
}

/* Column weights: title, subtitle, summary, body, tags, authors, source. ?7 and ?8: the lowest
 * and highest rowid (np_rank). */
#define BM25 "np_rank(fulltext, ?7, ?8, 8.0, 3.0, 2.0, 1.0, 4.0, 2.0, 1.0)"

/* Escaped text with the snippet markers (bytes 1 and 2, which the indexed text cannot hold:
 * np_search_clean) made <mark> and </mark>, always balanced. */
static const char *marked_html(apr_pool_t *p, const char *s)
{
    np_buf b;
    const char *run = s;
    int open = 0;
    if (!s)
        return NULL;
    np_buf_init_pool(&b, p, strlen(s) + 32);
    for (; *s; s++) {
        if (*s != '\x01' && *s != '\x02')
            continue;
        np_buf_html(&b, run, (apr_size_t)(s - run));
        if (*s == '\x01' && !open)
            np_buf_puts(&b, "<mark>"), open = 1;
        else if (*s == '\x02' && open)
            np_buf_puts(&b, "</mark>"), open = 0;
        run = s + 1;
    }
    np_buf_html(&b, run, strlen(run));
    if (open)
        np_buf_puts(&b, "</mark>");
    return np_buf_cstr(&b);
}

static const char *col_text(apr_pool_t *p, sqlite3_stmt *s, int i)
{
    const unsigned char *t = sqlite3_column_text(s, i);
    return t ? apr_pstrdup(p, (const char *)t) : NULL;
}

/* The snippet of a hit: from the body where a word matched there, else the summary, else the
 * body's start. */
static void snippet(sqlite3 *db, sqlite3_stmt **sp, apr_pool_t *p, const char *expr,
                    np_search_hit *h, apr_int64_t key)
{
    static const char sql[] = "SELECT snippet(fulltext, 3, X'01', X'02', '…', 24),"
                              " snippet(fulltext, 2, X'01', X'02', '…', 24) FROM fulltext"
                              " WHERE fulltext MATCH ?1 AND rowid = ?2";
    sqlite3_stmt *s = *sp;
    if (!s && sqlite3_prepare_v2(db, sql, -1, sp, NULL) != SQLITE_OK)
        return;
    s = *sp;
    sqlite3_reset(s);
    sqlite3_bind_text(s, 1, expr, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 2, key);
    if (sqlite3_step(s) == SQLITE_ROW) {
        const char *body = col_text(p, s, 0), *sum = col_text(p, s, 1);
        const char *pick = body && strchr(body, '\x01') ? body
                           : sum && strchr(sum, '\x01') ? sum
                           : body && *body              ? body
                                                        : sum;
        while (pick && (*pick == ' ' || *pick == '\n' || *pick == '\t'))
            pick++;
        h->snippet = marked_html(p, pick);
    }
    sqlite3_reset(s);
}

/* The lowest and highest rowid of the full text: the two ends of a b-tree. */
static void rowid_range(sqlite3 *db, sqlite3_int64 *lo, sqlite3_int64 *hi)
{
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(db,
                           "SELECT (SELECT min(id) FROM fulltext_docsize),"
                           " (SELECT max(id) FROM fulltext_docsize)",
                           -1, &s, NULL) == SQLITE_OK &&
        sqlite3_step(s) == SQLITE_ROW) {
        *lo = sqlite3_column_int64(s, 0);
        *hi = sqlite3_column_int64(s, 1);
    }
    sqlite3_finalize(s);
}

void np_search_run(np_index *idx, apr_pool_t *p, const np_search_query *q, np_search_result *out)
{
    sqlite3 *db = np_index_db(idx);
    sqlite3_stmt *s = NULL;
    steps_ctx sc;
    match *m;
    apr_int64_t nm = 0, skip;
    const char *scope = NULL;
    int window = q->window > 0 ? q->window : NP_SEARCH_WINDOW, rc, i;
    np_buf sql;

    memset(out, 0, sizeof(*out));
    out->status = 200;
    out->per_page = q->per_page > 0 && q->per_page <= NP_SEARCH_MAX_PER_PAGE ? q->per_page : 10;
    out->page = q->page > 0 ? q->page : 1;
    out->pages = 1;
    np_search_parse(p, q->text ? q->text : "", q->text ? q->len : 0, &out->q);
    if (out->q.status != 200) {
        out->status = out->q.status;
        out->message = out->q.message;
        return;
    }
    if (q->section && *q->section) {
        np_index_section sec;
        if (!np_index_section_get(idx, p, q->section, &sec)) {
            out->status = 400;
            out->message = "There is no such section.";
            return;
        }
        scope = sec.path;
    }
    if (!out->q.expr)
        return;

    np_buf_init_pool(&sql, p, 512);
    np_buf_puts(&sql, "SELECT f.rowid, ");
    np_buf_puts(&sql, q->sort == NP_SEARCH_DATE ? "0" : BM25);
    /* newest first by rowid; visibility from the row itself (only listed articles have one):
     * the publication second is in the rowid, and only within the current second does the
     * article's exact instant need its row */
    np_buf_puts(&sql, " FROM fulltext f CROSS JOIN fulltext_rows r ON r.key = f.rowid"
                      " WHERE fulltext MATCH ?1 AND f.rowid <= ?2"
                      " AND (r.expires = 0 OR r.expires > ?3) AND (f.rowid < ?9 OR"
                      " (SELECT a.published FROM articles a WHERE a.id = (f.rowid & ?5)) <= ?3)");
    if (scope)
        np_buf_puts(&sql, " AND r.section IN (SELECT id FROM sections WHERE path = ?6"
                          " OR substr(path, 1, ?10) = ?11)");
    np_buf_puts(&sql, " ORDER BY f.rowid DESC LIMIT ?4");
    if (sqlite3_prepare_v2(db, np_buf_cstr(&sql), -1, &s, NULL) != SQLITE_OK) {
        out->status = 503;
        out->message = "Search is not available.";
        return;
    }
    sqlite3_bind_text(s, 1, out->q.expr, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 2, np_search_key(q->now, NP_SEARCH_ID_MASK));
    sqlite3_bind_int64(s, 3, q->now);
    sqlite3_bind_int(s, 4, window + 1);
    sqlite3_bind_int64(s, 5, NP_SEARCH_ID_MASK);
    sqlite3_bind_int64(s, 9, np_search_key(q->now, 0) & ~NP_SEARCH_ID_MASK);
    if (scope) {
        const char *below = apr_pstrcat(p, scope, "/", NULL);
        sqlite3_bind_text(s, 6, scope, -1, SQLITE_STATIC);
        sqlite3_bind_int(s, 10, (int)strlen(below));
        sqlite3_bind_text(s, 11, below, -1, SQLITE_STATIC);
    }
    if (q->sort != NP_SEARCH_DATE) {
        sqlite3_int64 lo = 0, hi = 0;
        rowid_range(db, &lo, &hi);
        sqlite3_bind_int64(s, 7, lo);
        sqlite3_bind_int64(s, 8, hi);
    }

    sc.calls = 0;
    sc.max = (q->steps > 0 ? q->steps : NP_SEARCH_STEPS) / STEP_TICK;
    sqlite3_progress_handler(db, STEP_TICK, on_progress, &sc);
    m = apr_palloc(p, sizeof(*m) * (apr_size_t)(window + 1));
    while ((rc = sqlite3_step(s)) == SQLITE_ROW && nm <= window) {
        m[nm].key = sqlite3_column_int64(s, 0);
        m[nm].score = sqlite3_column_double(s, 1);
        nm++;
    }
    sqlite3_progress_handler(db, 0, NULL, NULL);
    if (rc == SQLITE_INTERRUPT)
        out->interrupted = 1;
    else if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
        sqlite3_finalize(s);
        out->status = 503;
        out->message = "Search is not available.";
        return;
    }
    sqlite3_finalize(s);
    out->more = nm > window || out->interrupted;
    out->total = nm > window ? window : nm;
    out->windowed = out->more && q->sort != NP_SEARCH_DATE;
    if (q->sort != NP_SEARCH_DATE)
        qsort(m, (size_t)out->total, sizeof(*m), by_score);
    out->pages = out->total ? (int)((out->total + out->per_page - 1) / out->per_page) : 1;
    if (out->page > out->pages)
        return;
    skip = (apr_int64_t)(out->page - 1) * out->per_page;
    out->hits = apr_pcalloc(p, sizeof(np_search_hit) * (apr_size_t)out->per_page);
    s = NULL;
    for (i = 0; i < out->per_page && skip + i < out->total; i++) {
        np_search_hit *h = &out->hits[out->n];
        apr_int64_t key = m[skip + i].key;
        if (!(h->e = np_index_entry_get(idx, p, key & NP_SEARCH_ID_MASK)))
            continue;
        h->score = m[skip + i].score;
        snippet(db, &s, p, out->q.expr, h, key);
        out->n++;
    }
    sqlite3_finalize(s);
}
