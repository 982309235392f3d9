# Bad articles: a malformed file is a 404 with a log line naming file, line and column, while
# the rest of the site keeps working; hostile markup and external entities never get through.
use strict;
use warnings FATAL => 'all';
use FindBin;
use lib "$FindBin::Bin/lib";
use Apache::Test qw(-withtestmore);
use Apache::TestRequest qw(GET);
use NPTest;

plan tests => 21, need_module('newsportal');
no_redirects();

my $live = live_dir();
write_file("$live/desk/fine.xml", <<'XML');
<?xml version="1.0" encoding="UTF-8"?>
<article><title>Fine story</title><published>2026-01-01</published><body><p>Fine.</p></body></article>
XML
is GET('/live/desk/fine.html')->code, 200, 'a good article is served';

my $offset = error_log_size();
write_file("$live/desk/broken.xml", <<'XML');
<?xml version="1.0" encoding="UTF-8"?>
<article>
  <title>Broken</title>
  <published>2026-01-02</published>
  <body><p>Never closed
  </body>
</article>
XML
is GET('/live/desk/broken.html')->code, 404, 'a malformed article is 404';
is GET('/live/desk/fine.html')->code, 200, 'the rest of the site keeps working';
like GET('/live/desk/')->content, qr/Fine story/, 'its section still lists the good article';
my $log = error_log_since($offset);
like $log, qr{\Q$live\E/desk/broken\.xml:6:\d+: }, 'the error log names the file, line and column';
like $log, qr{\[newsportal:error\]}, 'at level error';
remove_files "$live/desk/broken.xml", "$live/desk/fine.xml";

# Hostile markup in site1.
my $r = GET '/news/news-and-events/press/hostile-story.html';
is $r->code, 200, 'a hostile article is served';
my $html = $r->content;
my ($body) = $html =~ m{<div class="story-body">(.*?)</div>\s*<footer}s;
ok defined $body, 'found the body';
$body //= '';
unlike $body, qr{<script}i, 'no script element';
unlike $html, qr{SCRIPT-MARKER}, 'not even its text';
unlike $body, qr{javascript:}i, 'no javascript: URL';
unlike $body, qr{vbscript:}i, 'no vbscript: URL';
unlike $html, qr{DATA-MARKER}, 'no data: URL';
unlike $body, qr{\son[a-z]+=}i, 'no on* attribute';
unlike $html, qr{ONERROR-MARKER}, 'the handler text is gone';
unlike $body, qr{style=}i, 'no style attribute';
unlike $html, qr{IFRAME-MARKER|<iframe}i, 'no iframe';
like $body, qr{<p>Beforeafter\.</p>}, 'text around a dropped element is kept';
like $body, qr{<img src="/media/x.svg" alt="pic">}, 'allowed attributes are kept';

# External entities.
$r = GET '/news/news-and-events/press/xxe-story.html';
is $r->code, 404, 'an article declaring entities is refused (404)';
unlike GET('/news/news-and-events/press/')->content, qr{root:x:0:0}, 'no file content anywhere';
