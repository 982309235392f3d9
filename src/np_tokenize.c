/* The "newsportal" FTS5 tokenizer: porter + unicode61 for alphabetic text, overlapping
 * character bigrams for CJK. np_tokenize.h says what it emits and why. */
#include "np_tokenize.h"

#include "np_search.h"

#include <stdlib.h>
#include <string.h>

/* Han (with its extensions and compatibility forms), Kana and Hangul: scripts written without
 * spaces between words (Korean has spaces, but bigrams serve it as well). */
int np_tokenize_is_cjk(unsigned c)
{
    if (c < 0x1100)
        return 0;
    return (c <= 0x11FF) ||                  /* Hangul Jamo */
           (c >= 0x2E80 && c <= 0x2FDF) ||   /* radicals */
           (c >= 0x3005 && c <= 0x3007) ||   /* 々 〆 〇 */
           (c >= 0x3021 && c <= 0x3029) ||   /* Hangzhou numerals */
           (c >= 0x3031 && c <= 0x3035) ||   /* kana repeat marks */
           (c >= 0x3041 && c <= 0x30FA) ||   /* Hiragana, Katakana */
           (c >= 0x30FC && c <= 0x30FF) ||   /* ー ヽ ヾ ヿ (not the dot ・) */
           (c >= 0x3105 && c <= 0x318F) ||   /* Bopomofo, Hangul compat. */
           (c >= 0x31A0 && c <= 0x31BF) ||   /* Bopomofo ext. */
           (c >= 0x31F0 && c <= 0x31FF) ||   /* Katakana ext. */
           (c >= 0x3400 && c <= 0x4DBF) ||   /* ext. A */
           (c >= 0x4E00 && c <= 0x9FFF) ||   /* unified ideographs */
           (c >= 0xA960 && c <= 0xA97F) ||   /* Hangul Jamo ext. A */
           (c >= 0xAC00 && c <= 0xD7FF) ||   /* Hangul syllables, ext. B */
           (c >= 0xF900 && c <= 0xFAFF) ||   /* compatibility ideographs */
           (c >= 0xFF66 && c <= 0xFFDC) ||   /* half-width Katakana, Hangul */
           (c >= 0x1B000 && c <= 0x1B16F) || /* Kana supplement */
           (c >= 0x20000 && c <= 0x2FA1F) || /* ext. B to F, compat. sup. */
           (c >= 0x30000 && c <= 0x3134F);   /* ext. G */
}

unsigned np_tokenize_utf8(const unsigned char *s, int n, int *len)
{
    unsigned c = s[0];
    int k, i;
    if (c < 0x80) {
        *len = 1;
        return c;
    }
    if (c >= 0xC2 && c <= 0xDF)
        k = 2, c &= 0x1F;
    else if (c >= 0xE0 && c <= 0xEF)
        k = 3, c &= 0x0F;
    else if (c >= 0xF0 && c <= 0xF4)
        k = 4, c &= 0x07;
    else
        k = 0;
    if (k == 0 || k > n) {
        *len = 1;
        return 0xFFFD;
    }
    for (i = 1; i < k; i++) {
        if ((s[i] & 0xC0) != 0x80) {
            *len = 1;
            return 0xFFFD;
        }
        c = (c << 6) | (s[i] & 0x3F);
    }
    /* overlong forms, surrogates and values past U+10FFFF read as one bad byte */
    if ((k == 3 && (c < 0x800 || (c >= 0xD800 && c <= 0xDFFF))) ||
        (k == 4 && (c < 0x10000 || c > 0x10FFFF))) {
        *len = 1;
        return 0xFFFD;
    }
    *len = k;
    return c;
}

typedef struct {
    fts5_tokenizer inner_api; /* porter's methods */
    Fts5Tokenizer *inner;     /* porter over unicode61 */
} np_tok;

typedef int (*token_cb)(void *, int, const char *, int, int, int);

/* Porter's tokens of a part of the text, with offsets moved to the whole text's. */
typedef struct {
    void *ctx;
    token_cb x;
    int base;
} shift_ctx;

static int shifted(void *c, int tflags, const char *tok, int n, int start, int end)
{
    shift_ctx *sc = c;
    return sc->x(sc->ctx, tflags, tok, n, start + sc->base, end + sc->base);
}

static int tok_create(void *ctx, const char **argv, int argc, Fts5Tokenizer **out)
{
    fts5_api *api = ctx;
    static const char *args[] = {"unicode61", "remove_diacritics", "2"};
    void *pctx = NULL;
    np_tok *t;
    int rc;
    (void)argv;
    (void)argc;
    if (!(t = sqlite3_malloc(sizeof(*t))))
        return SQLITE_NOMEM;
    memset(t, 0, sizeof(*t));
    rc = api->xFindTokenizer(api, "porter", &pctx, &t->inner_api);
    if (rc == SQLITE_OK)
        rc = t->inner_api.xCreate(pctx, args, 3, &t->inner);
    if (rc != SQLITE_OK) {
        sqlite3_free(t);
        return rc;
    }
    *out = (Fts5Tokenizer *)t;
    return SQLITE_OK;
}

static void tok_delete(Fts5Tokenizer *p)
{
    np_tok *t = (np_tok *)p;
    if (!t)
        return;
    if (t->inner)
        t->inner_api.xDelete(t->inner);
    sqlite3_free(t);
}

/* A CJK run from byte start to end: overlapping bigrams; in a document each character also
 * alone, at the position of the bigram it starts (the last one at the last bigram's), so that a
 * query of one character is an exact token. A run of one character is that character. */
static int cjk_run(void *ctx, token_cb x, int document, const char *text, int start, int end)
{
    const unsigned char *s = (const unsigned char *)text;
    int prev = -1, i = start, len, rc = SQLITE_OK, pairs = 0;
    while (i < end) {
        np_tokenize_utf8(s + i, end - i, &len);
        if (prev >= 0) {
            rc = x(ctx, 0, text + prev, i + len - prev, prev, i + len);
            if (rc == SQLITE_OK && document)
                rc = x(ctx, FTS5_TOKEN_COLOCATED, text + prev, i - prev, prev, i);
            if (rc != SQLITE_OK)
                return rc;
            pairs++;
        }
        prev = i;
        i += len;
    }
    if (prev < 0)
        return SQLITE_OK;
    if (!pairs)
        return x(ctx, 0, text + prev, end - prev, prev, end);
    if (document)
        return x(ctx, FTS5_TOKEN_COLOCATED, text + prev, end - prev, prev, end);
    return SQLITE_OK;
}

static int tok_tokenize(Fts5Tokenizer *p, void *ctx, int flags, const char *text, int n, token_cb x)
{
    np_tok *t = (np_tok *)p;
    const unsigned char *s = (const unsigned char *)text;
    int document = !(flags & FTS5_TOKENIZE_QUERY);
    int i = 0, len, rc = SQLITE_OK;
    while (i < n && rc == SQLITE_OK) {
        int start = i;
        while (i < n && !np_tokenize_is_cjk(np_tokenize_utf8(s + i, n - i, &len)))
            i += len;
        if (i > start) {
            shift_ctx sc = {ctx, x, start};
            rc = t->inner_api.xTokenize(t->inner, &sc, flags, text + start, i - start, shifted);
            if (rc != SQLITE_OK)
                break;
        }
        start = i;
        while (i < n && np_tokenize_is_cjk(np_tokenize_utf8(s + i, n - i, &len)))
            i += len;
        if (i > start)
            rc = cjk_run(ctx, x, document, text, start, i);
    }
    return rc;
}

int np_tokenize_register(sqlite3 *db)
{
    static fts5_tokenizer methods = {tok_create, tok_delete, tok_tokenize};
    fts5_api *api = NULL;
    sqlite3_stmt *s = NULL;
    int rc = sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &s, NULL);
    if (rc != SQLITE_OK)
        return rc;
    sqlite3_bind_pointer(s, 1, (void *)&api, "fts5_api_ptr", NULL);
    sqlite3_step(s);
    sqlite3_finalize(s);
    if (!api || api->iVersion < 2)
        return SQLITE_ERROR;
    rc = api->xCreateTokenizer(api, NP_TOKENIZER, api, &methods, NULL);
    return rc == SQLITE_OK ? np_search_register_rank(api) : rc;
}
