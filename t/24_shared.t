# The shared tier: a page rendered by one server is a shared-hit on another, through a real
# memcached and a real Redis (started by t/run.sh); with memcached gone, nothing fails.
use strict;
use warnings FATAL => 'all';
use FindBin;
use lib "$FindBin::Bin/lib";
use Apache::Test qw(-withtestmore);
use Apache::TestRequest qw(GET);
use IO::Select;
use IO::Socket::INET;
use Time::HiRes qw(time);
use NPTest;

my $pidfile = $ENV{NP_MEMCACHED_PIDFILE} // '';
plan tests => 14 + 5 * 5 + 2 * 2 * 8, need need_module('newsportal'),
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

# Every kind of page keeps its type, ETag and Last-Modified through the shared tier.
for my $t (['/shared/feed.atom', 'application/atom+xml'], ['/shared/feed.rss', 'application/rss+xml'],
           ['/shared/feed.json', 'application/feed+json'], ['/shared/sitemap.xml', 'application/xml'],
           ['/shared/news-and-events/feed.atom', 'application/atom+xml']) {
    my ($url, $type) = @$t;
    my $ra = on('np_mc_a', $url);
    my $rb = on('np_mc_b', $url);
    is $rb->header('X-NewsPortal-Cache'), 'shared-hit', "$url: a shared-hit on B";
    like $rb->header('Content-Type'), qr{^\Q$type\E; charset=utf-8$}, "$url: still $type";
    is $rb->header('ETag'), $ra->header('ETag'), "$url: the same ETag";
    is $rb->header('Last-Modified'), $ra->header('Last-Modified'), "$url: the same Last-Modified";
    is $rb->content, $ra->content, "$url: the same bytes";
}

# Records under our keys that are not ours (garbage, truncated, another version, another
# page's record): a miss, rendered locally, with nothing above debug in the log. The tiers are
# spoken to directly: memcached's text protocol, Redis's RESP.
sub talk {
    my ($port, $msg, $done) = @_;
    my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $port, Timeout => 5)
        or die "127.0.0.1:$port: $!";
    print $s $msg;
    my ($got, $sel) = ('', IO::Select->new($s));
    while ($sel->can_read(2)) {
        my $n = sysread $s, my $buf, 65536;
        last unless $n;
        $got .= $buf;
        last if $done->($got);
    }
    return $got;
}
sub resp { my @a = @_; return '*' . @a . "\r\n" . join('', map { '$' . length($_) . "\r\n$_\r\n" } @a) }
my %tier = (
    memcache => {
        keys => sub {
            my $d = talk(11311, "lru_crawler metadump all\r\n", sub { $_[0] =~ /END\r\n\z/ });
            return map { my $k = $_; $k =~ s/%([0-9A-Fa-f]{2})/chr hex $1/ge; $k }
                   map { /^key=(\S+)/ ? $1 : () } split /\r?\n/, $d;
        },
        get => sub {
            my $r = talk(11311, "get $_[0]\r\n", sub { $_[0] =~ /END\r\n\z/ });
            return $r =~ /^VALUE \S+ \d+ (\d+)\r\n/ ? substr($r, length($&), $1) : undef;
        },
        set => sub { talk(11311, "set $_[0] 0 300 " . length($_[1]) . "\r\n$_[1]\r\n", sub { $_[0] =~ /\r\n\z/ }) },
    },
    redis => {
        keys => sub {
            my $r = talk(16379, resp('KEYS', '*'), sub { 1 });
            my (undef, @l) = split /\r\n/, $r;
            return grep { !/^\$/ } @l;
        },
        get => sub {
            my $r = talk(16379, resp('GET', $_[0]), sub { $_[0] =~ /^\$(-?\d+)\r\n/ && ($1 < 0 || length($_[0]) >= length($&) + $1 + 2) });
            return $r =~ /^\$(\d+)\r\n/ ? substr($r, length($&), $1) : undef;
        },
        set => sub { talk(16379, resp('SET', $_[0], $_[1], 'EX', 300), sub { $_[0] =~ /\r\n\z/ }) },
    },
);
my @garbage = (
    ['random bytes', sub { join '', map { chr int rand 256 } 1 .. 300 }],
    ['a truncated record', sub { substr $_[0], 0, int(length($_[0]) / 2) }],
    ['a record of another version', sub { my $v = $_[0]; substr($v, 3, 1) = '9'; $v }],
    ['a record whose lengths lie', sub { my $v = $_[0]; substr($v, 12, 4) = pack 'V', 0xfffffff0; $v }],
    ['a header alone', sub { substr $_[0], 0, 44 }],
    ['a record with an unknown type', sub { my $v = $_[0]; my $kl = unpack 'V', substr($v, 4, 4); substr($v, 44 + $kl, 4) = 'XXXX'; $v }],
    ['another page\'s record', sub { $_[1] }],
    ['text that looks like the old format', sub { "NP1 0000000000000000 0 0 0 text/html\n<p>not this</p>" }],
);
for my $t (['memcache', 'np_mc', [qw(/shared/news-and-events/press/ /shared/culture-corner/
            /shared/news-and-events/press/press-release.html /shared/culture-corner/craft-fair.html
            /shared/tags/crafts/ /shared/culture-corner/feed.rss
            /shared/news-and-events/ich-news/sharing-good-practices.html /shared/tags/unesco/)]],
           ['redis', 'np_rd', [qw(/shared/ /shared/xinwen/ /shared/feed.atom /shared/feed.rss
            /shared/feed.json /shared/sitemap.xml /shared/xinwen/feed.atom /shared/xinwen/feed.rss)]]) {
    my ($name, $vh, $urls) = @$t;
    my $T = $tier{$name};
    my %before = map { $_ => 1 } $T->{keys}->();
    my ($other) = grep { defined } map { $T->{get}->($_) } sort keys %before;
    for my $i (0 .. $#garbage) {
        my ($what, $make) = @{ $garbage[$i] };
        my $url = $urls->[$i];
        my %had = map { $_ => 1 } $T->{keys}->();
        my $a = on("${vh}_a", $url);
        my @new = grep { !$had{$_} } $T->{keys}->();
        my $real = @new == 1 ? $T->{get}->($new[0]) : undef;
        $T->{set}->($new[0], $make->($real // '', $other // '')) if @new == 1;
        my $offset = error_log_size();
        my $b = on("${vh}_b", $url);
        ok @new == 1 && defined $real && $a->code == 200 && $b->code == 200
            && $b->header('X-NewsPortal-Cache') eq 'miss' && $b->content eq $a->content,
            "$name holds $what under the key of $url: a miss, the page rendered locally"
            . (@new == 1 ? '' : ' (' . scalar(@new) . ' new keys)');
        unlike error_log_since($offset), qr{\[newsportal:(?:warn|error|crit|alert|emerg|notice|info)\]},
            "$name, $what: nothing above debug in the log";
    }
}

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
# memcached back as t/run.sh started it, for the files after this one (t/54's previews use it)
system('memcached', '-d', '-u', 'nobody', '-l', '127.0.0.1', '-p', '11311', '-m', '16',
       '-P', $pidfile);
for (1 .. 50) { last if -s $pidfile; select undef, undef, undef, 0.1 }
