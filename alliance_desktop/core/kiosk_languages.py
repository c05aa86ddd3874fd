"""The languages the kiosk offers: the one fact about the kiosk its welcome page needs.

A module of its own so the welcome page (painted first, before the database
opens) does not import the kiosk's value objects in ``kiosk_model``;
``kiosk_model`` re-exports both names for everything else.
"""

from __future__ import annotations

#: Languages the kiosk offers, in the order of the language choice (CLINICAL.md: en, de, fr, it).
KIOSK_LANGUAGES: tuple[str, ...] = ("en", "de", "fr", "it")
#: Language used when an instrument or text has no wording in the chosen one.
FALLBACK_LANGUAGE = "en"
