# Edits are live within NewsPortalCheckInterval + 1 s, and evict only the pages that depend on
# what changed.
use strict;
use warnings FATAL => 'all';
use FindBin;
use lib "$FindBin::Bin/lib";
use Apache::Test qw(-withtestmore);
use Apache::TestRequest qw(GET);
use Time::HiRes qw(sleep);
use NPTest;

plan tests => 22, need_module('newsportal');
no_redirects();

sub article {
    my ($title, $date, $tags) = @_;
    $tags //= '';
    return qq{<?xml version="1.0" encoding="UTF-8"?>\n<article><title>$title</title>}
         . qq{<published>$date</published><tags>$tags</tags><body><p>$title body.</p></body></article>\n};
}
sub cache_state { GET($_[0])->header('X-NewsPortal-Cache') // '' }

my $live = live_dir();
write_file("$live/_section.xml", "<section><title>Live</title></section>");
write_file("$live/desk/_section.xml", "<section><title>Desk</title></section>");
write_file("$live/desk/one.xml", article('One v1', '2026-01-01', '<tag>shared</tag>'));
write_file("$live/desk/two.xml", article('Two', '2026-01-02'));
write_file("$live/desk/three.xml", article('Three', '2026-01-03'));
write_file("$live/other/_section.xml", "<section><title>Other</title></section>");
write_file("$live/other/four.xml", article('Four', '2026-01-04'));
write_file("$live/other/five.xml", article('Five', '2026-01-05', '<tag>elsewhere</tag>'));
sleep 1.1;

my @pages = ('/live/desk/one.html', '/live/desk/', '/live/', '/live/tags/shared/',
             '/live/other/five.html', '/live/other/', '/live/tags/elsewhere/', '/live/feed.atom');
GET($_) for @pages;  # render each once
is cache_state($_), 'hit', "warm: $_" for @pages[0, 4];

# An in-place edit (truncate and write, same folder mtime) of one article.
my $dir_mtime = (stat "$live/desk")[9];
open my $fh, '>', "$live/desk/one.xml" or die; print $fh article('One v2', '2026-01-01', '<tag>shared</tag>'); close $fh;
is((stat "$live/desk")[9], $dir_mtime, 'an in-place write leaves the folder mtime alone');
my $t0 = Time::HiRes::time();
my $r = GET '/live/desk/one.html';
my $seen = $r->content =~ /One v2/;
while (!$seen && Time::HiRes::time() - $t0 < 2) { sleep 0.1; $seen = GET('/live/desk/one.html')->content =~ /One v2/ }
ok $seen, 'an in-place edit is live within NewsPortalCheckInterval + 1 s';
like GET('/live/desk/')->content, qr/One v2/, 'its section listing shows the new title';
like GET('/live/')->content, qr/One v2/, 'so does the home page';
like GET('/live/tags/shared/')->content, qr/One v2/, 'and its tag page';
like GET('/live/feed.atom')->content, qr/One v2/, 'and the feed';
is cache_state('/live/other/five.html'), 'hit', 'an unrelated article page stays cached';
is cache_state('/live/other/'), 'hit', 'an unrelated section stays cached';
is cache_state('/live/tags/elsewhere/'), 'hit', 'an unrelated tag page stays cached';

# A new article (atomic rename).
write_file("$live/desk/six.xml", article('Six', '2026-01-06'));
is GET('/live/desk/six.html')->code, 200, 'a new article is served at once (CheckInterval 0)';
like GET('/live/desk/')->content, qr/Six/, 'and listed';

# A deleted article.
remove_files "$live/desk/six.xml";
is GET('/live/desk/six.html')->code, 404, 'a deleted article is 404';
unlike GET('/live/desk/')->content, qr/>Six</, 'and no longer listed';

# A section title.
write_file("$live/desk/_section.xml", "<section><title>News Desk</title></section>");
like GET('/live/desk/two.html')->content, qr{<a href="/live/desk/">News Desk</a>}, 'a section title change reaches breadcrumbs';

# A template.
write_file("$live/../live-templates/article.mustache", "TEMPLATE-V1 {{article.title}}");
like GET('/live-tpl/desk/two.html')->content, qr/TEMPLATE-V1 Two/, 'a template in NewsPortalTemplates is used';
write_file("$live/../live-templates/article.mustache", "TEMPLATE-V2 {{article.title}}");
like GET('/live-tpl/desk/two.html')->content, qr/TEMPLATE-V2 Two/, 'and an edit of it is live';
unlink "$live/../live-templates/article.mustache";
like GET('/live-tpl/desk/two.html')->content, qr/<h1>Two<\/h1>/, 'removing it falls back to the default theme';

# The status page counts what the cache holds.
my $st = GET('/np-status?json')->content;
like $st, qr/"articles":\d+/, 'status JSON has article counts';
like $st, qr/"page_cache":\{"enabled":true,"entries":\d+/, 'and page cache figures';
like GET('/np-status')->content, qr{<h1>News portal status</h1>}, 'status HTML';

remove_files glob("$live/desk/*.xml"), glob("$live/other/*.xml"), "$live/_section.xml";
