#!/usr/bin/perl
# Reads what bench/run.sh left in build/bench/ (settings.tsv, measured.tsv, wrk-KIND-ROUND.txt,
# template.txt), prints the table and writes results.json. With several rounds, req/s and p99 are
# medians. Exits non-zero only when a run is not a measurement of 200 answers (wrk saw non-2xx/3xx
# responses); ratios below their targets are reported, not failed.
use strict;
use warnings;
use JSON::PP;

my $dir = shift or die "usage: $0 BENCH_DIR\n";

sub lines {
    my ($file) = @_;
    open my $fh, '<', $file or die "$file: $!\n";
    chomp(my @l = <$fh>);
    return @l;
}

sub median {
    my @v = sort { $a <=> $b } @_;
    return @v % 2 ? $v[$#v / 2] : ($v[@v / 2 - 1] + $v[@v / 2]) / 2;
}

my %set = map { split /\t/, $_, 2 } lines("$dir/settings.tsv");

# wrk --latency output: "Requests/sec: 1234.56" and "99%  3.21ms" (us, ms or s).
sub wrk_result {
    my ($file) = @_;
    my $text = join "\n", lines($file);
    my %r;
    ($r{rps}) = $text =~ /^Requests\/sec:\s+([\d.]+)/m;
    if ($text =~ /^\s+99%\s+([\d.]+)(us|ms|s)\b/m) {
        $r{p99_ms} = $1 * { us => 0.001, ms => 1, s => 1000 }->{$2};
    }
    die "$file: no Requests/sec or 99% latency in wrk's output\n"
        unless defined $r{rps} && defined $r{p99_ms};
    ($r{requests}) = $text =~ /^\s+(\d+) requests in/m;
    ($r{non_2xx_3xx}) = $text =~ /Non-2xx or 3xx responses:\s+(\d+)/;
    $r{socket_errors} = 0;
    if ($text =~ /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/) {
        $r{socket_errors} = $1 + $2 + $3 + $4;
    }
    $_ += 0 for grep { defined } values %r;
    $r{non_2xx_3xx} //= 0;
    $r{p99_ms} = 0 + sprintf('%.3f', $r{p99_ms});
    return \%r;
}

# One entry per kind, in the order measured; each round's wrk result kept for the JSON.
my (@kinds, %url);
for (lines("$dir/measured.tsv")) {
    my ($round, $kind, $host, $path, $bytes, $cache, $ae) = split /\t/;
    push @kinds, $kind unless $url{$kind};
    my $u = $url{$kind} //= { url => "http://$host$path", runs => [] };
    $u->{accept_encoding} = $ae if defined $ae && $ae ne '-';
    $u->{bytes}        = $bytes + 0;
    $u->{cache_header} = $cache eq '-' ? undef : $cache;
    push @{ $u->{runs} }, wrk_result("$dir/wrk-$kind-$round.txt");
}
for my $u (values %url) {
    my @rps = map { $_->{rps} } @{ $u->{runs} };
    $u->{rps}    = 0 + sprintf('%.1f', median(@rps));
    $u->{p99_ms} = 0 + sprintf('%.3f', median(map { $_->{p99_ms} } @{ $u->{runs} }));
    # Spread of req/s over the rounds, in % of the median: how much to trust the row.
    my @s = sort { $a <=> $b } @rps;
    $u->{spread_pct} = @s > 1 && $u->{rps} ? 0 + sprintf('%.1f', 100 * ($s[-1] - $s[0]) / $u->{rps}) : undef;
}

my ($tpl_line) = grep { /renders\/s/ } lines("$dir/template.txt");
my ($renders) = ($tpl_line // '') =~ /([\d.]+) renders\/s/;
# The same flattened page and data through our engine and its peers (tests/bench/peers.cc):
# "ENGINE: N us per render (...)" lines; absent when the peers could not be built.
my %peer;
if (-f "$dir/peers.txt") {
    for (lines("$dir/peers.txt")) {
        $peer{$1} = { us => $2 + 0, line => $_ } if /^(\S+): ([\d.]+) us per render/;
    }
}

# Each ratio of a row to its baseline, with its target (the throughput goals: a cached page nearly as fast as a static file, an uncached one faster than mod_include).
my @ratios = (
    [ 'cached-article',   'static',      '>=', 0.95 ],
    [ 'cached-section',   'static',      '>=', 0.90 ],
    [ 'cached-home',      'static',      '>=', 0.90 ],
    [ 'uncached-article', 'mod_include', '>',  1.00 ],
    # Compressed (docs/caching.md): the module's cached forms against precompressed static
    # files of the same bytes; compressing per request against mod_include + httpd's compressors.
    [ 'cached-article-gz', 'static-gz',           '>=', 0.95 ],
    [ 'cached-article-br', 'static-br',           '>=', 0.95 ],
    [ 'uncached-gz',       'mod_include-deflate', '>',  1.00 ],
    [ 'uncached-br',       'mod_include-brotli',  '>',  1.00 ],
);
my (%ratio_of, @ratio_json);
for (@ratios) {
    my ($kind, $base, $op, $target) = @$_;
    next unless $url{$kind} && $url{$base}; # BENCH_ONLY left one out
    # Per round (the two measured close together, under the same load from elsewhere), then
    # the median of those.
    my @per_round = map {
        my $b = $url{$base}{runs}[$_]{rps};
        $b > 0 ? $url{$kind}{runs}[$_]{rps} / $b : 0
    } 0 .. $#{ $url{$base}{runs} };
    my $v = median(@per_round);
    my $met = $op eq '>=' ? $v >= $target : $v > $target;
    $ratio_of{$kind} = { value => $v, base => $base, op => $op, target => $target, met => $met };
    push @ratio_json, {
        name   => "$kind / $base",
        value  => 0 + sprintf('%.3f', $v),
        rounds => [ map { 0 + sprintf('%.3f', $_) } @per_round ],
        target => sprintf("%s %.2f", $op, $target),
        met    => $met ? JSON::PP::true : JSON::PP::false,
    };
}

my $rounds = $set{rounds} > 1
    ? " x $set{rounds} rounds (req/s and p99: medians; ratio: median of the per-round ratios)" : '';
my $cache_note = $set{cache_directive} eq 'yes' ? ''
    : "\nNOTE: the module has no NewsPortalCache directive yet: the \"cached\" rows render every request";
print "\nmod_newsportal bench: wrk -t$set{threads} -c$set{connections} -d$set{seconds}s$rounds,"
    . " keep-alive, loopback; $set{cpus}; $set{httpd}$cache_note\n\n";
my $fmt = "%-17s %7s %9s %9s %7s  %-10s  %-20s %-7s %s\n";
printf $fmt, 'kind', 'bytes', 'req/s', 'p99', 'spread', 'cache', 'ratio', 'target', '';
for my $kind (@kinds) {
    my $u = $url{$kind};
    my $r = $ratio_of{$kind};
    printf $fmt, $kind, $u->{bytes}, sprintf('%.0f', $u->{rps}), sprintf('%.2fms', $u->{p99_ms}),
        defined $u->{spread_pct} ? sprintf("%.1f%%", $u->{spread_pct}) : '-', $u->{cache_header} // '-',
        $r ? (sprintf('%.3f x %s', $r->{value}, $r->{base}), sprintf("%s %.2f", $r->{op}, $r->{target}),
              $r->{met} ? 'met' : 'NOT MET')
           : ('', '', '');
}
printf "%-17s %7s %9s %s\n", 'template render', '-', defined $renders ? sprintf('%.0f', $renders) : '?',
    'renders/s (build/tests/bench_template)';

# Bytes on the wire for the article, by coding, against httpd's compressors at their defaults
# (every answer checked to decompress to the identity page before timing).
my %bytes;
if (-f "$dir/bytes.tsv") {
    for (lines("$dir/bytes.tsv")) { my ($k, $ae, $n) = split /\t/; $bytes{$k} = $n + 0 }
}
my @bytes_json;
if (%bytes && $bytes{'mod_include-deflate'}) {
    print "\nbytes of the article ($bytes{static} identity):\n";
    for ([ 'cached-article-gz', 'mod_include-deflate', 'cached gzip (level 9)' ],
         [ 'uncached-gz',       'mod_include-deflate', 'uncached gzip (level 3)' ],
         [ 'cached-article-br', 'mod_include-deflate', 'cached br (quality 10)' ],
         [ 'uncached-br',       'mod_include-deflate', 'uncached br (quality 4)' ],
         [ 'mod_include-brotli', 'mod_include-deflate', 'mod_brotli default (quality 5)' ]) {
        my ($k, $b, $what) = @$_;
        next unless $bytes{$k};
        my $r = $bytes{$k} / $bytes{$b};
        printf "  %-32s %7d bytes  %.3f x mod_deflate's default (%d bytes)\n", $what, $bytes{$k}, $r, $bytes{$b};
        push @bytes_json, { name => "$k / $b", bytes => $bytes{$k}, base_bytes => $bytes{$b}, value => 0 + sprintf('%.3f', $r) };
    }
}

# Template engines, same template and data, output byte-identical (checked before timing).
my @peer_json;
if (%peer) {
    print "\ntemplate engines (tests/bench/peers.cc; same flattened article page and JSON data, output checked byte-identical):\n";
    print "  $peer{$_}{line}\n" for grep { $peer{$_} } qw(newsportal kainjow mstch mstch-public);
    my ($best) = sort { $a <=> $b } map { $peer{$_}{us} } grep { $peer{$_} } qw(kainjow mstch);
    if ($peer{newsportal} && $best) {
        my $x = $best / $peer{newsportal}{us};
        printf "  ours against the faster peer: %.1fx faster (target >= 10x): %s\n", $x, $x >= 10 ? 'met' : 'NOT MET';
        push @peer_json, { name => 'faster peer / newsportal', value => 0 + sprintf('%.2f', $x), target => '>= 10', met => $x >= 10 ? JSON::PP::true : JSON::PP::false };
    }
    for (qw(newsportal kainjow mstch mstch-public)) {
        push @peer_json, { engine => $_, us_per_render => $peer{$_}{us}, output => $peer{$_}{line} } if $peer{$_};
    }
} elsif (-f "$dir/peers.txt") {
    print "\ntemplate engines: ", join(' ', lines("$dir/peers.txt")), "\n";
}

my @bad = grep { my $k = $_; grep { $_->{non_2xx_3xx} } @{ $url{$k}{runs} } } @kinds;
my @err = grep { my $k = $_; grep { $_->{socket_errors} } @{ $url{$k}{runs} } } @kinds;
print "\nsocket errors (timeouts, resets) while measuring: @err; see $dir/wrk-*.txt\n" if @err;

my $json = {
    settings => {
        (map { $_ => $set{$_} } qw(cpus httpd)),
        (map { $_ => $set{$_} + 0 } qw(threads connections seconds rounds warmup_seconds port)),
        pinned          => $set{pinned} eq '1' ? JSON::PP::true : JSON::PP::false,
        cache_directive => $set{cache_directive} eq 'yes' ? JSON::PP::true : JSON::PP::false,
    },
    urls     => \%url,
    ratios   => \@ratio_json,
    template => { renders_per_sec => defined $renders ? $renders + 0 : undef, output => $tpl_line },
    bytes    => \@bytes_json,
    template_engines => \@peer_json,
};
open my $out, '>', "$dir/results.json" or die "$dir/results.json: $!\n";
print $out JSON::PP->new->pretty->canonical->encode($json);
close $out;
print "\nresults: $dir/results.json\n";

if (@bad) {
    print STDERR "bench: non-2xx/3xx answers while measuring @bad: not a valid measurement\n";
    exit 1;
}
