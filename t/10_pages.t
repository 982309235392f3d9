# Article, section and home pages of the default theme: titles, breadcrumbs, metadata, body.
use strict;
use warnings FATAL => 'all';
use FindBin;
use lib "$FindBin::Bin/lib";
use Apache::Test qw(-withtestmore);
use Apache::TestRequest qw(GET);
use NPTest;

plan tests => 31, need_module('newsportal');
no_redirects();

my $article = '/news/news-and-events/ich-news/sharing-good-practices.html';
my $r = GET $article;
is $r->code, 200, 'article page is 200';
is $r->header('Content-Type'), 'text/html; charset=utf-8', 'HTML in UTF-8';
my $html = $r->content;
is_deeply breadcrumb($html), [
    ['Home', '/news/'],
    ['News and Events', '/news/news-and-events/'],
    ['ICH News', '/news/news-and-events/ich-news/'],
    ['Sharing of Information and Good Practices on Safeguarding', undef],
], 'article breadcrumb: every ancestor a link, the article last';
like $html, qr{<nav aria-label="Breadcrumb" class="breadcrumb">\s*<ol>}, 'breadcrumb is a nav holding an ol';
my @h1 = $html =~ m{<h1\b}g;
is scalar(@h1), 1, 'exactly one h1';
like $html, qr{<h1>Sharing of Information and Good Practices on Safeguarding</h1>}, 'title in h1';
like $html, qr{<html lang="en"}, 'html lang';
like $html, qr{Experts meet to compare notes}, 'subtitle';
like $html, qr{Source: <a href="https://www.unesco.org/">UNESCO</a>}, 'source with its link';
like $html, qr{<time datetime="2026-11-27T10:00:00\+08:00">27 November 2026</time>},
    'published date in the site zone, with its ISO form';
like $html, qr{Li Wei}, 'first author';
like $html, qr{Anna Berg}, 'second author';
like $html, qr{<p>The first paragraph of the body text.</p>}, 'first paragraph';
like $html, qr{<h2>Second heading</h2>}, 'subheading kept';
like $html, qr{<a href="https://example.org/report">a link</a> and <em>emphasis</em>}, 'inline markup kept';
like $html, qr{<img src="/media/meeting.svg" alt="Delegates around a table"}, 'lead image with alt';
like $html, qr{The opening session\.}, 'image caption';
like $html, qr{<a href="/news/tags/heritage/" rel="tag">heritage</a>}, 'tag link';
like $html, qr{<a href="/news/tags/good-practice/" rel="tag">Good Practice</a>}, 'tag with a space gets a slug';
like $html, qr{<link rel="canonical" href="http://news.example.org/news/news-and-events/ich-news/sharing-good-practices.html">},
    'canonical URL from NewsPortalBaseURL';
like $html, qr{"\@type":"BreadcrumbList"}, 'JSON-LD breadcrumb list';
like $html, qr{"\@type":"NewsArticle"}, 'JSON-LD news article';
like $html, qr{https://service\.weibo\.com/share/share\.php\?url=http%3A%2F%2Fnews\.example\.org%2Fnews%2Fnews-and-events%2Fich-news%2Fsharing-good-practices\.html},
    'Weibo share link with the encoded canonical URL';
like $html, qr{<svg[^>]*class="qr"}, 'Weixin QR code drawn inline';
like $html, qr{href="/news/news-and-events/ich-news/older-2.html"}, 'link to the older article in the section';

$r = GET '/news/news-and-events/';
is $r->code, 200, 'section page is 200';
is_deeply breadcrumb($r->content), [['Home', '/news/'], ['News and Events', undef]],
    'section breadcrumb: ancestors, then the section itself';
like $r->content, qr{<h1>News and Events</h1>}, 'section title in h1';
like $r->content, qr{href="/news/news-and-events/ich-news/sharing-good-practices.html"},
    'a section lists the articles of its subsections';

$r = GET '/news/';
is $r->code, 200, 'home page is 200';
like $r->content, qr{href="/news/news-and-events/ich-news/sharing-good-practices.html"},
    'home lists the latest article';
