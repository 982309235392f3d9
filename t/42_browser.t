# The default theme in a real browser: t/browser/check.mjs drives Debian's Chromium through
# playwright-core (console errors, failed and foreign requests, breadcrumb, one h1, no
# horizontal scrolling, axe-core) and saves screenshots in build/screenshots/.
# Needs /usr/bin/chromium, node and t/browser/node_modules (`make browser-deps`).
use strict;
use warnings FATAL => 'all';
use FindBin;
use lib "$FindBin::Bin/lib";
use Apache::Test qw(-withtestmore);
use Apache::TestRequest ();

my $top = "$FindBin::Bin/..";
my $dir = "$FindBin::Bin/browser";
my $node = (grep { -x "$_/node" } split /:/, $ENV{PATH} // '')[0];
my $why = !-x '/usr/bin/chromium' ? '/usr/bin/chromium is not installed (Debian package chromium)'
        : !$node ? 'node is not installed'
        : !(-d "$dir/node_modules/playwright-core" && -d "$dir/node_modules/axe-core")
            ? 't/browser/node_modules is missing (run `make browser-deps`)'
        : '';

my @tap;
my $exit = 0;
if (!$why) {
    # The server listens on IPv4; 127.0.0.1 keeps Chromium off ::1.
    (my $hostport = Apache::TestRequest::hostport()) =~ s/^localhost\b/127.0.0.1/;
    my $out = "$top/build/screenshots";
    my @cmd = ("$node/node", "$dir/check.mjs", "http://$hostport", $out);
    unshift @cmd, 'timeout', '600' if grep { -x "$_/timeout" } split /:/, $ENV{PATH} // '';
    open my $fh, '-|', @cmd or die "@cmd: $!";
    @tap = <$fh>;
    close $fh;
    $exit = $? >> 8;
}
my ($planned) = map { /^1\.\.(\d+)/ ? $1 : () } @tap;
my @results = grep { /^(?:not )?ok\b/ || /^#/ } @tap;
my $count = grep { /^(?:not )?ok\b/ } @results;

plan tests => $count + 2, need('newsportal', { ($why || 'ready') => !$why });

my $last_ok = 1;
for (@results) {
    chomp;
    if (/^#\s?(.*)/) { $last_ok ? note($1) : diag($1); next }
    my ($not, $desc) = /^(not )?ok \d+ - (.*)/;
    $last_ok = ok !$not, $desc;
}
is $count, $planned // -1, 'check.mjs ran every check it planned';
is $exit, 0, 'check.mjs exited 0';
