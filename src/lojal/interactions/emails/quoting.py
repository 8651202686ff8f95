"""Where the new part of a reply ends: quoted history ("> ..."), the "On ... wrote:" line of Gmail and
Apple Mail, Outlook's header block ("From: ... Sent: ..."), forwarded-message markers and signatures.
The view shows the new part and folds the rest away. Plain module, no Django."""

from __future__ import annotations

import re

# "On 3 Nov 2026, at 10:12, Anna <a@b.se> wrote:", "Den tis 3 nov. 2026 kl 10:12 skrev Anna <a@b.se>:",
# "tir. 4. nov. 2026 kl. 12:01 skrev Kari <k@b.no>:": a line with a digit and "wrote"/"skrev", ending in ":".
_ATTRIBUTION = re.compile(
    r"^(?=.*\d).{0,300}\b(wrote|skrev|schrieb|a écrit|escribió|kirjoitti)\b.{0,200}:\s*$", re.IGNORECASE
)
_OUTLOOK_SEPARATOR = re.compile(
    r"^\s*(-{2,}\s*(original message|ursprungligt meddelande|opprinnelig melding|"
    r"forwarded message|vidarebefordrat meddelande|videresendt melding)\s*-{2,}|_{10,})\s*$",
    re.IGNORECASE,
)
_OUTLOOK_HEADER = re.compile(r"^\s*\*?(from|från|fra|von)\s*:\*?\s+\S", re.IGNORECASE)
_OUTLOOK_NEXT = re.compile(r"^\s*\*?(sent|skickat|sendt|date|datum|dato|gesendet)\s*:", re.IGNORECASE)
_SIGNATURE = re.compile(r"^(-- ?|—\s*)$")
_MOBILE_SIGNATURE = re.compile(
    r"^\s*(sent from my|skickat från min|sendt fra min|hämta outlook för|get outlook for)\b", re.IGNORECASE
)


def reply_split(text: str) -> tuple[str, str]:
    """``(new, folded)``: the part of ``text`` the writer just wrote, and the quoted history and
    signature after it. When nothing looks quoted, ``folded`` is empty."""
    lines = text.replace("\r\n", "\n").split("\n")
    cut = len(lines)
    for index, line in enumerate(lines):
        following = lines[index + 1] if index + 1 < len(lines) else ""
        if (
            _ATTRIBUTION.match(line)
            or _OUTLOOK_SEPARATOR.match(line)
            or (_OUTLOOK_HEADER.match(line) and _OUTLOOK_NEXT.match(following))
            or _SIGNATURE.match(line)
            or _MOBILE_SIGNATURE.match(line)
        ):
            cut = index
            break
        if line.startswith(">"):
            # A quote block that runs to the end (ignoring blank lines) is history, not inline answers.
            rest = [item for item in lines[index:] if item.strip()]
            if all(item.startswith(">") for item in rest):
                cut = index
                break
    new = "\n".join(lines[:cut]).rstrip()
    folded = "\n".join(lines[cut:]).strip()
    if not new.strip():
        # Everything looked quoted (a forward with no comment): show it all rather than nothing.
        return text.strip(), ""
    return new, folded
