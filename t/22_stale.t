# NewsPortalStaleOnError: a file edited into malformed XML keeps its last good version (On) or
# is a 404 (Off), with a log line naming file, line and column either way.
use strict;
use warnings FATAL => 'all';
use FindBin;
use lib "$FindBin::Bin/lib";
use Apache::Test qw(-withtestmore);
use Apache::TestRequest qw(GET);
use NPTest;

plan tests => 10, need_module('newsportal');
no_redirects();

my $live = live_dir();
my $good = qq{<?xml version="1.0"?>\n<article><title>Steady story</title><published>2026-01-01</published><body><p>Good body.</p></body></article>\n};
write_file("$live/stale/steady.xml", $good);
my $r = GET '/live/stale/steady.html';
is $r->code, 200, 'a good article is served';
GET '/live-nostale/stale/steady.html';

my $offset = error_log_size();
write_file("$live/stale/steady.xml", qq{<?xml version="1.0"?>\n<article><title>Steady story</title>\n<published>2026-01-01</published><body><p>Broken</body></article>\n});
$r = GET '/live/stale/steady.html';
is $r->code, 200, 'StaleOnError On: still 200 after the file broke';
is $r->header('X-NewsPortal-Cache'), 'stale', 'marked stale';
like $r->content, qr/Good body\./, 'the last good version';
like GET('/live/stale/')->content, qr/Steady story/, 'still listed';
like error_log_since($offset), qr{\Q$live\E/stale/steady\.xml:3:\d+: }, 'the error log names file:line:col';

$r = GET '/live-nostale/stale/steady.html';
is $r->code, 404, 'StaleOnError Off: 404';

write_file("$live/stale/steady.xml", $good =~ s/Good body/Fixed body/r);
$r = GET '/live/stale/steady.html';
is $r->code, 200, 'fixed: 200';
like $r->content, qr/Fixed body\./, 'the new version';
isnt $r->header('X-NewsPortal-Cache'), 'stale', 'no longer stale';
remove_files "$live/stale/steady.xml";
