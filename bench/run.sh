#!/bin/sh
# `make bench`: serves the demo site from a private Apache (system apache2, event MPM, config in
# build/bench/) and measures it with wrk against a static copy of the same page and the same
# page assembled by mod_include. Prints a table and writes build/bench/results.json.
#
# Environment: BENCH_ONLY (a regular expression: the kinds to measure, e.g. 'static-gz|cached-article-gz');
# BENCH_SECONDS (10) per URL, after a 2 s warm-up; BENCH_ROUNDS (3): the URLs are
# measured in turn that many times, the table shows medians, and each ratio is the median of its
# per-round ratios; BENCH_PORT (first free port from 8090); BENCH_PIN=1 pins httpd to CPU 1 and
# wrk to CPU 0 (default 0: both share all CPUs); BENCH_ARTICLE (an article path of the demo site).
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
out="$top/build/bench"
content="$top/conf/demo/content"
modules=/usr/lib/apache2/modules
secs=${BENCH_SECONDS:-10}
warmup=2
threads=2
conns=64
pin=${BENCH_PIN:-0}
rounds=${BENCH_ROUNDS:-3}
article=${BENCH_ARTICLE:-/news-and-events/ich-news/sharing-good-practices.html}
section=${article%/*}/

httpd_pid=
cleanup() {
    if [ -n "$httpd_pid" ] && kill -0 "$httpd_pid" 2>/dev/null; then
        kill -TERM "$httpd_pid" 2>/dev/null || true
        wait "$httpd_pid" 2>/dev/null || true
    fi
    httpd_pid=
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

die() {
    echo "bench: $*" >&2
    [ -s "$out/error.log" ] && { echo "--- $out/error.log (last lines):" >&2; tail -n 20 "$out/error.log" >&2; }
    exit 1
}

case $secs in '' | *[!0-9]* | 0) die "BENCH_SECONDS must be a positive integer, not '$secs'" ;; esac
case $rounds in '' | *[!0-9]* | 0) die "BENCH_ROUNDS must be a positive integer, not '$rounds'" ;; esac
if [ "$pin" = 1 ]; then
    [ "$(nproc)" -ge 2 ] || die "BENCH_PIN=1 needs two CPUs"
    pin_httpd="taskset -c 1" pin_wrk="taskset -c 0" cpus="httpd on CPU 1, wrk on CPU 0"
else
    pin_httpd='' pin_wrk='' cpus="httpd and wrk share all $(nproc) CPUs"
fi

rm -rf "$out"
mkdir -p "$out/htdocs" "$out/docroot"
# httpd loads a copy: rebuilding build/mod_newsportal.so in place while the server runs crashes
# its children (SIGBUS/SIGSEGV), and a make elsewhere in the tree may do that meanwhile.
cp "$top/build/mod_newsportal.so" "$out/mod_newsportal.so"

# 1. Template micro-benchmark first, so that httpd does not compete with it.
"$top/build/tests/bench_template" "$top/tests/bench" >"$out/template.txt" ||
    die "build/tests/bench_template failed"
# The same flattened page and data with kainjow/mustache and mstch, outputs compared first.
"$top/build/tests/bench_peers" "$top/tests/bench/flat" >"$out/peers.txt" ||
    die "build/tests/bench_peers failed (the three engines' outputs must be byte-identical)"

# 2. A free port.
port_free() {
    perl -MIO::Socket::INET -e 'exit(IO::Socket::INET->new(LocalAddr => "127.0.0.1",
        LocalPort => $ARGV[0], Proto => "tcp", ReuseAddr => 1, Listen => 1) ? 0 : 1)' "$1"
}
if [ -n "${BENCH_PORT:-}" ]; then
    port=$BENCH_PORT
    port_free "$port" || die "port $port is in use"
else
    port=8090
    while ! port_free "$port"; do
        port=$((port + 1))
        [ "$port" -lt 8110 ] || die "no free port in 8090-8109"
    done
fi

# 3. The config. Three name-based vhosts on one port, told apart by the Host header:
#    static.bench (static copy + mod_include page), cached.bench and live.bench (the module with
#    the page cache on and off). Same mount point and base URL, so both render the same bytes.
# The module's vhost $1, NewsPortalCache $2 ($c: "#" comments it out).
module_vhost() {
    cat <<VHOST
<VirtualHost 127.0.0.1:$port>
    ServerName $1
    DocumentRoot "$out/docroot"
    <Location />
        SetHandler newsportal
        NewsPortalContent "$content"
        NewsPortalSiteName "Heritage Today"
        NewsPortalBaseURL http://news.bench
        NewsPortalTimeZone Asia/Shanghai
        ${c}NewsPortalCache $2
    </Location>
</VirtualHost>
VHOST
}

write_conf() { # $1: "#" to comment out the cache directives
    c=$1
    cat >"$out/httpd.conf" <<CONF
ServerRoot "$out"
Listen 127.0.0.1:$port
ServerName 127.0.0.1
PidFile "$out/httpd.pid"
ErrorLog "$out/error.log"
LogLevel warn
LoadModule mpm_event_module $modules/mod_mpm_event.so
LoadModule authz_core_module $modules/mod_authz_core.so
LoadModule mime_module $modules/mod_mime.so
LoadModule include_module $modules/mod_include.so
LoadModule deflate_module $modules/mod_deflate.so
LoadModule brotli_module $modules/mod_brotli.so
LoadModule newsportal_module $out/mod_newsportal.so
NewsPortalIndexDir "$out/index"
TypesConfig /etc/mime.types
Mutex file:$out default

# A fixed pool of 2 x 64 threads: no child is started or stopped during a run.
StartServers 2
ServerLimit 2
ThreadsPerChild 64
MaxRequestWorkers 128
MinSpareThreads 64
MaxSpareThreads 128
# wrk keeps its connections for the whole run; do not close them every 100 requests.
KeepAlive On
MaxKeepAliveRequests 0
KeepAliveTimeout 30
# Static files by sendfile, not mmap (httpd's default): mapping and unmapping the file on every
# request made the static page and mod_include about 3x slower on the 2-CPU machine this was
# written on, which would flatter both ratios.
EnableMMAP Off
EnableSendfile On
# As Debian's apache2.conf has it: no .htaccess lookups, which would otherwise cost every request
# here an open() per folder of its path.
<Directory />
    AllowOverride None
</Directory>

<VirtualHost 127.0.0.1:$port>
    ServerName static.bench
    DocumentRoot "$out/htdocs"
    <Directory "$out/htdocs">
        Require all granted
        Options +Includes
        AddOutputFilter INCLUDES .shtml
        # Precompressed copies: article.html.gz is text/html in gzip, .br in Brotli.
        AddEncoding gzip .gz
        AddEncoding br .br
        # The same page through mod_include, compressed on every request by httpd at its
        # default levels (mod_deflate: zlib's 6; mod_brotli: quality 5).
        <Files "article-deflate.shtml">
            SetOutputFilter DEFLATE
        </Files>
        <Files "article-brotli.shtml">
            SetOutputFilter BROTLI_COMPRESS
        </Files>
    </Directory>
</VirtualHost>

<Directory "$content">
    Require all granted
</Directory>
# The module's vhosts have a document root of their own, as a site would (the module claims its
# URLs before httpd maps them into it, so it is never walked for them).
<Directory "$out/docroot">
    Require all granted
</Directory>

$(module_vhost cached.bench On)

$(module_vhost live.bench Off)
CONF
    if [ "$(id -u)" = 0 ]; then
        printf 'User nobody\nGroup nogroup\n' >>"$out/httpd.conf"
    fi
}

cache_directive=yes
write_conf ""
if ! /usr/sbin/apache2 -t -f "$out/httpd.conf" >"$out/configtest.log" 2>&1; then
    # Until the module has its page cache, bench it without: both vhosts render every request.
    if grep -q "Invalid command 'NewsPortalCache'" "$out/configtest.log"; then
        cache_directive=no
        write_conf "#"
        /usr/sbin/apache2 -t -f "$out/httpd.conf" >"$out/configtest.log" 2>&1 ||
            { cat "$out/configtest.log" >&2; die "configtest failed"; }
    else
        cat "$out/configtest.log" >&2
        die "configtest failed"
    fi
fi
# Root writes the config, children read content and htdocs as nobody.
[ "$(id -u)" = 0 ] && chmod -R a+rX "$out"

# 4. Start it and wait until it answers.
$pin_httpd /usr/sbin/apache2 -f "$out/httpd.conf" -DFOREGROUND &
httpd_pid=$!
base="http://127.0.0.1:$port"
i=0
until curl -s -m 2 -o /dev/null "$base/"; do
    kill -0 "$httpd_pid" 2>/dev/null || { httpd_pid=; die "httpd did not start"; }
    i=$((i + 1))
    [ "$i" -lt 50 ] || die "httpd does not answer on port $port"
    sleep 0.2
done
# and until the content index of each site has its first build (503 until then)
for h in cached.bench live.bench; do
    i=0
    while [ "$(curl -s -m 2 -o /dev/null -w '%{http_code}' -H "Host: $h" "$base/")" = 503 ]; do
        i=$((i + 1))
        [ "$i" -lt 150 ] || die "the content index of $h was not built in 30 s"
        sleep 0.2
    done
done

# GET with a Host header; fails unless the answer is 200. $1 host, $2 path, $3 output file,
# $4 Accept-Encoding ("-" or none: no header; the bytes are kept as sent).
fetch() {
    ae=${4:--}
    if [ "$ae" = - ]; then
        code=$(curl -s -m 30 -o "$3" -D "$3.headers" -w '%{http_code}' -H "Host: $1" "$base$2") || code=000
    else
        code=$(curl -s -m 30 -o "$3" -D "$3.headers" -w '%{http_code}' -H "Host: $1" \
            -H "Accept-Encoding: $ae" "$base$2") || code=000
    fi
    [ "$code" = 200 ] || die "http://$1$2 answered $code, not 200"
}
header_of() { # $1 file (fetched), $2 header name: its value, or "-"
    v=$(tr -d '\r' <"$1.headers" | grep -i "^$2:" | sed 's/^[^:]*: *//' | tail -n 1)
    echo "${v:--}"
}
# The identity bytes of a fetched answer, by its Content-Encoding, to $2.
decoded() {
    case $(header_of "$1" Content-Encoding) in
    gzip) gzip -dc <"$1" >"$2" ;;
    br) brotli -dc <"$1" >"$2" ;;
    -) cp "$1" "$2" ;;
    *) return 1 ;;
    esac
}
cache_header() { # the X-NewsPortal-Cache value of the last fetch of $1, or "-"
    v=$(tr -d '\r' <"$1.headers" | sed -n 's/^[Xx]-[Nn]ews[Pp]ortal-[Cc]ache: *//p' | tail -n 1)
    echo "${v:--}"
}

# 5. The static copy and the mod_include page, from the cached article's exact bytes.
fetch cached.bench "$article" "$out/htdocs/article.html"
rm -f "$out/htdocs/article.html.headers"
perl "$top/bench/split-page.pl" "$out/htdocs/article.html" "$out/htdocs" >"$out/split.log" ||
    die "could not split the article page"
[ "$(id -u)" = 0 ] && chmod -R a+rX "$out/htdocs"
fetch static.bench /article.shtml "$out/check.html"
cmp -s "$out/check.html" "$out/htdocs/article.html" ||
    die "mod_include did not reassemble the article page byte for byte (see $out/check.html)"
cp "$out/htdocs/article.shtml" "$out/htdocs/article-deflate.shtml"
cp "$out/htdocs/article.shtml" "$out/htdocs/article-brotli.shtml"
# The precompressed static copies are the module's own cached forms, byte for byte: the same
# bytes over the wire, served by httpd from files.
fetch cached.bench "$article" "$out/htdocs/article.html.gz" gzip
fetch cached.bench "$article" "$out/htdocs/article.html.br" br
for f in gz br; do
    [ "$(header_of "$out/htdocs/article.html.$f" Content-Encoding)" = "$([ $f = gz ] && echo gzip || echo br)" ] ||
        die "the module did not compress the article in $f (see $out/htdocs/article.html.$f.headers)"
    rm -f "$out/htdocs/article.html.$f.headers"
done
[ "$(id -u)" = 0 ] && chmod -R a+rX "$out/htdocs"

# kind, host, path, Accept-Encoding ("-": none): the URLs measured, in this order.
cat >"$out/urls.tsv" <<URLS
static	static.bench	/article.html	-
cached-article	cached.bench	$article	-
cached-section	cached.bench	$section	-
cached-home	cached.bench	/	-
uncached-article	live.bench	$article	-
mod_include	static.bench	/article.shtml	-
static-gz	static.bench	/article.html.gz	gzip
cached-article-gz	cached.bench	$article	gzip
static-br	static.bench	/article.html.br	br
cached-article-br	cached.bench	$article	br
uncached-gz	live.bench	$article	gzip
mod_include-deflate	static.bench	/article-deflate.shtml	gzip
uncached-br	live.bench	$article	br
mod_include-brotli	static.bench	/article-brotli.shtml	br
URLS

# 6. Check every URL, then measure each: warm-up, run, and the cache header it ends with.
tab=$(printf '\t')
: >"$out/bytes.tsv"
while IFS="$tab" read -r kind host path ae; do
    fetch "$host" "$path" "$out/page-$kind" "$ae"
    printf '%s\t%s\t%s\n' "$kind" "$ae" "$(wc -c <"$out/page-$kind" | tr -d ' ')" >>"$out/bytes.tsv"
    # Every compressed answer is the article, exactly, in the coding asked for.
    if [ "$ae" != - ]; then
        [ "$(header_of "$out/page-$kind" Content-Encoding)" = "$ae" ] ||
            die "http://$host$path with Accept-Encoding: $ae is not in $ae"
        decoded "$out/page-$kind" "$out/decoded-$kind" && cmp -s "$out/decoded-$kind" "$out/htdocs/article.html" ||
            die "http://$host$path ($ae) does not decompress to the article page"
    fi
done <"$out/urls.tsv"
cmp -s "$out/page-uncached-article" "$out/page-cached-article" ||
    echo "bench: note: the uncached article differs from the cached one ($out/page-*-article)"
# BENCH_ONLY (an extended regular expression on the kinds): measure those alone.
if [ -n "${BENCH_ONLY:-}" ]; then
    grep -E "^(${BENCH_ONLY})$(printf "\t")" "$out/urls.tsv" >"$out/urls.only" || die "BENCH_ONLY='$BENCH_ONLY' names no kind"
    mv "$out/urls.only" "$out/urls.tsv"
fi

echo "wrk -t$threads -c$conns -d${secs}s (after ${warmup}s warm-up) x $rounds round(s) on $base, $cpus"
: >"$out/measured.tsv"
# Rounds go through all URLs in turn, so load from elsewhere on the machine hits every kind alike;
# every other round in reverse order, so that no kind is always measured first or last, and each
# target's pair (cached/static, uncached/mod_include) stays side by side.
round=1
while [ "$round" -le "$rounds" ]; do
    if [ $((round % 2)) = 0 ]; then tac "$out/urls.tsv"; else cat "$out/urls.tsv"; fi >"$out/order.tsv"
    while IFS="$tab" read -r kind host path ae; do
        printf '  %s/%s %-19s http://%s%s%s\n' "$round" "$rounds" "$kind" "$host" "$path" \
            "$([ "$ae" = - ] || echo " (Accept-Encoding: $ae)")"
        res="$out/wrk-$kind-$round.txt"
        # wrk takes -H once per header; an empty Accept-Encoding would still be a header.
        set -- -H "Host: $host"
        [ "$ae" = - ] || set -- "$@" -H "Accept-Encoding: $ae"
        $pin_wrk wrk -t"$threads" -c"$conns" -d"${warmup}s" "$@" "$base$path" \
            >/dev/null 2>&1 || die "wrk failed on http://$host$path"
        $pin_wrk wrk -t"$threads" -c"$conns" -d"${secs}s" --latency "$@" "$base$path" \
            >"$res" 2>&1 || die "wrk failed on http://$host$path"
        fetch "$host" "$path" "$out/page-$kind" "$ae"
        printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$round" "$kind" "$host" "$path" \
            "$(wc -c <"$out/page-$kind" | tr -d ' ')" "$(cache_header "$out/page-$kind")" "$ae" \
            >>"$out/measured.tsv"
    done <"$out/order.tsv"
    round=$((round + 1))
done

cleanup
# A crashed child means some requests were never served as measured.
if grep -q "exit signal" "$out/error.log"; then
    die "httpd children crashed during the run"
fi

# 7. Table and JSON.
cat >"$out/settings.tsv" <<SET
threads	$threads
connections	$conns
seconds	$secs
rounds	$rounds
warmup_seconds	$warmup
port	$port
cpus	$cpus
pinned	$pin
cache_directive	$cache_directive
httpd	$(/usr/sbin/apache2 -v | sed -n 's/^Server version: *//p')
SET
perl "$top/bench/report.pl" "$out"
