#!/bin/sh
# Runs the fuzz targets (called by mk/fuzz.mk from the project's root).
#   run.sh fuzz NAME...     fuzz each for $FUZZ_SECONDS, then print a summary; exit 1 on any finding
#   run.sh regress NAME...  run each binary once on its regress and corpus files, no fuzzing
# Fuzzing writes new inputs to build/fuzz/corpus/NAME, never to the seed corpora in the tree.
set -u
mode=$1
shift
dir=build/fuzz
fail=0

max_len() {
    case $1 in
    article) echo 32768 ;;
    template) echo 24576 ;;
    route) echo 1024 ;;
    *) echo 4096 ;;
    esac
}

# Agency samples beside the project (../shared, never copied in) are extra seeds when present.
extra_seeds() {
    [ "$1" = article ] || return 0
    for d in ../shared/samples/nitf ../shared/samples/newsml ../shared/samples/hostile; do
        [ -d "$d" ] && printf ' %s' "$d"
    done
}

inputs() {
    find "tests/fuzz/regress/$1" "tests/fuzz/corpus/$1" -type f 2>/dev/null | sort
}

if [ "$mode" = regress ]; then
    for name in "$@"; do
        n=$(inputs "$name" | grep -c .)
        log=$dir/$name-regress.log
        start=$(date +%s)
        if [ "$n" -eq 0 ] || inputs "$name" | tr '\n' '\0' | xargs -0 "$dir/fuzz_$name" >"$log" 2>&1; then
            echo "fuzz-regress $name: $n inputs, ok ($(($(date +%s) - start)) s)"
        else
            echo "fuzz-regress $name: FAILED, see $log:"
            grep -E 'ERROR|SUMMARY|check failed|Running:' "$log" | tail -n 8
            fail=1
        fi
    done
    exit $fail
fi

: "${FUZZ_SECONDS:=60}"
summary=""
for name in "$@"; do
    work=$dir/corpus/$name
    art=$dir/artifacts/$name
    log=$dir/$name.log
    mkdir -p "$work" "$art"
    dict=""
    [ -f "tests/fuzz/$name.dict" ] && dict="-dict=tests/fuzz/$name.dict"
    regress=""
    [ -d "tests/fuzz/regress/$name" ] && regress=tests/fuzz/regress/$name
    echo "fuzz $name: ${FUZZ_SECONDS} s, log $log"
    # shellcheck disable=SC2046,SC2086
    $dir/fuzz_$name -max_total_time="$FUZZ_SECONDS" -max_len=$(max_len "$name") -timeout=10 \
        -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$art/" $dict \
        "$work" tests/fuzz/corpus/$name $regress $(extra_seeds "$name") >"$log" 2>&1
    rc=$?
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
    cov=$(grep -oE 'cov: [0-9]+' "$log" | tail -n 1 | cut -d' ' -f2)
    corp=$(grep -oE 'corp: [0-9]+' "$log" | tail -n 1 | cut -d' ' -f2)
    if [ $rc -eq 0 ]; then
        result=ok
    else
        result="FAILED (exit $rc)"
        fail=1
        grep -E '^==[0-9]+==ERROR|^SUMMARY|check failed|^artifact_prefix|Test unit written' "$log" |
            head -n 6
    fi
    summary="$summary$(printf '%-9s %10s runs %8s exec/s  cov %6s  corpus %6s  %s' "$name" \
        "${runs:-?}" "${rate:-?}" "${cov:-?}" "${corp:-?}" "$result")
"
done
echo "== fuzz summary (${FUZZ_SECONDS} s each)"
printf '%s' "$summary"
[ $fail -eq 0 ] || echo "crash inputs are in $dir/artifacts/; fix, then copy them to tests/fuzz/regress/NAME/"
exit $fail
