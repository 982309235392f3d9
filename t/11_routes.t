# Routing: the default table, redirects, 404 and 405, pagination edges, a custom table,
# and template overrides.
use strict;
use warnings FATAL => 'all';
use FindBin;
use lib "$FindBin::Bin/lib";
use Apache::Test qw(-withtestmore);
use Apache::TestRequest qw(GET HEAD POST);
use NPTest;

plan tests => 40, need_module('newsportal');
no_redirects();

sub status { GET($_[0])->code }
sub location { my $r = GET($_[0]); ($r->code, $r->header('Location') // '') }

is status('/news/'), 200, '/ home';
is status('/news/tags/heritage/'), 200, '/tags/{tag}/';
is status('/news/news-and-events/ich-news/'), 200, '/{section*}/';
is status('/news/news-and-events/ich-news/page/2/'), 200, '/{section*}/page/{page}/';
is status('/news/news-and-events/ich-news/sharing-good-practices.html'), 200, '/{section*}/{slug}.html';

# ICH News has page-size 2 and three visible articles: two pages.
my $p2 = GET('/news/news-and-events/ich-news/page/2/')->content;
like $p2, qr{older-1\.html}, 'page 2 holds the oldest article';
unlike $p2, qr{sharing-good-practices\.html"[^>]*>\s*<}, 'and not the newest';
like $p2, qr{aria-current="page">(?:<span[^>]*>[^<]*</span>)?2</a>}, 'pagination marks page 2 current';
is status('/news/news-and-events/ich-news/page/3/'), 404, 'a page past the last is 404';
my ($code, $loc) = location('/news/news-and-events/ich-news/page/1/');
is $code, 301, 'page 1 redirects';
like $loc, qr{/news/news-and-events/ich-news/$}, 'to the canonical section URL';
($code, $loc) = location('/news/page/1/');
is $code, 301, 'home page 1 redirects';
like $loc, qr{/news/$}, 'to the home page';
($code, $loc) = location('/news');
is $code, 301, 'the mount point without its slash redirects';
like $loc, qr{/news/$}, 'to the home page';
($code, $loc) = location('/news/news-and-events');
is $code, 301, 'a section without its trailing slash redirects';
like $loc, qr{/news/news-and-events/$}, 'to the URL with the slash';
($code, $loc) = location('/news/news-and-events/ich-news?x=1');
like $loc, qr{/news/news-and-events/ich-news/\?x=1$}, 'the redirect keeps the query string';

is status('/news/no-such-section/'), 404, 'unknown section is 404';
is status('/news/news-and-events/ich-news/no-such-story.html'), 404, 'unknown slug is 404';
is status('/news/news-and-events/sharing-good-practices.html'), 404, 'an article in the wrong section is 404';
is status('/news/tags/no-such-tag/'), 404, 'unknown tag is 404';
is status('/news/some/file.txt'), 404, 'unmatched path is 404';
is status('/news/news-and-events/ich-news/bad%20name.html'), 404, 'a name outside the alphabet is 404';
my $r = GET '/news/nothing-here/';
like $r->content, qr{<h1>Page not found</h1>}, '404 page comes from the theme';
is $r->header('Content-Type'), 'text/html; charset=utf-8', '404 page is HTML';

$r = POST '/news/', content => 'x=1';
is $r->code, 405, 'POST is 405';
like $r->header('Allow') // '', qr{GET}, 'Allow names GET';
$r = HEAD '/news/news-and-events/';
is $r->code, 200, 'HEAD is 200';
is $r->content, '', 'HEAD has no body';

# A custom table at /custom: other patterns, every link follows them.
$r = GET '/custom/a/2026/11/sharing-good-practices.html';
is $r->code, 200, 'custom article route';
like $r->content, qr{OVERRIDE-MARKER}, 'NewsPortalTemplates replaces article.mustache';
like $r->content, qr{<style>}, 'the default layout still applies (fallback for missing files)';
is_deeply breadcrumb(GET('/custom/s/news-and-events/ich-news/')->content), [
    ['Front page', '/custom/'], ['News and Events', '/custom/s/news-and-events/'], ['ICH News', undef],
], 'custom section route, links and NewsPortalHomeLabel';
like GET('/custom/s/news-and-events/ich-news/')->content,
    qr{href="/custom/a/2026/11/sharing-good-practices.html"}, 'listing links use the custom article route';
like GET('/custom/')->content, qr{href="/custom/p/2/"}, 'pagination links use the custom home route';
is status('/custom/news-and-events/ich-news/sharing-good-practices.html'), 404,
    'default patterns do not apply where a table is configured';
($code, $loc) = location('/custom/a/2025/01/sharing-good-practices.html');
is $code, 301, 'an article URL with the wrong date redirects';
like $loc, qr{/custom/a/2026/11/sharing-good-practices.html$}, 'to its canonical URL';
is status('/custom/t/heritage/'), 200, 'custom tag route';
