# Cache-Control max-age never reaches past the next scheduled change of a page.
use strict;
use warnings FATAL => 'all';
use FindBin;
use lib "$FindBin::Bin/lib";
use Apache::Test qw(-withtestmore);
use Apache::TestRequest qw(GET);
use POSIX qw(strftime);
use NPTest;

plan tests => 6, need_module('newsportal');
no_redirects();

sub iso { strftime('%Y-%m-%dT%H:%M:%SZ', gmtime($_[0])) }
my $live = live_dir();
my $now = time;
write_file("$live/emb/visible.xml", qq{<?xml version="1.0"?>\n<article><title>Visible</title><published>2026-01-01</published><body><p>x</p></body></article>\n});
write_file("$live/emb/due.xml", qq{<?xml version="1.0"?>\n<article><title>Due soon</title><published>} . iso($now + 20) . qq{</published><body><p>x</p></body></article>\n});
write_file("$live/emb2/leaving.xml", qq{<?xml version="1.0"?>\n<article><title>Leaving</title><published>2026-01-01</published><expires>} . iso($now + 15) . qq{</expires><body><p>x</p></body></article>\n});

my $r = GET '/live/emb/';
is $r->code, 200, 'the section is served';
my ($age) = ($r->header('Cache-Control') // '') =~ /max-age=(\d+)/;
ok defined $age && $age <= 20 && $age >= 15, "an article due in 20 s caps max-age (got " . ($age // 'none') . ")";
unlike $r->content, qr/Due soon/, 'and it is not listed yet';
($age) = (GET('/live/emb2/leaving.html')->header('Cache-Control') // '') =~ /max-age=(\d+)/;
ok defined $age && $age <= 15, "an article expiring in 15 s caps its own page's max-age (got " . ($age // 'none') . ")";
($age) = (GET('/live/emb/visible.html')->header('Cache-Control') // '') =~ /max-age=(\d+)/;
ok defined $age && $age <= 20, "its neighbour's page too: the embargoed article becomes its prev/next (got " . ($age // 'none') . ")";
is GET('/live/emb/due.html')->code, 404, 'the embargoed article itself is 404';
remove_files glob("$live/emb/*.xml"), glob("$live/emb2/*.xml");
