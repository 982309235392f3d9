#!/bin/sh
# Runs the Apache::Test suite against build/mod_newsportal.so in the system's httpd, with the
# memcached and Redis servers the shared-cache tests use (loopback, ports 11311 and 16379).
set -e
top=$(cd "$(dirname "$0")/.." && pwd)
# One run at a time on the machine: runs share the test ports and the memcached/Redis ports.
if [ -z "$NP_T_LOCKED" ] && command -v flock >/dev/null 2>&1; then
    # -o: a server started with -start-httpd must not inherit (and keep) the lock.
    NP_T_LOCKED=1 exec flock -o /tmp/newsportal-t.lock sh "$0" "$@"
fi
build=${BUILD:-$top/build}
mkdir -p "$build"
modules=/usr/lib/apache2/modules
conf="$build/t-httpd.conf"
{
    echo "LoadModule mpm_event_module $modules/mod_mpm_event.so"
    for m in authz_core authz_host mime alias dir headers deflate filter setenvif \
             socache_shmcb socache_memcache socache_redis status cache cache_socache include brotli; do
        echo "LoadModule ${m}_module $modules/mod_${m}.so"
    done
    echo "LoadModule newsportal_module $build/mod_newsportal.so"
} > "$conf"
export NP_MODULE="$build/mod_newsportal.so"
# Folders the tests write into, fresh for every run.
rm -rf "$top/t/live" "$top/t/live-templates" "$top/t/index" "$top/t/index-53" &&
    mkdir -p "$top/t/live" "$top/t/live-templates"
# A content folder whose name has a quote and a backslash (the status page's JSON, t/27).
mkdir -p "$top/t/live/q\"b\\s"

run=$(mktemp -d /tmp/newsportal-t.XXXXXX)  # memcached, as nobody, must reach it
chmod 1777 "$run"
export NP_MEMCACHED_PIDFILE="$run/memcached.pid"
stop_servers() {
    [ -f "$run/memcached.pid" ] && kill "$(cat "$run/memcached.pid")" 2>/dev/null || true
    [ -f "$run/redis.pid" ] && kill "$(cat "$run/redis.pid")" 2>/dev/null || true
    rm -rf "$run"
}
# Leftovers of an interrupted run hold the ports.
pkill -f 'memcached .*-p 11311' 2>/dev/null || true
pkill -f 'redis-server 127.0.0.1:16379' 2>/dev/null || true
sleep 0.2
memcached -d -u nobody -l 127.0.0.1 -p 11311 -m 16 -P "$run/memcached.pid" ||
    echo "t/run.sh: memcached did not start; the shared-cache tests will say so"
redis-server --bind 127.0.0.1 --port 16379 --save '' --appendonly no --daemonize yes \
    --pidfile "$run/redis.pid" --dir "$run" >/dev/null ||
    echo "t/run.sh: redis-server did not start; the shared-cache tests will say so"
trap stop_servers EXIT INT TERM
for i in 1 2 3 4 5 6 7 8 9 10; do
    [ -s "$run/memcached.pid" ] && [ -s "$run/redis.pid" ] && break
    sleep 0.2
done

# NP_SANITIZER_LOGS=DIR: the module is an ASan/UBSan build. httpd itself is not, so it runs
# through a wrapper that preloads the ASan runtime (it must come first) and sends every report
# to DIR; the caller fails the run when DIR has any. Leak checking is off: httpd leaves its
# pools to the exit, and per-request leaks are the soak test's job.
httpd="$(apxs -q SBINDIR)/$(apxs -q TARGET)"
if [ -n "$NP_SANITIZER_LOGS" ]; then
    mkdir -p "$NP_SANITIZER_LOGS" && chmod 1777 "$NP_SANITIZER_LOGS"
    wrapper="$build/httpd-sanitized"
    cat > "$wrapper" <<EOF
#!/bin/sh
export LD_PRELOAD="$(${CC:-gcc} -print-file-name=libasan.so)"
export ASAN_OPTIONS="detect_leaks=0:log_path=$NP_SANITIZER_LOGS/asan:log_exe_name=1"
export UBSAN_OPTIONS="print_stacktrace=1:log_path=$NP_SANITIZER_LOGS/ubsan:log_exe_name=1"
exec "$httpd" "\$@"
EOF
    chmod 755 "$wrapper"
    httpd="$wrapper"
fi

cd "$top/t"
perl TEST.PL -apxs /usr/bin/apxs -httpd "$httpd" -httpd_conf "$conf" -clean >/dev/null 2>&1 || true
perl TEST.PL -apxs /usr/bin/apxs -httpd "$httpd" -httpd_conf "$conf" "$@"
