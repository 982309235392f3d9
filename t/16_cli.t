# The newsportal command-line tool: render prints what the module serves; template renders one
# template; gen writes a generated tree; index builds and updates the content index; search
# searches it.
use strict;
use warnings FATAL => 'all';
use FindBin;
use lib "$FindBin::Bin/lib";
use Apache::Test qw(-withtestmore);
use Apache::TestRequest qw(GET);
use File::Temp qw(tempdir);
use NPTest;

plan tests => 31, need_module('newsportal');

my $vars = Apache::Test::vars();
(my $tool = $ENV{NP_MODULE} // "$vars->{top_dir}/build/mod_newsportal.so") =~ s{mod_newsportal\.so$}{newsportal};
my $content = "$vars->{serverroot}/content/site1";

sub run { my $out = `@_ 2>&1`; return ($? >> 8, $out) }
sub run_stdout { my $out = `@_ 2>/dev/null`; return ($? >> 8, $out) }

my ($rc, $out) = run_stdout($tool, 'render', $content, '/news-and-events/ich-news/sharing-good-practices.html',
    '--base-url', 'http://news.example.org', '--site-name', "'Test News'", '--time-zone', 'Asia/Shanghai');
is $rc, 0, 'render exits 0 for a page';
is_deeply breadcrumb($out), [
    ['Home', '/'], ['News and Events', '/news-and-events/'], ['ICH News', '/news-and-events/ich-news/'],
    ['Sharing of Information and Good Practices on Safeguarding', undef],
], 'the same breadcrumb as the module, at mount point /';

# The module's page at /news differs only by the mount point in links.
no_redirects();
my $served = GET('/news/news-and-events/ich-news/sharing-good-practices.html')->content;
(my $expect = $served) =~ s{(href|src|action)="/news/}{$1="/}g;
$expect =~ s{http://news\.example\.org/news/}{http://news.example.org/}g;
$expect =~ s{%2Fnews%2F}{%2F}g;
# The QR code draws a different URL; everything else must be the same.
s{<path d="M[^"]*"}{<path d="QR"}g for $expect, $out;
is $out, $expect, 'byte for byte what the module serves, but for the mount point';

($rc, $out) = run($tool, 'render', $content, '/no-such-section/');
is $rc, 1, 'render exits 1 for a 404';
like $out, qr{newsportal render: 404}, 'and says 404';
# stdout alone: stderr's lines may land anywhere in the page when both go to one pipe
($rc, $out) = run_stdout($tool, 'render', $content, '/no-such-section/');
like $out, qr{<h1>Page not found</h1>}, 'printing the error page';
($rc, $out) = run($tool, 'render', $content, '/news-and-events');
like $out, qr{301 Moved Permanently: Location: /news-and-events/}, 'a redirect is reported';

my $dir = tempdir(CLEANUP => 1);
open my $fh, '>', "$dir/page.mustache" or die; print $fh "{{<frame}}{{\$body}}Hello {{name}}{{/body}}{{/frame}}"; close $fh;
open $fh, '>', "$dir/frame.mustache" or die; print $fh "[{{\$body}}default{{/body}}]"; close $fh;
open $fh, '>', "$dir/data.json" or die; print $fh '{"name": "<World>"}'; close $fh;
($rc, $out) = run($tool, 'template', "$dir/page.mustache", '--data', "$dir/data.json");
is $rc, 0, 'template exits 0';
is $out, '[Hello &lt;World&gt;]', 'renders with inheritance and escaping';
open $fh, '>', "$dir/bad.mustache" or die; print $fh "line one\n{{#items}}\n"; close $fh;
($rc, $out) = run($tool, 'template', "$dir/bad.mustache");
is $rc, 1, 'a template error exits 1';
like $out, qr{bad\.mustache:3:1: section 'items' opened at 2:1 is never closed}, 'with file:line:col';

# gen: the same seed writes the same tree, of articles the module's loaders accept.
my $g = tempdir(CLEANUP => 1);
($rc, $out) = run($tool, 'gen', "$g/a", '--articles', 300, '--sections', 12, '--tags', 9, '--seed', 5);
is $rc, 0, 'gen exits 0';
run($tool, 'gen', "$g/b", '--articles', 300, '--sections', 12, '--tags', 9, '--seed', 5);
run($tool, 'gen', "$g/c", '--articles', 300, '--sections', 12, '--tags', 9, '--seed', 6);
is system("diff -r $g/a $g/b >/dev/null"), 0, 'the same seed writes the same tree';
isnt system("diff -r $g/a $g/c >/dev/null 2>&1"), 0, 'another seed another';
my @files = split /\n/, `find $g/a -name 'a*.xml'`;
my @secs = split /\n/, `find $g/a -name _section.xml`;
is_deeply [scalar @files, scalar @secs], [300, 12], '300 articles in 12 sections';
($rc, $out) = run($tool, 'lint', "$g/a");
like $out, qr{lint: 312 files, 0 errors}, 'every generated file passes lint';

# index: a build, a pass with nothing new, an edit, a broken file, other settings.
my $db = "$g/a.db";
($rc, $out) = run($tool, 'index', "$g/a", '--db', $db);
like $out, qr{300 articles in 13 sections, \d+ tags, 0 errors; this pass: 13 folders, 300 files seen, 300 read \(300 new,},
    'index: a first build reads every file and says so';
unlike $out, qr{\r}, 'no progress line when stdout is not a terminal';
like $out, qr{ in \d+\.\d\d s \(full text: \d+\.\d\d s\); generation}, 'a first build says what its full text took';
($rc, $out) = run($tool, 'index', "$g/a", '--db', $db);
like $out, qr{300 files seen, 0 read}, 'a second pass reads nothing';
unlike $out, qr{full text}, 'a pass writes the full text with each article';
my $edited = $files[7];
open $fh, '>', "$edited.new" or die;
print $fh "<article><title>Edited</title><published>2026-01-01</published><body><p>x</p></body></article>\n";
close $fh; rename "$edited.new", $edited or die;
{
    # A server's reader holds the file open: the index still ends with its log copied into
    # the file and emptied, so the file can be copied or renamed alone.
    my $sqlite = (grep { -x "$_/sqlite3" } split /:/, $ENV{PATH})[0];
    open my $reader, '|-', "$sqlite/sqlite3 -readonly $db >/dev/null" or die "sqlite3: $!";
    print $reader "SELECT count(*) FROM articles;\n";
    $reader->flush;
    sleep 1;
    ($rc, $out) = run($tool, 'index', "$g/a", '--db', $db);
    like $out, qr{300 files seen, 1 read \(0 new, 1 changed, 0 deleted, 0 broken}, 'an edit: that file only';
    is -s "$db-wal", 0, 'index: the log is copied into the file and emptied, a reader open beside it';
    close $reader;
}
open $fh, '>', $edited or die; print $fh "<article>\n  <title>x</title>\n<body>"; close $fh;
utime 1700000000, 1700000000, $edited;
($rc, $out) = run($tool, 'index', "$g/a", '--db', $db);
like $out, qr{\Q$edited\E:3:\d+: }, 'a broken file: file:line:col on stderr';
like $out, qr{1 broken of which 1 kept stale\).*300 articles|300 articles.*1 broken of which 1 kept stale}s,
    'its last good version stays';
($rc, $out) = run($tool, 'index', "$g/a", '--db', $db, '--time-zone', '+08:00');
like $out, qr{it was built for tz 'UTC', not '\+08:00'; rebuilding it.*300 read}s,
    'other settings: rebuilt, with one line saying why';

# search: the index of t/content/search, as /search would answer.
my $sdb = "$g/search.db";
run($tool, 'index', "$vars->{serverroot}/content/search", '--db', $sdb);
($rc, $out) = run_stdout($tool, 'search', $sdb, "'\xe8\x82\xa1\xe5\xb8\x82'");
is $rc, 0, 'search exits 0';
like $out, qr{^1 result; page 1 of 1\n1\. \S+\n   world/zh/stocks\.xml  2026-03-03\n}, 'and lists the one article with the word';
($rc, $out) = run_stdout($tool, 'search', $sdb, 'harbour', '--section', 'world', '--json');
like $out, qr{^\{"query":"harbour","total":1,.*"file":"world/harbours\.xml"}, '--section and --json';
($rc, $out) = run_stdout($tool, 'search', $sdb, 'quasar', '--now', 1893456000);
like $out, qr{^1 result.*news/embargo\.xml}s, '--now: the embargo lifted at its instant';
($rc, $out) = run($tool, 'search', $sdb, "'a\xffb'");
like $out, qr{400: The search text is not valid UTF-8\.}, 'invalid UTF-8: the message, exit 1';
