"""Data for the CSV, research and FHIR exports: who may export what, and the records, episode by episode.

Why the checks live here and not in the command or the dialog: an export is
the widest read there is, so it obeys the same roles as every screen
(services/authz.py). A therapist exports their own clients (one, or the whole
caseload), a supervisor any client, any therapist's caseload or the clinic;
an administrator sees no clinical data and so exports none. Every export
leaves exactly one audit entry (``export.csv``, ``export.research``,
``export.fhir``) naming the scope by id, never a pseudonym or an answer.

The records come as an iterator of ``core.export_model.EpisodeExport``, read
chunk by chunk inside one read transaction (a consistent snapshot): the
iterator is only valid inside the ``with`` block of :func:`course_export`.
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import date

from sqlalchemy.orm import Session

from alliance_desktop.core.export_flags import session_flags, standing_ids
from alliance_desktop.core.export_model import EpisodeExport, ExportScope, ItemValue, ResponseExport
from alliance_desktop.core.model import Role, StaffUser
from alliance_desktop.services.authz import (
    NotAllowed,
    NotFound,
    can_read_clinical,
    client_ref,
    require_read,
    require_reader,
)
from alliance_desktop.services.clinic_session import ClinicSession
from alliance_desktop.services.course_loading import load_courses, rule_instruments
from alliance_desktop.services.errors import InvalidInput
from alliance_desktop.storage import export_queries
from alliance_desktop.storage.caseload_queries import episode_heads

__all__ = ["EXPORT_KINDS", "ExportScope", "course_export", "resolve_scope"]

#: Export kinds that read courses through this module (the access export has its own module).
EXPORT_KINDS = frozenset({"csv", "research", "fhir"})


def resolve_scope(session: ClinicSession, *, client: str | None = None, therapist: str | None = None,
                  everything: bool = False) -> ExportScope:
    """The scope named by a pseudonym code, a therapist's user name, or the whole clinic.

    With none of them: a therapist's own caseload, a supervisor's whole clinic.
    Raises ``InvalidInput`` for a name that matches nothing and ``NotAllowed``
    for a scope the user may not read; nothing is read or written then.
    """
    user = session.user
    require_reader(user, "export clinical data")
    if sum(x is not None and x is not False for x in (client, therapist, everything)) > 1:
        raise InvalidInput("scope", "Choose one client, one therapist or the whole clinic, not several.")
    with session.read() as s:
        if client is not None:
            client_id = export_queries.client_by_pseudonym(s, client.strip())
            if client_id is None:
                raise InvalidInput("client", "No client has this pseudonym code. Check the spelling (codes are "
                                             "case-sensitive).")
            scope = ExportScope("client", client_id=client_id, label=client.strip())
        elif therapist is not None:
            found = export_queries.therapist_by_username(s, therapist.strip())
            if found is None or found[1] != Role.THERAPIST.value:
                raise InvalidInput("therapist", f"There is no therapist with the user name '{therapist.strip()}'.")
            scope = ExportScope("therapist", therapist_id=found[0], label=therapist.strip())
        elif everything or user.role is Role.SUPERVISOR:
            scope = ExportScope("clinic", label="clinic")
        else:
            scope = ExportScope("therapist", therapist_id=user.id, label=user.username)
        _require_scope(s, user, scope)
    return scope


def _require_scope(s: Session, user: StaffUser, scope: ExportScope) -> None:
    if scope.kind == "client" and scope.client_id is not None:
        require_read(user, client_ref(s, scope.client_id), "export this client's data")
    elif scope.kind == "therapist" and scope.therapist_id is not None:
        if not can_read_clinical(user, scope.therapist_id):
            raise NotAllowed("You can export your own caseload only; another therapist's clients are not on it.")
    elif scope.kind == "clinic":
        if not (user.active and user.role is Role.SUPERVISOR):
            raise NotAllowed("Only a supervisor can export the whole clinic; export your own caseload instead.")
    else:
        raise InvalidInput("scope", f"Unknown export scope '{scope.kind}'.")


def _target(scope: ExportScope) -> tuple[str, str | None]:
    if scope.kind == "client":
        return "client", str(scope.client_id)
    if scope.kind == "therapist":
        return "user", str(scope.therapist_id)
    return "clinic", None


@contextmanager
def course_export(session: ClinicSession, scope: ExportScope, *, kind: str,
                  with_answers: bool = True) -> Iterator[Iterator[EpisodeExport]]:
    """Audit the export, then yield the scope's episodes (with flags; with item answers if asked)."""
    if kind not in EXPORT_KINDS:
        raise InvalidInput("kind", f"Unknown export kind '{kind}'.")
    user = session.user
    require_reader(user, "export clinical data")
    with session.read() as s:
        _require_scope(s, user, scope)
    target_kind, target_id = _target(scope)
    session.record(f"export.{kind}", target_kind=target_kind, target_id=target_id,
                   details={"scope": scope.kind, "answers": with_answers})
    today = session.clock.now().date()
    with session.read() as s:
        heads = export_queries.episode_heads(s, client_id=scope.client_id, therapist_id=scope.therapist_id)
        yield _analysed(s, heads, today, with_answers)


def _analysed(s: Session, heads: Sequence[EpisodeExport], today: date, with_answers: bool) -> Iterator[EpisodeExport]:
    """Each episode with the rules' flags per session and which responses count."""
    for chunk in export_queries.with_details(s, heads, with_answers=with_answers):
        rule_heads = episode_heads(s, episode_ids=[e.episode_id for e in chunk], active_only=False)
        courses = load_courses(s, rule_heads, today, all_risk=True)
        for episode in chunk:
            course = courses.get(episode.episode_id)
            if course is None:  # pragma: no cover - every head has a course
                yield episode
                continue
            flags = session_flags(course)
            counting: frozenset[uuid.UUID] = standing_ids(course)
            yield replace(
                episode,
                sessions=tuple(replace(x, flags=flags[x.number]) if x.number in flags else x
                               for x in episode.sessions),
                responses=tuple(replace(r, counts=r.id in counting, answers=_in_item_order(r))
                                for r in episode.responses),
                alliance_instrument=course.alliance.id if course.alliance else None,
                outcome_instrument=course.outcome.id if course.outcome else None,
            )


def _in_item_order(r: ResponseExport) -> tuple[ItemValue, ...]:
    """Answers in the order of the definition's items (storage cannot know it), unknown items last."""
    if len(r.answers) < 2:
        return r.answers
    order = _item_ranks().get(r.instrument_id, {})
    return tuple(sorted(r.answers, key=lambda a: order.get(a.item_id, len(order))))


@functools.cache
def _item_ranks() -> dict[str, dict[str, int]]:
    return {i.id: {item.id: n for n, item in enumerate(i.items)} for i in rule_instruments().values()}


# Re-exported for callers that catch them around an export.
__all__ += ["NotAllowed", "NotFound"]
