"""The staff workspace's one model: every view reads and writes through it, and listens to it.

Why one object between the views and the services: a write in one view
(acknowledging an alert in a course, entering a paper questionnaire) must
refresh the others (the caseload badge, the chart). Each write method calls
its service, then emits ``changed`` with what changed; views re-ask the
services for what they show. Views never see the ``ClinicSession``'s
database, only the value objects the services return. Errors are the
services' own (``user_message``); views show them with ``ui.messages``.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal

from alliance_desktop.core.model import Role
from alliance_desktop.services import alerts, caseload, client_course, clients, sessions
from alliance_desktop.ui.therapist.chart_budget import ChartBudget

if TYPE_CHECKING:
    from alliance_desktop.services.clinic_session import ClinicSession
    from alliance_desktop.ui.therapist.report_port import ReportExporter

#: ``changed`` kinds
CLIENTS, COURSE, ALERTS, USERS, SETTINGS, INSTRUMENTS = "clients", "course", "alerts", "users", "settings", "instruments"


class Workspace(QObject):
    """``changed(kind, episode_id or None)`` after every successful write."""

    changed = Signal(str, object)
    #: ask the shell to hand this device over to a client for a therapy session (id)
    handOverRequested = Signal(object)
    #: the clinic's auto-lock minutes changed (the shell restarts its idle watch)
    autoLockChanged = Signal(int)

    def __init__(self, session: ClinicSession, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.session = session
        #: PDF reports (ui.therapist.report_port.ReportExporter), set by the composition root; None: no export
        self.reports: ReportExporter | None = None
        #: the course charts kept alive at once (the others are drawn again when their tab is shown)
        self.charts = ChartBudget()

    @property
    def user(self):  # noqa: ANN201 - StaffUser
        return self.session.user

    @property
    def role(self) -> Role:
        return self.session.user.role

    @property
    def is_therapist(self) -> bool:
        return self.role is Role.THERAPIST

    # -- reads (services audit them) -----------------------------------------------------------
    def caseload(self, therapist_id: uuid.UUID | None = None):  # noqa: ANN201
        return caseload.caseload(self.session, therapist_id)

    def therapists(self):  # noqa: ANN201
        return caseload.therapists(self.session)

    def course(self, episode_id: uuid.UUID):  # noqa: ANN201
        return client_course.course_view(self.session, episode_id)

    def answers(self, response_id: uuid.UUID):  # noqa: ANN201
        return client_course.session_answers(self.session, response_id)

    def alerts(self, episode_id: uuid.UUID):  # noqa: ANN201
        return alerts.alerts_for_client(self.session, episode_id)

    def history(self, therapy_session_id: uuid.UUID):  # noqa: ANN201
        return sessions.response_history(self.session, therapy_session_id)

    def clients(self, *, include_archived: bool = False):  # noqa: ANN201
        return clients.list_clients(self.session, include_archived=include_archived)

    def instruments(self):  # noqa: ANN201
        from alliance_desktop.services.instrument_admin import enabled_instruments

        return enabled_instruments(self.session)

    def can_write(self, therapist_id: uuid.UUID) -> bool:
        """Whether write buttons make sense (the services decide anyway)."""
        return self.user.role is Role.THERAPIST and self.user.id == therapist_id

    # -- writes -----------------------------------------------------------------------------------
    def _write(self, kind: str, episode_id: uuid.UUID | None, call: Callable[[], Any]) -> Any:
        result = call()
        self.changed.emit(kind, episode_id)
        return result

    def acknowledge(self, episode_id: uuid.UUID, alert_id: uuid.UUID, note: str | None):  # noqa: ANN201
        return self._write(ALERTS, episode_id, lambda: alerts.acknowledge_alert(self.session, alert_id, note))

    def discussed(self, episode_id: uuid.UUID, alert_id: uuid.UUID, note: str | None):  # noqa: ANN201
        return self._write(ALERTS, episode_id, lambda: alerts.mark_discussed(self.session, alert_id, note))

    def record_session(self, episode_id: uuid.UUID, held_on: date, number: int | None):  # noqa: ANN201
        return self._write(COURSE, episode_id, lambda: sessions.record_session(self.session, episode_id, held_on,
                                                                                number))

    def mark_missed(self, episode_id: uuid.UUID, therapy_session_id: uuid.UUID):  # noqa: ANN201
        return self._write(COURSE, episode_id, lambda: sessions.mark_missed(self.session, therapy_session_id))

    def enter_paper(self, episode_id: uuid.UUID, therapy_session_id: uuid.UUID, instrument_id: str,
                    answers: Mapping[str, int | None], comment: str | None):  # noqa: ANN201
        return self._write(COURSE, episode_id, lambda: sessions.enter_paper_response(
            self.session, therapy_session_id, instrument_id, answers, comment))

    def amend(self, episode_id: uuid.UUID, response_id: uuid.UUID, answers: Mapping[str, int | None],
              reason: str):  # noqa: ANN201
        return self._write(COURSE, episode_id, lambda: sessions.amend_response(self.session, response_id, answers,
                                                                                reason))

    def entered_in_error(self, episode_id: uuid.UUID, response_id: uuid.UUID, reason: str):  # noqa: ANN201
        return self._write(COURSE, episode_id, lambda: sessions.mark_entered_in_error(self.session, response_id,
                                                                                       reason))

    def issue_code(self, therapy_session_id: uuid.UUID, instrument_ids: Sequence[str] | None = None):  # noqa: ANN201
        from alliance_desktop.services.kiosk_admin import issue_kiosk_code

        return issue_kiosk_code(self.session, therapy_session_id, instrument_ids)

    def hand_over(self, therapy_session_id: uuid.UUID) -> None:
        self.handOverRequested.emit(therapy_session_id)

    def create_client(self, pseudonym: str, initials: str | None, therapist_id: uuid.UUID | None):  # noqa: ANN201
        return self._write(CLIENTS, None, lambda: clients.create_client(self.session, pseudonym, initials,
                                                                         therapist_id))

    def assign(self, client_id: uuid.UUID, therapist_id: uuid.UUID):  # noqa: ANN201
        return self._write(CLIENTS, None, lambda: clients.assign_therapist(self.session, client_id, therapist_id))

    def open_episode(self, client_id: uuid.UUID, planned: int):  # noqa: ANN201
        return self._write(CLIENTS, None, lambda: clients.open_episode(self.session, client_id, planned))

    def close_episode(self, episode_id: uuid.UUID):  # noqa: ANN201
        return self._write(CLIENTS, episode_id, lambda: clients.close_episode(self.session, episode_id))

    def archive(self, client_id: uuid.UUID):  # noqa: ANN201
        return self._write(CLIENTS, None, lambda: clients.archive_client(self.session, client_id))

    def notify(self, kind: str, episode_id: uuid.UUID | None = None) -> None:
        """For writes made elsewhere (admin screens, background tasks)."""
        self.changed.emit(kind, episode_id)
