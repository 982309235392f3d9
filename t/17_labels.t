# Operators add a language or change a label with a labels-LANG.txt file in NewsPortalTemplates,
# live at the next check, without recompiling.
use strict;
use warnings FATAL => 'all';
use FindBin;
use lib "$FindBin::Bin/lib";
use Apache::Test qw(-withtestmore);
use Apache::TestRequest qw(GET);
use NPTest;

plan tests => 7, need_module('newsportal');
no_redirects();

my $live = live_dir();
my $tpl = "$live/../live-templates";
write_file("$live/fr/_section.xml", qq{<section lang="fr"><title>Actualités</title></section>});
write_file("$live/fr/fete.xml", qq{<?xml version="1.0" encoding="UTF-8"?>\n<article><title>La fête</title><source>AFP</source><published>2026-11-27T10:00:00Z</published><body><p>Texte.</p></body></article>\n});

my $html = GET('/live-tpl/fr/fete.html')->content;
like $html, qr{<a href="/live-tpl/">Home</a>}, 'a language without labels uses English';

write_file("$tpl/labels-fr.txt", <<'TXT');
# French
home = Accueil
source = Source
share_weibo = Partager sur Weibo
date_format = %d %B %Y
months = janvier, février, mars, avril, mai, juin, juillet, août, septembre, octobre, novembre, décembre
TXT
$html = GET('/live-tpl/fr/fete.html')->content;
like $html, qr{<a href="/live-tpl/">Accueil</a>}, 'a labels file adds a language';
like $html, qr{<time datetime="2026-11-27T10:00:00Z">27 novembre 2026</time>}, 'with its date form';
like $html, qr{>Partager sur Weibo<}, 'and share labels';
like $html, qr{<html lang="fr"}, 'the page is French';

write_file("$tpl/labels-en.txt", "home = Front page\n");
like GET('/live-tpl/')->content, qr{Front page}, 'a built-in label can be changed';
unlink "$tpl/labels-en.txt";
unlike GET('/live-tpl/')->content, qr{Front page}, 'and changed back';
remove_files "$tpl/labels-fr.txt", glob("$live/fr/*.xml"), "$live/fr/_section.xml";
rmdir "$live/fr";
