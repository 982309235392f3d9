# What every page kind carries in its <head>: a <meta name="description">, in the page's
# language (the page's own text when it has one, an article's summary or a section's
# <description>, else the sentence of labels description_KIND, docs/templates.md), and the
# theme's icon, so that browsers do not ask for /favicon.ico (docs/theme.md).
use strict;
use warnings FATAL => 'all';
use utf8;
use FindBin;
use lib "$FindBin::Bin/lib";
use Apache::Test qw(-withtestmore);
use Apache::TestRequest qw(GET);
use Encode qw(decode_utf8);
use NPTest;

plan tests => 16, need_module('newsportal');
no_redirects();

sub description {
    my ($url) = @_;
    my $html = decode_utf8(GET($url)->content);
    my @d = $html =~ m{<meta name="description" content="([^"]*)">}g;
    return @d == 1 ? $d[0] : scalar(@d) . ' descriptions';
}

is description('/news/tags/heritage/'), 'Articles tagged “heritage” on Test News.', 'en: a tag page';
is description('/news/news-and-events/ich-news/'), 'Articles in ICH News, from Test News.',
    'en: a section without <description>';
is description('/news/news-and-events/'), 'What happened, and what is coming.',
    "en: a section's own <description>";
is description('/news/'), 'The test site of mod_newsportal.', "en: the home page's <description>";
is description('/news/no-such-page.html'), 'The page you asked for does not exist on Test News.',
    'en: the error page';
is description('/zh/tags/%E9%9D%9E%E9%81%97/'), '中文站标签为“非遗”的文章。', 'zh: a tag page';
is description('/zh/xinwen/'), '中文站「新闻动态」栏目的文章。', 'zh: a section without <description>';
is description('/zh/'), '中文站的最新文章。', 'zh: the home page without <description>';
is description('/zh/no-such-page.html'), '您访问的页面在中文站上不存在。', 'zh: the error page';
is description('/news/news-and-events/ich-news/sharing-good-practices.html') =~ /^\d+ descriptions$/ ? 'none' : 'one',
    'one', 'an article keeps its summary';

# The icon: one <link rel="icon"> with the inline SVG on every kind of page.
for my $url ('/news/', '/news/news-and-events/', '/news/tags/heritage/',
             '/news/news-and-events/ich-news/sharing-good-practices.html', '/news/no-such-page.html',
             '/zh/') {
    my @icons = GET($url)->content =~ m{<link rel="icon" type="image/svg\+xml" href="data:image/svg\+xml,%3Csvg%20[^"\s<>]*%3C/svg%3E">}g;
    is scalar(@icons), 1, "$url: the theme's icon, an SVG data URL with no raw space or <";
}
