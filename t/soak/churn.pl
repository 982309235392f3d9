#!/usr/bin/perl
# Changes a content tree while a soak test runs. Every 100 ms it writes a new version of one
# article, alternating an atomic rename and an in-place truncate-and-write (in 4 KB pieces, so
# readers can meet a half-written file); every 500 ms it adds an article and deletes the one added
# a second before; and it sends the server graceful restarts (SIGUSR1, as apache2 -k graceful
# does) at even intervals. Each action goes to the events file with its time.
#   churn.pl DIR SECONDS PIDFILE EVENTS [RESTARTS]
# DIR holds s1/rewritten.xml (rewritten) and s2/ (where articles come and go).
use strict;
use warnings;
use IO::Handle;
use Time::HiRes qw(time sleep);

my ($dir, $secs, $pidfile, $events, $restarts) = @ARGV;
die "usage: churn.pl DIR SECONDS PIDFILE EVENTS [RESTARTS]\n" unless defined $events;
$restarts //= 2;

open my $ev, '>', $events or die "$events: $!";
$ev->autoflush(1);
sub event { printf $ev "%.6f %s\n", time, join ' ', @_ }

# Version n: the version in the title, the summary, and at the start and end of the body.
sub rewritten {
    my ($n) = @_;
    my $filler = join '', map { "<p>Paragraph $_ of version $n, long enough to take several writes.</p>\n" } 1 .. 200;
    return qq{<?xml version="1.0" encoding="UTF-8"?>\n<article><title>Rewritten v$n</title>}
         . qq{<summary>Summary v$n</summary><published>2026-01-15T12:00:00Z</published>}
         . qq{<body>\n<p>BEGIN-v$n-</p>\n$filler}
         . qq{<p>-END-v$n</p>\n</body></article>\n};
}

sub added {
    my ($k) = @_;
    return qq{<?xml version="1.0" encoding="UTF-8"?>\n<article><title>Added $k</title>}
         . qq{<published>2026-01-10T12:00:00Z</published><body><p>Added article $k.</p></body></article>\n};
}

sub write_atomic {
    my ($path, $text) = @_;
    open my $fh, '>', "$path.new" or die "$path.new: $!";
    print $fh $text;
    close $fh or die "$path.new: $!";
    rename "$path.new", $path or die "rename $path: $!";
}

sub write_in_place {
    my ($path, $text) = @_;
    open my $fh, '+<', $path or die "$path: $!";
    truncate $fh, 0 or die "truncate $path: $!";
    for (my $off = 0; $off < length $text; $off += 4096) {
        syswrite $fh, $text, 4096, $off or die "write $path: $!";
    }
    close $fh;
}

sub graceful {
    open my $fh, '<', $pidfile or return event('graceful-failed no pid file');
    chomp(my $pid = <$fh> // '');
    kill('USR1', $pid) ? event("graceful $pid") : event("graceful-failed $pid");
}

my $start = time;
my @restart_at = map { $start + $secs * $_ / ($restarts + 1) } 1 .. $restarts;
my ($v, $k, $tick) = (0, 0, 0);
while (time < $start + $secs) {
    my $t = time;
    $v++;
    if ($v % 2) {
        write_atomic("$dir/s1/rewritten.xml", rewritten($v));
        event("write $v rename");
    } else {
        write_in_place("$dir/s1/rewritten.xml", rewritten($v));
        event("write $v inplace");
    }
    if (++$tick % 5 == 0) {
        $k++;
        write_atomic("$dir/s2/added-$k.xml", added($k));
        event("add $k");
        if ($k > 2) {
            unlink "$dir/s2/added-" . ($k - 2) . '.xml';
            event('del ' . ($k - 2));
        }
    }
    if (@restart_at && time >= $restart_at[0]) {
        shift @restart_at;
        graceful();
    }
    my $left = 0.1 - (time - $t);
    sleep $left if $left > 0;
}
event('end');
