# Share links of article pages: each service's URL with the percent-encoded canonical URL and
# title, the default order, and the Weixin QR code decoded back to the canonical URL.
use strict;
use warnings FATAL => 'all';
use FindBin;
use lib "$FindBin::Bin/lib";
use Apache::Test qw(-withtestmore);
use Apache::TestRequest qw(GET);
use Encode qw(decode_utf8 encode_utf8);
use File::Temp qw(tempdir);
use NPTest;

plan tests => 32, need_module('newsportal');
no_redirects();

# RFC 3986: everything but the unreserved characters, UTF-8 bytes first.
sub enc {
    my $s = encode_utf8(shift);
    $s =~ s/([^A-Za-z0-9\-._~])/sprintf('%%%02X', ord $1)/ge;
    return $s;
}
sub html_attr { my $s = shift; $s =~ s/&/&amp;/g; $s =~ s/"/&quot;/g; $s =~ s/</&lt;/g; $s =~ s/>/&gt;/g; $s }
sub unescape_html {
    my $s = shift;
    $s =~ s/&lt;/</g; $s =~ s/&gt;/>/g; $s =~ s/&quot;/"/g; $s =~ s/&#0*39;/'/g; $s =~ s/&amp;/&/g;
    return $s;
}

# Hrefs of the share links, by service name, and the services in page order.
sub share_links {
    my ($html) = @_;
    my ($sec) = $html =~ m{<section class="share"[^>]*>(.*?)</section>}s or return ({}, []);
    my (%href, @order);
    while ($sec =~ m{<li class="share-([a-z]+)">(.*?)</li>}sg) {
        my ($name, $li) = ($1, $2);
        push @order, $name;
        ($href{$name}) = $li =~ m{<a href="([^"]*)"};
    }
    return (\%href, \@order);
}

sub expected_links {
    my ($url, $title) = @_;
    my ($u, $t) = (enc($url), enc($title));
    return {
        weibo    => "https://service.weibo.com/share/share.php?url=$u&title=$t",
        x        => "https://x.com/intent/tweet?url=$u&text=$t",
        facebook => "https://www.facebook.com/sharer/sharer.php?u=$u",
        linkedin => "https://www.linkedin.com/sharing/share-offsite/?url=$u",
        email    => "mailto:?subject=$t&body=$u",
    };
}

my $have_tools = -x '/usr/bin/rsvg-convert' && -x '/usr/bin/zbarimg';
my $tmp = tempdir(CLEANUP => 1);

# Decodes the page's inline QR SVG: rsvg-convert to PNG, then zbarimg.
sub qr_text {
    my ($html, $name) = @_;
    my ($svg) = $html =~ m{(<svg\b[^>]*\bclass="qr"[^>]*>.*?</svg>)}s or return;
    open my $fh, '>:raw', "$tmp/$name.svg" or die $!;
    print $fh $svg;
    close $fh;
    system('rsvg-convert', '-b', 'white', '-w', '360', '-o', "$tmp/$name.png", "$tmp/$name.svg") == 0
        or return;
    my $out = `zbarimg --raw -q "$tmp/$name.png" 2>/dev/null`;
    return unless defined $out;
    $out =~ s/\s+\z//;
    return decode_utf8($out);
}

my @pages = (
    ['/news/news-and-events/ich-news/sharing-good-practices.html',
     'http://news.example.org/news/news-and-events/ich-news/sharing-good-practices.html',
     'Sharing of Information and Good Practices on Safeguarding', 'en'],
    ['/zh/xinwen/feiyi-baohu.html', undef,
     "\x{975E}\x{9057}\x{4FDD}\x{62A4}\x{7ECF}\x{9A8C}\x{4EA4}\x{6D41}\x{4F1A}\x{53EC}\x{5F00}", 'zh'],
);

for my $p (@pages) {
    my ($path, $canonical, $title, $lang) = @$p;
    my $r = GET $path;
    is $r->code, 200, "$path is 200";
    my $html = decode_utf8($r->content);
    my ($canon) = $html =~ m{<link rel="canonical" href="([^"]*)">};
    $canon = unescape_html($canon // '');
    if (defined $canonical) {
        is $canon, $canonical, "$lang: canonical URL from NewsPortalBaseURL";
    } else {
        like $canon, qr{^http://[^/]+\Q$path\E$}, "$lang: canonical URL from the request host";
    }
    my ($href, $order) = share_links($html);
    is_deeply $order, [qw(weixin weibo x facebook linkedin email)],
        "$lang: default NewsPortalShare order (weixin weibo x facebook linkedin email)";
    my $want = expected_links($canon, $title);
    for my $name (qw(weibo x facebook linkedin email)) {
        is $href->{$name}, html_attr($want->{$name}), "$lang: $name link, URL and title percent-encoded";
    }
    # What a browser follows: the attribute decoded, then the query decoded.
    my ($q) = unescape_html($href->{weibo} // '') =~ /\?(.*)$/;
    my %q = map { my ($k, $v) = split /=/, $_, 2; $v =~ s/%([0-9A-F]{2})/chr hex $1/ge; ($k => decode_utf8($v)) }
        split /&/, $q // '';
    is $q{url}, $canon, "$lang: the Weibo link's url parameter decodes to the canonical URL";
    is $q{title}, $title, "$lang: its title parameter decodes to the title";

    my ($label) = $html =~ m{<li class="share-weixin">.*?<summary>(.*?)</summary>}s;
    is $label, ($lang eq 'zh' ? "\x{5206}\x{4EAB}\x{5230}\x{5FAE}\x{4FE1}" : 'Share to Weixin'),
        "$lang: the Weixin label";
    like $html, qr{<svg\b[^>]*\bclass="qr"}, "$lang: the QR code is inline SVG";
    unlike $html, qr{<script(?![^>]*application/ld\+json)}, "$lang: no script besides JSON-LD";

    SKIP: {
        skip 'rsvg-convert (librsvg2-bin) and zbarimg (zbar-tools) are needed for the QR round trip', 1
            unless $have_tools;
        is qr_text($html, $lang), $canon, "$lang: the QR code decodes to the canonical URL";
    }
}

# The list separators and the Source label in both languages.
my $en = decode_utf8(GET('/news/news-and-events/ich-news/sharing-good-practices.html')->content);
like $en, qr{By <span class="author">Li Wei</span><span class="author">, Anna Berg</span>},
    'en: authors separated by ", "';
like $en, qr{Scan with Weixin to share this article\.}, 'en: the note under the QR code';
my $zh = decode_utf8(GET('/zh/xinwen/feiyi-baohu.html')->content);
like $zh, qr{\x{6765}\x{6E90}\x{FF1A}\x{65B0}\x{534E}\x{793E}}, 'zh: "来源：" before the source';
like $zh, qr{\x{7528}\x{5FAE}\x{4FE1}\x{626B}\x{4E00}\x{626B}}, 'zh: the note under the QR code';
