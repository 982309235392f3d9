package NPTest;
# Helpers shared by the Apache::Test files: breadcrumb extraction, error-log reading, files.
use strict;
use warnings;
use Exporter 'import';
use Apache::Test ();
use Apache::TestRequest ();
use Time::HiRes ();

our @EXPORT = qw(breadcrumb error_log_since error_log_size write_file live_dir no_redirects
                 child_pids settle write_file_only remove_files);

sub no_redirects {
    Apache::TestRequest::user_agent(reset => 1, requests_redirectable => 0);
}

# [ [title, href], ..., [current title, undef] ] from the page's breadcrumb nav.
sub breadcrumb {
    my ($html) = @_;
    my ($nav) = $html =~ m{<nav aria-label="[^"]*" class="breadcrumb">(.*?)</nav>}s or return;
    my @items;
    while ($nav =~ m{<li>(.*?)</li>}sg) {
        my $li = $1;
        if ($li =~ m{<a href="([^"]*)">(.*?)</a>}s) {
            push @items, [$2, $1];
        } elsif ($li =~ m{<span aria-current="page">(.*?)</span>}s) {
            push @items, [$1, undef];
        }
    }
    return \@items;
}

sub error_log_file {
    my $vars = Apache::Test::vars();
    return "$vars->{t_logs}/error_log";
}

sub error_log_size { return -s error_log_file() || 0 }

# The error log written since offset (from error_log_size).
sub error_log_since {
    my ($offset) = @_;
    open my $fh, '<', error_log_file() or return '';
    seek $fh, $offset, 0;
    local $/;
    my $text = <$fh>;
    return defined $text ? $text : '';
}

# Pids of the test server's children (ServerLimit 1: one, but two during a graceful restart).
sub child_pids {
    my $logs = Apache::Test::vars('t_logs');
    open my $fh, '<', "$logs/httpd.pid" or return;
    chomp(my $parent = <$fh> // '');
    my @kids;
    for my $status (glob '/proc/[0-9]*/status') {
        open my $s, '<', $status or next;
        local $/;
        my $text = <$s> // '';
        push @kids, $status =~ m{^/proc/(\d+)/} if $text =~ /^PPid:\s+\Q$parent\E$/m;
    }
    return @kids;
}

sub live_dir { return Apache::Test::vars('serverroot') . '/live' }

# Waits until the indexer has brought a change made at or after $since (a
# Time::HiRes time; default: just now) into the indexes of the test server: until one has
# been written after $since, then until none has been written for a quarter of a second (a
# change met mid-pass comes in the next transaction). At most 8 s: a change the indexer
# ignores (a hidden file) costs the wait and nothing else.
sub settle {
    my ($since) = @_;
    $since = Time::HiRes::time() - 0.05 unless defined $since;
    my $dir = Apache::Test::vars('serverroot') . '/index';
    my @files = glob("$dir/*.sqlite");
    return unless @files;
    my $written = sub {
        my $m = 0;
        for my $f (map { ($_, "$_-wal") } @files) {
            my @st = Time::HiRes::stat($f);
            $m = $st[9] if @st && $st[9] > $m;
        }
        return $m;
    };
    my $deadline = Time::HiRes::time() + 8;
    Time::HiRes::sleep(0.01) while $written->() < $since - 0.01 && Time::HiRes::time() < $deadline;
    my ($last, $quiet) = ($written->(), Time::HiRes::time());
    while (Time::HiRes::time() - $quiet < 0.25 && Time::HiRes::time() < $deadline) {
        Time::HiRes::sleep(0.02);
        my $now = $written->();
        ($last, $quiet) = ($now, Time::HiRes::time()) if $now != $last;
    }
}

# Writes a file atomically (rename), creating folders, and waits for the indexer (settle).
sub write_file {
    my ($path, $content) = @_;
    my $t = Time::HiRes::time();
    write_file_only($path, $content);
    settle($t);
}

# The same without waiting, for tests that race the indexer on purpose.
sub write_file_only {
    my ($path, $content) = @_;
    (my $dir = $path) =~ s{/[^/]+$}{};
    system('mkdir', '-p', $dir);
    open my $fh, '>:raw', "$path.tmp" or die "$path.tmp: $!";
    print $fh $content;
    close $fh;
    rename "$path.tmp", $path or die "rename $path: $!";
}

# unlink, then settle.
sub remove_files {
    my $t = Time::HiRes::time();
    my $n = unlink @_;
    settle($t);
    return $n;
}

1;
