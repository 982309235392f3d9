# newsportal lint on the trees the module serves: the test site, whose broken, hostile and
# badly named files the module refuses or filters, and the demo site, which must be clean.
use strict;
use warnings FATAL => 'all';
use FindBin;
use lib "$FindBin::Bin/lib";
use Apache::Test qw(-withtestmore);

plan tests => 16, need_module('newsportal');

my $vars = Apache::Test::vars();
(my $tool = $ENV{NP_MODULE} // "$vars->{top_dir}/build/mod_newsportal.so") =~ s{mod_newsportal\.so$}{newsportal};
my $site = "$vars->{serverroot}/content/site1";
my $press = "$site/news-and-events/press";
my $demo = "$vars->{top_dir}/conf/demo/content";

sub run { my $out = `@_ 2>&1`; return ($? >> 8, $out) }
sub quoted { return join ' ', map { "'$_'" } @_ }

my ($rc, $out) = run($tool, 'lint', quoted($site));
is $rc, 1, 'site1: exit status 1, it has errors';
my @errors = grep { /: error: / } split /\n/, $out;
is_deeply \@errors, [
    "$press/bad name.xml:0:0: error: file name is not [A-Za-z0-9][A-Za-z0-9._-]*.xml: the module skips it",
    "$press/broken-story.xml:6:10: error: Opening and ending tag mismatch: p line 5 and body",
    "$press/xxe-story.xml:3:3: error: entity declarations are not allowed (external entity 'xxe')",
], 'site1: exactly the errors of the bad name, the malformed file and the entity declaration';
like $out, qr{^\Q$press/hostile-story.xml:6:14: warning: <script> is dropped with its content\E$}m,
    'hostile markup: the script';
like $out, qr{^\Q$press/hostile-story.xml:7:8: warning: href="javascript:alert(1)" of <a> is dropped: only http, https, mailto and relative URLs are allowed\E$}m,
    'hostile markup: a javascript: link';
like $out, qr{^\Q$press/hostile-story.xml:9:8: warning: attribute onerror of <img> is dropped: event handlers are never kept\E$}m,
    'hostile markup: an event handler';
like $out, qr{^\Q$press:0:0: warning: section without _section.xml: it is called "Press", after its folder\E$}m,
    'a section without _section.xml';
like $out, qr{\nlint: \d+ files, 3 errors, \d+ warnings\n\z}, 'the summary line comes last';
my @paths = map { /^(.*?):\d+:\d+: / ? $1 : () } split /\n/, $out;
is_deeply \@paths, [sort @paths], 'sorted by path';

($rc, $out) = run($tool, 'lint', quoted($site), '--strict');
is $rc, 1, 'site1 --strict: exit status 1';
unlike $out, qr/: warning: /, '--strict reports warnings as errors';

($rc, $out) = run($tool, 'lint', quoted($demo));
is $rc, 0, 'the demo site: exit status 0';
like $out, qr{\Alint: \d+ files, 0 errors, 0 warnings\n\z}, 'the demo site: no finding at all';
($rc, $out) = run($tool, 'lint', '--strict', quoted($demo));
is $rc, 0, 'the demo site --strict: exit status 0';

($rc, $out) = run($tool, 'lint');
is $rc, 2, 'no DIR: a usage error, exit status 2';
($rc, $out) = run($tool, 'lint', quoted($demo), '--fast');
is $rc, 2, 'an unknown option: exit status 2';
like $out, qr{newsportal lint: unknown option --fast}, 'naming it';
