# Agency files (NITF and NewsML-G2) dropped into a content folder as they arrive. First the
# project's own files in t/content/newsroom/wire (served at /wire, in every clone): a NITF 3.6 file
# in ISO-8859-1 with docdata, body.head and body.content; a NewsML-G2 newsItem with inline XHTML;
# a newsMessage of several items; HTML labelled text/plain; a headline and an abstract without a
# body; an embargoed and an expired item. Each visible one is an article page with its headline,
# date, byline, source and every paragraph, with no agency markup, and a description without
# markup; the embargoed and expired ones are 404 and listed nowhere.
# Then, when ../shared/samples is there, the real agency files as an extra corpus: the same checks,
# and the hostile NewsML 1.2 file, which pulls in an external parameter entity, is refused with a
# log line and nothing is read for it.
use strict;
use warnings FATAL => 'all';
use FindBin;
use lib "$FindBin::Bin/lib";
use Apache::Test qw(-withtestmore);
use Apache::TestRequest qw(GET);
use Encode qw(decode_utf8);
use File::Copy qw(copy);
use File::Path qw(make_path remove_tree);
use Time::HiRes qw(sleep);
use Time::Local qw(timegm);
use NPTest;

my $shared = Apache::Test::vars('top_dir') . '/../shared/samples';

# file => [headline, published (seconds since the epoch), author, source]; the same facts as
# tests/test_nitf.c and tests/test_newsml.c check on the loaded articles.
my %samples = (
    'nitf/superdesk_ap-nitf.xml' => ['Can trading pollution like stocks help fight climate change?',
                                     1449774644, 'BERNARD CONDON', 'The Associated Press'],
    'nitf/superdesk_efe_nitf.xml' => ['Honduran president announces Cabinet changes', 1483396080,
                                      'gr/bp', 'Agencia EFE'],
    'nitf/superdesk_nitf-ntb.xml' => [
        'Faktisk.no: Nei, dette dokumentet beskriver ikke FNs Agenda 21 eller Agenda 2030',
        1599489926, 'Geir Molnes / Faktisk.no', 'NTB'],
    'nitf/superdesk_pa1.xml' => ['PA SPORT TRIVIA (OCTOBER 14)', 1444793401, undef, 'PA Sport'],
    'newsml/dpa_with_dateline.xml' => ["DeepSeek-Schock aus China: Zeichen f\x{fc}r KI-Zeitenwende?",
                                       1738052314, 'Andrej Sokolow, dpa', 'dpa'],
    'newsml/iptc_LISTING_1_A_NewsML-G2_News_Item.xml' => ['Fed to halt QE to avert "bubble"',
                                                          1540296000, 'Meredith Jameson',
                                                          'Example Enews LLP'],
    'newsml/iptc_LISTING_2_NewsML-G2_Text_Document.xml' => ['Fed to halt QE to avert "bubble"',
                                                            1479759666, 'Meredith Jameson',
                                                            'Associated Press'],
    'newsml/iptc_LISTING_22_Sports_story_in_NewsML-G2NITF.xml' => [
        'Preview: Arizona Diamondbacks (29-23) at Philadelphia Phillies (26-24), 7:05 p.m.',
        1476893700, 'Sports Network', undef],
    'newsml/superdesk_ap.xml' => ['Nutrisystem beats 4Q earnings and revenue expectations',
                                  1519680036, undef, 'Automated Insights'],
    'newsml/superdesk_dpa.xml' => ["Eintracht in London: Hintereggers Tr\x{e4}nen und Attacke auf Reporter",
                                   1665479682, 'degenhardt.sandra', 'dpa'],
);
my @files = sort keys %samples;
my $per_sample = 7;

# slug => [headline, published (seconds since the epoch), author, source, [paragraphs]] of the
# project's own files in t/content/newsroom/wire.
my %own = (
    'harbour-lights' => ['Harbour lights return after the winter refit', timegm(0, 15, 7, 12, 3, 2025),
        'Maren Colquhoun', 'Tidewater Wire', [
            'The nine beacons along the Kelmarsh breakwater were switched on again at dusk on Friday, ending a refit that began in December.',
            "Caf\x{e9} owners relieved",
            'The lights are the first thing visitors ask about.',
            'should last twenty years.', 'The outer beacon at dusk.', 'Tidewater Wire, coast desk']],
    'orchard-harvest' => ['Orchard villages report the earliest apple harvest in decades',
        timegm(0, 30, 6, 15, 8, 2025), 'Idris Penhallow', 'Fenland Press Agency', [
            "Growers in the villages around Wisbeach Fen started picking dessert apples on 2 September, three weeks earlier than their grandparents' diaries record.",
            'A warm spring', 'Early varieties: already sold']],
    'ferry-bulletin' => ['Island ferry bulletin: winter timetable starts Monday', timegm(0, 0, 9, 3, 10, 2025),
        'Tidewater Wire staff', 'Tidewater Wire', [
            'The winter timetable for the island ferries begins on Monday with four crossings a day instead of seven.',
            'The last boat from the island now leaves at 17:40.']],
    'market-hall' => ['Market hall roof to be rebuilt in oak', timegm(0, 0, 10, 20, 9, 2025), undef,
        'Fenland Press Agency', [
            "The town council voted on Monday to rebuild the market hall's roof in green oak, as it was built in 1790.",
            'Work starts in spring & should take a year.']],
    'bridge-works' => ['Swing bridge shut for two nights', timegm(0, 0, 12, 5, 10, 2025), undef, 'Tidewater Wire', [
            'The swing bridge closes to traffic from 22:00 on Tuesday and Wednesday for repairs to its turning gear.']],
);
my @own = sort keys %own;
my $per_own = 8;
my $have_samples = -d "$shared/nitf" && -d "$shared/newsml" && -d "$shared/hostile";

plan tests => @own * $per_own + 7 + @files * $per_sample + 6,
    need need_module('newsportal'), need_module('XML::LibXML');

require XML::LibXML;
no_redirects();

sub url_of { my ($f) = @_; (my $slug = $f) =~ s{.*/|\.xml$}{}g; return "/agency/agency-wire/$slug.html" }

# GET that waits for a change to be picked up (mtimes have a granularity of a second).
sub get_settled {
    my ($url, $want) = @_;
    my $r;
    for (1 .. 30) {
        $r = GET $url;
        last if $r->code == $want;
        sleep 0.2;
    }
    return $r;
}

sub squeeze { my ($s) = @_; $s =~ s/\s+/ /g; $s =~ s/^ | $//g; return $s }

sub html_text {
    my ($html) = @_;
    $html =~ s/<[^>]*>//g;
    my %ent = (amp => '&', lt => '<', gt => '>', quot => '"', '#39' => "'");
    $html =~ s/&(amp|lt|gt|quot|#39);/$ent{$1}/g;
    return squeeze($html);
}

# The paragraphs of the source body: every <p> under NITF's <body> or G2's contentSet, not
# inside body.head or an XHTML <header> (they repeat the metadata and are left out).
sub source_paragraphs {
    my ($path) = @_;
    my $doc = XML::LibXML->new(no_network => 1, load_ext_dtd => 0, expand_entities => 0,
                               recover => 1, suppress_warnings => 1, suppress_errors => 1)
        ->parse_file($path);
    my $root = $doc->documentElement;
    my $first = sub { my ($n, $name) = @_; ($n->findnodes("*[local-name()='$name']"))[0] };
    my $from;
    if ($root->localname eq 'nitf') {
        $from = $first->($root, 'body');
    } else {
        $root = $first->($first->($root, 'itemSet'), 'newsItem') if $root->localname eq 'newsMessage';
        $from = $first->($root, 'contentSet');
    }
    my @out;
    my $walk;
    $walk = sub {
        my ($n) = @_;
        for my $c ($n->childNodes) {
            next unless $c->nodeType == XML::LibXML::XML_ELEMENT_NODE();
            next if $c->localname eq 'body.head' || $c->localname eq 'header';
            if ($c->localname eq 'p') {
                my $text = join '', map { $_->data }
                    $c->findnodes('.//text()');
                push @out, squeeze($text);
            } else {
                $walk->($c);
            }
        }
    };
    $walk->($from) if $from;
    return grep { length } @out;
}

sub iso_epoch {
    my ($s) = @_;
    my ($y, $mo, $d, $h, $mi, $sec, $z) =
        $s =~ /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(Z|[+-]\d\d:\d\d)$/ or return -1;
    my $t = timegm($sec, $mi, $h, $d, $mo - 1, $y);
    if ($z ne 'Z') {
        my ($sign, $oh, $om) = $z =~ /([+-])(\d\d):(\d\d)/;
        $t -= ($sign eq '-' ? -1 : 1) * ($oh * 3600 + $om * 60);
    }
    return $t;
}

# The elements and attributes the allowlist keeps (docs/content.md, "Body markup").
my %kept = map { $_ => 1 } qw(p h2 h3 h4 h5 h6 blockquote ul ol li dl dt dd em strong b i u s sub
    sup small code pre br hr a img figure figcaption table caption thead tbody tfoot tr th td q cite
    abbr time span div);
my %kept_attr = map { $_ => 1 } qw(href title src alt width height colspan rowspan scope datetime);

# The checks every article page of an agency file gets: 200, headline, instant, byline, source,
# the paragraphs, no agency markup. $paragraphs: the texts the body must hold.
sub check_page {
    my ($name, $url, $title, $published, $author, $source, $paragraphs) = @_;
    my $r = get_settled($url, 200);
    is $r->code, 200, "$name: served as an article page";
    my $page = decode_utf8($r->content);
    my ($h1) = $page =~ m{<h1>(.*?)</h1>}s;
    is html_text($h1 // ''), $title, "$name: the headline in <h1>";
    my ($iso) = $page =~ m{<p class="dateline">.*?<time datetime="([^"]+)">}s;
    is iso_epoch($iso // ''), $published, "$name: the publication instant in <time datetime>";
    my ($byline) = $page =~ m{<p class="byline">(.*?)</p>}s;
    if (defined $author) {
        like html_text($byline // ''), qr/\Q$author\E/, "$name: byline";
    } else {
        ok !defined $byline, "$name: no byline, as the file has none";
    }
    my ($src) = $page =~ m{<span class="source">(.*?)</span>}s;
    if (defined $source) {
        like html_text($src // ''), qr/\Q$source\E/, "$name: source";
    } else {
        ok !defined $src, "$name: no source, as the file has none";
    }
    my ($body) = $page =~ m{<div class="story-body">(.*?)</div>\s*<footer class="story-foot">}s;
    $body //= '';
    my $text = html_text($body);
    my @missing = grep { index($text, $_) < 0 } @$paragraphs;
    ok !@missing, "$name: every paragraph of the source body is on the page"
        or diag "missing: $missing[0]";
    my @bad;
    while ($body =~ m{<(/?)([A-Za-z][^\s>/]*)([^>]*)>}g) {
        my ($tag, $attrs) = ($2, $3);
        push @bad, "<$tag>" unless $kept{$tag};
        push @bad, "$1 on <$tag>" for grep { !$kept_attr{$_} } $attrs =~ /\s([^\s=]+)=/g;
    }
    push @bad, $1 while $page =~ /(&lt;\/?(?:nitf|hl[12]|body\.\w+|byline|person|org|media|inlineXML|p|b)\b)/g;
    ok !@bad, "$name: no agency markup in the page" or diag "found: @bad";
    return $page;
}

# The project's own files.
for my $slug (@own) {
    my ($title, $published, $author, $source, $paragraphs) = @{ $own{$slug} };
    my $page = check_page($slug, "/wire/wire/$slug.html", $title, $published, $author, $source, $paragraphs);
    my ($desc) = $page =~ m{<meta name="description" content="([^"]*)">};
    ok defined $desc && $desc ne '' && $desc !~ /<|&lt;/, "$slug: a description without markup"
        or diag "description: " . ($desc // 'none');
}
my $listing = decode_utf8(GET('/wire/wire/')->content);
my @listed = sort { $a cmp $b } do { my %u; grep { !$u{$_}++ } $listing =~ m{href="/wire/wire/([^"/]+)\.html"}g };
is_deeply \@listed, \@own, 'the section lists every visible item, not the embargoed or expired one';
is GET('/wire/wire/budget-embargo.html')->code, 404, 'an item under embargo (date.release in 2099) is 404';
is GET('/wire/wire/regatta-notice.html')->code, 404, 'an expired item (date.expire passed) is 404';
my $home = GET('/wire/')->content;
ok $home !~ /EMBARGOED|EXPIRED/, 'neither is on the home page';
my $bulletin = GET('/wire/wire/ferry-bulletin.html')->content;
ok $bulletin !~ /SECOND ITEM|second item of a message/, 'a newsMessage shows its first item only';
my $market = GET('/wire/wire/market-hall.html')->content;
like $market, qr{<p>The town council voted on Monday to rebuild the market hall&#39;s roof in <b>green oak</b>, as it was built in 1790\.</p>},
    'text/plain holding HTML: its paragraphs are HTML, through the allowlist';
like GET('/wire/wire/bridge-works.html')->content,
    qr{<div class="story-body">\s*<p>The swing bridge closes to traffic from 22:00 on Tuesday and Wednesday for repairs to its turning gear\.</p>\s*</div>},
    'a headline and an abstract without a body: the abstract is the text';

SKIP: {
skip "../shared/samples is absent (a clone without ../shared): the extra corpus of real agency files is not tested",
    @files * $per_sample + 6 unless $have_samples;

my $wire = live_dir() . '/agency-wire';
remove_tree($wire);
make_path($wire);
for my $f (@files, 'hostile/external-parameter-entity.xml') {
    (my $name = $f) =~ s{.*/}{};
    copy("$shared/$f", "$wire/$name") or die "copy $f: $!";
    chmod 0644, "$wire/$name";
}
# The hostile file comes later, on its own; the folder's change is seen on the next request.
remove_files "$wire/external-parameter-entity.xml";

sleep 1.1;
for my $f (@files) {
    my ($title, $published, $author, $source) = @{ $samples{$f} };
    check_page($f, url_of($f), $title, $published, $author, $source, [source_paragraphs("$shared/$f")]);
}

# The hostile file: refused with a log line, its entities never read. Canaries stand where its
# DTD and parameter entity point (dtds/NewsMLv1.2.dtd, dtds/nitf-2-5.dtd, beside the file).
make_path("$wire/dtds");
my @canaries = map { "$wire/dtds/$_" } qw(NewsMLv1.2.dtd nitf-2-5.dtd);
my $control = "$wire/dtds/control.dtd";
for my $c (@canaries, $control) {
    open my $fh, '>', $c or die "$c: $!";
    print $fh qq{<!ENTITY canary "CANARY-READ">\n};
    close $fh;
    # atime older than mtime: any read now moves it, even with relatime.
    utime time - 3600, time - 60, $c;
}
my $offset = error_log_size();
copy("$shared/hostile/external-parameter-entity.xml", "$wire/external-parameter-entity.xml")
    or die "copy: $!";
chmod 0644, "$wire/external-parameter-entity.xml";
sleep 1.1;
GET url_of($files[0]);    # the rescan that reads the new file
my $r = GET '/agency/agency-wire/external-parameter-entity.html';
is $r->code, 404, 'the hostile file is refused: 404';
unlike $r->content, qr/CANARY-READ/, 'nothing of its entities reaches the page';
my $log = error_log_since($offset);
like $log, qr{\Q$wire\E/external-parameter-entity\.xml:\d+:\d+: }, 'the error log names the file, line and column';
like $log, qr{external-parameter-entity\.xml:\d+:\d+: entity declarations are not allowed \(parameter entity 'nitf'\)},
    'and says entity declarations are not allowed';
# Whether atime moves on this file system: read the control file ourselves.
my $before = (stat $control)[8];
{ open my $fh, '<', $control or die; local $/; my $x = <$fh>; }
SKIP: {
    skip 'atime does not move on this file system (noatime): the canaries cannot tell', 1
        if (stat $control)[8] == $before;
    my @read = grep { (stat $_)[8] > (stat $_)[9] } @canaries;
    ok !@read, 'its DTD and external parameter entity are never opened' or diag "read: @read";
}
is get_settled(url_of($files[0]), 200)->code, 200, 'the other files are still served';

remove_tree($wire);
}
