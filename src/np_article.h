/* The article model every input format maps to, and loading one from a file.
 * A loaded article is immutable and owned by the pool it was loaded into. */
#ifndef NP_ARTICLE_H
#define NP_ARTICLE_H

#include <apr_pools.h>
#include <apr_tables.h>

#include "np_date.h"
#include "np_log.h"
#include "np_sanitize.h"

typedef struct {
    const char *src, *alt, *caption, *credit;
    int width, height; /* 0 when not given */
} np_image;

typedef struct {
    const char *href, *title;
} np_link;

typedef struct {
    np_date date;
    const char *text; /* plain text */
} np_correction;

/* Limits on what one file may put in an article (docs/content.md). A longer text is cut at a
 * UTF-8 character boundary; tags, authors and related links beyond the count are dropped. Each
 * cut is reported (np_article_report.notes): the linter shows it, the scan logs it once. */
#define NP_MAX_TAGS 100
#define NP_MAX_AUTHORS 50
#define NP_MAX_RELATED 50
#define NP_MAX_TITLE 1000   /* title, subtitle; section title */
#define NP_MAX_SUMMARY 2000 /* summary; section description */
#define NP_MAX_NAME 200     /* an author, the source, the id */
#define NP_MAX_TAG 100      /* one tag */
#define NP_MAX_CAPTION 1000 /* image alt, caption, credit; a related link's title */
#define NP_MAX_URL 2000     /* source href, image src, related href */
#define NP_MAX_LANG 35      /* a language tag */
#define NP_MAX_CORRECTIONS 20
#define NP_MAX_CORRECTION 2000 /* one correction's text */
#define NP_MAX_PREVIOUS 20     /* previous URLs */
#define NP_MAX_TRANSLATIONS 20 /* articles in one translation group */

/* s cut to at most max bytes at a UTF-8 character boundary (spaces it would end with dropped):
 * s itself when short enough, else a copy in p. */
const char *np_text_cut(apr_pool_t *p, const char *s, apr_size_t max);

/* Something the loader cut or dropped, for the linter and the log. */
typedef struct {
    long line, col;
    const char *message;
} np_article_note;

typedef struct np_article {
    const char *path;  /* the file it came from */
    const char *slug;  /* file name without .xml */
    const char *id;    /* id attribute, default: slug */
    const char *lang;  /* lang attribute; NULL when absent (caller applies section/site default) */
    const char *title; /* plain text */
    const char *subtitle, *summary, *source, *source_href; /* plain text / URL; may be NULL */
    apr_array_header_t *authors;                           /* const char * */
    apr_array_header_t *tags;                              /* const char * */
    apr_array_header_t *related;                           /* np_link */
    apr_array_header_t *corrections;     /* np_correction, in file order; NULL when none. The
                                            latest date also moves updated (docs/content.md). */
    const char *translation_of;          /* the group its translations share; NULL: its id */
    apr_array_header_t *previous;        /* const char *: old paths within the site, "/desk/x.html";
                                            NULL when none */
    np_date published, updated, expires; /* t == 0: absent */
    int draft;       /* 0; 1: a draft (or held); NP_KILLED: withdrawn by its author or agency */
    np_image *image; /* NULL when none */
    const char *body_html; /* sanitized body, NUL-terminated; NULL when loaded with meta only */
    apr_size_t body_len;
    const char *format; /* "article", "nitf", "newsml" */
} np_article;

typedef struct {
    apr_size_t max_size; /* bytes; larger files are refused */
    const np_tz *tz;     /* zone for bare dates */
    int with_body;       /* 0: metadata only (summary still derived from the body text) */
    const char *root;    /* the content folder the file must stay in (np_file_open_beneath);
                            NULL: the file's own folder */
} np_article_opts;

/* Loads the article in file path. On failure returns NULL and sets *err to a message that
 * starts with "path:line:col: " (line/col 0 when not about a place in the file). */
np_article *np_article_load(apr_pool_t *p, const char *path, const char *slug,
                            const np_article_opts *opts, const char **err);

/* For the linter: what a load found beyond the article. */
typedef struct {
    np_sanitize_report *sanitize; /* in: receives what the body's allowlist removed (only when
                                     opts->with_body); NULL: not recorded */
    long line, col;               /* out: where the root element starts; 0 when unknown */
    apr_array_header_t *notes;    /* in: receives np_article_note for each text cut and each
                                     list shortened; NULL: not recorded */
    int summary_as_body;          /* out: an agency item's body was empty; its summary is shown */
    /* out: the version read, as fstat saw the open file, even when it was then refused or did
     * not parse: mtime to the microsecond (from st_mtim) and size; size -1 when the file could
     * not be opened. */
    apr_time_t mtime;
    apr_off_t size;
} np_article_report;

/* np_article_load, also filling rep (may be NULL). */
np_article *np_article_load_report(apr_pool_t *p, const char *path, const char *slug,
                                   const np_article_opts *opts, np_article_report *rep,
                                   const char **err);

/* np_article_load_report with opts->root already opened as rootfd (np_file_open_root; -1: opened
 * for this file), for a walk that reads many files below it. */
np_article *np_article_load_at(apr_pool_t *p, int rootfd, const char *path, const char *slug,
                               const np_article_opts *opts, np_article_report *rep,
                               const char **err);

/* np_article.draft of a killed article: hidden like a draft, and its URL answers 410 once
 * it could have been seen (docs/content.md). */
#define NP_KILLED 2

/* Visible to readers at instant now: not draft, published <= now, not expired. */
int np_article_visible(const np_article *a, apr_time_t now);

/* Killed after it could have been seen: published at or before now. A killed article that was
 * never visible (a future publication date) is not confirmed to exist (docs/security.md). */
int np_article_gone(const np_article *a, apr_time_t now);

#endif
