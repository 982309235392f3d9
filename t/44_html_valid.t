# Every kind of page is valid HTML for the Nu HTML Checker (vnu.jar, offline): home, section,
# tag and error pages, English and Chinese articles, the agency files' pages (NITF, NewsML-G2,
# HTML labelled text/plain) and the demo's home. Needs Java (Debian default-jre-headless) and
# t/browser/node_modules/vnu-jar (`make browser-deps`); skips, saying why, without them.
use strict;
use warnings FATAL => 'all';
use FindBin;
use lib "$FindBin::Bin/lib";
use Apache::Test qw(-withtestmore);
use Apache::TestRequest qw(GET);
use File::Temp qw(tempdir);
use NPTest;

my $jar = "$FindBin::Bin/browser/node_modules/vnu-jar/build/dist/vnu.jar";
my $java = (grep { -x "$_/java" } split /:/, $ENV{PATH} // '')[0];
my $why = !$java ? 'java is not installed (Debian package default-jre-headless)'
        : !-f $jar ? 't/browser/node_modules/vnu-jar is missing (run `make browser-deps`)'
        : '';

my @pages = ('/news/', '/news/news-and-events/', '/news/news-and-events/ich-news/',
             '/news/tags/heritage/', '/news/no-such-page.html',
             '/news/news-and-events/ich-news/sharing-good-practices.html',
             '/zh/', '/zh/xinwen/feiyi-baohu.html', '/zh/no-such-page.html',
             '/wire/wire/harbour-lights.html', '/wire/wire/orchard-harvest.html',
             '/wire/wire/market-hall.html', '/wire/wire/bridge-works.html', '/demo/',
             '/news/search?q=safeguarding', '/news/search?q=nothing+like+this',
             '/zh/search?q=%E9%9D%9E%E9%81%97');

plan tests => @pages + 1, need('newsportal', { ($why || 'ready') => !$why });
no_redirects();

my $dir = tempdir(CLEANUP => 1);
my %file;
for my $i (0 .. $#pages) {
    my $r = GET $pages[$i];
    my $f = sprintf '%s/page%02d.html', $dir, $i;
    open my $fh, '>:raw', $f or die "$f: $!";
    print $fh $r->content;
    close $fh;
    $file{$pages[$i]} = $f;
}
# One run for all pages (the JVM's start is most of the time); one line per message:
# "file:/...":LINE.COL-LINE.COL: error: TEXT
my @out = `"$java/java" -jar "$jar" --errors-only --format gnu @{[ join ' ', map { "'$_'" } values %file ]} 2>&1`;
my $rc = $? >> 8;
for my $url (@pages) {
    my $f = $file{$url};
    my @mine = grep { index($_, $f) >= 0 } @out;
    ok !@mine, "$url: valid HTML (Nu checker)" or diag join '', @mine;
}
my @other = grep { !/page\d\d\.html/ } @out;
ok !@other && ($rc == 0 || grep { /page\d\d\.html/ } @out), 'the checker ran' or diag join '', @other;
