"""Normalising Vietnamese text for matching: headers, unit names, enumerations."""
import re
import unicodedata

_PUNCT = re.compile(r"[\s\.\,\-–—_&/\\:;()\[\]\"'`]+")


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return bare.replace("đ", "d").replace("Đ", "D")


def match_key(text: object, accents: bool = True) -> str:
    """Case-, spacing-, punctuation- and Unicode-form-insensitive key.

    `accents=False` also folds the Vietnamese diacritics, for headers typed
    without them ("Ma ho so" for "Mã hồ sơ").
    """
    if text is None:
        return ""
    key = nfc(str(text)).casefold()
    if not accents:
        key = strip_accents(key)
    return _PUNCT.sub(" ", key).strip()
