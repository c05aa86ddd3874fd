"""Export file names from pseudonyms: safe on Windows and POSIX (issue 6).

A corpus of the inputs that break naive exporters (path climbing, device
names, bidi overrides, RTL scripts, emoji, 300 characters, NFD), then a
hypothesis property: for any text the stem is valid on both systems,
fits its byte budget and is a fixed point of the function.
"""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from alliance_desktop.core.file_names import MIN_STEM_BYTES, safe_file_stem

WINDOWS_FORBIDDEN = set('<>:"/\\|?*')
DEVICE_NAMES = {"CON", "PRN", "AUX", "NUL"} | {f"{p}{d}" for p in ("COM", "LPT") for d in "123456789"}
BIDI_CONTROLS = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f")


def assert_valid_everywhere(stem: str, max_bytes: int = 120) -> None:
    """What Windows (NTFS/Explorer) and POSIX file systems require of a name, plus our own rules."""
    assert stem, "a stem is never empty"
    assert len(stem.encode("utf-8")) <= max_bytes
    assert len((stem + ".pdf").encode("utf-8")) <= 255
    assert not (set(stem) & WINDOWS_FORBIDDEN), stem
    assert "\x00" not in stem
    assert not any(unicodedata.category(c) in {"Cc", "Cs"} for c in stem), repr(stem)
    assert not (set(stem) & BIDI_CONTROLS), repr(stem)
    assert stem not in {".", ".."}
    assert not stem.startswith((".", " ")), repr(stem)
    assert not stem.endswith((".", " ")), repr(stem)
    assert stem.split(".")[0].rstrip(" ").upper() not in DEVICE_NAMES, stem
    assert unicodedata.normalize("NFC", stem) == stem


CORPUS = [
    "CON",
    "con.txt",
    "Lpt9",
    "aux .pdf",
    "nul.tar.gz",
    "../../etc/passwd",
    "..\\..\\Windows\\System32",
    "/absolute/path",
    "..",
    ".",
    "...",
    "   ",
    "",
    "report\u202efdp.exe",
    "\u2067שלום\u2069 client",
    "דנה כהן",
    "محمد الأحمد",
    "Ζωή Παπαδοπούλου",
    "Ёжиков Пётр",
    "a" * 300,
    "é" * 300,
    "👩\u200d👩\u200d👧\u200d👦" * 40,
    "Cafe\u0301 Zu\u0308rich",
    'what<>:"|?*ever',
    "tab\tand\nnewline",
    "trailing dots...",
    "\u200fhidden\u200e marks",
    "zero\x00byte",
]


@pytest.mark.parametrize("text", CORPUS)
def test_corpus_gives_valid_stems(text: str) -> None:
    stem = safe_file_stem(text)
    assert_valid_everywhere(stem)
    assert safe_file_stem(stem) == stem


def test_path_climbing_keeps_no_separator_or_dot_component() -> None:
    stem = safe_file_stem("../../etc/passwd")
    assert ".." not in stem
    assert "etc" in stem and "passwd" in stem


def test_device_names_are_changed_but_stay_recognisable() -> None:
    for name in ("CON", "con.txt", "Lpt1", "AUX .pdf"):
        stem = safe_file_stem(name)
        assert stem != name
        assert name.split(".")[0].strip().lower() in stem.lower()


def test_bidi_override_cannot_disguise_the_extension() -> None:
    assert safe_file_stem("report\u202efdp.exe") == "reportfdp.exe"


def test_right_to_left_names_survive_unchanged() -> None:
    for name in ("דנה כהן", "محمد الأحمد"):
        assert safe_file_stem(name) == name


def test_nfd_and_nfc_input_give_the_same_name() -> None:
    assert safe_file_stem("Cafe\u0301") == safe_file_stem("Caf\u00e9") == "Café"


def test_long_names_are_cut_in_bytes_at_character_boundaries() -> None:
    stem = safe_file_stem("é" * 300)
    assert stem == "é" * 60  # 2 bytes each, 120-byte budget
    emoji = safe_file_stem("👩\u200d👩\u200d👧" * 40, max_length=50)
    assert len(emoji.encode()) <= 50
    assert not emoji.endswith("\u200d")


def test_nothing_usable_gives_the_fallback() -> None:
    assert safe_file_stem("../..", fallback="summary") == "summary"
    assert safe_file_stem("\u202e", fallback="../CON") == "_CON"
    assert safe_file_stem("", fallback="") == "client"


def test_bad_arguments_get_clear_errors() -> None:
    with pytest.raises(ValueError, match="max_length"):
        safe_file_stem("x", max_length=MIN_STEM_BYTES - 1)
    with pytest.raises(TypeError, match="str"):
        safe_file_stem(b"bytes")  # type: ignore[arg-type]


@settings(max_examples=400, deadline=None)
@given(
    text=st.text(st.characters(codec="utf-8"), max_size=300)
    | st.text(st.sampled_from(list('./\\ <>:"|?*\u202eCONLPT1aé\u0301\u200d👩')), max_size=40),
    max_bytes=st.integers(min_value=MIN_STEM_BYTES, max_value=200),
)
@example(text="A\x1b\u0300", max_bytes=16)  # a control character between a letter and its accent
def test_any_text_gives_a_valid_idempotent_stem(text: str, max_bytes: int) -> None:
    stem = safe_file_stem(text, max_length=max_bytes)
    assert_valid_everywhere(stem, max_bytes)
    assert safe_file_stem(stem, max_length=max_bytes) == stem
