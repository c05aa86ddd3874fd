#!/usr/bin/env python3
"""Screenshots of the staff workspace (caseload, a course, its alerts, the admin screens), for eyes and the README.

Run under a real X server so fonts are what people see:

    xvfb-run -a -s "-screen 0 1280x800x24" .venv/bin/python packaging/workspace_screenshots.py OUTDIR
    QT_SCALE_FACTOR=2 xvfb-run -a -s "-screen 0 2560x1600x24" .venv/bin/python packaging/workspace_screenshots.py OUTDIR

It builds the small demo clinic in a temporary folder (made-up data, cheap key
derivation: nothing here is kept) and gives its first therapist one more
client typed in through the services themselves, so the alerts are real:
a probable rupture at session 7 that was repaired, a possible one at session
13 left unrepaired, a missed session 8 and a positive PHQ-9 item 9 at
session 7. Windows are 1280x800 logical px; file names get ``@2x`` under
QT_SCALE_FACTOR=2. Not a test: it asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402

from alliance_desktop.app import create_application  # noqa: E402
from alliance_desktop.config import DataPaths  # noqa: E402
from alliance_desktop.services import clients, demo, sessions  # noqa: E402
from alliance_desktop.services.access import ClinicAccess  # noqa: E402
from alliance_desktop.storage.keys import KdfParams  # noqa: E402

KDF = KdfParams(time_cost=1, memory_kib=8192, parallelism=1)
SIZE = (1280, 800)
TALL = (1280, 1024)
PSEUDONYM = "KLM-0412"
ALLIANCE = (36.5, 37.0, 37.5, 37.2, 37.8, 38.0, 31.0, None, 36.4, 37.6, 38.0, 37.9, 33.5, 36.2, 36.0, 36.5)
PHQ = (18, 17, 17, 15, 14, 13, 15, None, 12, 11, 10, 9, 11, 11, 10, 9)
RISK_AT = (7,)
MISSED = (8,)
COMMENTS = {7: "I felt you weren't really listening when I talked about my mother.",
            13: "We keep going over the same things."}


def alliance_answers(total: float) -> dict[str, int]:
    mm = round(total * 10)
    base, extra = divmod(mm, 4)
    return {item: base + (1 if i < extra else 0) for i, item in enumerate(("connection", "focus", "approach", "overall"))}


def phq_answers(total: int, item9: int) -> dict[str, int]:
    rest, values = total - item9, {}
    for i in range(1, 9):
        take = min(3, rest)
        values[str(i)] = take
        rest -= take
    values["9"] = item9
    return values


def build(root: Path) -> tuple[ClinicAccess, str]:
    paths = DataPaths(root / "clinic")
    summary = demo.build_demo_clinic(paths, size="small", seed=1, kdf=KDF)
    access = ClinicAccess(paths, kdf=KDF)
    therapist = summary.therapists[0]
    session = access.unlock(therapist, demo.DEMO_PASSWORD)
    try:
        today = session.clock.now().date()
        start = today - timedelta(days=7 * (len(ALLIANCE) - 1))
        client = clients.create_client(session, PSEUDONYM, "MB")
        episode = clients.open_episode(session, client.client_id, opened_on=start).open_episode.episode_id
        for n, (a, o) in enumerate(zip(ALLIANCE, PHQ, strict=True), start=1):
            rec = sessions.record_session(session, episode, start + timedelta(days=7 * (n - 1)))
            if n in MISSED:
                sessions.mark_missed(session, rec.therapy_session_id)
                continue
            if a is not None:
                sessions.enter_paper_response(session, rec.therapy_session_id, "example-alliance",
                                              alliance_answers(a), COMMENTS.get(n))
            if o is not None:
                sessions.enter_paper_response(session, rec.therapy_session_id, "phq9",
                                              phq_answers(o, 1 if n in RISK_AT else 0))
    finally:
        session.lock()
    return access, therapist


def shoot(app: QApplication, window: QWidget, path: Path, size: tuple[int, int] = SIZE) -> None:
    window.resize(*size)
    window.show()
    for _ in range(5):
        app.processEvents()
    window.grab().save(str(path))
    print("saved", path)


def wait_for(app: QApplication, done) -> None:  # noqa: ANN001
    import time

    end = time.monotonic() + 30
    while not done() and time.monotonic() < end:
        app.processEvents()
        time.sleep(0.01)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("outdir", type=Path)
    args = parser.parse_args()
    args.outdir.mkdir(parents=True, exist_ok=True)
    suffix = "@2x" if os.environ.get("QT_SCALE_FACTOR") == "2" else ""
    app = create_application()
    from alliance_desktop.ui.main_window import MainWindow

    with tempfile.TemporaryDirectory(prefix="alliance-shots-") as tmp:
        access, therapist = build(Path(tmp))
        out = lambda name: args.outdir / f"{name}{suffix}.png"  # noqa: E731

        session = access.unlock(therapist, demo.DEMO_PASSWORD)
        window = MainWindow(session, idle_minutes=5)
        shoot(app, window, out("caseload"))
        row = next(r for r in window.caseload.visible_rows() if r.pseudonym == PSEUDONYM)
        course = window.open_course(row.episode_id)
        course.select_session(13)
        shoot(app, window, out("course-1280x800"))
        # The chart wants ~720 px of height; on a 1280x800 screen the course page scrolls. The README
        # picture shows it on a 1280x1024 screen, where chart, sessions and the alert link fit.
        shoot(app, window, out("course"), TALL)
        course.show_alerts()
        alert = next(a for a in course.alerts.alerts if a.kind == "risk")
        course.alerts.select_alert(alert.alert_id)
        course.alerts.note.setText("Asked about it in session; safety plan reviewed.")
        course.alerts.handle("discussed")
        course.show_alerts()
        shoot(app, window, out("alerts"), TALL)
        course.tabs.setCurrentWidget(course.sessions)
        course.select_session(7)
        course.open_selected_session()
        dialog = course.dialog()
        if dialog is not None:
            dialog.resize(1000, 680)
            dialog.show()
            for _ in range(5):
                app.processEvents()
            dialog.grab().save(str(out("session-answers")))
            print("saved", out("session-answers"))
            dialog.reject()
        window.close()
        session.lock()

        session = access.unlock(demo.DEMO_ADMIN_USER, demo.DEMO_PASSWORD)
        window = MainWindow(session, idle_minutes=5)
        shoot(app, window, out("admin-users"))
        for attr, name in (("settings", "admin-settings"), ("instruments", "admin-instruments"),
                           ("clients", "admin-clients"), ("backup", "admin-backup")):
            window.tabs.setCurrentWidget(getattr(window, attr))
            shoot(app, window, out(name))
        window.tabs.setCurrentWidget(window.audit)
        window.audit.verify()
        wait_for(app, lambda: not window.audit.busy)
        shoot(app, window, out("audit"))
        from alliance_desktop.ui.line_calibration_dialog import LineCalibrationDialog

        calibration = LineCalibrationDialog(window)
        calibration.show()
        for _ in range(5):
            app.processEvents()
        calibration.grab().save(str(out("line-calibration")))
        print("saved", out("line-calibration"))
        calibration.reject()
        window.close()
        session.lock()

        session = access.unlock(demo.DEMO_SUPERVISOR_USER, demo.DEMO_PASSWORD)
        window = MainWindow(session, idle_minutes=5)
        shoot(app, window, out("supervisor-caseload"))
        window.tabs.setCurrentWidget(window.overview)
        wait_for(app, lambda: window.overview.overview is not None)
        shoot(app, window, out("supervisor-overview"))
        window.close()
        session.lock()


if __name__ == "__main__":
    main()
