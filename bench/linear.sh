#!/bin/sh
# `make bench-linear`: callgrind instruction counts (Ir) of scanning, loading and serving (page,
# Atom and RSS feeds) one article with 0, N and 2N tags, and with a title of 0, N and 2N bytes
# (tests/bench_linear.c). The cost of the article is Ir(N) - Ir(0); its ratio at 2N over N is
# about 2.0 when every pass is linear, 4.0 when one is quadratic.
#   BENCH_TAGS (default 50000), BENCH_TITLE (default 1500000 bytes; 2N stays under the 4 MiB
#   NewsPortalMaxArticleSize)
set -eu
bin=${BUILD:-build}/tests/bench_linear
tags=${BENCH_TAGS:-50000}
title=${BENCH_TITLE:-1500000}
out=$(mktemp -d /tmp/np-bench-linear.XXXXXX)
trap 'rm -rf "$out"' EXIT

ir() { # mode n -> total Ir of bench_work
    valgrind --tool=callgrind --toggle-collect=bench_work --callgrind-out-file="$out/cg" \
        "$bin" "$1" "$2" >/dev/null 2>"$out/log" || { cat "$out/log" >&2; exit 1; }
    sed -n 's/^summary: *\([0-9]*\).*/\1/p; s/^totals: *\([0-9]*\).*/\1/p' "$out/cg" | head -1
}

row() { # mode n unit
    base=$(ir "$1" 0)
    one=$(ir "$1" "$2")
    two=$(ir "$1" $(($2 * 2)))
    awk -v m="$1" -v n="$2" -v u="$3" -v b="$base" -v a="$one" -v c="$two" 'BEGIN {
        printf "  %-5s N=%d %s: Ir(0)=%d Ir(N)=%d Ir(2N)=%d; raw Ir(2N)/Ir(N)=%.2f; " \
               "article cost (Ir-Ir(0)) 2N/N=%.2f\n", m, n, u, b, a, c, c / a, (c - b) / (a - b)
    }'
}

echo "== linear cost of the worst article (callgrind Ir; expect ~2.0, a quadratic pass gives 4.0)"
row tags "$tags" tags
row title "$title" "title bytes"
