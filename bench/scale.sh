#!/bin/sh
# Scale figures of the content index: bench/scale.sh N [N ...] (default 100000).
# For each N: a generated tree of N articles (newsportal gen), the index built from nothing
# (newsportal index), its size, the uncached sitemap index and files (build/tests/bench_sitemap),
# an edit brought in by a folder update and by a full pass, and
# the lookups' latency against a 100-article tree (build/tests/bench_scale), search latency
# and the full text's size (build/tests/bench_search), and an edit in place and by rename
# through the indexer watching with inotify (build/tests/bench_indexer). Trees go to
# SCALE_TMP (default /tmp) and are deleted afterwards.
set -e
B=${BUILD:-build}
TMP=${SCALE_TMP:-/tmp}
[ $# -gt 0 ] || set -- 100000
small=$TMP/np-scale-small.$$
trap 'rm -rf "$small" "$small.db" "$small.db-wal" "$small.db-shm" "$small.db.lock"' EXIT
$B/newsportal gen "$small" --articles 100 --sections 5 --tags 20 --seed 1 >/dev/null
$B/newsportal index "$small" --db "$small.db" >/dev/null
for n in "$@"; do
    dir=$TMP/np-scale-$n.$$
    sections=$((n / 1000)); [ $sections -ge 100 ] || sections=100
    echo "== $n articles in $sections sections (load average: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) processors)"
    /usr/bin/time -f "generated in %e s" $B/newsportal gen "$dir" --articles $n --sections $sections \
        --tags 2000 --seed 1 >/dev/null
    /usr/bin/time -f "index from nothing: %e s wall, %U s user, %S s system, peak %M KB resident" \
        $B/newsportal index "$dir" --db "$dir.db"
    size=$(stat -c %s "$dir.db")
    wal=$(stat -c %s "$dir.db-wal" 2>/dev/null || echo 0)
    echo "index file: $size bytes ($((size / n)) bytes per article; WAL $wal bytes)"
    /usr/bin/time -f "second pass, nothing changed: %e s (a stat of every file)" \
        $B/newsportal index "$dir" --db "$dir.db" >/dev/null
    $B/tests/bench_sitemap "$dir" "$dir.db"
    $B/tests/bench_scale "$dir" "$dir.db" "$small" "$small.db"
    $B/tests/bench_search "$(cd "$dir" && pwd)" "$dir.db" 200
    $B/tests/bench_indexer "$dir" "$dir.db"
    rm -rf "$dir" "$dir.db" "$dir.db-wal" "$dir.db-shm" "$dir.db.lock"
done
