# A bad directive fails `apache2 -t` with a message naming the directive and what it expects.
use strict;
use warnings FATAL => 'all';
use FindBin;
use lib "$FindBin::Bin/lib";
use Apache::Test qw(-withtestmore);
use Apache::TestConfig ();
use File::Temp qw(tempdir);

my @cases = (
    ['NewsPortalContent /no/such/folder', qr{NewsPortalContent: '/no/such/folder' is not a readable folder}],
    ['NewsPortalPageSize zero', qr{NewsPortalPageSize: expected a whole number from 1 to 1000}],
    ['NewsPortalPageSize 0', qr{NewsPortalPageSize: expected a whole number}],
    ['NewsPortalTimeZone Mars/Olympus', qr{NewsPortalTimeZone: unknown zone 'Mars/Olympus'}],
    ['NewsPortalBaseURL news.example.org', qr{NewsPortalBaseURL: expected an absolute http}],
    ['NewsPortalRoute /{nope}/ section', qr{NewsPortalRoute /\{nope\}/ section: .*nope}],
    ['NewsPortalRoute /x/ magazine', qr{NewsPortalRoute /x/ magazine: .*magazine}],
    ['NewsPortalLanguage "e n"', qr{NewsPortalLanguage: expected a language tag}],
    ['NewsPortalMaxArticleSize lots', qr{NewsPortalMaxArticleSize: expected a size in bytes}],
    ['NewsPortalShare weixin myspace', qr{NewsPortalShare: unknown action 'myspace'}],
    ['NewsPortalCheckInterval -1', qr{NewsPortalCheckInterval: expected a whole number}],
    ['NewsPortalCompress zstd', qr{NewsPortalCompress: unknown encoding 'zstd'; expected gzip, br}],
    ['NewsPortalCompress gzip off', qr{NewsPortalCompress: off cannot be given with encodings}],
);
plan tests => 2 * @cases + 5, need_module('newsportal');

my $cfg = Apache::Test::config();
my $httpd = $cfg->{vars}{httpd};
my $module = $cfg->{vars}{top_dir} . '/build/mod_newsportal.so';
$module = $ENV{NP_MODULE} if $ENV{NP_MODULE};
my $dir = tempdir(CLEANUP => 1);
my $content = "$cfg->{vars}{serverroot}/content/site1";

sub configtest {
    my ($line) = @_;
    open my $fh, '>', "$dir/httpd.conf" or die $!;
    print $fh <<CONF;
ServerRoot "$dir"
ServerName localhost
Listen 127.0.0.1:1
PidFile "$dir/pid"
ErrorLog "$dir/error_log"
LoadModule mpm_event_module /usr/lib/apache2/modules/mod_mpm_event.so
LoadModule authz_core_module /usr/lib/apache2/modules/mod_authz_core.so
LoadModule newsportal_module $module
<Location /news>
    SetHandler newsportal
    NewsPortalContent "$content"
    $line
</Location>
CONF
    close $fh;
    my $out = `$httpd -t -f $dir/httpd.conf 2>&1`;
    return ($? >> 8, $out);
}

my ($rc, $out) = configtest('NewsPortalPageSize 10');
is $rc, 0, 'a good configuration passes' or diag $out;
like $out, qr{NP0013: <Location /news> \(NewsPortalContent \S+\) has no NewsPortalBaseURL: .*ServerName or a ServerAlias},
     'and warns that without NewsPortalBaseURL absolute URLs come from the Host or ServerName';
($rc, $out) = configtest('NewsPortalBaseURL https://news.example.org');
is $rc, 0, 'with NewsPortalBaseURL it passes';
unlike $out, qr{NP0013}, 'without the warning';
($rc, $out) = configtest("</Location>\n<Location /x>\nSetHandler newsportal\nNewsPortalContent $content\nNewsPortalBaseURL https://x.example.org");
unlike $out, qr{<Location /x>.*NewsPortalBaseURL}, 'a second site with its own NewsPortalBaseURL is not named';
for my $c (@cases) {
    ($rc, $out) = configtest($c->[0]);
    isnt $rc, 0, "$c->[0] fails configtest";
    like $out, $c->[1], "and says why" or diag $out;
}
