# The module's URLs are pages, not files: httpd does not map them into the document root, so
# <Directory> sections there do not reach them (as with mod_proxy); a sub-location with another
# handler is served from the disk as usual.
use strict;
use warnings FATAL => 'all';

use Apache::Test qw(-withtestmore);
use Apache::TestRequest qw(GET);
use File::Path qw(make_path remove_tree);

plan tests => 6, need_module('newsportal');

my $docroot = Apache::Test::vars('documentroot');
make_path("$docroot/news/files", "$docroot/news/news-and-events");
open my $fh, '>', "$docroot/news/files/readme.txt" or die $!;
print $fh "a plain file\n";
close $fh;

# extra.conf: <Directory DOCROOT/news> Require all denied; <Location /news/files> SetHandler none;
# <Location /news/members> Require all denied.
my $r = GET '/news/';
is $r->code, 200, 'the home page is served although DOCROOT/news is denied by <Directory>';
like $r->content, qr{<nav aria-label="Breadcrumb"|<main}, 'and it is the module\'s page';
is GET('/news/news-and-events/')->code, 200, 'so is a section whose folder exists under DOCROOT/news';
is GET('/news/members/')->code, 403, 'access control in a <Location> applies to the pages';
is GET('/news/files/readme.txt')->code, 403,
   'a sub-location with SetHandler none maps to the file, and the <Directory> denial applies';
remove_tree("$docroot/news");
is GET('/news/files/readme.txt')->code, 404, 'and with the folder gone, a 404 from httpd';
