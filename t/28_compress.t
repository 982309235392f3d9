# Compressed pages (docs/caching.md): each coding a client may ask for decompresses to exactly
# the identity page, with its own strong ETag, Vary, 304 and HEAD, from the page cache, without
# it, under httpd's own compressors and through the shared tier.
use strict;
use warnings FATAL => 'all';
use FindBin;
use lib "$FindBin::Bin/lib";
use Apache::Test qw(-withtestmore);
use Apache::TestRequest qw(GET HEAD);
use File::Temp qw(tempfile);
use IO::Uncompress::Gunzip qw(gunzip $GunzipError);
use NPTest;

my @kinds = (
    ['/news-and-events/ich-news/older-1.html', 'text/html'],
    ['/feed.atom',                             'application/atom+xml'],
    ['/feed.rss',                              'application/rss+xml'],
    ['/feed.json',                             'application/feed+json'],
    ['/sitemap.xml',                           'application/xml'],
);
plan tests => @kinds * 30 + 23 + @kinds * 8 + 4,
    need need_module('newsportal'), need_module('deflate'),
    need { 'the brotli command (Debian package brotli)' => -x '/usr/bin/brotli' };
no_redirects();

sub unbrotli {
    my ($raw) = @_;
    my ($fh, $file) = tempfile(UNLINK => 1);
    binmode $fh;
    print $fh $raw;
    close $fh;
    my $out = `/usr/bin/brotli -d -c $file`;
    return $? == 0 ? $out : undef;
}

sub decoded {
    my ($r) = @_;
    my $enc = $r->header('Content-Encoding') // '';
    my $raw = $r->content;
    return $raw if $enc eq '';
    if ($enc eq 'gzip') {
        my $out;
        gunzip(\$raw => \$out) or return "gunzip: $GunzipError";
        return $out;
    }
    return unbrotli($raw) if $enc eq 'br';
    return "unknown coding $enc";
}

sub get { my ($url, $ae, @h) = @_; return GET($url, defined $ae ? ('Accept-Encoding' => $ae) : (), @h) }

for my $k (@kinds) {
    my ($path, $type) = @$k;
    my $url = "/news$path";
    my $id = get($url);
    is $id->code, 200, "$path: 200";
    is $id->header('Content-Encoding'), undef, "$path: without Accept-Encoding, no coding";
    is $id->header('Vary'), 'Accept-Encoding', "$path: Vary: Accept-Encoding";
    my $plain = $id->content;
    my %etag = (identity => $id->header('ETag'));
    for my $enc ('gzip', 'br') {
        my $r = get($url, $enc);
        is $r->header('Content-Encoding'), $enc, "$path: Accept-Encoding: $enc gives $enc";
        is $r->header('Vary'), 'Accept-Encoding', "$path $enc: Vary";
        like $r->header('Content-Type'), qr{^\Q$type\E; charset=utf-8$}, "$path $enc: the page's type";
        is $r->header('Content-Length'), length($r->content), "$path $enc: Content-Length of the compressed bytes";
        ok length($r->content) < length($plain) / 2, "$path $enc: smaller by half at least";
        ok decoded($r) eq $plain, "$path $enc: decompresses to exactly the identity page";
        $etag{$enc} = $r->header('ETag');
        like $etag{$enc}, qr/^"[0-9a-f]{16}-(gz|br)"$/, "$path $enc: a strong ETag of its own";

        # The second answer comes from the page cache, the same bytes.
        my $again = get($url, $enc);
        ok $again->content eq $r->content && $again->header('X-NewsPortal-Cache') eq 'hit',
            "$path $enc: again, a cache hit with the same bytes";

        # 304 per representation: its own ETag, and only its own.
        my $nm = get($url, $enc, 'If-None-Match' => $etag{$enc});
        is $nm->code, 304, "$path $enc: If-None-Match with its ETag: 304";
        is $nm->header('ETag'), $etag{$enc}, "$path $enc: the 304 names it";
        is get($url, $enc, 'If-None-Match' => $etag{identity})->code, 200,
            "$path $enc: the identity ETag does not match it";

        my $h = HEAD($url, 'Accept-Encoding' => $enc);
        is_deeply [map { $h->header($_) } qw(Content-Encoding Content-Length ETag Vary Content-Type)],
            [map { $r->header($_) } qw(Content-Encoding Content-Length ETag Vary Content-Type)],
            "$path $enc: HEAD has the headers of GET";
    }
    isnt $etag{gzip}, $etag{identity}, "$path: gzip and identity ETags differ";
    isnt $etag{br}, $etag{gzip}, "$path: br and gzip ETags differ";
    is get($url, undef, 'If-None-Match' => $etag{gzip})->code, 200,
        "$path: the gzip ETag does not match the identity page";
}

# Negotiation as RFC 9110 says.
my $url = '/news/news-and-events/ich-news/older-1.html';
my @neg = (
    ['gzip, deflate, br', 'br'], ['gzip;q=1.0, br;q=0.5', 'gzip'], ['br;q=0, gzip;q=0', undef],
    ['*', 'br'], ['*;q=0', undef], ['identity;q=0, gzip', 'gzip'], ['deflate', undef],
    ['identity', undef], ['br;q=2, gzip', 'gzip'], ['gzip;q=0.001', 'gzip'],
);
for my $n (@neg) {
    is get($url, $n->[0])->header('Content-Encoding'), $n->[1],
        "Accept-Encoding: $n->[0] gives " . ($n->[1] // 'identity');
}
is get($url, 'a, ' x 100 . 'gzip')->header('Content-Encoding'), undef,
    'an Accept-Encoding of 101 elements is not read: identity';

# NewsPortalCompress gzip: br is not offered.
is get('/gzonly/news-and-events/ich-news/older-1.html', 'br, gzip')->header('Content-Encoding'),
    'gzip', 'NewsPortalCompress gzip: gzip for a client that prefers br';

# With the page cache off: made for the request.
my $nc = get('/nocache/news-and-events/ich-news/older-1.html', 'gzip');
my $ncid = get('/nocache/news-and-events/ich-news/older-1.html');
is $nc->header('Content-Encoding'), 'gzip', 'page cache off: gzip';
ok decoded($nc) eq $ncid->content, 'page cache off: decompresses to exactly the identity page';

# mod_deflate (and mod_brotli) on top: one coding, never two.
my $gz = get('/gz/news-and-events/ich-news/older-1.html', 'gzip');
is $gz->header('Content-Encoding'), 'gzip', 'under mod_deflate: gzip once';
is $gz->header('Vary'), 'Accept-Encoding', 'under mod_deflate: Vary once';
ok decoded($gz) eq get('/gz/news-and-events/ich-news/older-1.html')->content,
    'under mod_deflate: decompresses to exactly the identity page';
SKIP: {
    skip 'mod_brotli not loaded', 3 unless need_module('brotli');
    my $b = get('/gzbr/news-and-events/ich-news/older-1.html', 'br, gzip');
    is $b->header('Content-Encoding'), 'br', 'under mod_brotli and mod_deflate: br once';
    ok decoded($b) eq get('/gzbr/news-and-events/ich-news/older-1.html')->content,
        'and it decompresses to the identity page';
    is get('/gzbr/news-and-events/ich-news/older-1.html', 'gzip')->header('Content-Encoding'),
        'gzip', 'gzip too';
}
# The module's coding off: the operator's mod_deflate compresses.
my $off = get('/nocompress/news-and-events/ich-news/older-1.html', 'gzip');
is $off->header('Content-Encoding'), 'gzip', 'NewsPortalCompress off under mod_deflate: mod_deflate compresses';
my $offid = get('/nocompress/news-and-events/ich-news/older-1.html');
like $off->header('ETag'), qr/-gzip"$/, 'NewsPortalCompress off: the ETag is mod_deflate\'s';
ok decoded($off) eq $offid->content, 'and its bytes decompress to the page';

# Through the shared tier: server A renders and compresses, server B serves A's forms.
SKIP: {
    my $pidfile = $ENV{NP_MEMCACHED_PIDFILE} // '';
    skip 'memcached not running (t/run.sh starts it)', @kinds * 8 + 4
        unless -s $pidfile && need_module('socache_memcache');
    sub on { my ($vhost, $u, @h) = @_; Apache::TestRequest::module($vhost); return GET($u, @h) }
    for my $k (@kinds) {
        my ($path) = @$k;
        my $u = "/shared$path";
        my $a = on('np_gz_a', $u);
        is $a->header('X-NewsPortal-Cache'), 'miss', "shared $path: a miss on A";
        my $ag = on('np_gz_a', $u, 'Accept-Encoding' => 'gzip');
        for my $enc ('gzip', 'br') {
            my $b = on('np_gz_b', $u, 'Accept-Encoding' => $enc);
            like $b->header('X-NewsPortal-Cache'), qr/^(shared-hit|hit)$/, "shared $path $enc: from the tier on B";
            is $b->header('Content-Encoding'), $enc, "shared $path $enc: $enc on B";
            ok decoded($b) eq $a->content, "shared $path $enc: decompresses on B to exactly A's page";
        }
        is on('np_gz_b', $u, 'Accept-Encoding' => 'gzip')->header('ETag'), $ag->header('ETag'),
            "shared $path: B's gzip form is A's (the same ETag)";
    }
    # B asked for gzip first: a shared-hit, then a local hit, never a render.
    my $u = '/shared/news-and-events/ich-news/older-2.html';
    on('np_gz_a', $u);
    my $b = on('np_gz_b', $u, 'Accept-Encoding' => 'br');
    is $b->header('X-NewsPortal-Cache'), 'shared-hit', 'B: a shared-hit for br first';
    is $b->header('ETag'), on('np_gz_a', $u, 'Accept-Encoding' => 'br')->header('ETag'),
        'B sends the br form A made';
    is on('np_gz_b', $u, 'Accept-Encoding' => 'br', 'If-None-Match' => $b->header('ETag'))->code,
        304, 'B: 304 for the br ETag';
    Apache::TestRequest::module('default');
    ok 1, 'back on the default server';
}
