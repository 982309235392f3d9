# robots.txt and the news sitemap as crawlers and the sitemaps.org schema want them: a site
# mounted at the host's root answers /robots.txt with its Sitemap: lines (unless the operator's
# own file is served there); under another mount it is a 404. The news sitemap is a 404 while
# no article is in its 48-hour window (an empty <urlset> fails the schema) and robots.txt does
# not name it then; with an article it is listed again.
use strict;
use warnings FATAL => 'all';
use FindBin;
use lib "$FindBin::Bin/lib";
use Apache::Test qw(-withtestmore);
use Apache::TestRequest qw(GET);
use POSIX qw(strftime);
use Time::HiRes qw(sleep);
use NPTest;

plan tests => 12, need_module('newsportal');
no_redirects();

sub on { my ($vhost, $url) = @_; Apache::TestRequest::module($vhost); return GET($url) }
sub iso { strftime('%Y-%m-%dT%H:%M:%SZ', gmtime $_[0]) }

my $dir = live_dir() . '/robots43';
my $fresh = "$dir/fresh.xml";
# Only articles older than the window in the root site: t/40_feeds.t and others write into live/
# too, so the check below waits for the folder's own state.
write_file("$dir/old.xml", qq{<?xml version="1.0" encoding="UTF-8"?>\n<article><title>Old</title><published>2020-01-01T00:00:00Z</published><body><p>Old.</p></body></article>\n});

my $r = on('default', '/news/robots.txt');
is $r->code, 404, 'under /news (not the host root) robots.txt is a 404';

$r = on('default', '/news/news-sitemap.xml');
is $r->code, 404, 'a news sitemap with no article in 48 hours is a 404, not an empty <urlset>';

# np_root_file: the operator's own file wins.
$r = on('np_root_file', '/robots.txt');
is $r->code, 200, 'a root site with <Location /robots.txt> SetHandler none: 200';
like $r->content, qr{\A# the operator's own file|Disallow: /private/}, "the operator's file is served";

# np_root (content: live/): robots.txt names the sitemaps.
my $with_news = sub {
    my ($want) = @_;
    my $got;
    for (1 .. 30) {
        $got = on('np_root', '/robots.txt');
        last if ($got->content =~ /news-sitemap/ ? 1 : 0) == $want;
        sleep 0.2;
    }
    return $got;
};
remove_files $fresh;
sleep 1.1;
# Other tests may leave fresh articles in live/: this run's own state decides only when none.
my $news = on('np_root', '/news-sitemap.xml');
$r = on('np_root', '/robots.txt');
is $r->code, 200, 'a site mounted at / answers /robots.txt';
is $r->header('Content-Type'), 'text/plain; charset=utf-8', 'as text/plain';
like $r->content, qr{\AUser-agent: \*\nDisallow:\n\nSitemap: http://root\.example\.org/sitemap\.xml\n},
    'everything may be crawled; the sitemap is named';
is(($r->content =~ m{^Sitemap: http://root\.example\.org/news-sitemap\.xml$}m ? 200 : 404), $news->code,
    'the news sitemap is named exactly when it answers 200');

write_file($fresh, qq{<?xml version="1.0" encoding="UTF-8"?>\n<article><title>Fresh</title><published>} . iso(time - 3600)
    . qq{</published><body><p>Fresh.</p></body></article>\n});
$r = $with_news->(1);
like $r->content, qr{^Sitemap: http://root\.example\.org/news-sitemap\.xml$}m,
    'an article in the window: robots.txt names the news sitemap';
$r = on('np_root', '/news-sitemap.xml');
is $r->code, 200, 'and the news sitemap answers 200';
like $r->content, qr{<loc>http://root\.example\.org/robots43/fresh\.html</loc>}, 'listing the article';

remove_files $fresh;
sleep 1.1;
$r = on('np_root', '/robots.txt');
is(($r->content =~ /news-sitemap/ ? 200 : 404), on('np_root', '/news-sitemap.xml')->code,
   'the article gone: robots.txt and the news sitemap agree again');
