"""Rules for staff accounts: usernames and passwords.

The password's strength is estimated honestly but simply (length, variety,
obvious patterns); the hard rule is the minimum length, because length is what
makes an Argon2id-protected password expensive to guess.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 1024
_USERNAME = re.compile(r"^[\w.\-]{2,64}$")
_COMMON = (
    "password", "passwort", "motdepasse", "123456", "qwerty", "azerty", "letmein", "welcome",
    "admin", "therapy", "therapie", "clinic", "klinik", "praxis", "alliance", "secret",
)


def normalize_username(username: str) -> str:
    """One spelling per account: NFC, trimmed, case-folded ('Anna ' == 'anna')."""
    return unicodedata.normalize("NFC", username).strip().casefold()


def username_problem(username: str) -> str | None:
    """Why a username cannot be used, or None."""
    name = normalize_username(username)
    if not name:
        return "Enter a user name."
    if not _USERNAME.match(name):
        return "A user name has 2 to 64 letters, digits, dots, dashes or underscores, and no spaces."
    return None


@dataclass(frozen=True, slots=True)
class PasswordAssessment:
    """What the setup and password screens show while someone types."""

    acceptable: bool
    strength: int  # 0 (very weak) .. 4 (strong)
    label: str
    hints: tuple[str, ...] = field(default_factory=tuple)


_LABELS = ("Very weak", "Weak", "Fair", "Good", "Strong")


def assess_password(password: str, *, username: str = "", clinic_name: str = "") -> PasswordAssessment:
    """Rate a new password; ``acceptable`` is False below the minimum length or when it repeats the user name."""
    pw = unicodedata.normalize("NFC", password)
    length = len(pw)
    hints: list[str] = []
    if length < MIN_PASSWORD_LENGTH:
        hints.append(f"Use at least {MIN_PASSWORD_LENGTH} characters ({length} so far).")
    if length > MAX_PASSWORD_LENGTH:
        hints.append(f"Use at most {MAX_PASSWORD_LENGTH} characters.")
    lowered = pw.casefold()
    classes = sum(
        bool(re.search(p, pw)) for p in (r"[a-zß-ÿ]", r"[A-ZÀ-Þ]", r"\d", r"[^\w\s]|_", r"\s")
    )
    score = 0
    if length >= MIN_PASSWORD_LENGTH:
        score = 1 + (length >= 14) + (length >= 20) + (classes >= 3)
    weak_reason = None
    uname = normalize_username(username)
    if uname and len(uname) >= 3 and uname in lowered:
        weak_reason = "Do not include your user name."
    elif clinic_name and len(clinic_name.strip()) >= 3 and clinic_name.strip().casefold() in lowered:
        weak_reason = "Do not include the clinic's name."
    elif any(word in lowered for word in _COMMON):
        weak_reason = "Avoid common words such as 'password' or 'clinic'."
    elif length and len(set(pw)) <= max(2, length // 4):
        weak_reason = "Avoid repeating the same few characters."
    if weak_reason:
        hints.append(weak_reason)
        score = min(score, 1)
    if score and score < 3 and not weak_reason:
        hints.append("Longer is stronger: a few unrelated words make a good password.")
    acceptable = MIN_PASSWORD_LENGTH <= length <= MAX_PASSWORD_LENGTH and not (
        uname and len(uname) >= 3 and uname in lowered
    )
    return PasswordAssessment(acceptable, score, _LABELS[score], tuple(hints))
