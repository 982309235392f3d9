# HTTP on top of the page cache: validators, 304s, HEAD, max-age and the cache header.
use strict;
use warnings FATAL => 'all';
use FindBin;
use lib "$FindBin::Bin/lib";
use Apache::Test qw(-withtestmore);
use Apache::TestRequest qw(GET HEAD);
use HTTP::Date qw(str2time time2str);
use NPTest;

plan tests => 27, need_module('newsportal');
no_redirects();

my $url = '/news/news-and-events/ich-news/older-1.html';
my $r1 = GET $url;
is $r1->code, 200, 'page is 200';
like $r1->header('X-NewsPortal-Cache') // '', qr/^(miss|hit)$/, 'first request: miss (or hit if an earlier test rendered it)';
my $r2 = GET $url;
is $r2->header('X-NewsPortal-Cache'), 'hit', 'second request: hit';
is $r2->content, $r1->content, 'the same bytes';
my $etag = $r2->header('ETag');
like $etag, qr/^"[0-9a-f]{16}"$/, 'strong ETag';
is $r1->header('ETag'), $etag, 'the same ETag for the same page';
my $lm = $r2->header('Last-Modified');
ok $lm && str2time($lm), 'Last-Modified is an HTTP date';
my $mtime = (stat(Apache::Test::vars('serverroot') . '/content/site1/news-and-events/ich-news/older-1.xml'))[9];
is str2time($lm), $mtime, "Last-Modified is the article file's mtime";
is $r2->header('Cache-Control'), 'max-age=60', 'max-age is NewsPortalMaxAge (default 60)';
is $r2->header('Content-Length'), length($r2->content), 'Content-Length';

my $r = GET $url, 'If-None-Match' => $etag;
is $r->code, 304, 'If-None-Match with the ETag: 304';
is $r->content, '', '304 has no body';
is $r->header('ETag'), $etag, '304 repeats the ETag';
is GET($url, 'If-None-Match' => '"0000000000000000"')->code, 200, 'another ETag: 200';
is GET($url, 'If-None-Match' => "\"x\", $etag")->code, 304, 'ETag in a list: 304';
is GET($url, 'If-Modified-Since' => $lm)->code, 304, 'If-Modified-Since = Last-Modified: 304';
is GET($url, 'If-Modified-Since' => time2str($mtime - 3600))->code, 200, 'older If-Modified-Since: 200';
is GET($url, 'If-None-Match' => '"0000000000000000"', 'If-Modified-Since' => $lm)->code, 200,
    'If-None-Match takes precedence over If-Modified-Since (RFC 9110)';

$r = HEAD $url;
is $r->code, 200, 'HEAD';
is $r->header('ETag'), $etag, 'HEAD has the ETag';
is $r->content, '', 'and no body';

# With the cache off, the same validators, no cache header, and its own max-age.
$r = GET '/nocache/news-and-events/ich-news/older-1.html';
is $r->code, 200, 'NewsPortalCache Off serves the page';
ok !defined $r->header('X-NewsPortal-Cache'), 'without X-NewsPortal-Cache';
is $r->header('Cache-Control'), 'max-age=30', 'NewsPortalMaxAge 30';
my $nc = GET('/nocache/news-and-events/ich-news/older-1.html', 'If-None-Match' => $r->header('ETag'));
is $nc->code, 304, 'and 304 from its ETag';
# The handler holds the only reference to an uncached page: the 304's and HEAD's ETag must
# outlive it (the ASan run of this suite reads freed memory otherwise).
is $nc->header('ETag'), $r->header('ETag'), 'the 304 repeats the ETag';
is HEAD('/nocache/news-and-events/ich-news/older-1.html')->header('ETag'), $r->header('ETag'),
    'HEAD of an uncached page has its ETag';
