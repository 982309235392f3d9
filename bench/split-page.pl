#!/usr/bin/perl
# Splits a rendered page into header/body/footer fragments plus an .shtml page that puts them
# back together with mod_include, so mod_include serves exactly the bytes the module served.
# Usage: split-page.pl PAGE.html DOCROOT   (writes DOCROOT/article.shtml and DOCROOT/ssi/*)
use strict;
use warnings;

my ($page, $root) = @ARGV;
die "usage: $0 PAGE.html DOCROOT\n" unless defined $root;
open my $in, '<:raw', $page or die "$page: $!\n";
my $html = do { local $/; <$in> };
close $in;

# After the site header, before the site footer (the last <footer>, the first ones may belong to
# the article); fall back to thirds if a theme has neither, so the bench still runs.
my $end_head = index($html, "</header>");
$end_head = index($html, "\n", $end_head) + 1 if $end_head >= 0;
my $foot = rindex($html, "<footer");
$foot = rindex($html, "\n", $foot) + 1 if $foot >= 0;
if ($end_head <= 0 || $foot <= $end_head) {
    warn "split-page: no </header> ... <footer> in $page, splitting in thirds\n";
    $end_head = int(length($html) / 3);
    $foot     = int(2 * length($html) / 3);
}

my %part = (
    header => substr($html, 0, $end_head),
    body   => substr($html, $end_head, $foot - $end_head),
    footer => substr($html, $foot),
);
mkdir "$root/ssi";
for my $name (sort keys %part) {
    open my $out, '>:raw', "$root/ssi/$name.html" or die "$root/ssi/$name.html: $!\n";
    print $out $part{$name};
    close $out;
}
# One line, no newline at the end: the directives must add no bytes of their own.
open my $out, '>:raw', "$root/article.shtml" or die "$root/article.shtml: $!\n";
print $out join('', map { qq{<!--#include virtual="/ssi/$_.html" -->} } qw(header body footer));
close $out;
printf "split %s: header %d, body %d, footer %d bytes\n", $page,
    map { length $part{$_} } qw(header body footer);
