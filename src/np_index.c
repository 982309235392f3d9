/* The content index in SQLite: schema, the incremental update (one writer) and the lookups the
 * pages need. docs/caching.md ("The content index") explains the design. */
#include "np_index.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>
#include <apr_hash.h>
#include <apr_lib.h>
#include <apr_strings.h>

#include "np_buf.h"
#include "np_cache.h"
#include "np_content.h"
#include "np_file.h"
#include "np_sanitize.h"
#include "np_search.h"
#include "np_tokenize.h"
#include "np_xml.h"

#define ORDER_NONE 1000000
#define MAX_THREADS 8
/* field and record separators in list columns: neither can occur in XML 1.0 text */
#define FS "\x1f"
#define RS "\x1e"

/* The columns of articles, for the schema and for a first build's copy in date order. */
#define ARTICLES_DEF                                                                               \
    "(id INTEGER PRIMARY KEY, rel TEXT NOT NULL,"                                                  \
    " section INTEGER NOT NULL, slug TEXT NOT NULL, aid TEXT, title TEXT NOT NULL, subtitle TEXT," \
    " summary TEXT, authors TEXT, source TEXT, source_href TEXT, lang TEXT,"                       \
    " published INTEGER NOT NULL, published_fmt INTEGER NOT NULL, updated INTEGER NOT NULL,"       \
    " updated_fmt INTEGER NOT NULL, expires INTEGER NOT NULL, expires_fmt INTEGER NOT NULL,"       \
    " draft INTEGER NOT NULL, tags TEXT, related TEXT, image TEXT, format TEXT,"                   \
    " mtime INTEGER NOT NULL, size INTEGER NOT NULL, digest INTEGER NOT NULL,"                     \
    " stale INTEGER NOT NULL, corrections TEXT, translation_of TEXT, grp TEXT, previous TEXT,"     \
    " body INTEGER)"
#define ARTICLES_COLS                                                                              \
    "rel, section, slug, aid, title, subtitle, summary, authors, source, source_href, lang,"       \
    " published, published_fmt, updated, updated_fmt, expires, expires_fmt, draft, tags,"          \
    " related, image, format, mtime, size, digest, stale, corrections, translation_of, grp,"       \
    " previous, body"

#define ART_INSERT                                                                                 \
    "(" ARTICLES_COLS ") VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15," \
    " ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, 0, ?26, ?27, ?28, ?29, ?30)"

/* The secondary indexes of articles: made with the table, and at the end of a first build
 * (bulk_begin_sql drops them). articles_known is what a pass compares each folder's files with,
 * without reading the rows, and what finds an article by section and slug (one per section and
 * slug: the path, articles_rel, is unique); articles_grp holds translation groups
 * (<translation-of>, else the id), newest first as in the snapshot. */
#define ARTICLES_KNOWN "articles_known ON articles(section, slug, mtime, size, stale)"
#define ARTICLES_INDEXES                                                                           \
    "CREATE UNIQUE INDEX articles_rel ON articles(rel);"                                           \
    "CREATE INDEX " ARTICLES_KNOWN ";"                                                             \
    "CREATE INDEX articles_slug ON articles(slug, rel);"                                           \
    "CREATE INDEX articles_grp ON articles(grp, published DESC, rel);"                             \
    "CREATE INDEX articles_aid ON articles(aid);"                                                  \
    "CREATE INDEX articles_translated ON articles(translation_of) WHERE translation_of IS NOT "    \
    "NULL;"

static const char schema_sql[] =
    "CREATE TABLE meta(key TEXT PRIMARY KEY, value) WITHOUT ROWID;"
    "CREATE TABLE folders(dir TEXT PRIMARY KEY, mtime INTEGER NOT NULL) WITHOUT ROWID;"
    "CREATE TABLE sections(id INTEGER PRIMARY KEY, path TEXT NOT NULL UNIQUE, parent INTEGER,"
    " dir TEXT NOT NULL, title TEXT, description TEXT, own_lang TEXT, lang TEXT,"
    " ord INTEGER NOT NULL, page_size INTEGER NOT NULL, depth INTEGER NOT NULL,"
    " mtime INTEGER NOT NULL, has_meta INTEGER NOT NULL, meta_mtime INTEGER NOT NULL,"
    " meta_size INTEGER NOT NULL, meta_digest INTEGER NOT NULL, digest INTEGER NOT NULL,"
    " total INTEGER NOT NULL, vis_count INTEGER NOT NULL, vis_at INTEGER NOT NULL,"
    " vis_until INTEGER NOT NULL);"
    "CREATE INDEX sections_parent ON sections(parent);"
    "CREATE TABLE articles" ARTICLES_DEF ";" ARTICLES_INDEXES
    /* <previous-url> paths; the newest article claims one */
    "CREATE TABLE previous_urls(path TEXT NOT NULL, published INTEGER NOT NULL,"
    " rel TEXT NOT NULL, article INTEGER NOT NULL, PRIMARY KEY(path, published DESC, rel))"
    " WITHOUT ROWID;"
    "CREATE INDEX previous_urls_article ON previous_urls(article);"
    /* where ids have lived: "section/slug" of a deleted article and its id (docs/content.md),
     * carried over when the file is rebuilt */
    "CREATE TABLE moves(path TEXT PRIMARY KEY, aid TEXT NOT NULL, at INTEGER NOT NULL)"
    " WITHOUT ROWID;"
    "CREATE INDEX moves_at ON moves(at);"
    /* keyed apart from the articles (articles.body): a first build writes them as files are
     * read and numbers only the articles in date order (bulk_renumber_sql) */
    "CREATE TABLE bodies(id INTEGER PRIMARY KEY, html BLOB NOT NULL);"
    /* one row per article and section it is listed in (its own and every ancestor): a section
     * and its descendants newest first is one range of the primary key */
    "CREATE TABLE section_articles(section INTEGER NOT NULL, published INTEGER NOT NULL,"
    " rel TEXT NOT NULL, article INTEGER NOT NULL, expires INTEGER NOT NULL,"
    " PRIMARY KEY(section, published DESC, rel)) WITHOUT ROWID;"
    "CREATE INDEX section_articles_expires ON section_articles(section, expires)"
    " WHERE expires != 0;"
    "CREATE TABLE tags(id INTEGER PRIMARY KEY, slug TEXT NOT NULL UNIQUE, name TEXT NOT NULL,"
    " digest INTEGER NOT NULL, total INTEGER NOT NULL, vis_count INTEGER NOT NULL,"
    " vis_at INTEGER NOT NULL, vis_until INTEGER NOT NULL);"
    "CREATE TABLE article_tags(tag INTEGER NOT NULL, published INTEGER NOT NULL,"
    " rel TEXT NOT NULL, article INTEGER NOT NULL, expires INTEGER NOT NULL,"
    " PRIMARY KEY(tag, published DESC, rel)) WITHOUT ROWID;"
    "CREATE INDEX article_tags_expires ON article_tags(tag, expires) WHERE expires != 0;"
    "CREATE TABLE errors(path TEXT PRIMARY KEY, message TEXT NOT NULL, mtime INTEGER NOT NULL,"
    " size INTEGER NOT NULL) WITHOUT ROWID;"
    /* full text of every listed article (docs/search.md); rowid: np_search_key. Beside it, in
     * the same order, what a search decides scope and visibility by: small rows, so the newest
     * matches' are a few pages */
    "CREATE VIRTUAL TABLE fulltext USING fts5(title, subtitle, summary, body, tags, authors,"
    " source, tokenize='" NP_TOKENIZER "');"
    "CREATE TABLE fulltext_rows(key INTEGER PRIMARY KEY, section INTEGER NOT NULL,"
    " expires INTEGER NOT NULL);"
    "INSERT INTO fulltext(fulltext, rank) VALUES('pgsz', 4000);";

/* Prepared statements, made on first use and kept for the handle's life. */
enum {
    S_META_GET,
    S_META_SET,
    S_GEN_BUMP,
    S_SEC_INSERT,
    S_SEC_META,
    S_SEC_DIR,
    S_SEC_STATS,
    S_SEC_LANG,
    S_SEC_DELETE,
    S_FOLDER_SET,
    S_FOLDER_DELETE,
    S_KNOWN,
    S_ERR_GET,
    S_ERR_SET,
    S_ERR_DELETE,
    S_ART_INSERT,
    S_ART_GET_OLD,
    S_ART_DELETE,
    S_ART_STALE,
    S_ART_OF_SECTION,
    S_BODY_INSERT,
    S_BODY_DELETE,
    S_BODY_GET,
    S_SA_INSERT,
    S_SA_DELETE,
    S_TAG_INSERT,
    S_TAG_STATS,
    S_AT_INSERT,
    S_AT_DELETE,
    S_SA_COUNT,
    S_SA_NEXT_PUB,
    S_SA_NEXT_EXP,
    S_AT_COUNT,
    S_AT_NEXT_PUB,
    S_AT_NEXT_EXP,
    S_R_SECTION,
    S_R_CHILDREN,
    S_R_LIST_SECTION,
    S_R_LIST_SECTION_BARE,
    S_R_SECTION_PLACE,
    S_R_TAG,
    S_R_LIST_TAG,
    S_R_ARTICLE,
    S_R_BY_SLUG,
    S_R_NEWER_SAME,
    S_R_NEWER,
    S_R_OLDER_SAME,
    S_R_OLDER,
    S_R_COUNTS,
    S_R_ERRORS,
    S_STAGE_ANCESTOR,
    S_STAGE_AT,
    S_STAGE_ART,
    S_R_BY_ID,
    S_R_ANY,
    S_PREV_INSERT,
    S_PREV_DELETE,
    S_R_PREVIOUS,
    S_R_GROUP,
    S_R_ARTICLE_ANY,
    S_R_BY_SLUG_ANY,
    S_R_SECTIONS,
    S_R_TRANSLATED,
    S_BEGIN,
    S_COMMIT,
    S_MOVE_SET,
    S_MOVE_DELETE,
    S_R_MOVED,
    S_FTS_INSERT,
    S_FTS_DELETE,
    S_FTS_ROW_INSERT,
    S_FTS_ROW_DELETE,
    S_R_LIST_LASTMOD,
    S_R_LIST_OLDEST,
    S_R_LIST_NEWEST_LASTMOD,
    S_MOVE_EXPIRE,
    S_MOVE_CAP,
    S_COUNT
};

#define SEC_COLS                                                                                   \
    "s.id, s.path, (SELECT path FROM sections p WHERE p.id = s.parent), s.dir, s.title,"           \
    " s.description, s.lang, s.ord, s.page_size, s.depth, s.mtime, s.meta_digest, s.digest,"       \
    " s.total, s.has_meta"
#define ENTRY_COLS_A                                                                               \
    "a.id, a.rel, a.slug, a.aid, a.title, a.subtitle, a.summary, a.authors, a.source,"             \
    " a.source_href, a.lang, a.published, a.published_fmt, a.updated, a.updated_fmt, a.expires,"   \
    " a.expires_fmt, a.draft, a.tags, a.related, a.image, a.format, a.mtime, a.size, a.digest,"    \
    " a.stale, "
#define ENTRY_COLS_B ", a.section, a.corrections, a.translation_of, a.previous, a.body"
#define ENTRY_COLS ENTRY_COLS_A "s.path, s.lang, s.dir" ENTRY_COLS_B
/* without the section's columns, which the caller knows (np_index_list_section_at) */
#define ENTRY_COLS_BARE ENTRY_COLS_A "NULL, NULL, NULL" ENTRY_COLS_B
#define VISIBLE(m) m ".published <= ?2 AND (" m ".expires = 0 OR " m ".expires > ?2)"

static const char *const stmt_sql[S_COUNT] = {
    [S_META_GET] = "SELECT value FROM meta WHERE key = ?1",
    [S_META_SET] = "INSERT OR REPLACE INTO meta(key, value) VALUES(?1, ?2)",
    [S_GEN_BUMP] = "UPDATE meta SET value = value + 1 WHERE key = 'generation'",
    [S_SEC_INSERT] = "INSERT INTO sections(path, parent, dir, title, ord, page_size, depth, mtime,"
                     " has_meta, meta_mtime, meta_size, meta_digest, digest, total, vis_count,"
                     " vis_at, vis_until) VALUES(?1, ?2, ?3, ?4, 1000000, 0, ?5, ?6, 0, 0, 0, 0,"
                     " 0, 0, 0, ?7, 0)",
    [S_SEC_META] = "UPDATE sections SET title = ?2, description = ?3, own_lang = ?4, ord = ?5,"
                   " page_size = ?6, has_meta = ?7, meta_mtime = ?8, meta_size = ?9 WHERE id = ?1",
    [S_SEC_DIR] = "UPDATE sections SET dir = ?2, mtime = ?3 WHERE id = ?1",
    [S_SEC_STATS] = "UPDATE sections SET digest = ?2, total = ?3, vis_count = ?4, vis_at = ?5,"
                    " vis_until = ?6 WHERE id = ?1",
    [S_SEC_LANG] = "UPDATE sections SET lang = ?2, meta_digest = ?3 WHERE id = ?1",
    [S_SEC_DELETE] = "DELETE FROM sections WHERE id = ?1",
    [S_FOLDER_SET] = "INSERT OR REPLACE INTO folders(dir, mtime) VALUES(?1, ?2)",
    [S_FOLDER_DELETE] = "DELETE FROM folders WHERE dir = ?1",
    [S_KNOWN] = "SELECT id, slug, mtime, size, stale FROM articles WHERE section = ?1",
    [S_ERR_GET] = "SELECT mtime, size FROM errors WHERE path = ?1",
    [S_ERR_SET] = "INSERT OR REPLACE INTO errors(path, message, mtime, size) VALUES(?1,?2,?3,?4)",
    [S_ERR_DELETE] = "DELETE FROM errors WHERE path = ?1",
    [S_ART_INSERT] = "INSERT INTO articles" ART_INSERT,
    /* a first build's rows, before they are numbered in date order (bulk_begin_sql) */
    [S_STAGE_ART] = "INSERT INTO build.articles" ART_INSERT,
    [S_ART_GET_OLD] = "SELECT section, rel, published, expires, draft, tags, digest, aid, slug"
                      " FROM articles WHERE id = ?1",
    [S_ART_DELETE] = "DELETE FROM articles WHERE id = ?1",
    [S_ART_STALE] = "UPDATE articles SET stale = 1 WHERE id = ?1",
    [S_ART_OF_SECTION] = "SELECT id, rel FROM articles WHERE section = ?1",
    [S_BODY_INSERT] = "INSERT INTO bodies(html) VALUES(?1)",
    [S_BODY_DELETE] = "DELETE FROM bodies WHERE id = (SELECT body FROM articles WHERE id = ?1)",
    [S_BODY_GET] = "SELECT html FROM bodies WHERE id = ?1",
    [S_SA_INSERT] = "INSERT OR REPLACE INTO section_articles(section, published, rel, article,"
                    " expires) VALUES(?1, ?2, ?3, ?4, ?5)",
    [S_SA_DELETE] = "DELETE FROM section_articles WHERE section = ?1 AND published = ?2 AND"
                    " rel = ?3",
    [S_TAG_INSERT] = "INSERT INTO tags(slug, name, digest, total, vis_count, vis_at, vis_until)"
                     " VALUES(?1, ?2, 0, 0, 0, ?3, 0)",
    [S_TAG_STATS] = "UPDATE tags SET digest = ?2, total = ?3, vis_count = ?4, vis_at = ?5,"
                    " vis_until = ?6 WHERE id = ?1",
    [S_AT_INSERT] = "INSERT OR REPLACE INTO article_tags(tag, published, rel, article, expires)"
                    " VALUES(?1, ?2, ?3, ?4, ?5)",
    [S_AT_DELETE] = "DELETE FROM article_tags WHERE tag = ?1 AND published = ?2 AND rel = ?3",
    [S_SA_COUNT] = "SELECT count(*) FROM section_articles m WHERE m.section = ?1 AND " VISIBLE("m"),
    [S_SA_NEXT_PUB] = "SELECT min(published) FROM section_articles WHERE section = ?1 AND"
                      " published > ?2",
    [S_SA_NEXT_EXP] = "SELECT min(expires) FROM section_articles WHERE section = ?1 AND"
                      " expires > ?2 AND expires != 0",
    [S_AT_COUNT] = "SELECT count(*) FROM article_tags m WHERE m.tag = ?1 AND " VISIBLE("m"),
    [S_AT_NEXT_PUB] = "SELECT min(published) FROM article_tags WHERE tag = ?1 AND"
                      " published > ?2",
    [S_AT_NEXT_EXP] = "SELECT min(expires) FROM article_tags WHERE tag = ?1 AND expires > ?2"
                      " AND expires != 0",
    [S_R_SECTION] = "SELECT " SEC_COLS ", s.vis_count, s.vis_at, s.vis_until FROM sections s"
                    " WHERE s.path = ?1",
    [S_R_CHILDREN] = "SELECT " SEC_COLS " FROM sections s WHERE s.parent = (SELECT id FROM"
                     " sections WHERE path = ?1) AND (s.has_meta OR s.total > 0)"
                     " ORDER BY s.ord, s.title",
    /* pages: the rows skipped are read from the list's b-tree only, not joined */
    [S_R_LIST_SECTION] =
        "SELECT " ENTRY_COLS " FROM (SELECT article, published, rel FROM"
        " section_articles m WHERE m.section = ?1 AND " VISIBLE(
            "m") " ORDER BY m.published DESC, m.rel LIMIT ?3 OFFSET ?4) m JOIN articles a"
                 " ON a.id = m.article JOIN sections s ON s.id = a.section"
                 " ORDER BY m.published DESC, m.rel",
    /* the same without reading sections: a home page's lists at 1,000,000 articles read about
     * 175 pages with it, more than a reader's cache holds (docs/caching.md) */
    [S_R_LIST_SECTION_BARE] =
        "SELECT " ENTRY_COLS_BARE " FROM (SELECT article, published, rel FROM"
        " section_articles m WHERE m.section = ?1 AND " VISIBLE(
            "m") " ORDER BY m.published DESC, m.rel LIMIT ?3 OFFSET ?4) m JOIN articles a"
                 " ON a.id = m.article ORDER BY m.published DESC, m.rel",
    [S_R_SECTION_PLACE] = "SELECT path, lang, dir FROM sections WHERE id = ?1",
    [S_R_TAG] = "SELECT id, name, digest, total, vis_count, vis_at, vis_until FROM tags"
                " WHERE slug = ?1",
    [S_R_LIST_TAG] =
        "SELECT " ENTRY_COLS " FROM (SELECT article, published, rel FROM"
        " article_tags m WHERE m.tag = ?1 AND " VISIBLE(
            "m") " ORDER BY m.published DESC, m.rel LIMIT ?3 OFFSET ?4) m JOIN articles a"
                 " ON a.id = m.article JOIN sections s ON s.id = a.section"
                 " ORDER BY m.published DESC, m.rel",
    [S_R_ARTICLE] = "SELECT " ENTRY_COLS " FROM articles a JOIN sections s ON s.id = a.section"
                    " WHERE s.path = ?1 AND a.slug = ?3",
    [S_R_BY_SLUG] = "SELECT " ENTRY_COLS " FROM articles a JOIN sections s ON s.id = a.section"
                    " WHERE a.slug = ?1 ORDER BY a.rel LIMIT 1",
    /* neighbours: ties on the date are broken by path, as in the snapshot's order */
    /* neighbours: ties on the date are broken by path, as in the snapshot's order. e itself
     * is visible (published <= now), so rows dated e's date or older need only the expiry
     * test: with a bound on the date against now the planner would scan the section */
    [S_R_NEWER_SAME] = "SELECT m.article FROM section_articles m WHERE m.section = ?1 AND"
                       " m.published = ?3 AND m.rel < ?4 AND ?3 <= ?2 AND (m.expires = 0 OR"
                       " m.expires > ?2) ORDER BY m.rel DESC LIMIT 1",
    [S_R_NEWER] = "SELECT m.article FROM section_articles m WHERE m.section = ?1 AND"
                  " m.published > ?3 AND " VISIBLE("m") " ORDER BY m.published, m.rel DESC"
                                                        " LIMIT 1",
    [S_R_OLDER_SAME] = "SELECT m.article FROM section_articles m WHERE m.section = ?1 AND"
                       " m.published = ?3 AND m.rel > ?4 AND ?3 <= ?2 AND (m.expires = 0 OR"
                       " m.expires > ?2) ORDER BY m.rel LIMIT 1",
    [S_R_OLDER] = "SELECT m.article FROM section_articles m WHERE m.section = ?1 AND"
                  " m.published < ?3 AND ?3 <= ?2 AND m.published != 0 AND (m.expires = 0 OR"
                  " m.expires > ?2) ORDER BY m.published DESC, m.rel LIMIT 1",
    [S_R_COUNTS] = "SELECT (SELECT total FROM sections WHERE parent IS NULL), (SELECT count(*)"
                   " FROM sections WHERE"
                   " has_meta OR total > 0 OR parent IS NULL), (SELECT count(*) FROM tags WHERE"
                   " total > 0), (SELECT count(*) FROM errors)",
    [S_R_ERRORS] = "SELECT path, message FROM errors ORDER BY path LIMIT ?1",
    [S_R_BY_ID] = "SELECT " ENTRY_COLS " FROM articles a JOIN sections s ON s.id = a.section"
                  " WHERE a.id = ?1",
    [S_R_ANY] = "SELECT EXISTS(SELECT 1 FROM articles), EXISTS(SELECT 1 FROM errors)",
    [S_PREV_INSERT] = "INSERT OR REPLACE INTO previous_urls(path, published, rel, article)"
                      " VALUES(?1, ?2, ?3, ?4)",
    [S_PREV_DELETE] = "DELETE FROM previous_urls WHERE article = ?1",
    [S_R_PREVIOUS] = "SELECT " ENTRY_COLS " FROM (SELECT article FROM previous_urls WHERE"
                     " path = ?1 ORDER BY published DESC, rel LIMIT 1) m JOIN articles a"
                     " ON a.id = m.article JOIN sections s ON s.id = a.section",
    [S_R_GROUP] = "SELECT " ENTRY_COLS " FROM articles a JOIN sections s ON s.id = a.section"
                  " WHERE a.grp = ?1 ORDER BY a.published DESC, a.rel LIMIT ?2",
    [S_R_ARTICLE_ANY] = "SELECT " ENTRY_COLS " FROM articles a JOIN sections s ON"
                        " s.id = a.section WHERE s.path = ?1 AND a.slug = ?2",
    [S_R_BY_SLUG_ANY] = "SELECT " ENTRY_COLS " FROM articles a JOIN sections s ON"
                        " s.id = a.section WHERE a.slug = ?1 ORDER BY a.rel LIMIT 1",
    [S_R_SECTIONS] = "SELECT " SEC_COLS ", s.vis_count, s.vis_at, s.vis_until, s.meta_mtime"
                     " FROM sections s WHERE s.has_meta OR s.total > 0 OR s.parent IS NULL"
                     " ORDER BY s.depth, s.ord, s.title, s.path",
    /* a group of two has a member naming it: only those rows are looked at */
    [S_R_TRANSLATED] = "SELECT EXISTS(SELECT 1 FROM articles a INDEXED BY articles_translated"
                       " WHERE a.translation_of IS NOT NULL AND EXISTS(SELECT 1 FROM articles b"
                       " WHERE b.grp = a.translation_of AND b.id != a.id))",
    /* a request's read transaction: prepared once, as every page needs one */
    [S_MOVE_SET] = "INSERT OR REPLACE INTO moves(path, aid, at) VALUES(?1, ?2, ?3)",
    [S_MOVE_DELETE] = "DELETE FROM moves WHERE path = ?1",
    [S_R_MOVED] = "SELECT " ENTRY_COLS " FROM moves m JOIN articles a ON a.aid = m.aid JOIN"
                  " sections s ON s.id = a.section WHERE m.path = ?1"
                  " ORDER BY a.published DESC, a.rel LIMIT 1",
    [S_BEGIN] = "BEGIN",
    [S_COMMIT] = "COMMIT",
    [S_STAGE_ANCESTOR] = "INSERT INTO build.ancestors VALUES(?1, ?2)",
    [S_FTS_INSERT] = "INSERT INTO fulltext(rowid, title, subtitle, summary, body, tags, authors,"
                     " source) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    [S_FTS_DELETE] = "DELETE FROM fulltext WHERE rowid = ?1",
    [S_FTS_ROW_INSERT] = "INSERT OR REPLACE INTO fulltext_rows(key, section, expires)"
                         " VALUES(?1, ?2, ?3)",
    [S_FTS_ROW_DELETE] = "DELETE FROM fulltext_rows WHERE key = ?1",
    [S_STAGE_AT] = "INSERT INTO build.stage_at VALUES(?1, ?2, ?3, ?4, ?5)",
    /* a list oldest first (its primary key read backwards): updated-else-published of each
     * row, for a sitemap index; then whole rows from a position or after a row (published ?5,
     * path ?6), for its files */
    [S_R_LIST_LASTMOD] =
        "SELECT CASE WHEN a.updated != 0 THEN a.updated ELSE a.published END FROM"
        " section_articles m JOIN articles a ON a.id = m.article WHERE m.section = ?1 AND " VISIBLE(
            "m") " ORDER BY m.published, m.rel DESC LIMIT ?3 OFFSET ?4",
    [S_R_LIST_NEWEST_LASTMOD] =
        "SELECT max(CASE WHEN a.updated != 0 THEN a.updated ELSE a.published END) FROM"
        " (SELECT article FROM section_articles m WHERE m.section = ?1 AND " VISIBLE(
            "m") " ORDER BY m.published DESC, m.rel LIMIT ?3) m JOIN articles a ON"
                 " a.id = m.article",
    [S_R_LIST_OLDEST] =
        "SELECT " ENTRY_COLS " FROM (SELECT article, published, rel FROM section_articles m"
        " WHERE m.section = ?1 AND " VISIBLE(
            "m") " AND m.published >= ?5 AND (m.published > ?5 OR m.rel < ?6)"
                 " ORDER BY m.published, m.rel DESC LIMIT ?3 OFFSET ?4) m JOIN articles a"
                 " ON a.id = m.article JOIN sections s ON s.id = a.section"
                 " ORDER BY m.published, m.rel DESC",
    /* the bounds of moves (docs/content.md): an age, then a count, oldest first */
    [S_MOVE_EXPIRE] = "DELETE FROM moves WHERE at < ?1",
    [S_MOVE_CAP] = "DELETE FROM moves WHERE path IN (SELECT path FROM moves ORDER BY at DESC,"
                   " path DESC LIMIT -1 OFFSET ?1)",
};

/* A first build writes the article rows and tag memberships into a scratch database beside
 * the index (FILE-build, no journal: an interrupted first build is started again from nothing)
 * and puts them into place at the end: articles numbered in date order, list memberships
 * sorted, the secondary indexes of articles made last; bodies go straight into the new file
 * (bulk_open), under keys of their own. Inserting a million rows at random places in b-trees
 * far larger than the page cache is what would take the time, and dropping a copied table would
 * walk every page of it again; the scratch file is deleted instead. */
static const char bulk_begin_sql[] =
    "CREATE TABLE build.ancestors(section INTEGER NOT NULL, ancestor INTEGER NOT NULL,"
    " PRIMARY KEY(section, ancestor)) WITHOUT ROWID;"
    "CREATE TABLE build.stage_at(tag, published, rel, article, expires);"
    "CREATE TABLE build.articles" ARTICLES_DEF ";"
    "DROP INDEX IF EXISTS articles_rel;"
    "DROP INDEX IF EXISTS articles_section_slug;"
    "DROP INDEX IF EXISTS articles_known;"
    "DROP INDEX IF EXISTS articles_slug;"
    "DROP INDEX IF EXISTS articles_grp;"
    "DROP INDEX IF EXISTS articles_aid;"
    "DROP INDEX IF EXISTS articles_translated;"
    "INSERT OR REPLACE INTO meta(key, value) VALUES('bulk', 1);";
/* Articles are numbered in date order (oldest first; the same instant by path, last first: the
 * reverse of a list's order, so that the lists are sorted by number), so that the newest of
 * any list lie on few pages: a home page's 148 rows on 41 pages of a 1,000,000-article index
 * instead of 128 in the order files were walked. */
static const char bulk_renumber_sql[] =
    "CREATE TABLE build.by_date(new INTEGER PRIMARY KEY, old INTEGER NOT NULL);"
    "INSERT INTO build.by_date(old) SELECT id FROM build.articles ORDER BY published, rel DESC;"
    "CREATE TABLE build.renumber(old INTEGER PRIMARY KEY, new INTEGER NOT NULL);"
    "INSERT INTO build.renumber SELECT old, new FROM build.by_date ORDER BY old;"
    "INSERT INTO main.articles(id, " ARTICLES_COLS ") SELECT b.new, " ARTICLES_COLS
    " FROM build.by_date b CROSS JOIN build.articles a ON a.id = b.old;"
    "UPDATE previous_urls SET article = (SELECT new FROM build.renumber WHERE old = article);";
static const char bulk_end_sql[] =
    /* each listed article in its section and those above (as membership() does), from the
     * articles as numbered: 3 or 4 rows an article fewer to write while the threads parse */
    "INSERT INTO section_articles SELECT x.ancestor, a.published, a.rel, a.id, a.expires"
    " FROM articles a JOIN build.ancestors x ON x.section = a.section"
    " WHERE a.draft = 0 AND a.published != 0 ORDER BY 1, 4 DESC;"
    "INSERT INTO article_tags SELECT s.tag, s.published, s.rel, r.new, s.expires"
    " FROM build.stage_at s JOIN build.renumber r ON r.old = s.article ORDER BY 1, 4 "
    "DESC;" ARTICLES_INDEXES "DELETE FROM meta WHERE key = 'bulk';";

struct np_index {
    sqlite3 *db;
    apr_pool_t *pool;
    const char *file;
    np_index_opts o;
    const char *tz_name, *lang;
    int readonly;
    sqlite3_stmt *st[S_COUNT];
};

static sqlite3_stmt *stmt(np_index *idx, int which)
{
    sqlite3_stmt *s = idx->st[which];
    if (s) {
        sqlite3_reset(s);
        sqlite3_clear_bindings(s);
        return s;
    }
    if (sqlite3_prepare_v3(idx->db, stmt_sql[which], -1, SQLITE_PREPARE_PERSISTENT, &s, NULL) !=
        SQLITE_OK) {
        np_log(idx->o.log, NP_LOG_ERR, "%s: %s", idx->file, sqlite3_errmsg(idx->db));
        return NULL;
    }
    return idx->st[which] = s;
}

static void bind_text(sqlite3_stmt *s, int i, const char *v)
{
    if (v)
        sqlite3_bind_text(s, i, v, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(s, i);
}

/* Runs a statement that returns no rows; 0 on success. */
static int run(np_index *idx, sqlite3_stmt *s)
{
    int rc = s ? sqlite3_step(s) : SQLITE_ERROR;
    if (s)
        sqlite3_reset(s);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
        np_log(idx->o.log, NP_LOG_ERR, "%s: %s", idx->file, sqlite3_errmsg(idx->db));
        return -1;
    }
    return 0;
}

static int exec(np_index *idx, const char *sql)
{
    char *msg = NULL;
    if (sqlite3_exec(idx->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        np_log(idx->o.log, NP_LOG_ERR, "%s: %s: %s", idx->file, sql, msg ? msg : "error");
        sqlite3_free(msg);
        return -1;
    }
    return 0;
}

static const char *meta_get(np_index *idx, apr_pool_t *p, const char *key)
{
    sqlite3_stmt *s = stmt(idx, S_META_GET);
    const char *v = NULL;
    if (!s)
        return NULL;
    bind_text(s, 1, key);
    if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_type(s, 0) != SQLITE_NULL)
        v = apr_pstrdup(p, (const char *)sqlite3_column_text(s, 0));
    sqlite3_reset(s);
    return v;
}

static int meta_set(np_index *idx, const char *key, const char *value)
{
    sqlite3_stmt *s = stmt(idx, S_META_SET);
    if (!s)
        return -1;
    bind_text(s, 1, key);
    bind_text(s, 2, value);
    return run(idx, s);
}

static void close_db(np_index *idx)
{
    int i;
    for (i = 0; i < S_COUNT; i++) {
        if (idx->st[i])
            sqlite3_finalize(idx->st[i]);
        idx->st[i] = NULL;
    }
    if (idx->db)
        sqlite3_close(idx->db);
    idx->db = NULL;
}

static apr_status_t idx_cleanup(void *data)
{
    close_db(data);
    return APR_SUCCESS;
}

/* What the index was built for: a difference in any of these makes it foreign. */
static const char *const shaping_keys[] = {"schema", "dir", "tz", "lang", "max_size"};

static const char *shaping_value(np_index *idx, int i)
{
    switch (i) {
    case 0:
        return apr_itoa(idx->pool, NP_INDEX_SCHEMA);
    case 1:
        return idx->o.dir;
    case 2:
        return idx->tz_name;
    case 3:
        return idx->lang;
    default:
        return apr_psprintf(idx->pool, "%" APR_SIZE_T_FMT, idx->o.max_article_size);
    }
}

static int open_db_at(np_index *idx, const char *file)
{
    int flags = idx->readonly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
    if (sqlite3_open_v2(file, &idx->db, flags | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK ||
        np_tokenize_register(idx->db) != SQLITE_OK)
        return -1;
    sqlite3_busy_timeout(idx->db, 5000);
    /* for a new file only (ignored otherwise; SQLite's default, said for clarity): readers
     * fetch rows from all over the file, and a 4 KB page costs a quarter of the copy and the
     * cache of a 16 KB one (docs/caching.md, "Memory of a child") */
    if (!idx->readonly)
        sqlite3_exec(idx->db, "PRAGMA page_size=4096", NULL, NULL, NULL);
    sqlite3_extended_result_codes(idx->db, 0);
    return 0;
}

static int open_db(np_index *idx)
{
    return open_db_at(idx, idx->file);
}

/* The writer's page cache, and helper threads for its sorts (a first build's lists and
 * indexes). */
static void writer_pragmas(np_index *idx)
{
    exec(idx, "PRAGMA cache_size=-262144");
    exec(idx, "PRAGMA threads=2");
    exec(idx, "PRAGMA mmap_size=17179869184");
}

/* The writer's connection to the index file: write-ahead log, synced at checkpoints. */
static int open_writer(np_index *idx)
{
    if (open_db(idx) != 0 || exec(idx, "PRAGMA journal_mode=WAL") != 0 ||
        exec(idx, "PRAGMA synchronous=NORMAL") != 0)
        return -1;
    writer_pragmas(idx);
    return 0;
}

/* 1: the file holds an index for these settings; 0: it is foreign or new; -1: unreadable. */
static int check_meta(np_index *idx, const char **why)
{
    sqlite3_stmt *s = NULL;
    int rc, i;
    rc = sqlite3_prepare_v2(idx->db, "SELECT count(*) FROM sqlite_master", -1, &s, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(s);
    if (rc != SQLITE_ROW) {
        *why = sqlite3_errmsg(idx->db);
        sqlite3_finalize(s);
        return -1;
    }
    if (sqlite3_column_int(s, 0) == 0) {
        sqlite3_finalize(s);
        *why = NULL;
        return 0;
    }
    sqlite3_finalize(s);
    for (i = 0; i < (int)(sizeof(shaping_keys) / sizeof(shaping_keys[0])); i++) {
        const char *have, *want = shaping_value(idx, i);
        if (!idx->st[S_META_GET] && sqlite3_prepare_v2(idx->db, stmt_sql[S_META_GET], -1,
                                                       &idx->st[S_META_GET], NULL) != SQLITE_OK) {
            *why = sqlite3_errmsg(idx->db);
            return -1;
        }
        have = meta_get(idx, idx->pool, shaping_keys[i]);
        if (!have || strcmp(have, want) != 0) {
            *why = apr_psprintf(idx->pool, "it was built for %s '%s', not '%s'", shaping_keys[i],
                                have ? have : "(none)", want);
            return 0;
        }
    }
    if (meta_get(idx, idx->pool, "bulk")) {
        *why = "its first build was interrupted";
        return 0;
    }
    return 1;
}

static int create_schema(np_index *idx)
{
    int i;
    if (exec(idx, "BEGIN IMMEDIATE") != 0)
        return -1;
    if (exec(idx, schema_sql) != 0) {
        exec(idx, "ROLLBACK");
        return -1;
    }
    for (i = 0; i < (int)(sizeof(shaping_keys) / sizeof(shaping_keys[0])); i++)
        if (meta_set(idx, shaping_keys[i], shaping_value(idx, i)) != 0) {
            exec(idx, "ROLLBACK");
            return -1;
        }
    /* from the clock, not 0: a rebuilt index never repeats a generation a reader has seen */
    if (meta_set(idx, "generation", apr_psprintf(idx->pool, "%" APR_TIME_T_FMT, apr_time_now())) !=
            0 ||
        exec(idx, "COMMIT") != 0)
        return -1;
    return 0;
}

const char *np_index_default_file(apr_pool_t *p, const char *dir, const char *content_dir,
                                  const char *lang, const np_tz *tz, apr_size_t max_article_size,
                                  int stale_on_error)
{
    const char *base = strrchr(content_dir, '/'), *shape;
    char name[33];
    apr_size_t i, n = 0;
    base = base && base[1] ? base + 1 : "content";
    for (i = 0; base[i] && n < sizeof(name) - 1; i++) /* a readable part only */
        if (apr_isalnum(base[i]) || base[i] == '-' || base[i] == '_')
            name[n++] = base[i];
    name[n] = '\0';
    shape = apr_psprintf(p, "%s\n%s\n%s\n%" APR_SIZE_T_FMT "\n%d", content_dir, lang ? lang : "en",
                         np_tz_name(tz ? tz : np_tz_utc()), max_article_size, stale_on_error > 0);
    return apr_psprintf(p, "%s/%s-%016" APR_UINT64_T_HEX_FMT ".sqlite", dir, n ? name : "content",
                        np_hash(NP_HASH_INIT, shape, strlen(shape)));
}

/* A database file's log and journal, or (what) its companions of another kind. */
static void unlink_with(const char *file, const char *const *what, size_t n)
{
    char buf[4096];
    size_t i;
    for (i = 0; i < n; i++) {
        snprintf(buf, sizeof(buf), "%s%s", file, what[i]);
        unlink(buf);
    }
}

static void unlink_log(const char *file)
{
    static const char *const log[] = {"-wal", "-shm", "-journal"};
    unlink_with(file, log, sizeof(log) / sizeof(log[0]));
}

/* A database file and its log: the index's, or a first build's new file. */
static void unlink_db(const char *file)
{
    unlink(file);
    unlink_log(file);
}

/* The index and all it leaves beside it (a first build's new and scratch files too). */
static void remove_files(const char *file)
{
    static const char *const builds[] = {"-build", "-new"};
    unlink_db(file);
    unlink_with(file, builds, sizeof(builds) / sizeof(builds[0]));
}

/* The oldest address in moves that is still remembered. */
static apr_time_t moves_since(apr_time_t now)
{
    return now - apr_time_from_sec((apr_time_t)NP_INDEX_MOVES_DAYS * 86400);
}

/* Where ids have lived outlives the file: read from one about to be rebuilt (when it can be
 * read at all), within the bounds of moves, written into the new one. Rows of three strings. */
static apr_array_header_t *moves_read(np_index *idx, apr_pool_t *p)
{
    apr_array_header_t *out = apr_array_make(p, 0, sizeof(const char *));
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(idx->db,
                           "SELECT path, aid, at FROM moves WHERE at >= ?1 ORDER BY at DESC"
                           " LIMIT ?2",
                           -1, &s, NULL) != SQLITE_OK)
        return out;
    sqlite3_bind_int64(s, 1, moves_since(apr_time_now()));
    sqlite3_bind_int(s, 2, NP_INDEX_MOVES_MAX);
    while (sqlite3_step(s) == SQLITE_ROW) {
        int i;
        for (i = 0; i < 3; i++)
            APR_ARRAY_PUSH(out, const char *) =
                apr_pstrdup(p, (const char *)sqlite3_column_text(s, i));
    }
    sqlite3_finalize(s);
    return out;
}

static void moves_write(np_index *idx, const apr_array_header_t *rows)
{
    int i;
    if (!rows || !rows->nelts || exec(idx, "BEGIN IMMEDIATE") != 0)
        return;
    for (i = 0; i + 2 < rows->nelts; i += 3) {
        sqlite3_stmt *s = stmt(idx, S_MOVE_SET);
        if (!s)
            break;
        bind_text(s, 1, APR_ARRAY_IDX(rows, i, const char *));
        bind_text(s, 2, APR_ARRAY_IDX(rows, i + 1, const char *));
        sqlite3_bind_int64(s, 3, apr_atoi64(APR_ARRAY_IDX(rows, i + 2, const char *)));
        run(idx, s);
    }
    exec(idx, "COMMIT");
}

np_index *np_index_open(apr_pool_t *errp, const char *file, const np_index_opts *opts, int readonly,
                        const char **err)
{
    apr_pool_t *p;
    np_index *idx;
    const char *why = NULL;
    apr_array_header_t *moves = NULL;
    int ok;

    if (apr_pool_create_unmanaged_ex(&p, NULL, NULL) != APR_SUCCESS) {
        *err = "out of memory";
        return NULL;
    }
    idx = apr_pcalloc(p, sizeof(*idx));
    idx->pool = p;
    idx->file = apr_pstrdup(p, file);
    idx->o = *opts;
    idx->o.dir = apr_pstrdup(p, opts->dir);
    idx->tz_name = np_tz_name(opts->tz ? opts->tz : np_tz_utc());
    idx->lang = apr_pstrdup(p, opts->lang ? opts->lang : "en");
    idx->o.lang = idx->lang;
    idx->readonly = readonly;
    apr_pool_cleanup_register(p, idx, idx_cleanup, apr_pool_cleanup_null);

    if (open_db(idx) != 0) {
        *err =
            apr_psprintf(errp, "%s: %s", file, idx->db ? sqlite3_errmsg(idx->db) : "cannot open");
        apr_pool_destroy(p);
        return NULL;
    }
    if (!readonly &&
        (exec(idx, "PRAGMA journal_mode=WAL") != 0 || exec(idx, "PRAGMA synchronous=NORMAL") != 0))
        why = sqlite3_errmsg(idx->db);
    ok = why ? -1 : check_meta(idx, &why);
    if (ok == 1) {
        /* a file made before the pass had its own index gets it, once */
        if (!readonly)
            exec(idx, "CREATE INDEX IF NOT EXISTS " ARTICLES_KNOWN);
    } else if (readonly) {
        *err = apr_psprintf(errp, "%s: not a usable content index%s%s", file, why ? ": " : "",
                            why ? why : "");
        apr_pool_destroy(p);
        return NULL;
    } else {
        if (why) {
            np_log(opts->log, NP_LOG_WARNING, "content index %s: %s; rebuilding it", file, why);
            moves = moves_read(idx, p);
            close_db(idx);
            remove_files(file);
            if (open_db(idx) != 0 || exec(idx, "PRAGMA journal_mode=WAL") != 0 ||
                exec(idx, "PRAGMA synchronous=NORMAL") != 0) {
                *err = apr_psprintf(errp, "%s: %s", file, sqlite3_errmsg(idx->db));
                apr_pool_destroy(p);
                return NULL;
            }
        }
        if (create_schema(idx) != 0) {
            *err = apr_psprintf(errp, "%s: cannot create the index: %s", file,
                                sqlite3_errmsg(idx->db));
            apr_pool_destroy(p);
            return NULL;
        }
        moves_write(idx, moves);
    }
    if (readonly) {
        exec(idx, "PRAGMA query_only=1");
        /* Read with read() into a cache of 512 KB per handle. Mapped, every page a child
         * touched stayed in its memory: a listing's rows lie on pages all over the file, and a
         * child that had served 1,000 pages of a 1,000,000-article index held 85 MB of it.
         * 128 pages of 4 KB hold what a home page of 33 lists reads at that size, about 120
         * (docs/caching.md, "Memory of a child"). */
        exec(idx, "PRAGMA mmap_size=0");
        exec(idx, "PRAGMA cache_size=-512");
    } else {
        writer_pragmas(idx);
    }
    return idx;
}

void np_index_close(np_index *idx)
{
    if (!idx)
        return;
    apr_pool_destroy(idx->pool);
}

apr_int64_t np_index_generation(np_index *idx)
{
    sqlite3_stmt *s = stmt(idx, S_META_GET);
    apr_int64_t g = -1;
    if (!s)
        return -1;
    bind_text(s, 1, "generation");
    if (sqlite3_step(s) == SQLITE_ROW)
        g = sqlite3_column_int64(s, 0);
    sqlite3_reset(s);
    return g;
}

int np_index_read_begin(np_index *idx)
{
    sqlite3_stmt *s = stmt(idx, S_BEGIN);
    return s && run(idx, s) == 0 ? 0 : -1;
}

void np_index_read_end(np_index *idx)
{
    sqlite3_stmt *s = stmt(idx, S_COMMIT);
    if (s)
        run(idx, s);
}

int np_index_meta_set(np_index *idx, const char *key, const char *value)
{
    if (idx->readonly || strncmp(key, "indexer.", 8) != 0)
        return -1;
    return meta_set(idx, key, value);
}

const char *np_index_meta_get(np_index *idx, apr_pool_t *p, const char *key)
{
    return meta_get(idx, p, key);
}

/* ---------------------------------------------------------------- the update ---- */

/* The bounds of moves (docs/content.md), at the end of every pass: addresses older than
 * NP_INDEX_MOVES_DAYS go (a range of moves_at); after a pass that remembered some, the newest
 * NP_INDEX_MOVES_MAX are kept (moves_at read from the newest end). A file made before moves_at
 * existed gets it here, once. */
static int moves_bound(np_index *idx, apr_time_t now, int added)
{
    sqlite3_stmt *s;
    int rc = exec(idx, "CREATE INDEX IF NOT EXISTS moves_at ON moves(at)");
    if (rc == 0 && (s = stmt(idx, S_MOVE_EXPIRE))) {
        sqlite3_bind_int64(s, 1, moves_since(now));
        rc |= run(idx, s);
    }
    if (rc == 0 && added && (s = stmt(idx, S_MOVE_CAP))) {
        sqlite3_bind_int(s, 1, NP_INDEX_MOVES_MAX);
        rc |= run(idx, s);
    }
    return rc;
}

/* A list (a section's or a tag's) as the update keeps it in memory: its visibility window
 * and digest are adjusted for every article added or removed and written at each commit. */
typedef struct {
    apr_int64_t id;
    apr_int64_t count, total;
    apr_time_t at, until;
    apr_uint64_t digest;
    int dirty;
} list_stat;

typedef struct sec_rec {
    list_stat l;
    const char *path, *dir;
    struct sec_rec *parent;
    apr_time_t mtime;
    apr_time_t meta_mtime;
    apr_off_t meta_size;
    int has_meta, seen, gone, depth, folder_dirty;
    int walked; /* its files were listed in this pass (a folder named twice is walked once) */
} sec_rec;

typedef struct {
    list_stat l;
    const char *slug;
} tag_rec;

typedef struct {
    const char *path, *rel, *slug;
    sec_rec *sec;
    apr_time_t mtime;
    apr_off_t size;
    apr_int64_t old_id;
    np_article *a;
    const char *err;
    int gone, need_stat;
} job;

typedef struct {
    apr_pool_t *pool; /* the walker's: job descriptions */
    apr_array_header_t *jobs;
    apr_pool_t *tpool[MAX_THREADS]; /* one per worker: what it parsed */
} batch;

typedef struct upd upd;

typedef struct {
    upd *u;
    int t;
} worker_arg;

struct upd {
    np_index *idx;
    np_index_stats *st;
    apr_pool_t *pool;
    apr_hash_t *secs;    /* path -> sec_rec */
    apr_hash_t *sec_ids; /* id -> sec_rec */
    apr_hash_t *tags;    /* slug -> tag_rec */
    apr_time_t t0;
    apr_array_header_t *open_dirs; /* struct stat of the folders being walked */
    int nthreads, batch_size, sections_changed, failed;
    int cancelled;  /* opts.cancel was set: the pass stopped between two transactions */
    int changes;    /* sqlite3_total_changes at the start of the transaction */
    int bulk;       /* a first build: see bulk_begin_sql */
    int has_errors; /* the errors table may have rows: look there */
    int moves;      /* addresses remembered in this pass: moves_bound counts at its end */
    batch *cur, *parsing, *spare[2];
    /* the parsing threads */
    pthread_t threads[MAX_THREADS];
    worker_arg args[MAX_THREADS];
    pthread_mutex_t mu;
    pthread_cond_t work, done;
    batch *b;
    int next, ndone, quit;
};

static int visible_at(apr_time_t pub, apr_time_t exp, apr_time_t t)
{
    return pub != 0 && pub <= t && (exp == 0 || t < exp);
}

/* An article with these dates joins (sign 1) or leaves (-1) the list. */
static void list_delta(list_stat *l, apr_time_t pub, apr_time_t exp, apr_uint64_t digest, int sign)
{
    l->total += sign;
    l->digest ^= digest;
    l->dirty = 1;
    if (visible_at(pub, exp, l->at))
        l->count += sign;
    if (sign > 0) {
        if (pub > l->at && (!l->until || pub < l->until))
            l->until = pub;
        if (exp > l->at && (!l->until || exp < l->until))
            l->until = exp;
    }
}

static apr_time_t single_time(np_index *idx, int which, apr_int64_t id, apr_time_t t)
{
    sqlite3_stmt *s = stmt(idx, which);
    apr_time_t v = 0;
    if (!s)
        return 0;
    sqlite3_bind_int64(s, 1, id);
    sqlite3_bind_int64(s, 2, t);
    if (sqlite3_step(s) == SQLITE_ROW)
        v = sqlite3_column_int64(s, 0);
    sqlite3_reset(s);
    return v;
}

/* Counts the list's visible articles at t and finds its next change after t. */
static void list_recompute(np_index *idx, list_stat *l, int tag, apr_time_t t)
{
    apr_time_t a, b;
    l->count = single_time(idx, tag ? S_AT_COUNT : S_SA_COUNT, l->id, t);
    a = single_time(idx, tag ? S_AT_NEXT_PUB : S_SA_NEXT_PUB, l->id, t);
    b = single_time(idx, tag ? S_AT_NEXT_EXP : S_SA_NEXT_EXP, l->id, t);
    l->until = a && (!b || a < b) ? a : b;
    l->at = t;
    l->dirty = 1;
}

static int list_window_holds(const list_stat *l, apr_time_t t)
{
    return l->at && t >= l->at && (!l->until || t < l->until);
}

/* The stored figures of a section's or tag's list, when they changed. */
/* Stores a list's figures (which: S_SEC_STATS or S_TAG_STATS). */
static int store_list_stat(np_index *idx, int which, list_stat *l)
{
    sqlite3_stmt *s = stmt(idx, which);
    if (!s)
        return -1;
    sqlite3_bind_int64(s, 1, l->id);
    sqlite3_bind_int64(s, 2, (sqlite3_int64)l->digest);
    sqlite3_bind_int64(s, 3, l->total);
    sqlite3_bind_int64(s, 4, l->count);
    sqlite3_bind_int64(s, 5, l->at);
    sqlite3_bind_int64(s, 6, l->until);
    if (run(idx, s) != 0)
        return -1;
    l->dirty = 0;
    return 0;
}

static int write_list_stat(upd *u, int which, list_stat *l)
{
    return l->dirty ? store_list_stat(u->idx, which, l) : 0;
}

static int write_stats(upd *u)
{
    apr_hash_index_t *hi;
    for (hi = apr_hash_first(u->pool, u->secs); hi; hi = apr_hash_next(hi)) {
        sec_rec *r = apr_hash_this_val(hi);
        if (!r->gone && write_list_stat(u, S_SEC_STATS, &r->l) != 0)
            return -1;
    }
    for (hi = apr_hash_first(u->pool, u->tags); hi; hi = apr_hash_next(hi))
        if (write_list_stat(u, S_TAG_STATS, &((tag_rec *)apr_hash_this_val(hi))->l) != 0)
            return -1;
    return 0;
}

static sec_rec *sec_by_id(upd *u, apr_int64_t id)
{
    return apr_hash_get(u->sec_ids, &id, sizeof(id));
}

static void sec_index(upd *u, sec_rec *r)
{
    apr_hash_set(u->secs, r->path, APR_HASH_KEY_STRING, r);
    apr_hash_set(u->sec_ids, &r->l.id, sizeof(r->l.id), r);
}

static int load_lists(upd *u)
{
    sqlite3_stmt *s = NULL;
    int rc;
    if (sqlite3_prepare_v2(u->idx->db,
                           "SELECT id, path, parent, dir, digest, total, vis_count, vis_at,"
                           " vis_until, has_meta, depth, mtime, meta_mtime, meta_size FROM sections"
                           " ORDER BY depth",
                           -1, &s, NULL) != SQLITE_OK)
        return -1;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        sec_rec *r = apr_pcalloc(u->pool, sizeof(*r));
        r->l.id = sqlite3_column_int64(s, 0);
        r->path = apr_pstrdup(u->pool, (const char *)sqlite3_column_text(s, 1));
        r->parent = sqlite3_column_type(s, 2) == SQLITE_NULL
                        ? NULL
                        : sec_by_id(u, sqlite3_column_int64(s, 2));
        r->dir = apr_pstrdup(u->pool, (const char *)sqlite3_column_text(s, 3));
        r->l.digest = (apr_uint64_t)sqlite3_column_int64(s, 4);
        r->l.total = sqlite3_column_int64(s, 5);
        r->l.count = sqlite3_column_int64(s, 6);
        r->l.at = sqlite3_column_int64(s, 7);
        r->l.until = sqlite3_column_int64(s, 8);
        r->has_meta = sqlite3_column_int(s, 9);
        r->depth = sqlite3_column_int(s, 10);
        r->mtime = sqlite3_column_int64(s, 11);
        r->meta_mtime = sqlite3_column_int64(s, 12);
        r->meta_size = sqlite3_column_int64(s, 13);
        sec_index(u, r);
        if (!list_window_holds(&r->l, u->t0))
            list_recompute(u->idx, &r->l, 0, u->t0);
    }
    sqlite3_finalize(s);
    if (rc != SQLITE_DONE)
        return -1;
    if (sqlite3_prepare_v2(u->idx->db,
                           "SELECT id, slug, digest, total, vis_count, vis_at, vis_until FROM tags",
                           -1, &s, NULL) != SQLITE_OK)
        return -1;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        tag_rec *r = apr_pcalloc(u->pool, sizeof(*r));
        r->l.id = sqlite3_column_int64(s, 0);
        r->slug = apr_pstrdup(u->pool, (const char *)sqlite3_column_text(s, 1));
        r->l.digest = (apr_uint64_t)sqlite3_column_int64(s, 2);
        r->l.total = sqlite3_column_int64(s, 3);
        r->l.count = sqlite3_column_int64(s, 4);
        r->l.at = sqlite3_column_int64(s, 5);
        r->l.until = sqlite3_column_int64(s, 6);
        apr_hash_set(u->tags, r->slug, APR_HASH_KEY_STRING, r);
        if (!list_window_holds(&r->l, u->t0))
            list_recompute(u->idx, &r->l, 1, u->t0);
    }
    sqlite3_finalize(s);
    return rc == SQLITE_DONE ? 0 : -1;
}

/* ---- writing one article ---- */

static const char *join_strings(apr_pool_t *p, const apr_array_header_t *a)
{
    np_buf b;
    const char *out;
    int i;
    if (!a || !a->nelts)
        return NULL;
    np_buf_init_pool(&b, p, 64);
    for (i = 0; i < a->nelts; i++) {
        if (i)
            np_buf_puts(&b, RS);
        np_buf_puts(&b, APR_ARRAY_IDX(a, i, const char *));
    }
    out = np_buf_cstr(&b);
    return out;
}

/* A list as text for the full-text index. */
static const char *join_text(apr_pool_t *p, const apr_array_header_t *a)
{
    np_buf b;
    int i;
    if (!a || !a->nelts)
        return NULL;
    np_buf_init_pool(&b, p, 64);
    for (i = 0; i < a->nelts; i++) {
        if (i)
            np_buf_puts(&b, ", ");
        np_buf_puts(&b, APR_ARRAY_IDX(a, i, const char *));
    }
    return np_buf_cstr(&b);
}

static const char *join_related(apr_pool_t *p, const apr_array_header_t *a)
{
    np_buf b;
    int i;
    if (!a || !a->nelts)
        return NULL;
    np_buf_init_pool(&b, p, 64);
    for (i = 0; i < a->nelts; i++) {
        const np_link *l = &APR_ARRAY_IDX(a, i, np_link);
        if (i)
            np_buf_puts(&b, RS);
        np_buf_puts(&b, l->href ? l->href : "");
        np_buf_puts(&b, FS);
        np_buf_puts(&b, l->title ? "t" : "n");
        np_buf_puts(&b, l->title ? l->title : "");
    }
    return np_buf_cstr(&b);
}

/* Corrections as records of date, its format and text. */
static const char *join_corrections(apr_pool_t *p, const apr_array_header_t *a)
{
    np_buf b;
    int i;
    if (!a || !a->nelts)
        return NULL;
    np_buf_init_pool(&b, p, 64);
    for (i = 0; i < a->nelts; i++) {
        const np_correction *c = &APR_ARRAY_IDX(a, i, np_correction);
        if (i)
            np_buf_puts(&b, RS);
        np_buf_printf(&b, "%" APR_INT64_T_FMT FS "%d" FS "%s", (apr_int64_t)c->date.t,
                      c->date.offset * 2 + (c->date.date_only ? 1 : 0), c->text ? c->text : "");
    }
    return np_buf_cstr(&b);
}

/* An optional string in a record: a leading 't' (present) or 'n' (NULL). */
static void put_opt(np_buf *b, const char *s)
{
    np_buf_puts(b, s ? "t" : "n");
    np_buf_puts(b, s ? s : "");
    np_buf_puts(b, FS);
}

static const char *join_image(apr_pool_t *p, const np_image *im)
{
    np_buf b;
    if (!im)
        return NULL;
    np_buf_init_pool(&b, p, 64);
    put_opt(&b, im->src);
    put_opt(&b, im->alt);
    put_opt(&b, im->caption);
    put_opt(&b, im->credit);
    np_buf_printf(&b, "%d" FS "%d", im->width, im->height);
    return np_buf_cstr(&b);
}

static int date_fmt(const np_date *d)
{
    return d->offset * 2 + (d->date_only ? 1 : 0);
}

static apr_uint64_t entry_digest(const char *path, apr_time_t mtime, apr_off_t size)
{
    apr_uint64_t h = np_hash_str(NP_HASH_INIT, path);
    h = np_hash_u64(h, (apr_uint64_t)mtime);
    return np_hash_u64(h, (apr_uint64_t)size);
}

/* The tag records of a tags column (or array), each once. */
static apr_array_header_t *tag_slugs(apr_pool_t *p, const apr_array_header_t *names)
{
    apr_array_header_t *out = apr_array_make(p, 4, sizeof(const char *) * 2);
    apr_hash_t *seen = apr_hash_make(p);
    int i;
    for (i = 0; names && i < names->nelts; i++) {
        const char *name = APR_ARRAY_IDX(names, i, const char *);
        const char *slug = np_tag_slug(p, name);
        const char **pair;
        if (!*slug || apr_hash_get(seen, slug, APR_HASH_KEY_STRING))
            continue;
        apr_hash_set(seen, slug, APR_HASH_KEY_STRING, slug);
        pair = apr_array_push(out);
        pair[0] = slug;
        pair[1] = name;
    }
    return out;
}

static apr_array_header_t *split(apr_pool_t *p, const char *s, const char *sep)
{
    apr_array_header_t *a = apr_array_make(p, 4, sizeof(const char *));
    size_t n = strlen(sep);
    const char *e;
    if (!s)
        return NULL;
    while ((e = strstr(s, sep))) {
        APR_ARRAY_PUSH(a, const char *) = apr_pstrndup(p, s, (apr_size_t)(e - s));
        s = e + n;
    }
    APR_ARRAY_PUSH(a, const char *) = apr_pstrdup(p, s);
    return a;
}

static tag_rec *tag_get(upd *u, const char *slug, const char *name)
{
    tag_rec *r = apr_hash_get(u->tags, slug, APR_HASH_KEY_STRING);
    sqlite3_stmt *s;
    if (r || !name)
        return r;
    if (!(s = stmt(u->idx, S_TAG_INSERT)))
        return NULL;
    bind_text(s, 1, slug);
    bind_text(s, 2, name);
    sqlite3_bind_int64(s, 3, u->t0);
    if (run(u->idx, s) != 0)
        return NULL;
    r = apr_pcalloc(u->pool, sizeof(*r));
    r->l.id = sqlite3_last_insert_rowid(u->idx->db);
    r->l.at = u->t0; /* an empty list: the window starts now and deltas keep it */
    r->slug = apr_pstrdup(u->pool, slug);
    apr_hash_set(u->tags, r->slug, APR_HASH_KEY_STRING, r);
    return r;
}

static int membership(upd *u, int which, apr_int64_t list, apr_time_t pub, const char *rel,
                      apr_int64_t article, apr_time_t exp)
{
    sqlite3_stmt *s;
    if (u->bulk && which == S_SA_INSERT)
        return 0; /* made from the articles at the build's end (bulk_end_sql) */
    if (u->bulk && which == S_AT_INSERT)
        which = S_STAGE_AT;
    s = stmt(u->idx, which);
    if (!s)
        return -1;
    sqlite3_bind_int64(s, 1, list);
    sqlite3_bind_int64(s, 2, pub);
    bind_text(s, 3, rel);
    if (article) {
        sqlite3_bind_int64(s, 4, article);
        sqlite3_bind_int64(s, 5, exp);
    }
    return run(u->idx, s);
}

static int delete_article(upd *u, apr_int64_t id)
{
    sqlite3_stmt *s = stmt(u->idx, S_ART_GET_OLD);
    apr_pool_t *p;
    const char *rel, *tags, *aid, *slug;
    apr_time_t pub, exp;
    apr_uint64_t digest;
    int draft, rc = 0, i;
    sec_rec *sec, *r;
    apr_array_header_t *slugs;

    if (!s)
        return -1;
    sqlite3_bind_int64(s, 1, id);
    if (sqlite3_step(s) != SQLITE_ROW) {
        sqlite3_reset(s);
        return 0;
    }
    apr_pool_create(&p, u->pool);
    sec = sec_by_id(u, sqlite3_column_int64(s, 0));
    rel = apr_pstrdup(p, (const char *)sqlite3_column_text(s, 1));
    pub = sqlite3_column_int64(s, 2);
    exp = sqlite3_column_int64(s, 3);
    draft = sqlite3_column_int(s, 4);
    tags = sqlite3_column_type(s, 5) == SQLITE_NULL
               ? NULL
               : apr_pstrdup(p, (const char *)sqlite3_column_text(s, 5));
    digest = (apr_uint64_t)sqlite3_column_int64(s, 6);
    aid = sqlite3_column_type(s, 7) == SQLITE_NULL
              ? NULL
              : apr_pstrdup(p, (const char *)sqlite3_column_text(s, 7));
    slug = apr_pstrdup(p, (const char *)sqlite3_column_text(s, 8));
    sqlite3_reset(s);
    /* where this id lived, for the day it shows up elsewhere; only an id the file gave (a
     * defaulted one, the slug, is shared by every file of that name) */
    if (aid && strcmp(aid, slug) != 0 && sec && (s = stmt(u->idx, S_MOVE_SET))) {
        bind_text(s, 1, *sec->path ? apr_pstrcat(p, sec->path, "/", slug, NULL) : slug);
        bind_text(s, 2, aid);
        sqlite3_bind_int64(s, 3, apr_time_now());
        rc |= run(u->idx, s);
        u->moves++;
    }

    for (r = sec; r; r = r->parent) {
        if (!draft && pub) {
            rc |= membership(u, S_SA_DELETE, r->l.id, pub, rel, 0, 0);
            list_delta(&r->l, pub, exp, digest, -1);
        } else {
            r->l.total--;
            r->l.dirty = 1;
        }
        if (!r->l.total) /* out of the navigation (finish_sections) */
            u->sections_changed = 1;
    }
    if (!draft && pub && (s = stmt(u->idx, S_FTS_DELETE))) {
        sqlite3_bind_int64(s, 1, np_search_key(pub, id));
        rc |= run(u->idx, s);
        if ((s = stmt(u->idx, S_FTS_ROW_DELETE))) {
            sqlite3_bind_int64(s, 1, np_search_key(pub, id));
            rc |= run(u->idx, s);
        }
    }
    slugs = tag_slugs(p, split(p, tags, RS));
    for (i = 0; !draft && pub && i < slugs->nelts; i++) {
        tag_rec *t = tag_get(u, ((const char **)slugs->elts)[2 * i], NULL);
        if (!t)
            continue;
        rc |= membership(u, S_AT_DELETE, t->l.id, pub, rel, 0, 0);
        list_delta(&t->l, pub, exp, digest, -1);
    }
    if ((s = stmt(u->idx, S_BODY_DELETE))) {
        sqlite3_bind_int64(s, 1, id);
        rc |= run(u->idx, s);
    }
    if ((s = stmt(u->idx, S_PREV_DELETE))) {
        sqlite3_bind_int64(s, 1, id);
        rc |= run(u->idx, s);
    }
    if ((s = stmt(u->idx, S_ART_DELETE))) {
        sqlite3_bind_int64(s, 1, id);
        rc |= run(u->idx, s);
    }
    apr_pool_destroy(p);
    return rc ? -1 : 0;
}

/* The columns of fulltext; the body is given as HTML. */
enum {
    FTS_TITLE,
    FTS_SUBTITLE,
    FTS_SUMMARY,
    FTS_BODY,
    FTS_TAGS,
    FTS_AUTHORS,
    FTS_SOURCE,
    FTS_NCOLS
};

static int fts_insert(np_index *idx, apr_pool_t *p, apr_int64_t key, apr_int64_t section,
                      apr_time_t exp, const char *const *text, const char *html, apr_size_t len)
{
    sqlite3_stmt *s = stmt(idx, S_FTS_INSERT);
    int i, rc;
    if (!s)
        return -1;
    sqlite3_bind_int64(s, 1, key);
    for (i = 0; i < FTS_NCOLS; i++)
        bind_text(s, 2 + i,
                  i == FTS_BODY ? (html ? np_search_text_of_html(p, html, len) : NULL)
                                : np_search_clean(p, text[i]));
    rc = run(idx, s);
    if (!(s = stmt(idx, S_FTS_ROW_INSERT)))
        return -1;
    sqlite3_bind_int64(s, 1, key);
    sqlite3_bind_int64(s, 2, section);
    sqlite3_bind_int64(s, 3, exp);
    return rc | run(idx, s);
}

static int insert_article(upd *u, const job *j, apr_pool_t *p)
{
    const np_article *a = j->a;
    sqlite3_stmt *s = stmt(u->idx, u->bulk ? S_STAGE_ART : S_ART_INSERT);
    apr_uint64_t digest = entry_digest(j->path, j->mtime, j->size);
    apr_time_t pub = a->published.t, exp = a->expires.t;
    apr_array_header_t *slugs;
    apr_int64_t id, body = 0;
    sec_rec *r;
    int rc = 0, i, listed = !a->draft && pub;

    if (!s)
        return -1;
    /* the body first, for its key (in a first build too: bodies are not numbered again) */
    if (a->body_html) {
        sqlite3_stmt *b = stmt(u->idx, S_BODY_INSERT);
        if (!b)
            return -1;
        sqlite3_bind_blob(b, 1, a->body_html, (int)a->body_len, SQLITE_STATIC);
        if (run(u->idx, b) != 0)
            return -1;
        body = sqlite3_last_insert_rowid(u->idx->db);
    }
    bind_text(s, 1, j->rel);
    sqlite3_bind_int64(s, 2, j->sec->l.id);
    bind_text(s, 3, j->slug);
    bind_text(s, 4, a->id);
    bind_text(s, 5, a->title ? a->title : "");
    bind_text(s, 6, a->subtitle);
    bind_text(s, 7, a->summary);
    bind_text(s, 8, join_strings(p, a->authors));
    bind_text(s, 9, a->source);
    bind_text(s, 10, a->source_href);
    bind_text(s, 11, a->lang);
    sqlite3_bind_int64(s, 12, pub);
    sqlite3_bind_int(s, 13, date_fmt(&a->published));
    sqlite3_bind_int64(s, 14, a->updated.t);
    sqlite3_bind_int(s, 15, date_fmt(&a->updated));
    sqlite3_bind_int64(s, 16, exp);
    sqlite3_bind_int(s, 17, date_fmt(&a->expires));
    sqlite3_bind_int(s, 18, a->draft);
    bind_text(s, 19, join_strings(p, a->tags));
    bind_text(s, 20, join_related(p, a->related));
    bind_text(s, 21, join_image(p, a->image));
    bind_text(s, 22, a->format);
    sqlite3_bind_int64(s, 23, j->mtime);
    sqlite3_bind_int64(s, 24, j->size);
    sqlite3_bind_int64(s, 25, (sqlite3_int64)digest);
    bind_text(s, 26, join_corrections(p, a->corrections));
    bind_text(s, 27, a->translation_of);
    bind_text(s, 28, a->translation_of ? a->translation_of : a->id);
    bind_text(s, 29, join_strings(p, a->previous));
    if (body)
        sqlite3_bind_int64(s, 30, body);
    if (run(u->idx, s) != 0)
        return -1;
    id = sqlite3_last_insert_rowid(u->idx->db);
    if ((s = stmt(u->idx, S_MOVE_DELETE))) { /* its address is live again */
        bind_text(s, 1, *j->sec->path ? apr_pstrcat(p, j->sec->path, "/", j->slug, NULL) : j->slug);
        rc |= run(u->idx, s);
    }
    for (i = 0; a->previous && i < a->previous->nelts; i++)
        if ((s = stmt(u->idx, S_PREV_INSERT))) {
            bind_text(s, 1, APR_ARRAY_IDX(a->previous, i, const char *));
            sqlite3_bind_int64(s, 2, pub);
            bind_text(s, 3, j->rel);
            sqlite3_bind_int64(s, 4, id);
            rc |= run(u->idx, s);
        }
    if (listed && !u->bulk) { /* a first build writes the full text at its end */
        const char *text[FTS_NCOLS] = {
            a->title ? a->title : "", a->subtitle, a->summary, NULL, join_text(p, a->tags),
            join_text(p, a->authors), a->source};
        rc |= fts_insert(u->idx, p, np_search_key(pub, id), j->sec->l.id, exp, text, a->body_html,
                         a->body_len);
    }
    for (r = j->sec; r; r = r->parent) {
        if (listed) {
            rc |= membership(u, S_SA_INSERT, r->l.id, pub, j->rel, id, exp);
            list_delta(&r->l, pub, exp, digest, 1);
        } else {
            r->l.total++;
            r->l.dirty = 1;
        }
        if (r->l.total == 1) /* into the navigation (finish_sections) */
            u->sections_changed = 1;
    }
    slugs = tag_slugs(p, a->tags);
    for (i = 0; listed && i < slugs->nelts; i++) {
        const char **pair = &((const char **)slugs->elts)[2 * i];
        tag_rec *t = tag_get(u, pair[0], pair[1]);
        if (!t)
            return -1;
        rc |= membership(u, S_AT_INSERT, t->l.id, pub, j->rel, id, exp);
        list_delta(&t->l, pub, exp, digest, 1);
    }
    return rc ? -1 : 0;
}

static int error_set(upd *u, const char *path, const char *msg, apr_time_t mtime, apr_off_t size)
{
    sqlite3_stmt *s = stmt(u->idx, S_ERR_SET);
    u->has_errors = 1;
    if (!s)
        return -1;
    bind_text(s, 1, path);
    bind_text(s, 2, msg);
    sqlite3_bind_int64(s, 3, mtime);
    sqlite3_bind_int64(s, 4, size);
    return run(u->idx, s);
}

static int error_delete(upd *u, const char *path)
{
    sqlite3_stmt *s;
    if (!u->has_errors)
        return 0;
    if (!(s = stmt(u->idx, S_ERR_DELETE)))
        return -1;
    bind_text(s, 1, path);
    return run(u->idx, s);
}

static int write_job(upd *u, job *j, apr_pool_t *p)
{
    int rc = 0;
    if (j->a) {
        if (j->old_id) {
            rc |= delete_article(u, j->old_id);
            u->st->changed++;
        } else {
            u->st->added++;
        }
        rc |= insert_article(u, j, p);
        rc |= error_delete(u, j->path);
    } else if (j->gone) {
        if (j->old_id) {
            rc |= delete_article(u, j->old_id);
            u->st->deleted++;
        }
        rc |= error_delete(u, j->path);
    } else {
        u->st->errors++;
        np_log(u->idx->o.log, NP_LOG_ERR, "%s", j->err);
        rc |= error_set(u, j->path, j->err, j->mtime, j->size);
        if (j->old_id && u->idx->o.stale_on_error) {
            /* The row keeps the last good version (and its mtime and size, so the next pass
             * looks again); the errors row says which version of the file is broken. */
            sqlite3_stmt *s = stmt(u->idx, S_ART_STALE);
            u->st->stale++;
            if (s) {
                sqlite3_bind_int64(s, 1, j->old_id);
                rc |= run(u->idx, s);
            }
        } else if (j->old_id) {
            rc |= delete_article(u, j->old_id);
            u->st->deleted++;
        }
    }
    return rc;
}

/* ---- parsing threads ---- */

/* A first build's file is stat()ed by nothing but its read: the version recorded is the one
 * read. Not opened: stat() says, as it did before the read. Returns 0 when the file is gone. */
static int version_read(job *j, const np_article_report *rep)
{
    struct stat sb;
    if (rep->size >= 0) {
        j->mtime = rep->mtime;
        j->size = rep->size;
        return 1;
    }
    if (stat(j->path, &sb) != 0)
        return 0;
    j->mtime = np_file_mtime(&sb);
    j->size = sb.st_size;
    return 1;
}

/* rootfd: the content folder, opened once by the thread for the pass (-1: for each file). */
static void parse_job(upd *u, job *j, apr_pool_t *p, int rootfd)
{
    np_article_opts ao;
    np_article_report rep;
    const char *err = NULL;
    int tries;
    struct stat sb;
    ao.max_size = u->idx->o.max_article_size;
    ao.tz = u->idx->o.tz;
    ao.with_body = 1;
    ao.root = u->idx->o.dir;
    memset(&rep, 0, sizeof(rep));
    {
        int i;
        rep.notes = apr_array_make(p, 0, sizeof(np_article_note));
        j->a = np_article_load_at(p, rootfd, j->path, j->slug, &ao, &rep, &err);
        if (j->need_stat && !version_read(j, &rep)) {
            j->a = NULL;
            j->gone = 1;
            return;
        }
        /* What the limits cut, logged once: a file is read again only when it changed. */
        for (i = 0; j->a && i < rep.notes->nelts; i++) {
            const np_article_note *n = &APR_ARRAY_IDX(rep.notes, i, np_article_note);
            np_log(u->idx->o.log, NP_LOG_WARNING, "%s:%ld:%ld: %s", j->path, n->line, n->col,
                   n->message);
        }
    }
    /* A file written in the last second may be half-written: read it again shortly. */
    rep.notes = NULL;
    for (tries = 0; !j->a && tries < 5 && j->mtime > apr_time_now() - apr_time_from_sec(1);
         tries++) {
        apr_sleep(apr_time_from_msec(20));
        j->a = np_article_load_at(p, rootfd, j->path, j->slug, &ao, &rep, &err);
        if (j->need_stat && rep.size >= 0) {
            j->mtime = rep.mtime;
            j->size = rep.size;
        }
    }
    if (!j->a) {
        j->err = err ? err : apr_psprintf(p, "%s:0:0: cannot be read", j->path);
        j->gone = stat(j->path, &sb) != 0 && errno == ENOENT;
    }
}

static void *worker(void *arg)
{
    worker_arg *wa = arg;
    upd *u = wa->u;
    /* Once per pass (the folder may be replaced between passes), not once per file. */
    int rootfd = np_file_open_root(u->idx->o.dir);
    pthread_mutex_lock(&u->mu);
    for (;;) {
        batch *b;
        job *j;
        while (!u->quit && !(u->b && u->next < u->b->jobs->nelts))
            pthread_cond_wait(&u->work, &u->mu);
        if (u->quit)
            break;
        b = u->b;
        j = APR_ARRAY_IDX(b->jobs, u->next, job *);
        u->next++;
        pthread_mutex_unlock(&u->mu);
        parse_job(u, j, b->tpool[wa->t], rootfd);
        pthread_mutex_lock(&u->mu);
        if (++u->ndone == b->jobs->nelts)
            pthread_cond_broadcast(&u->done);
    }
    pthread_mutex_unlock(&u->mu);
    if (rootfd >= 0)
        close(rootfd);
    return NULL;
}

/* Two batches take turns (one parsed while the other is written); their pools are cleared,
 * not destroyed, so memory is not given back and taken again for every batch. */
static batch *batch_new(upd *u)
{
    batch *b = u->spare[0] ? u->spare[0] : u->spare[1];
    int t;
    if (b) {
        u->spare[b == u->spare[0] ? 0 : 1] = NULL;
        return b;
    }
    b = apr_pcalloc(u->pool, sizeof(*b));
    apr_pool_create(&b->pool, u->pool);
    b->jobs = apr_array_make(b->pool, u->batch_size, sizeof(job *));
    for (t = 0; t < u->nthreads; t++)
        apr_pool_create_unmanaged_ex(&b->tpool[t], NULL, NULL);
    return b;
}

static void batch_free(upd *u, batch *b)
{
    int t;
    for (t = 0; t < u->nthreads; t++)
        apr_pool_clear(b->tpool[t]);
    apr_pool_clear(b->pool);
    b->jobs = apr_array_make(b->pool, u->batch_size, sizeof(job *));
    u->spare[u->spare[0] ? 1 : 0] = b;
}

static void batch_destroy(upd *u, batch *b)
{
    int t;
    if (!b)
        return;
    for (t = 0; t < u->nthreads; t++)
        apr_pool_destroy(b->tpool[t]);
}

static void parse_wait(upd *u)
{
    pthread_mutex_lock(&u->mu);
    while (u->b && u->ndone < u->b->jobs->nelts)
        pthread_cond_wait(&u->done, &u->mu);
    u->b = NULL;
    pthread_mutex_unlock(&u->mu);
}

static void parse_start(upd *u, batch *b)
{
    pthread_mutex_lock(&u->mu);
    u->b = b;
    u->next = 0;
    u->ndone = 0;
    pthread_cond_broadcast(&u->work);
    pthread_mutex_unlock(&u->mu);
}

/* ---- visibility windows that closed between passes ---- */

int np_index_checkpoint(np_index *idx)
{
    int log = 0, done = 0;
    if (sqlite3_wal_checkpoint_v2(idx->db, NULL, SQLITE_CHECKPOINT_TRUNCATE, &log, &done) !=
        SQLITE_OK)
        return -1;
    return log == done ? 0 : -1;
}

apr_time_t np_index_next_window(np_index *idx)
{
    sqlite3_stmt *s = NULL;
    apr_time_t t = 0;
    if (sqlite3_prepare_v2(idx->db,
                           "SELECT min(u) FROM (SELECT min(vis_until) AS u FROM sections WHERE"
                           " vis_until != 0 UNION ALL SELECT min(vis_until) FROM tags WHERE"
                           " vis_until != 0)",
                           -1, &s, NULL) == SQLITE_OK &&
        sqlite3_step(s) == SQLITE_ROW)
        t = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    return t;
}

/* The ids of the lists (sections, else tags) whose stored window does not hold at now. */
static apr_array_header_t *closed_lists(np_index *idx, apr_pool_t *p, int tag, apr_time_t now)
{
    sqlite3_stmt *s = NULL;
    apr_array_header_t *out = apr_array_make(p, 8, sizeof(list_stat));
    /* the negation of list_window_holds */
    const char *sql = apr_pstrcat(p, "SELECT id, digest, total FROM ", tag ? "tags" : "sections",
                                  " WHERE vis_at = 0 OR vis_at > ?1 OR"
                                  " (vis_until != 0 AND vis_until <= ?1)",
                                  NULL);
    if (sqlite3_prepare_v2(idx->db, sql, -1, &s, NULL) != SQLITE_OK) {
        sqlite3_finalize(s);
        return NULL;
    }
    sqlite3_bind_int64(s, 1, now);
    while (sqlite3_step(s) == SQLITE_ROW) {
        list_stat *l = apr_array_push(out);
        memset(l, 0, sizeof(*l));
        l->id = sqlite3_column_int64(s, 0);
        l->digest = (apr_uint64_t)sqlite3_column_int64(s, 1);
        l->total = sqlite3_column_int64(s, 2);
    }
    sqlite3_finalize(s);
    return out;
}

apr_status_t np_index_refresh_windows(np_index *idx, apr_time_t now, int *refreshed,
                                      const char **err)
{
    apr_pool_t *p;
    int tag, i, n = 0, rc = 0;
    if (apr_pool_create(&p, idx->pool) != APR_SUCCESS)
        return APR_ENOMEM;
    if (exec(idx, "BEGIN IMMEDIATE") != 0) {
        *err = apr_pstrdup(idx->pool, sqlite3_errmsg(idx->db));
        apr_pool_destroy(p);
        return APR_EGENERAL;
    }
    for (tag = 0; tag < 2 && !rc; tag++) {
        apr_array_header_t *ls = closed_lists(idx, p, tag, now);
        rc = ls ? 0 : -1;
        for (i = 0; ls && i < ls->nelts && !rc; i++) {
            list_stat *l = &APR_ARRAY_IDX(ls, i, list_stat);
            list_recompute(idx, l, tag, now);
            rc = store_list_stat(idx, tag ? S_TAG_STATS : S_SEC_STATS, l);
            n++;
        }
    }
    /* what is visible changed: readers take the new figures with a new generation */
    if (!rc && n)
        rc = run(idx, stmt(idx, S_GEN_BUMP));
    if (rc || exec(idx, "COMMIT") != 0) {
        *err = apr_pstrdup(idx->pool, sqlite3_errmsg(idx->db));
        exec(idx, "ROLLBACK");
        apr_pool_destroy(p);
        return APR_EGENERAL;
    }
    if (refreshed)
        *refreshed = n;
    apr_pool_destroy(p);
    return APR_SUCCESS;
}

/* Ends the write transaction; the generation moves only when something changed, so readers'
 * caches survive a pass that found nothing new. */
static int end_txn(upd *u)
{
    if (write_stats(u) != 0)
        return -1;
    if (sqlite3_total_changes(u->idx->db) != u->changes &&
        run(u->idx, stmt(u->idx, S_GEN_BUMP)) != 0)
        return -1;
    if (exec(u->idx, "COMMIT") != 0)
        return -1;
    u->changes = sqlite3_total_changes(u->idx->db);
    u->st->commits++;
    return 0;
}

static int commit(upd *u)
{
    if (end_txn(u) != 0)
        return -1;
    if (u->idx->o.progress)
        u->idx->o.progress(u->idx->o.baton, u->st);
    return exec(u->idx, "BEGIN IMMEDIATE");
}

/* A list as stored (join_strings) to a list as text for the full-text index (join_text). */
static const char *stored_to_text(apr_pool_t *p, const char *s)
{
    return s ? join_text(p, split(p, s, RS)) : NULL;
}

static int cancelled(upd *u);

static const char *build_file(np_index *idx, apr_pool_t *p)
{
    return apr_pstrcat(p, idx->file, "-build", NULL);
}

/* The scratch database of a first build (bulk_begin_sql): made anew, outside a transaction. */
static int build_attach(np_index *idx, apr_pool_t *p)
{
    const char *file = build_file(idx, p);
    char *sql;
    int rc, fd;
    unlink_db(file);
    /* made here to be the writer's alone: it holds drafts and embargoed articles too */
    if ((fd = open(file, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0600)) < 0) {
        np_log(idx->o.log, NP_LOG_ERR, "%s: %s", file, strerror(errno));
        return -1;
    }
    close(fd);
    sql = sqlite3_mprintf("ATTACH %Q AS build", file);
    rc = sql ? exec(idx, sql) : -1;
    sqlite3_free(sql);
    /* nothing in it outlives the build: no journal, no sync, pages as big as they come */
    return rc || exec(idx, "PRAGMA build.journal_mode=OFF; PRAGMA build.synchronous=OFF;"
                           " PRAGMA build.page_size=65536; PRAGMA build.cache_size=-65536")
               ? -1
               : 0;
}

static const char *new_file(np_index *idx, apr_pool_t *p)
{
    return apr_pstrcat(p, idx->file, "-new", NULL);
}

/* A first build writes a new file beside the index (FILE-new) and renames it over the index
 * once complete (bulk_close). Nobody reads it before, so it is written without the write-ahead
 * log, whose checkpoints would copy each of its pages a second time; the index keeps being
 * what readers see (nothing yet: they answer 503) and what outlives a build (moves) is carried
 * over. Ownership and mode are the index file's. */
static int bulk_open(np_index *idx, apr_pool_t *p)
{
    const char *nf = new_file(idx, p);
    apr_array_header_t *moves = moves_read(idx, p), *meta = apr_array_make(p, 16, sizeof(char *));
    sqlite3_stmt *q = NULL;
    struct stat sb;
    int fd, i, have = stat(idx->file, &sb) == 0;
    /* what the indexer published (its pid, state, watch mode) */
    if (sqlite3_prepare_v2(idx->db, "SELECT key, value FROM meta WHERE value IS NOT NULL", -1, &q,
                           NULL) == SQLITE_OK)
        while (sqlite3_step(q) == SQLITE_ROW) {
            APR_ARRAY_PUSH(meta, char *) = apr_pstrdup(p, (const char *)sqlite3_column_text(q, 0));
            APR_ARRAY_PUSH(meta, char *) = apr_pstrdup(p, (const char *)sqlite3_column_text(q, 1));
        }
    sqlite3_finalize(q);
    unlink_db(nf);
    if ((fd = open(nf, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, have ? sb.st_mode & 0666 : 0600)) <
        0) {
        np_log(idx->o.log, NP_LOG_ERR, "%s: %s", nf, strerror(errno));
        return -1;
    }
    /* exactly, whatever the umask */
    if (have && fchmod(fd, sb.st_mode & 0666) != 0)
        np_log(idx->o.log, NP_LOG_WARNING, "%s: %s", nf, strerror(errno));
    if (have && geteuid() == 0 && (sb.st_uid != 0 || sb.st_gid != 0) &&
        fchown(fd, sb.st_uid, sb.st_gid) != 0)
        np_log(idx->o.log, NP_LOG_WARNING, "%s: %s", nf, strerror(errno));
    close(fd);
    close_db(idx);
    if (open_db_at(idx, nf) != 0 ||
        exec(idx, "PRAGMA journal_mode=MEMORY; PRAGMA synchronous=OFF") != 0 ||
        create_schema(idx) != 0) {
        np_log(idx->o.log, NP_LOG_ERR, "%s: %s", nf,
               idx->db ? sqlite3_errmsg(idx->db) : "cannot open");
        close_db(idx);
        unlink_db(nf);
        return open_writer(idx) != 0 ? -2 : -1;
    }
    writer_pragmas(idx);
    moves_write(idx, moves);
    if (sqlite3_prepare_v2(idx->db, "INSERT OR IGNORE INTO meta(key, value) VALUES(?1, ?2)", -1, &q,
                           NULL) == SQLITE_OK)
        for (i = 0; i + 1 < meta->nelts; i += 2) {
            bind_text(q, 1, APR_ARRAY_IDX(meta, i, const char *));
            bind_text(q, 2, APR_ARRAY_IDX(meta, i + 1, const char *));
            sqlite3_step(q);
            sqlite3_reset(q);
        }
    sqlite3_finalize(q);
    return 0;
}

/* The end of a first build: the new file, complete (ok) and synced, renamed over the index,
 * else deleted; either way the writer holds the index file again. The index's log and its
 * index are removed first: they belong to the file being replaced. */
static int bulk_close(np_index *idx, apr_pool_t *p, int ok)
{
    const char *nf = new_file(idx, p);
    int fd = -1, rc = 0;
    if (ok) {
        /* as the index file is: readers need the log's shared memory, not a lock of the file */
        sqlite3_stmt *q = NULL;
        ok = sqlite3_prepare_v2(idx->db, "PRAGMA journal_mode=WAL", -1, &q, NULL) == SQLITE_OK &&
             sqlite3_step(q) == SQLITE_ROW &&
             strcmp((const char *)sqlite3_column_text(q, 0), "wal") == 0;
        sqlite3_finalize(q);
        if (!ok)
            np_log(idx->o.log, NP_LOG_ERR, "%s: cannot use a write-ahead log: %s", nf,
                   sqlite3_errmsg(idx->db));
    }
    close_db(idx);
    if (ok && ((fd = open(nf, O_RDONLY | O_CLOEXEC)) < 0 || fsync(fd) != 0)) {
        np_log(idx->o.log, NP_LOG_ERR, "%s: %s", nf, strerror(errno));
        ok = 0;
    }
    if (fd >= 0)
        close(fd);
    if (ok) {
        const char *slash = strrchr(idx->file, '/');
        unlink_log(idx->file);
        if (rename(nf, idx->file) != 0) {
            np_log(idx->o.log, NP_LOG_ERR, "%s: %s", idx->file, strerror(errno));
            ok = 0;
        } else if ((fd = open(slash ? apr_pstrndup(p, idx->file, slash - idx->file + 1) : ".",
                              O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0) {
            fsync(fd); /* the rename */
            close(fd);
        }
    }
    if (!ok) {
        unlink_db(nf);
        rc = -1;
    }
    if (open_writer(idx) != 0) {
        np_log(idx->o.log, NP_LOG_ERR, "%s: %s", idx->file,
               idx->db ? sqlite3_errmsg(idx->db) : "cannot open");
        rc = -1;
    }
    return rc;
}

static void build_detach(np_index *idx, apr_pool_t *p)
{
    static const int staged[] = {S_STAGE_ANCESTOR, S_STAGE_AT, S_STAGE_ART};
    size_t i;
    for (i = 0; i < sizeof(staged) / sizeof(staged[0]); i++) {
        sqlite3_finalize(idx->st[staged[i]]);
        idx->st[staged[i]] = NULL;
    }
    exec(idx, "DETACH build");
    unlink(build_file(idx, p));
}

/* The end of a first build, before bulk_end_sql: see bulk_renumber_sql. */
static int bulk_renumber(upd *u)
{
    np_index *idx = u->idx;
    sqlite3_stmt *s = NULL;
    apr_pool_t *p;
    apr_int64_t last = 0;
    apr_time_t t0;
    apr_hash_index_t *hi;
    int rc = 0, n = 1;

    /* each section with itself and those above it, for the lists (bulk_end_sql) */
    for (hi = apr_hash_first(u->pool, u->secs); hi; hi = apr_hash_next(hi)) {
        const sec_rec *r = apr_hash_this_val(hi), *a;
        for (a = r; a; a = a->parent) {
            if (!(s = stmt(idx, S_STAGE_ANCESTOR)))
                return -1;
            sqlite3_bind_int64(s, 1, r->l.id);
            sqlite3_bind_int64(s, 2, a->l.id);
            if (run(idx, s) != 0)
                return -1;
        }
    }
    s = NULL;
    if (exec(idx, bulk_renumber_sql) != 0 || commit(u) != 0)
        return -1;
    if (sqlite3_prepare_v2(idx->db,
                           "SELECT a.id, a.section, a.published, a.expires, a.title, a.subtitle,"
                           " a.summary, a.tags, a.authors, a.source, b.html FROM articles a"
                           " LEFT JOIN bodies b ON b.id = a.body WHERE a.id > ?1"
                           " AND a.draft = 0 AND a.published != 0 ORDER BY a.id LIMIT 25000",
                           -1, &s, NULL) != SQLITE_OK) {
        np_log(idx->o.log, NP_LOG_ERR, "%s: %s", idx->file, sqlite3_errmsg(idx->db));
        return -1;
    }
    apr_pool_create(&p, u->pool);
    t0 = apr_time_now();
    /* in steps, each its own transaction, so that the log stays small */
    while (!rc && n && !cancelled(u)) {
        int step = SQLITE_DONE;
        n = 0;
        sqlite3_bind_int64(s, 1, last);
        while (!rc && (step = sqlite3_step(s)) == SQLITE_ROW) {
            const char *text[FTS_NCOLS];
            apr_time_t pub = sqlite3_column_int64(s, 2);
            last = sqlite3_column_int64(s, 0);
            text[FTS_TITLE] = (const char *)sqlite3_column_text(s, 4);
            text[FTS_SUBTITLE] = (const char *)sqlite3_column_text(s, 5);
            text[FTS_SUMMARY] = (const char *)sqlite3_column_text(s, 6);
            text[FTS_BODY] = NULL;
            text[FTS_TAGS] = stored_to_text(p, (const char *)sqlite3_column_text(s, 7));
            text[FTS_AUTHORS] = stored_to_text(p, (const char *)sqlite3_column_text(s, 8));
            text[FTS_SOURCE] = (const char *)sqlite3_column_text(s, 9);
            rc = fts_insert(idx, p, np_search_key(pub, last), sqlite3_column_int64(s, 1),
                            sqlite3_column_int64(s, 3), text,
                            (const char *)sqlite3_column_blob(s, 10),
                            (apr_size_t)sqlite3_column_bytes(s, 10));
            apr_pool_clear(p);
            n++;
        }
        if (!rc && step != SQLITE_DONE) {
            np_log(idx->o.log, NP_LOG_ERR, "%s: %s", idx->file, sqlite3_errmsg(idx->db));
            rc = -1;
        }
        sqlite3_reset(s);
        if (!rc && n)
            rc = commit(u);
    }
    sqlite3_finalize(s);
    apr_pool_destroy(p);
    u->st->fulltext = apr_time_now() - t0;
    return rc || u->cancelled ? -1 : 0;
}

/* The caller asked the pass to stop (a server stopping): checked between transactions and
 * folders, so what is committed stays a consistent prefix of the pass. */
static int cancelled(upd *u)
{
    if (!u->cancelled && u->idx->o.cancel && *u->idx->o.cancel) {
        u->cancelled = 1;
        u->failed = 1;
    }
    return u->cancelled;
}

/* Writes the batch parsed before (while the threads parse the current one) and commits. */
static int flush(upd *u)
{
    batch *prev;
    int rc = 0, i;
    parse_wait(u);
    if (cancelled(u))
        return -1;
    prev = u->parsing;
    u->parsing = NULL;
    if (u->cur->jobs->nelts) {
        u->parsing = u->cur;
        u->cur = batch_new(u);
        parse_start(u, u->parsing);
    }
    if (prev) {
        apr_pool_t *p;
        apr_pool_create(&p, u->pool);
        for (i = 0; i < prev->jobs->nelts && !rc; i++) {
            rc |= write_job(u, APR_ARRAY_IDX(prev->jobs, i, job *), p);
            apr_pool_clear(p);
        }
        apr_pool_destroy(p);
        batch_free(u, prev);
    }
    if (!rc)
        rc = commit(u);
    if (rc)
        u->failed = 1;
    return rc;
}

/* ---- walking the tree ---- */

/* _section.xml, read as the scan reads it (np_content.c). */
static int section_meta(upd *u, sec_rec *r, const char *name)
{
    np_index *idx = u->idx;
    apr_pool_t *tmp;
    const char *path, *err = NULL, *title = NULL, *desc = NULL, *lang = NULL;
    int order = ORDER_NONE, page_size = 0, has = 0, rc;
    struct stat sb;
    sqlite3_stmt *s;

    apr_pool_create(&tmp, u->pool);
    path = apr_pstrcat(tmp, r->dir, "/_section.xml", NULL);
    if (stat(path, &sb) == 0) {
        np_section_meta m;
        has = 1;
        if (np_section_meta_read(tmp, idx->o.dir, path, idx->o.max_article_size, idx->o.log, &m,
                                 &err)) {
            np_log(idx->o.log, NP_LOG_ERR, "%s", err);
            error_set(u, path, err, 0, 0);
        } else {
            title = m.title;
            desc = m.description;
            lang = m.lang;
            if (m.has_order)
                order = m.order;
            page_size = m.page_size;
            error_delete(u, path);
        }
    } else {
        error_delete(u, path);
    }
    if (!title && r->parent)
        title = np_section_title_from_name(tmp, name);
    if (!(s = stmt(idx, S_SEC_META))) {
        apr_pool_destroy(tmp);
        return -1;
    }
    sqlite3_bind_int64(s, 1, r->l.id);
    bind_text(s, 2, title);
    bind_text(s, 3, desc);
    bind_text(s, 4, lang);
    sqlite3_bind_int(s, 5, order);
    sqlite3_bind_int(s, 6, page_size);
    sqlite3_bind_int(s, 7, has);
    sqlite3_bind_int64(s, 8, has ? np_file_mtime(&sb) : 0);
    sqlite3_bind_int64(s, 9, has ? (sqlite3_int64)sb.st_size : 0);
    rc = run(idx, s);
    r->has_meta = has;
    r->meta_mtime = has ? np_file_mtime(&sb) : 0;
    r->meta_size = has ? (apr_off_t)sb.st_size : 0;
    u->sections_changed = 1;
    apr_pool_destroy(tmp);
    return rc;
}

typedef struct {
    apr_int64_t id;
    apr_time_t mtime;
    apr_off_t size;
    int stale, seen;
} known_file;

static int cmp_name(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int walk(upd *u, sec_rec *parent, const char *dir, const char *name, int recurse);

static sec_rec *section_for(upd *u, sec_rec *parent, const char *dir, const char *name,
                            apr_time_t mtime)
{
    const char *path = !parent         ? ""
                       : *parent->path ? apr_pstrcat(u->pool, parent->path, "/", name, NULL)
                                       : apr_pstrdup(u->pool, name);
    sec_rec *r = apr_hash_get(u->secs, path, APR_HASH_KEY_STRING);
    sqlite3_stmt *s;
    if (r) {
        if (strcmp(r->dir, dir) != 0 || r->mtime != mtime) {
            if (!(s = stmt(u->idx, S_SEC_DIR)))
                return NULL;
            sqlite3_bind_int64(s, 1, r->l.id);
            bind_text(s, 2, dir);
            sqlite3_bind_int64(s, 3, mtime);
            if (run(u->idx, s) != 0)
                return NULL;
            r->dir = apr_pstrdup(u->pool, dir);
            r->mtime = mtime;
            r->folder_dirty = 1;
        }
        return r;
    }
    if (!(s = stmt(u->idx, S_SEC_INSERT)))
        return NULL;
    bind_text(s, 1, path);
    if (parent)
        sqlite3_bind_int64(s, 2, parent->l.id);
    bind_text(s, 3, dir);
    bind_text(s, 4, parent ? np_section_title_from_name(u->pool, name) : NULL);
    sqlite3_bind_int(s, 5, parent ? parent->depth + 1 : 0);
    sqlite3_bind_int64(s, 6, mtime);
    sqlite3_bind_int64(s, 7, u->t0);
    if (run(u->idx, s) != 0)
        return NULL;
    r = apr_pcalloc(u->pool, sizeof(*r));
    r->l.id = sqlite3_last_insert_rowid(u->idx->db);
    r->l.at = u->t0;
    r->path = path;
    r->dir = apr_pstrdup(u->pool, dir);
    r->parent = parent;
    r->depth = parent ? parent->depth + 1 : 0;
    r->mtime = mtime;
    r->has_meta = -1; /* not looked at yet */
    r->folder_dirty = 1;
    sec_index(u, r);
    u->sections_changed = 1;
    return r;
}

/* Deletes a section that vanished, with everything below it. */
static int drop_section(upd *u, sec_rec *r)
{
    apr_hash_index_t *hi;
    sqlite3_stmt *s;
    apr_array_header_t *ids = apr_array_make(u->pool, 16, sizeof(apr_int64_t));
    apr_array_header_t *kids = apr_array_make(u->pool, 4, sizeof(sec_rec *));
    int i, rc = 0;
    if (r->gone)
        return 0;
    /* children first, so each article leaves its lists while they still exist */
    for (hi = apr_hash_first(u->pool, u->secs); hi; hi = apr_hash_next(hi)) {
        sec_rec *k = apr_hash_this_val(hi);
        if (k->parent == r && !k->gone)
            APR_ARRAY_PUSH(kids, sec_rec *) = k;
    }
    for (i = 0; i < kids->nelts; i++)
        rc |= drop_section(u, APR_ARRAY_IDX(kids, i, sec_rec *));
    if (!(s = stmt(u->idx, S_ART_OF_SECTION)))
        return -1;
    sqlite3_bind_int64(s, 1, r->l.id);
    while (sqlite3_step(s) == SQLITE_ROW)
        APR_ARRAY_PUSH(ids, apr_int64_t) = sqlite3_column_int64(s, 0);
    sqlite3_reset(s);
    for (i = 0; i < ids->nelts; i++) {
        rc |= delete_article(u, APR_ARRAY_IDX(ids, i, apr_int64_t));
        u->st->deleted++;
    }
    if ((s = stmt(u->idx, S_SEC_DELETE))) {
        sqlite3_bind_int64(s, 1, r->l.id);
        rc |= run(u->idx, s);
    }
    if ((s = stmt(u->idx, S_FOLDER_DELETE))) {
        bind_text(s, 1, r->dir);
        rc |= run(u->idx, s);
    }
    r->gone = 1;
    apr_hash_set(u->secs, r->path, APR_HASH_KEY_STRING, NULL);
    apr_hash_set(u->sec_ids, &r->l.id, sizeof(r->l.id), NULL);
    u->sections_changed = 1;
    return rc;
}

/* One folder: its section row and metadata, its article files against the index's rows, then
 * its subfolders (all of them when recurse, else only those new to the index). */
static int walk_folder(upd *u, sec_rec *parent, const char *dir, const char *name, int recurse,
                       const struct stat *dsb)
{
    apr_pool_t *tmp;
    DIR *d;
    struct dirent *de;
    apr_array_header_t *names;
    apr_hash_t *known;
    sec_rec *r;
    sqlite3_stmt *s;
    int i, fd, rc = 0;
    apr_hash_index_t *hi;

    if (cancelled(u) || !(r = section_for(u, parent, dir, name, np_file_mtime(dsb))))
        return -1;
    r->seen = 1;
    r->walked = 1;
    u->st->folders++;
    apr_pool_create(&tmp, u->pool);
    {
        struct stat msb;
        const char *meta = apr_pstrcat(tmp, dir, "/_section.xml", NULL);
        int has = stat(meta, &msb) == 0 && S_ISREG(msb.st_mode);
        /* read _section.xml again when it appeared, vanished or changed */
        if (r->has_meta < 0 || has != r->has_meta ||
            (has &&
             (r->meta_mtime != np_file_mtime(&msb) || r->meta_size != (apr_off_t)msb.st_size)))
            rc |= section_meta(u, r, name);
    }
    if (r->folder_dirty && (s = stmt(u->idx, S_FOLDER_SET))) {
        bind_text(s, 1, dir);
        sqlite3_bind_int64(s, 2, np_file_mtime(dsb));
        rc |= run(u->idx, s);
        r->folder_dirty = 0;
    }

    /* what the index knows of this folder */
    known = apr_hash_make(tmp);
    if (!u->bulk && (s = stmt(u->idx, S_KNOWN))) {
        sqlite3_bind_int64(s, 1, r->l.id);
        while (sqlite3_step(s) == SQLITE_ROW) {
            known_file *k = apr_palloc(tmp, sizeof(*k));
            k->id = sqlite3_column_int64(s, 0);
            k->mtime = sqlite3_column_int64(s, 2);
            k->size = sqlite3_column_int64(s, 3);
            k->stale = sqlite3_column_int(s, 4);
            k->seen = 0;
            apr_hash_set(known, apr_pstrdup(tmp, (const char *)sqlite3_column_text(s, 1)),
                         APR_HASH_KEY_STRING, k);
        }
        sqlite3_reset(s);
    }

    names = apr_array_make(tmp, 64, sizeof(const char *));
    if (!(d = opendir(dir))) {
        const char *msg = apr_psprintf(tmp, "%s:0:0: cannot read the folder", dir);
        np_log(u->idx->o.log, NP_LOG_ERR, "%s", msg);
        error_set(u, dir, msg, 0, 0);
        apr_pool_destroy(tmp);
        return rc;
    }
    fd = dirfd(d);
    error_delete(u, dir);
    while ((de = readdir(d)))
        if (de->d_name[0] != '.' && de->d_name[0] != '_')
            APR_ARRAY_PUSH(names, const char *) = apr_pstrcat(tmp,
                                                              de->d_type == DT_DIR   ? "d"
                                                              : de->d_type == DT_REG ? "f"
                                                                                     : "?",
                                                              de->d_name, NULL);
    qsort(names->elts, names->nelts, sizeof(const char *), cmp_name);

    for (i = 0; i < names->nelts && !u->failed; i++) {
        const char *n = APR_ARRAY_IDX(names, i, const char *) + 1;
        char type = APR_ARRAY_IDX(names, i, const char *)[0];
        int de_known = type != '?'; /* the listing said; nothing stat()ed yet */
        const char *path = apr_pstrcat(tmp, dir, "/", n, NULL);
        size_t len = strlen(n);
        struct stat sb;
        if (type == '?') {
            struct stat lsb;
            if (fstatat(fd, n, &lsb, AT_SYMLINK_NOFOLLOW) != 0)
                continue;
            if (S_ISLNK(lsb.st_mode)) {
                /* Followed as reading it would be (np_file_open_beneath), or not at all. */
                np_file_status fst;
                int fe;
                apr_filetype_e ft = np_file_type_beneath(u->idx->o.dir, path, &fst, &fe);
                if (ft == APR_NOFILE) {
                    if (fst != NP_FILE_ERRNO)
                        np_log(u->idx->o.log, NP_LOG_WARNING, "%s: %s", path,
                               np_file_strerror(tmp, fst, fe, "the content folder"));
                    continue;
                }
                if (stat(path, &sb) != 0)
                    continue;
                type = ft == APR_DIR ? 'd' : ft == APR_REG ? 'f' : 'x';
            } else {
                sb = lsb;
                type = S_ISDIR(sb.st_mode) ? 'd' : S_ISREG(sb.st_mode) ? 'f' : 'x';
            }
        }
        if (type == 'd') {
            sec_rec *kid;
            if (!np_content_name_ok(n)) {
                np_log(u->idx->o.log, NP_LOG_WARNING,
                       "%s: folder name is not [A-Za-z0-9][A-Za-z0-9._-]*; skipped", path);
                continue;
            }
            kid = apr_hash_get(u->secs, *r->path ? apr_pstrcat(tmp, r->path, "/", n, NULL) : n,
                               APR_HASH_KEY_STRING);
            if (recurse || !kid)
                rc |= walk(u, r, path, apr_pstrdup(u->pool, n), 1);
            else
                kid->seen = 1;
        } else if (type == 'f' && len > 4 && strcmp(n + len - 4, ".xml") == 0) {
            const char *slug = apr_pstrndup(tmp, n, len - 4);
            known_file *k;
            apr_time_t mt;
            job *j;
            if (!np_content_name_ok(slug)) {
                np_log(u->idx->o.log, NP_LOG_WARNING,
                       "%s: file name is not [A-Za-z0-9][A-Za-z0-9._-]*.xml; skipped", path);
                continue;
            }
            /* a first build reads every file: the parsing thread stats it */
            if (u->bulk && de_known) {
                sb.st_size = 0;
                sb.st_mtim.tv_sec = 0;
                sb.st_mtim.tv_nsec = 0;
            } else if (de_known && fstatat(fd, n, &sb, 0) != 0) {
                continue;
            }
            mt = np_file_mtime(&sb);
            u->st->files++;
            k = apr_hash_get(known, slug, APR_HASH_KEY_STRING);
            if (k)
                k->seen = 1;
            if (k && k->mtime == mt && k->size == (apr_off_t)sb.st_size && !k->stale)
                continue;
            if ((!k || k->stale) && u->has_errors && (s = stmt(u->idx, S_ERR_GET))) {
                /* broken, and still the same broken version: nothing to read */
                int same;
                bind_text(s, 1, path);
                same = sqlite3_step(s) == SQLITE_ROW && sqlite3_column_int64(s, 0) == mt &&
                       sqlite3_column_int64(s, 1) == (sqlite3_int64)sb.st_size;
                sqlite3_reset(s);
                if (same)
                    continue;
            }
            j = apr_pcalloc(u->cur->pool, sizeof(*j));
            j->path = apr_pstrdup(u->cur->pool, path);
            j->rel = j->path + strlen(u->idx->o.dir) + 1;
            j->slug = apr_pstrdup(u->cur->pool, slug);
            j->sec = r;
            j->mtime = mt;
            j->size = sb.st_size;
            j->old_id = k ? k->id : 0;
            j->need_stat = u->bulk && de_known;
            APR_ARRAY_PUSH(u->cur->jobs, job *) = j;
            u->st->parsed++;
            if (u->cur->jobs->nelts >= u->batch_size)
                rc |= flush(u);
        }
    }
    closedir(d);
    /* files the index has and the folder no longer does */
    for (hi = apr_hash_first(tmp, known); hi && !u->failed; hi = apr_hash_next(hi)) {
        known_file *k = apr_hash_this_val(hi);
        if (!k->seen) {
            const char *slug = apr_hash_this_key(hi);
            rc |= delete_article(u, k->id);
            rc |= error_delete(u, apr_pstrcat(tmp, dir, "/", slug, ".xml", NULL));
            u->st->deleted++;
        }
    }
    if (!recurse) {
        /* subfolders the index has and the folder no longer does */
        apr_array_header_t *drop = apr_array_make(tmp, 4, sizeof(sec_rec *));
        for (hi = apr_hash_first(tmp, u->secs); hi; hi = apr_hash_next(hi)) {
            sec_rec *k = apr_hash_this_val(hi);
            if (k->parent == r && !k->seen)
                APR_ARRAY_PUSH(drop, sec_rec *) = k;
        }
        for (i = 0; i < drop->nelts; i++)
            rc |= drop_section(u, APR_ARRAY_IDX(drop, i, sec_rec *));
    }
    apr_pool_destroy(tmp);
    return rc;
}

/* walk_folder, unless dir is a folder already being walked further up (a symlink loop). */
static int walk(upd *u, sec_rec *parent, const char *dir, const char *name, int recurse)
{
    struct stat sb;
    int i, rc;
    if (stat(dir, &sb) != 0)
        return 0;
    for (i = 0; i < u->open_dirs->nelts; i++) {
        const struct stat *o = &APR_ARRAY_IDX(u->open_dirs, i, struct stat);
        if (o->st_ino == sb.st_ino && o->st_dev == sb.st_dev) {
            np_log(u->idx->o.log, NP_LOG_WARNING,
                   "%s: symlink loops back to a folder above it; not followed", dir);
            return 0;
        }
    }
    APR_ARRAY_PUSH(u->open_dirs, struct stat) = sb;
    rc = walk_folder(u, parent, dir, name, recurse, &sb);
    u->open_dirs->nelts--;
    return rc;
}

/* Effective languages, metadata digests and the navigation digest, after sections changed. */
static int finish_sections(upd *u)
{
    sqlite3_stmt *s = NULL;
    apr_hash_t *langs = apr_hash_make(u->pool);
    apr_uint64_t nav = NP_HASH_INIT;
    int rc;
    if (sqlite3_prepare_v2(u->idx->db,
                           "SELECT id, parent, own_lang, lang, title, description, ord, page_size,"
                           " meta_digest, path, has_meta, total FROM sections ORDER BY depth",
                           -1, &s, NULL) != SQLITE_OK)
        return -1;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        apr_int64_t id = sqlite3_column_int64(s, 0), parent = sqlite3_column_int64(s, 1);
        const char *own = (const char *)sqlite3_column_text(s, 2);
        const char *have = (const char *)sqlite3_column_text(s, 3);
        const char *lang = own ? own
                           : sqlite3_column_type(s, 1) != SQLITE_NULL
                               ? apr_hash_get(langs, &parent, sizeof(parent))
                               : u->idx->lang;
        apr_int64_t *key = apr_pmemdup(u->pool, &id, sizeof(id));
        apr_uint64_t h = NP_HASH_INIT, x;
        const char *title = (const char *)sqlite3_column_text(s, 4);
        if (!lang)
            lang = u->idx->lang;
        lang = apr_pstrdup(u->pool, lang);
        apr_hash_set(langs, key, sizeof(*key), lang);
        h = np_hash_str(h, title);
        h = np_hash_str(h, (const char *)sqlite3_column_text(s, 5));
        h = np_hash_str(h, lang);
        h = np_hash_u64(h, (apr_uint64_t)sqlite3_column_int64(s, 6));
        h = np_hash_u64(h, (apr_uint64_t)sqlite3_column_int64(s, 7));
        if (!have || strcmp(have, lang) != 0 || (apr_uint64_t)sqlite3_column_int64(s, 8) != h) {
            sqlite3_stmt *w = stmt(u->idx, S_SEC_LANG);
            if (!w)
                break;
            sqlite3_bind_int64(w, 1, id);
            bind_text(w, 2, lang);
            sqlite3_bind_int64(w, 3, (sqlite3_int64)h);
            if (run(u->idx, w) != 0)
                break;
        }
        if (sqlite3_column_int(s, 10) || sqlite3_column_int64(s, 11) > 0 ||
            sqlite3_column_type(s, 1) == SQLITE_NULL) {
            /* order-independent, as the snapshot's */
            x = np_hash_str(NP_HASH_INIT, (const char *)sqlite3_column_text(s, 9));
            x = np_hash_str(x, title);
            x = np_hash_str(x, lang);
            x = np_hash_u64(x, (apr_uint64_t)sqlite3_column_int64(s, 6));
            nav ^= x;
        }
    }
    sqlite3_finalize(s);
    if (rc != SQLITE_DONE)
        return -1;
    return meta_set(u->idx, "nav_digest",
                    apr_psprintf(u->pool, "%" APR_INT64_T_FMT, (apr_int64_t)nav));
}

/* Error rows whose file is gone. */
static int sweep_errors(upd *u)
{
    sqlite3_stmt *s = NULL;
    apr_array_header_t *gone = apr_array_make(u->pool, 4, sizeof(const char *));
    int i, rc = 0;
    if (sqlite3_prepare_v2(u->idx->db, "SELECT path FROM errors", -1, &s, NULL) != SQLITE_OK)
        return -1;
    while (sqlite3_step(s) == SQLITE_ROW) {
        const char *path = (const char *)sqlite3_column_text(s, 0);
        struct stat sb;
        if (stat(path, &sb) != 0)
            APR_ARRAY_PUSH(gone, const char *) = apr_pstrdup(u->pool, path);
    }
    sqlite3_finalize(s);
    for (i = 0; i < gone->nelts; i++)
        rc |= error_delete(u, APR_ARRAY_IDX(gone, i, const char *));
    return rc;
}

/* Whether a folder of an index with no article changed since its last pass (files may have come:
 * a site set up empty, then filled, gets a first build). When none did, the pass is made in
 * place: built anew each pass, the file of a site with no article yet was replaced at every poll
 * (readers reopening it) and its broken files read and logged again. */
static int folders_changed(np_index *idx)
{
    sqlite3_stmt *s = NULL;
    int changed = 0, n = 0, rc = SQLITE_DONE;
    if (sqlite3_prepare_v2(idx->db, "SELECT dir, mtime FROM sections", -1, &s, NULL) != SQLITE_OK) {
        sqlite3_finalize(s);
        return 1;
    }
    while (!changed && (rc = sqlite3_step(s)) == SQLITE_ROW) {
        struct stat sb;
        n++;
        changed = stat((const char *)sqlite3_column_text(s, 0), &sb) != 0 ||
                  np_file_mtime(&sb) != sqlite3_column_int64(s, 1);
    }
    sqlite3_finalize(s);
    return changed || !n || (rc != SQLITE_DONE && rc != SQLITE_ROW);
}

static apr_status_t update(np_index *idx, const char *const *dirs, int ndirs, np_index_stats *st,
                           const char **err)
{
    upd u;
    apr_pool_t *p;
    int t, rc = 0, i;
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);

    if (idx->readonly) {
        *err = "the index is open read-only";
        return APR_EINVAL;
    }
    memset(st, 0, sizeof(*st));
    memset(&u, 0, sizeof(u));
    if (apr_pool_create_unmanaged_ex(&p, NULL, NULL) != APR_SUCCESS) {
        *err = "out of memory";
        return APR_ENOMEM;
    }
    u.idx = idx;
    u.st = st;
    u.pool = p;
    u.t0 = apr_time_now();
    u.secs = apr_hash_make(p);
    u.sec_ids = apr_hash_make(p);
    u.tags = apr_hash_make(p);
    u.open_dirs = apr_array_make(p, 16, sizeof(struct stat));
    u.nthreads = idx->o.threads > 0 ? idx->o.threads : ncpu > 0 ? (int)ncpu : 1;
    if (u.nthreads > MAX_THREADS)
        u.nthreads = MAX_THREADS;
    u.batch_size = idx->o.batch > 0 ? idx->o.batch : 2000;
    pthread_mutex_init(&u.mu, NULL);
    pthread_cond_init(&u.work, NULL);
    pthread_cond_init(&u.done, NULL);
    for (t = 0; t < u.nthreads; t++) {
        u.args[t].u = &u;
        u.args[t].t = t;
        if (pthread_create(&u.threads[t], NULL, worker, &u.args[t]) != 0) {
            u.nthreads = t;
            break;
        }
    }
    if (u.nthreads == 0) {
        *err = "cannot start a parsing thread";
        apr_pool_destroy(p);
        return APR_EGENERAL;
    }
    u.cur = batch_new(&u);

    u.changes = sqlite3_total_changes(idx->db);
    {
        /* A first build has no readers to keep waiting: bigger transactions write each page of
         * the lists' b-trees fewer times. */
        sqlite3_stmt *s = stmt(idx, S_R_ANY);
        int empty = 0;
        if (s && sqlite3_step(s) == SQLITE_ROW) {
            empty = !sqlite3_column_int(s, 0);
            u.has_errors = sqlite3_column_int(s, 1);
        }
        if (s)
            sqlite3_reset(s);
        if (empty && !idx->o.batch)
            u.batch_size = 25000;
        u.bulk = empty && !dirs && (!meta_get(idx, p, "updated") || folders_changed(idx));
    }
    if (u.bulk) {
        int r = bulk_open(idx, p);
        if (r != 0) {
            u.bulk = 0;
            *err = r < -1 ? "cannot open the index again" : "cannot make the new index file";
            rc = -1;
        }
        u.has_errors = 0;
        u.changes = idx->db ? sqlite3_total_changes(idx->db) : 0;
    }
    if (rc || (u.bulk && build_attach(idx, p) != 0) || exec(idx, "BEGIN IMMEDIATE") != 0 ||
        load_lists(&u) != 0 || (u.bulk && exec(idx, bulk_begin_sql) != 0)) {
        rc = -1;
    } else if (!dirs) {
        apr_hash_index_t *hi;
        apr_array_header_t *drop = apr_array_make(p, 4, sizeof(sec_rec *));
        rc = walk(&u, NULL, idx->o.dir, "", 1);
        if (!u.failed && !apr_hash_get(u.secs, "", APR_HASH_KEY_STRING)) {
            *err = apr_psprintf(p, "%s: cannot read the content folder", idx->o.dir);
            rc = -1;
        }
        for (hi = apr_hash_first(p, u.secs); hi && !rc; hi = apr_hash_next(hi)) {
            sec_rec *r = apr_hash_this_val(hi);
            if (!r->seen)
                APR_ARRAY_PUSH(drop, sec_rec *) = r;
        }
        for (i = 0; i < drop->nelts && !rc; i++)
            rc |= drop_section(&u, APR_ARRAY_IDX(drop, i, sec_rec *));
        if (!rc)
            rc |= sweep_errors(&u);
    } else {
        for (i = 0; i < ndirs && !rc && !u.failed; i++) {
            const char *d = dirs[i];
            size_t n = strlen(idx->o.dir);
            const char *rel, *slash;
            sec_rec *r, *parent;
            struct stat sb;
            if (strncmp(d, idx->o.dir, n) != 0 || (d[n] != '/' && d[n] != '\0'))
                continue;
            rel = d[n] ? d + n + 1 : "";
            r = apr_hash_get(u.secs, rel, APR_HASH_KEY_STRING);
            /* walked whole already, as a new subfolder of a folder named before it: its files
             * are queued, not yet in the index, and would be queued twice */
            if (r && r->walked)
                continue;
            if (r && stat(d, &sb) != 0) {
                rc |= drop_section(&u, r);
                continue;
            }
            slash = strrchr(rel, '/');
            parent = !*rel ? NULL
                           : apr_hash_get(u.secs, slash ? apr_pstrndup(p, rel, slash - rel) : "",
                                          APR_HASH_KEY_STRING);
            if (*rel && !parent)
                continue; /* its parent is not indexed: the parent's pass will find it */
            rc |= walk(&u, parent, d, slash ? slash + 1 : rel, 0);
        }
        if (!rc)
            rc |= sweep_errors(&u);
    }
    if (!rc && !u.failed) {
        /* the last batches */
        rc |= flush(&u);
        if (!rc)
            rc |= flush(&u);
    }
    if (!rc && !u.failed && u.bulk)
        rc |= bulk_renumber(&u) || exec(idx, bulk_end_sql);
    if (!rc && !u.failed && u.sections_changed)
        rc |= finish_sections(&u);
    if (!rc && !u.failed) {
        apr_time_t now = apr_time_now();
        apr_hash_index_t *hi;
        /* windows that closed while the pass ran */
        for (hi = apr_hash_first(p, u.secs); hi; hi = apr_hash_next(hi)) {
            sec_rec *r = apr_hash_this_val(hi);
            if (!list_window_holds(&r->l, now))
                list_recompute(idx, &r->l, 0, now);
        }
        for (hi = apr_hash_first(p, u.tags); hi; hi = apr_hash_next(hi)) {
            tag_rec *r = apr_hash_this_val(hi);
            if (!list_window_holds(&r->l, now))
                list_recompute(idx, &r->l, 1, now);
        }
        rc |= moves_bound(idx, now, u.moves);
        if (!rc)
            rc |= end_txn(&u);
        /* outside the count of changes: a pass that found nothing keeps the generation */
        if (!rc)
            rc |= meta_set(idx, "updated", apr_psprintf(p, "%" APR_TIME_T_FMT, now));
    }
    parse_wait(&u);
    pthread_mutex_lock(&u.mu);
    u.quit = 1;
    pthread_cond_broadcast(&u.work);
    pthread_mutex_unlock(&u.mu);
    for (t = 0; t < u.nthreads; t++)
        pthread_join(u.threads[t], NULL);
    pthread_mutex_destroy(&u.mu);
    pthread_cond_destroy(&u.work);
    pthread_cond_destroy(&u.done);
    batch_destroy(&u, u.parsing);
    batch_destroy(&u, u.cur);
    batch_destroy(&u, u.spare[0]);
    batch_destroy(&u, u.spare[1]);
    if ((rc || u.failed) && idx->db && !sqlite3_get_autocommit(idx->db))
        exec(idx, "ROLLBACK");
    if (u.bulk) {
        const char *msg = rc || u.failed ? apr_pstrdup(p, sqlite3_errmsg(idx->db)) : NULL;
        build_detach(idx, p);
        if (bulk_close(idx, p, !rc && !u.failed) != 0 && !rc && !u.failed) {
            rc = -1;
            msg = "cannot put the new index file in place";
        }
        if (msg && (!*err || !**err))
            *err = apr_psprintf(p, "%s: %s", idx->file, msg);
        st->replaced = !rc && !u.failed;
    }
    if (rc || u.failed) {
        if (u.cancelled) {
            *err = "interrupted";
            apr_pool_destroy(p);
            return APR_EINTR;
        }
        if (!*err || !**err)
            *err = apr_psprintf(idx->pool, "%s: %s", idx->file, sqlite3_errmsg(idx->db));
        else
            *err = apr_pstrdup(idx->pool, *err);
        apr_pool_destroy(p);
        return APR_EGENERAL;
    }
    {
        apr_hash_index_t *hi;
        for (hi = apr_hash_first(p, u.secs); hi; hi = apr_hash_next(hi)) {
            sec_rec *r = apr_hash_this_val(hi);
            st->sections += !r->parent || r->has_meta > 0 || r->l.total > 0;
            if (!r->parent)
                st->total = r->l.total;
        }
    }
    st->took = apr_time_now() - u.t0;
    apr_pool_destroy(p);
    return APR_SUCCESS;
}

apr_status_t np_index_update(np_index *idx, np_index_stats *st, const char **err)
{
    *err = NULL;
    return update(idx, NULL, 0, st, err);
}

apr_status_t np_index_update_dirs(np_index *idx, const char *const *dirs, int ndirs,
                                  np_index_stats *st, const char **err)
{
    *err = NULL;
    return update(idx, dirs, ndirs, st, err);
}

/* ---------------------------------------------------------------- reading ---- */

static const char *col_str(apr_pool_t *p, sqlite3_stmt *s, int i)
{
    return sqlite3_column_type(s, i) == SQLITE_NULL
               ? NULL
               : apr_pstrdup(p, (const char *)sqlite3_column_text(s, i));
}

static np_date col_date(sqlite3_stmt *s, int i)
{
    np_date d;
    int fmt = sqlite3_column_int(s, i + 1);
    d.t = sqlite3_column_int64(s, i);
    d.date_only = fmt & 1;
    d.offset = (fmt - d.date_only) / 2;
    return d;
}

/* An optional string of a record written by put_opt. */
static const char *get_opt(apr_pool_t *p, const char **cur)
{
    const char *s = *cur, *e = strstr(s, FS);
    const char *v;
    if (!e)
        e = s + strlen(s);
    v = *s == 't' ? apr_pstrndup(p, s + 1, (apr_size_t)(e - s - 1)) : NULL;
    *cur = *e ? e + 1 : e;
    return v;
}

static np_index_entry *row_entry(apr_pool_t *p, sqlite3_stmt *s)
{
    np_index_entry *e = apr_pcalloc(p, sizeof(*e));
    np_article *a = &e->a;
    const char *v, *dir;
    e->id = sqlite3_column_int64(s, 0);
    e->rel = col_str(p, s, 1);
    a->slug = col_str(p, s, 2);
    a->id = col_str(p, s, 3);
    a->title = col_str(p, s, 4);
    a->subtitle = col_str(p, s, 5);
    a->summary = col_str(p, s, 6);
    a->authors = split(p, col_str(p, s, 7), RS);
    if (!a->authors)
        a->authors = apr_array_make(p, 1, sizeof(const char *));
    a->source = col_str(p, s, 8);
    a->source_href = col_str(p, s, 9);
    a->lang = col_str(p, s, 10);
    a->published = col_date(s, 11);
    a->updated = col_date(s, 13);
    a->expires = col_date(s, 15);
    a->draft = sqlite3_column_int(s, 17);
    a->tags = split(p, col_str(p, s, 18), RS);
    if (!a->tags)
        a->tags = apr_array_make(p, 1, sizeof(const char *));
    if ((v = col_str(p, s, 19))) {
        apr_array_header_t *recs = split(p, v, RS);
        int i;
        a->related = apr_array_make(p, recs->nelts, sizeof(np_link));
        for (i = 0; i < recs->nelts; i++) {
            const char *r = APR_ARRAY_IDX(recs, i, const char *), *fs = strstr(r, FS);
            np_link *l = apr_array_push(a->related);
            l->href = fs ? apr_pstrndup(p, r, (apr_size_t)(fs - r)) : r;
            l->title = fs && fs[1] == 't' ? fs + 2 : NULL;
        }
    } else {
        a->related = apr_array_make(p, 1, sizeof(np_link));
    }
    if ((v = col_str(p, s, 20))) {
        np_image *im = apr_pcalloc(p, sizeof(*im));
        im->src = get_opt(p, &v);
        im->alt = get_opt(p, &v);
        im->caption = get_opt(p, &v);
        im->credit = get_opt(p, &v);
        im->width = atoi(v);
        v = strstr(v, FS);
        im->height = v ? atoi(v + 1) : 0;
        a->image = im;
    }
    a->format = col_str(p, s, 21);
    e->mtime = sqlite3_column_int64(s, 22);
    e->size = sqlite3_column_int64(s, 23);
    e->digest = (apr_uint64_t)sqlite3_column_int64(s, 24);
    e->stale = sqlite3_column_int(s, 25);
    e->section = col_str(p, s, 26);
    e->lang = a->lang ? a->lang : col_str(p, s, 27);
    if ((dir = (const char *)sqlite3_column_text(s, 28))) /* else ENTRY_COLS_BARE: entry_place */
        a->path = apr_pstrcat(p, dir, "/", a->slug, ".xml", NULL);
    e->section_id = sqlite3_column_int64(s, 29);
    if ((v = col_str(p, s, 30))) {
        apr_array_header_t *recs = split(p, v, RS);
        int i;
        a->corrections = apr_array_make(p, recs->nelts, sizeof(np_correction));
        for (i = 0; i < recs->nelts; i++) {
            const char *r = APR_ARRAY_IDX(recs, i, const char *), *f1 = strstr(r, FS), *f2;
            np_correction *c = apr_array_push(a->corrections);
            int fmt;
            c->date.t = apr_atoi64(r);
            fmt = f1 ? atoi(f1 + 1) : 0;
            c->date.date_only = fmt & 1;
            c->date.offset = (fmt - c->date.date_only) / 2;
            f2 = f1 ? strstr(f1 + 1, FS) : NULL;
            c->text = f2 ? f2 + 1 : "";
        }
    }
    a->translation_of = col_str(p, s, 31);
    a->previous = split(p, col_str(p, s, 32), RS);
    e->body = sqlite3_column_int64(s, 33);
    return e;
}

static void row_section(apr_pool_t *p, sqlite3_stmt *s, np_index_section *out)
{
    memset(out, 0, sizeof(*out));
    out->id = sqlite3_column_int64(s, 0);
    out->path = col_str(p, s, 1);
    out->parent = col_str(p, s, 2);
    out->dir = col_str(p, s, 3);
    out->title = col_str(p, s, 4);
    out->description = col_str(p, s, 5);
    out->lang = col_str(p, s, 6);
    out->order = sqlite3_column_int(s, 7);
    out->page_size = sqlite3_column_int(s, 8);
    out->depth = sqlite3_column_int(s, 9);
    out->mtime = sqlite3_column_int64(s, 10);
    out->digest = np_hash_u64((apr_uint64_t)sqlite3_column_int64(s, 11),
                              (apr_uint64_t)sqlite3_column_int64(s, 12));
    out->articles = sqlite3_column_int64(s, 13);
}

int np_index_section_get(np_index *idx, apr_pool_t *p, const char *path, np_index_section *out)
{
    sqlite3_stmt *s = stmt(idx, S_R_SECTION);
    int found = 0;
    if (!s)
        return 0;
    bind_text(s, 1, path);
    if (sqlite3_step(s) == SQLITE_ROW &&
        (sqlite3_column_int(s, 14) || sqlite3_column_int64(s, 13) > 0 || !*path)) {
        const char *nav;
        row_section(p, s, out);
        found = 1;
        sqlite3_reset(s);
        nav = meta_get(idx, p, "nav_digest");
        out->nav_digest = nav ? (apr_uint64_t)apr_atoi64(nav) : 0;
    }
    sqlite3_reset(s);
    return found;
}

apr_array_header_t *np_index_section_children(np_index *idx, apr_pool_t *p, const char *path)
{
    sqlite3_stmt *s = stmt(idx, S_R_CHILDREN);
    apr_array_header_t *out = apr_array_make(p, 8, sizeof(np_index_section));
    if (!s)
        return out;
    bind_text(s, 1, path);
    while (sqlite3_step(s) == SQLITE_ROW)
        row_section(p, s, apr_array_push(out));
    sqlite3_reset(s);
    return out;
}

/* The section columns of an entry read without them (ENTRY_COLS_BARE). */
static void entry_place(np_index *idx, apr_pool_t *p, np_index_entry *e,
                        np_index_section_resolver resolve, void *baton)
{
    const char *path = NULL, *lang = NULL, *dir = NULL;
    sqlite3_stmt *s;
    if (!resolve || !resolve(baton, e->section_id, &path, &lang, &dir)) {
        if (!(s = stmt(idx, S_R_SECTION_PLACE)))
            return;
        sqlite3_bind_int64(s, 1, e->section_id);
        if (sqlite3_step(s) == SQLITE_ROW) {
            path = col_str(p, s, 0);
            lang = col_str(p, s, 1);
            dir = col_str(p, s, 2);
        }
        sqlite3_reset(s);
    }
    e->section = path;
    if (!e->a.lang)
        e->lang = lang;
    if (dir)
        e->a.path = apr_pstrcat(p, dir, "/", e->a.slug, ".xml", NULL);
}

/* Reads one page of a list; total from the stored window when now lies in it. */
static void list_page(np_index *idx, apr_pool_t *p, int which, int count_which, apr_int64_t id,
                      const list_stat *l, apr_time_t now, apr_int64_t skip, int max,
                      np_index_section_resolver resolve, void *baton, np_index_page *out)
{
    sqlite3_stmt *s;
    int tag = count_which == S_AT_COUNT;
    memset(out, 0, sizeof(*out));
    if (max < 0)
        max = 0;
    if (skip < 0)
        skip = 0;
    out->items = apr_pcalloc(p, sizeof(np_index_entry *) * (apr_size_t)(max + 1));
    out->digest = l->digest;
    if (list_window_holds(l, now)) {
        out->total = l->count;
        out->next_change = l->until;
    } else {
        apr_time_t a = single_time(idx, tag ? S_AT_NEXT_PUB : S_SA_NEXT_PUB, id, now);
        apr_time_t b = single_time(idx, tag ? S_AT_NEXT_EXP : S_SA_NEXT_EXP, id, now);
        out->total = single_time(idx, count_which, id, now);
        out->next_change = a && (!b || a < b) ? a : b;
    }
    if (max == 0 || skip >= out->total || !(s = stmt(idx, which)))
        return;
    sqlite3_bind_int64(s, 1, id);
    sqlite3_bind_int64(s, 2, now);
    sqlite3_bind_int(s, 3, max);
    sqlite3_bind_int64(s, 4, skip);
    while (out->n < max && sqlite3_step(s) == SQLITE_ROW)
        out->items[out->n++] = row_entry(p, s);
    sqlite3_reset(s);
    if (which == S_R_LIST_SECTION_BARE) {
        int i;
        for (i = 0; i < out->n; i++)
            entry_place(idx, p, out->items[i], resolve, baton);
    }
}

void np_index_list_section_at(np_index *idx, apr_pool_t *p, const np_index_list_head *head,
                              apr_time_t now, apr_int64_t skip, int max,
                              np_index_section_resolver resolve, void *baton, np_index_page *out)
{
    list_stat l;
    memset(&l, 0, sizeof(l));
    l.id = head->id;
    l.count = head->vis_count;
    l.at = head->vis_at;
    l.until = head->vis_until;
    list_page(idx, p, S_R_LIST_SECTION_BARE, S_SA_COUNT, l.id, &l, now, skip, max, resolve, baton,
              out);
    out->digest = head->digest;
}

int np_index_list_section(np_index *idx, apr_pool_t *p, const char *path, apr_time_t now,
                          apr_int64_t skip, int max, np_index_page *out)
{
    sqlite3_stmt *s = stmt(idx, S_R_SECTION);
    list_stat l;
    apr_uint64_t meta;
    if (!s)
        return 0;
    bind_text(s, 1, path);
    if (sqlite3_step(s) != SQLITE_ROW ||
        !(sqlite3_column_int(s, 14) || sqlite3_column_int64(s, 13) > 0 || !*path)) {
        sqlite3_reset(s);
        return 0;
    }
    memset(&l, 0, sizeof(l));
    l.id = sqlite3_column_int64(s, 0);
    meta = (apr_uint64_t)sqlite3_column_int64(s, 11);
    l.digest = (apr_uint64_t)sqlite3_column_int64(s, 12);
    l.count = sqlite3_column_int64(s, 15);
    l.at = sqlite3_column_int64(s, 16);
    l.until = sqlite3_column_int64(s, 17);
    sqlite3_reset(s);
    list_page(idx, p, S_R_LIST_SECTION, S_SA_COUNT, l.id, &l, now, skip, max, NULL, NULL, out);
    out->digest = np_hash_u64(meta, l.digest);
    return 1;
}

int np_index_list_tag(np_index *idx, apr_pool_t *p, const char *slug, apr_time_t now,
                      apr_int64_t skip, int max, np_index_page *out, const char **name)
{
    sqlite3_stmt *s = stmt(idx, S_R_TAG);
    list_stat l;
    if (!s)
        return 0;
    bind_text(s, 1, slug);
    if (sqlite3_step(s) != SQLITE_ROW || sqlite3_column_int64(s, 3) <= 0) {
        sqlite3_reset(s);
        return 0;
    }
    memset(&l, 0, sizeof(l));
    l.id = sqlite3_column_int64(s, 0);
    if (name)
        *name = col_str(p, s, 1);
    l.digest = (apr_uint64_t)sqlite3_column_int64(s, 2);
    l.total = sqlite3_column_int64(s, 3);
    l.count = sqlite3_column_int64(s, 4);
    l.at = sqlite3_column_int64(s, 5);
    l.until = sqlite3_column_int64(s, 6);
    sqlite3_reset(s);
    list_page(idx, p, S_R_LIST_TAG, S_AT_COUNT, l.id, &l, now, skip, max, NULL, NULL, out);
    return 1;
}

static np_index_entry *one_entry(np_index *idx, apr_pool_t *p, int which, const char *a,
                                 const char *b, apr_time_t now)
{
    sqlite3_stmt *s = stmt(idx, which);
    np_index_entry *e = NULL;
    if (!s)
        return NULL;
    bind_text(s, 1, a);
    if (b)
        bind_text(s, 3, b);
    if (sqlite3_step(s) == SQLITE_ROW)
        e = row_entry(p, s);
    sqlite3_reset(s);
    return e && np_article_visible(&e->a, now) ? e : NULL;
}

np_index_entry *np_index_article(np_index *idx, apr_pool_t *p, const char *section,
                                 const char *slug, apr_time_t now)
{
    return one_entry(idx, p, S_R_ARTICLE, section, slug, now);
}

np_index_entry *np_index_article_by_slug(np_index *idx, apr_pool_t *p, const char *slug,
                                         apr_time_t now)
{
    return one_entry(idx, p, S_R_BY_SLUG, slug, NULL, now);
}

static np_index_entry *entry_by_id(np_index *idx, apr_pool_t *p, apr_int64_t id)
{
    sqlite3_stmt *s = stmt(idx, S_R_BY_ID);
    np_index_entry *e = NULL;
    if (!s)
        return NULL;
    sqlite3_bind_int64(s, 1, id);
    if (sqlite3_step(s) == SQLITE_ROW)
        e = row_entry(p, s);
    sqlite3_reset(s);
    return e;
}

static apr_int64_t neighbour(np_index *idx, int which, apr_int64_t sec, const np_index_entry *e,
                             apr_time_t now)
{
    sqlite3_stmt *s = stmt(idx, which);
    apr_int64_t id = 0;
    if (!s)
        return 0;
    sqlite3_bind_int64(s, 1, sec);
    sqlite3_bind_int64(s, 2, now);
    sqlite3_bind_int64(s, 3, e->a.published.t);
    bind_text(s, 4, e->rel);
    if (sqlite3_step(s) == SQLITE_ROW)
        id = sqlite3_column_int64(s, 0);
    sqlite3_reset(s);
    return id;
}

void np_index_neighbours(np_index *idx, apr_pool_t *p, const np_index_entry *e, apr_time_t now,
                         np_index_entry **older, np_index_entry **newer)
{
    apr_int64_t id, sec = e->section_id;
    *older = *newer = NULL;
    if ((id = neighbour(idx, S_R_NEWER_SAME, sec, e, now)) ||
        (id = neighbour(idx, S_R_NEWER, sec, e, now)))
        *newer = entry_by_id(idx, p, id);
    if ((id = neighbour(idx, S_R_OLDER_SAME, sec, e, now)) ||
        (id = neighbour(idx, S_R_OLDER, sec, e, now)))
        *older = entry_by_id(idx, p, id);
}

const char *np_index_body(np_index *idx, apr_pool_t *p, const np_index_entry *e, apr_size_t *len)
{
    sqlite3_stmt *s;
    const char *out = NULL;
    /* by the key read with the entry: the row is not looked up again */
    if (!e->body || !(s = stmt(idx, S_BODY_GET)))
        return NULL;
    sqlite3_bind_int64(s, 1, e->body);
    if (sqlite3_step(s) == SQLITE_ROW) {
        int n = sqlite3_column_bytes(s, 0);
        char *b = apr_palloc(p, (apr_size_t)n + 1);
        if (n)
            memcpy(b, sqlite3_column_blob(s, 0), (size_t)n);
        b[n] = '\0';
        out = b;
        if (len)
            *len = (apr_size_t)n;
    }
    sqlite3_reset(s);
    return out;
}

apr_time_t np_index_next_change(np_index *idx, const char *section, const char *tag_slug,
                                apr_time_t now)
{
    apr_pool_t *p;
    np_index_page pg;
    apr_time_t t = 0;
    apr_pool_create_unmanaged_ex(&p, NULL, NULL);
    if (tag_slug ? np_index_list_tag(idx, p, tag_slug, now, 0, 0, &pg, NULL)
                 : np_index_list_section(idx, p, section ? section : "", now, 0, 0, &pg))
        t = pg.next_change;
    apr_pool_destroy(p);
    return t;
}

static np_index_entry *entry_any(np_index *idx, apr_pool_t *p, int which, const char *a,
                                 const char *b)
{
    sqlite3_stmt *s = stmt(idx, which);
    np_index_entry *e = NULL;
    if (!s)
        return NULL;
    bind_text(s, 1, a);
    if (b)
        bind_text(s, 2, b);
    if (sqlite3_step(s) == SQLITE_ROW)
        e = row_entry(p, s);
    sqlite3_reset(s);
    return e;
}

np_index_entry *np_index_article_any(np_index *idx, apr_pool_t *p, const char *section,
                                     const char *slug)
{
    return section ? entry_any(idx, p, S_R_ARTICLE_ANY, section, slug)
                   : entry_any(idx, p, S_R_BY_SLUG_ANY, slug, NULL);
}

np_index_entry *np_index_moved(np_index *idx, apr_pool_t *p, const char *section, const char *slug)
{
    return entry_any(idx, p, S_R_MOVED,
                     section && *section ? apr_pstrcat(p, section, "/", slug, NULL) : slug, NULL);
}

np_index_entry *np_index_previous(np_index *idx, apr_pool_t *p, const char *path)
{
    return entry_any(idx, p, S_R_PREVIOUS, path, NULL);
}

int np_index_group(np_index *idx, apr_pool_t *p, const char *group, np_index_entry **out, int max)
{
    sqlite3_stmt *s = stmt(idx, S_R_GROUP);
    int n = 0;
    if (!s || !group)
        return 0;
    bind_text(s, 1, group);
    sqlite3_bind_int(s, 2, max);
    while (n < max && sqlite3_step(s) == SQLITE_ROW)
        out[n++] = row_entry(p, s);
    sqlite3_reset(s);
    return n;
}

apr_array_header_t *np_index_sections(np_index *idx, apr_pool_t *p)
{
    sqlite3_stmt *s = stmt(idx, S_R_SECTIONS);
    apr_array_header_t *out = apr_array_make(p, 16, sizeof(np_index_section));
    const char *nav = meta_get(idx, p, "nav_digest");
    if (!s)
        return out;
    while (sqlite3_step(s) == SQLITE_ROW) {
        np_index_section *r = apr_array_push(out);
        row_section(p, s, r);
        r->vis_count = sqlite3_column_int64(s, 15);
        r->vis_at = sqlite3_column_int64(s, 16);
        r->vis_until = sqlite3_column_int64(s, 17);
        r->meta_mtime = sqlite3_column_int64(s, 18);
        r->nav_digest = nav ? (apr_uint64_t)apr_atoi64(nav) : 0;
    }
    sqlite3_reset(s);
    return out;
}

int np_index_translated(np_index *idx)
{
    sqlite3_stmt *s = stmt(idx, S_R_TRANSLATED);
    int r = 0;
    if (s && sqlite3_step(s) == SQLITE_ROW)
        r = sqlite3_column_int(s, 0);
    if (s)
        sqlite3_reset(s);
    return r;
}

void np_index_info_get(np_index *idx, np_index_info *out)
{
    sqlite3_stmt *s = stmt(idx, S_R_COUNTS);
    memset(out, 0, sizeof(*out));
    if (s && sqlite3_step(s) == SQLITE_ROW) {
        out->articles = sqlite3_column_int64(s, 0);
        out->sections = sqlite3_column_int64(s, 1);
        out->tags = sqlite3_column_int64(s, 2);
        out->errors = sqlite3_column_int64(s, 3);
    }
    if (s)
        sqlite3_reset(s);
    out->generation = np_index_generation(idx);
    {
        apr_pool_t *p;
        const char *v;
        apr_pool_create_unmanaged_ex(&p, NULL, NULL);
        v = meta_get(idx, p, "updated");
        out->updated = v ? apr_atoi64(v) : 0;
        apr_pool_destroy(p);
    }
}

apr_array_header_t *np_index_errors(np_index *idx, apr_pool_t *p, int max)
{
    sqlite3_stmt *s = stmt(idx, S_R_ERRORS);
    apr_array_header_t *out = apr_array_make(p, 4, sizeof(np_error_rec));
    if (!s)
        return out;
    sqlite3_bind_int(s, 1, max);
    while (sqlite3_step(s) == SQLITE_ROW) {
        np_error_rec *e = apr_array_push(out);
        e->path = col_str(p, s, 0);
        e->message = col_str(p, s, 1);
    }
    sqlite3_reset(s);
    return out;
}

/* ---- for np_search.c ---- */

sqlite3 *np_index_db(np_index *idx)
{
    return idx->db;
}

np_index_entry *np_index_entry_get(np_index *idx, apr_pool_t *p, apr_int64_t id)
{
    return entry_by_id(idx, p, id);
}

/* ---- sitemaps: a list oldest first ---- */

/* The id of the section at path whose list can be read (as np_index_list_section finds it),
 * or 0. */
static apr_int64_t list_id(np_index *idx, const char *path)
{
    sqlite3_stmt *s = stmt(idx, S_R_SECTION);
    apr_int64_t id = 0;
    if (!s)
        return 0;
    bind_text(s, 1, path);
    if (sqlite3_step(s) == SQLITE_ROW &&
        (sqlite3_column_int(s, 14) || sqlite3_column_int64(s, 13) > 0 || !*path))
        id = sqlite3_column_int64(s, 0);
    sqlite3_reset(s);
    return id;
}

int np_index_list_lastmods(np_index *idx, const char *path, apr_time_t now, apr_int64_t first,
                           apr_int64_t width, int n, apr_time_t *out)
{
    sqlite3_stmt *s;
    apr_int64_t id, pos, end;
    int i;
    for (i = 0; i < n; i++)
        out[i] = 0;
    /* n and width below 2^31, first within 2^62 either side: no overflow below */
    if (n <= 0 || width <= 0 || width > 0x7fffffff || first > APR_INT64_MAX / 2 ||
        first < -(APR_INT64_MAX / 2))
        return 0;
    end = first + width * n;
    if (end <= 0 || !(id = list_id(idx, path)) || !(s = stmt(idx, S_R_LIST_LASTMOD)))
        return 0;
    pos = first > 0 ? first : 0;
    sqlite3_bind_int64(s, 1, id);
    sqlite3_bind_int64(s, 2, now);
    sqlite3_bind_int64(s, 3, end - pos);
    sqlite3_bind_int64(s, 4, pos);
    /* one pass over the rows in order; each falls in the range its position says */
    for (; pos < end && sqlite3_step(s) == SQLITE_ROW; pos++) {
        apr_time_t t = sqlite3_column_int64(s, 0);
        apr_time_t *r = &out[(pos - first) / width];
        if (t > *r)
            *r = t;
    }
    sqlite3_reset(s);
    return 1;
}

apr_time_t np_index_list_newest_lastmod(np_index *idx, const char *path, apr_time_t now, int n)
{
    sqlite3_stmt *s;
    apr_int64_t id;
    apr_time_t t = 0;
    if (n <= 0 || !(id = list_id(idx, path)) || !(s = stmt(idx, S_R_LIST_NEWEST_LASTMOD)))
        return 0;
    sqlite3_bind_int64(s, 1, id);
    sqlite3_bind_int64(s, 2, now);
    sqlite3_bind_int(s, 3, n);
    if (sqlite3_step(s) == SQLITE_ROW)
        t = sqlite3_column_int64(s, 0);
    sqlite3_reset(s);
    return t;
}

int np_index_list_section_oldest(np_index *idx, apr_pool_t *p, const char *path, apr_time_t now,
                                 apr_int64_t skip, const np_index_entry *after, int max,
                                 np_index_page *out)
{
    sqlite3_stmt *s;
    apr_int64_t id;
    memset(out, 0, sizeof(*out));
    if (max < 0)
        max = 0;
    if (skip < 0 || after)
        skip = 0;
    out->items = apr_pcalloc(p, sizeof(np_index_entry *) * (apr_size_t)(max + 1));
    if (!(id = list_id(idx, path)) || !(s = stmt(idx, S_R_LIST_OLDEST)))
        return 0;
    sqlite3_bind_int64(s, 1, id);
    sqlite3_bind_int64(s, 2, now);
    sqlite3_bind_int(s, 3, max);
    sqlite3_bind_int64(s, 4, skip);
    sqlite3_bind_int64(s, 5, after ? after->a.published.t : APR_INT64_MIN);
    bind_text(s, 6, after ? after->rel : "");
    while (out->n < max && sqlite3_step(s) == SQLITE_ROW)
        out->items[out->n++] = row_entry(p, s);
    sqlite3_reset(s);
    return 1;
}
