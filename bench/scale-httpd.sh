#!/bin/sh
# Module-level scale figures: bench/scale-httpd.sh N [N ...] (default 100000).
# For each N: a generated tree of N articles (N/1000 sections, at least 100; 2,000 tags), its
# index built from nothing with `newsportal index` (timed), then a private httpd (event MPM,
# three children of 16 threads, NewsPortalIndex on that file, NewsPortalCacheSize 8M,
# compression on) measured by bench/scale-httpd.pl: first responses after start and after a
# graceful restart, each child's proportional set size after a warm-up, an edit in place and an
# edit by rename from the write to every child serving it, and uncached pages against the same
# pages of a tree of 100 articles with the same sections. A table per N; build/bench/scale-httpd-N.json.
# Environment: SCALE_TMP (trees and indexes, default /tmp; deleted after), SCALE_HTTPD_SECONDS
# (wrk seconds per run, default 5), SCALE_HTTPD_EDITS (edits of each kind, default 5), BUILD.
set -e
top=$(cd "$(dirname "$0")/.." && pwd)
B=${BUILD:-$top/build}
case $B in /*) ;; *) B=$top/$B ;; esac
TMP=${SCALE_TMP:-/tmp}
out=$B/bench
[ $# -gt 0 ] || set -- 100000
mkdir -p "$out"
work=$TMP/np-scale-httpd.$$
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/index"
# httpd loads a copy: a make elsewhere replacing build/mod_newsportal.so must not touch it.
cp "$B/mod_newsportal.so" "$work/mod_newsportal.so"
for n in "$@"; do
    case $n in '' | *[!0-9]* | 0) echo "scale-httpd: not a number of articles: '$n'" >&2; exit 1 ;; esac
    dir=$work/tree-$n
    db=$work/index/tree-$n.sqlite
    sections=$((n / 1000)); [ $sections -ge 100 ] || sections=100
    echo "== httpd with $n articles in $sections sections (load average: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) processors)"
    "$B/newsportal" gen "$dir" --articles "$n" --sections $sections --tags 2000 --seed 1 >/dev/null
    start=$(date +%s.%N)
    "$B/newsportal" index "$dir" --db "$db" >"$work/index.log"
    end=$(date +%s.%N)
    cat "$work/index.log"
    ft=$(sed -n 's/.*(full text: \([0-9.]*\) s).*/\1/p' "$work/index.log")
    # Children run as nobody when started by root: they read the trees, the indexer writes the files.
    chmod -R a+rX "$work"
    [ "$(id -u)" = 0 ] && chown -R nobody "$work/index"
    perl "$top/bench/scale-httpd.pl" --top "$top" --tool "$B/newsportal" --work "$work" \
        --tree "$dir" --db "$db" --articles "$n" --sections $sections --index-seconds "$(awk "BEGIN { print $end - $start }")" \
        --fulltext-seconds "${ft:-0}" \
        --json "$out/scale-httpd-$n.json"
    rm -rf "$dir" "$db" "$db-wal" "$db-shm" "$work/small" "$work/index/small.sqlite"*
done
