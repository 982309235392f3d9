#!/bin/sh
# `make run`: serves the demo site from a private Apache instance in the foreground.
# Uses the system's apache2 binary with a generated config under build/run; installs nothing.
set -e
port=${1:-8080}
top=$(cd "$(dirname "$0")/.." && pwd)
run="$top/build/run"
modules=/usr/lib/apache2/modules
mkdir -p "$run/logs"
cat > "$run/httpd.conf" <<CONF
ServerRoot "$run"
Listen 127.0.0.1:$port
ServerName 127.0.0.1:$port
PidFile "$run/httpd.pid"
ErrorLog /dev/stderr
LogLevel warn newsportal:info
LogFormat "%h \"%r\" %>s %b %Dus" short
CustomLog /dev/stdout short
LoadModule mpm_event_module $modules/mod_mpm_event.so
LoadModule authz_core_module $modules/mod_authz_core.so
LoadModule mime_module $modules/mod_mime.so
LoadModule alias_module $modules/mod_alias.so
LoadModule newsportal_module $top/build/mod_newsportal.so
TypesConfig /etc/mime.types
Mutex file:$run default
NewsPortalIndexDir "$run/index"
DocumentRoot "$top/conf/demo/content"
<Directory "$top/conf/demo/content">
    Require all granted
</Directory>
<Location />
    SetHandler newsportal
    NewsPortalContent "$top/conf/demo/content"
    NewsPortalSiteName "Heritage Today"
    NewsPortalTimeZone Asia/Shanghai
</Location>
Alias /media "$top/conf/demo/content/media"
<Location /media>
    SetHandler none
</Location>
CONF
[ "$(id -u)" = 0 ] && echo "User nobody" >> "$run/httpd.conf" && echo "Group nogroup" >> "$run/httpd.conf"
/usr/sbin/apache2 -t -f "$run/httpd.conf"
echo "Serving the demo site on http://127.0.0.1:$port/  (Ctrl-C stops it)"
exec /usr/sbin/apache2 -f "$run/httpd.conf" -DFOREGROUND
