package NPTest;
# Helpers shared by the Apache::Test files: breadcrumb extraction, error-log reading, files.
use strict;
use warnings;
use Exporter 'import';
use Apache::Test ();
use Apache::TestRequest ();

our @EXPORT = qw(breadcrumb error_log_since error_log_size write_file live_dir no_redirects
                 child_pids);

sub no_redirects {
    Apache::TestRequest::user_agent(reset => 1, requests_redirectable => 0);
}

# [ [title, href], ..., [current title, undef] ] from the page's breadcrumb nav.
sub breadcrumb {
    my ($html) = @_;
    my ($nav) = $html =~ m{<nav aria-label="[^"]*" class="breadcrumb">(.*?)</nav>}s or return;
    my @items;
    while ($nav =~ m{<li>(.*?)</li>}sg) {
        my $li = $1;
        if ($li =~ m{<a href="([^"]*)">(.*?)</a>}s) {
            push @items, [$2, $1];
        } elsif ($li =~ m{<span aria-current="page">(.*?)</span>}s) {
            push @items, [$1, undef];
        }
    }
    return \@items;
}

sub error_log_file {
    my $vars = Apache::Test::vars();
    return "$vars->{t_logs}/error_log";
}

sub error_log_size { return -s error_log_file() || 0 }

# The error log written since offset (from error_log_size).
sub error_log_since {
    my ($offset) = @_;
    open my $fh, '<', error_log_file() or return '';
    seek $fh, $offset, 0;
    local $/;
    my $text = <$fh>;
    return defined $text ? $text : '';
}

# Pids of the test server's children (ServerLimit 1: one, but two during a graceful restart).
sub child_pids {
    my $logs = Apache::Test::vars('t_logs');
    open my $fh, '<', "$logs/httpd.pid" or return;
    chomp(my $parent = <$fh> // '');
    my @kids;
    for my $status (glob '/proc/[0-9]*/status') {
        open my $s, '<', $status or next;
        local $/;
        my $text = <$s> // '';
        push @kids, $status =~ m{^/proc/(\d+)/} if $text =~ /^PPid:\s+\Q$parent\E$/m;
    }
    return @kids;
}

sub live_dir { return Apache::Test::vars('serverroot') . '/live' }

# Writes a file atomically (rename), creating folders.
sub write_file {
    my ($path, $content) = @_;
    (my $dir = $path) =~ s{/[^/]+$}{};
    system('mkdir', '-p', $dir);
    open my $fh, '>:raw', "$path.tmp" or die "$path.tmp: $!";
    print $fh $content;
    close $fh;
    rename "$path.tmp", $path or die "rename $path: $!";
}

1;
