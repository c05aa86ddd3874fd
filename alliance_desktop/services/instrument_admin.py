"""Instruments of the clinic: licence status, which are enabled, installing licensed wording.

Why wording packs live in the database: licensed item text (SRS, ORS, ...) is
the clinic's, bought under its licence; it is stored encrypted with the rest
of the clinic's data (table ``wording_packs``), never under resources/.
``clinic_instruments`` is the one merged view (bundled definitions with the
installed wording applied, via services.kiosk_config.clinic_instruments) that
the kiosk and the staff screens use.

"Enabled" is the clinic's choice of instruments staff may use (paper entry,
and the kiosk's questionnaire choice); by default every instrument whose
wording is present. Enabling never makes a structure-only instrument
administrable: that takes its wording.
"""

from __future__ import annotations

import json

from sqlalchemy.orm import Session

from alliance_desktop.core.admin_model import InstrumentStatus
from alliance_desktop.core.instruments import (
    Instrument,
    InstrumentSet,
    WordingPackError,
    load_bundled,
    parse_wording_pack,
)
from alliance_desktop.core.kiosk_model import FALLBACK_LANGUAGE, pick_language
from alliance_desktop.services.authz import require_admin
from alliance_desktop.services.clinic_session import ClinicSession
from alliance_desktop.services.errors import InvalidInput
from alliance_desktop.services.kiosk_config import clinic_instruments as _merged
from alliance_desktop.storage import audit, repositories, staff_records

__all__ = ["InstrumentStatus", "clinic_instruments", "enabled_ids", "enabled_instruments", "install_wording_pack",
           "instrument_statuses", "set_instrument_enabled"]

KEY_ENABLED = "enabled_instruments"
MAX_PACK_BYTES = 1_000_000


def _merged_set(s) -> InstrumentSet:  # type: ignore[no-untyped-def]
    return InstrumentSet(_merged(s, list(load_bundled())).values())


def clinic_instruments(session: ClinicSession) -> InstrumentSet:
    """Every instrument the clinic knows, with installed wording packs applied (any staff member)."""
    with session.read() as s:
        return _merged_set(s)


def _enabled(s, merged: InstrumentSet) -> set[str]:  # type: ignore[no-untyped-def]
    stored = repositories.get_setting(s, KEY_ENABLED, None)
    if stored is not None:
        return set(stored)
    return {i.id for i in merged.values() if i.wording == "full"}


def enabled_ids(s: Session) -> set[str]:
    """Ids of the instruments enabled in this clinic (inside the caller's unit of work)."""
    return _enabled(s, _merged_set(s))


def enabled_instruments(session: ClinicSession) -> InstrumentSet:
    """The instruments staff may use in this clinic (wording installed or not)."""
    with session.read() as s:
        merged = _merged_set(s)
        on = _enabled(s, merged)
    return InstrumentSet(i for i in merged.values() if i.id in on)


def _status(instrument: Instrument, base: Instrument, enabled: bool) -> InstrumentStatus:
    language = pick_language(FALLBACK_LANGUAGE, instrument.languages)
    return InstrumentStatus(
        id=instrument.id, version=instrument.version, title=instrument.title(language),
        abbreviation=instrument.abbreviation, kind=instrument.kind, example=instrument.example,
        wording=instrument.wording, wording_installed=base.wording == "structure_only" and instrument.wording == "full",
        enabled=enabled, not_administrable_reason=instrument.administrable(language),
        licence_id=instrument.licence.id, licence_holder=instrument.licence.holder,
        licence_terms=instrument.licence.terms, attribution=instrument.licence.attribution,
        languages=instrument.languages,
    )


def instrument_statuses(session: ClinicSession) -> tuple[InstrumentStatus, ...]:
    """Every instrument with its licence, wording and whether it can be given to clients."""
    bundled = load_bundled()
    with session.read() as s:
        merged = _merged_set(s)
        on = _enabled(s, merged)
    return tuple(_status(merged[i], bundled[i], i in on) for i in sorted(merged, key=lambda k: merged[k].abbreviation))


def set_instrument_enabled(session: ClinicSession, instrument_id: str, enabled: bool) -> InstrumentStatus:
    require_admin(session.user, "choose the clinic's instruments")
    bundled = load_bundled()
    if instrument_id not in bundled:
        raise InvalidInput("instrument_id", f"Unknown instrument '{instrument_id}'.")
    now = session.clock.now()
    with session.write() as s:
        merged = _merged_set(s)
        on = _enabled(s, merged)
        (on.add if enabled else on.discard)(instrument_id)
        repositories.set_setting(s, KEY_ENABLED, sorted(on), now)
        audit.append(s, at=now, action="instrument.enabled" if enabled else "instrument.disabled",
                     actor_id=session.user.id, target_kind="instrument", target_id=instrument_id)
    return _status(merged[instrument_id], bundled[instrument_id], enabled)


def install_wording_pack(session: ClinicSession, data: bytes, source_name: str = "wording pack") -> InstrumentStatus:
    """Check a wording pack against its structure-only definition and store it in the database.

    A pack that does not match is refused as a whole (InvalidInput naming the
    file, JSON path and problem); nothing is half-installed.
    """
    require_admin(session.user, "install instrument wording")
    if not isinstance(data, (bytes, bytearray)) or len(data) > MAX_PACK_BYTES:
        raise InvalidInput("data", f"A wording pack is a JSON file of at most {MAX_PACK_BYTES // 1000} kB.")
    bundled = load_bundled()
    try:
        target = json.loads(bytes(data).decode("utf-8"))["instrument"]["id"]
    except (UnicodeDecodeError, ValueError, KeyError, TypeError):
        target = None
    if not isinstance(target, str) or target not in bundled:
        raise InvalidInput("data", f"{source_name}: this is not a wording pack for an instrument of this app.")
    base = bundled[target]
    try:
        pack = parse_wording_pack(bytes(data), base, source_name)
    except WordingPackError as exc:
        raise InvalidInput("data", str(exc)) from None
    now = session.clock.now()
    with session.write() as s:
        pack_id = staff_records.add_wording_pack(
            s, instrument_id=base.id, instrument_version=base.version, language=",".join(pack.languages)[:16],
            content=json.loads(bytes(data).decode("utf-8")), installed_by=session.user.id, now=now)
        audit.append(s, at=now, action="instrument.wording_installed", actor_id=session.user.id,
                     target_kind="instrument", target_id=base.id,
                     details={"pack": str(pack_id), "version": base.version, "digest": pack.digest})
        merged = _merged_set(s)
        on = _enabled(s, merged)
    return _status(merged[base.id], base, base.id in on)
