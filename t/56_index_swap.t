# The index file replaced while serving (docs/caching.md "How children read it"): a private
# httpd with two children, one connection held to each, serves an index built by
# `newsportal index`. A second index of the same folder, built by the command after an edit the
# server's indexer does not take (same size, same mtime: the index compares those), is renamed
# over the served file, its -wal and -shm removed first. Every child then serves the new file's
# version; the indexer takes the new file over, and an edit after the swap reaches every child.
use strict;
use warnings FATAL => 'all';
use FindBin;
use lib "$FindBin::Bin/lib";
use Apache::Test qw(-withtestmore);
use Apache::TestConfig ();
use File::Temp qw(tempdir);
use Time::HiRes qw(sleep);
use NPConn;
use NPServer;

my $sqlite = (grep { -x } map { "$_/sqlite3" } split /:/, $ENV{PATH})[0];
plan tests => 13, need_module('newsportal'), need({ 'the sqlite3 command is not installed' => defined $sqlite });

my $cfg = Apache::Test::config();
my $httpd = $cfg->{vars}{httpd};
my $top = $cfg->{vars}{top_dir};
my $module = $ENV{NP_MODULE} || "$top/build/mod_newsportal.so";
my $tool = "$top/build/newsportal";
my $tmp = tempdir('np-swap-XXXXXX', TMPDIR => 1, CLEANUP => 1);
chmod 0755, $tmp;
my $content = "$tmp/content";
system("$tool gen $content --articles 60 --sections 3 --seed 11 >/dev/null") == 0 or die 'newsportal gen';

my $file = "$content/s0/swap.xml";
my $url = '/news/s0/swap.html';
my $mtime = 1700000000;
sub article {
    my ($title) = @_;
    return qq{<?xml version="1.0" encoding="UTF-8"?>\n<article><title>$title</title>}
         . qq{<published>2026-12-01T08:00:00Z</published><body><p>$title body.</p></body></article>\n};
}
# Written elsewhere and renamed in, with the given mtime (undef: now).
sub put {
    my ($title, $when) = @_;
    open my $fh, '>', "$tmp/staging.xml" or die $!;
    print $fh article($title);
    close $fh;
    utime $when, $when, "$tmp/staging.xml" if defined $when;
    chmod 0644, "$tmp/staging.xml";
    rename "$tmp/staging.xml", $file or die "rename $file: $!";
}
put('Version AAAA', $mtime);
system('chmod', '-R', 'a+rX', $tmp);
my $index = "$tmp/index/news.sqlite";
mkdir "$tmp/index";
system("$tool index $content --db $index >/dev/null") == 0 or die 'newsportal index';
system('chown', '-R', 'nobody', "$tmp/index") if $> == 0;

my $port = NPServer::free_port();
my $root = $> == 0;
open my $fh, '>', "$tmp/httpd.conf" or die $!;
print $fh NPServer::conf_head($tmp, $port, $module), <<CONF;
ServerLimit 2
StartServers 2
ThreadsPerChild 4
MaxRequestWorkers 8
MinSpareThreads 1
MaxSpareThreads 8
KeepAlive On
MaxKeepAliveRequests 0
KeepAliveTimeout 60
NewsPortalIndexDir "$tmp/index"
<Location /news>
    SetHandler newsportal
    NewsPortalContent "$content"
    NewsPortalIndex "$index"
    NewsPortalBaseURL http://news.example.org
    # the page, not a copy kept from before the swap: the article's file is the same
    NewsPortalCache Off
</Location>
<Location /np-status>
    SetHandler newsportal-status
</Location>
CONF
close $fh;

sub wait_for { return NPServer::wait_for(@_) }
sub log_text { return NPServer::log_since($tmp) }
sub sql {
    my ($q) = @_;
    my $out = `$sqlite -readonly '$index' "$q" 2>&1`;
    chomp $out;
    return $out;
}

system($httpd, '-f', "$tmp/httpd.conf", '-k', 'start') == 0 or die 'httpd did not start';
my $stop = sub { system($httpd, '-f', "$tmp/httpd.conf", '-k', 'stop') };
END { $stop->() if $stop }

ok wait_for(sub { log_text() =~ /NP0015: content index \Q$index\E: up to date/ }),
   'the indexer takes the index newsportal index built' or diag log_text();
my $conns = wait_for(sub { my $c = NPConn::one_per_child($port, 2, 60); keys %$c == 2 && $c }, 30) || {};
my @pids = sort { $a <=> $b } keys %$conns;
is scalar(@pids), 2, 'one connection to each of two children (pids ' . join(', ', @pids) . ')';

# What each child serves now: the version of the article, or the status.
sub titles {
    return map {
        my $r = $conns->{$_}->get($url);
        $r->{status} != 200 ? "status $r->{status}"
            : $r->{body} =~ /(Version (?:AAAA|BBBB|CCCC, after the swap))/ ? $1 : 'no version'
    } @pids;
}
is join(', ', titles()), 'Version AAAA, Version AAAA', 'both children serve the first version';

# The edit the indexer does not take: same size, same mtime (it compares those).
put('Version BBBB', $mtime);
sleep 1.5;   # the watcher's event and the folder update it leads to
is sql("SELECT title FROM articles WHERE rel = 's0/swap.xml'"), 'Version AAAA',
   'an edit of the same size and mtime is not taken into the served index';
is join(', ', titles()), 'Version AAAA, Version AAAA', 'so both children still serve the first version';

# A new index of the same folder and settings, built by the command, renamed over the served one.
my $other = "$tmp/index/other.sqlite";
system("$tool index $content --db $other >/dev/null") == 0 or die 'newsportal index';
ok !-e "$other-wal" || !-s "$other-wal", 'the command leaves a file with nothing in a write-ahead log';
is `$sqlite -readonly '$other' "SELECT title FROM articles WHERE rel = 's0/swap.xml'"`, "Version BBBB\n",
   'and it holds the second version';
system('chown', 'nobody', $other) if $root;
chmod 0640, $other;
# The -wal and -shm belong to the file being replaced: a new file must not be read with them.
unlink "$index-wal", "$index-shm";
rename $other, $index or die "rename: $!";
unlink "$other-wal", "$other-shm", "$other.lock";

my $seen = wait_for(sub { join(', ', titles()) eq 'Version BBBB, Version BBBB' }, 10);
ok $seen, 'within a few seconds every child serves the new file' or diag join(', ', titles());
ok wait_for(sub { log_text() =~ /NP0019: content index \Q$index\E: the file was deleted or replaced while serving/ }, 10),
   'the indexer notices the file replaced';
ok wait_for(sub { log_text() =~ /NP0015: content index \Q$index\E: up to date.*\n(?:.*\n)*.*NP0015: content index \Q$index\E: up to date/ }, 20),
   'and takes the new file over with a pass';

# The indexer writes the new file, and every child sees what it writes.
put('Version CCCC, after the swap');
ok wait_for(sub { sql("SELECT title FROM articles WHERE rel = 's0/swap.xml'") eq 'Version CCCC, after the swap' }, 10),
   'an edit after the swap reaches the index';
ok wait_for(sub { join(', ', titles()) eq 'Version CCCC, after the swap, Version CCCC, after the swap' }, 10),
   'and every child serves it' or diag join(', ', titles());
is sql('PRAGMA integrity_check'), 'ok', 'the index passes PRAGMA integrity_check';
