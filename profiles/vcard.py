"""Build a vCard for a profile's "download contact details" link.

The card is vCard 3.0 (RFC 2426), the version that Outlook, Apple Contacts and Google
Contacts all import reliably. Serve it as ``text/vcard; charset=utf-8``: vCard 3.0
takes its character set from the MIME type, not from a parameter in the card.
"""

from dataclasses import dataclass

from django.utils.text import slugify

from sociable.text import strip_invisible

CRLF = "\r\n"
MAX_LINE_OCTETS = 75
MAX_FILENAME_STEM = 60
PHONE_TYPES = {"work": "WORK,VOICE", "cell": "CELL,VOICE"}


@dataclass(frozen=True)
class ContactCard:
    """What a profile shares as contact details. Empty values are left out of the card."""

    full_name: str
    job_title: str = ""
    organisation: str = ""
    team: str = ""
    emails: tuple[str, ...] = ()
    phones: tuple[tuple[str, str], ...] = ()  # (kind, number); kind is "work" or "cell"
    address: str = ""  # office or building, free text
    url: str = ""  # the profile's absolute URL
    pronouns: str = ""
    note: str = ""


def clean_text(value: str) -> str:
    """Normalise line breaks to \\n and drop other control characters except tab
    (``sociable.text``), whatever is stored."""
    return strip_invisible(value.replace("\r\n", "\n").replace("\r", "\n")).strip()


def escape(value: str) -> str:
    """Escape a text value: backslash, comma, semicolon and newline."""
    return (
        clean_text(value)
        .replace("\\", "\\\\")
        .replace(",", "\\,")
        .replace(";", "\\;")
        .replace("\n", "\\n")
    )


def structured(*components: str) -> str:
    """Join escaped components with semicolons, as N, ORG and ADR need."""
    return ";".join(escape(component) for component in components)


def split_name(full_name: str) -> tuple[str, str]:
    """Split a full name into (family, given): the last word, and the words before it.

    This is a guess that suits most names written given-name first; it is wrong for
    some (e.g. "Ludwig van Beethoven", or family-name-first names). FN always carries
    the name exactly as the person wrote it, and contact apps display FN.
    """
    words = full_name.split()
    if not words:
        return "", ""
    return words[-1], " ".join(words[:-1])


def fold(line: str) -> str:
    """Fold a content line so no line exceeds 75 octets of UTF-8.

    Continuation lines start with one space, which counts towards their 75 octets.
    A multi-byte character is never split across lines.
    """
    chunks: list[str] = []
    current: list[str] = []
    size = 0
    limit = MAX_LINE_OCTETS
    for char in line:
        octets = len(char.encode("utf-8"))
        if size + octets > limit:
            chunks.append("".join(current))
            current, size, limit = [], 0, MAX_LINE_OCTETS - 1
        current.append(char)
        size += octets
    chunks.append("".join(current))
    return (CRLF + " ").join(chunks)


def note_text(card: ContactCard) -> str:
    """Combine pronouns and the note, pronouns first."""
    parts = [f"Pronouns: {card.pronouns.strip()}" if card.pronouns.strip() else ""]
    parts.append(card.note.strip())
    return "\n".join(part for part in parts if part)


def org_value(organisation: str, team: str) -> str:
    """Return ORG as organisation;team, without a trailing empty team."""
    return structured(organisation, team) if team.strip() else structured(organisation)


def phone_line(kind: str, number: str) -> str:
    """Return a TEL line for a "work" or "cell" number."""
    if kind not in PHONE_TYPES:
        raise ValueError(f"Unknown phone kind {kind!r}: use one of {sorted(PHONE_TYPES)}")
    return f"TEL;TYPE={PHONE_TYPES[kind]}:{escape(number)}"


def content_lines(card: ContactCard) -> list[str]:
    """Return the card's unfolded content lines, leaving out empty properties."""
    family, given = split_name(clean_text(card.full_name))
    lines = [
        "BEGIN:VCARD",
        "VERSION:3.0",
        f"FN:{escape(card.full_name)}",
        f"N:{structured(family, given, '', '', '')}",
    ]
    if card.organisation.strip() or card.team.strip():
        lines.append(f"ORG:{org_value(card.organisation, card.team)}")
    if card.job_title.strip():
        lines.append(f"TITLE:{escape(card.job_title)}")
    lines += [f"EMAIL;TYPE=INTERNET,WORK:{escape(e)}" for e in card.emails if e.strip()]
    lines += [phone_line(kind, number) for kind, number in card.phones if number.strip()]
    if card.address.strip():
        lines.append(f"ADR;TYPE=WORK:{structured('', '', card.address, '', '', '', '')}")
    if card.url.strip():
        lines.append(f"URL:{escape(card.url)}")
    if note := note_text(card):
        lines.append(f"NOTE:{escape(note)}")
    lines.append("END:VCARD")
    return lines


def build_vcard(card: ContactCard) -> str:
    """Return the card as vCard 3.0 text with CRLF line endings and folded lines."""
    if not clean_text(card.full_name):
        raise ValueError("A contact card needs a full name")
    return "".join(fold(line) + CRLF for line in content_lines(card))


def vcard_filename(full_name: str) -> str:
    """Return a safe ASCII file name for the card, e.g. "amara-okafor.vcf"."""
    stem = slugify(full_name)[:MAX_FILENAME_STEM].strip("-_")
    return f"{stem or 'contact'}.vcf"
