"""The help centre's part of the site map (tests/browser/site.py): a few published articles in
Swedish and Norwegian, one only in Swedish (the Norwegian page falls back with a note). Its addresses
differ from the knowledge pages' part (knowledge_site.py), which the same walk creates first."""

from __future__ import annotations

import uuid

from tests.knowledge.help_support import article, category

HELP_PUBLIC = {
    "knowledge-help:root",
    "knowledge-help:home",
    "knowledge-help:search",
    "knowledge-help:category",
    "knowledge-help:article",
}
HELP_NOT_PAGES = {"knowledge-help:feedback"}  # POST only: checked on the article page


def help_world() -> dict[str, str]:
    """Help centre articles; returns the parametrised pages' addresses."""
    cards = category("kort-och-betalningar", "Cards", sv="Kort och betalningar", nb="Kort og betaling")
    delivery = category("leverans", "Delivery", sv="Leveranser", nb="Levering")
    pin = uuid.uuid4()
    article(
        "Byta pinkod på kortet",
        slug="byta-pinkod",
        group=pin,
        category=cards,
        body="Logga in i appen och välj Kort, sedan Byt pinkod. Den nya pinkoden gäller direkt.",
    )
    article(
        "Bytte PIN-kode på kortet",
        language="nb",
        slug="bytte-pin-kode",
        group=pin,
        category=cards,
        body="Logg inn i appen og velg Kort, deretter Bytt PIN-kode. Den nye PIN-koden gjelder med en gang.",
    )
    article(
        "Spärra kortet om det kommit bort",
        slug="sparra-kortet-om-det-kommit-bort",
        category=cards,
        body="Spärra kortet direkt i appen under Kort, eller ring oss dygnet runt.",
    )
    article(
        "När kommer mitt paket?",
        slug="nar-kommer-paketet",
        category=delivery,
        body="Paket levereras inom två till fyra vardagar. Spårningslänken finns i orderbekräftelsen.",
    )
    article(
        "Når kommer pakken min?",
        language="nb",
        slug="nar-kommer-pakken",
        category=delivery,
        body="Pakker leveres innen to til fire virkedager. Sporingslenken står i ordrebekreftelsen.",
    )
    return {
        "knowledge-help:home": "/help/sv/",
        "knowledge-help:search": "/help/nb/search/?q=pakke",
        "knowledge-help:category": "/help/nb/c/kort-och-betalningar/",
        "knowledge-help:article": "/help/nb/sparra-kortet-om-det-kommit-bort/",
        "knowledge-help:feedback": "",
    }
