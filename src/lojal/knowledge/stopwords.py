"""Stop words per article language: the Snowball project's lists (function words) and the greetings and
fillers customers put around a question ("hej", "tack", "please"). Search drops them from articles and
questions alike; they are written here with their diacritics and compared folded (``analysis.fold``)."""

from __future__ import annotations

_SWEDISH = """
och det att i en jag hon som han på den med var sig för så till är men ett om hade de av icke mig du
henne då sin nu har inte hans honom skulle hennes där min man ej vid kunde något från när efter vi dem
vara vad över än dig kan sina här ha mot alla under någon eller allt mycket sedan ju denna själv detta
åt utan varit hur ingen mitt ni bli blev oss din dessa några deras blir mina samma vilken er sådan vår
blivit dess inom mellan sådant varför varje vilka ditt vem vilket sådana vart dina vars vårt våra ert
era vilkas hej hejsan hallå tack tacksam hälsningar mvh vänliga snälla ska vill får fick måste kanske
också bara gör göra gjorde går kommer finns behöver undrar fråga frågor typ liksom lite redan igen
"""

_NORWEGIAN = """
og i jeg det at en et den til er som på de med han av ikke ikkje der så var meg seg men ett har om vi
min mitt ha hadde hun nå over da ved fra du sin dem oss man kan hans hvor eller hva skal selv sjøl her
alle vil bli ble blei blitt kunne når være kom noen noe ville dere deres kun ja etter ned skulle denne
for deg si sine sitt mot å meget hvorfor dette disse uten hvordan ingen din ditt blir samme hvilken
hvilke sånn mellom vår hver hvem vors hvis både bare enn fordi før mange også slik vært begge siden
dei eg ein eit me no so hei hallo takk hilsen vennlig vennligst må får fikk gjøre gjør gjorde går
finnes trenger lurer spørsmål litt allerede igjen kanskje
"""

_DANISH = """
og i jeg det at en den til er som på de med han af for ikke der var mig sig men et har om vi min havde
ham hun nu over da fra du sin dem os man hans hvor eller hvad skal selv her alle vil blev kunne når være
dog noget ville jo deres efter ned skulle denne end dette mit også under have dig anden hende mine alt
meget sit sine vor mod disse hvis din nogle hos blive mange ad bliver hendes været thi jer sådan hej
hallo tak hilsen venlig venligst kan må får fik gøre gør gjorde går findes behøver spørgsmål lidt
allerede igen måske bare
"""

_FINNISH = """
olla olen olet on olemme olette ovat ole oli olisi olisit olisin olisimme olisitte olisivat olit olin
olimme olitte olivat ollut olleet en et ei emme ette eivät minä minun minut minua minussa minusta
minuun minulla minulta minulle sinä sinun sinut sinua sinulla hän hänen hänet häntä me meidän meidät
meitä meillä te teidän he heidän heidät heitä tämä tämän tätä tässä tästä tähän tällä tältä tälle
tänä tuo tuon se sen sitä siinä siitä siihen sillä siltä sille siksi nämä ne niiden niitä joka jonka
jota jossa josta johon jolla jolta jolle mikä minkä mitä missä mistä mihin millä miltä mille miksi
kuka kenen ketä ja että kun jos koska mutta tai vaan kuin niin nyt jo myös vain voi voin voiko
pitää täytyy miten kuinka hei moi terve kiitos terveisin ystävällisesti
"""

_ENGLISH = """
a about above after again against all am an and any are as at be because been before being below
between both but by can could did do does doing during each few for from further had has have having
he her here hers herself him himself his how i if in into is it its itself just me more most my
myself no nor not now of off on once only or other our ours over own same she should so some such than
that the their theirs them then there these they this those through to too under until very was we
were what when where which while who whom why will with would you your yours yourself hi hello hey
dear thanks thank please regards cheers get got im ive dont cant cannot wont didnt doesnt isnt need
want help wondering question also already again still maybe just
"""

STOP_WORDS_TEXT: dict[str, str] = {
    "sv": _SWEDISH,
    "nb": _NORWEGIAN,
    "da": _DANISH,
    "fi": _FINNISH,
    "en": _ENGLISH,
}
