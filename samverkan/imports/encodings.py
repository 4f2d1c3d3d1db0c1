"""The text encoding of a CSV file: certain from a BOM or valid UTF-8, else a guess among the
8-bit encodings a Swedish file comes in, that the user may change on the preview.

- A BOM decides: UTF-8 with BOM, UTF-16 LE or BE with BOM (Excel's "Unicode text"). UTF-16
  without BOM is recognised by its NUL bytes. Text that is valid UTF-8 is UTF-8.
- Otherwise the candidates are Windows-1252 (Excel's Swedish default), ISO-8859-1 and
  Mac Roman (Excel for Mac). charset-normalizer ranks them (its "chaos" measure), but the
  deciding rule is Swedish: the candidate whose text has å ä ö Å Ä Ö and none of the
  characters the other encodings make of them (Œ Š š ƒ ‰ ≈ ÷ …, or control characters) wins;
  "OmrŒde" loses to "Område". The text compared is the words with non-ASCII bytes (the
  first `SAMPLE_WORDS` of them), so a large file costs little more than one decode.
- A guess is *doubtful* when the candidates read the file differently and the rule did not
  separate them clearly, or when the guess is not Windows-1252 (the usual case): the preview
  then says so and shows how each candidate reads the words that differ.
- A file none of them reads plausibly is refused (`FileError` in `imports.tabular`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import islice

from django.utils.translation import gettext_lazy as _

DEFAULT = "cp1252"
EIGHT_BIT = ("cp1252", "iso-8859-1", "mac_roman")
LABELS = {
    "utf-8": _("UTF-8"),
    "utf-8-sig": _("UTF-8 med BOM"),
    "utf-16": _("UTF-16 med BOM"),
    "utf-16-le": _("UTF-16 LE utan BOM"),
    "utf-16-be": _("UTF-16 BE utan BOM"),
    "cp1252": _("Windows-1252"),
    "iso-8859-1": _("ISO-8859-1 (Latin-1)"),
    "mac_roman": _("Mac Roman"),
}
# What a user may choose on the preview for a guessed file (the file is read again in it):
# a file with a BOM, in UTF-16 or valid UTF-8 has nothing to choose.
CHOICES = EIGHT_BIT
_CN_NAMES = {"cp1252": "cp1252", "latin_1": "iso-8859-1", "mac_roman": "mac_roman"}
SAMPLE_WORDS = 5000
SAMPLE_SHOWN = 4  # words that differ, shown per candidate

SWEDISH = frozenset("åäöÅÄÖ")
LIKELY = frozenset("éÉüÜ€…–—’‘“”»§°½´ç")


def _mojibake() -> frozenset[str]:
    """What the other encodings make of the Swedish letters: the signs of a wrong guess."""
    letters = "åäöÅÄÖéÉüÜ"
    made = set()
    for written in EIGHT_BIT:
        for read in EIGHT_BIT:
            if written != read:
                made.update(letters.encode(written).decode(read, errors="ignore"))
    made.update("Œœ¬√∂∆◊≈ƒ†‡‰ˆ˜ŠšŽžŸ÷¸ÂÈÃ")
    return frozenset(made - SWEDISH - LIKELY)


UNLIKELY = _mojibake()
# The five bytes Windows-1252 leaves undefined; ISO-8859-1 and Mac Roman read every byte.
_CP1252_GAPS = re.compile(rb"[\x81\x8d\x8f\x90\x9d]").search
_CONTROL = re.compile("[\x80-\x9f]")
_WORD = re.compile(rb"[^\s;,\t\"]*[\x80-\xff][^\s;,\t\"]*")


@dataclass(frozen=True)
class Candidate:
    encoding: str
    score: int
    sample: str  # the words that differ between the candidates, as this one reads them

    @property
    def label(self) -> str:
        return str(LABELS.get(self.encoding, self.encoding))


@dataclass(frozen=True)
class Guess:
    encoding: str
    certain: bool = True  # a BOM or UTF-8: no other reading is possible
    doubtful: bool = False
    candidates: tuple[Candidate, ...] = ()  # best first; empty when certain

    @property
    def label(self) -> str:
        return str(LABELS.get(self.encoding, self.encoding))

    @property
    def plausible(self) -> bool:
        return self.certain or bool(self.candidates and self.candidates[0].score >= 0)


def label(encoding: str) -> str:
    return str(LABELS.get(encoding, encoding))


def score(text: str) -> int:
    """Swedish letters count for, the signs of a wrong encoding (and control characters)
    heavily against."""
    swedish = likely = unlikely = 0
    for char in text:
        if char in SWEDISH:
            swedish += 1
        elif char in LIKELY:
            likely += 1
        elif char in UNLIKELY or "\x80" <= char <= "\x9f":
            unlikely += 1
    return 3 * swedish + likely - 10 * unlikely


def bom_encoding(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    return ""


def utf16_without_bom(data: bytes) -> str:
    """utf-16-le / utf-16-be when every other byte of the start is NUL (text in UTF-16)."""
    head = data[:4096]
    if len(head) < 4:
        return ""
    even, odd = head[0::2], head[1::2]
    if odd.count(0) > 0.9 * len(odd) and even.count(0) < 0.1 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.9 * len(even) and odd.count(0) < 0.1 * len(odd):
        return "utf-16-be"
    return ""


def detect(data: bytes) -> Guess:
    """The encoding to read `data` with, and how sure the guess is."""
    bom = bom_encoding(data) or utf16_without_bom(data)
    if bom:
        return Guess(bom)
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        return Guess("utf-8")
    words = b" ".join(islice((m.group() for m in _WORD.finditer(data)), SAMPLE_WORDS))
    readings = {e: words.decode(e) for e in EIGHT_BIT if e != "cp1252" or not _CP1252_GAPS(data)}
    chaos = _chaos(words, readings)
    ranked = sorted(
        readings,
        key=lambda e: (-score(readings[e]), chaos.get(e, 1.0), EIGHT_BIT.index(e)),
    )
    candidates = tuple(
        Candidate(encoding, score(readings[encoding]), _differing(readings, encoding))
        for encoding in ranked
    )
    best = candidates[0]
    others = [c for c in candidates[1:] if readings[c.encoding] != readings[best.encoding]]
    clear = best.score > 0 and all(c.score < 0 for c in others)
    doubtful = bool(others) and (not clear or best.encoding != DEFAULT)
    return Guess(best.encoding, certain=False, doubtful=doubtful, candidates=candidates)


def _chaos(words: bytes, readings: dict[str, str]) -> dict[str, float]:
    """charset-normalizer's measure of how garbled each candidate's reading is (0: clean);
    a candidate it drops as too garbled gets 1."""
    from charset_normalizer import from_bytes

    isolation = [name for name, ours in _CN_NAMES.items() if ours in readings]
    results = from_bytes(words, cp_isolation=isolation)
    return {_CN_NAMES[m.encoding]: m.chaos for m in results if m.encoding in _CN_NAMES}


def _differing(readings: dict[str, str], encoding: str) -> str:
    """The first words the candidates read differently, as `encoding` reads them."""
    split = {e: text.split(" ") for e, text in readings.items()}
    mine = split[encoding]
    shown = []
    for index, word in enumerate(mine):
        if any(index < len(w) and w[index] != word for w in split.values()) and word not in shown:
            shown.append(word)
            if len(shown) == SAMPLE_SHOWN:
                break
    return _CONTROL.sub("\ufffd", ", ".join(shown))
