package NPServer;
# What a test that runs a private httpd of its own needs: a free port, the head of its
# configuration (the server's files in one folder, the modules, the children's user when run
# as root), its error log, and waiting for a condition. Used by t/53_indexer.t, t/55_children.t
# and t/56_index_swap.t.
use strict;
use warnings;
use IO::Socket::INET;
use Time::HiRes ();

# A TCP port on the loopback nobody listens on now.
sub free_port {
    my $s = IO::Socket::INET->new(LocalAddr => '127.0.0.1', LocalPort => 0, Listen => 1) or die $!;
    my $p = $s->sockport;
    close $s;
    return $p;
}

# The first lines of an httpd.conf for a server in $dir on $port with mod_newsportal from
# $module: pid file, error log (newsportal at info) and runtime files in $dir.
sub conf_head {
    my ($dir, $port, $module) = @_;
    my $group = getgrnam('nogroup') ? 'nogroup' : 'nobody';
    my $user = $> == 0 ? "User nobody\nGroup $group\n" : '';
    return <<CONF . $user;
ServerRoot "$dir"
ServerName localhost
Listen 127.0.0.1:$port
PidFile "$dir/httpd.pid"
ErrorLog "$dir/error_log"
DefaultRuntimeDir "$dir"
LogLevel warn newsportal:info
LoadModule mpm_event_module /usr/lib/apache2/modules/mod_mpm_event.so
LoadModule authz_core_module /usr/lib/apache2/modules/mod_authz_core.so
LoadModule newsportal_module $module
CONF
}

# $what's first true value within $secs seconds (default 20), asked every $opt{every} seconds
# (default 0.05); a die counts as false, unless $opt{dies}: then it reaches the caller.
# undef when the time ran out.
sub wait_for {
    my ($what, $secs, %opt) = @_;
    my $every = $opt{every} || 0.05;
    my $end = Time::HiRes::time() + ($secs || 20);
    while (Time::HiRes::time() < $end) {
        my $v = $opt{dies} ? $what->() : eval { $what->() };
        return $v if $v;
        Time::HiRes::sleep($every);
    }
    return;
}

# The error log of the server in $dir from byte $off on (default: all of it); '' when none.
sub log_since {
    my ($dir, $off) = @_;
    open my $fh, '<', "$dir/error_log" or return '';
    seek $fh, $off, 0 if $off;
    local $/;
    return <$fh> // '';
}

1;
