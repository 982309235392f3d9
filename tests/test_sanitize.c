/* Tests of the body allowlist (docs/content.md, "Body markup"): what is kept, dropped, unwrapped,
 * how URLs are filtered and text escaped, the report, and the plain-text helper. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>
#include <strings.h>

#include <apr_general.h>
#include <apr_strings.h>

#include "np_sanitize.h"
#include "np_xml.h"
#include "np_test.h"

static xmlNode *body_of(apr_pool_t *p, const char *xml)
{
    const char *err = NULL;
    xmlDoc *doc = np_xml_parse_memory(p, "b.xml", xml, strlen(xml), &err);
    if (!doc)
        fail_msg("%s", err);
    return xmlDocGetRootElement(doc);
}

/* The sanitized HTML of <body>inner</body>. */
static const char *san(apr_pool_t *p, const char *inner, np_sanitize_report *rep)
{
    np_buf b;
    const char *out;
    np_buf_init(&b, 64);
    np_sanitize_html(&b, body_of(p, apr_pstrcat(p, "<body>", inner, "</body>", NULL)), rep);
    assert_false(b.failed);
    out = apr_pstrmemdup(p, b.data, b.len);
    np_buf_free(&b);
    return out;
}

#define assert_san(p, inner, want) assert_string_equal(san(p, inner, NULL), want)

static void test_kept_elements(void **state)
{
    apr_pool_t *p = *state;
    const char *all = "<p>p</p><h2>2</h2><h3>3</h3><h4>4</h4><h5>5</h5><h6>6</h6>"
                      "<blockquote>q</blockquote><ul><li>l</li></ul><ol><li>o</li></ol>"
                      "<dl><dt>t</dt><dd>d</dd></dl><em>e</em><strong>s</strong><b>b</b><i>i</i>"
                      "<u>u</u><s>s</s><sub>sub</sub><sup>sup</sup><small>sm</small>"
                      "<code>c</code><pre>pre</pre><br><hr><figure><figcaption>fc</figcaption>"
                      "</figure><table><caption>cap</caption><thead><tr><th>h</th></tr></thead>"
                      "<tbody><tr><td>d</td></tr></tbody><tfoot><tr><td>f</td></tr></tfoot>"
                      "</table><q>q</q><cite>c</cite><abbr>a</abbr><time>t</time>"
                      "<span>s</span><div>d</div>";
    /* The same markup in XML form (void elements self-closed) gives exactly that HTML. */
    const char *xml = "<p>p</p><h2>2</h2><h3>3</h3><h4>4</h4><h5>5</h5><h6>6</h6>"
                      "<blockquote>q</blockquote><ul><li>l</li></ul><ol><li>o</li></ol>"
                      "<dl><dt>t</dt><dd>d</dd></dl><em>e</em><strong>s</strong><b>b</b><i>i</i>"
                      "<u>u</u><s>s</s><sub>sub</sub><sup>sup</sup><small>sm</small>"
                      "<code>c</code><pre>pre</pre><br/><hr/><figure><figcaption>fc</figcaption>"
                      "</figure><table><caption>cap</caption><thead><tr><th>h</th></tr></thead>"
                      "<tbody><tr><td>d</td></tr></tbody><tfoot><tr><td>f</td></tr></tfoot>"
                      "</table><q>q</q><cite>c</cite><abbr>a</abbr><time>t</time>"
                      "<span>s</span><div>d</div>";
    np_sanitize_report *rep = np_sanitize_report_make(p);
    assert_string_equal(san(p, xml, rep), all);
    assert_int_equal(rep->items->nelts, 0);
}

static void test_kept_attributes(void **state)
{
    apr_pool_t *p = *state;
    assert_san(p, "<a href='https://x.org/' title='T' class='c' id='i' rel='r'>x</a>",
               "<a href=\"https://x.org/\" title=\"T\">x</a>");
    assert_san(p, "<img src='/m/a.jpg' alt='A' width='10' height='20' title='no' loading='lazy'/>",
               "<img src=\"/m/a.jpg\" alt=\"A\" width=\"10\" height=\"20\">");
    assert_san(p,
               "<table><tr><th colspan='2' rowspan='3' scope='col' abbr='x'>h</th>"
               "<td colspan='2' rowspan='3' scope='row'>d</td></tr></table>",
               "<table><tr><th colspan=\"2\" rowspan=\"3\" scope=\"col\">h</th>"
               "<td colspan=\"2\" rowspan=\"3\">d</td></tr></table>");
    assert_san(p, "<abbr title='Intl'>I</abbr><time datetime='2026-11-27' title='t'>d</time>",
               "<abbr title=\"Intl\">I</abbr><time datetime=\"2026-11-27\">d</time>");
    /* Only the listed attributes of each element. */
    assert_san(p, "<p title='t' lang='en' dir='rtl' id='x' class='y'>p</p>", "<p>p</p>");
    assert_san(p, "<span href='https://x/' src='/y'>s</span>", "<span>s</span>");
    /* Names compared without case, written in lower case, never twice. */
    assert_san(p, "<A HREF='/a' Title='t' href='/b'>x</A>", "<a href=\"/a\" title=\"t\">x</a>");
    /* Attributes in a namespace are not ours. */
    assert_san(p, "<a xmlns:xl='http://www.w3.org/1999/xlink' xl:href='/x' xml:lang='en'>x</a>",
               "<a>x</a>");
}

static void test_on_and_style_dropped(void **state)
{
    apr_pool_t *p = *state;
    np_sanitize_report *rep = np_sanitize_report_make(p);
    const char *out = san(p,
                          "<p onclick='a()' style='color:red' ONMOUSEOVER='b()'>x</p>\n"
                          "<img src='/a.png' onerror='alert(1)' onload='c()'/>"
                          "<a href='/' onfocus='d()' style='x'>y</a>",
                          rep);
    const np_sanitize_item *it = (const np_sanitize_item *)rep->items->elts;
    assert_string_equal(out, "<p>x</p>\n<img src=\"/a.png\"><a href=\"/\">y</a>");
    assert_int_equal(rep->count[NP_SANITIZE_ATTR], 7);
    assert_int_equal(rep->items->nelts, 7);
    assert_int_equal(it[0].kind, NP_SANITIZE_ATTR);
    assert_string_equal(it[0].element, "p");
    assert_string_equal(it[0].attr, "onclick");
    assert_null(it[0].value);
    assert_int_equal(it[0].line, 1);
    assert_string_equal(it[3].element, "img");
    assert_string_equal(it[3].attr, "onerror");
    assert_int_equal(it[3].line, 2);
    assert_string_equal(it[6].attr, "style");
}

static void test_dropped_with_content(void **state)
{
    apr_pool_t *p = *state;
    np_sanitize_report *rep = np_sanitize_report_make(p);
    const char *out = san(p,
                          "<p>a</p><script>alert(1)</script><style>p{}</style>"
                          "<iframe src='https://e/'><p>in</p></iframe><object data='x'>o</object>"
                          "<embed src='x'/><form action='/'><p>f</p></form>"
                          "<SCRIPT>up()</SCRIPT><Style>x</Style>"
                          "<svg:svg xmlns:svg='http://www.w3.org/2000/svg'><svg:text>s</svg:text>"
                          "</svg:svg><x:p xmlns:x='urn:other'>foreign</x:p><p>b</p>",
                          rep);
    const np_sanitize_item *it = (const np_sanitize_item *)rep->items->elts;
    assert_string_equal(out, "<p>a</p><p>b</p>");
    assert_int_equal(rep->count[NP_SANITIZE_DROPPED], 10);
    assert_int_equal(rep->items->nelts, 10);
    assert_string_equal(it[0].element, "script");
    assert_string_equal(it[6].element, "SCRIPT");
    assert_string_equal(it[8].element, "svg:svg");
    assert_string_equal(it[9].element, "x:p");
    assert_int_equal(it[9].kind, NP_SANITIZE_DROPPED);
}

static void test_namespaces(void **state)
{
    apr_pool_t *p = *state;
    np_buf b;
    /* XHTML, and the body's own namespace (NITF's, say), are ours. */
    xmlNode *body = body_of(p, "<body xmlns='urn:nitf'><p>n</p>"
                               "<h:em xmlns:h='http://www.w3.org/1999/xhtml'>x</h:em>"
                               "<o:b xmlns:o='urn:other'>gone</o:b></body>");
    np_buf_init(&b, 64);
    np_sanitize_html(&b, body, NULL);
    assert_string_equal(np_buf_cstr(&b), "<p>n</p><em>x</em>");
    np_buf_free(&b);
    assert_san(p, "<div xmlns='http://www.w3.org/1999/xhtml'><p>x</p></div>",
               "<div><p>x</p></div>");
}

static void test_unwrapped(void **state)
{
    apr_pool_t *p = *state;
    np_sanitize_report *rep = np_sanitize_report_make(p);
    const char *out = san(p,
                          "<h1>Title</h1><p>A <font color='red'>red</font> "
                          "<person>Smith</person>'s <blink>x</blink></p><article><p>in</p>"
                          "</article><noscript>ns</noscript><textarea>t</textarea>",
                          rep);
    const np_sanitize_item *it = (const np_sanitize_item *)rep->items->elts;
    assert_string_equal(out, "Title<p>A red Smith&#39;s x</p><p>in</p>nst");
    assert_int_equal(rep->count[NP_SANITIZE_UNWRAPPED], 7);
    assert_int_equal(rep->count[NP_SANITIZE_ATTR], 0); /* attributes go with the tag */
    assert_string_equal(it[0].element, "h1");
    assert_string_equal(it[1].element, "font");
    assert_int_equal(it[1].kind, NP_SANITIZE_UNWRAPPED);
}

/* Every hostile URL form in href and src: none survives, and each is reported. */
static void test_hostile_urls(void **state)
{
    apr_pool_t *p = *state;
    static const char *const urls[] = {
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "&#106;avascript:alert(1)",
        "&#x6A;&#x61;vascript:alert(1)",
        " javascript:alert(1)",
        "&#32;&#9;&#10;javascript:alert(1)",
        "java&#9;script:alert(1)",
        "java&#10;script:alert(1)",
        "java&#13;script:alert(1)",
        "javascript&#9;:alert(1)",
        "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
        "DATA:image/png;base64,AAAA",
        "vbscript:msgbox(1)",
        "VBScript:msgbox(1)",
        "file:///etc/passwd",
        "jav&#x0A;ascript:alert(1)",
        "java\xc2\xadscript:alert(1)",
        ":alert(1)",
    };
    size_t i;
    for (i = 0; i < sizeof(urls) / sizeof(urls[0]); i++) {
        np_sanitize_report *rep = np_sanitize_report_make(p);
        const char *in = apr_psprintf(p, "<a href='%s'>a</a><img src='%s'/>", urls[i], urls[i]);
        const char *out = san(p, in, rep);
        const np_sanitize_item *it = (const np_sanitize_item *)rep->items->elts;
        if (strcmp(out, "<a>a</a><img>") != 0)
            fail_msg("%s gave %s", urls[i], out);
        assert_int_equal(rep->count[NP_SANITIZE_URL], 2);
        assert_int_equal(it[0].kind, NP_SANITIZE_URL);
        assert_string_equal(it[0].element, "a");
        assert_string_equal(it[0].attr, "href");
        assert_non_null(it[0].value);
        assert_string_equal(it[1].element, "img");
        assert_string_equal(it[1].attr, "src");
        assert_null(strcasestr(out, "script"));
        assert_null(strcasestr(out, "data:"));
        assert_null(np_sanitize_url(p, it[0].value));
    }
}

static void test_allowed_urls(void **state)
{
    apr_pool_t *p = *state;
    assert_san(p, "<a href='http://a.org/x?y=1&amp;z=2#f'>a</a>",
               "<a href=\"http://a.org/x?y=1&amp;z=2#f\">a</a>");
    assert_san(p, "<a href='HTTPS://a.org/'>a</a>", "<a href=\"HTTPS://a.org/\">a</a>");
    assert_san(p, "<a href='mailto:x@y.org'>a</a>", "<a href=\"mailto:x@y.org\">a</a>");
    assert_san(p, "<a href=' &#9; https://a.org/ '>a</a>", "<a href=\"https://a.org/\">a</a>");
    assert_san(p, "<a href='ht&#9;tp://a.org/p&#10;q'>a</a>", "<a href=\"http://a.org/pq\">a</a>");
    assert_san(p, "<img src='/media/a.jpg'/><img src='b.jpg'/><img src='//cdn.org/c.png'/>",
               "<img src=\"/media/a.jpg\"><img src=\"b.jpg\"><img src=\"//cdn.org/c.png\">");
    assert_san(p, "<a href='#top'>a</a><a href='?page=2'>b</a><a href=''>c</a>",
               "<a href=\"#top\">a</a><a href=\"?page=2\">b</a><a href=\"\">c</a>");
    /* A colon after the first slash, ? or # is not a scheme. */
    assert_san(p, "<a href='/a:b'>a</a><a href='x?javascript:1'>b</a>",
               "<a href=\"/a:b\">a</a><a href=\"x?javascript:1\">b</a>");
    /* Quotes cannot leave the attribute. */
    assert_san(p, "<a href='/x\"onmouseover=\"alert(1)'>a</a>",
               "<a href=\"/x&quot;onmouseover=&quot;alert(1)\">a</a>");
}

static void test_url_function(void **state)
{
    apr_pool_t *p = *state;
    const char *u = "https://a.org/";
    assert_ptr_equal(np_sanitize_url(p, u), u); /* unchanged: no copy */
    assert_string_equal(np_sanitize_url(p, "\x01 \t/x"), "/x");
    assert_string_equal(np_sanitize_url(p, "h\tt\rt\np://a/"), "http://a/");
    assert_string_equal(np_sanitize_url(p, "MailTo:a@b"), "MailTo:a@b");
    /* relative URLs of any length pass; a long name before ':' is still refused */
    assert_string_equal(np_sanitize_url(p, "other-article.html"), "other-article.html");
    assert_string_equal(np_sanitize_url(p, "../../features/"), "../../features/");
    assert_string_equal(np_sanitize_url(p, "longer-name.html?a=b:c"), "longer-name.html?a=b:c");
    assert_null(np_sanitize_url(p, "javascriptx:alert(1)"));
    assert_null(np_sanitize_url(p, "verylongscheme:x"));
    assert_string_equal(np_sanitize_url(p, "rel/path.html"), "rel/path.html");
    assert_string_equal(np_sanitize_url(p, "  "), "");
    assert_null(np_sanitize_url(p, NULL));
    assert_null(np_sanitize_url(p, "javascript:x"));
    assert_null(np_sanitize_url(p, "\x01javascript:x"));
    assert_null(np_sanitize_url(p, "\x7f"
                                   "javascript:x"));
    assert_null(np_sanitize_url(p, "ftp://a/"));
    assert_null(np_sanitize_url(p, "httpx://a/"));
    assert_null(np_sanitize_url(p, "verylongscheme:x"));
}

static void test_escaping(void **state)
{
    apr_pool_t *p = *state;
    assert_san(p, "<p>a &lt; b &amp;&amp; c &gt; d \"q\" 'a'</p>",
               "<p>a &lt; b &amp;&amp; c &gt; d &quot;q&quot; &#39;a&#39;</p>");
    assert_san(p, "<p><![CDATA[<script>x</script>]]></p>", "<p>&lt;script&gt;x&lt;/script&gt;</p>");
    assert_san(p, "<abbr title='&lt;b&gt; &amp; \"x\"'>a</abbr>",
               "<abbr title=\"&lt;b&gt; &amp; &quot;x&quot;\">a</abbr>");
    /* Comments and processing instructions are not written. */
    assert_san(p, "<p>a<!-- <script>x</script> -->b<?php echo 1; ?></p>", "<p>ab</p>");
    /* Non-ASCII text passes as UTF-8. */
    assert_san(p, "<p>\xe4\xb8\xad\xe6\x96\x87 &#169;</p>",
               "<p>\xe4\xb8\xad\xe6\x96\x87 \xc2\xa9</p>");
}

static void test_void_elements(void **state)
{
    apr_pool_t *p = *state;
    assert_san(p, "a<br/>b<hr/><img src='/x.png' alt=''/>",
               "a<br>b<hr><img src=\"/x.png\" alt=\"\">");
    /* Content has no place in a void element: it follows it. */
    assert_san(p, "<br>x</br><img src='/y'><b>c</b></img>", "<br>x<img src=\"/y\"><b>c</b>");
}

static void test_report_lines(void **state)
{
    apr_pool_t *p = *state;
    np_sanitize_report *rep = np_sanitize_report_make(p);
    const np_sanitize_item *it;
    san(p, "\n<p>\n<script>x</script>\n<a href='javascript:x'>y</a><font>f</font></p>", rep);
    it = (const np_sanitize_item *)rep->items->elts;
    assert_int_equal(rep->items->nelts, 3);
    assert_int_equal(it[0].kind, NP_SANITIZE_DROPPED);
    assert_int_equal(it[0].line, 3);
    assert_int_equal(it[1].kind, NP_SANITIZE_URL);
    assert_string_equal(it[1].value, "javascript:x");
    assert_int_equal(it[1].line, 4);
    assert_int_equal(it[2].kind, NP_SANITIZE_UNWRAPPED);
    assert_int_equal(it[2].line, 4);
    /* Without a report the output is the same. */
    assert_string_equal(san(p, "<p><script>x</script><a href='javascript:x'>y</a></p>", NULL),
                        "<p><a>y</a></p>");
}

static void test_text(void **state)
{
    apr_pool_t *p = *state;
    xmlNode *b = body_of(p, "<body>\n  <h2>Head</h2><p>One\n\t two <em>three</em>"
                            "<script>nope()</script></p><p>four<br/>five</p>"
                            "<ul><li>a</li><li>b</li></ul><o:x xmlns:o='urn:o'>no</o:x>"
                            "<p>x<b>y</b>z &amp; <person>Smith</person>'s</p>  </body>");
    assert_string_equal(np_sanitize_text(p, b), "Head One two three four five a b xyz & Smith's");
    assert_string_equal(np_sanitize_text(p, b->children), ""); /* a text node of spaces */
    assert_string_equal(np_sanitize_text(p, NULL), "");
    b = body_of(p, "<t>  </t>");
    assert_string_equal(np_sanitize_text(p, b), "");
    b = body_of(p, "<t>\xc2\xa0 nbsp\xc2\xa0</t>"); /* only ASCII white space is collapsed */
    assert_string_equal(np_sanitize_text(p, b), "\xc2\xa0 nbsp\xc2\xa0");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        np_pool_test(test_kept_elements),
        np_pool_test(test_kept_attributes),
        np_pool_test(test_on_and_style_dropped),
        np_pool_test(test_dropped_with_content),
        np_pool_test(test_namespaces),
        np_pool_test(test_unwrapped),
        np_pool_test(test_hostile_urls),
        np_pool_test(test_allowed_urls),
        np_pool_test(test_url_function),
        np_pool_test(test_escaping),
        np_pool_test(test_void_elements),
        np_pool_test(test_report_lines),
        np_pool_test(test_text),
    };
    return np_test_run_pooled(tests);
}
