/* The full-text tokenizer of the content index (docs/search.md): registered with SQLite's FTS5
 * as "newsportal" on every connection that opens the index.
 *
 * Latin and other alphabetic text goes through FTS5's own porter stemmer over unicode61 with
 * remove_diacritics 2 (case and diacritics folded, "meetings" -> "meeting"). Runs of Han, Kana
 * and Hangul become overlapping character bigrams ("股市大跌" -> 股市 市大 大跌), so a
 * two-character word is one token. In a document every character is also indexed alone, at
 * the position of the bigram it starts (the last one at the last bigram's): a query of one
 * character is then one exact token. A run of one character is a unigram. */
#ifndef NP_TOKENIZE_H
#define NP_TOKENIZE_H

#include <sqlite3.h>

#define NP_TOKENIZER "newsportal"

/* Registers the tokenizer on db. SQLITE_OK, or an SQLite error code (FTS5 missing). */
int np_tokenize_register(sqlite3 *db);

/* 1 when code point c is tokenized as CJK (in bigrams), else 0. */
int np_tokenize_is_cjk(unsigned c);

/* The code point at s (n bytes left), its length in *len (1 for an invalid byte, which then
 * reads as U+FFFD). */
unsigned np_tokenize_utf8(const unsigned char *s, int n, int *len);

#endif
