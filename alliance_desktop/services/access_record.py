"""The data-subject access export (GDPR Art. 15 and 20): everything held about one client, as JSON data.

Why it is its own use case: a client (through the clinic) may ask for all
data held about them, in a machine-readable form. That is wider than any
screen (history, alerts and their handling, kiosk tickets, the audit trail
about them) and narrower than a backup (no other client). The document is
plain JSON values, described by ``resources/schemas/access_export.schema.json``;
``reports.access_export`` validates it against that schema and writes it.

Roles as everywhere (services/authz.py): the client's own therapist or a
supervisor. An administrator sees no clinical data and so cannot make one;
the clinic's data-protection officer asks a supervisor. The export leaves one
``export.access`` audit entry (client id only) *before* the records are read,
so the export itself appears in the trail it contains.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import date, datetime
from typing import Any

from alliance_desktop.services.authz import client_ref, require_read
from alliance_desktop.services.clinic_session import ClinicSession
from alliance_desktop.services.errors import InvalidInput
from alliance_desktop.storage import audit, export_queries
from alliance_desktop.storage.access_queries import ClientHoldings, client_holdings

__all__ = ["FORMAT", "FORMAT_VERSION", "access_record", "json_value"]

FORMAT = "alliance-desktop.access-export"
FORMAT_VERSION = 1
NOTICE = ("Everything Alliance Desktop holds about this client, exported on request (GDPR Art. 15/20). "
          "This file is not encrypted: store and send it accordingly.")


def json_value(value: Any) -> Any:
    """A stored value as JSON: ids as text, times as ISO 8601 with their offset, dates as YYYY-MM-DD."""
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): json_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_value(v) for v in value]
    return value


def _plain(row: dict[str, Any]) -> dict[str, Any]:
    return {k: json_value(v) for k, v in row.items()}


def access_record(session: ClinicSession, *, client: str | None = None,
                  client_id: uuid.UUID | None = None) -> dict[str, Any]:
    """The access-export document of the client named by pseudonym code or id."""
    user = session.user
    now = session.clock.now()
    with session.write() as s:
        if client_id is None:
            if not client:
                raise InvalidInput("client", "Name the client by their pseudonym code.")
            client_id = export_queries.client_by_pseudonym(s, client.strip())
            if client_id is None:
                raise InvalidInput("client", "No client has this pseudonym code. Check the spelling (codes are "
                                             "case-sensitive).")
        require_read(user, client_ref(s, client_id), "export this client's data")
        audit.append(s, at=now, action="export.access", actor_id=user.id, target_kind="client",
                     target_id=str(client_id), details={"scope": "client"})
        holdings = client_holdings(s, client_id)
    assert holdings is not None  # client_ref found it inside the same transaction
    return _document(holdings, client_id, generated_at=now, generated_by=user.username,
                     clinic=session.clinic_name)


def _document(h: ClientHoldings, client_id: uuid.UUID, *, generated_at: datetime, generated_by: str,
              clinic: str) -> dict[str, Any]:
    by_episode: dict[str, dict[str, list[dict[str, Any]]]] = defaultdict(lambda: defaultdict(list))
    by_session: dict[str, list[dict[str, Any]]] = defaultdict(list)
    answers: dict[str, list[dict[str, Any]]] = defaultdict(list)
    scores: dict[str, list[dict[str, Any]]] = defaultdict(list)
    actions: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for a in h.answers:
        answers[str(a["response_id"])].append(_plain(a))
    for x in h.scores:
        scores[str(x["response_id"])].append(_plain(x))
    for act in h.alert_actions:
        actions[str(act["alert_id"])].append(_plain(act))
    for r in h.responses:
        key = str(r["id"])
        by_session[str(r["session_id"])].append(
            {**_plain(r), "answers": sorted(answers[key], key=lambda v: v["item_id"]),
             "scores": sorted(scores[key], key=lambda v: v["scale"])})
    for x in h.sessions:
        by_episode[str(x["episode_id"])]["sessions"].append({**_plain(x), "responses": by_session[str(x["id"])]})
    for a in h.alerts:
        by_episode[str(a["episode_id"])]["alerts"].append({**_plain(a), "actions": actions[str(a["id"])]})
    for n in h.notes:
        by_episode[str(n["episode_id"])]["notes"].append(_plain(n))
    for i in h.instruction_events:
        by_episode[str(i["episode_id"])]["instruction_events"].append(_plain(i))
    episodes = []
    for e in h.episodes:
        nested = by_episode[str(e["id"])]
        episodes.append({**_plain(e), **{k: nested[k] for k in ("sessions", "alerts", "notes",
                                                                 "instruction_events")}})
    return {
        "format": FORMAT, "format_version": FORMAT_VERSION, "notice": NOTICE,
        "generated_at": generated_at.isoformat(), "generated_by": generated_by, "clinic": clinic,
        "client": _plain(h.client), "staff": [_plain(u) for u in h.staff], "episodes": episodes,
        "kiosk_tickets": [_plain(t) for t in h.kiosk_tickets],
        "audit_events": [_own_audit(e, str(client_id)) for e in h.audit_events],
    }


def _own_audit(event: dict[str, Any], client_id: str) -> dict[str, Any]:
    """An audit entry with any list of client ids cut down to this client."""
    details = {k: ([c for c in v if c == client_id] if k == "clients" and isinstance(v, list) else v)
               for k, v in (event["details"] or {}).items()}
    return {**_plain(event), "details": json_value(details)}
