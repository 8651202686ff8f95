"""Word lists for the kb-suggest benchmark's generated FAQ: real nouns, verbs and sentences of a bank's
and a shop's help pages in Swedish, Norwegian, Danish, Finnish and English (written for this bench;
nothing is downloaded). Nouns come with a definite form where the language inflects."""

from __future__ import annotations

NOUNS: dict[str, str] = {
    "sv": """konto:kontot kort:kortet lösenord:lösenordet faktura:fakturan betalning:betalningen
leverans:leveransen paket:paketet order:ordern retur:returen kvitto:kvittot utdrag:utdraget saldo:saldot
ränta:räntan lån:lånet avgift:avgiften app:appen inloggning:inloggningen kod:koden adress:adressen
telefon:telefonen nummer:numret kund:kunden butik:butiken vara:varan storlek:storleken rabatt:rabatten
present:presenten kupong:kupongen frakt:frakten bank:banken överföring:överföringen dosa:dosan
säkerhet:säkerheten bedrägeri:bedrägeriet spärr:spärren gräns:gränsen kredit:krediten räkning:räkningen
avtal:avtalet uppsägning:uppsägningen namn:namnet meddelande:meddelandet mobil:mobilen dator:datorn
reklamation:reklamationen garanti:garantin pris:priset kampanj:kampanjen medlem:medlemmen poäng:poängen
bonus:bonusen försäkring:försäkringen pension:pensionen fond:fonden aktie:aktien sparande:sparandet
amortering:amorteringen skatt:skatten valuta:valutan resa:resan uttag:uttaget insättning:insättningen
pinkod:pinkoden signering:signeringen dokument:dokumentet blankett:blanketten fullmakt:fullmakten
företag:företaget lön:lönen mottagare:mottagaren påminnelse:påminnelsen beställning:beställningen
kassa:kassan varukorg:varukorgen ombud:ombudet etikett:etiketten återbetalning:återbetalningen
lager:lagret jacka:jackan skor:skorna leveranstid:leveranstiden kontantkort:kontantkortet""",
    "nb": """konto:kontoen kort:kortet passord:passordet faktura:fakturaen betaling:betalingen
levering:leveringen pakke:pakken ordre:ordren retur:returen kvittering:kvitteringen utskrift:utskriften
saldo:saldoen rente:renten lån:lånet gebyr:gebyret app:appen innlogging:innloggingen kode:koden
adresse:adressen telefon:telefonen nummer:nummeret kunde:kunden butikk:butikken vare:varen
størrelse:størrelsen rabatt:rabatten gave:gaven kupong:kupongen frakt:frakten bank:banken
overføring:overføringen brikke:brikken sikkerhet:sikkerheten svindel:svindelen sperring:sperringen
grense:grensen kreditt:kreditten regning:regningen avtale:avtalen oppsigelse:oppsigelsen navn:navnet
melding:meldingen mobil:mobilen datamaskin:datamaskinen reklamasjon:reklamasjonen garanti:garantien
pris:prisen kampanje:kampanjen medlem:medlemmet poeng:poengene bonus:bonusen forsikring:forsikringen
pensjon:pensjonen fond:fondet aksje:aksjen sparing:sparingen avdrag:avdraget skatt:skatten
valuta:valutaen reise:reisen uttak:uttaket innskudd:innskuddet pinkode:pinkoden signering:signeringen
dokument:dokumentet skjema:skjemaet fullmakt:fullmakten bedrift:bedriften lønn:lønnen
mottaker:mottakeren påminnelse:påminnelsen bestilling:bestillingen kasse:kassen handlekurv:handlekurven
utleveringssted:utleveringsstedet etikett:etiketten tilbakebetaling:tilbakebetalingen lager:lageret
jakke:jakken sko:skoene leveringstid:leveringstiden""",
    "da": """konto:kontoen kort:kortet adgangskode:adgangskoden faktura:fakturaen betaling:betalingen
levering:leveringen pakke:pakken ordre:ordren retur:returen kvittering:kvitteringen udskrift:udskriften
saldo:saldoen rente:renten lån:lånet gebyr:gebyret app:appen login:loginet kode:koden adresse:adressen
telefon:telefonen nummer:nummeret kunde:kunden butik:butikken vare:varen størrelse:størrelsen
rabat:rabatten gave:gaven kupon:kuponen fragt:fragten bank:banken overførsel:overførslen
sikkerhed:sikkerheden svindel:svindlen spærring:spærringen grænse:grænsen kredit:kreditten
regning:regningen aftale:aftalen opsigelse:opsigelsen navn:navnet besked:beskeden mobil:mobilen
computer:computeren reklamation:reklamationen garanti:garantien pris:prisen kampagne:kampagnen
medlem:medlemmet point:pointene bonus:bonussen forsikring:forsikringen pension:pensionen
skat:skatten valuta:valutaen rejse:rejsen hævning:hævningen indbetaling:indbetalingen
pinkode:pinkoden dokument:dokumentet fuldmagt:fuldmagten virksomhed:virksomheden løn:lønnen
modtager:modtageren påmindelse:påmindelsen bestilling:bestillingen kurv:kurven etiket:etiketten
tilbagebetaling:tilbagebetalingen lager:lageret jakke:jakken sko:skoene leveringstid:leveringstiden""",
    "fi": """tili:tilin kortti:kortin salasana:salasanan lasku:laskun maksu:maksun toimitus:toimituksen
paketti:paketin tilaus:tilauksen palautus:palautuksen kuitti:kuitin tiliote:tiliotteen saldo:saldon
korko:koron laina:lainan hinta:hinnan sovellus:sovelluksen kirjautuminen:kirjautumisen koodi:koodin
osoite:osoitteen puhelin:puhelimen numero:numeron asiakas:asiakkaan kauppa:kaupan tuote:tuotteen
koko:koon alennus:alennuksen lahjakortti:lahjakortin kuponki:kupongin rahti:rahdin pankki:pankin
siirto:siirron turvallisuus:turvallisuuden petos:petoksen esto:eston raja:rajan luotto:luoton
sopimus:sopimuksen irtisanominen:irtisanomisen nimi:nimen viesti:viestin matkapuhelin:matkapuhelimen
tietokone:tietokoneen reklamaatio:reklamaation takuu:takuun kampanja:kampanjan jäsen:jäsenen
bonus:bonuksen vakuutus:vakuutuksen eläke:eläkkeen rahasto:rahaston osake:osakkeen säästö:säästön
vero:veron valuutta:valuutan matka:matkan nosto:noston talletus:talletuksen tunnusluku:tunnusluvun
asiakirja:asiakirjan lomake:lomakkeen valtakirja:valtakirjan yritys:yrityksen palkka:palkan
vastaanottaja:vastaanottajan muistutus:muistutuksen ostoskori:ostoskorin noutopiste:noutopisteen
hyvitys:hyvityksen varasto:varaston takki:takin kengät:kenkien toimitusaika:toimitusajan""",
    "en": """account:accounts card:cards password:passwords invoice:invoices payment:payments
delivery:deliveries parcel:parcels order:orders return:returns receipt:receipts statement:statements
balance:balances interest:rates loan:loans fee:fees app:apps login:logins code:codes address:addresses
phone:phones number:numbers customer:customers shop:shops item:items size:sizes discount:discounts
gift:gifts voucher:vouchers shipping:shipments bank:banks transfer:transfers token:tokens
security:safety fraud:scams block:blocks limit:limits credit:credits bill:bills agreement:contracts
cancellation:cancellations name:names message:messages mobile:mobiles computer:computers
complaint:complaints warranty:guarantees price:prices campaign:campaigns member:members point:points
bonus:bonuses insurance:policies pension:pensions fund:funds share:shares savings:deposits
mortgage:repayments tax:taxes currency:currencies travel:trips withdrawal:withdrawals
pin:pins signature:signatures document:documents form:forms authorisation:proxies business:companies
salary:wages recipient:recipients reminder:reminders basket:baskets pickup:lockers label:labels
refund:refunds stock:warehouse jacket:jackets shoes:boots checkout:tills""",
}

VERBS: dict[str, str] = {
    "sv": "byta ändra spärra beställa betala skicka returnera avboka logga öppna stänga aktivera koppla "
    "registrera uppdatera hämta överföra flytta återställa glömma blockera hitta kontakta reklamera spåra "
    "avsluta ansöka signera godkänna förnya låsa säga",
    "nb": "bytte endre sperre bestille betale sende returnere avbestille logge åpne stenge aktivere koble "
    "registrere oppdatere hente overføre flytte tilbakestille glemme blokkere finne kontakte reklamere "
    "spore avslutte søke signere godkjenne fornye låse",
    "da": "skifte ændre spærre bestille betale sende returnere afbestille logge åbne lukke aktivere "
    "tilknytte registrere opdatere hente overføre flytte nulstille glemme blokere finde kontakte "
    "reklamere spore afslutte ansøge underskrive godkende forny låse",
    "fi": "vaihtaa muuttaa estää tilata maksaa lähettää palauttaa peruuttaa kirjautua avata sulkea "
    "aktivoida yhdistää rekisteröidä päivittää hakea siirtää muuttaa palauttaa unohtaa löytää ottaa "
    "reklamoida seurata lopettaa hakea allekirjoittaa hyväksyä uusia lukita",
    "en": "change update block order pay send return cancel log open close activate connect register "
    "download transfer move reset forget lock find contact complain track end apply sign approve "
    "renew unlock replace report",
}

#: Sentences with {noun}, {noun2} and {verb} slots, as help pages write them.
SENTENCES: dict[str, tuple[str, ...]] = {
    "sv": (
        "Du kan {verb} {noun} direkt i appen eller i internetbanken.",
        "Om du vill {verb} {noun} behöver du logga in med BankID först.",
        "Det tar normalt två till tre bankdagar innan {noun} syns på ditt {noun2}.",
        "Kontakta kundtjänst om {noun} inte fungerar som den ska.",
        "Under Inställningar hittar du {noun} och kan {verb} den när du vill.",
        "Tänk på att {noun} kan kosta en avgift, se prislistan.",
        "Vi skickar en bekräftelse till din e-post när {noun} är klar.",
        "För din säkerhet ber vi dig aldrig lämna ut {noun} i telefon.",
        "Saknar du {noun}? Kontrollera först att {noun2} är rätt ifyllt.",
        "Våra öppettider är vardagar 8 till 17, helger är chatten öppen.",
    ),
    "nb": (
        "Du kan {verb} {noun} direkte i appen eller i nettbanken.",
        "Hvis du vil {verb} {noun} må du logge inn med BankID først.",
        "Det tar vanligvis to til tre virkedager før {noun} vises på {noun2}.",
        "Kontakt kundeservice hvis {noun} ikke fungerer som den skal.",
        "Under Innstillinger finner du {noun} og kan {verb} den når du vil.",
        "Husk at {noun} kan koste et gebyr, se prislisten.",
        "Vi sender en bekreftelse på e-post når {noun} er klar.",
        "For din sikkerhet ber vi deg aldri oppgi {noun} på telefon.",
        "Mangler du {noun}? Sjekk først at {noun2} er riktig fylt ut.",
        "Åpningstidene våre er hverdager 8 til 17, i helgene er chatten åpen.",
    ),
    "da": (
        "Du kan {verb} {noun} direkte i appen eller i netbanken.",
        "Hvis du vil {verb} {noun} skal du først logge på med MitID.",
        "Det tager normalt to til tre bankdage, før {noun} kan ses på {noun2}.",
        "Kontakt kundeservice, hvis {noun} ikke virker, som den skal.",
        "Under Indstillinger finder du {noun} og kan {verb} den, når du vil.",
        "Husk, at {noun} kan koste et gebyr, se prislisten.",
        "Vi sender en bekræftelse på e-mail, når {noun} er klar.",
        "Af hensyn til din sikkerhed beder vi dig aldrig oplyse {noun} i telefonen.",
    ),
    "fi": (
        "Voit {verb} {noun} suoraan sovelluksessa tai verkkopankissa.",
        "Jos haluat {verb} {noun}, kirjaudu ensin pankkitunnuksilla.",
        "Yleensä kestää kaksi tai kolme pankkipäivää ennen kuin {noun} näkyy.",
        "Ota yhteyttä asiakaspalveluun, jos {noun} ei toimi niin kuin pitäisi.",
        "Asetuksista löydät kohdan {noun} ja voit {verb} sen milloin haluat.",
        "Muista, että {noun} voi maksaa, katso hinnasto.",
        "Lähetämme vahvistuksen sähköpostiisi, kun {noun} on valmis.",
    ),
    "en": (
        "You can {verb} your {noun} straight from the app or the online bank.",
        "To {verb} your {noun} you first need to sign in with your security code.",
        "It usually takes two to three working days before the {noun} shows on your {noun2}.",
        "Contact customer service if your {noun} does not work as it should.",
        "Under Settings you will find the {noun} and can {verb} it whenever you like.",
        "Please note that the {noun} may cost a fee, see the price list.",
        "We send a confirmation by email once your {noun} is ready.",
        "For your safety we never ask you to give your {noun} over the phone.",
        "Missing your {noun}? First check that the {noun2} is filled in correctly.",
        "Our opening hours are weekdays 8 to 17; at weekends the chat is open.",
    ),
}

#: How customers wrap a question, with {verb}, {noun} and {noun2} slots.
QUESTIONS: dict[str, tuple[str, ...]] = {
    "sv": (
        "Hej! Jag försöker {verb} {noun} men det går inte, vad ska jag göra?",
        "hur gör jag för att {verb} mitt {noun}",
        "Varför syns inte {noun} på {noun2}? Tacksam för svar",
        "Hej, jag har problem med {noun} och {noun2} sedan igår. Mvh Anna",
        "kan man {verb} {noun} i appen?",
    ),
    "nb": (
        "Hei! Jeg prøver å {verb} {noun} men det går ikke, hva gjør jeg?",
        "hvordan kan jeg {verb} {noun}",
        "Hvorfor vises ikke {noun} på {noun2}? Takk for svar",
        "Hei, jeg har problemer med {noun} og {noun2} siden i går.",
    ),
    "da": (
        "Hej! Jeg prøver at {verb} {noun}, men det virker ikke. Hvad gør jeg?",
        "hvordan kan jeg {verb} {noun}",
        "Hvorfor kan jeg ikke se {noun} på {noun2}?",
    ),
    "fi": (
        "Hei! Yritän {verb} {noun} mutta se ei onnistu, mitä teen?",
        "miten voin {verb} {noun}",
        "Miksi {noun} ei näy? Kiitos vastauksesta",
    ),
    "en": (
        "Hi! I'm trying to {verb} my {noun} but it doesn't work, what should I do?",
        "how do i {verb} my {noun}",
        "Why isn't the {noun} showing on my {noun2}? Thanks",
        "Hello, I have a problem with my {noun} and {noun2} since yesterday.",
        "can I {verb} the {noun} in the app?",
    ),
}
