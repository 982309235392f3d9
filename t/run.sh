#!/bin/sh
# Runs the Apache::Test suite against build/mod_newsportal.so in the system's httpd.
set -e
top=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$top/build}
mkdir -p "$build"
modules=/usr/lib/apache2/modules
conf="$build/t-httpd.conf"
{
    echo "LoadModule mpm_event_module $modules/mod_mpm_event.so"
    for m in authz_core authz_host mime alias dir headers deflate filter setenvif \
             socache_shmcb socache_memcache socache_redis status cache cache_socache include; do
        echo "LoadModule ${m}_module $modules/mod_${m}.so"
    done
    echo "LoadModule newsportal_module $build/mod_newsportal.so"
} > "$conf"
export NP_MODULE="$build/mod_newsportal.so"
# A content folder the tests write into, fresh for every run.
rm -rf "$top/t/live" && mkdir -p "$top/t/live"
cd "$top/t"
perl TEST.PL -apxs /usr/bin/apxs -httpd_conf "$conf" -clean >/dev/null 2>&1 || true
exec perl TEST.PL -apxs /usr/bin/apxs -httpd_conf "$conf" "$@"
