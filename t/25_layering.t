# httpd's own modules on top: mod_deflate compresses, mod_cache caches, status is shown.
use strict;
use warnings FATAL => 'all';
use FindBin;
use lib "$FindBin::Bin/lib";
use Apache::Test qw(-withtestmore);
use Apache::TestRequest qw(GET);
use IO::Uncompress::Gunzip qw(gunzip);
use NPTest;

plan tests => 9, need need_module('newsportal'), need_module('deflate'), need_module('cache'),
    need_module('cache_socache'), need_module('status');
no_redirects();

my $url = '/gz/news-and-events/ich-news/older-1.html';
my $plain = GET('/news/news-and-events/ich-news/older-1.html')->content;
my $r = GET $url, 'Accept-Encoding' => 'gzip';
is $r->code, 200, 'mod_deflate: 200';
is $r->header('Content-Encoding'), 'gzip', 'compressed';
my $raw = $r->content;
my $out;
gunzip(\$raw => \$out);
like $out, qr{<h1>Older ICH story 1</h1>}, 'and the page inside is whole';

$url = '/cached/news-and-events/ich-news/older-1.html';
my $first = GET $url;
is $first->code, 200, 'mod_cache: 200';
my $second = GET $url;
is $second->code, 200, 'again 200';
like $second->header('X-Cache') // '', qr/HIT/, 'the second answer comes from mod_cache';
is $second->content, $first->content, 'the same page';

$r = GET '/server-status';
like $r->content, qr{<h1>mod_newsportal</h1>}, 'server-status shows the module';
like $r->content, qr{Articles</th><td>\d+}, 'with its figures';
