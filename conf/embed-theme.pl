#!/usr/bin/perl
# Writes a C file holding every conf/theme/*.mustache as np_theme_default[] (see src/np_theme.h).
use strict;
use warnings;
my @files = sort @ARGV;
print "/* Generated from conf/theme by conf/embed-theme.pl; edit the templates, not this. */\n";
print "#include \"np_theme.h\"\n\nconst np_theme_file np_theme_default[] = {\n";
for my $f (@files) {
    my ($name) = $f =~ m{([^/]+)\.mustache$} or next;
    open my $fh, '<:raw', $f or die "$f: $!";
    local $/;
    my $data = <$fh>;
    close $fh;
    my $len = length $data;
    (my $lit = $data) =~ s/([\\"])/\\$1/g;
    $lit =~ s/([^\x20-\x7e])/sprintf("\\%03o", ord $1)/ge;
    $lit =~ s/\?\?/?\\?/g; # no trigraphs
    $lit =~ s/(\\012)/$1"\n    "/g;
    print "    {\"$name\",\n    \"$lit\",\n    $len},\n";
}
print "    {0, 0, 0},\n};\n";
