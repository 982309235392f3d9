#!/usr/bin/perl
# The checking client of t/52_soak.t, run beside wrk: for SECONDS it fetches the rewritten
# article, the newest added article and the one deleted last (names from churn.pl's events file),
# and the home page, each on a new connection, and writes one line per response:
#   START END PATH STATUS BODY_VERSION END_VERSION TITLE_VERSION SUMMARY_VERSION
# (versions are "-" when absent).
#   client.pl BASE_URL SECONDS EVENTS OUT REWRITTEN_PATH ADDED_DIR_PATH
use strict;
use warnings;
use HTTP::Tiny;
use IO::Handle;
use Time::HiRes qw(time);

my ($base, $secs, $events, $out, $rewritten, $added_dir) = @ARGV;
die "usage: client.pl BASE_URL SECONDS EVENTS OUT REWRITTEN_PATH ADDED_DIR_PATH\n"
    unless defined $added_dir;
my $http = HTTP::Tiny->new(keep_alive => 0, timeout => 30, max_redirect => 0);
open my $fh, '>', $out or die "$out: $!";
$fh->autoflush(1);

my ($ev, $pos, $newest, $deleted) = (undef, 0, undef, undef);
sub follow_events {
    open $ev, '<', $events or return unless $ev;
    seek $ev, $pos, 0;
    while (my $line = <$ev>) {
        last unless $line =~ /\n$/;
        $pos = tell $ev;
        $newest = $1 if $line =~ /^\S+ add (\d+)$/;
        $deleted = $1 if $line =~ /^\S+ del (\d+)$/;
    }
}

sub fetch {
    my ($path) = @_;
    my $t0 = time;
    my $r = $http->get("$base$path");
    my $t1 = time;
    my $body = $r->{content} // '';
    my ($b) = $body =~ /BEGIN-v(\d+)-/;
    my ($e) = $body =~ /-END-v(\d+)/;
    my ($t) = $body =~ m{<h1[^>]*>Rewritten v(\d+)</h1>};
    my ($s) = $body =~ m{<meta name="description" content="Summary v(\d+)"};
    printf $fh "%.6f %.6f %s %d %s %s %s %s\n", $t0, $t1, $path, $r->{status}, $b // '-', $e // '-',
           $t // '-', $s // '-';
}

my $end = time + $secs;
while (time < $end) {
    follow_events();
    fetch($rewritten);
    fetch("$added_dir/added-$newest.html") if defined $newest;
    fetch($rewritten);
    fetch("$added_dir/added-$deleted.html") if defined $deleted;
    fetch('/live/');
}
close $fh;
