# What operators configure: no NewsPortal directive from .htaccess, and a nested <Location>
# changes fields for its URLs without moving the site's mount point.
use strict;
use warnings FATAL => 'all';
use FindBin;
use lib "$FindBin::Bin/lib";
use Apache::Test qw(-withtestmore);
use Apache::TestRequest qw(GET);
use File::Path qw(make_path remove_tree);
use JSON::PP ();
use NPTest;

plan tests => 15, need_module('newsportal');

# .htaccess under AllowOverride All: httpd refuses the directive, so nothing is ever served
# from the folder it names.
my $docroot = Apache::Test::vars('documentroot');
my $foreign = Apache::Test::vars('serverroot') . '/content/site2';
make_path("$docroot/override");
open my $fh, '>', "$docroot/override/.htaccess" or die $!;
print $fh "SetHandler newsportal\nNewsPortalContent $foreign\n";
close $fh;
my $off = error_log_size();
my $r = GET '/override/';
is $r->code, 500, 'NewsPortalContent in .htaccess: 500, as for any directive not allowed there';
unlike $r->content, qr{xinwen|feiyi}, 'and nothing of the folder it names';
like error_log_since($off), qr{NewsPortalContent not allowed here}, 'the log says httpd refused it';
remove_tree("$docroot/override");

# /nest mounts site1; <Location /nest/news-and-events> only renames the site.
$r = GET '/nest/news-and-events/';
is $r->code, 200, 'the nested location\'s URL is still the section';
like $r->content, qr{<h1[^>]*>News and Events</h1>}, 'with the section\'s own heading';
like $r->content, qr{Nested Name}, 'and the nested location\'s field';
like $r->content, qr{href="/nest/news-and-events/ich-news/"}, 'its links keep the mount';
unlike $r->content, qr{/nest/news-and-events/news-and-events/}, 'no copy of the site under it';
$r = GET '/nest/news-and-events/ich-news/older-1.html';
is $r->code, 200, 'an article under the nested location is served';
like $r->content, qr{<link rel="canonical" href="http://nest\.example\.org/nest/news-and-events/ich-news/older-1\.html"},
     'at its one URL';
unlike GET('/nest/')->content, qr{Nested Name}, 'the rest of the site keeps its own name';

# The status page's JSON escapes paths as JSON, whatever they hold.
is GET('/odd-name/')->code, 200, 'a site over a folder named with a quote and a backslash';
my $st = eval { JSON::PP::decode_json(GET('/np-status?json')->content) };
ok $st && grep({ $_->{content} =~ m{/live/q"b\\s\z} } @{ $st->{sites} }),
   'newsportal-status?json parses and gives its path exactly' or diag explain $st;

# A site set up in a <Directory>, whose .htaccess httpd reads on every request: served, and the
# status page counts the configurations this child has prepared.
make_path("$docroot/dirsite");
open $fh, '>', "$docroot/dirsite/.htaccess" or die $!;
print $fh "Header set X-Dirsite yes\n";
close $fh;
my $first = GET '/dirsite/';
ok $first->code != 500 && ($first->header('X-Dirsite') // '') eq 'yes', 'the folder\'s .htaccess is read (' . $first->code . ')';
my $n = JSON::PP::decode_json(GET('/np-status?json')->content)->{configurations};
ok defined $n && $n >= 3, "newsportal-status counts the prepared configurations ($n)";
remove_tree("$docroot/dirsite");
