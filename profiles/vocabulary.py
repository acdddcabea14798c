"""How skill names are tidied and compared, so the vocabulary does not decay.

Two names with the same key are the same skill: "Video-editing", "video editing"
and "VIDEO  EDITING" all become the skill "Video editing".
"""

import re
import unicodedata

MAX_NAME_LENGTH = 100
_SPACES = re.compile(r"\s+")
_NOT_WORD = re.compile(r"[^0-9a-z+#]+")


def normalise_name(name: str) -> str:
    """Trim and collapse spaces; start an all-lower-case name with a capital letter."""
    name = _SPACES.sub(" ", name or "").strip()[:MAX_NAME_LENGTH]
    if name and name == name.lower():
        name = name[0].upper() + name[1:]
    return name


def skill_key(name: str) -> str:
    """Fold a name for comparison: no case, accents, punctuation or extra spaces."""
    folded = unicodedata.normalize("NFKD", name.casefold().replace("&", " and "))
    folded = "".join(c for c in folded if not unicodedata.combining(c))
    # At most as long as a name ("&" folds to " and ", longer than it was).
    return _NOT_WORD.sub(" ", folded).strip()[:MAX_NAME_LENGTH].strip()


def split_names(text: str) -> list[str]:
    """Split comma- or newline-separated names typed in a form, dropping blanks and repeats."""
    seen: set[str] = set()
    names = []
    for part in re.split(r"[,\n;]", text or ""):
        name = normalise_name(part)
        key = skill_key(name)
        if key and key not in seen:
            seen.add(key)
            names.append(name)
    return names
