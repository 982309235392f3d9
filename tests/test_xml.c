/* Tests of np_xml: positions, error messages, size limit, encodings, and the refusal of
 * entity declarations with proof (inotify, a listening socket) that nothing else is read. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <apr_general.h>
#include <apr_strings.h>
#include <libxml/parser.h>

#include "np_buf.h"
#include "np_xml.h"
#include "np_test.h"

#define SHARED "../shared"
#define HOSTILE SHARED "/samples/hostile/external-parameter-entity.xml"

static xmlDoc *parse(apr_pool_t *p, const char *xml, const char **err)
{
    return np_xml_parse_memory(p, "t.xml", xml, strlen(xml), err);
}

static void assert_refused(apr_pool_t *p, const char *xml, const char *want)
{
    const char *err = NULL;
    assert_null(parse(p, xml, &err));
    assert_non_null(err);
    assert_string_equal(err, want);
}

static void write_file(const char *path, const char *data, size_t n)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, n, f), n);
    assert_int_equal(fclose(f), 0);
}

static char *make_tmpdir(apr_pool_t *p)
{
    static int n;
    char *dir = apr_psprintf(p, "/tmp/np_test_xml.%ld.%d", (long)getpid(), n++);
    assert_int_equal(mkdir(dir, 0700), 0); /* fails if it exists: never someone else's */
    return dir;
}

static void remove_tree(apr_pool_t *p, const char *dir)
{
    /* Only what the tests themselves made under /tmp. */
    assert_true(strncmp(dir, "/tmp/np_test_xml.", 17) == 0);
    assert_int_equal(system(apr_psprintf(p, "rm -rf '%s'", dir)), 0);
}

/* An inotify watch on dir that reports any file opened in it. */
static int watch_opens(const char *dir)
{
    int fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    assert_true(fd >= 0);
    assert_true(inotify_add_watch(fd, dir, IN_OPEN | IN_ACCESS) >= 0);
    return fd;
}

static int opens_seen(int fd)
{
    char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
    ssize_t n = read(fd, buf, sizeof(buf));
    if (n < 0) {
        assert_int_equal(errno, EAGAIN);
        return 0;
    }
    return n > 0;
}

static void pos_is(const xmlNode *n, long line, long col)
{
    long l, c;
    assert_non_null(n);
    np_xml_pos(n, &l, &c);
    assert_int_equal(l, line);
    assert_int_equal(c, col);
}

static void test_positions(void **state)
{
    const char *xml = "<?xml version=\"1.0\"?>\n"
                      "<root>\n"
                      "  <a x=\"1\">text</a><b/>\n"
                      "  <c\n"
                      "     y=\"2>\"\n"
                      "  >z</c>\n"
                      "  <d>\xc3\xa9\xc3\xa9</d><e t='>'/>\n"
                      "</root>\n";
    const char *err = NULL;
    xmlDoc *doc = parse(*state, xml, &err);
    xmlNode *root;
    assert_non_null(doc);
    assert_null(err);
    root = xmlDocGetRootElement(doc);
    pos_is(root, 2, 1);
    pos_is(np_xml_child(root, "a"), 3, 3);
    pos_is(np_xml_child(root, "b"), 3, 20);
    pos_is(np_xml_child(root, "c"), 4, 3);
    pos_is(np_xml_child(root, "d"), 7, 3);
    pos_is(np_xml_child(root, "e"), 7, 12); /* columns count characters, not bytes */
    pos_is(np_xml_child(root, "a")->children, 3, 0);
    {
        long l = -1, c = -1;
        np_xml_pos(NULL, &l, &c);
        assert_int_equal(l, 0);
        assert_int_equal(c, 0);
    }
}

/* Positions stay right deep into a large document, where libxml2 has already discarded the
 * start of its input buffer, with multi-line start tags, before and after recoding. */
static void positions_large(apr_pool_t *p, const char *encoding, const char *e_acute)
{
    np_buf b;
    const char *err = NULL;
    xmlDoc *doc;
    xmlNode *n;
    int i, elements = 0;
    np_buf_init(&b, 1 << 16);
    np_buf_printf(&b, "<?xml version='1.0' encoding='%s'?>\n<r>\n", encoding);
    for (i = 0; i < 3000; i++)
        np_buf_printf(&b, "  <a n='%d'>t%sxt</a>  <b\n   k='v'\n  >x</b>\n", i, e_acute);
    np_buf_puts(&b, "</r>\n");
    doc = np_xml_parse_memory(p, "big.xml", b.data, b.len, &err);
    np_buf_free(&b);
    assert_non_null(doc);
    for (n = xmlDocGetRootElement(doc)->children; n; n = n->next) {
        long line, col, i2 = elements / 2;
        if (n->type != XML_ELEMENT_NODE)
            continue;
        np_xml_pos(n, &line, &col);
        assert_int_equal(line, 3 + i2 * 3);
        assert_int_equal(col, elements % 2 ? 21 + (long)strlen(apr_ltoa(p, i2)) : 3);
        elements++;
    }
    assert_int_equal(elements, 6000);
}

static void test_positions_large(void **state)
{
    positions_large(*state, "UTF-8", "\xc3\xa9");
    positions_large(*state, "ISO-8859-1", "\xe9");
}

static void test_helpers(void **state)
{
    apr_pool_t *p = *state;
    const char *err;
    xmlDoc *doc = parse(p, "<r xmlns:n='urn:x'><a k='v'/><b/><n:a/><a/></r>", &err);
    xmlNode *root = xmlDocGetRootElement(doc), *a;
    assert_true(np_xml_is(root, "r"));
    assert_false(np_xml_is(root, "a"));
    assert_false(np_xml_is(NULL, "r"));
    a = np_xml_child(root, "a");
    assert_non_null(a);
    assert_string_equal(np_xml_attr(p, a, "k"), "v");
    assert_null(np_xml_attr(p, a, "missing"));
    a = np_xml_next(a); /* local names match in any namespace */
    assert_non_null(a);
    assert_non_null(a->ns);
    a = np_xml_next(a);
    assert_non_null(a);
    assert_null(np_xml_next(a));
    assert_null(np_xml_child(root, "zzz"));
    assert_null(np_xml_child(NULL, "a"));
    assert_string_equal(np_xml_msg(p, "f.xml", NULL, "bad %d", 7), "f.xml:0:0: bad 7");
    assert_string_equal(np_xml_msg(p, "f.xml", np_xml_child(root, "b"), "here"),
                        "f.xml:1:30: here");
}

static void test_malformed(void **state)
{
    apr_pool_t *p = *state;
    assert_refused(p, "<root><a></b></root>",
                   "t.xml:1:14: Opening and ending tag mismatch: a line 1 and b");
    assert_refused(p, "", "t.xml:1:1: Document is empty");
    assert_refused(p, "<r>&nbsp;</r>", "t.xml:1:10: Entity 'nbsp' not defined");
    /* Messages stay on one line even when libxml2 adds a second. */
    assert_refused(p, "<r>\xff</r>",
                   "t.xml:1:4: Input is not proper UTF-8, indicate encoding ! "
                   "Bytes: 0xFF 0x3C 0x2F 0x72");
}

/* libxml2's default depth limit holds: XML_PARSE_HUGE is never used. */
static void test_depth_limit(void **state)
{
    apr_pool_t *p = *state;
    const char *err = NULL;
    char *xml = apr_palloc(p, 300 * 7 + 1), *s = xml;
    int i;
    for (i = 0; i < 300; i++)
        s = stpcpy(s, "<a>");
    for (i = 0; i < 300; i++)
        s = stpcpy(s, "</a>");
    assert_null(parse(p, xml, &err));
    assert_non_null(strstr(err, "Excessive depth in document: 256"));
}

/* Errors go to the parser context, never to libxml2's global handlers (stderr). */
static void test_errors_not_global(void **state)
{
    apr_pool_t *p = *state;
    const char *err;
    FILE *capture = tmpfile();
    int fd = capture ? fileno(capture) : -1, saved = dup(2);
    void *serror = (void *)xmlStructuredError, *generic = (void *)xmlGenericError;
    struct stat st;
    assert_true(fd >= 0 && saved >= 0);
    fflush(stderr);
    dup2(fd, 2);
    parse(p, "<root><a></b></root>", &err);
    parse(p, "<!DOCTYPE r SYSTEM 'x.dtd'><r>&undeclared;</r>", &err);
    parse(p, "<?xml version='1.0' encoding='x-unknown'?><r/>", &err);
    parse(p, "<r>\xff</r>", &err);
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    assert_int_equal(fstat(fd, &st), 0);
    fclose(capture);
    assert_int_equal(st.st_size, 0);
    assert_ptr_equal(serror, (void *)xmlStructuredError);
    assert_ptr_equal(generic, (void *)xmlGenericError);
}

static void test_file(void **state)
{
    apr_pool_t *p = *state;
    char *dir = make_tmpdir(p);
    const char *path = apr_pstrcat(p, dir, "/a.xml", NULL), *err = NULL;
    const char *xml = "<r>0123456789</r>"; /* 17 bytes */
    xmlDoc *doc;

    write_file(path, xml, strlen(xml));
    doc = np_xml_parse_file(p, path, 0, &err);
    assert_non_null(doc);
    assert_string_equal((const char *)xmlDocGetRootElement(doc)->name, "r");
    assert_non_null(np_xml_parse_file(p, path, 17, &err));

    assert_null(np_xml_parse_file(p, path, 16, &err));
    assert_string_equal(err, apr_pstrcat(p, path,
                                         ":0:0: file is 17 bytes, over the limit of 16 bytes "
                                         "(NewsPortalMaxArticleSize); not parsed",
                                         NULL));

    assert_null(np_xml_parse_file(p, apr_pstrcat(p, dir, "/none.xml", NULL), 0, &err));
    assert_string_equal(err, apr_pstrcat(p, dir,
                                         "/none.xml:0:0: cannot open: No such file or "
                                         "directory",
                                         NULL));

    assert_null(np_xml_parse_file(p, dir, 0, &err));
    assert_string_equal(err, apr_pstrcat(p, dir, ":0:0: not a regular file", NULL));

    write_file(path, "<r>", 3);
    assert_null(np_xml_parse_file(p, path, 0, &err));
    assert_string_equal(err,
                        apr_pstrcat(p, path, ":1:4: Premature end of data in tag r line 1", NULL));
    remove_tree(p, dir);
}

static void test_latin1(void **state)
{
    apr_pool_t *p = *state;
    const char *err = NULL;
    xmlDoc *doc = parse(p,
                        "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n"
                        "<r a=\"\xe9t\xe9\">Gr\xfcne f\xfchren Gespr\xe4\x63he \xa9</r>",
                        &err);
    xmlNode *r;
    xmlChar *text;
    assert_non_null(doc);
    r = xmlDocGetRootElement(doc);
    text = xmlNodeGetContent(r);
    assert_string_equal((const char *)text,
                        "Gr\xc3\xbcne f\xc3\xbchren Gespr\xc3\xa4\x63he \xc2\xa9");
    xmlFree(text);
    assert_string_equal(np_xml_attr(p, r, "a"), "\xc3\xa9t\xc3\xa9");
    pos_is(r, 2, 1);

    assert_refused(p, "<?xml version=\"1.0\" encoding=\"x-unknown\"?><r/>",
                   "t.xml:1:41: Unsupported encoding x-unknown");
}

static void test_entity_declarations(void **state)
{
    apr_pool_t *p = *state;
    assert_refused(p, "<!DOCTYPE r [<!ENTITY e \"x\">]><r>&e;</r>",
                   "t.xml:1:14: entity declarations are not allowed (entity 'e')");
    assert_refused(p, "<!DOCTYPE r [\n  <!ENTITY % pe \"<!ELEMENT r ANY>\">\n  %pe;\n]><r/>",
                   "t.xml:2:3: entity declarations are not allowed (parameter entity 'pe')");
    assert_refused(p, "<!DOCTYPE r [<!ENTITY ext SYSTEM \"/etc/passwd\">]><r>&ext;</r>",
                   "t.xml:1:14: entity declarations are not allowed (external entity 'ext')");
    assert_refused(p, "<!DOCTYPE r [<!ENTITY % ext SYSTEM \"/etc/passwd\"> %ext;]><r/>",
                   "t.xml:1:14: entity declarations are not allowed (parameter entity 'ext')");
    assert_refused(p,
                   "<!DOCTYPE r [<!NOTATION gif SYSTEM \"image/gif\">"
                   "<!ENTITY pic SYSTEM \"pic.gif\" NDATA gif>]><r/>",
                   "t.xml:1:48: entity declarations are not allowed (external entity 'pic')");
    assert_refused(p,
                   "<!DOCTYPE lolz [<!ENTITY lol \"lol\">"
                   "<!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">]>"
                   "<lolz>&lol2;</lolz>",
                   "t.xml:1:17: entity declarations are not allowed (entity 'lol')");
    /* An internal subset without entity declarations is fine. */
    {
        const char *err = NULL;
        assert_non_null(parse(p, "<!DOCTYPE r [<!ATTLIST r a CDATA \"d\">]><r/>", &err));
    }
}

/* The shared hostile sample, in a scratch folder beside canary copies of the DTDs it names:
 * it is refused, and neither canary is ever opened. */
static void test_hostile_sample(void **state)
{
    apr_pool_t *p = *state;
    const char *err = NULL, *copy, *dtds;
    char *dir, *data;
    apr_size_t len;
    FILE *f;
    int fd;
    xmlDoc *doc;

    if (access(HOSTILE, R_OK) != 0) {
        print_message("skipped: %s is absent (no ../shared beside this clone)\n", HOSTILE);
        skip();
    }
    f = fopen(HOSTILE, "rb");
    assert_non_null(f);
    data = apr_palloc(p, 1 << 16);
    len = fread(data, 1, 1 << 16, f);
    fclose(f);
    dir = make_tmpdir(p);
    dtds = apr_pstrcat(p, dir, "/dtds", NULL);
    copy = apr_pstrcat(p, dir, "/external-parameter-entity.xml", NULL);
    assert_int_equal(mkdir(dtds, 0700), 0);
    write_file(copy, data, len);
    write_file(apr_pstrcat(p, dtds, "/nitf-2-5.dtd", NULL), "<!-- canary -->\n", 16);
    write_file(apr_pstrcat(p, dtds, "/NewsMLv1.2.dtd", NULL), "<!-- canary -->\n", 16);

    fd = watch_opens(dtds);
    assert_null(np_xml_parse_file(p, copy, 0, &err));
    assert_string_equal(err, apr_pstrcat(p, copy,
                                         ":3:3: entity declarations are not allowed "
                                         "(parameter entity 'nitf')",
                                         NULL));
    assert_false(opens_seen(fd));

    /* Control: libxml2 told to load DTDs does open the canaries, so the watch can see it. */
    doc = xmlReadFile(copy, NULL, XML_PARSE_DTDLOAD | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    xmlFreeDoc(doc);
    assert_true(opens_seen(fd));
    close(fd);
    remove_tree(p, dir);
}

/* A listening socket on loopback: the test fails if anything connects to it. */
static int listener(int *port)
{
    struct sockaddr_in sa;
    socklen_t len = sizeof(sa);
    int s = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    assert_true(s >= 0);
    memset(&sa, 0, sizeof(sa));
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(bind(s, (struct sockaddr *)&sa, sizeof(sa)), 0);
    assert_int_equal(listen(s, 4), 0);
    assert_int_equal(getsockname(s, (struct sockaddr *)&sa, &len), 0);
    *port = ntohs(sa.sin_port);
    return s;
}

static int connected(int s)
{
    int c = accept(s, NULL, NULL);
    if (c >= 0) {
        close(c);
        return 1;
    }
    return 0;
}

static void external_dtd_round(apr_pool_t *p, const char *dir, int port, int fd, int lsock)
{
    const char *path = apr_pstrcat(p, dir, "/doc.xml", NULL), *err = NULL;
    const char *xml;
    xmlDoc *doc;
    xmlNode *r;

    /* Accepted (common in NITF), the DTD never read, its attribute default never applied. */
    xml = "<!DOCTYPE r SYSTEM \"dtd/canary.dtd\"><r>a&nbsp;b</r>";
    write_file(path, xml, strlen(xml));
    doc = np_xml_parse_file(p, path, 0, &err);
    assert_non_null(doc);
    r = xmlDocGetRootElement(doc);
    assert_null(np_xml_attr(p, r, "injected"));
    assert_false(opens_seen(fd));

    xml = apr_psprintf(p, "<!DOCTYPE r SYSTEM \"http://127.0.0.1:%d/x.dtd\"><r/>", port);
    assert_non_null(parse(p, xml, &err));
    xml =
        apr_psprintf(p, "<!DOCTYPE r PUBLIC \"-//x//y\" \"http://127.0.0.1:%d/x.dtd\"><r/>", port);
    assert_non_null(parse(p, xml, &err));
    xml = apr_psprintf(p,
                       "<!DOCTYPE r [<!ENTITY %% e SYSTEM \"http://127.0.0.1:%d/e.dtd\"> %%e;]>"
                       "<r/>",
                       port);
    assert_null(parse(p, xml, &err));
    xml = apr_psprintf(p, "<!DOCTYPE r [<!ENTITY e SYSTEM \"%s/dtd/canary.dtd\">]><r>&e;</r>", dir);
    assert_null(parse(p, xml, &err));
    assert_false(connected(lsock));
    assert_false(opens_seen(fd));
}

static void test_external_dtd_not_loaded(void **state)
{
    apr_pool_t *p = *state;
    char *dir = make_tmpdir(p);
    const char *canary = "<!ATTLIST r injected CDATA \"yes\">\n<!ENTITY nbsp \"&#160;\">\n";
    int port, lsock = listener(&port), fd;
    int subst;
    const char *dtd = apr_pstrcat(p, dir, "/dtd", NULL);

    assert_int_equal(mkdir(dtd, 0700), 0);
    write_file(apr_pstrcat(p, dtd, "/canary.dtd", NULL), canary, strlen(canary));
    fd = watch_opens(dtd);
    external_dtd_round(p, dir, port, fd, lsock);

    /* Global defaults another module may have changed in this thread do not matter. */
    subst = xmlSubstituteEntitiesDefault(1);
    xmlLoadExtDtdDefaultValue = XML_DETECT_IDS | XML_COMPLETE_ATTRS;
    xmlDoValidityCheckingDefaultValue = 1;
    external_dtd_round(p, dir, port, fd, lsock);
    xmlSubstituteEntitiesDefault(subst);
    xmlLoadExtDtdDefaultValue = 0;
    xmlDoValidityCheckingDefaultValue = 0;

    close(fd);
    close(lsock);
    remove_tree(p, dir);
}

/* Many threads parsing at once, each with its own pool: results and errors never mix. */
typedef struct {
    int id, failures;
} thread_arg;

static void *parse_many(void *v)
{
    thread_arg *t = v;
    apr_allocator_t *alloc;
    apr_pool_t *p;
    int i;
    apr_allocator_create(&alloc);
    apr_pool_create_ex(&p, NULL, NULL, alloc);
    apr_allocator_owner_set(alloc, p);
    for (i = 0; i < 200; i++) {
        const char *err = NULL, *want;
        char *name = apr_psprintf(p, "t%d-%d.xml", t->id, i);
        char *xml = apr_psprintf(p, "<r>\n <n%d a='%d'/>\n</r>", t->id, i);
        xmlDoc *doc = np_xml_parse_memory(p, name, xml, strlen(xml), &err);
        xmlNode *n = doc ? xmlDocGetRootElement(doc)->children->next : NULL;
        long line, col;
        if (!n || strcmp((const char *)n->name, apr_psprintf(p, "n%d", t->id)) != 0)
            t->failures++;
        np_xml_pos(n, &line, &col);
        if (line != 2 || col != 2)
            t->failures++;
        xml = apr_psprintf(p, "<r><x%d></r>", t->id);
        want = apr_psprintf(p, "%s:1:%d: Opening and ending tag mismatch: x%d line 1 and r", name,
                            (int)strlen(xml) + 1, t->id);
        if (np_xml_parse_memory(p, name, xml, strlen(xml), &err) || strcmp(err, want) != 0)
            t->failures++;
        apr_pool_clear(p);
    }
    apr_pool_destroy(p);
    return NULL;
}

/* Parser contexts are reused: a refused or broken document in between, and more documents alive
 * at once than contexts are kept, change nothing in what the next parse gives. */
static void test_context_reuse(void **state)
{
    apr_pool_t *p;
    int i;
    apr_pool_create(&p, NULL);
    for (i = 0; i < 150; i++) {
        const char *err = NULL;
        const char *evil = "<!DOCTYPE r [<!ENTITY e 'x'>]><r>&e;</r>";
        const char *good = "<r>\n  <a>text</a>\n</r>";
        xmlDoc *doc;
        long line, col;
        assert_null(np_xml_parse_memory(p, "evil.xml", evil, strlen(evil), &err));
        assert_non_null(strstr(err, "entity declarations are not allowed"));
        assert_null(np_xml_parse_memory(p, "bad.xml", "<r><a></r>", 10, &err));
        assert_non_null(strstr(err, "bad.xml:1:"));
        doc = np_xml_parse_memory(p, "good.xml", good, strlen(good), &err);
        assert_non_null(doc);
        np_xml_pos(np_xml_child(xmlDocGetRootElement(doc), "a"), &line, &col);
        assert_int_equal(line, 2);
        assert_int_equal(col, 3);
    }
    apr_pool_destroy(p); /* 150 documents freed, their contexts kept or freed */
}

static void test_threads(void **state)
{
    pthread_t th[8];
    thread_arg args[8];
    int i;
    for (i = 0; i < 8; i++) {
        args[i].id = i;
        args[i].failures = 0;
        assert_int_equal(pthread_create(&th[i], NULL, parse_many, &args[i]), 0);
    }
    for (i = 0; i < 8; i++) {
        pthread_join(th[i], NULL);
        assert_int_equal(args[i].failures, 0);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        np_pool_test(test_positions),
        np_pool_test(test_positions_large),
        np_pool_test(test_helpers),
        np_pool_test(test_malformed),
        np_pool_test(test_depth_limit),
        np_pool_test(test_errors_not_global),
        np_pool_test(test_file),
        np_pool_test(test_latin1),
        np_pool_test(test_entity_declarations),
        np_pool_test(test_hostile_sample),
        np_pool_test(test_external_dtd_not_loaded),
        cmocka_unit_test(test_context_reuse),
        cmocka_unit_test(test_threads),
    };
    return np_test_run_pooled(tests);
}
