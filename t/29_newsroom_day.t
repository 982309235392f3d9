# The newsroom's day as readers see it: kills (native, NewsML-G2, NITF) answer 410 and leave every
# list at once; a kill of an article never seen stays 404; corrections show and move the dates;
# previous URLs redirect while the article is visible; translations link both ways
# (docs/content.md, docs/security.md).
use strict;
use warnings FATAL => 'all';
use FindBin;
use lib "$FindBin::Bin/lib";
use Apache::Test qw(-withtestmore);
use Apache::TestRequest qw(GET);
use POSIX qw(strftime);
use Time::HiRes qw(sleep);
use NPTest;

plan tests => 39, need_module('newsportal');
no_redirects();

my $live = live_dir();
my $day = "$live/day";
my $now = strftime('%Y-%m-%dT%H:%M:%SZ', gmtime(time - 3600));
my $future = '2999-01-01T00:00:00Z';

sub native {
    my ($title, $date, $status) = @_;
    my $st = $status ? "<status>$status</status>" : '';
    return qq{<?xml version="1.0" encoding="UTF-8"?>\n<article><title>$title</title>}
         . qq{<published>$date</published>$st<tags><tag>Day Desk</tag></tags>}
         . qq{<body><p>$title body.</p></body></article>\n};
}
sub g2 {
    my ($title, $status) = @_;
    return qq{<?xml version="1.0" encoding="UTF-8"?>\n}
         . qq{<newsItem xmlns="http://iptc.org/std/nar/2006-10-01/" guid="urn:x:day-g2">}
         . qq{<itemMeta><versionCreated>$now</versionCreated><pubStatus qcode="stat:$status"/></itemMeta>}
         . qq{<contentMeta><headline>$title</headline></contentMeta>}
         . qq{<contentSet><inlineData>$title text.</inlineData></contentSet></newsItem>\n};
}
sub nitf {
    my ($title, $status) = @_;
    my $st = $status ? qq{ management-status="$status"} : '';
    (my $norm = $now) =~ s/[-:]//g;
    $norm =~ s/Z$/+0000/;
    return qq{<?xml version="1.0" encoding="UTF-8"?>\n<nitf><head><docdata$st>}
         . qq{<date.issue norm="$norm"/></docdata></head><body><body.head><hedline><hl1>$title</hl1>}
         . qq{</hedline></body.head><body.content><p>$title text.</p></body.content></body></nitf>\n};
}
# Waits (CheckInterval 0, plus a second for a same-second edit) until GET url has status code.
sub wait_code {
    my ($url, $code) = @_;
    my $t0 = Time::HiRes::time();
    my $r = GET $url;
    while ($r->code != $code && Time::HiRes::time() - $t0 < 2.5) { sleep 0.1; $r = GET $url }
    return $r;
}

my @lists = ('/live/day/', '/live/', '/live/tags/day-desk/', '/live/feed.atom', '/live/day/feed.rss',
             '/live/sitemap.xml', '/live/news-sitemap.xml');

write_file("$day/_section.xml", "<section><title>Day</title></section>");
write_file("$day/story.xml", native('Kill Me Native', $now));
write_file("$day/wire.xml", g2('Kill Me Wire', 'usable'));
write_file("$day/nitf.xml", nitf('Kill Me Nitf'));
write_file("$day/early.xml", native('Never Seen', $future, 'killed'));
sleep 1.1;

is GET('/live/day/story.html')->code, 200, 'native article served before the kill';
is GET('/live/day/wire.html')->code, 200, 'NewsML-G2 item served before the kill';
is GET('/live/day/nitf.html')->code, 200, 'NITF story served before the kill';
my $all = join '', map { GET($_)->content } @lists;  # also warms the page cache
ok $all =~ /Kill Me Native/ && $all =~ /Kill Me Wire/ && $all =~ /Kill Me Nitf/,
    'all three listed before the kill';
is GET('/live/day/early.html')->code, 404, 'a killed article never seen: 404';
unlike GET('/live/day/early.html')->content, qr/withdrawn/i, 'its page says nothing of a kill';

write_file("$day/story.xml", native('Kill Me Native', $now, 'killed'));
write_file("$day/wire.xml", g2('Kill Me Wire', 'canceled'));
write_file("$day/nitf.xml", nitf('Kill Me Nitf', 'withheld'));

my $r = wait_code('/live/day/story.html', 410);
is $r->code, 410, 'native <status>killed</status>: 410 within the check interval';
like $r->content, qr/Article withdrawn/, 'with the notice page';
is $r->header('Cache-Control'), 'no-cache', 'not cacheable as a page';
ok !defined $r->header('ETag'), 'no ETag';
unlike $r->content, qr/Kill Me Native body/, 'no trace of the body';
is GET('/live/day/story.html')->code, 410, 'served again: still 410, never a cached 200';
is wait_code('/live/day/wire.html', 410)->code, 410, 'NewsML-G2 stat:canceled: 410';
is wait_code('/live/day/nitf.html', 410)->code, 410, 'NITF management-status="withheld": 410';
for my $u (@lists) {
    my $c = GET($u)->content;
    ok $c !~ /Kill Me/, "gone from $u";
}
is GET('/live/tags/day-desk/')->code, 404, 'a tag with only killed articles does not exist';

write_file("$day/wire.xml", g2('Kill Me Wire', 'withheld'));
is wait_code('/live/day/wire.html', 410)->code, 410, 'NewsML-G2 stat:withheld: 410';
write_file("$day/story.xml", native('Kill Me Native', $now));
is wait_code('/live/day/story.html', 200)->code, 200, 'a kill lifted: served again';

# Corrections: the dated note, and dateModified, the feed's updated and the sitemap's lastmod move.
write_file("$day/fixed.xml", qq{<?xml version="1.0" encoding="UTF-8"?>\n<article><title>Fixed Story</title>}
    . qq{<published>2026-02-01T08:00:00Z</published>}
    . qq{<correction date="2026-02-03T09:30:00Z">The bridge opened in 1931, not 1913.</correction>}
    . qq{<body><p>Fixed body.</p></body></article>\n});
$r = wait_code('/live/day/fixed.html', 200);
like $r->content, qr{<h2 id="corrections-title">Corrections</h2>}, 'a correction: the notes heading';
like $r->content, qr{<time datetime="2026-02-03T09:30:00Z">[^<]+</time>: The bridge opened in 1931, not 1913\.</li>},
    'the dated note';
like $r->content, qr{"dateModified":"2026-02-03T09:30:00Z"}, 'dateModified is the correction date';
like GET('/live/day/feed.atom')->content,
    qr{fixed\.html"/>\n<published>2026-02-01T08:00:00Z</published>\n<updated>2026-02-03T09:30:00Z</updated>},
    "the feed entry's updated";
like GET('/live/sitemap.xml')->content, qr{day/fixed\.html</loc><lastmod>2026-02-03}, "the sitemap's lastmod";
unlike GET('/live/day/story.html')->content, qr{corrections}, 'no notes on an article without corrections';

# Previous URLs: 301 to the current URL while the article is visible, else 404.
write_file("$day/renamed.xml", qq{<?xml version="1.0" encoding="UTF-8"?>\n<article><title>Renamed</title>}
    . qq{<published>2026-02-01T08:00:00Z</published><previous-url>/day/old name.html</previous-url>}
    . qq{<body><p>R.</p></body></article>\n});
write_file("$day/secret.xml", qq{<?xml version="1.0" encoding="UTF-8"?>\n<article><title>Secret</title>}
    . qq{<published>$future</published><previous-url>/day/old-secret.html</previous-url>}
    . qq{<body><p>S.</p></body></article>\n});
$r = wait_code('/live/day/old%20name.html?x=1', 301);
is $r->code, 301, 'a previous URL answers 301';
like $r->header('Location'), qr{^http://[^/]+/live/day/renamed\.html\?x=1$}, 'to the current URL, query kept';
is GET('/live/day/old-secret.html')->code, 404, "an embargoed article's previous URL: 404";

# A file moved to another section keeps its id: its old URL answers 301 with no <previous-url>.
write_file("$day/moving.xml", qq{<?xml version="1.0" encoding="UTF-8"?>\n<article id="moving-day-1">}
    . qq{<title>Moving</title><published>2026-02-01T08:00:00Z</published><body><p>M.</p></body></article>\n});
wait_code('/live/day/moving.html', 200);
{
    my $t = Time::HiRes::time();
    system('mkdir', '-p', "$day/moved");
    rename "$day/moving.xml", "$day/moved/moving-on.xml" or die "rename: $!";
    settle($t);
}
$r = wait_code('/live/day/moving.html', 301);
like $r->header('Location'), qr{^http://[^/]+/live/day/moved/moving-on\.html$}, 'a moved file: 301 to where it is now';
is GET('/live/day/moved/moving-on.html')->code, 200, 'and served there';

# Translations: hreflang pairs both ways, each page naming itself, x-default the site language's.
write_file("$day/river.xml", qq{<?xml version="1.0" encoding="UTF-8"?>\n<article id="river-day" lang="en">}
    . qq{<title>River</title><published>2026-02-01T08:00:00Z</published><body><p>R.</p></body></article>\n});
write_file("$day/river-zh.xml", qq{<?xml version="1.0" encoding="UTF-8"?>\n<article lang="zh">}
    . qq{<title>He</title><published>2026-02-01T09:00:00Z</published><translation-of>river-day</translation-of>}
    . qq{<body><p>H.</p></body></article>\n});
wait_code('/live/day/river-zh.html', 200);
my %alt;
for my $u ('/live/day/river.html', '/live/day/river-zh.html') {
    my $c = GET($u)->content;
    my %h;
    $h{$1} = $2 while $c =~ m{<link rel="alternate" hreflang="([^"]+)" href="http://[^/]+(/[^"]+)">}g;
    $alt{$u} = \%h;
}
is_deeply $alt{'/live/day/river.html'}, { en => '/live/day/river.html', zh => '/live/day/river-zh.html',
    'x-default' => '/live/day/river.html' }, 'the English page: itself, the Chinese one, x-default';
is_deeply $alt{'/live/day/river-zh.html'}, $alt{'/live/day/river.html'}, 'the Chinese page: the same pairs back';
like GET('/live/day/river.html')->content, qr{Read in <a href="[^"]+/live/day/river-zh\.html" hreflang="zh" lang="zh">\xE4\xB8\xAD\xE6\x96\x87</a>},
    'Read in 中文';
like GET('/live/sitemap.xml')->content,
    qr{river\.html</loc><lastmod>[^<]+</lastmod><xhtml:link rel="alternate" hreflang="zh" href="[^"]+river-zh\.html"/>},
    'the sitemap carries the alternates';

system('rm', '-rf', $day);  # other files share /live
