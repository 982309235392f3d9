# Full-text search (docs/search.md) over t/content/search: stemming, a two-character Chinese
# word, a phrase, section scope, drafts and kills never found, an embargo lifting at its
# instant (t/live), hostile query text (200 or 400, never 5xx, never echoed unescaped), JSON,
# the OpenSearch description, the search box and <link rel="search"> on every page, validators.
use strict;
use warnings FATAL => 'all';
use FindBin;
use lib "$FindBin::Bin/lib";
use Apache::Test qw(-withtestmore);
use Apache::TestRequest qw(GET);
use POSIX qw(strftime);
use NPTest;

plan tests => 85, need_module('newsportal');
no_redirects();

sub enc {
    my $s = shift;
    utf8::encode($s) if utf8::is_utf8($s);
    $s =~ s/([^A-Za-z0-9_.~-])/sprintf('%%%02X', ord $1)/ge;
    return $s;
}
sub search { GET('/srch/search?q=' . enc($_[0]) . ($_[1] // '')) }
sub titles {
    my $body = shift;
    return join '|', $body =~ m{<h2><a href="[^"]*">([^<]*)</a></h2>}g;
}

# ---- words ----
my $r = search('meeting');
is $r->code, 200, 'a search is answered 200';
like $r->header('Content-Type'), qr{^text/html; charset=utf-8}, 'as HTML';
is titles($r->content), 'Council meetings resume in the old town hall|The harbour committee',
    '"meeting" finds "meetings" and "meeting"';
is titles(search('meetings')->content), titles($r->content), '"meetings" finds the same (stemming)';
like search('cafe')->content, qr{<h2><a href="/srch/news/harbour\.html">}, '"cafe" finds "Café"';
ok !defined $r->header('X-NewsPortal-Cache'), 'results are not put in the page cache';

{
    use utf8;
    my $zh = search('股市')->content;
    utf8::decode($zh);
    like $zh, qr{<h2><a href="/srch/world/zh/stocks\.html">今天股市大跌</a></h2>}, '股市 finds the article about 股市';
    unlike $zh, qr{公司股东大会}, 'and not the one with 股东 and 市值';
    like $zh, qr{<mark>股市</mark>}, 'the word is marked in the snippet';
    like $zh, qr{<li lang="zh">}, 'the result is marked as Chinese';
    my $mixed = search('文化遗产 UNESCO')->content;
    utf8::decode($mixed);
    like $mixed, qr{非物质文化遗产保护}, 'Chinese and English in one query find the mixed article';
}

is titles(search('"river market"')->content), 'The harbour committee', 'a phrase finds the words together';
is titles(search('river market', '&sort=date')->content), 'The harbour committee|Market day', 'the words apart find both';

# ---- scope and visibility ----
is titles(search('harbour', '&section=world')->content), 'Harbours of the world', 'section= keeps to the section';
like search('harbour', '&section=world')->content, qr{In section: <a href="/srch/world/">World</a>}, 'and says so';
is titles(search('harbour', '&sort=date')->content),
    'Council meetings resume in the old town hall|The harbour committee|Market day|Harbours of the world',
    'sort=date lists newest first';
$r = search('harbour', '&section=nosuch');
is $r->code, 400, 'an unknown section is a 400';
like $r->content, qr{There is no such section\.}, 'with a plain message';
like search('zeppelin')->content, qr{Nothing found for <q>zeppelin</q>}, 'a draft is never found';
like search('retracted')->content, qr{Nothing found for}, 'a killed article is never found';
like search('quasar')->content, qr{Nothing found for}, 'an article embargoed until 2030 is not found';
like search('obsolete')->content, qr{Nothing found for}, 'an expired article is not found';

# An embargo lifting at its instant: the indexer has the article once the sentinel written with
# it is found; before the instant it is not, after it it is.
my $live = live_dir();
my $due = time + 8;
sub iso { strftime('%Y-%m-%dT%H:%M:%SZ', gmtime($_[0])) }
write_file("$live/srch/sentinel.xml", qq{<?xml version="1.0"?>\n<article><title>Sentinel</title><published>2026-01-01</published><body><p>lighthouse</p></body></article>\n});
write_file("$live/srch/due.xml", qq{<?xml version="1.0"?>\n<article><title>Due soon</title><published>} . iso($due) . qq{</published><body><p>albatross</p></body></article>\n});
my $seen = 0;
for (1 .. 40) {
    last if ($seen = GET('/live/search?q=lighthouse')->content =~ /Sentinel/);
    select undef, undef, undef, 0.25;
}
ok $seen, 'the indexer brought the new files into the full text';
like GET('/live/search?q=albatross')->content, qr{Nothing found}, 'the embargoed article is not found before its instant';
sleep 1 while time <= $due;
like GET('/live/search?q=albatross')->content, qr{Due soon}, 'and is found from its instant on';
unlink "$live/srch/sentinel.xml", "$live/srch/due.xml";

# ---- hostile text ----
my @hostile = ('NEAR(harbour river)', '"unbalanced', 'title:harbour', '*', '^harbour', 'harbour OR river',
    '(harbour)', q{'; DROP TABLE articles; --}, '<script>alert(1)</script>', 'harbour*', '-harbour',
    '{title body}:x', '""""', 'a' x 600);
for my $q (@hostile) {
    my $res = search($q);
    my $label = length $q > 40 ? substr($q, 0, 20) . '... (' . length($q) . ' bytes)' : $q;
    ok $res->code == 200 || $res->code == 400, "hostile '$label': 200 or 400 (got " . $res->code . ')';
    ok !($q =~ /[<>"]/ && index($res->content, $q) >= 0) && $res->content !~ /<script>alert/,
        "hostile '$label': not echoed unescaped";
}
$r = search('a' x 600);
is $r->code, 400, 'a query over 512 bytes is a 400';
like $r->content, qr{The search text is too long}, 'with a plain message';
for my $raw (['%00', 'contains a NUL'], ['%FF%FE', 'not valid UTF-8'], ['caf%E9', 'not valid UTF-8'],
             ['%C0%AF', 'not valid UTF-8'], ['%ED%A0%80', 'not valid UTF-8']) {
    my $res = GET("/srch/search?q=$raw->[0]");
    is $res->code, 400, "q=$raw->[0] is a 400";
    like $res->content, qr{\Q$raw->[1]\E}, "with a plain message ($raw->[1])";
}
is GET('/srch/search?q=harbour&page=abc')->code, 400, 'a page that is not a number is a 400';
is GET('/srch/search?q=harbour&page=99999')->code, 200, 'a page past the end is an empty 200';
is GET('/srch/search?q=harbour&section=..%2F..%2Fetc')->code, 400, 'a section path with .. is a 400';
my $long = GET('/srch/search?q=' . ('x' x 9000));
is $long->code, 414, "a query longer than httpd's request line gets httpd's 414";

# ---- JSON, OpenSearch, validators, the search box ----
$r = GET('/srch/search.json?q=harbour&sort=date');
is $r->code, 200, '/search.json answers';
like $r->header('Content-Type'), qr{^application/json}, 'as JSON';
like $r->content, qr{"total":4,}, 'with the count';
like $r->content, qr{"url":"http://search\.example\.org/srch/news/council\.html"}, 'and absolute URLs';
$r = GET('/srch/search.json?q=%FF');
is $r->code, 400, 'a bad query in JSON is a 400';
like $r->content, qr{^\{"error":"The search text is not valid UTF-8\."\}}, 'as {"error": ...}';

$r = GET('/srch/opensearch.xml');
is $r->code, 200, 'the OpenSearch description is served';
like $r->header('Content-Type'), qr{^application/opensearchdescription\+xml}, 'with its media type';
like $r->content, qr{template="http://search\.example\.org/srch/search\?q=\{searchTerms\}"}, 'naming the search URL';

$r = search('harbour');
my $etag = $r->header('ETag');
ok defined $etag && $etag =~ /^"q[0-9a-f]{16}"$/, 'a search has a strong ETag';
is GET('/srch/search?q=harbour', 'If-None-Match' => $etag)->code, 304, 'and If-None-Match gets a 304';
isnt search('harbours')->header('ETag'), $etag, 'another query has another ETag';

my $home = GET('/srch/')->content;
like $home, qr{<form class="search-box" role="search" action="/srch/search" method="get">}, 'every page has the search box';
like $home, qr{<link rel="search" type="application/opensearchdescription\+xml" href="/srch/opensearch\.xml"},
    'and the OpenSearch link';
unlike GET('/custom/')->content, qr{<form class="search-box"}, 'a route table without search has no search box';
{
    my $zh = GET('/zh/search?q=' . enc("\x{4E0D}\x{5B58}\x{5728}\x{7684}\x{8BCD}"))->content;
    utf8::decode($zh);
    like $zh, qr{\x{6CA1}\x{6709}\x{627E}\x{5230}}, 'the Chinese site says "nothing found" in Chinese';
}
