# The shared tier: a page rendered by one server is a shared-hit on another, through a real
# memcached and a real Redis (started by t/run.sh); with memcached gone, nothing fails.
use strict;
use warnings FATAL => 'all';
use FindBin;
use lib "$FindBin::Bin/lib";
use Apache::Test qw(-withtestmore);
use Apache::TestRequest qw(GET);
use Time::HiRes qw(time);
use NPTest;

my $pidfile = $ENV{NP_MEMCACHED_PIDFILE} // '';
plan tests => 14, need need_module('newsportal'),
    need_module('socache_memcache'), need_module('socache_redis'),
    need { 'memcached running (t/run.sh starts it)' => -s $pidfile };

sub on { my ($vhost, $url) = @_; Apache::TestRequest::module($vhost); return GET($url) }

my $page = '/shared/news-and-events/ich-news/older-2.html';
my $a = on('np_mc_a', $page);
is $a->code, 200, 'server A renders the page';
is $a->header('X-NewsPortal-Cache'), 'miss', 'a miss on A';
my $b = on('np_mc_b', $page);
is $b->code, 200, 'server B serves it';
is $b->header('X-NewsPortal-Cache'), 'shared-hit', 'as a shared-hit from memcached';
is $b->content, $a->content, 'the same bytes';
is $b->header('ETag'), $a->header('ETag'), 'the same ETag on both servers';
is on('np_mc_b', $page)->header('X-NewsPortal-Cache'), 'hit', 'then a local hit on B';

my $zh = '/shared/xinwen/feiyi-baohu.html';
is on('np_rd_a', $zh)->header('X-NewsPortal-Cache'), 'miss', 'Redis: a miss on A';
$b = on('np_rd_b', $zh);
is $b->header('X-NewsPortal-Cache'), 'shared-hit', 'a shared-hit on B from Redis';
like $b->content, qr/非遗保护经验交流会召开/, 'with the page';

# memcached goes away: pages are rendered locally, with a warning, and quickly.
open my $fh, '<', $pidfile or die; my $pid = <$fh>; close $fh; chomp $pid;
kill 'TERM', $pid;
sleep 1;
my $offset = error_log_size();
my ($ok, $slowest) = (1, 0);
for my $url ('/shared/news-and-events/', '/shared/', '/shared/news-and-events/ich-news/', '/shared/tags/heritage/') {
    for my $vhost ('np_mc_a', 'np_mc_b') {
        my $t0 = time;
        my $r = on($vhost, $url);
        my $took = time - $t0;
        $slowest = $took if $took > $slowest;
        $ok = 0 unless $r->code == 200;
    }
}
ok $ok, 'with memcached down every request succeeds';
ok $slowest < 2, sprintf('and none stalls (slowest %.3f s)', $slowest);
like error_log_since($offset), qr{\[newsportal:warn\].*shared cache memcache:127\.0\.0\.1:11311: \w+ failed}, 'a warning names the tier';
is on('np_mc_b', $page)->header('X-NewsPortal-Cache'), 'hit', 'local caching goes on';
Apache::TestRequest::module('default');
