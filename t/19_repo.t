# The repository's own promises, checked without a request: the route table is the same in the
# code, in docs/directives.md and in the commented conf/newsportal.conf an operator uncomments;
# no file cites a document the repository does not have; the Mustache spec runner says SKIP,
# never "0 passed", when it has no spec files.
use strict;
use warnings FATAL => 'all';
use FindBin;
use Test::More;
use File::Find;
use File::Temp qw(tempdir);

plan tests => 8;

my $top = "$FindBin::Bin/..";
sub slurp { my ($f) = @_; open my $fh, '<', $f or die "$f: $!"; local $/; return <$fh> }

# [pattern, kind] pairs of each source.
my @code;
my $c = slurp("$top/src/np_route.c");
my ($default) = $c =~ /np_routes_default\(apr_pool_t \*p\)\s*\{(.*?)\n\}/s;
push @code, [$1, $2] while $default =~ /\{"([^"]+)", "([^"]+)"\}/g;
my @doc;
my $d = slurp("$top/docs/directives.md");
my ($table) = $d =~ /The default table:\n\n(.*?)\n\n/s;
push @doc, [$1, $2] while $table =~ /^ {4}NewsPortalRoute (\S+)\s+(\S+)$/mg;
my @conf;
my $conf = slurp("$top/conf/newsportal.conf");
push @conf, [$1, $2] while $conf =~ /^\s*#\s*#\s*NewsPortalRoute (\S+)\s+(\S+)\s*$/mg;

ok @code >= 15, 'the default table is read from np_routes_default (' . scalar(@code) . ' routes)';
is_deeply \@doc, \@code, 'docs/directives.md lists the default table of np_routes_default, in order';
is_deeply \@conf, \@code, 'conf/newsportal.conf comments the same table, in order';
ok((grep { $_->[1] eq 'newssitemap' } @conf) && (grep { $_->[1] eq 'feed' } @conf),
   'the commented table keeps the feeds and the news sitemap');

# Citations of documents the reader does not have.
my @cites;
find({ no_chdir => 1, wanted => sub {
    if (-d $_ && m{/(?:\.git|build|node_modules|live|live-templates|logs)$}) { $File::Find::prune = 1; return }
    return if m{/t/19_repo\.t$};    # this file names what it looks for
    return unless -f $_ && /\.(?:c|h|md|t|pm|pl|mjs|conf|in|rng|mustache|sh|mk)$|Makefile$/;
    open my $fh, '<', $_ or return;
    while (my $line = <$fh>) {
        push @cites, "$File::Find::name:$.: $line" 
            if $line =~ /\bSPEC(?:\.md|\s+\d|\s+section)/ || $line =~ /product spec/i;
    }
} }, $top);
is join('', @cites), '', 'no file cites SPEC or the product specification';

# The Mustache spec runner without spec files.
my $spec = "$top/build/tests/mustache_spec";
my $out = `$spec /nonexistent/mustache-spec 2>&1`;
is $? >> 8, 0, 'no spec folder is not a failure';
like $out, qr/^SKIP mustache spec: folder \/nonexistent\/mustache-spec not found$/m, 'it says SKIP and why';
my $empty = tempdir(CLEANUP => 1);
$out = `$spec $empty 2>&1`;
ok $out =~ /^SKIP / && $out !~ /passed/, 'an empty folder: SKIP, and no count that looks like a pass';
