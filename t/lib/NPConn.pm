package NPConn;
# One persistent HTTP/1.1 connection to a local server. httpd hands a connection to one child
# for its whole life, so every answer on it comes from the same process: a test or benchmark
# that needs to ask each child holds one connection per child (its pid from the status page).
# A connection that the server closes is an error, never silently opened again, so an answer
# can never come from another child. Used by t/55_children.t and bench/scale-httpd.pl.
use strict;
use warnings;
use IO::Select;
use IO::Socket::INET;
use JSON::PP ();
use Time::HiRes ();

sub new {
    my ($class, $port, %opt) = @_;
    my $sock = IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $port, Proto => 'tcp',
                                     Timeout => $opt{timeout} || 10)
        or die "connect 127.0.0.1:$port: $!";
    binmode $sock;
    return bless { sock => $sock, buf => '', timeout => $opt{timeout} || 10,
                   host => $opt{host} || 'localhost' }, $class;
}

sub _fill {
    my ($self) = @_;
    my $sel = IO::Select->new($self->{sock});
    $sel->can_read($self->{timeout}) or die "NPConn: no answer in $self->{timeout} s\n";
    my $n = sysread $self->{sock}, $self->{buf}, 65536, length $self->{buf};
    die "NPConn: read: $!\n" unless defined $n;
    die "NPConn: the server closed the connection\n" unless $n;
}

sub _line {
    my ($self) = @_;
    my $i;
    $self->_fill while ($i = index($self->{buf}, "\r\n")) < 0;
    my $line = substr $self->{buf}, 0, $i + 2, '';
    return substr $line, 0, $i;
}

sub _bytes {
    my ($self, $n) = @_;
    $self->_fill while length $self->{buf} < $n;
    return substr $self->{buf}, 0, $n, '';
}

# GET $path (extra headers as a hash ref): { status, headers (lower-case names), body }.
sub get {
    my ($self, $path, $headers) = @_;
    my $req = "GET $path HTTP/1.1\r\nHost: $self->{host}\r\n";
    $req .= "$_: $headers->{$_}\r\n" for sort keys %{ $headers || {} };
    my $off = 0;
    $req .= "\r\n";
    while ($off < length $req) {
        my $n = syswrite $self->{sock}, $req, length($req) - $off, $off;
        die "NPConn: write: $!\n" unless defined $n;
        $off += $n;
    }
    my ($status) = $self->_line =~ m{^HTTP/1\.[01] (\d{3})} or die "NPConn: not an HTTP answer\n";
    my %h;
    while ((my $l = $self->_line) ne '') {
        my ($k, $v) = $l =~ /^([^:]+):\s*(.*)$/ or next;
        $h{ lc $k } = $v;
    }
    my $body = '';
    if (($h{'transfer-encoding'} // '') =~ /chunked/i) {
        while (1) {
            my $size = hex(($self->_line =~ /^([0-9a-fA-F]+)/)[0] // die "NPConn: bad chunk\n");
            if (!$size) {
                1 while $self->_line ne '';
                last;
            }
            $body .= $self->_bytes($size);
            $self->_line;
        }
    } elsif (defined $h{'content-length'}) {
        $body = $self->_bytes($h{'content-length'});
    } elsif ($status !~ /^(?:1|204|304)/) {
        die "NPConn: an answer without a length would close the connection\n";
    }
    die "NPConn: the server closes this connection\n" if ($h{connection} // '') =~ /close/i;
    return { status => $status, headers => \%h, body => $body };
}

# The pid of the child holding this connection (the status page at $status_path, ?json).
sub pid {
    my ($self, $status_path) = @_;
    my $r = $self->get(($status_path || '/np-status') . '?json');
    die "NPConn: the status page answered $r->{status}\n" unless $r->{status} == 200;
    return JSON::PP::decode_json($r->{body})->{pid};
}

# Connections until $want children are covered (at most $tries connections): a hash ref
# { pid => NPConn }. The connections that landed on a child already covered are closed.
sub one_per_child {
    my ($port, $want, $tries, %opt) = @_;
    my %by_pid;
    for (1 .. $tries) {
        my $c = NPConn->new($port, %opt);
        my $pid = $c->pid($opt{status});
        if ($by_pid{$pid}) {
            $c->close;
        } else {
            $by_pid{$pid} = $c;
        }
        last if keys %by_pid >= $want;
    }
    return \%by_pid;
}

# $k connections to each of $want children (at most $tries connections made): a hash ref
# { pid => [NPConn, ...] }; only children that got all $k are in it.
sub per_child {
    my ($port, $want, $k, $tries, %opt) = @_;
    my %by_pid;
    for (1 .. $tries) {
        my $c = NPConn->new($port, %opt);
        my $pid = $c->pid($opt{status});
        if (@{ $by_pid{$pid} ||= [] } >= $k) {
            $c->close;
        } else {
            push @{ $by_pid{$pid} }, $c;
        }
        last if keys %by_pid >= $want && !grep { @$_ < $k } values %by_pid;
    }
    for my $pid (keys %by_pid) {
        next if @{ $by_pid{$pid} } >= $k;
        $_->close for @{ delete $by_pid{$pid} };
    }
    return \%by_pid;
}

sub close {
    my ($self) = @_;
    close $self->{sock} if $self->{sock};
    $self->{sock} = undef;
}

1;
