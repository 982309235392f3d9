#!/bin/bash
# Rebuilds the seed corpora in tests/fuzz/corpus/ from the project's own files (make fuzz-corpus).
# Route and date seeds start with the mode byte their target reads ('0', '1' or '2').
set -eu
out=tests/fuzz/corpus
rm -rf "$out"
mkdir -p "$out/article" "$out/template" "$out/route" "$out/date" "$out/search"

# article: every XML fixture and a few demo files, named after their path.
{
    find tests/fixtures -name '*.xml' | sort
    echo conf/demo/content/_section.xml
    echo conf/demo/content/news-and-events/ich-news/sharing-good-practices.xml
    echo conf/demo/content/features/the-last-bellfounder.xml
    find conf/demo/content/zh -name '*.xml' ! -name '_section.xml' | sort | head -n 1
} | while read -r f; do
    cp "$f" "$out/article/$(echo "$f" | sed 's|^tests/fixtures/||; s|^conf/demo/content/|demo-|; s|/|-|g; s|[^A-Za-z0-9._-]|_|g')"
done

# template: each theme file alone, then each page with every theme file as a partial
# ("NAME\nSOURCE" pieces after a NUL, as fuzz_template.c reads them).
for f in conf/theme/*.mustache; do
    cp "$f" "$out/template/theme-$(basename "$f")"
done
for page in article home; do
    {
        cat conf/theme/$page.mustache
        for f in conf/theme/*.mustache; do
            printf '\0%s\n' "$(basename "$f" .mustache)"
            cat "$f"
        done
    } >"$out/template/site-$page"
done
n=0
while IFS= read -r t; do
    n=$((n + 1))
    printf '%b' "$t" >"$out/template/feature-$n"
done <<'EOF'
Hello {{title}}, {{{html}}} {{&html}} {{! comment }} {{num}} {{real}} {{t}} {{f}} {{n}}
{{#list}}\n  {{name}}{{#t}}yes{{/t}}{{^t}}no{{/t}} {{.}}\n{{/list}}\n{{^empty}}none{{/empty}}
{{=<% %>=}}<% title %> <%={{ }}=%>{{map.y.z}} {{a.b.c.d}} {{#a}}{{b.c.d}}{{/a}}
  {{>p}}\n\0p\n{{#map}}{{x}}\n{{/map}}{{>p}}
{{<parent}}{{$b}}arg{{/b}}{{/parent}}\0parent\n<{{$b}}default{{/b}}>{{$c}}c{{/c}}
{{>*partial}} {{<*parent}}{{$b}}x{{/b}}{{/*parent}}\0p\ndynamic {{title}}
{{#map}}{{#y}}{{>*partial}}{{/y}}{{/map}}\0main\nrecursion
  {{$b}}\n  indented\n  {{/b}}\n{{#list}}{{#list}}{{name}}{{/list}}{{/list}}
EOF

# route: request paths (mode 0), tables and paths (mode 1), link values (mode 2).
n=0
while IFS= read -r t; do
    n=$((n + 1))
    printf '%b' "$t" >"$out/route/seed-$n"
done <<'EOF'
0/
0/page/2/
0/page/1/
0/page/0/
0/page/123456789/
0/tags/heritage/
0/tags/%E6%96%87/page/3/
0/tags/\xe4\xb8\xad\xe6\x96\x87/
0/feed.atom
0/feed.rss
0/feed.json
0/sitemap.xml
0/news-sitemap.xml
0/news/feed.atom
0/news-and-events/ich-news/feed.rss
0/news-and-events/ich-news/
0/news-and-events/ich-news/page/2/
0/news-and-events/ich-news/sharing-good-practices.html
0/a/v1.2_final.html
0/a/b..c.html
0/a/../b/
0/a//b/
0/a/./
0/a\x00b/
0/\xc0\xaf
0/a\r\n/
0/news
1home /\nhome /page/{page}/\narticle /{yyyy}/{mm}/{dd}/{slug}.html\nsection /s/{section*}/p{page}.html\ntag /t/x{tag}.y/\n\n/\n/page/2/\n/2024/02/29/leap.html\n/s/a/b/p2.html\n/t/xabc.y/
1feed /{section*}/feed.atom\nrss /{tag}/rss.xml\nsitemap /sitemap-{page}.xml\nnewssitemap /news.xml\narticle /{section*}/{slug} tmpl-1\n\n/a/b/feed.atom\n/x/rss.xml\n/sitemap-3.xml\n/news.xml\n/a/b/c
1article /a.{slug}\ntag /b.{tag}\n\n/a.x.\n/b..\n/b.x
2news-and-events/ich-news\nsharing-good-practices\nheritage\n2 2026 11 27
2news\nx.\n\xe4\xb8\xad/x\n1 0 0 0
2\n\n.\n0 0 0 0
2a/b\nc\ntag with space\n999999999 9999 12 31
EOF

# date: date text (mode 0), TZif files (mode 1), zone names (mode 2).
n=0
while IFS= read -r t; do
    n=$((n + 1))
    printf '0%s' "$t" >"$out/date/text-$n"
done <<'EOF'
2026-11-27T10:00:00+08:00
2026-11-27T02:00:00Z
2026-11-27 10:00:00+08:00
2026-11-27T10:00+08:00
2026-11-27T10:00:00.123456789Z
2017-01-02T22:28:00,5Z
20170102T222800+0000
20170103T062800+08
20261127T100000
20261127
2026-11-27
2016-12-31T23:59:60Z
2024-02-29T00:00:00Z
0000-01-01T00:00:00Z
9999-12-31T23:59:59Z
1900-01-01T08:05:00+08:05
2026-03-29T02:30:00
2026-10-25T02:30:00
2026-11-27T10:00:00+24:00
  2026-11-27t02:00:00z  
EOF
for z in UTC Asia/Shanghai Europe/Berlin America/New_York Australia/Lord_Howe; do
    if [ -f /usr/share/zoneinfo/$z ]; then
        { printf 1; cat /usr/share/zoneinfo/$z; } >"$out/date/tzif-$(echo $z | tr / -)"
    fi
done
n=0
for z in UTC Z +08:00 -0530 +08 Asia/Shanghai America/Sao_Paulo ../../etc/passwd /etc/passwd posix/Europe/Berlin; do
    n=$((n + 1))
    printf '2%s' "$z" >"$out/date/zone-$n"
done
echo "seeds: $(find "$out" -type f | wc -l) files in $out"

# search: query text (mode 0), query strings (1), body HTML (2), article text (3).
n=0
while IFS= read -r t; do
    n=$((n + 1))
    printf '%b' "$t" >"$out/search/seed-$n"
done <<'EOF'
0harbour "river market
0\xe8\x82\xa1\xe5\xb8\x82 NEAR(a b) title:x ^y * (z) OR -w
0\xe2\x80\x9c\xe4\xbc\xa0\xe7\xbb\x9f\xe2\x80\x9d caf\xc3\xa9
0a\x00b
0caf\xe9
1q=%E8%82%A1&page=2&sort=date&section=world
1q=a+b&q=c&page=x&section=..%2F..
2<p>un<em>like</em>ly &amp; &#x4E2D; &#1;</p><p>b</p>
3\xe4\xbb\x8a\xe5\xa4\xa9\xe8\x82\xa1\xe5\xb8\x82 Caf\xc3\xa9 meetings
EOF
