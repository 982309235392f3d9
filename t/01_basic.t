use strict;
use warnings FATAL => 'all';
use Apache::Test qw(-withtestmore);
use Apache::TestRequest qw(GET HEAD POST);

plan tests => 3, need_module('newsportal');

my $r = GET '/news/';
is $r->code, 200, 'GET /news/ is served by the module';
like $r->content, qr{<h1>}, 'it is an HTML page';
is POST('/news/')->code, 405, 'POST is 405';
