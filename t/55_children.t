# Several children agree right after an edit (docs/caching.md "How children read it"): a private
# httpd, started on an index built by `newsportal index`, with three children and one connection held to each (a connection stays with the child
# that accepted it; the status page names the child). Every child first serves and caches the
# article and its section listing; then the article is edited in place, and again by rename.
# As soon as one child shows the new title, every child shows it, on the article page and in
# the listing, with the same strong ETag, and none shows the old title again.
use strict;
use warnings FATAL => 'all';
use FindBin;
use lib "$FindBin::Bin/lib";
use Apache::Test qw(-withtestmore);
use Apache::TestConfig ();
use File::Temp qw(tempdir);
use Time::HiRes qw(time);
use NPConn;
use NPServer;

plan tests => 28, need_module('newsportal');

my $cfg = Apache::Test::config();
my $httpd = $cfg->{vars}{httpd};
my $top = $cfg->{vars}{top_dir};
my $module = $ENV{NP_MODULE} || "$top/build/mod_newsportal.so";
my $tool = "$top/build/newsportal";
my $tmp = tempdir('np-children-XXXXXX', TMPDIR => 1, CLEANUP => 1);
chmod 0755, $tmp;
my $content = "$tmp/content";
system("$tool gen $content --articles 200 --sections 4 --seed 7 >/dev/null") == 0 or die 'newsportal gen';

# The article every child is asked for, in the first top section; published after every
# generated article there, so that it heads its section's listing.
my $dir = 's0';
my $file = "$content/$dir/agree.xml";
my $url = "/news/$dir/agree.html";
my $section = "/news/$dir/";
sub article {
    my ($title) = @_;
    return qq{<?xml version="1.0" encoding="UTF-8"?>\n<article><title>$title</title>}
         . qq{<published>2026-12-01T08:00:00Z</published><body><p>$title body.</p></body></article>\n};
}
sub put_in_place {
    my ($title) = @_;
    open my $fh, '>', $file or die "$file: $!";   # truncated and written: the same inode
    print $fh article($title);
    close $fh;
}
sub put_by_rename {
    my ($title) = @_;
    open my $fh, '>', "$file.tmp" or die "$file.tmp: $!";
    print $fh article($title);
    close $fh;
    rename "$file.tmp", $file or die "rename $file: $!";
}
put_in_place('Version One');
system('chmod', '-R', 'a+rX', $tmp);
# The index built before the server starts, as a deploy would, with the tool's defaults.
my $index = "$tmp/index/agree.sqlite";
mkdir "$tmp/index";
system("$tool index $content --db $index >/dev/null") == 0 or die 'newsportal index';
system('chown', '-R', 'nobody', "$tmp/index") if $> == 0;

my $port = NPServer::free_port();
open my $fh, '>', "$tmp/httpd.conf" or die $!;
print $fh NPServer::conf_head($tmp, $port, $module), <<CONF;
# Three children that are never stopped for being idle, and connections that stay open.
ServerLimit 3
StartServers 3
ThreadsPerChild 4
MaxRequestWorkers 12
MinSpareThreads 1
MaxSpareThreads 12
KeepAlive On
MaxKeepAliveRequests 0
KeepAliveTimeout 60
NewsPortalIndexDir "$tmp/index"
<Location /news>
    SetHandler newsportal
    NewsPortalContent "$content"
    NewsPortalIndex "$index"
    NewsPortalBaseURL http://news.example.org
</Location>
<Location /np-status>
    SetHandler newsportal-status
</Location>
CONF
close $fh;

sub wait_for { return NPServer::wait_for(@_) }
sub log_text { return NPServer::log_since($tmp) }

system($httpd, '-f', "$tmp/httpd.conf", '-k', 'start') == 0 or die 'httpd did not start';
my $stop = sub { system($httpd, '-f', "$tmp/httpd.conf", '-k', 'stop') };
END { $stop->() if $stop }

# ---- one connection to each of the three children ----

like wait_for(sub { (log_text() =~ /(NP0015: content index \Q$index\E: up to date.*)/)[0] }) // log_text(),
     qr/\(articles 201, folders \d+, read 0, new 0, changed 0, deleted 0, errors 0\)/,
     'the server takes the index newsportal index built, without reading a file';
unlike log_text(), qr/rebuilding it/, 'and does not rebuild it';
my $conns = wait_for(sub { my $c = NPConn::one_per_child($port, 3, 60); keys %$c == 3 && $c }, 30) || {};
my @pids = sort { $a <=> $b } keys %$conns;
is scalar(@pids), 3, 'one connection to each of three children (pids ' . join(', ', @pids) . ')';
ok !(grep { !kill 0, $_ } @pids), 'three live processes';

# Every child serves (and caches) the article and its listing before the edits.
my $all_first = 1;
for my $pid (@pids) {
    for my $path ($url, $section) {
        my $r = $conns->{$pid}->get($path);
        $all_first &&= $r->{status} == 200 && $r->{body} =~ /Version One/;
    }
    $all_first &&= $conns->{$pid}->get($url)->{headers}{'x-newsportal-cache'} eq 'hit';
}
ok $all_first, 'every child serves Version One, the second time from its page cache';

# One edit: $write writes $new; then polls one child until it serves $new. Tests: every child
# serves $new on the article and its listing at once (same pid, same ETag), and for a second
# after, no child serves $old on either.
sub edit_reaches_every_child {
    my ($how, $write, $old, $new) = @_;
    my ($first, @rest) = @pids;
    my $t0 = time;
    $write->($new);
    my $seen = wait_for(sub { $conns->{$first}->get($url)->{body} =~ /\Q$new\E/ }, 10);
    ok $seen, "$how: child $first serves '$new'";
    my (%etag, %status);
    for my $pid (@pids) {
        my $r = $conns->{$pid}->get($url);
        $status{$pid} = $r->{status} == 200 && $r->{body} =~ /\Q$new\E/ && $r->{body} !~ /\Q$old\E/;
        $etag{ $r->{headers}{etag} // '' } = 1;
    }
    ok !(grep { !$status{$_} } @rest), "$how: right after, the other children serve '$new' too"
        or diag explain \%status;
    is scalar(keys %etag), 1, "$how: with one ETag on every child";
    my $listed = 1;
    for my $pid (@pids) {
        my $r = $conns->{$pid}->get($section);
        $listed &&= $r->{status} == 200 && $r->{body} =~ /\Q$new\E/ && $r->{body} !~ /\Q$old\E/;
    }
    ok $listed, "$how: every child lists '$new' in the section, not '$old'";
    my ($asked, @stale) = (0);
    my $end = time + 1;
    while (time < $end) {
        for my $pid (@pids) {
            for my $path ($url, $section) {
                my $r = $conns->{$pid}->get($path);
                $asked++;
                push @stale, "$pid $path" if $r->{status} != 200 || $r->{body} =~ /\Q$old\E/
                                             || $r->{body} !~ /\Q$new\E/;
            }
        }
    }
    ok $asked > 6 && !@stale, "$how: $asked requests over every child in the next second, none old"
        or diag "@stale[0 .. ($#stale < 5 ? $#stale : 5)]";
    my $same = 1;
    for my $pid (@pids) { $same &&= $conns->{$pid}->pid == $pid }
    ok $same, "$how: every answer came from the child its connection was made to";
    diag sprintf '%s: one child served it %.0f ms after the write', $how, 1000 * (time - $t0)
        if $ENV{TEST_VERBOSE};
}

edit_reaches_every_child('edit in place', \&put_in_place, 'Version One', 'Version Two');
edit_reaches_every_child('edit by rename', \&put_by_rename, 'Version Two', 'Version Three');
edit_reaches_every_child('a second edit in place', \&put_in_place, 'Version Three', 'Version Four');

# ---- removed: every child says 404 at once ----

unlink $file or die "unlink $file: $!";
my ($first, @rest) = @pids;
ok wait_for(sub { $conns->{$first}->get($url)->{status} == 404 }, 10), "deleted: child $first answers 404";
ok !(grep { $conns->{$_}->get($url)->{status} != 404 } @rest), 'right after, the other children answer 404 too';
my $gone = 1;
for my $pid (@pids) { $gone &&= $conns->{$pid}->get($section)->{body} !~ /Version Four/ }
ok $gone, 'and no child lists it any more';

$_->close for values %$conns;
$stop->();
$stop = undef;
ok wait_for(sub { !-e "$tmp/httpd.pid" }), 'httpd stops';
unlike log_text(), qr/\[(?:[a-z_]+:)?(?:error|crit|alert|emerg)\]|exit signal/, 'no error in the log, no crashed child';
