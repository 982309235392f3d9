# Drafts, embargoes and expiry: invisible everywhere, and appearing or disappearing on time by
# themselves.
use strict;
use warnings FATAL => 'all';
use FindBin;
use lib "$FindBin::Bin/lib";
use Apache::Test qw(-withtestmore);
use Apache::TestRequest qw(GET);
use POSIX qw(strftime);
use Time::HiRes qw(sleep time);
use NPTest;

plan tests => 17, need_module('newsportal');
no_redirects();

my $sec = '/news/news-and-events/ich-news';
for my $name (qw(draft-story future-story expired-story)) {
    is GET("$sec/$name.html")->code, 404, "$name: its URL is 404";
}
my $listing = join '', map { GET($_)->content } ("$sec/", "$sec/page/2/", '/news/',
    '/news/tags/heritage/', '/news/news-and-events/');
for my $marker (qw(DRAFT-MARKER FUTURE-MARKER EXPIRED-MARKER)) {
    unlike $listing, qr/$marker/, "$marker is in no listing";
}

sub iso { strftime('%Y-%m-%dT%H:%M:%SZ', gmtime($_[0])) }
sub article {
    my ($title, %d) = @_;
    my $extra = join '', map { "<$_>$d{$_}</$_>" } sort keys %d;
    return qq{<?xml version="1.0" encoding="UTF-8"?>\n<article><title>$title</title>$extra}
         . qq{<body><p>$title body.</p></body></article>\n};
}

my $live = live_dir();
my $t0 = time;
write_file("$live/desk/soon.xml", article('SOON-MARKER', published => iso($t0 + 3)));
write_file("$live/desk/going.xml",
    article('GOING-MARKER', published => iso($t0 - 3600), expires => iso($t0 + 3)));
write_file("$live/desk/now.xml", article('NOW-MARKER', published => iso($t0 - 60)));

is GET('/live/desk/now.xml')->code, 404, 'the file itself is not a URL';
is GET('/live/desk/now.html')->code, 200, 'a new article is served';
is GET('/live/desk/soon.html')->code, 404, 'an embargoed article is 404 before its time';
unlike GET('/live/desk/')->content, qr/SOON-MARKER/, 'and is not listed';
is GET('/live/desk/going.html')->code, 200, 'an article before its expiry is served';
like GET('/live/desk/')->content, qr/GOING-MARKER/, 'and listed';

sleep(4.2 - (time - $t0)) if time - $t0 < 4.2;
is GET('/live/desk/soon.html')->code, 200, 'the embargoed article appears at its time, with no edit';
like GET('/live/desk/')->content, qr/SOON-MARKER/, 'and is listed';
is GET('/live/desk/going.html')->code, 404, 'the expired article is gone at its time';
unlike GET('/live/desk/')->content, qr/GOING-MARKER/, 'and no longer listed';
like GET('/live/')->content, qr/SOON-MARKER/, 'the home page follows too';

remove_files "$live/desk/soon.xml", "$live/desk/going.xml", "$live/desk/now.xml";
