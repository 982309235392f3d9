# The indexer (docs/caching.md "The indexer"), in a private httpd of its own so that the test can
# stop, start, restart and kill it: the first start builds the index and logs its counts; a
# restart (stop and start, and graceful) reads nothing; an edit in place, an add, a delete and a
# rename reach the index; the index file deleted while serving is rebuilt; the indexer's child
# killed with SIGKILL in the middle of a first build leaves a file that passes SQLite's integrity
# check, and another child takes over; fewer watches allowed than folders: polling, with a
# warning, and edits are still seen. Then what configtest refuses.
use strict;
use warnings FATAL => 'all';
use FindBin;
use lib "$FindBin::Bin/lib";
use Apache::Test qw(-withtestmore);
use Apache::TestConfig ();
use File::Temp qw(tempdir);
use HTTP::Tiny;
use JSON::PP;
use NPServer;

my $sqlite = (grep { -x } map { "$_/sqlite3" } split /:/, $ENV{PATH})[0];
plan tests => 57, need_module('newsportal'), need({ 'the sqlite3 command is not installed' => defined $sqlite });

my $cfg = Apache::Test::config();
my $httpd = $cfg->{vars}{httpd};
my $top = $cfg->{vars}{top_dir};
my $module = $ENV{NP_MODULE} || "$top/build/mod_newsportal.so";
my $tool = "$top/build/newsportal";
my $serverroot = $cfg->{vars}{serverroot};
my $index_dir = "$serverroot/index-53";
my $tmp = tempdir('np-indexer-XXXXXX', TMPDIR => 1, CLEANUP => 1);
chmod 0755, $tmp;
my ($content, $big) = ("$tmp/content", "$tmp/big");
system('rm', '-rf', $index_dir);
mkdir $big;
system("$tool gen $content --articles 300 --sections 6 --seed 3 >/dev/null") == 0 or die 'newsportal gen';
system('chmod', '-R', 'a+rX', $tmp);

my $port = NPServer::free_port();
my $root = $> == 0;

sub write_conf {
    my ($extra) = @_;
    $extra //= '';
    open my $fh, '>', "$tmp/httpd.conf" or die $!;
    print $fh NPServer::conf_head($tmp, $port, $module), <<CONF;
ServerLimit 2
StartServers 2
MinSpareThreads 1
MaxSpareThreads 8
ThreadsPerChild 4
MaxRequestWorkers 8
NewsPortalIndexDir "$index_dir"
$extra
<Location /news>
    SetHandler newsportal
    NewsPortalContent "$content"
    NewsPortalBaseURL http://news.example.org
</Location>
# Another language shapes parsing: the URLs below get an index of their own.
<Location /news/zh>
    NewsPortalLanguage zh
</Location>
<Location /big>
    SetHandler newsportal
    NewsPortalContent "$big"
    NewsPortalBaseURL http://news.example.org
</Location>
<Location /np-status>
    SetHandler newsportal-status
</Location>
CONF
    close $fh;
}

# A die while waiting (a field missing from the status: warnings are fatal) ends the test.
sub wait_for { my ($what, $secs) = @_; return NPServer::wait_for($what, $secs, every => 0.1, dies => 1) }

sub log_size { return -s "$tmp/error_log" || 0 }
sub log_since { return NPServer::log_since($tmp, @_) }

sub start {
    system($httpd, '-f', "$tmp/httpd.conf", '-k', 'start') == 0 or die "httpd did not start";
    wait_for(sub { -s "$tmp/httpd.pid" }) or die 'no pid file';
}

sub stop {
    system($httpd, '-f', "$tmp/httpd.conf", '-k', 'stop');
    wait_for(sub { !-e "$tmp/httpd.pid" }) or die 'httpd did not stop';
}

my $http = HTTP::Tiny->new(timeout => 10);
sub status {
    my $r = $http->get("http://127.0.0.1:$port/np-status?json");
    return $r->{success} ? decode_json($r->{content}) : undef;
}

# The status of the index of $dir, from any child.
sub index_status {
    my ($dir) = @_;
    my $s = status() or return;
    my ($i) = grep { $_->{content} eq $dir } @{ $s->{indexes} || [] };
    return $i;
}

sub sql {
    my ($file, $q) = @_;
    my $out = `$sqlite -readonly '$file' "$q" 2>&1`;
    chomp $out;
    return $out;
}

sub put {
    my ($path, $title) = @_;
    open my $fh, '>', $path or die "$path: $!";
    print $fh qq{<?xml version="1.0" encoding="UTF-8"?>\n<article><title>$title</title>}
            . qq{<published>2026-01-05T10:00:00Z</published><body><p>$title.</p></body></article>\n};
    close $fh;
}

# The notice of the first pass over $dir's index since $off: (its line, the pid that logged it).
sub built_line {
    my ($off, $file) = @_;
    my ($line) = grep { /NP0015: content index \Q$file\E: up to date/ } split /\n/, log_since($off);
    return $line;
}

# ---- the first start: a build from nothing, with its counts ----

write_conf();
my $off = log_size();
start();
my $news = wait_for(sub { my $i = index_status($content); $i && $i->{indexer}{state} eq 'watching' && $i });
ok $news, 'the status page shows the index of /news, watched' or diag log_since($off);
my $file = $news ? $news->{file} : '';
like $file, qr{^\Q$index_dir\E/content-[0-9a-f]{16}\.sqlite$}, 'a file in NewsPortalIndexDir named after the folder';
my $line = wait_for(sub { built_line($off, $file) });
like $line // '', qr{up to date in \d+ ms \(articles 300, folders \d+, read 300, new 300, changed 0, deleted 0, errors 0\); watching \d+ folders with inotify},
     'the first start builds the index and logs its counts';
is $news && $news->{articles}, 300, 'status: 300 articles';
is $news && $news->{indexer}{running}, JSON::PP::true, 'status: the indexer is running';
like $news && $news->{indexer}{watch}, qr{^inotify \(\d+ folders\)$}, 'status: watch mode inotify';
ok $news && $news->{size} > 0 && defined $news->{wal_size} && $news->{generation} > 0 && $news->{schema} > 0,
   'status: size, write-ahead log, schema and generation';
my @st = stat $index_dir;
if ($root) {
    is sprintf('%o', $st[2] & 07777), '750', 'the index folder is 0750';
    is scalar(getpwuid($st[4])), 'nobody', 'and belongs to the User children run as';
} else {
    ok 1, 'not root: no owner to give' for 1 .. 2;
}
my @both = wait_for(sub { my $st = status(); $st && 2 == grep { $_->{content} eq $content && $_->{articles} == 300 } @{ $st->{indexes} } })
    ? grep { $_->{content} eq $content } @{ status()->{indexes} } : ();
ok @both == 2 && $both[0]{file} ne $both[1]{file}, 'a nested <Location> with another NewsPortalLanguage has an index of its own, built';
my $html = $http->get("http://127.0.0.1:$port/np-status")->{content};
like $html, qr{<h2>Content index \Q$file\E</h2>.*<th>Watch</th><td>inotify}s, 'the HTML status page shows it too';

# ---- restarts need no scan ----

stop();
# the command on the stopped server's file, with the module's settings: it agrees, reads nothing
# (and makes the lock file anew, as whoever runs it)
unlink "$file.lock";
my $cli_out = `$tool index $content --db $file --max-size 4194304 2>&1`;
like $cli_out, qr{300 articles .* 0 read}, 'newsportal index with the same settings reads nothing either';
$off = log_size();
start();
$line = wait_for(sub { built_line($off, $file) });
like $line // '', qr{\(articles 300, folders \d+, read 0, new 0, changed 0, deleted 0, errors 0\)},
     'stop and start: the index on disk is brought up to date without reading a file';
if ($root) {
    is scalar(getpwuid((stat "$file.lock")[4])), 'nobody', 'the lock file the command made as root is given to User';
    unlike log_since($off), qr{NP0017}, 'and the indexer opens it';
} else {
    ok 1, 'not root: no owner to give' for 1 .. 2;
}
$off = log_size();
system($httpd, '-f', "$tmp/httpd.conf", '-k', 'graceful');
$line = wait_for(sub { built_line($off, $file) });
like $line // '', qr{read 0, new 0, changed 0, deleted 0}, 'graceful: the same';

# ---- edits reach the index ----

my $victim = (grep { !m{/_section\.xml$} } sort glob "$content/*/*.xml")[0];
(my $rel = $victim) =~ s{^\Q$content\E/}{};
put($victim, 'Edited In Place');   # truncated and written, not renamed
ok wait_for(sub { sql($file, "SELECT title FROM articles WHERE rel = '$rel'") eq 'Edited In Place' }, 10),
   'an edit in place reaches the index';
(my $dir1 = $rel) =~ s{/[^/]+$}{};
put("$content/$dir1/added-one.xml.tmp", 'Added One');
rename "$content/$dir1/added-one.xml.tmp", "$content/$dir1/added-one.xml";
ok wait_for(sub { sql($file, "SELECT title FROM articles WHERE rel = '$dir1/added-one.xml'") eq 'Added One' }, 10),
   'an added article reaches the index';
rename "$content/$dir1/added-one.xml", "$content/$dir1/renamed-one.xml";
ok wait_for(sub { sql($file, "SELECT count(*) FROM articles WHERE rel LIKE '$dir1/%-one.xml' AND rel = '$dir1/renamed-one.xml'") eq '1'
                  && sql($file, "SELECT count(*) FROM articles WHERE rel = '$dir1/added-one.xml'") eq '0' }, 10),
   'a rename reaches the index (the old name gone, the new one there)';
unlink "$content/$dir1/renamed-one.xml";
ok wait_for(sub { sql($file, "SELECT count(*) FROM articles WHERE rel = '$dir1/renamed-one.xml'") eq '0' }, 10),
   'a delete reaches the index';
mkdir "$content/fresh";
put("$content/fresh/first.xml", 'In A New Folder');
ok wait_for(sub { sql($file, "SELECT title FROM articles WHERE rel = 'fresh/first.xml'") eq 'In A New Folder' }, 10),
   'an article in a new folder reaches the index';
my $s = wait_for(sub { my $i = index_status($content); $i && $i->{articles} == 301 && $i });
ok $s && $s->{last_change}, 'status: 301 articles and the time of the last change';

# `newsportal index` on the file the server's indexer writes: refused, the file untouched.
my $gen = $s ? $s->{generation} : 0;
my $cli = `$tool index $content --db $file 2>&1`;
isnt $? >> 8, 0, 'newsportal index on the index a running server writes fails';
like $cli, qr{newsportal index: \Q$file\E is being written by another indexer \(a running server's, or another newsportal index\); try again when it is done},
     'and says why' or diag "generation before: $gen";

# ---- the file deleted while serving ----

$off = log_size();
unlink $file, "$file-wal", "$file-shm";
ok wait_for(sub { log_since($off) =~ /NP0019: content index \Q$file\E: the file was deleted or replaced while serving; rebuilding it/ }),
   'the index file deleted while serving: one log line';
$s = wait_for(sub { my $i = index_status($content); $i && $i->{articles} == 301 && $i });
ok $s, 'and it is rebuilt (status: 301 articles)';

# ---- SIGKILL in the middle of a first build ----

stop();
system("$tool gen $big --articles 20000 --sections 20 --seed 5 >/dev/null") == 0 or die 'newsportal gen';
system('chmod', '-R', 'a+rX', $big);
$off = log_size();
start();
my $news_line = wait_for(sub { built_line($off, $file) });
my ($pid) = ($news_line // '') =~ /\[pid (\d+)/;
my $big_file;
ok wait_for(sub {
        my @f = grep { !/-(?:wal|shm)$/ && $_ ne $file } glob "$index_dir/*.sqlite";
        ($big_file) = grep { /\/big-/ } @f;
        $big_file && -e "$big_file-new";
    }, 20, every => 0.02), 'the first build of a 20,000-article tree starts (its new file appears)';
ok $pid && kill('KILL', $pid), "the indexer's child ($pid) is killed with SIGKILL";
my $killed_at = log_size();
unlike log_since($off), qr{NP0015: content index \Q$big_file\E}, 'before its first build had finished';
is sql($big_file, 'PRAGMA integrity_check'), 'ok', 'the index file passes PRAGMA integrity_check';
is sql($big_file, 'SELECT count(*) FROM articles'), 0, 'and is as it was: the build wrote only its new file';
ok -e "$big_file-new", 'which the killed build left beside it';
my $again = wait_for(sub { built_line($killed_at, $big_file) }, 90);
my ($pid2) = ($again // '') =~ /\[pid (\d+)/;
ok $pid2 && $pid2 != $pid, 'another child takes the indexer over and finishes the build' or diag log_since($off);
like $again // '', qr{articles 20000}, 'with every article';
ok !-e "$big_file-new" && !-e "$big_file-build", 'and its new and scratch files are gone';
$s = wait_for(sub { my $i = index_status($big); $i && $i->{indexer}{running} && $i->{indexer}{pid} == $pid2 && $i });
ok $s, 'status: the new indexer pid, running';
put("$content/fresh/first.xml", 'Edited After The Kill');
ok wait_for(sub { sql($file, "SELECT title FROM articles WHERE rel = 'fresh/first.xml'") eq 'Edited After The Kill' }, 10),
   'and it indexes an edit';

# ---- fewer watches than folders: polling ----

stop();
write_conf("NewsPortalWatchMax 3");
$off = log_size();
start();
ok wait_for(sub { log_since($off) =~ /NP0016: content index \Q$file\E: cannot watch \Q$content\E with inotify: the content has more than 3 folders \(NewsPortalWatchMax\); polling it every 1 s instead/ }),
   'NewsPortalWatchMax below the folder count: a warning';
$s = wait_for(sub { my $i = index_status($content); $i && $i->{indexer}{state} eq 'polling' && $i });
like $s && $s->{indexer}{watch}, qr{^poll every 1 s: the content has more than 3 folders}, 'status: poll mode, and why';
put("$content/fresh/first.xml", 'Edited While Polling');
ok wait_for(sub { sql($file, "SELECT title FROM articles WHERE rel = 'fresh/first.xml'") eq 'Edited While Polling' }, 10),
   'edits are still seen';
stop();

# ---- what configtest refuses ----

sub configtest {
    my ($server, $location) = @_;
    open my $fh, '>', "$tmp/test.conf" or die $!;
    print $fh <<CONF;
ServerRoot "$tmp"
ServerName localhost
Listen 127.0.0.1:1
PidFile "$tmp/test.pid"
ErrorLog "$tmp/test_error_log"
LoadModule mpm_event_module /usr/lib/apache2/modules/mod_mpm_event.so
LoadModule authz_core_module /usr/lib/apache2/modules/mod_authz_core.so
LoadModule newsportal_module $module
$server
<Location /news>
    SetHandler newsportal
    NewsPortalContent "$content"
    NewsPortalBaseURL http://news.example.org
    $location
</Location>
CONF
    close $fh;
    my $out = `$httpd -t -f $tmp/test.conf 2>&1`;
    return ($? >> 8, $out);
}

my ($rc, $out) = configtest("NewsPortalIndexDir $tmp/idx", '');
is $rc, 0, 'a good configuration passes' or diag $out;
ok !-e "$tmp/idx", 'configtest creates nothing';
($rc, $out) = configtest('NewsPortalIndexDir /etc/passwd/np', '');
isnt $rc, 0, 'an index folder that cannot be created fails configtest';
like $out, qr{NewsPortalIndexDir: the folder /etc/passwd/np of the index /etc/passwd/np/content-\w+\.sqlite \(for <Location /news>\) cannot be created: /etc/passwd is not a writable folder}, 'and says why';
($rc, $out) = configtest('NewsPortalIndexDir relative/idx', '');
like $out, qr{NewsPortalIndexDir: expected an absolute path, got 'relative/idx'}, 'a relative NewsPortalIndexDir is refused';
($rc, $out) = configtest("<VirtualHost 127.0.0.1:1>\nNewsPortalIndexDir $tmp/idx\n</VirtualHost>", '');
like $out, qr{NewsPortalIndexDir cannot occur within <VirtualHost> section}, 'NewsPortalIndexDir is for the whole server';
($rc, $out) = configtest('', "NewsPortalIndex $tmp");
like $out, qr{NewsPortalIndex: '\Q$tmp\E' is a folder; name the index file in it}, 'NewsPortalIndex naming a folder is refused';
($rc, $out) = configtest('', 'NewsPortalWatch sometimes');
like $out, qr{NewsPortalWatch: expected auto, inotify or poll, got 'sometimes'}, 'NewsPortalWatch takes auto, inotify or poll';
($rc, $out) = configtest('NewsPortalWatchMax 0', '');
like $out, qr{NewsPortalWatchMax: expected a whole number from 1 to 10000000, got '0'}, 'NewsPortalWatchMax is bounded';
($rc, $out) = configtest("NewsPortalIndexDir $tmp/idx",
    "NewsPortalIndex $tmp/shared.sqlite\n</Location>\n<Location /zh>\nSetHandler newsportal\nNewsPortalContent \"$content\"\nNewsPortalLanguage zh\nNewsPortalIndex $tmp/shared.sqlite");
isnt $rc, 0, 'one NewsPortalIndex file for two differently parsed trees fails configtest';
like $out, qr{NewsPortalIndex \Q$tmp\E/shared\.sqlite: <Location /news> and <Location /zh> parse differently \(content \S+, language en, .*; content \S+, language zh, .*\); give each its own index file},
     'and names both';
# A FUSE mount (bindfs) stands for the network file systems: the same refusals.
SKIP: {
    my $bindfs = (grep { -x } map { "$_/bindfs" } split /:/, $ENV{PATH})[0];
    skip 'bindfs is not installed', 4 unless $bindfs;
    mkdir "$tmp/fuse-src"; mkdir "$tmp/fuse";
    skip 'cannot mount with bindfs here', 4
        unless system($bindfs, "$tmp/fuse-src", "$tmp/fuse") == 0 && `stat -f -c %T $tmp/fuse` =~ /fuse/;
    mkdir "$tmp/fuse/content";
    ($rc, $out) = configtest("NewsPortalIndexDir $tmp/fuse/idx", '');
    isnt $rc, 0, 'an index folder on FUSE fails configtest';
    like $out, qr{NewsPortalIndexDir: the index \Q$tmp\E/fuse/idx/content-\w+\.sqlite \(for <Location /news>\) would be on a FUSE file system; SQLite's write-ahead log needs local disk},
         'and says why';
    ($rc, $out) = configtest('', "</Location>\n<Location /remote>\nSetHandler newsportal\nNewsPortalContent $tmp/fuse/content\nNewsPortalWatch inotify");
    isnt $rc, 0, 'NewsPortalWatch inotify with content on FUSE fails configtest';
    like $out, qr{NewsPortalWatch inotify: the content folder \Q$tmp\E/fuse/content \(<Location /remote>\) is on a FUSE file system, where inotify does not see changes made by other machines; use auto or poll},
         'and says why';
    system('fusermount', '-u', "$tmp/fuse") == 0 or system('umount', "$tmp/fuse");
}

SKIP: {
    skip '/dev/shm is not a tmpfs here', 2 unless `stat -f -c %T /dev/shm 2>/dev/null` =~ /tmpfs/;
    ($rc, $out) = configtest('', "NewsPortalIndex /dev/shm/np-test-53.sqlite");
    is $rc, 0, 'an index on a tmpfs passes';
    like $out, qr{NewsPortalIndex: the index /dev/shm/np-test-53\.sqlite \(for <Location /news>\) is on a tmpfs: it is lost at every reboot}, 'with a warning';
}
