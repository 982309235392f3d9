# The demo site: every page a reader can reach from the home page answers 200, and so does every
# image it shows.
use strict;
use warnings FATAL => 'all';
use FindBin;
use lib "$FindBin::Bin/lib";
use Apache::Test qw(-withtestmore);
use Apache::TestRequest qw(GET);
use NPTest;

plan tests => 6, need_module('newsportal');
no_redirects();

my %seen = ('/demo/' => 1);
my @queue = ('/demo/');
my (%status, %images, $articles, $zh);
while (my $url = shift @queue) {
    my $r = GET $url;
    $status{$url} = $r->code;
    next unless $r->code == 200 && ($r->header('Content-Type') // '') =~ m{text/html};
    my $html = $r->content;
    $articles++ if $url =~ /\.html$/;
    $zh++ if $html =~ /<html lang="zh"/;
    while ($html =~ /<(?:a|link)\b[^>]*\bhref="([^"#?]+)/g) {
        my $link = $1;
        $link =~ s/&amp;/&/g;
        next unless $link =~ m{^/demo/};
        push @queue, $link unless $seen{$link}++;
    }
    $images{$1}++ while $html =~ /<img\b[^>]*\bsrc="(\/media\/[^"]+)"/g;
    last if keys %seen > 600;
}
my @bad = grep { $status{$_} != 200 } sort keys %status;
is_deeply \@bad, [], 'every page reachable from the home page answers 200'
    or diag join "\n", map { "$status{$_} $_" } @bad;
cmp_ok scalar(keys %status), '>=', 60, 'the crawl reached ' . scalar(keys %status) . ' pages';
cmp_ok $articles, '>=', 45, "$articles article pages among them";
cmp_ok $zh, '>=', 10, "$zh Chinese pages";
my @bad_img = grep { GET($_)->code != 200 } sort keys %images;
is_deeply \@bad_img, [], 'every image shown is there';
ok !grep({ m{crafts-biennale-2030|heritage-tourism-balance} } keys %status), 'the draft and the embargoed article are linked from nowhere';
