"""The words of the acknowledgement in the customer's language: the shipped templates (sv, nb, da, fi,
en), the expected answer time in words ("by tomorrow, Tuesday, before 12:00") and the fields a
template may use. Day and month names and the time of day come from Babel (CLDR), in each language's
own form; only the short frames around them ("today before ...") are written here. No Django here:
plain functions over values, so the wording is tested on its own."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_time, get_date_format

#: The languages acknowledgements are written in, and the Babel locale that says dates in each
#: (English as written in Europe: 24-hour clock, day before month).
LOCALES = {"sv": "sv", "nb": "nb", "da": "da", "fi": "fi", "en": "en_GB"}
FALLBACK_LANGUAGE = "en"
#: The fields a template may use, each written ``{name}``.
FIELDS = ("case_number", "customer_name", "subject", "expected_time", "faq")
_FIELD = re.compile(r"\{(\w+)\}")


@dataclass(frozen=True)
class Frames:
    """How one language says "answered by <when>": the same day, the next day, any later day."""

    today: str
    tomorrow: str
    later: str
    unknown: str
    faq_heading: str


FRAMES: Mapping[str, Frames] = {
    "en": Frames(
        today="today before {time}",
        tomorrow="by tomorrow, {weekday}, before {time}",
        later="by {date} before {time}",
        unknown="as soon as we can",
        faq_heading="These articles may answer your question already:",
    ),
    "sv": Frames(
        today="i dag före kl. {time}",
        tomorrow="senast i morgon, {weekday}, före kl. {time}",
        later="senast {date} före kl. {time}",
        unknown="så snart vi kan",
        faq_heading="De här artiklarna kanske redan besvarar din fråga:",
    ),
    "nb": Frames(
        today="i dag før kl. {time}",
        tomorrow="senest i morgen, {weekday}, før kl. {time}",
        later="senest {date} før kl. {time}",
        unknown="så snart vi kan",
        faq_heading="Disse artiklene kan kanskje allerede svare på spørsmålet ditt:",
    ),
    "da": Frames(
        today="i dag inden kl. {time}",
        tomorrow="senest i morgen, {weekday}, inden kl. {time}",
        later="senest {date} inden kl. {time}",
        unknown="så hurtigt vi kan",
        faq_heading="Disse artikler besvarer måske allerede dit spørgsmål:",
    ),
    # Finnish takes the weekday in the essive ("tiistaina"): CLDR's format-context names are that form.
    "fi": Frames(
        today="tänään ennen klo {time}",
        tomorrow="viimeistään huomenna {weekday} ennen klo {time}",
        later="viimeistään {date} ennen klo {time}",
        unknown="niin pian kuin mahdollista",
        faq_heading="Nämä artikkelit saattavat jo vastata kysymykseesi:",
    ),
}


@dataclass(frozen=True)
class TemplateText:
    subject: str
    body: str


#: The acknowledgement as Lojal ships it. The case number token ("[#26-001234]") is added to the
#: subject when it is sent, whatever the template says, so that replies join the case.
DEFAULT_TEMPLATES: Mapping[str, TemplateText] = {
    "en": TemplateText(
        subject="We have received your message: {subject}",
        body=(
            "Hello {customer_name},\n\n"
            "Thank you for your message. We have received it as case {case_number}.\n\n"
            "We expect to answer you {expected_time}. If you write to us again about the same matter, "
            "keep the case number in the subject and your message joins the case.\n\n"
            "{faq}\n\n"
            "Kind regards\nCustomer service"
        ),
    ),
    "sv": TemplateText(
        subject="Vi har tagit emot ditt meddelande: {subject}",
        body=(
            "Hej {customer_name}!\n\n"
            "Tack för ditt meddelande. Vi har tagit emot det som ärende {case_number}.\n\n"
            "Vi räknar med att svara dig {expected_time}. Om du skriver till oss igen i samma fråga, "
            "behåll ärendenumret i ämnesraden så hamnar ditt meddelande i ärendet.\n\n"
            "{faq}\n\n"
            "Med vänliga hälsningar\nKundtjänst"
        ),
    ),
    "nb": TemplateText(
        subject="Vi har mottatt meldingen din: {subject}",
        body=(
            "Hei {customer_name}!\n\n"
            "Takk for meldingen din. Vi har mottatt den som sak {case_number}.\n\n"
            "Vi regner med å svare deg {expected_time}. Hvis du skriver til oss igjen om det samme, "
            "behold saksnummeret i emnefeltet, så havner meldingen din i saken.\n\n"
            "{faq}\n\n"
            "Vennlig hilsen\nKundeservice"
        ),
    ),
    "da": TemplateText(
        subject="Vi har modtaget din besked: {subject}",
        body=(
            "Hej {customer_name}\n\n"
            "Tak for din henvendelse. Vi har modtaget den som sag {case_number}.\n\n"
            "Vi forventer at svare dig {expected_time}. Hvis du skriver til os igen om det samme, "
            "så behold sagsnummeret i emnefeltet, så kommer din besked med i sagen.\n\n"
            "{faq}\n\n"
            "Med venlig hilsen\nKundeservice"
        ),
    ),
    "fi": TemplateText(
        subject="Olemme vastaanottaneet viestisi: {subject}",
        body=(
            "Hei {customer_name}!\n\n"
            "Kiitos viestistäsi. Olemme vastaanottaneet sen, ja asian numero on {case_number}.\n\n"
            "Arvioimme vastaavamme sinulle {expected_time}. Jos kirjoitat meille uudelleen samasta asiasta, "
            "säilytä asian numero viestin otsikossa, niin viestisi liitetään samaan asiaan.\n\n"
            "{faq}\n\n"
            "Ystävällisin terveisin\nAsiakaspalvelu"
        ),
    ),
}


def language_of(value: str) -> str:
    """The acknowledgement language for a case's language ("sv", "sv-SE", "nn" ...): English when
    Lojal has no template in it. Nynorsk and "no" read Bokmål."""
    code = (value or "").strip().lower().replace("_", "-").split("-")[0]
    if code in {"no", "nn"}:
        code = "nb"
    return code if code in LOCALES else FALLBACK_LANGUAGE


def _date_without_year(day: dt.date, locale: str) -> str:
    """The day as the language writes a full date, without the year ("måndag 14 december",
    "mandag den 14. december", "maanantaina 14. joulukuuta")."""
    pattern = get_date_format("full", locale=locale).pattern
    pattern = re.sub(r"[\s,.]*\by+\b", "", pattern).replace("cccc", "EEEE").replace(",", "").strip()
    return format_date(day, pattern, locale=locale)


def expected_time_words(
    promised_by: dt.datetime | None, *, now: dt.datetime, language: str, time_zone: str
) -> str:
    """``promised_by`` in words, relative to ``now``, in ``time_zone``'s wall-clock time: "today before
    15:00", "by tomorrow, Tuesday, before 12:00", "by Monday 14 December before 10:00" (in the
    language's own forms). None (no estimate could be made) reads "as soon as we can"."""
    language = language_of(language)
    frames, locale = FRAMES[language], LOCALES[language]
    if promised_by is None:
        return frames.unknown
    zone = ZoneInfo(time_zone)
    local, today = promised_by.astimezone(zone), now.astimezone(zone).date()
    time = format_time(local.time(), "short", locale=locale)
    if local.date() <= today:
        return frames.today.format(time=time)
    if local.date() == today + dt.timedelta(days=1):
        return frames.tomorrow.format(time=time, weekday=format_date(local.date(), "EEEE", locale=locale))
    return frames.later.format(time=time, date=_date_without_year(local.date(), locale))


@dataclass(frozen=True)
class FaqLink:
    """An FAQ article offered with the acknowledgement (see cases.ack_faq)."""

    title: str
    url: str


def faq_block(articles: Sequence[FaqLink], *, language: str) -> str:
    """The ``{faq}`` field: a heading and one line per article, or nothing at all."""
    if not articles:
        return ""
    lines = [FRAMES[language_of(language)].faq_heading]
    lines += [f"- {article.title}: {article.url}" for article in articles]
    return "\n".join(lines)


def unknown_fields(text: str) -> list[str]:
    """The ``{names}`` in ``text`` that are no template field, in order of appearance."""
    found = [match.group(1) for match in _FIELD.finditer(text)]
    return [name for index, name in enumerate(found) if name not in FIELDS and name not in found[:index]]


def fill(text: str, values: Mapping[str, str]) -> str:
    """``text`` with its fields filled. An empty customer name takes the space before it along (no
    "Hello ,"), and the blank lines an empty FAQ field leaves close up."""
    if not values.get("customer_name"):
        text = re.sub(r"[ \t]*\{customer_name\}", "", text)
    filled = _FIELD.sub(lambda found: values.get(found.group(1), found.group(0)), text)
    return re.sub(r"\n{3,}", "\n\n", filled).strip()


def subject_with_token(subject: str, number: str) -> str:
    """The subject with the case number token "[#26-001234]" (added at the end unless it is there)."""
    token = f"[#{number}]"
    subject = " ".join(subject.split())
    return subject if token in subject else f"{subject} {token}".strip()


#: What the template page's preview fills the fields with, per language.
SAMPLES: Mapping[str, tuple[str, str]] = {
    "sv": ("Anna Andersson", "Fel belopp på fakturan"),
    "nb": ("Kari Nordmann", "Feil beløp på fakturaen"),
    "da": ("Mette Hansen", "Forkert beløb på fakturaen"),
    "fi": ("Matti Virtanen", "Väärä summa laskussa"),
    "en": ("Alex Smith", "Wrong amount on the invoice"),
}
