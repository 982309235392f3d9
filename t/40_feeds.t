# Atom, RSS and JSON feeds, sitemaps and the news sitemap as a client sees them: well-formed,
# the right content types, newest first, absolute URLs, hidden articles left out, validators,
# and a hostile title that stays data in feeds and in the page's JSON-LD.
use strict;
use warnings FATAL => 'all';
use FindBin;
use lib "$FindBin::Bin/lib";
use Apache::Test qw(-withtestmore);
use Apache::TestRequest qw(GET);
use Encode qw(decode_utf8);
use File::Path qw(remove_tree);
use HTTP::Date qw(str2time);
use JSON::PP ();
use POSIX qw(strftime);
use NPTest;

my $have_libxml = eval { require XML::LibXML; 1 };

plan tests => 115, need('newsportal', { 'XML::LibXML (Debian libxml-libxml-perl) is not installed' => $have_libxml });
no_redirects();

my $BASE = 'http://news.example.org';
my %NS = (a => 'http://www.w3.org/2005/Atom', s => 'http://www.sitemaps.org/schemas/sitemap/0.9',
          n => 'http://www.google.com/schemas/sitemap-news/0.9',
          dc => 'http://purl.org/dc/elements/1.1/');
my $RFC822 = qr/^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d\d (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d\d:\d\d:\d\d [+-]\d{4}$/;

# The visible articles of t/content/site1, newest first: [path under /news, title, published].
my @site1 = (
    ['/news-and-events/ich-news/sharing-good-practices.html',
     'Sharing of Information and Good Practices on Safeguarding', '2026-11-27T10:00:00+08:00'],
    ['/culture-corner/craft-fair.html', 'Craft fair opens', '2026-05-05T00:00:00+08:00'],
    ['/news-and-events/press/press-release.html', 'A press release', '2026-04-01T09:00:00+01:00'],
    ['/news-and-events/press/hostile-story.html', 'Hostile story', '2026-03-01T00:00:00+08:00'],
    ['/news-and-events/ich-news/older-2.html', 'Older ICH story 2', '2026-02-15T00:00:00+08:00'],
    ['/news-and-events/ich-news/older-1.html', 'Older ICH story 1', '2026-01-15T00:00:00+08:00'],
);
my @site1_sections = ('/', '/news-and-events/', '/news-and-events/ich-news/',
                      '/news-and-events/press/', '/culture-corner/');
my @hidden = qw(DRAFT-MARKER FUTURE-MARKER EXPIRED-MARKER);

sub xpc {
    my ($xml) = @_;
    my $doc = eval { XML::LibXML->load_xml(string => $xml, no_network => 1) };
    return (undef, $@) unless $doc;
    my $x = XML::LibXML::XPathContext->new($doc);
    $x->registerNs($_, $NS{$_}) for keys %NS;
    return ($x, '');
}
sub texts { my ($x, $path, $node) = @_; return map { $_->textContent } $x->findnodes($path, $node) }
sub in_order {  # newest first: each date no later than the one before
    my @t = map { str2time($_) // 0 } @_;
    return !grep { $t[$_] > $t[$_ - 1] } 1 .. $#t;
}
sub no_hidden { my ($body) = @_; return !grep { index($body, $_) >= 0 } @hidden }
sub abs_urls { my @u = @_; return @u && !grep { index($_, "$BASE/news/") != 0 } @u }

# ---- Atom, the whole site ----
my $r = GET '/news/feed.atom';
is $r->code, 200, 'Atom feed is 200';
like $r->header('Content-Type'), qr{^application/atom\+xml\b}, 'Atom content type';
my ($x, $err) = xpc($r->content);
ok $x, 'Atom feed is well-formed XML' or diag $err;
SKIP: {
    skip 'Atom feed did not parse', 10 unless $x;
    is $x->findvalue('/a:feed/a:title'), 'Test News', 'feed title is the site name';
    is $x->findvalue('/a:feed/a:link[@rel="self"]/@href'), "$BASE/news/feed.atom", 'self link is absolute';
    my @entries = $x->findnodes('/a:feed/a:entry');
    is scalar(@entries), scalar(@site1), 'one entry per visible article';
    is_deeply [texts($x, '/a:feed/a:entry/a:title')], [map { $_->[1] } @site1],
        'entry titles, newest first';
    is_deeply [texts($x, '/a:feed/a:entry/a:link[@rel="alternate"]/@href')],
        [map { "$BASE/news$_->[0]" } @site1], 'entry links are absolute, from NewsPortalBaseURL';
    my @pub = texts($x, '/a:feed/a:entry/a:published');
    ok in_order(@pub), 'entries newest first by published';
    is str2time($pub[0]), str2time($site1[0][2]), 'published of the newest entry';
    like $x->findvalue('/a:feed/a:updated'), qr/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:Z|[+-]\d\d:\d\d)$/,
        'feed updated is RFC 3339';
    is scalar(my @ids = texts($x, '/a:feed/a:entry/a:id')), scalar(@site1), 'every entry has an id';
    ok no_hidden($r->content), 'no draft, future or expired article';
}

# ETag and 304 on a feed.
my $etag = $r->header('ETag');
ok $etag, 'the feed has an ETag';
my $r304 = GET '/news/feed.atom', 'If-None-Match' => $etag // '"none"';
is $r304->code, 304, 'If-None-Match with its ETag: 304';
is $r304->content, '', 'a 304 has no body';
is GET('/news/feed.atom', 'If-None-Match' => '"0000000000000000"')->code, 200, 'another ETag: 200';

# ---- RSS, the whole site ----
$r = GET '/news/feed.rss';
is $r->code, 200, 'RSS feed is 200';
like $r->header('Content-Type'), qr{^application/rss\+xml\b}, 'RSS content type';
($x, $err) = xpc($r->content);
ok $x, 'RSS feed is well-formed XML' or diag $err;
SKIP: {
    skip 'RSS feed did not parse', 9 unless $x;
    is $x->findvalue('/rss/@version'), '2.0', 'RSS 2.0';
    is $x->findvalue('/rss/channel/title'), 'Test News', 'channel title';
    is $x->findvalue('/rss/channel/link'), "$BASE/news/", 'channel link is the absolute home page';
    my @items = $x->findnodes('/rss/channel/item');
    is scalar(@items), scalar(@site1), 'one item per visible article';
    is_deeply [texts($x, '/rss/channel/item/title')], [map { $_->[1] } @site1],
        'item titles, newest first';
    is_deeply [texts($x, '/rss/channel/item/link')], [map { "$BASE/news$_->[0]" } @site1],
        'item links are absolute';
    my @pd = texts($x, '/rss/channel/item/pubDate');
    is scalar(grep { /$RFC822/ } @pd), scalar(@site1), 'every pubDate is RFC 822' or diag "@pd";
    is_deeply [map { str2time($_) } @pd], [map { str2time($_->[2]) } @site1], 'pubDate values';
    like $x->findvalue('/rss/channel/lastBuildDate'), $RFC822, 'lastBuildDate is RFC 822';
}
ok no_hidden($r->content), 'RSS: no draft, future or expired article';

# ---- JSON Feed ----
$r = GET '/news/feed.json';
is $r->code, 200, 'JSON feed is 200';
like $r->header('Content-Type'), qr{^application/(?:feed\+)?json\b}, 'JSON feed content type';
my $jf = eval { JSON::PP->new->utf8->decode($r->content) };
ok $jf, 'JSON feed decodes' or diag $@;
SKIP: {
    skip 'JSON feed did not decode', 7 unless $jf;
    like $jf->{version} // '', qr{^https://jsonfeed\.org/version/1}, 'JSON Feed version';
    is $jf->{title}, 'Test News', 'JSON feed title';
    is $jf->{feed_url}, "$BASE/news/feed.json", 'feed_url is absolute';
    is scalar(@{ $jf->{items} || [] }), scalar(@site1), 'one item per visible article';
    is_deeply [map { $_->{title} } @{ $jf->{items} }], [map { $_->[1] } @site1], 'item titles, newest first';
    is_deeply [map { $_->{url} } @{ $jf->{items} }], [map { "$BASE/news$_->[0]" } @site1],
        'item URLs are absolute';
    ok in_order(map { $_->{date_published} } @{ $jf->{items} }), 'items newest first';
}
ok no_hidden($r->content), 'JSON feed: no draft, future or expired article';

# ---- section feeds ----
my @nae = grep { $_->[0] =~ m{^/news-and-events/} } @site1;
$r = GET '/news/news-and-events/feed.atom';
is $r->code, 200, 'section Atom feed is 200';
like $r->header('Content-Type'), qr{^application/atom\+xml\b}, 'section Atom content type';
($x, $err) = xpc($r->content);
ok $x, 'section Atom feed is well-formed' or diag $err;
SKIP: {
    skip 'section feed did not parse', 4 unless $x;
    like $x->findvalue('/a:feed/a:title'), qr/News and Events/, 'section feed title names the section';
    is $x->findvalue('/a:feed/a:link[@rel="self"]/@href'), "$BASE/news/news-and-events/feed.atom",
        'section feed self link';
    is_deeply [texts($x, '/a:feed/a:entry/a:title')], [map { $_->[1] } @nae],
        'the section and its subsections, newest first';
    ok abs_urls(texts($x, '/a:feed/a:entry/a:link/@href')), 'section feed links are absolute';
}
ok no_hidden($r->content), 'section feed: no hidden article';

my @ich = grep { $_->[0] =~ m{^/news-and-events/ich-news/} } @site1;
$r = GET '/news/news-and-events/ich-news/feed.rss';
is $r->code, 200, 'subsection RSS feed is 200';
like $r->header('Content-Type'), qr{^application/rss\+xml\b}, 'subsection RSS content type';
($x, $err) = xpc($r->content);
ok $x, 'subsection RSS is well-formed' or diag $err;
SKIP: {
    skip 'subsection RSS did not parse', 3 unless $x;
    is_deeply [texts($x, '/rss/channel/item/title')], [map { $_->[1] } @ich], 'ICH News items, newest first';
    is_deeply [texts($x, '/rss/channel/item/link')], [map { "$BASE/news$_->[0]" } @ich], 'absolute item links';
    ok !grep({ !/$RFC822/ } texts($x, '/rss/channel/item/pubDate')), 'pubDates are RFC 822';
}
ok no_hidden($r->content), 'subsection RSS: no draft, future or expired article (all three live here)';

# ---- sitemap ----
$r = GET '/news/sitemap.xml';
is $r->code, 200, 'sitemap is 200';
like $r->header('Content-Type'), qr{^(?:application|text)/xml\b}, 'sitemap content type';
($x, $err) = xpc($r->content);
ok $x, 'sitemap is well-formed' or diag $err;
SKIP: {
    skip 'sitemap did not parse', 3 unless $x;
    my @loc = texts($x, '/s:urlset/s:url/s:loc');
    is_deeply [sort @loc], [sort map { "$BASE/news$_" } @site1_sections, map { $_->[0] } @site1],
        'every visible section and article page, nothing else';
    my @lastmod = texts($x, '/s:urlset/s:url/s:lastmod');
    is scalar(@lastmod), scalar(@loc), 'every URL has a lastmod';
    ok !grep({ !str2time($_) } @lastmod), 'lastmod values are dates';
}
ok no_hidden($r->content), 'sitemap: no hidden article';

# ---- news sitemap (48 hours) ----
# site1's articles are dated: once none is in the window, the news sitemap is a 404 (an empty
# <urlset> fails the sitemaps.org schema); t/43_robots.t covers both states.
$r = GET '/news/news-sitemap.xml';
my @news_want = map { "$BASE/news$_->[0]" } grep { str2time($_->[2]) > time - 48 * 3600 } @site1;
is $r->code, @news_want ? 200 : 404, 'news sitemap is 200 with articles of the last 48 hours, else 404';
SKIP: {
    skip 'no article of site1 in the last 48 hours: the news sitemap is a 404', 3 unless @news_want;
    like $r->header('Content-Type'), qr{^(?:application|text)/xml\b}, 'news sitemap content type';
    ($x, $err) = xpc($r->content);
    ok $x, 'news sitemap is well-formed' or diag $err;
    is_deeply [$x ? texts($x, '/s:urlset/s:url/s:loc') : ()], \@news_want, 'the site\'s articles of the last 48 hours';
}

# ---- a Chinese site without NewsPortalBaseURL ----
$r = GET '/zh/feed.atom';
is $r->code, 200, 'Chinese Atom feed is 200';
($x, $err) = xpc($r->content);
ok $x, 'Chinese feed is well-formed' or diag $err;
SKIP: {
    skip 'Chinese feed did not parse', 4 unless $x;
    is $x->findvalue('/a:feed/@xml:lang'), 'zh', 'xml:lang zh';
    is $x->findvalue('/a:feed/a:entry/a:title'), "\x{975E}\x{9057}\x{4FDD}\x{62A4}\x{7ECF}\x{9A8C}\x{4EA4}\x{6D41}\x{4F1A}\x{53EC}\x{5F00}",
        'Chinese title as UTF-8';
    like $x->findvalue('/a:feed/a:entry/a:link/@href'), qr{^http://[^/]+/zh/xinwen/feiyi-baohu\.html$},
        'absolute link from the request host';
    is scalar(my @e = $x->findnodes('/a:feed/a:entry')), 1, 'one entry';
}

# ---- feed links in the pages ----
my $home = GET('/news/')->content;
like $home, qr{<link rel="alternate" type="application/atom\+xml" href="/news/feed\.atom"}, 'home: Atom link in head';
like $home, qr{<link rel="alternate" type="application/rss\+xml" href="/news/feed\.rss"}, 'home: RSS link in head';
like $home, qr{<link rel="alternate" type="application/feed\+json" href="/news/feed\.json"}, 'home: JSON Feed link in head';
like $home, qr{<p class="foot-feeds">Feeds: <a href="/news/feed\.atom"}, 'home: feeds in the footer';
my $sec = GET('/news/news-and-events/')->content;
like $sec, qr{<link rel="alternate" type="application/atom\+xml" href="/news/news-and-events/feed\.atom" title="Test News — News and Events">},
    'section: its own Atom feed in head';
my $art = GET('/news/news-and-events/ich-news/sharing-good-practices.html')->content;
like $art, qr{<link rel="alternate" type="application/rss\+xml" href="/news/news-and-events/ich-news/feed\.rss"},
    "article: its section's RSS feed in head";
like $art, qr{<meta property="og:image" content="http://news\.example\.org/media/meeting\.svg">}, 'og:image is absolute';
like decode_utf8(GET('/zh/')->content), qr{<p class="foot-feeds">\x{8BA2}\x{9605}\x{FF1A}<a href="/zh/feed\.atom"}, 'zh: the footer says 订阅：';

# ---- /live: an empty section, the 48-hour window, a hostile title ----
my $live = live_dir();
my $now = time;
sub iso { strftime('%Y-%m-%dT%H:%M:%SZ', gmtime $_[0]) }
sub xml_esc { my $s = shift; $s =~ s/&/&amp;/g; $s =~ s/</&lt;/g; $s =~ s/>/&gt;/g; $s =~ s/"/&quot;/g; $s }
sub article_xml {
    my ($title, $published) = @_;
    return qq{<?xml version="1.0" encoding="UTF-8"?>\n<article><title>} . xml_esc($title)
         . qq{</title><published>$published</published><body><p>Body.</p></body></article>\n};
}
my $hostile = q{</script><script>alert(1)</script> & ]]> "q"};
write_file("$live/empty/_section.xml", "<section><title>Empty</title></section>\n");
write_file("$live/feeds40/_section.xml", "<section><title>Feeds 40</title></section>\n");
write_file("$live/feeds40/within-window.xml", article_xml('Within the window', iso($now - 47 * 3600)));
write_file("$live/feeds40/outside-window.xml", article_xml('Outside the window', iso($now - 49 * 3600)));
write_file("$live/feeds40/hostile-title.xml", article_xml($hostile, iso($now - 3600)));

for my $kind (qw(atom rss)) {
    $r = GET "/live/empty/feed.$kind";
    is $r->code, 200, "an empty section's $kind feed is 200";
    ($x, $err) = xpc($r->content);
    ok $x, "an empty section's $kind feed is well-formed" or diag $err;
    is $x ? scalar(my @n = $x->findnodes($kind eq 'atom' ? '//a:entry' : '//item')) : -1, 0, 'with no entries';
}

$r = GET '/live/news-sitemap.xml';
is $r->code, 200, 'live news sitemap is 200';
($x, $err) = xpc($r->content);
ok $x, 'live news sitemap is well-formed' or diag $err;
SKIP: {
    skip 'live news sitemap did not parse', 4 unless $x;
    my @loc = texts($x, '/s:urlset/s:url/s:loc');
    ok scalar(grep { m{/live/feeds40/within-window\.html$} } @loc), 'published 47 hours ago: listed';
    ok !grep({ m{/live/feeds40/outside-window\.html$} } @loc), 'published 49 hours ago: not listed';
    my @late = grep { str2time($_) <= time - 48 * 3600 } texts($x, '//n:publication_date');
    is scalar(@late), 0, 'no publication_date older than 48 hours';
    my ($t) = texts($x, '//s:url[contains(s:loc, "hostile-title")]//n:title');
    is $t, $hostile, 'a hostile title round-trips through the news sitemap';
}

for my $url ('/live/feed.atom', '/live/feeds40/feed.atom') {
    $r = GET $url;
    ($x, $err) = xpc($r->content);
    ok $x, "$url with a hostile title is well-formed" or diag $err;
    my ($t) = $x ? texts($x, '//a:entry[contains(a:link/@href, "hostile-title")]/a:title') : ();
    is $t, $hostile, "$url: the hostile title round-trips";
}
$r = GET '/live/feeds40/feed.rss';
($x, $err) = xpc($r->content);
ok $x, 'RSS with a hostile title is well-formed' or diag $err;
my ($rt) = $x ? texts($x, '//item[contains(link, "hostile-title")]/title') : ();
is $rt, $hostile, 'RSS: the hostile title round-trips';
$r = GET '/live/feed.json';
$jf = eval { JSON::PP->new->utf8->decode($r->content) };
ok $jf, 'JSON feed with a hostile title decodes' or diag $@;
my ($ji) = grep { ($_->{url} // '') =~ /hostile-title/ } @{ $jf ? $jf->{items} : [] };
is $ji && $ji->{title}, $hostile, 'JSON feed: the hostile title round-trips';
unlike $r->content, qr{</script}i, 'JSON feed: no "</script" in the raw bytes';

$r = GET '/live/feeds40/hostile-title.html';
is $r->code, 200, 'the hostile article page is 200';
my $html = $r->content;
my @ld = $html =~ m{<script type="application/ld\+json">(.*?)</script>}sg;
is scalar(@ld), 1, 'one JSON-LD script element';
my $ld_text = $ld[0] // '';
unlike $ld_text, qr{</script}i, 'no "</script" inside the JSON-LD';
unlike $ld_text, qr{<!--}, 'no "<!--" inside the JSON-LD';
my $ld = eval { JSON::PP->new->utf8->decode($ld_text) };
ok $ld, 'the JSON-LD decodes' or diag $@;
my @graph = $ld ? (ref $ld->{'@graph'} eq 'ARRAY' ? @{ $ld->{'@graph'} } : ($ld)) : ();
my ($na) = grep { ($_->{'@type'} // '') eq 'NewsArticle' } @graph;
ok $na, 'a NewsArticle';
is $na && $na->{headline}, $hostile, 'its headline is the title, unchanged';
my ($bl) = grep { ($_->{'@type'} // '') eq 'BreadcrumbList' } @graph;
is $bl && $bl->{itemListElement}[-1]{name}, $hostile, 'the last breadcrumb item names it too';
like $html, qr{<h1>&lt;/script&gt;&lt;script&gt;alert\(1\)&lt;/script&gt; &amp; \]\]&gt; (?:"|&quot;)q(?:"|&quot;)</h1>},
    'the h1 is escaped HTML';
unlike $html, qr{<script>alert\(1\)}, 'no injected script element';
like $html, qr{<title>&lt;/script&gt;}, 'the <title> is escaped';
unlike join('', $html =~ m{<meta [^>]*>}g), qr{content="[^"]*"q"}, 'meta attributes stay quoted';

# Cleanup of what this file wrote.
remove_tree("$live/empty", "$live/feeds40");
ok !-e "$live/feeds40" && !-e "$live/empty", 'the files written under t/live are gone';
