"""Clinic settings: auto-lock, kiosk idle times, languages and the paper size of PDF reports.

Any staff member reads them (every staff window needs its auto-lock time);
only an administrator changes them. The kiosk's own settings (idle times,
instruction text, questionnaires, comment limit) belong to services.kiosk_admin
and are changed through it, so there is one writer per setting.
"""

from __future__ import annotations

from collections.abc import Sequence

from alliance_desktop.core.admin_model import (
    AUTO_LOCK_DEFAULT_MIN,
    AUTO_LOCK_RANGE_MIN,
    PAPER_SIZE_DEFAULT,
    PAPER_SIZES,
    ClinicSettings,
)
from alliance_desktop.core.kiosk_model import KIOSK_LANGUAGES
from alliance_desktop.services.authz import require_admin
from alliance_desktop.services.clinic_session import ClinicSession
from alliance_desktop.services.errors import InvalidInput
from alliance_desktop.services.kiosk_admin import set_kiosk_limits
from alliance_desktop.services.kiosk_config import idle_times
from alliance_desktop.storage import audit, repositories

__all__ = ["ClinicSettings", "auto_lock_minutes", "clinic_settings", "paper_size", "set_clinic_settings"]

KEY_AUTO_LOCK = "auto_lock_minutes"
KEY_LANGUAGES = "clinic_languages"
KEY_PAPER_SIZE = "report_paper_size"


def clinic_settings(session: ClinicSession) -> ClinicSettings:
    with session.read() as s:
        warning, reset = idle_times(s)
        languages = repositories.get_setting(s, KEY_LANGUAGES, None)
        return ClinicSettings(
            clinic_name=str(repositories.get_setting(s, "clinic_name", session.clinic_name)),
            auto_lock_minutes=int(repositories.get_setting(s, KEY_AUTO_LOCK, AUTO_LOCK_DEFAULT_MIN)),
            kiosk_idle_warning_s=warning, kiosk_idle_reset_s=reset,
            languages=tuple(languages) if languages else KIOSK_LANGUAGES,
            paper_size=_paper(repositories.get_setting(s, KEY_PAPER_SIZE, PAPER_SIZE_DEFAULT)),
        )


def _paper(stored: object) -> str:
    """A stored value from an older or edited database falls back to the default, never breaks a report."""
    return stored if isinstance(stored, str) and stored in PAPER_SIZES else PAPER_SIZE_DEFAULT


def paper_size(session: ClinicSession) -> str:
    """"A4" or "Letter": the page size of PDF reports."""
    return clinic_settings(session).paper_size


def auto_lock_minutes(session: ClinicSession) -> int:
    """Minutes of idle before the staff view locks (2-30, default 5)."""
    return clinic_settings(session).auto_lock_minutes


def set_clinic_settings(
    session: ClinicSession, *, auto_lock_minutes: int | None = None, kiosk_idle_warning_s: int | None = None,
    kiosk_idle_reset_s: int | None = None, languages: Sequence[str] | None = None, paper_size: str | None = None,
) -> ClinicSettings:
    """Change any of the settings given; the others stay as they are."""
    require_admin(session.user, "change the clinic settings")
    low, high = AUTO_LOCK_RANGE_MIN
    if auto_lock_minutes is not None and (isinstance(auto_lock_minutes, bool) or not isinstance(auto_lock_minutes, int)
                                          or not low <= auto_lock_minutes <= high):
        raise InvalidInput("auto_lock_minutes", f"Auto-lock can be set from {low} to {high} minutes.")
    if paper_size is not None and paper_size not in PAPER_SIZES:
        raise InvalidInput("paper_size", f"Choose a paper size: {' or '.join(PAPER_SIZES)}.")
    chosen: list[str] | None = None
    if languages is not None:
        chosen = list(dict.fromkeys(languages))
        unknown = [lang for lang in chosen if lang not in KIOSK_LANGUAGES]
        if not chosen or unknown:
            raise InvalidInput("languages", f"Choose at least one of {', '.join(KIOSK_LANGUAGES)}.")
    if kiosk_idle_warning_s is not None or kiosk_idle_reset_s is not None:
        set_kiosk_limits(session, idle_warning_s=kiosk_idle_warning_s, idle_reset_s=kiosk_idle_reset_s)
    if auto_lock_minutes is not None or chosen is not None or paper_size is not None:
        now = session.clock.now()
        with session.write() as s:
            if auto_lock_minutes is not None:
                repositories.set_setting(s, KEY_AUTO_LOCK, auto_lock_minutes, now)
            if chosen is not None:
                repositories.set_setting(s, KEY_LANGUAGES, chosen, now)
            if paper_size is not None:
                repositories.set_setting(s, KEY_PAPER_SIZE, paper_size, now)
            audit.append(s, at=now, action="settings.changed", actor_id=session.user.id,
                         details={"auto_lock_minutes": auto_lock_minutes, "languages": chosen,
                                  "paper_size": paper_size})
    return clinic_settings(session)
