"""The vCard behind "download contact details", read back with a real vCard parser."""

import pytest
import vobject

from profiles.vcard import ContactCard, build_vcard, vcard_filename

AMARA = ContactCard(
    full_name="Amara Okafor",
    job_title="Senior Data Analyst",
    organisation="Kirkfield City Council",
    team="Insight and Performance",
    emails=("amara.okafor@council.example.gov.uk", "amara@example.com"),
    phones=(("work", "+44 113 496 0000"), ("cell", "07700 900123")),
    address="Civic Centre, Floor 3\nKirkfield KF1 1AA",
    url="https://sociable.example.gov.uk/people/amara-okafor/",
    pronouns="she/her",
    note="Happy to help with Python and R.",
)

HOSTILE = "Ann, Lee; Jr.\nEND:VCARD\r\nBEGIN:VCARD <script>alert('x')</script> C:\\temp"


def parse(text: str):
    """Parse exactly one vCard, as a contacts app would."""
    return vobject.readOne(text)


def physical_lines(text: str) -> list[bytes]:
    """Split the card into its lines as octets, without the CRLFs."""
    return text.encode("utf-8").split(b"\r\n")[:-1]


def test_every_field_reads_back_from_the_card():
    card = parse(build_vcard(AMARA))

    assert card.version.value == "3.0"
    assert card.fn.value == "Amara Okafor"
    assert (card.n.value.family, card.n.value.given) == ("Okafor", "Amara")
    assert card.org.value == ["Kirkfield City Council", "Insight and Performance"]
    assert card.title.value == "Senior Data Analyst"
    assert [email.value for email in card.email_list] == list(AMARA.emails)
    assert all(email.params["TYPE"] == ["INTERNET", "WORK"] for email in card.email_list)
    assert [(tel.params["TYPE"], tel.value) for tel in card.tel_list] == [
        (["WORK", "VOICE"], "+44 113 496 0000"),
        (["CELL", "VOICE"], "07700 900123"),
    ]
    assert card.adr.params["TYPE"] == ["WORK"]
    assert card.adr.value.street == "Civic Centre, Floor 3\nKirkfield KF1 1AA"
    assert card.url.value == "https://sociable.example.gov.uk/people/amara-okafor/"
    assert card.note.value == "Pronouns: she/her\nHappy to help with Python and R."


def test_the_card_starts_and_ends_as_vcard_3_requires():
    lines = build_vcard(AMARA).split("\r\n")

    assert lines[:2] == ["BEGIN:VCARD", "VERSION:3.0"]
    assert lines[-2:] == ["END:VCARD", ""]


def test_every_line_ends_in_crlf():
    text = build_vcard(AMARA)

    assert text.endswith("\r\n")
    assert text.count("\n") == text.count("\r\n")
    assert text.count("\r") == text.count("\r\n")


def test_commas_semicolons_newlines_and_html_stay_literal():
    card = parse(build_vcard(ContactCard(full_name=HOSTILE, job_title=HOSTILE, team=HOSTILE)))
    normalised = HOSTILE.replace("\r\n", "\n")

    assert card.fn.value == normalised
    assert card.title.value == normalised
    assert card.org.value == ["", normalised]
    assert card.n.value.family == "C:\\temp"


def test_an_injected_end_line_does_not_end_the_card():
    text = build_vcard(ContactCard(full_name=HOSTILE, note=HOSTILE))

    assert [line for line in text.split("\r\n") if line.startswith("END:")] == ["END:VCARD"]
    assert len(list(vobject.readComponents(text))) == 1


def test_a_long_unicode_note_is_folded_to_75_octets_and_unfolds_exactly():
    note = "Zoë’s notes — 日本語とעברית, 🚲🚲🚲; café au lait. " * 12
    text = build_vcard(ContactCard(full_name="Zoë Ní Bhriain", note=note.strip()))

    lines = physical_lines(text)
    assert max(len(line) for line in lines) <= 75
    assert any(len(line) > 70 for line in lines)
    assert sum(line.startswith(b" ") for line in lines) > 5
    for line in lines:
        line.decode("utf-8")  # no multi-byte character was cut in two
    assert parse(text).note.value == note.strip()


def test_a_continuation_line_counts_its_leading_space():
    text = build_vcard(ContactCard(full_name="A B", note="x" * 500))

    continuations = [line for line in physical_lines(text) if line.startswith(b" ")]
    assert continuations
    assert all(len(line) <= 75 for line in continuations)
    assert len(continuations[0]) == 75


def test_empty_fields_are_left_out():
    text = build_vcard(ContactCard(full_name="Tom Whitaker", emails=("", "  "), phones=()))

    names = [line.split(":")[0].split(";")[0] for line in text.split("\r\n") if line]
    assert names == ["BEGIN", "VERSION", "FN", "N", "END"]


def test_pronouns_alone_make_the_note():
    card = parse(build_vcard(ContactCard(full_name="Jordan Reid", pronouns="they/them")))

    assert card.note.value == "Pronouns: they/them"


def test_a_team_without_an_organisation_is_kept_as_the_unit():
    card = parse(build_vcard(ContactCard(full_name="Jordan Reid", team="Volunteers")))

    assert card.org.value == ["", "Volunteers"]


def test_an_organisation_without_a_team_has_no_empty_unit():
    text = build_vcard(ContactCard(full_name="Jordan Reid", organisation="Kirkfield Trust"))

    assert "ORG:Kirkfield Trust\r\n" in text


def test_a_single_word_name_is_the_family_name():
    card = parse(build_vcard(ContactCard(full_name="Madonna")))

    assert (card.n.value.family, card.n.value.given) == ("Madonna", "")


def test_a_name_of_several_words_puts_the_last_as_family_name():
    card = parse(build_vcard(ContactCard(full_name="  Mary  Jane   van Dyke ")))

    assert (card.n.value.family, card.n.value.given) == ("Dyke", "Mary Jane van")
    assert card.fn.value == "Mary  Jane   van Dyke"


def test_control_characters_are_dropped():
    card = parse(build_vcard(ContactCard(full_name="Amara\x00 Oka\x1bfor")))

    assert card.fn.value == "Amara Okafor"


def test_a_blank_name_is_refused():
    with pytest.raises(ValueError, match="full name"):
        build_vcard(ContactCard(full_name=" \n "))


def test_an_unknown_phone_kind_is_refused():
    with pytest.raises(ValueError, match="fax"):
        build_vcard(ContactCard(full_name="Amara Okafor", phones=(("fax", "0113 496 0001"),)))


@pytest.mark.parametrize(
    ("full_name", "filename"),
    [
        ("Amara Okafor", "amara-okafor.vcf"),
        ("Zoë Ní Bhriain", "zoe-ni-bhriain.vcf"),
        ("Siân O'Neill-Brown, PhD", "sian-oneill-brown-phd.vcf"),
        ("../../etc/passwd", "etcpasswd.vcf"),
        ('Tom "<script>" Whitaker', "tom-script-whitaker.vcf"),
        ("张伟", "contact.vcf"),
        ("", "contact.vcf"),
    ],
)
def test_the_file_name_is_plain_ascii_without_accents_or_punctuation(full_name, filename):
    assert vcard_filename(full_name) == filename


def test_a_very_long_name_gives_a_short_file_name():
    filename = vcard_filename("Bartholomew " * 20)

    assert len(filename) <= 64
    assert filename.endswith(".vcf")
    assert "-.vcf" not in filename
