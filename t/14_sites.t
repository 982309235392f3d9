# Several sites in one server, each with its own tree, language and labels.
use strict;
use warnings FATAL => 'all';
use FindBin;
use lib "$FindBin::Bin/lib";
use Apache::Test qw(-withtestmore);
use Apache::TestRequest qw(GET);
use NPTest;

plan tests => 11, need_module('newsportal');
no_redirects();

my $r = GET '/zh/xinwen/feiyi-baohu.html';
is $r->code, 200, 'the Chinese site serves its article';
my $html = $r->content;
is_deeply breadcrumb($html), [['首页', '/zh/'], ['新闻动态', '/zh/xinwen/'], ['非遗保护经验交流会召开', undef]],
    'Chinese breadcrumb with the Chinese home label';
like $html, qr{<html lang="zh"}, 'html lang from the section';
like $html, qr{来源: 新华社|来源：新华社}, 'source label in Chinese';
like $html, qr{<time datetime="2026-11-27T10:00:00\+08:00">2026年11月27日</time>}, 'date in Chinese form';
like $html, qr{分享到微信}, 'Share to Weixin in Chinese';
like $html, qr{href="/zh/tags/%E9%9D%9E%E9%81%97/"}, 'a Chinese tag gets a percent-encoded URL';
is GET('/zh/tags/%E9%9D%9E%E9%81%97/')->code, 200, 'which round-trips';

is GET('/zh/news-and-events/')->code, 404, 'one site does not see the other tree';
is GET('/news/xinwen/')->code, 404, 'nor the other way round';
like GET('/news/')->content, qr{<html lang="en"}, 'the English site stays English';
