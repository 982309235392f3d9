# URL attacks against /news (docs/security.md): traversal in every encoding, NUL, overlong and invalid UTF-8,
# backslashes, huge paths and queries, odd methods. Each gets 400/404/405/414 (or an answer httpd
# itself gives first: 501 for a method it does not know, TRACE's echo), never 200 with file
# content, never 500; nothing is logged at error level and no child crashes. Requests go out over
# raw sockets so that nothing normalises them on the way.
use strict;
use warnings FATAL => 'all';
use FindBin;
use lib "$FindBin::Bin/lib";
use Apache::Test qw(-withtestmore);
use Apache::TestRequest ();
use IO::Select;
use IO::Socket::INET;
use NPTest;

my $port = Apache::Test::vars('port');

sub raw {
    my ($method, $target, $headers) = @_;
    my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $port, Proto => 'tcp',
                                  Timeout => 10) or die "connect: $!";
    my $req = "$method $target HTTP/1.1\r\n" . ($headers // "Host: localhost\r\n")
            . "Connection: close\r\n\r\n";
    local $SIG{PIPE} = 'IGNORE';
    for (my $off = 0; $off < length $req;) {  # httpd may answer 414 before reading it all
        my $n = syswrite $s, $req, 65536, $off;
        last unless $n;
        $off += $n;
    }
    my ($resp, $sel) = ('', IO::Select->new($s));
    while ($sel->can_read(10)) {
        my $n = sysread $s, my $buf, 65536;
        last unless $n;
        $resp .= $buf;
    }
    my ($head, $body) = split /\r\n\r\n/, $resp, 2;
    my ($status) = ($head // '') =~ m{^HTTP/1\.[01] (\d{3})};
    return { status => $status // 0, head => $head // '', body => $body // '' };
}

# Paths under LimitRequestLine (8190): httpd's own directory walk refuses one longer than PATH_MAX
# with 403 before the module; a shorter one reaches the module.
my $long4k = 'a/' x 1900;
my $long8k = 'a/' x 3990;
my @attacks = (
    # traversal, raw (httpd resolves dot segments first, so they never reach the module)
    [GET => '/news/../../../../etc/passwd'],
    [GET => '/news/../../../etc/passwd'],
    [GET => '/news/news-and-events/../../../../etc/passwd'],
    [GET => '/news/news-and-events/press/hostile-story.html/../../../../../../etc/passwd'],
    [GET => '/news/' . ('../' x 2000) . 'etc/passwd'],
    [GET => '/news/../conf/httpd.conf'],
    [GET => '/news/../content/site1/news-and-events/press/hostile-story.xml'],
    # traversal, encoded
    [GET => '/news/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd'],
    [GET => '/news/%2E%2E%2F%2E%2E%2F%2E%2E%2Fetc%2Fpasswd'],
    [GET => '/news/..%2f..%2f..%2f..%2fetc%2fpasswd'],
    [GET => '/news/news-and-events%2fpress%2fhostile-story.html'],
    [GET => '/news/%2f%2fetc%2fpasswd'],
    [GET => '/news/%2e%2e%2f%2e%2e%2f'],
    [GET => '/news/..%5c..%5c..%5cetc%5cpasswd'],
    [GET => '/news/%5c..%5c..%5cetc%5cpasswd'],
    [GET => '/news/news-and-events%5cpress%5chostile-story.html'],
    [GET => '/news/%252e%252e%252f%252e%252e%252fetc%252fpasswd'],
    [GET => '/news/%252e%252e/%252e%252e/etc/passwd'],
    [GET => '/news/%c0%ae%c0%ae/%c0%ae%c0%ae/etc/passwd'],
    [GET => '/news/%c0%ae%c0%ae%c0%af%c0%ae%c0%ae%c0%afetc%c0%afpasswd'],
    [GET => '/news/%e0%80%ae%e0%80%ae/etc/passwd'],
    [GET => '/news/%f0%80%80%ae%f0%80%80%ae/etc/passwd'],
    [GET => '/news/%ef%bc%8e%ef%bc%8e/%ef%bc%8e%ef%bc%8e/etc/passwd'],
    [GET => '/news/%u002e%u002e/etc/passwd'],
    [GET => '/news/tag/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd'],
    [GET => '/news/tags/..%2f..%2fetc%2fpasswd/'],
    # NUL
    [GET => '/news/news-and-events/press/hostile-story.html%00.xml'],
    [GET => '/news/%00/etc/passwd'],
    [GET => '/news/news-and-events/%00'],
    [GET => '/news/news-and-events/press/hostile-story.html%2500'],
    [GET => '/news/tags/a%00b/'],
    # invalid UTF-8 and control characters
    [GET => '/news/%ff/'],
    [GET => '/news/news-and-events/%ff%fe.html'],
    [GET => '/news/%ed%a0%80/'],
    [GET => '/news/tags/%c3/'],
    [GET => '/news/news-and-events%0d%0aX-Injected:%201/'],
    [GET => '/news/news-and-events/%1b%5b31m.html'],
    # backslashes, doubled and dot segments, names outside the alphabet
    [GET => '/news/\\..\\..\\etc\\passwd'],
    [GET => '/news/news-and-events\\press\\hostile-story.html'],
    [GET => '/news//etc/passwd'],
    [GET => '//news//..//..//..//etc//passwd'],
    [GET => '/news/./etc/passwd'],
    [GET => '/news/news-and-events/./../../../etc/passwd'],
    [GET => '/news/news-and-events/press/hostile-story.xml'],
    [GET => '/news/news-and-events/_section.xml'],
    [GET => '/news/news-and-events/_section.html'],
    [GET => '/news/.git/config'],
    [GET => '/news/news-and-events/press/.hidden.html'],
    [GET => '/news/news-and-events/press/..hostile-story.html'],
    [GET => '/news/news-and-events/press/bad%20name.html'],
    [GET => '/news/news-and-events/press/hostile-story.html;.xml'],
    [GET => '/news/%3Cscript%3Ealert(1)%3C/script%3E.html'],
    [GET => '/news/"><script>alert(1)</script>/'],
    # sizes
    [GET => "/news/$long4k"],
    [GET => "/news/$long8k"],
    [GET => '/news/' . ('a' x 8200)],
    [GET => '/news/' . ('a' x 102400)],
    [GET => '/news/no-such-story.html?q=' . ('A' x 7000)],
    [GET => '/news/no-such-story.html?q=' . ('A' x 102400)],
    [GET => '/news/no-such-story.html?../../../../etc/passwd%00'],
    # page numbers past the last, up to 2^63 and beyond
    [GET => '/news/tags/heritage/page/999999999/'],
    [GET => '/news/tags/heritage/page/2147483647/'],
    [GET => '/news/tags/heritage/page/2147483648/'],
    [GET => '/news/tags/heritage/page/9223372036854775807/'],
    [GET => '/news/tags/heritage/page/9223372036854775808/'],
    [GET => '/news/tags/heritage/page/18446744073709551617/'],
    [GET => '/news/tags/heritage/page/-1/'],
    [GET => '/news/tags/heritage/page/0/'],
    [GET => '/news/tags/heritage/page/2/'],
    [GET => '/news/news-and-events/page/200000000/'],
    [GET => '/news/news-and-events/page/214748365/'],
    [GET => '/news/news-and-events/ich-news/page/999999999/'],
    [GET => '/news/page/999999999/'],
    [GET => '/news/page/107374183/'],
    [GET => '/news/sitemap-999999999.xml'],
    [GET => '/news/sitemap-2147483648.xml'],
    [GET => '/custom/p/999999999/'],
    # methods
    [PUT => '/news/news-and-events/press/press-release.html'],
    [DELETE => '/news/news-and-events/press/press-release.html'],
    [PATCH => '/news/'],
    [POST => '/news/'],
    [OPTIONS => '/news/'],
    [PROPFIND => '/news/'],
    [MKCOL => '/news/x/'],
    [TRACE => '/news/'],
    [BREW => '/news/'],
    [get => '/news/'],
);

# Normalised by httpd into a real page before the module sees it: that page, nothing else.
my @normalised = (
    ['/news//news-and-events/', '/news/news-and-events/'],
    ['/news/./news-and-events/', '/news/news-and-events/'],
    ['/news/news-and-events/press/../', '/news/news-and-events/'],
    ['/news/%6e%65%77%73-and-events/', '/news/news-and-events/'],
);

plan tests => 3 * @attacks + 2 * @normalised + 17, need_module('newsportal');

is raw(GET => '/news/')->{status}, 200, 'the site answers';  # scanned before the log offset
raw(GET => '/custom/');
my $off = error_log_size();
my @table;
for my $a (@attacks) {
    my ($method, $target) = @$a;
    my $r = raw($method, $target);
    my $s = $r->{status};
    my $show = length $target > 90 ? substr($target, 0, 60) . '...(' . length($target) . ' bytes)' : $target;
    push @table, sprintf '%-8s %-100s %s', $method, $show, $s;
    my $ok = $s =~ /^(?:400|403|404|405|414)$/
          || ($method eq 'BREW' && $s == 501)   # a method httpd does not know
          || ($method eq 'TRACE' && $s == 200 && $r->{head} =~ m{^Content-Type: message/http}mi
              && $r->{body} =~ m{TRACE /news/ HTTP/1\.1}); # TraceEnable: httpd's echo
    ok $ok, "$method $show: $s";
    unlike $r->{body}, qr{root:x:0:|<article\b|SCRIPT-MARKER|LoadModule|NewsPortalContent},
           "$method $show: no file content";
    ok $r->{head} !~ /^X-Injected:/mi && $r->{body} !~ m{<script>alert}i,
       "$method $show: nothing injected or reflected";
}
diag "status per request:\n" . join "\n", @table;

for my $n (@normalised) {
    my ($target, $clean) = @$n;
    my $r = raw(GET => $target);
    my $c = raw(GET => $clean);
    is $r->{status}, 200, "$target: normalised by httpd to $clean";
    is $r->{body}, $c->{body}, "$target: the same page as $clean";
}

# A query on a redirect is carried over, never decoded into headers.
my $r = raw(GET => '/news/news-and-events?%0d%0aSet-Cookie:%20x=1');
is $r->{status}, 301, 'the trailing-slash redirect keeps its query';
ok $r->{head} !~ /^Set-Cookie:/mi, 'an encoded CR LF in the query is not decoded into a header';
like $r->{head}, qr{^Location: http://[^/]+/news/news-and-events/\?%0d%0aSet-Cookie:%20x=1\r?$}mi,
     'the Location is our own absolute URL';

# A decoded path goes back into Location percent-encoded.
$r = raw(GET => '/news/tags/Good%20%20Practice');
like $r->{head}, qr{^Location: http://news\.example\.org/news/tags/Good%20%20Practice/\r?$}m,
     'the trailing-slash redirect encodes the spaces it decoded';
$r = raw(GET => '/news/tags/Good%20%20Practice/?a=%22%20b%C3%A9');
like $r->{head}, qr{^Location: http://news\.example\.org/news/tags/good-practice/\?a=%22%20b%C3%A9\r?$}m,
     'a tag spelt otherwise redirects to its own URL, with the query as sent';

# The Host header: httpd refuses a malformed one; a foreign one shows only in its own pages.
is raw(GET => '/live/', qq{Host: evil"><script>alert(1)</script>\r\n})->{status}, 400,
   'a malformed Host header is refused by httpd';
mkdir live_dir() . '/urls';
write_file(live_dir() . '/urls/story.xml', qq{<?xml version="1.0" encoding="UTF-8"?>\n}
    . '<article><title>Host story</title><published>2026-01-01</published><body><p>x</p></body></article>');
# Without NewsPortalBaseURL a Host that is one of the server's names shapes absolute URLs; any
# other gets the ServerName's (docs/security.md), and each origin has pages of its own in the
# cache, matched on the whole key.
my $canon = qr{href="http://localhost:$port/live/urls/story\.html"};
my $evil = raw(GET => '/live/urls/story.html', "Host: evil.example\r\n");
is $evil->{status}, 200, 'a foreign Host is served';
unlike $evil->{body}, qr{evil\.example}, 'a foreign Host never reaches the page';
like $evil->{body}, qr{<link rel="canonical" $canon}, 'its canonical URL is the ServerName\'s';
my $own = raw(GET => '/live/urls/story.html', "Host: localhost:$port\r\n");
like $own->{body}, qr{<link rel="canonical" $canon}, 'the server\'s own name is used as given';
my $ip = raw(GET => '/live/urls/story.html', "Host: 127.0.0.1:$port\r\n");
like $ip->{body}, qr{<link rel="canonical" $canon}, 'an address that is not a ServerAlias gets the ServerName';
my %seen;
for my $h ('evil.example', 'EVIL.example:1', 'localhost:1', 'a' x 200, 'xn--80ak6aa92e.com',
           '[::1]', "localhost:$port") {
    my $r = raw(GET => '/live/urls/feed.atom', "Host: $h\r\n");
    my @hosts = $r->{body} =~ m{https?://([^/"<]+)/live/}g;
    $seen{$_}++ for @hosts;
}
is_deeply [grep { !/^localhost(?::\d+)?$/ } sort keys %seen], [], 'no foreign host in any feed';
my $vary = raw(GET => '/live/urls/story.html', "Host: localhost:1\r\n");
like $vary->{body}, qr{<link rel="canonical" href="http://localhost:1/live/urls/story\.html"},
     'a port given with the server\'s name is kept (as UseCanonicalName Off says)';
my $again = raw(GET => '/live/urls/story.html', "Host: localhost:$port\r\n");
like $again->{body}, qr{<link rel="canonical" $canon}, 'and never shown for another port';
system 'rm', '-rf', live_dir() . '/urls';

my $log = error_log_since($off);
my @errors = $log =~ /^(.*\[newsportal:error\].*)$/mg;
ok !@errors, 'no [newsportal:error] line from any of these' or diag join "\n", @errors[0 .. ($#errors < 9 ? $#errors : 9)];
unlike $log, qr/exit signal/, 'no child crashed';
