#!/usr/bin/perl
# The measurements of bench/scale-httpd.sh for one tree, in one run of a private httpd (event
# MPM, three children): see that script. Prints a table and writes --json. Figures are reported
# as measured; the goals are printed beside them, never asserted.
use strict;
use warnings;
use Getopt::Long;
use IO::Socket::INET;
use JSON::PP;
use POSIX ();
use Time::HiRes qw(time sleep);

my %o;
GetOptions(\%o, 'top=s', 'tool=s', 'work=s', 'tree=s', 'db=s', 'articles=i', 'sections=i',
           'index-seconds=f', 'fulltext-seconds=f', 'json=s') or die "usage: see bench/scale-httpd.sh\n";
for (qw(top tool work tree db articles json)) { die "scale-httpd.pl: --$_ is needed\n" unless defined $o{$_} }
@o{qw(small small-db)} = ("$o{work}/small", "$o{work}/index/small.sqlite");
unshift @INC, "$o{top}/t/lib";
require NPConn;

my $secs = $ENV{SCALE_HTTPD_SECONDS} || 5;
my $edits = $ENV{SCALE_HTTPD_EDITS} || 5;
my $children = 3;
my $work = $o{work};
my $httpd = '/usr/sbin/apache2';
my $modules = '/usr/lib/apache2/modules';
my $conf = "$work/httpd.conf";
my $log = "$work/error.log";
# What a browser asks for; the pages are compressed as they would be for readers.
my %browser = ('Accept-Encoding' => 'gzip, br');
my %res = (articles => $o{articles}, sections => $o{sections}, children => $children,
           index_build_seconds => $o{'index-seconds'}, index_fulltext_seconds => $o{'fulltext-seconds'});

# ---- the tree's sections; articles every reader sees ----

my @sections = map { chomp; s{^\Q$o{tree}\E/}{}r } grep { m{^\Q$o{tree}\E/} } `find $o{tree} -type d | sort`;
die "scale-httpd: no sections in $o{tree}\n" unless @sections;
# The first $max article files directly in section $dir of $tree (sorted), as slugs.
sub articles_in {
    my ($tree, $dir, $max) = @_;
    opendir my $d, "$tree/$dir" or return;
    my @f = sort grep { /^[a-z0-9][a-z0-9._-]*\.xml$/i && $_ ne '_section.xml' } readdir $d;
    splice @f, $max if @f > $max;
    return map { s/\.xml$//r } @f;
}

# The first $want articles of section $dir that every reader sees (no draft, embargo or expiry).
sub plain_articles {
    my ($tree, $dir, $want) = @_;
    my @out;
    for my $slug (articles_in($tree, $dir, 200)) {
        open my $af, '<', "$tree/$dir/$slug.xml" or next;
        local $/;
        my $t = <$af> // '';
        next if $t =~ /<status>draft|<expires/ || $t !~ m{<published>(\d{4})} || $1 >= 2026;
        push @out, $slug;
        return @out if @out >= $want;
    }
    die "scale-httpd: not $want plain articles in $tree/$dir\n";
}
my ($probe_section) = grep { !m{/} } @sections;
my ($probe_slug) = plain_articles($o{tree}, $probe_section, 1);
my $probe_article = "/big/$probe_section/$probe_slug.html";

# ---- the tree of 100 articles: the same pages with few articles ----

# The same sections (titles, order: the navigation and the home page's blocks), the probed
# article and 19 more in its section (a full first page of the listing), and 4 articles in each
# other top-level section (a full block on the home page): 100 articles, or more when there are
# over 20 top-level sections.
my @top = grep { !m{/} } @sections;
{
    system('rm', '-rf', $o{small});
    for my $dir ('', @sections) {
        my $to = $dir eq '' ? $o{small} : "$o{small}/$dir";
        mkdir $to or die "$to: $!";
        system('cp', "$o{tree}/$dir/_section.xml", "$to/") if -e "$o{tree}/$dir/_section.xml";
    }
    my $n = 0;
    my $copy = sub {
        my ($dir, $slug) = @_;
        system('cp', "$o{tree}/$dir/$slug.xml", "$o{small}/$dir/") == 0 or die "cp $dir/$slug.xml\n";
        $n++;
    };
    $copy->($probe_section, $_) for plain_articles($o{tree}, $probe_section, 20);
    for my $dir (grep { $_ ne $probe_section } @top) {
        $copy->($dir, $_) for plain_articles($o{tree}, $dir, 4);
    }
    for my $dir (@sections) {
        last if $n >= 100;
        $copy->($dir, $_) for grep { !-e "$o{small}/$dir/$_.xml" } plain_articles($o{tree}, $dir, 1);
    }
    system("$o{tool} index $o{small} --db $o{'small-db'} >/dev/null") == 0 or die "scale-httpd: newsportal index failed\n";
    system('chmod', '-R', 'a+rX', $o{small});
    system('chown', '-R', 'nobody', "$work/index") if $> == 0;
    $res{small_articles} = $n;
}

my $port = do {
    my $s = IO::Socket::INET->new(LocalAddr => '127.0.0.1', LocalPort => 0, Listen => 1) or die $!;
    my $p = $s->sockport;
    close $s;
    $p;
};
my $root = $> == 0;
my $group = getgrnam('nogroup') ? 'nogroup' : 'nobody';
open my $fh, '>', $conf or die "$conf: $!";
print $fh <<CONF;
ServerRoot "$work"
ServerName 127.0.0.1
Listen 127.0.0.1:$port
PidFile "$work/httpd.pid"
ErrorLog "$log"
DefaultRuntimeDir "$work"
Mutex file:$work default
LogLevel warn newsportal:info
LoadModule mpm_event_module $modules/mod_mpm_event.so
LoadModule authz_core_module $modules/mod_authz_core.so
LoadModule newsportal_module $work/mod_newsportal.so
@{[ $root ? "User nobody\nGroup $group" : '' ]}
# Three children, none started or stopped for load during the run (and three again after a
# graceful restart: as many spare threads as they have); connections kept open. Slots to spare,
# as Debian's default configuration has (ServerLimit 16): with none, a new child waited about
# 2 s after a graceful restart for an old one to free its slot.
StartServers $children
ServerLimit @{[ 2 * $children ]}
ThreadsPerChild 16
MaxRequestWorkers @{[ 16 * $children ]}
MinSpareThreads @{[ 16 * $children ]}
MaxSpareThreads @{[ 16 * $children + 16 ]}
KeepAlive On
MaxKeepAliveRequests 0
KeepAliveTimeout 30
<Directory />
    AllowOverride None
</Directory>
NewsPortalIndexDir "$work/index"
# The tree of N articles with the page cache (8M per child), and the same without it.
<Location /big>
    SetHandler newsportal
    NewsPortalContent "$o{tree}"
    NewsPortalIndex "$o{db}"
    NewsPortalBaseURL http://news.bench
    NewsPortalCacheSize 8M
</Location>
<Location /live-big>
    SetHandler newsportal
    NewsPortalContent "$o{tree}"
    NewsPortalIndex "$o{db}"
    NewsPortalBaseURL http://news.bench
    NewsPortalCacheSize 8M
    NewsPortalCache Off
</Location>
# 100 articles, without the page cache.
<Location /live-small>
    SetHandler newsportal
    NewsPortalContent "$o{small}"
    NewsPortalIndex "$o{'small-db'}"
    NewsPortalBaseURL http://news.bench
    NewsPortalCacheSize 8M
    NewsPortalCache Off
</Location>
<Location /np-status>
    SetHandler newsportal-status
</Location>
CONF
close $fh;
system("$httpd -t -f $conf >$work/configtest.log 2>&1") == 0
    or die "scale-httpd: configtest failed:\n" . `cat $work/configtest.log`;

my $running = 0;
sub stop_httpd {
    return unless $running;
    system($httpd, '-f', $conf, '-k', 'stop');
    my $end = time + 30;
    sleep 0.1 while -e "$work/httpd.pid" && time < $end;
    $running = 0;
}
END { stop_httpd() }
$SIG{INT} = $SIG{TERM} = sub { stop_httpd(); exit 1 };

sub log_text {
    open my $lf, '<', $log or return '';
    local $/;
    return <$lf> // '';
}
sub parent_pid {
    open my $pf, '<', "$work/httpd.pid" or return;
    my $p = <$pf> // '';
    chomp $p;
    return $p;
}
sub child_pids {
    my $parent = parent_pid() or return;
    my @kids;
    for my $st (glob '/proc/[0-9]*/status') {
        open my $s, '<', $st or next;
        local $/;
        my $t = <$s> // '';
        push @kids, $st =~ m{^/proc/(\d+)/} if $t =~ /^PPid:\s+\Q$parent\E$/m;
    }
    return sort { $a <=> $b } @kids;
}
sub ms { return sprintf '%.1f', 1000 * $_[0] }
sub median {
    my @v = sort { $a <=> $b } @_;
    return @v ? $v[$#v / 2] : undef;
}

# A timed GET on a connection: (answer, seconds).
sub timed_get {
    my ($c, $path, $h) = @_;
    my $t = time;
    my $r = $c->get($path, $h);
    return ($r, time - $t);
}

# ---- 1. the first response after start, index on disk ----

# New connections until $want children not in %$skip answered: for each, the home page, a
# section and an article, timed, as that child's first requests of each (nothing else asks
# it anything meanwhile). { pid => { home, section, article, since } }.
# After the home page ($h, in $th seconds) on connection $c: the section and the article, and
# the child's pid: (pid, record).
sub probe_rest {
    my ($c, $h, $th, $t0) = @_;
    my $since = time - $t0;
    my ($s, $ts) = timed_get($c, "/big/$probe_section/", \%browser);
    my ($a, $ta) = timed_get($c, $probe_article, \%browser);
    return ($c->pid, { home => $th, section => $ts, article => $ta, since => $since,
                       status => "$h->{status} $s->{status} $a->{status}" });
}
sub first_of_children {
    my ($want, $skip, $t0, $limit, $seed) = @_;
    my %first = %{ $seed || {} };
    my $end = time + $limit;
    while (keys %first < $want && time < $end) {
        my $c = eval { NPConn->new($port, timeout => 30) } or do { sleep 0.005; next };
        my $ok = eval {
            my ($pid, $rec) = probe_rest($c, timed_get($c, '/big/', \%browser), $t0);
            $first{$pid} = $rec if !$skip->{$pid} && !$first{$pid};
            1;
        };
        $c->close;
        sleep 0.005 unless $ok;
    }
    return \%first;
}

print "httpd on 127.0.0.1:$port, $children children x 16 threads; pages asked with Accept-Encoding: gzip, br\n";
my $t0 = time;
system($httpd, '-f', $conf, '-k', 'start') == 0 or die "scale-httpd: httpd did not start\n";
$running = 1;
my ($first_at, $first_req, $first_status, %seed);
while (time - $t0 < 120) {
    my $c = eval { NPConn->new($port, timeout => 30) } or do { sleep 0.002; next };
    my ($r, $t) = eval { timed_get($c, '/big/', \%browser) };
    if ($r && $r->{status} == 200) {
        ($first_at, $first_req) = (time - $t0, $t);
        # the rest of that child's first requests, on the same connection
        my ($pid, $rec) = eval { probe_rest($c, $r, $t, $t0) };
        $seed{$pid} = $rec if $pid;
        $c->close;
        last;
    }
    $c->close;
    $first_status = $r ? $r->{status} : 'no answer';
    sleep 0.002;
}
die "scale-httpd: no 200 from the home page within 120 s (last: $first_status)\n" . log_text() unless $first_at;
$res{start_to_first_200_ms} = ms($first_at);
$res{start_first_request_ms} = ms($first_req);
my $start_first = first_of_children($children, {}, $t0, 30, \%seed);
sub firsts_ms {
    my ($f) = @_;
    my %out;
    for my $pid (keys %$f) {
        $out{$pid}{$_} = ms($f->{$pid}{$_}) for qw(home section article since);
        $out{$pid}{status} = $f->{$pid}{status};
    }
    return \%out;
}
$res{start_children_first} = firsts_ms($start_first);
# The indexer's first pass over the index on disk (its NOTICE line).
my $pass_re = qr/NP0015: content index \Q$o{db}\E: up to date in (\d+) ms \(([^)]*)\)/;
my $end = time + 120;
sleep 0.1 until log_text() =~ $pass_re || time > $end;
my ($pass_ms, $pass_counts) = log_text() =~ $pass_re;
$res{start_indexer_pass_ms} = $pass_ms;
$res{start_indexer_counts} = $pass_counts;

# ---- 2. the first responses of each new child after graceful ----

my %old = map { $_ => 1 } child_pids();
my $log_off = length log_text();
$t0 = time;
system($httpd, '-f', $conf, '-k', 'graceful') == 0 or die "scale-httpd: graceful failed\n";
my $grace_first = first_of_children($children, \%old, $t0, 60);
$res{graceful_children_first} = firsts_ms($grace_first);
$end = time + 120;
sleep 0.1 until substr(log_text(), $log_off) =~ $pass_re || time > $end;
my ($gpass_ms, $gpass_counts) = substr(log_text(), $log_off) =~ $pass_re;
$res{graceful_indexer_pass_ms} = $gpass_ms;
$res{graceful_indexer_counts} = $gpass_counts;

# ---- 3. memory of each child after 1,000 distinct listing and article requests ----

# Each child's memory (kB) from /proc/PID/smaps_rollup: { pid => { pss_kb, ... } }.
sub memory {
    my ($indexer_pid) = @_;
    my %m;
    for my $pid (child_pids()) {
        open my $sm, '<', "/proc/$pid/smaps_rollup" or next;
        my %k;
        while (<$sm>) { $k{$1} = $2 if /^(\w+):\s+(\d+) kB/ }
        $m{$pid} = { pss_kb => $k{Pss} + 0, rss_kb => $k{Rss} + 0, pss_anon_kb => ($k{Pss_Anon} // 0) + 0,
                     pss_file_kb => ($k{Pss_File} // 0) + 0,
                     private_kb => ($k{Private_Clean} // 0) + ($k{Private_Dirty} // 0),
                     indexer => ($indexer_pid // 0) == $pid ? JSON::PP::true : JSON::PP::false };
    }
    return %m;
}
# Listings (home pages 1-10, sections' pages 1-3) and articles every reader sees: 1,000 URLs.
my (@listings, @articles);
push @listings, '/big/', map { "/big/page/$_/" } 2 .. 10;
for my $page (1 .. 3) {
    for my $s (@sections) {
        last if @listings >= 300;
        push @listings, $page == 1 ? "/big/$s/" : "/big/$s/page/$page/";
    }
}
my $per = int((1000 - @listings) / @sections) + 1;
for my $s (@sections) {
    last if @listings + @articles >= 1000;
    push @articles, map { "/big/$s/$_.html" } eval { plain_articles($o{tree}, $s, $per) };
}
my @urls = (@listings, @articles);
splice @urls, 1000 if @urls > 1000;
# The pid of the child running the indexer (the status page of any child says).
sub indexer_pid {
    my $st = eval { NPConn->new($port)->get('/np-status?json') } or return 0;
    my ($i) = grep { $_->{file} eq $o{db} } @{ (eval { decode_json($st->{body}) } || {})->{indexes} || [] };
    return $i ? $i->{indexer}{pid} : 0;
}
my %mem_before = memory(indexer_pid());
$res{children_memory_before_warmup} = \%mem_before;
# Every child gets every URL once, over 4 connections at a time (one process each), so the
# figure does not depend on how fast the machine is.
my $per_child = 4;
my $pool = NPConn::per_child($port, $children, $per_child, 600, timeout => 60);
warn "scale-httpd: warm-up on " . scalar(keys %$pool) . " of $children children\n" if keys %$pool < $children;
my @workers;
for my $pid (sort keys %$pool) {
    my @cs = @{ $pool->{$pid} };
    for my $j (0 .. $#cs) {
        my $w = fork // die "fork: $!";
        if (!$w) {
            my ($ok, $other) = (0, 0);
            for (my $i = $j; $i < @urls; $i += @cs) {
                my $r = eval { $cs[$j]->get($urls[$i], { 'Accept-Encoding' => 'gzip' }) };
                $r && $r->{status} == 200 ? $ok++ : $other++;
            }
            if (open my $rf, '>', "$work/warm-$pid-$j") {
                print $rf "$ok $other\n";
                close $rf;
            }
            POSIX::_exit(0);  # not exit: the END block would stop httpd
        }
        push @workers, $w;
    }
}
waitpid $_, 0 for @workers;
$_->close for map { @$_ } values %$pool;
my ($warm_ok, $warm_other) = (0, 0);
for my $f (glob "$work/warm-*") {
    open my $rf, '<', $f or next;
    my ($a, $b) = split ' ', <$rf> // '0 0';
    $warm_ok += $a;
    $warm_other += $b;
    unlink $f;
}
$res{warmup_urls} = scalar @urls;
$res{warmup_ok} = $warm_ok;
$res{warmup_not_200} = $warm_other;
my $warm_n = $warm_ok + $warm_other;
sleep 1;
my %mem = memory(indexer_pid());
$res{children_memory} = \%mem;

# ---- 4. edits: from the write until every child serves the new title ----

my ($edit_url) = grep { m{\.html$} } @urls;
(my $edit_file = $edit_url) =~ s{^/big/(.*)\.html$}{$o{tree}/$1.xml};
my $orig = do { open my $ef, '<', $edit_file or die "$edit_file: $!"; local $/; <$ef> };
my $conns = NPConn::one_per_child($port, $children, 200, timeout => 30);
my @pids = sort { $a <=> $b } keys %$conns;
warn "scale-httpd: connections to only " . scalar(@pids) . " of $children children\n" if @pids < $children;
my %edit;
for my $kind ('in place', 'by rename') {
    for my $k (1 .. $edits) {
        # Every child has the current version in its page cache.
        $conns->{$_}->get($edit_url, \%browser) for @pids;
        my $title = "Scale edit \u$kind $k " . int(rand 1e9);
        (my $text = $orig) =~ s{<title>.*?</title>}{<title>$title</title>}s;
        my $w0 = time;
        if ($kind eq 'in place') {
            open my $ef, '>', $edit_file or die "$edit_file: $!";
            print $ef $text;
            close $ef;
        } else {
            open my $ef, '>', "$edit_file.tmp" or die "$edit_file.tmp: $!";
            print $ef $text;
            close $ef;
            rename "$edit_file.tmp", $edit_file or die "rename: $!";
        }
        my %done;
        while (keys %done < @pids && time - $w0 < 20) {
            for my $pid (grep { !$done{$_} } @pids) {
                my $r = $conns->{$pid}->get($edit_url);
                $done{$pid} = time - $w0 if $r->{body} =~ /\Q$title\E/;
            }
            sleep 0.002;
        }
        my @t = sort { $a <=> $b } values %done;
        push @{ $edit{$kind}{first} }, $t[0] // 20;
        push @{ $edit{$kind}{every} }, @t == @pids ? $t[-1] : 20;
        sleep 0.3;
    }
}
$_->close for values %$conns;
for my $kind (keys %edit) {
    my $e = $edit{$kind};
    $res{"edit_$kind"} = { map { ("${_}_ms" => [map { ms($_) } @{ $e->{$_} }]) } qw(first every) };
    $res{"edit_$kind"}{children} = scalar @pids;
}

# ---- 5. uncached pages at N against the same at 100 articles ----

my ($small_section, $small_article) = ($probe_section, $probe_slug);
my @kinds = (['home', '/live-big/', '/live-small/'],
             ['section', "/live-big/$probe_section/", "/live-small/$small_section/"],
             ['article', $probe_article =~ s{^/big/}{/live-big/}r, "/live-small/$small_section/$small_article.html"]);
sub wrk_run {
    my ($path) = @_;
    my $c = NPConn->new($port);
    my $r = $c->get($path);
    $c->close;
    die "scale-httpd: $path answered $r->{status}\n" unless $r->{status} == 200;
    system("wrk -t2 -c16 -d1s http://127.0.0.1:$port$path >/dev/null 2>&1");
    my $out = `wrk -t2 -c16 -d${secs}s --latency http://127.0.0.1:$port$path 2>&1`;
    my ($rps) = $out =~ /Requests\/sec:\s+([\d.]+)/;
    my ($p50, $unit) = $out =~ /^\s+50%\s+([\d.]+)(us|ms|s)\b/m;
    $p50 = $p50 / 1000 if defined $p50 && $unit eq 'us';
    $p50 = $p50 * 1000 if defined $p50 && $unit eq 's';
    return ($rps // 0, $p50 // 0, length $r->{body});
}
for my $k (@kinds) {
    my ($name, $big, $small) = @$k;
    my (@b, @s);
    # N, 100, 100, N: load from elsewhere on the machine falls on both alike.
    push @b, [wrk_run($big)];
    push @s, [wrk_run($small)];
    push @s, [wrk_run($small)];
    push @b, [wrk_run($big)];
    my $avg = sub { my ($l, $i) = @_; my $t = 0; $t += $_->[$i] for @$l; return $t / @$l };
    $res{"uncached_$name"} = { url_n => $big, url_100 => $small, rps_n => sprintf('%.0f', $avg->(\@b, 0)),
                               rps_100 => sprintf('%.0f', $avg->(\@s, 0)), p50_ms_n => sprintf('%.2f', $avg->(\@b, 1)),
                               p50_ms_100 => sprintf('%.2f', $avg->(\@s, 1)), bytes_n => $b[0][2], bytes_100 => $s[0][2] };
    $res{"uncached_$name"}{ratio} = $avg->(\@b, 0) ? sprintf('%.2f', $avg->(\@s, 0) / $avg->(\@b, 0)) : 'n/a';
}

# The edited article back as it was, httpd stopped.
open my $ef, '>', $edit_file or die $!;
print $ef $orig;
close $ef;
stop_httpd();
my $crashed = log_text() =~ /exit signal/;
$res{index_bytes} = -s $o{db};
$res{crashed_children} = $crashed ? JSON::PP::true : JSON::PP::false;
$res{load_average} = do { open my $la, '<', '/proc/loadavg'; (split ' ', <$la>)[0] };

# ---- the table ----

my @rows;
my $row = sub { push @rows, [@_] };
$row->('index from nothing with full text (newsportal index, wall)', sprintf('%.1f s', $o{'index-seconds'} // 0), '');
$row->('  of which the full text (its own step at the end of a first build)', sprintf('%.1f s', $o{'fulltext-seconds'} // 0), '');
$row->('  index from nothing without full text (the build less that step)', sprintf('%.1f s', ($o{'index-seconds'} // 0) - ($o{'fulltext-seconds'} // 0)), 'under 60 s at 1,000,000');
$row->('start: apache2 -k start to the first 200 of the home page', "$res{start_to_first_200_ms} ms", 'under 50 ms');
$row->('start: that first request itself', "$res{start_first_request_ms} ms", '');
for my $when (['start', $start_first], ['graceful', $grace_first]) {
    my ($name, $f) = @$when;
    my @p = sort { $f->{$a}{since} <=> $f->{$b}{since} } keys %$f;
    $row->("$name: first home / section / article of each new child (" . scalar(@p) . ")",
           join('; ', map { join(' / ', map { ms($_) } @{ $f->{$_} }{qw(home section article)}) . ' ms' } @p), 'under 50 ms');
    $row->("$name: from the signal to each new child's first answer", join(', ', map { ms($f->{$_}{since}) } @p) . ' ms', '');
}
$row->('start: the indexer\'s first pass over the index on disk', ($pass_ms // '?') . ' ms (' . ($pass_counts // 'no line') . ')', 'read 0');
$row->('graceful: the new indexer\'s first pass', ($gpass_ms // '?') . ' ms', '');
my @kids = sort { $a <=> $b } keys %mem;
$row->("PSS of each child after " . scalar(@urls) . " URLs each, $per_child at a time ($warm_other not 200; indexer's child *)",
       join(', ', map { sprintf('%.1f MB%s', $mem{$_}{pss_kb} / 1024, $mem{$_}{indexer} ? '*' : '') } @kids), 'under 20 MB');
$row->('  of which anonymous (heap, thread stacks) / file-backed', join(', ', map { sprintf('%.1f / %.1f MB', ($mem{$_}{pss_anon_kb} // 0) / 1024, ($mem{$_}{pss_file_kb} // 0) / 1024) } @kids), '');
$row->('  PSS of each child before the warm-up', join(', ', map { sprintf('%.1f MB%s', $mem_before{$_}{pss_kb} / 1024, $mem_before{$_}{indexer} ? '*' : '') } sort { $a <=> $b } keys %mem_before), '');
$row->('  the index file (read with read(), shared through the system page cache)', sprintf('%.1f MB', $res{index_bytes} / 1048576), '');
for my $kind ('in place', 'by rename') {
    my $e = $edit{$kind};
    $row->("edit $kind, write to every child serving it ($edits edits, " . scalar(@pids) . ' children)',
           sprintf('median %s ms, max %s ms', ms(median(@{ $e->{every} })), ms((sort { $b <=> $a } @{ $e->{every} })[0])), 'under 1 s');
    $row->("  write to the first child serving it", sprintf('median %s ms', ms(median(@{ $e->{first} }))), '');
}
for my $k (@kinds) {
    my $u = $res{"uncached_$k->[0]"};
    $row->("uncached $k->[0]: req/s at $o{articles} vs 100 (p50 ms)",
           "$u->{rps_n} vs $u->{rps_100} ($u->{p50_ms_n} vs $u->{p50_ms_100}): $u->{ratio}x", 'at most 1.2x');
}
my $w = 0;
for (@rows) { $w = length $_->[0] if length $_->[0] > $w }
printf "%-*s  %s%s\n", $w, $_->[0], $_->[1], $_->[2] ? "  [goal: $_->[2]]" : '' for @rows;
print "uncached: wrk -t2 -c16 -d${secs}s, each URL twice (N, 100, 100, N), identity; x = time per page at N / at 100\n";
print "httpd children crashed during the run: see $log\n" if $crashed;

open my $jf, '>', $o{json} or die "$o{json}: $!";
print $jf JSON::PP->new->canonical->pretty->encode(\%res);
close $jf;
system('cp', $log, "$o{json}.error.log");
print "results: $o{json}\n";
