"""What a PDF report needs from the clinic, gathered with the same rules and role checks as the screens.

Why a service of its own: a report must show exactly what the course view
shows (same ``CourseView``, same alerts), plus what only a printed page needs
(subscale scores, the sources of every cutoff and reliable-change value, the
clinic's paper size), and the export itself is an audited act. Role checks
are the ones the reads already do (``course_view``, ``alerts_for_client``,
``caseload``): a therapist reports on their own clients, a supervisor on
anyone's, an administrator on nobody's clinical record.

Exports do not stamp "first viewed": writing a caseload report is not the
therapist looking at each new answer. The audit entry ``export.pdf`` names
what was exported by id only; never a pseudonym or a file path (a path is
usually made from the pseudonym).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from alliance_desktop.core.caseload_model import CaseloadRow
from alliance_desktop.core.course_view import CourseView
from alliance_desktop.core.instrument_model import TOTAL, Instrument
from alliance_desktop.core.model import Role
from alliance_desktop.core.workspace_model import AlertView, clean_text
from alliance_desktop.services import alerts as alert_service
from alliance_desktop.services import caseload as caseload_service
from alliance_desktop.services import clients as client_service
from alliance_desktop.services.authz import NotAllowed, require_reader
from alliance_desktop.services.client_course import course_view
from alliance_desktop.services.clinic_session import ClinicSession
from alliance_desktop.services.course_loading import rule_instruments
from alliance_desktop.services.errors import InvalidInput
from alliance_desktop.services.settings import clinic_settings
from alliance_desktop.storage import audit, course_queries

__all__ = [
    "CaseloadGroup",
    "ClientReportData",
    "InstrumentNote",
    "ReportContext",
    "SubscaleColumn",
    "caseload_groups",
    "client_report_data",
    "episode_for_pseudonym",
    "record_pdf_export",
    "report_context",
]

EXPORT_PDF = "export.pdf"


@dataclass(frozen=True, slots=True)
class InstrumentNote:
    """One instrument as a report's "instruments and sources" section prints it."""

    id: str
    version: str
    title: str
    abbreviation: str
    kind: str
    scoring_version: str
    licence_id: str
    attribution: str
    #: e.g. "≥ 10 (clinical range)"; None without a cutoff on the total
    cutoff: str | None
    cutoff_source: str | None
    cutoff_check: bool
    #: minimum reliable raw change and how it was found (fixed published value / Jacobson & Truax)
    reliable_change: float | None
    reliable_change_method: str | None
    reliable_change_source: str | None
    reliable_change_check: bool
    #: alliance instruments: the reference session-to-session SD and the ceiling the rupture rules use
    reference_sd: float | None = None
    reference_sd_source: str | None = None
    ceiling: float | None = None
    ceiling_source: str | None = None


@dataclass(frozen=True, slots=True)
class SubscaleColumn:
    """A subscale shown as its own column of the sessions table."""

    instrument_id: str
    scale_id: str
    heading: str


@dataclass(frozen=True, slots=True)
class ReportContext:
    """The clinic-level facts every report page carries."""

    clinic_name: str
    paper_size: str
    generated_at: datetime
    generated_by: str


@dataclass(frozen=True)
class ClientReportData:
    context: ReportContext
    course: CourseView
    alerts: tuple[AlertView, ...]
    subscale_columns: tuple[SubscaleColumn, ...]
    #: (session number, instrument id, scale id) -> score of the standing response
    subscale_scores: dict[tuple[int, str, str], float | None]
    instruments: tuple[InstrumentNote, ...]


@dataclass(frozen=True)
class CaseloadGroup:
    """One therapist's active clients, in the caseload's order of attention."""

    therapist_id: uuid.UUID
    therapist_name: str
    rows: tuple[CaseloadRow, ...]


def report_context(session: ClinicSession) -> ReportContext:
    settings = clinic_settings(session)
    return ReportContext(clinic_name=settings.clinic_name, paper_size=settings.paper_size,
                         generated_at=session.clock.now(), generated_by=session.user.display_name)


def client_report_data(session: ClinicSession, episode_id: uuid.UUID, *,
                       context: ReportContext | None = None) -> ClientReportData:
    """Course, alerts, subscales and instrument notes of one episode (role checks as the course view)."""
    course = course_view(session, episode_id, record_viewing=False)
    found = alert_service.alerts_for_client(session, episode_id)
    instruments = rule_instruments()
    used = [m for m in (course.alliance, course.outcome) if m is not None]
    columns = tuple(SubscaleColumn(m.id, scale.id, f"{m.abbreviation} {scale.name}")
                    for m in used if m.id in instruments for scale in instruments[m.id].scoring.subscales)
    scores: dict[tuple[int, str, str], float | None] = {}
    if columns:
        standing = {r.response_id for p in course.sessions for r in p.responses if r.standing}
        with session.read() as s:
            details = course_queries.episode_responses(s, episode_id)
        wanted = {c.instrument_id for c in columns}
        for d in details:
            if d.id in standing and d.instrument_id in wanted:
                for scale_id, value in d.scores.items():
                    if scale_id != TOTAL:
                        scores[(d.session_number, d.instrument_id, scale_id)] = value
    notes = tuple(_note(instruments[m.id], m.title, m.flag_range.describe() if m.flag_range else None,
                        m.flag_source, m.flag_check) for m in used if m.id in instruments)
    return ClientReportData(context=context or report_context(session), course=course, alerts=found,
                            subscale_columns=columns, subscale_scores=scores, instruments=notes)


def _note(instrument: Instrument, title: str, cutoff: str | None, cutoff_source: str | None,
          cutoff_check: bool) -> InstrumentNote:
    rc = instrument.reliable_change
    return InstrumentNote(
        id=instrument.id, version=instrument.version, title=title, abbreviation=instrument.abbreviation,
        kind=instrument.kind, scoring_version=instrument.scoring.version, licence_id=instrument.licence.id,
        attribution=instrument.licence.attribution, cutoff=cutoff, cutoff_source=cutoff_source,
        cutoff_check=cutoff_check, reliable_change=rc.threshold() if rc else None,
        reliable_change_method=rc.method if rc else None, reliable_change_source=rc.source if rc else None,
        reliable_change_check=bool(rc and rc.check),
        reference_sd=instrument.reference_sd.value if instrument.reference_sd else None,
        reference_sd_source=instrument.reference_sd.source if instrument.reference_sd else None,
        ceiling=instrument.ceiling.value if instrument.ceiling else None,
        ceiling_source=instrument.ceiling.source if instrument.ceiling else None,
    )


def episode_for_pseudonym(session: ClinicSession, pseudonym: str) -> uuid.UUID:
    """The episode a report on ``pseudonym`` covers: the open one, else the most recently opened.

    A therapist finds only their own clients; a client on another caseload gets
    the same answer as one that does not exist, so the lookup reveals nothing.
    """
    code = clean_text(pseudonym) if isinstance(pseudonym, str) else None
    if not code:
        raise InvalidInput("pseudonym", "Give the client's pseudonym code.")
    require_reader(session.user, "export client reports")
    found = [c for c in client_service.list_clients(session, include_archived=True, search=code)
             if c.pseudonym.casefold() == code.casefold()]
    exact = [c for c in found if c.pseudonym == code] or found
    if not exact:
        where = "on your caseload" if session.user.role is Role.THERAPIST else "in this clinic"
        raise InvalidInput("pseudonym", f"No client with the pseudonym code '{code}' {where}.")
    if len(exact) > 1:
        raise InvalidInput("pseudonym", f"Several clients match '{code}' apart from upper/lower case; "
                                        "give the code exactly as it is written.")
    client = exact[0]
    if not client.episodes:
        raise InvalidInput("pseudonym", f"The client '{code}' has no episode of treatment to report on.")
    episode = client.open_episode or max(client.episodes, key=lambda e: e.opened_on)
    return episode.episode_id


def caseload_groups(session: ClinicSession, therapist: str | uuid.UUID | None) -> tuple[CaseloadGroup, ...]:
    """Active clients per therapist: one therapist (username or id), or everyone readable (None / "all").

    "all" is a therapist's own caseload for a therapist and every therapist's
    for a supervisor; naming another therapist is refused for a therapist.
    """
    user = session.user
    require_reader(user, "write caseload reports")
    staff = caseload_service.therapists(session, include_inactive=True)
    if therapist is None or therapist == "all":
        chosen = [u for u in staff if u.id == user.id] if user.role is Role.THERAPIST else \
            [u for u in staff if u.active]
    else:
        match = [u for u in staff if u.id == therapist or u.username == therapist]
        if not match:
            raise InvalidInput("therapist", f"No therapist account '{therapist}'.")
        if user.role is Role.THERAPIST and match[0].id != user.id:
            raise NotAllowed("You can write a report only on your own caseload.")
        chosen = match
    return tuple(CaseloadGroup(u.id, u.display_name, caseload_service.caseload(session, u.id)) for u in chosen)


def record_pdf_export(session: ClinicSession, kind: str, episode_ids: Sequence[uuid.UUID] | Iterable[uuid.UUID],
                      *, pages: int) -> None:
    """One ``export.pdf`` audit entry: what kind, which episodes (ids), how many pages. No PHI, no path."""
    ids = sorted(str(e) for e in episode_ids)
    now = session.clock.now()
    with session.write() as s:
        audit.append(s, at=now, action=EXPORT_PDF, actor_id=session.user.id,
                     target_kind="episode" if len(ids) == 1 and kind == "client" else "episodes",
                     target_id=ids[0] if len(ids) == 1 and kind == "client" else None,
                     details={"kind": kind, "episodes": ids, "pages": pages})
