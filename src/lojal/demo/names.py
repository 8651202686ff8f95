"""Compact, real Nordic reference lists for demo data: common given names and surnames per country,
street-name stems, towns with their postal code ranges, municipality and region, and company-name parts.

Lists are ordered roughly by how common the name is; the generator weights earlier entries more.
"""

from __future__ import annotations

from typing import NamedTuple


def _split(text: str) -> tuple[str, ...]:
    return tuple(" ".join(item.split()) for item in text.split(",") if item.strip())


def _per_country(**lists: str) -> dict[str, tuple[str, ...]]:
    """Comma-separated lists per country code, written compactly."""
    return {country: _split(text) for country, text in lists.items()}


def _pairs_of_words(text: str) -> tuple[tuple[str, str], ...]:
    return tuple((item.split(":")[0], item.split(":")[1]) for item in _split(text))


def _per_country_weighted(**lists: str) -> dict[str, tuple[tuple[str, int], ...]]:
    """Comma-separated ``value:weight`` lists per country code."""
    return {
        country: tuple((item.rsplit(":", 1)[0], int(item.rsplit(":", 1)[1])) for item in _split(text))
        for country, text in lists.items()
    }


class Town(NamedTuple):
    """A town with the postal codes used in it, the municipality it lies in and its county/region."""

    city: str
    first_postal_code: int
    last_postal_code: int
    municipality: str
    region: str


FEMALE_NAMES = _per_country(
    SE="""
        Anna, Eva, Maria, Karin, Kristina, Lena, Sara, Kerstin, Emma, Ingrid, Elisabeth, Marie, Malin,
        Birgitta, Jenny, Inger, Annika, Linda, Johanna, Susanne, Monica, Elin, Hanna, Ulla, Carina,
        Katarina, Sofia, Ida, Helena, Camilla, Julia, Åsa, Agneta, Gunilla, Elsa, Alice, Maja, Ebba,
        Wilma, Astrid, Linnéa, Matilda, Frida, Lisa, Ingela, Britt, Margareta, Signe
    """,
    NO="""
        Anne, Inger, Kari, Marit, Ingrid, Liv, Eva, Berit, Astrid, Bjørg, Hilde, Anna, Solveig,
        Marianne, Randi, Ida, Nina, Maria, Elisabeth, Kristin, Bente, Heidi, Silje, Hanne, Gro, Tone,
        Ragnhild, Camilla, Mette, Turid, Ellen, Sissel, Nora, Emma, Sofie, Ingeborg, Sara, Thea, Maja,
        Ingvild, Tonje, Kristine, Malin, Hege, Åse, Synnøve, Guro, Live
    """,
    DK="""
        Anne, Kirsten, Mette, Hanne, Helle, Anna, Susanne, Lene, Maria, Marianne, Lone, Camilla, Pia,
        Louise, Inge, Charlotte, Bente, Tina, Gitte, Karen, Jette, Lotte, Rikke, Julie, Emma, Ida,
        Sofie, Freja, Laura, Clara, Ella, Karina, Dorthe, Birgit, Merete, Signe, Maja, Christina,
        Cecilie, Mathilde, Nanna, Line, Vibeke, Birthe, Trine, Astrid, Agnes, Sørine
    """,
    FI="""
        Anna, Maria, Helena, Johanna, Kaarina, Marjatta, Liisa, Annikki, Hannele, Tuula, Päivi, Anne,
        Riitta, Sari, Minna, Tiina, Leena, Pirjo, Merja, Satu, Marja, Anneli, Kirsi, Sanna, Elina,
        Laura, Heidi, Katja, Jenni, Emilia, Aino, Sofia, Eveliina, Aada, Venla, Helmi, Ella, Emma,
        Ilona, Kristiina, Outi, Eija, Hanna, Noora, Sirpa, Ritva, Aila, Tuulikki
    """,
)

MALE_NAMES = _per_country(
    SE="""
        Lars, Anders, Johan, Mikael, Per, Karl, Erik, Peter, Jan, Thomas, Daniel, Fredrik, Hans, Bengt,
        Magnus, Mats, Stefan, Andreas, Bo, Nils, Jonas, Alexander, Marcus, Mattias, Martin, Göran, Leif,
        Björn, Ulf, Henrik, Oskar, Gustav, Viktor, William, Lucas, Hugo, Elias, Axel, Filip, Emil, Olof,
        Sven, Håkan, Kjell, Oscar, Rolf, Torbjörn, Åke
    """,
    NO="""
        Jan, Per, Bjørn, Ole, Lars, Kjell, Knut, Arne, Svein, Thomas, Hans, Geir, Tor, Morten, Terje,
        Odd, Erik, Martin, Andreas, John, Anders, Rune, Trond, Tore, Jon, Harald, Olav, Espen, Kristian,
        Magnus, Henrik, Jonas, Sindre, Håkon, Eirik, Sondre, Jakob, Emil, Filip, Mathias, Stian,
        Øystein, Gunnar, Steinar, Even, Asbjørn, Halvor, Vegard
    """,
    DK="""
        Peter, Jens, Michael, Lars, Henrik, Thomas, Søren, Jan, Niels, Christian, Martin, Jørgen,
        Morten, Hans, Anders, Rasmus, Per, Jesper, Ole, Mads, Kim, Poul, Erik, Frederik, Mikkel, Kasper,
        Jakob, Brian, Torben, Carsten, Bo, Steen, Allan, Kenneth, Jacob, Lasse, Mathias, William,
        Oliver, Noah, Emil, Magnus, Victor, Johan, Bent, Flemming, Preben, Asger
    """,
    FI="""
        Juhani, Johannes, Olavi, Antero, Tapani, Kalevi, Mikael, Matti, Timo, Kari, Jari, Mikko, Antti,
        Jukka, Pekka, Markku, Juha, Heikki, Janne, Hannu, Ville, Petri, Sami, Tommi, Tuomas, Lauri, Ari,
        Risto, Jussi, Marko, Teemu, Jani, Eero, Onni, Elias, Leo, Oliver, Eino, Väinö, Aleksi, Joonas,
        Niko, Veikko, Toni, Harri, Pentti, Seppo, Esa
    """,
)

SURNAMES = _per_country(
    SE="""
        Andersson, Johansson, Karlsson, Nilsson, Eriksson, Larsson, Olsson, Persson, Svensson,
        Gustafsson, Pettersson, Jonsson, Jansson, Hansson, Bengtsson, Jönsson, Lindberg, Jakobsson,
        Magnusson, Olofsson, Lindström, Lindqvist, Lindgren, Axelsson, Berg, Bergström, Lundberg, Lind,
        Lundgren, Lundqvist, Mattsson, Berglund, Fredriksson, Sandberg, Henriksson, Forsberg, Sjöberg,
        Wallin, Engström, Eklund, Danielsson, Lundin, Håkansson, Björk, Bergman, Gunnarsson, Holm,
        Wikström, Samuelsson, Isaksson, Fransson, Bergqvist, Nyström, Holmberg, Arvidsson, Löfgren,
        Söderberg, Nyberg, Blomqvist, Claesson, Mårtensson, Hedlund, Ekström, Sundberg, Åberg,
        Strömberg, Gyllenhammar, Wachtmeister, Östlund, Rydberg, Almqvist, Tegnér
    """,
    NO="""
        Hansen, Johansen, Olsen, Larsen, Andersen, Pedersen, Nilsen, Kristiansen, Jensen, Karlsen,
        Johnsen, Pettersen, Eriksen, Berg, Haugen, Hagen, Johannessen, Andreassen, Jacobsen, Dahl,
        Jørgensen, Halvorsen, Henriksen, Lund, Sørensen, Jakobsen, Moen, Gundersen, Iversen, Strand,
        Solberg, Svendsen, Eide, Knutsen, Martinsen, Paulsen, Bakken, Kristoffersen, Mathisen, Lie,
        Amundsen, Rasmussen, Lunde, Solheim, Berge, Moe, Nygård, Bakke, Kristensen, Fredriksen, Holm,
        Lien, Hauge, Christensen, Andresen, Knudsen, Evensen, Sæther, Aas, Myhre, Haugland, Ødegaard,
        Fjeld, Tveit, Vik, Brekke, Aasen, Skogen, Rønning, Grønvold
    """,
    DK="""
        Nielsen, Jensen, Hansen, Andersen, Pedersen, Christensen, Larsen, Sørensen, Rasmussen,
        Jørgensen, Petersen, Madsen, Kristensen, Olsen, Thomsen, Christiansen, Poulsen, Johansen,
        Møller, Mortensen, Knudsen, Jakobsen, Jacobsen, Mikkelsen, Olesen, Frederiksen, Laursen,
        Henriksen, Lund, Schmidt, Eriksen, Holm, Kristiansen, Clausen, Simonsen, Svendsen, Andreasen,
        Iversen, Jeppesen, Mogensen, Jespersen, Nissen, Lauridsen, Kjær, Vestergaard, Østergaard, Dahl,
        Bach, Friis, Damgaard, Skov, Berg, Brandt, Enevoldsen, Thygesen, Bjerregaard, Kofoed, Ravn,
        Toft, Juhl, Dalsgaard, Lindholm
    """,
    FI="""
        Korhonen, Virtanen, Mäkinen, Nieminen, Mäkelä, Hämäläinen, Laine, Heikkinen, Koskinen, Järvinen,
        Lehtonen, Lehtinen, Saarinen, Salminen, Heinonen, Niemi, Heikkilä, Kinnunen, Salonen, Turunen,
        Salo, Laitinen, Tuominen, Rantanen, Karjalainen, Jokinen, Mattila, Savolainen, Lahtinen, Ahonen,
        Hiltunen, Hirvonen, Leinonen, Miettinen, Kallio, Pitkänen, Aaltonen, Väisänen, Manninen,
        Laaksonen, Räsänen, Koivisto, Anttila, Hakala, Kettunen, Ojala, Lindholm, Nyman, Lindroos,
        Eskola, Peltonen, Honkanen, Räikkönen, Sibelius, Ruohonen, Kivelä, Hyvärinen, Tikkanen
    """,
)

STREETS = _per_country(
    SE="""
        Storgatan, Drottninggatan, Kungsgatan, Vasagatan, Sveavägen, Järnvägsgatan, Skolgatan,
        Kyrkogatan, Nygatan, Östra Långgatan, Götgatan, Hornsgatan, Linnégatan, Björkvägen, Granvägen,
        Tallvägen, Ekvägen, Lindvägen, Parkvägen, Skogsvägen, Ängsvägen, Bergsgatan, Strandvägen, Södra
        vägen, Industrigatan, Villavägen, Prästgatan, Torggatan, Bäckvägen, Rosenvägen, Fabriksgatan,
        Norra Allén, Klostergatan, Hamngatan, Trädgårdsgatan
    """,
    NO="""
        Storgata, Kirkegata, Strandveien, Skolegata, Parkveien, Bjørkeveien, Granveien, Kongens gate,
        Dronningens gate, Torggata, Markveien, Sjøgata, Fjellveien, Solbakken, Bakkeveien, Jernbanegata,
        Ringveien, Skogveien, Nedre gate, Øvre Slottsgate, Haugeveien, Thorvald Meyers gate,
        Bogstadveien, Møllergata, Grensen, Kongsveien, Eikeveien, Furuveien, Havnegata, Elvegata
    """,
    DK="""
        Nørregade, Vestergade, Østergade, Søndergade, Algade, Bredgade, Strandvejen, Skolevej, Kirkevej,
        Engvej, Birkevej, Bøgevej, Egevej, Skovvej, Parkvej, Møllevej, Vesterbrogade, Nørrebrogade,
        Amagerbrogade, Jernbanegade, Hovedgaden, Stationsvej, Rosenvænget, Kongensgade, Frederiksgade,
        Havnegade, Torvet, Lærkevej, Åboulevard, Vænget
    """,
    FI="""
        Mannerheimintie, Hämeenkatu, Aleksanterinkatu, Kauppakatu, Puistokatu, Rantakatu, Koulukatu,
        Kirkkokatu, Asemakatu, Kalevankatu, Kuninkaankatu, Satamakatu, Koivukuja, Mäntytie, Kuusitie,
        Pihlajatie, Metsätie, Rantatie, Kirkkotie, Myllytie, Teollisuuskatu, Runeberginkatu, Linnankatu,
        Tehtaankatu, Urheilukatu, Sibeliuksenkatu, Torikatu, Isokatu, Lönnrotinkatu, Koskikatu
    """,
)

# Finnish ranges are in tens: street-delivery postal codes end in 0 ("00100", "33720"), so the
# generator multiplies by ten. Norwegian and Danish codes have four digits, Swedish and Finnish five.
TOWNS = {
    "SE": (
        Town("Stockholm", 11120, 11869, "Stockholm", "Stockholms län"),
        Town("Göteborg", 41101, 41878, "Göteborg", "Västra Götalands län"),
        Town("Malmö", 21115, 21786, "Malmö", "Skåne län"),
        Town("Uppsala", 75220, 75655, "Uppsala", "Uppsala län"),
        Town("Västerås", 72210, 72597, "Västerås", "Västmanlands län"),
        Town("Örebro", 70210, 70375, "Örebro", "Örebro län"),
        Town("Linköping", 58216, 58758, "Linköping", "Östergötlands län"),
        Town("Helsingborg", 25220, 25669, "Helsingborg", "Skåne län"),
        Town("Jönköping", 55111, 55627, "Jönköping", "Jönköpings län"),
        Town("Norrköping", 60210, 60380, "Norrköping", "Östergötlands län"),
        Town("Lund", 22220, 22738, "Lund", "Skåne län"),
        Town("Umeå", 90325, 90750, "Umeå", "Västerbottens län"),
        Town("Gävle", 80250, 80649, "Gävle", "Gävleborgs län"),
        Town("Borås", 50330, 50760, "Borås", "Västra Götalands län"),
        Town("Sundsvall", 85230, 85653, "Sundsvall", "Västernorrlands län"),
        Town("Luleå", 97231, 97754, "Luleå", "Norrbottens län"),
        Town("Karlstad", 65220, 65639, "Karlstad", "Värmlands län"),
        Town("Växjö", 35230, 35263, "Växjö", "Kronobergs län"),
    ),
    "NO": (
        Town("Oslo", 150, 1295, "Oslo", "Oslo"),
        Town("Bergen", 5003, 5184, "Bergen", "Vestland"),
        Town("Trondheim", 7010, 7099, "Trondheim", "Trøndelag"),
        Town("Stavanger", 4005, 4099, "Stavanger", "Rogaland"),
        Town("Drammen", 3001, 3048, "Drammen", "Buskerud"),
        Town("Fredrikstad", 1601, 1639, "Fredrikstad", "Østfold"),
        Town("Kristiansand", 4601, 4639, "Kristiansand", "Agder"),
        Town("Sandnes", 4301, 4329, "Sandnes", "Rogaland"),
        Town("Tromsø", 9006, 9038, "Tromsø", "Troms"),
        Town("Sarpsborg", 1701, 1747, "Sarpsborg", "Østfold"),
        Town("Skien", 3701, 3739, "Skien", "Telemark"),
        Town("Ålesund", 6001, 6030, "Ålesund", "Møre og Romsdal"),
        Town("Bodø", 8001, 8050, "Bodø", "Nordland"),
        Town("Tønsberg", 3101, 3128, "Tønsberg", "Vestfold"),
        Town("Hamar", 2301, 2323, "Hamar", "Innlandet"),
        Town("Lillehammer", 2601, 2636, "Lillehammer", "Innlandet"),
    ),
    "DK": (
        Town("København K", 1050, 1473, "København", "Region Hovedstaden"),
        Town("København Ø", 2100, 2100, "København", "Region Hovedstaden"),
        Town("København N", 2200, 2200, "København", "Region Hovedstaden"),
        Town("Frederiksberg C", 1800, 1974, "Frederiksberg", "Region Hovedstaden"),
        Town("Aarhus C", 8000, 8000, "Aarhus", "Region Midtjylland"),
        Town("Aarhus N", 8200, 8200, "Aarhus", "Region Midtjylland"),
        Town("Odense C", 5000, 5000, "Odense", "Region Syddanmark"),
        Town("Aalborg", 9000, 9000, "Aalborg", "Region Nordjylland"),
        Town("Esbjerg", 6700, 6700, "Esbjerg", "Region Syddanmark"),
        Town("Randers C", 8900, 8900, "Randers", "Region Midtjylland"),
        Town("Kolding", 6000, 6000, "Kolding", "Region Syddanmark"),
        Town("Horsens", 8700, 8700, "Horsens", "Region Midtjylland"),
        Town("Vejle", 7100, 7100, "Vejle", "Region Syddanmark"),
        Town("Roskilde", 4000, 4000, "Roskilde", "Region Sjælland"),
        Town("Herning", 7400, 7400, "Herning", "Region Midtjylland"),
        Town("Silkeborg", 8600, 8600, "Silkeborg", "Region Midtjylland"),
        Town("Næstved", 4700, 4700, "Næstved", "Region Sjælland"),
        Town("Helsingør", 3000, 3000, "Helsingør", "Region Hovedstaden"),
    ),
    "FI": (
        Town("Helsinki", 10, 99, "Helsinki", "Uusimaa"),
        Town("Espoo", 210, 298, "Espoo", "Uusimaa"),
        Town("Vantaa", 130, 177, "Vantaa", "Uusimaa"),
        Town("Tampere", 3310, 3396, "Tampere", "Pirkanmaa"),
        Town("Oulu", 9010, 9094, "Oulu", "Pohjois-Pohjanmaa"),
        Town("Turku", 2010, 2096, "Turku", "Varsinais-Suomi"),
        Town("Jyväskylä", 4010, 4095, "Jyväskylä", "Keski-Suomi"),
        Town("Kuopio", 7010, 7095, "Kuopio", "Pohjois-Savo"),
        Town("Lahti", 1510, 1595, "Lahti", "Päijät-Häme"),
        Town("Pori", 2810, 2890, "Pori", "Satakunta"),
        Town("Joensuu", 8010, 8079, "Joensuu", "Pohjois-Karjala"),
        Town("Lappeenranta", 5310, 5395, "Lappeenranta", "Etelä-Karjala"),
        Town("Hämeenlinna", 1310, 1390, "Hämeenlinna", "Kanta-Häme"),
        Town("Vaasa", 6510, 6593, "Vaasa", "Pohjanmaa"),
        Town("Rovaniemi", 9610, 9696, "Rovaniemi", "Lappi"),
        Town("Seinäjoki", 6010, 6080, "Seinäjoki", "Etelä-Pohjanmaa"),
    ),
}

PERSONAL_EMAIL_DOMAINS = _per_country_weighted(
    SE="""
        gmail.com:35, hotmail.com:14, outlook.com:9, telia.com:9, icloud.com:7, hotmail.se:6, live.se:5,
        yahoo.se:4, bredband.net:4, comhem.se:4, spray.se:2
    """,
    NO="""
        gmail.com:35, hotmail.com:14, online.no:12, outlook.com:9, icloud.com:7, live.no:6, yahoo.no:5,
        getmail.no:3, hotmail.no:3
    """,
    DK="""
        gmail.com:35, hotmail.com:14, live.dk:10, mail.dk:8, icloud.com:7, outlook.dk:6, outlook.com:6,
        yahoo.dk:6, jubii.dk:3
    """,
    FI="""
        gmail.com:35, hotmail.com:12, outlook.com:8, elisanet.fi:8, yahoo.fi:6, luukku.com:6,
        icloud.com:5, suomi24.fi:5, live.fi:5, kolumbus.fi:4
    """,
)

COMPANY_STEMS = _per_country(
    SE="""
        Nordvik, Fjällgården, Solberga, Granlund, Ekdal, Björkhaga, Sjöstjärnan, Västkust, Norrsken,
        Ljungby, Älvdalen, Bergslagens, Kustlinjen, Skogsbrynet, Storsjö, Mälardalens, Roslagens,
        Österlen, Hallands, Vänerns, Tallbacken, Lärkan, Svanen, Nordstjärnan, Ekhagen
    """,
    NO="""
        Fjordlys, Nordlys, Fjellheim, Havbris, Vestkyst, Bjørkly, Solstrand, Trollheim, Polarlys,
        Skogly, Nordkapp, Fjellro, Vikingskip, Midnattsol, Lofoten, Hardanger, Sognefjord, Romsdal,
        Vestfold, Tindefjell
    """,
    DK="""
        Nordsø, Vesterhav, Skovly, Bøgely, Kattegat, Limfjord, Lyngby, Strandgården, Havblik,
        Mosegården, Egeskov, Fyns, Himmerlands, Djurs, Vadehav, Solbakken, Klitgården, Øresund,
        Lindegården, Kronborg
    """,
    FI="""
        Saimaa, Pohjola, Revontuli, Koivula, Järvi, Metsälä, Kaleva, Tapiola, Aurora, Lappi, Kuusela,
        Hiidenkivi, Ahvenanmaa, Karhu, Ilves, Kotka, Sammon, Tähti, Kivijärvi, Rauta
    """,
)

# (trade word in the local language, the industry it belongs to)
TRADES = {
    "SE": _pairs_of_words(
        """
        Bygg:Construction, Fastigheter:Real estate, Konsult:Consulting, Transport:Transport and
        logistics, Redovisning:Accounting, El:Electrical installation, VVS:Plumbing, Måleri:Painting,
        Data:IT services, Handel:Retail, Livs:Food and groceries, Trädgård:Gardening,
        Mekaniska:Manufacturing, Design:Design, Städ:Cleaning services
        """
    ),
    "NO": _pairs_of_words(
        """
        Bygg:Construction, Eiendom:Real estate, Rådgivning:Consulting, Transport:Transport and
        logistics, Regnskap:Accounting, Elektro:Electrical installation, Rør:Plumbing, Maling:Painting,
        Data:IT services, Handel:Retail, Fisk:Fishing and seafood, Entreprenør:Construction,
        Mekaniske:Manufacturing, Design:Design, Renhold:Cleaning services
        """
    ),
    "DK": _pairs_of_words(
        """
        Byg:Construction, Ejendomme:Real estate, Rådgivning:Consulting, Transport:Transport and
        logistics, Revision:Accounting, El:Electrical installation, VVS:Plumbing, Maler:Painting,
        Data:IT services, Handel:Retail, Fisk:Fishing and seafood, Tømrer:Construction,
        Maskinfabrik:Manufacturing, Design:Design, Rengøring:Cleaning services
        """
    ),
    "FI": _pairs_of_words(
        """
        Rakennus:Construction, Kiinteistöt:Real estate, Konsultointi:Consulting, Kuljetus:Transport and
        logistics, Tilitoimisto:Accounting, Sähkö:Electrical installation, LVI:Plumbing,
        Maalaus:Painting, Data:IT services, Kauppa:Retail, Elintarvike:Food and groceries,
        Puutarha:Gardening, Konepaja:Manufacturing, Design:Design, Siivous:Cleaning services
        """
    ),
}
COMPANY_FORMS = _per_country_weighted(
    SE="""
        AB:95, Aktiebolag:5
    """,
    NO="""
        AS:96, ASA:4
    """,
    DK="""
        ApS:60, A/S:40
    """,
    FI="""
        Oy:85, Oy Ab:15
    """,
)

FAMILY_FIRM = {
    "SE": "{surname} & Söner",
    "NO": "{surname} & Sønner",
    "DK": "{surname} & Søn",
    "FI": "{surname}",
}
COMPANY_MAILBOX = {"SE": "info", "NO": "post", "DK": "kontakt", "FI": "info"}
TOP_LEVEL_DOMAIN = {"SE": "se", "NO": "no", "DK": "dk", "FI": "fi"}

CONTACT_ROLES = _per_country(
    SE="""
        VD, Ekonomichef, Inköpsansvarig, Försäljningschef, Kontorschef, IT-ansvarig
    """,
    NO="""
        Daglig leder, Økonomisjef, Innkjøpsansvarlig, Salgssjef, Kontorleder, IT-ansvarlig
    """,
    DK="""
        Direktør, Økonomichef, Indkøbsansvarlig, Salgschef, Kontorchef, IT-ansvarlig
    """,
    FI="""
        Toimitusjohtaja, Talousjohtaja, Ostopäällikkö, Myyntipäällikkö, Toimistopäällikkö, IT-päällikkö
    """,
)

LANGUAGE_OF_COUNTRY = {"SE": "sv", "NO": "nb", "DK": "da", "FI": "fi"}

TAGS = (
    ("newsletter", 30),
    ("trade fair 2026", 8),
    ("webinar", 8),
    ("loyalty club", 12),
    ("beta", 4),
    ("referral", 6),
    ("black friday", 7),
    ("events", 6),
    ("press", 1),
    ("sms offers", 6),
)
ORGANISATION_TAGS = (("partner", 8), ("reseller", 5), ("key account", 6), ("b2b", 20), ("trade fair 2026", 6))
