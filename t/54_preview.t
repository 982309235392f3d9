# Previews (docs/content.md, "Previews"): signed links that open a draft or an embargoed article,
# or the whole site as of an instant T; refused with 403 when tampered, expired or unsigned; no
# trace in the page cache or the shared tier. Tokens are made by `newsportal preview-link` and,
# to check the format docs/security.md describes, by this file's own signer.
use strict;
use warnings FATAL => 'all';
use FindBin;
use lib "$FindBin::Bin/lib";
use Apache::Test qw(-withtestmore);
use Apache::TestRequest qw(GET);
use Digest::SHA qw(hmac_sha256);
use File::Temp qw(tempdir);
use IO::Select;
use IO::Socket::INET;
use JSON::PP ();
use MIME::Base64 qw(encode_base64url decode_base64url);
use NPTest;

my $pidfile = $ENV{NP_MEMCACHED_PIDFILE} // '';
plan tests => 126, need_module('newsportal'), need_module('socache_memcache'),
    need { 'memcached running (t/run.sh starts it)' => -s $pidfile };
no_redirects();

my $vars = Apache::Test::vars();
(my $tool = $ENV{NP_MODULE} // "$vars->{top_dir}/build/mod_newsportal.so") =~ s{mod_newsportal\.so$}{newsportal};
my $secret_file = "$vars->{serverroot}/content/preview.secret";
my $secret = do { open my $fh, '<', $secret_file or die "$secret_file: $!"; local $/; <$fh> };
$secret =~ s/[\r\n \t]+\z//;

sub run { my $out = `@_ 2>&1`; return ($? >> 8, $out) }
sub link_for {
    my $out = `$tool preview-link --secret-file $secret_file @_ 2>/dev/null`;
    chomp $out;
    return ($? >> 8, $out);
}
sub token_of { my ($link) = @_; return $link =~ /\?preview=([A-Za-z0-9_-]+)$/ ? $1 : '' }

# The format, written from the documentation: version, scope, expiry (and T), HMAC-SHA256 of
# the canonical text, in base64url.
sub sign {
    my (%o) = @_;
    my $text = $o{scope} eq 'a'
        ? "newsportal-preview\n1\narticle\n" . length($o{path}) . ":$o{path}\n$o{expires}\n"
        : "newsportal-preview\n1\nsite\n$o{at}\n$o{expires}\n";
    return hmac_sha256($text, $o{key} // $secret);
}
sub token {
    my (%o) = @_;
    my $raw = pack('C a1 Q>', 1, $o{scope}, $o{expires}) . ($o{scope} eq 's' ? pack('Q>', $o{at}) : '');
    return encode_base64url($raw . ($o{mac} // sign(%o)));
}

# memcached's keys (t/24_shared.t speaks the same text protocol).
sub mc_keys {
    my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => 11311, Timeout => 5) or die $!;
    print $s "lru_crawler metadump all\r\n";
    my ($got, $sel) = ('', IO::Select->new($s));
    while ($sel->can_read(2)) {
        my $n = sysread $s, my $buf, 65536;
        last unless $n;
        $got .= $buf;
        last if $got =~ /END\r\n\z/;
    }
    return join ',', sort map { /^key=(\S+)/ ? $1 : () } split /\r?\n/, $got;
}
# This site's page and article cache figures in this child (ServerLimit 1).
sub figures {
    my $st = JSON::PP::decode_json(GET('/np-status?json')->content);
    my ($site) = grep { $_->{content} =~ m{/content/preview$} } @{ $st->{sites} };
    return 'no site' unless $site;
    return join ' ', (map { "$_=$site->{page_cache}{$_}" } qw(entries bytes hits misses)),
        (map { "article_$_=$site->{article_cache}{$_}" } qw(entries bytes hits misses));
}

my $T = '2099-01-01T09:00:00Z';
my $moon = 'Embargoed Moon Landing Story';

# ---- what readers get, first: it fills the caches ----
my $r = GET('/preview/');
is $r->code, 200, 'readers: the home page';
unlike $r->content, qr/\Q$moon\E/, 'readers: without the embargoed article';
unlike $r->content, qr/class="preview-banner"|Preview as of/, 'readers: no banner';
unlike GET('/preview/feed.atom')->content, qr/\Q$moon\E/, 'readers: the feed without it';
$r = GET('/preview/news-sitemap.xml');
ok $r->code == 404 || $r->content !~ /moon-landing/, 'readers: the news sitemap without it';
is GET('/preview/desk/moon-landing.html')->code, 404, 'readers: the embargoed article is 404';
is GET('/preview/desk/budget-draft.html')->code, 404, 'readers: the draft is 404';
is GET('/preview/desk/recalled.html')->code, 410, 'readers: the killed article is 410';
is GET('/preview/desk/harbour-opens.html')->code, 200, 'readers: the published article';
is GET('/preview/')->header('X-NewsPortal-Cache'), 'hit', 'readers: the home page is cached';

my $figures = figures();
my $keys = mc_keys();
ok length $keys, 'memcached holds the pages readers got';
my $log = error_log_size();

# ---- an article preview: that URL only ----
my ($rc, $link) = link_for('/preview/desk/budget-draft.html');
is $rc, 0, 'preview-link exits 0';
like $link, qr{^/preview/desk/budget-draft\.html\?preview=[A-Za-z0-9_-]{56}$}, 'and prints the path with its token';
$r = GET($link);
is $r->code, 200, 'the draft opens with its link';
like $r->content, qr{<h1[^>]*>Budget Draft Under Review</h1>}, 'showing the draft';
like $r->content, qr{<p class="preview-banner" role="status">Preview as of <time datetime="20\d\d-}, 'under a banner "Preview as of" now';
like $r->content, qr{<meta name="robots" content="noindex">}, 'with a robots noindex meta';
is $r->header('Cache-Control'), 'private, no-store', 'Cache-Control: private, no-store';
is $r->header('X-Robots-Tag'), 'noindex', 'X-Robots-Tag: noindex';
is $r->header('Referrer-Policy'), 'no-referrer', 'Referrer-Policy: no-referrer (the token stays here)';
is $r->header('ETag'), undef, 'no ETag';
is $r->header('Last-Modified'), undef, 'no Last-Modified';
is $r->header('X-NewsPortal-Cache'), undef, 'not from or into the page cache';
unlike $r->content, qr/preview=/, 'an article preview puts its token in no link';
$r = Apache::TestRequest::HEAD($link);
is $r->code, 200, 'HEAD of the preview';
is $r->header('Cache-Control'), 'private, no-store', 'with the same headers';
is GET($link, 'If-None-Match' => '*')->code, 200, 'If-None-Match never makes a 304';
is GET($link, 'If-Modified-Since' => 'Fri, 01 Jan 2100 00:00:00 GMT')->code, 200, 'nor If-Modified-Since';
my $tok = token_of($link);
$r = GET("/preview/desk/harbour-opens.html?preview=$tok");
is $r->code, 403, 'the same token on another article: 403';
is $r->header('Content-Type'), 'text/plain; charset=utf-8', 'a plain page';
like $r->content, qr/^This preview link is not valid\. Ask for a new one\.$/, 'saying the link is not valid';
is $r->header('Cache-Control'), 'private, no-store', 'the refusal is not kept either';
is GET("/preview/?preview=$tok")->code, 403, 'and on the home page';

($rc, $link) = link_for('/preview/desk/moon-landing.html');
$r = GET($link);
is $r->code, 200, 'an embargoed article opens with its link';
like $r->content, qr/\Q$moon\E/, 'showing it';
($rc, $link) = link_for('/preview/desk/recalled.html');
is GET($link)->code, 410, 'a killed article stays 410: a kill outranks every preview link';
($rc, $link) = link_for('/preview/desk/caogao.html');
$r = GET($link);
is $r->code, 200, 'a Chinese draft opens';
like $r->content, qr{<p class="preview-banner" role="status">预览，截至 <time}, 'with the Chinese banner';

# ---- a site preview at T ----
($rc, $link) = link_for('--at', $T, '--valid', '2h', '/preview/');
is $rc, 0, 'preview-link --at exits 0';
like $link, qr{^/preview/\?preview=[A-Za-z0-9_-]{67}$}, 'a site link';
$tok = token_of($link);
$r = GET($link);
is $r->code, 200, 'the home page as of T';
my $home = $r->content;
like $home, qr/\Q$moon\E/, 'lists the embargoed article';
like $home, qr{<time datetime="2099-01-01T09:00:00Z">1 January 2099 09:00</time>}, 'the banner names T';
my @hrefs = $home =~ m{href="(/preview[^"]*)"}g;
ok @hrefs > 5, 'the page links within the site (' . scalar(@hrefs) . ' links)';
is_deeply [grep { !/\?preview=\Q$tok\E$/ } @hrefs], [], 'every one of them carries the token';
like $home, qr{<link rel="canonical" href="http://preview\.example\.org/preview/">}, 'the canonical URL does not';
unlike $home, qr{https?://[^"\s]*preview=}, 'nor any absolute URL';
my ($article) = $home =~ m{href="(/preview/desk/moon-landing\.html\?preview=[^"]+)"};
ok $article, 'the embargoed article is linked with the token';
$r = GET($article);
is $r->code, 200, 'following it opens the article as of T';
like $r->content, qr{<h1[^>]*>\Q$moon\E</h1>}, 'the embargoed article itself';
is $r->header('Cache-Control'), 'private, no-store', 'not to be kept';
$r = GET("/preview/feed.atom?preview=$tok");
is $r->code, 200, 'the feed as of T';
like $r->content, qr/\Q$moon\E/, 'has the embargoed article';
is $r->header('Cache-Control'), 'private, no-store', 'the feed is not to be kept either';
is $r->header('ETag'), undef, 'and has no ETag';
$r = GET("/preview/news-sitemap.xml?preview=$tok");
is $r->code, 200, 'the news sitemap as of T';
like $r->content, qr{<loc>http://preview\.example\.org/preview/desk/moon-landing\.html</loc>}, 'lists the article (its address without a token)';
like GET("/preview/sitemap.xml?preview=$tok")->content, qr{moon-landing\.html}, 'so does the sitemap';
$r = GET("/preview/tags/moon/?preview=$tok");
is $r->code, 200, 'the tag only the embargoed article has exists as of T';
like $r->content, qr/\Q$moon\E/, 'listing it';
is GET("/preview/desk/budget-draft.html?preview=$tok")->code, 404, 'a site preview does not open drafts';
is GET("/preview/desk/recalled.html?preview=$tok")->code, 410, 'nor killed articles';
$r = GET("/preview/desk?preview=$tok");
is $r->code, 301, 'a redirect in a site preview';
like $r->header('Location'), qr{^http://preview\.example\.org/preview/desk/\?preview=\Q$tok\E$}, 'keeps the token once';
is $r->header('Cache-Control'), 'private, no-store', 'and is not to be kept';
$r = GET("/preview?preview=$tok");
like $r->header('Location'), qr{^http://preview\.example\.org/preview/\?preview=\Q$tok\E$}, 'the mount without its slash: to the home page, token kept';
is $r->header('Cache-Control'), 'private, no-store', 'not to be kept either';

# A link made by this file's signer: the format is the documented one.
$r = GET('/preview/?preview=' . token(scope => 's', at => 4070941200, expires => time + 600));
is $r->code, 200, 'a site link signed as docs/security.md says is accepted';
like $r->content, qr/\Q$moon\E/, 'and shows the site at its T';
$r = GET('/preview/desk/budget-draft.html?preview=' . token(scope => 'a', path => '/preview/desk/budget-draft.html', expires => time + 600));
is $r->code, 200, 'so is an article link';

# ---- tampered, expired, unsigned ----
my $good = token(scope => 's', at => 4070941200, expires => time + 600);
my $raw = decode_base64url($good);
my %bad = (
    'a changed character' => do { my $t = $good; substr($t, 20, 1) = substr($t, 20, 1) eq 'A' ? 'B' : 'A'; $t },
    'a later expiry, same signature' => encode_base64url(substr($raw, 0, 2) . pack('Q>', time + 900) . substr($raw, 10)),
    'another instant, same signature' => encode_base64url(substr($raw, 0, 10) . pack('Q>', 4070941260) . substr($raw, 18)),
    'the article scope, same signature' => encode_base64url(substr($raw, 0, 1) . 'a' . substr($raw, 2, 8) . substr($raw, 18)),
    'another version' => encode_base64url(chr(2) . substr($raw, 1)),
    'another secret' => token(scope => 's', at => 4070941200, expires => time + 600, key => 'x' x 40),
    'a truncated signature' => encode_base64url(substr($raw, 0, -1)),
    'a signature alone' => encode_base64url(substr($raw, 18)),
    'not base64url' => '!!!not-a-token!!!',
    'padding' => "$good=",
    'nothing' => '',
    'far too long' => 'A' x 5000,
    'a valid signature of an expiry 31 days away' => token(scope => 's', at => 4070941200, expires => time + 31 * 86400 + 7200),
    'a valid signature of expiry 2^63' => token(scope => 's', at => 4070941200, expires => 2**63),
    'a valid signature of T past 9999' => token(scope => 's', at => 253402300800, expires => time + 600),
);
for my $what (sort keys %bad) {
    $r = GET("/preview/?preview=$bad{$what}");
    is $r->code, 403, "$what: 403";
}
is GET("/preview/?preview=$good&preview=$good")->code, 403, 'the parameter twice: 403';
is GET("/preview/?x=1&preview=$good")->code, 200, 'among other parameters it is found';
$r = GET('/preview/desk/budget-draft.html?preview=' . token(scope => 'a', path => '/preview/desk/budget-draft.html', expires => time - 60));
is $r->code, 403, 'an expired link: 403';
like $r->content, qr/^This preview link has expired\. Ask for a new one\.$/, 'saying it expired';
is $r->header('X-Robots-Tag'), 'noindex', 'not to be indexed';
($rc, $link) = link_for('/news/');
is GET($link)->code, 403, 'a site without NewsPortalPreviewSecret refuses preview links';
my $lines = error_log_since($log);
like $lines, qr{NP0031: preview link refused for /preview/: bad signature}, 'the log says why a link was refused';
like $lines, qr{NP0031: preview link refused for /preview/desk/budget-draft\.html: expired}, 'expired, in the log';
like $lines, qr{NP0031: preview link refused for /news/: no NewsPortalPreviewSecret}, 'no secret, in the log';
unlike $lines, qr/\Q$secret\E/, 'the secret is never logged';

# ---- no trace of any of it ----
is figures(), $figures, 'page and article cache figures are what they were before the previews';
is mc_keys(), $keys, 'memcached has no key it did not have before the previews';
$r = GET('/preview/');
is $r->header('X-NewsPortal-Cache'), 'hit', 'readers still get their cached home page';
unlike $r->content, qr/\Q$moon\E|Preview as of/, 'without the embargoed article or a banner';
unlike GET('/preview/feed.atom')->content, qr/\Q$moon\E/, 'and the feed without it';

# ---- the command line ----
($rc, my $out) = run($tool, 'preview-link', '/preview/');
is $rc, 2, 'preview-link without --secret-file is a usage error';
like $out, qr/--secret-file is required/, 'saying so';
($rc, $out) = run($tool, 'preview-link', '--secret-file', $secret_file, '--valid', '31d', '/preview/');
is $rc, 2, '--valid over 30 days is refused';
like $out, qr/--valid: expected 90s, 10m, 2h, 7d/, 'naming the forms';
($rc, $out) = run($tool, 'preview-link', '--secret-file', $secret_file, '--at', 'tuesday', '/preview/');
is $rc, 2, 'a bad --at is refused';
like $out, qr/--at: expected an instant such as/, 'with an example';
($rc, $out) = run($tool, 'preview-link', '--secret-file', $secret_file, '/preview/desk/../desk/x.html');
is $rc, 2, 'a path with .. is refused (the server would see another path)';
($rc, $out) = run($tool, 'preview-link', '--secret-file', $secret_file, 'desk/x.html');
is $rc, 2, 'so is a relative path';
($rc, $out) = run($tool, 'preview-link', '--secret-file', "$vars->{serverroot}/content/preview-short.secret", '/preview/');
is $rc, 1, 'a secret shorter than 32 bytes is refused';
like $out, qr/holds 9 bytes of secret; at least 32 are needed/, 'saying how long it is';
for my $v (['90s', 90], ['10m', 600], ['2h', 7200], ['7d', 604800], ['3600', 3600], [undef, 86400]) {
    my $before = time;
    ($rc, $link) = link_for(defined $v->[0] ? ('--valid', $v->[0]) : (), '/preview/');
    my $exp = unpack 'Q>', substr(decode_base64url(token_of($link)), 2, 8);
    ok $exp >= $before + $v->[1] && $exp <= time + $v->[1], ($v->[0] // 'no --valid') . ": valid for $v->[1] s";
}
($rc, $link) = link_for('/preview/desk/%E5%8D%B7.html');
is $rc, 0, 'a percent-encoded path';
is $link =~ s/\?.*//r, '/preview/desk/%E5%8D%B7.html', 'is printed encoded';
is substr(decode_base64url(token_of($link)), 10),
    sign(scope => 'a', path => "/preview/desk/\xE5\x8D\xB7.html", expires => unpack('Q>', substr(decode_base64url(token_of($link)), 2, 8))),
    'and signed decoded, as the server sees it';

# ---- configtest ----
my $dir = tempdir(CLEANUP => 1);
my $module = $ENV{NP_MODULE} // "$vars->{top_dir}/build/mod_newsportal.so";
sub configtest {
    my ($line, $server_line) = @_;
    $server_line //= '';
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
NewsPortalBaseURL https://news.example.org
$server_line
<Location /news>
    SetHandler newsportal
    NewsPortalContent "$vars->{serverroot}/content/preview"
    $line
</Location>
CONF
    close $fh;
    my $out = `$vars->{httpd} -t -f $dir/httpd.conf 2>&1`;
    return ($? >> 8, $out);
}
($rc, $out) = configtest("NewsPortalPreviewSecret $secret_file");
is $rc, 0, 'NewsPortalPreviewSecret with a good file passes configtest' or diag $out;
($rc, $out) = configtest("NewsPortalPreviewSecret $dir/missing");
isnt $rc, 0, 'a missing secret file fails configtest';
like $out, qr{NewsPortalPreviewSecret: cannot open '\Q$dir\E/missing'}, 'naming the directive and the file';
($rc, $out) = configtest("NewsPortalPreviewSecret $vars->{serverroot}/content/preview-short.secret");
isnt $rc, 0, 'a short secret fails configtest';
like $out, qr{NewsPortalPreviewSecret: '[^']*preview-short\.secret' holds 9 bytes of secret; at least 32}, 'saying so';
($rc, $out) = configtest('', "NewsPortalPreviewSecret $secret_file");
is $rc, 0, 'NewsPortalPreviewSecret at server level passes' or diag $out;
($rc, $out) = configtest('', "NewsPortalPreviewSecret $dir/missing");
like $out, qr{NewsPortalPreviewSecret: cannot open}, 'and fails there too with a missing file';
