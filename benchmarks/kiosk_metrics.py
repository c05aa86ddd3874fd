"""Kiosk metrics: a fresh process to the welcome screen, and Send to "Thank you" on a demo clinic.

``kiosk.start_to_welcome_s`` (collected by ``foundation.startup``, beside the bare window)
    ``alliance-desktop --kiosk`` in a fresh process, to the kiosk's welcome
    screen shown and painted, then quit. The staff login is done by the hidden
    benchmark hook ``--bench-login admin`` (password from ALLIANCE_PASSWORD,
    never argv; only with ``--exit-when-shown``), which unlocks the way the
    login window does. The child times the Argon2id key derivation of that
    login (``KeyFile.unlock_user``, deliberately slow, the same at every
    login) and the benchmark subtracts it, reporting it on its own as
    ``kiosk.start_unlock_s``; importing the database layer, opening the
    database and building the kiosk stay in the measured start. The child runs
    ``main()`` and then prints whether pyqtgraph was ever imported; a run that
    imported it, or that showed any window other than the kiosk, fails.

``kiosk.submit_to_thanks_s``
    In this process, offscreen: the real ``KioskWindow`` on the real
    ``KioskService`` of a demo clinic (small, or the clinic-scale one with
    ``--size large``), driven by QTest clicks as a client would: code on the
    keypad, "Yes, start", every question, a short comment on the on-screen
    keyboard, review. Timed from the click on Send to the first paint of the
    thank-you page (an event filter put on that page when the flow switches to it). Each client
    gets a freshly recorded session and a one-time code issued by
    ``issue_kiosk_code``, outside the timed span.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

from benchmarks.foundation import PASSWORD, _env
from benchmarks.stats import Metric

# The child: run the app's entry point, timing only the Argon2id key derivation and unwrap of
# the staff login (KeyFile.unlock_user: imports, opening the database and the kiosk stay in the
# measured start), then say whether pyqtgraph was ever imported.
_CHILD = """\
import sys, time
from alliance_desktop.storage.keys import KeyFile
spent = []
_unlock_user = KeyFile.unlock_user
def unlock_user(self, username, password):
    t0 = time.perf_counter()
    try:
        return _unlock_user(self, username, password)
    finally:
        spent.append(time.perf_counter() - t0)
KeyFile.unlock_user = unlock_user
class _Out:
    # Notes whether the database layer was loaded when the welcome screen was reported shown.
    def __init__(self, real):
        self.real = real
    def write(self, text):
        if text.strip() == "shown":
            self.real.write(f"db_layer_at_shown {'sqlalchemy' in sys.modules}\\n")
        return self.real.write(text)
    def flush(self):
        self.real.flush()
sys.stdout = _Out(sys.stdout)
from alliance_desktop.__main__ import main
rc = main(sys.argv[1:])
print("unlock_s", sum(spent), flush=True)
print("pyqtgraph_loaded", "pyqtgraph" in sys.modules, flush=True)
sys.exit(rc)
"""

#: Argon2id for the demo clinic's staff wraps: cheap, because no unlock is timed there
#: (the demo builder wraps the key once per account: 5 small, 52 large).
_DEMO_KDF = {"time_cost": 1, "memory_kib": 8192, "parallelism": 1}
_COMMENT = "thank you"


# -- start to welcome ----------------------------------------------------------------------
def start_once(clinic: Path, env: dict[str, str]) -> tuple[float, float, float, bool]:
    """One fresh process: (to the welcome painted, to the kiosk ready, unlock seconds, db layer at paint).

    The first two are measured from the start of the process to the arrival of
    its "shown" and "ready" lines (the child flushes each as it happens), each
    without the unlock's Argon2id time. A kiosk whose clinic name was not yet
    sealed opens the database before painting: then both are the same.
    """
    args = [sys.executable, "-c", _CHILD, "--data-dir", str(clinic), "--kiosk", "--exit-when-shown",
            "--bench-login", "admin"]
    arrivals: dict[str, float] = {}
    out: list[str] = []
    t0 = time.perf_counter()
    with subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) as child:
        assert child.stdout is not None
        for line in child.stdout:
            arrivals.setdefault(line.strip(), time.perf_counter() - t0)
            out.append(line.strip())
        stderr = child.stderr.read() if child.stderr is not None else ""
        code = child.wait(timeout=120)
    lines = dict(line.split(" ", 1) for line in out if " " in line)
    if code != 0 or "shown" not in arrivals:
        raise RuntimeError(f"kiosk start failed (exit {code}): {stderr.strip()[-400:]}")
    if lines.get("window") != "KioskWindow":
        raise RuntimeError(f"the first window after the login was {lines.get('window')!r}, not the kiosk")
    if lines.get("pyqtgraph_loaded") != "False":
        raise AssertionError("pyqtgraph was imported on the kiosk start path")
    unlock = float(lines["unlock_s"])
    shown = arrivals["shown"]
    ready = arrivals.get("ready", shown)
    return shown - unlock, ready - unlock, unlock, lines.get("db_layer_at_shown") == "True"


def prepare_start(clinic: Path) -> dict[str, str]:
    """The environment of a kiosk start on ``clinic`` (admin / PASSWORD, default Argon2id), after one warm-up start.

    The warm-up fills the OS file cache, builds the .qm files if missing and seals the clinic's name.
    """
    env = _env()
    env["ALLIANCE_PASSWORD"] = PASSWORD
    start_once(clinic, env)
    return env


def start_metrics(runs: list[tuple[float, float, float, bool]]) -> list[Metric]:
    """The kiosk start rows from ``start_once`` results (measured beside the bare window: ``foundation.startup``)."""
    started = [r[0] for r in runs]
    ready = [r[1] for r in runs]
    unlocks = [r[2] for r in runs]
    with_unlock = sorted(r[0] + r[2] for r in runs)[len(runs) // 2]
    db_at_paint = sum(1 for r in runs if r[3])
    return [
        Metric("kiosk.start_to_welcome_s", started, baseline="startup.bare_qt_window_s", target="ratio <= 1.5",
               note="fresh process: alliance-desktop --kiosk to the welcome screen painted, staff login by the "
                    "--bench-login hook, its Argon2id key derivation subtracted; the database opens after this "
                    "paint (clinic name from its sealed copy, written by the warm-up login); pyqtgraph not "
                    "imported (checked); one per round beside the bare and login windows",
               extra={"median_with_unlock_s": with_unlock, "pyqtgraph_loaded_runs": 0.0,
                      "runs_with_db_layer_loaded_at_paint": float(db_at_paint)}),
        Metric("kiosk.start_to_ready_s", ready, baseline="startup.bare_qt_window_s",
               note="the same processes, to the kiosk service ready (database opened, login and kiosk start "
                    "audited) after the welcome paint; Argon2id subtracted"),
        Metric("kiosk.start_unlock_s", unlocks,
               note="in that process: the staff login's Argon2id (64 MiB, t=3, p=4) + key unwrap, "
                    "subtracted from the rows above"),
    ]


# -- submit to thanks ----------------------------------------------------------------------
def _build_demo(root: Path, size: str) -> tuple[Path, str]:
    """(demo folder, password); the large one is reused from ALLIANCE_BENCH_LARGE_DIR when set.

    A reused folder gets the benchmark's sessions and responses added to it
    (about a dozen per run), as a clinic's database would.
    """
    from alliance_desktop.config import DataPaths
    from alliance_desktop.services.demo import build_demo_clinic
    from alliance_desktop.storage.keys import KdfParams

    reuse = os.environ.get("ALLIANCE_BENCH_LARGE_DIR")
    if size == "large" and reuse:
        return Path(reuse), os.environ.get("ALLIANCE_BENCH_PASSWORD", PASSWORD)
    if size == "large":
        print("kiosk benchmark: building the large demo clinic (a few minutes)…", file=sys.stderr, flush=True)
    paths = DataPaths(root / f"demo-{size}")
    build_demo_clinic(paths, size=size, seed=1, password=PASSWORD, kdf=KdfParams(**_DEMO_KDF))
    return paths.root, PASSWORD


def _open_episodes(session: object, limit: int) -> list[uuid.UUID]:
    """Open episodes of the demo clinic, the longest courses first (their alert checks read the most)."""
    import sqlalchemy as sa

    from alliance_desktop.storage.tables import Episode, TherapySession

    query = (sa.select(Episode.id).join(TherapySession, TherapySession.episode_id == Episode.id)
             .where(Episode.closed_on.is_(None)).group_by(Episode.id)
             .having(sa.func.max(TherapySession.number) < 150)
             .order_by(sa.func.count(TherapySession.id).desc(), Episode.id).limit(limit))
    with session.read() as s:  # type: ignore[attr-defined]
        return [row[0] for row in s.execute(query)]


class _FirstPaint:
    """Notes when a stacked widget's next current page is first painted.

    The filter goes on the new page only, when the stack switches to it (before
    it can be painted), so the rest of the window's events pay nothing for it.
    """

    def __init__(self, stack: object, kind: type) -> None:
        from PySide6.QtCore import QEvent, QObject

        paint = QEvent.Type.Paint
        self.at: float | None = None
        self.page: object = None
        outer = self

        class Filter(QObject):
            def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
                if outer.at is None and event.type() == paint:
                    outer.at = time.perf_counter()
                return False

        self._filter = Filter()
        self._stack = stack
        self._kind = kind

        def switched(index: int) -> None:
            page = stack.widget(index)  # type: ignore[attr-defined]
            if isinstance(page, kind) and self.page is None:
                self.page = page
                page.installEventFilter(self._filter)

        self._slot = switched
        stack.currentChanged.connect(switched)  # type: ignore[attr-defined]

    def close(self) -> None:
        self._stack.currentChanged.disconnect(self._slot)  # type: ignore[attr-defined]
        if self.page is not None:
            self.page.removeEventFilter(self._filter)  # type: ignore[attr-defined]


class _Client:
    """One client's way through the real kiosk window, with QTest clicks."""

    def __init__(self, window: object, app: object) -> None:
        self.window = window
        self.app = app

    def click(self, widget: object, pos: object = None) -> None:
        from PySide6.QtCore import Qt
        from PySide6.QtTest import QTest

        if not (widget.isVisible() and widget.isEnabled()):  # type: ignore[attr-defined]
            raise RuntimeError(f"cannot tap {type(widget).__name__}: not visible or not enabled")
        if pos is None:
            QTest.mouseClick(widget, Qt.MouseButton.LeftButton)
        else:
            QTest.mouseClick(widget, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, pos)

    def up_to_review(self, code: str) -> None:
        from PySide6.QtCore import QPoint

        from alliance_desktop.ui.kiosk.comment import CommentPage
        from alliance_desktop.ui.kiosk.pages_items import InstructionPage, ItemPage
        from alliance_desktop.ui.kiosk.review import ReviewPage
        from alliance_desktop.ui.widgets.rating_line import LINE_Y

        flow = self.window.flow  # type: ignore[attr-defined]
        self.click(flow.welcome.start_button)
        keypad = flow.code_page.keypad
        for digit in code:
            self.click(keypad.digit_buttons[digit])
        self.click(keypad.ok_button)
        if flow.page_name() != "confirm":
            raise RuntimeError(f"the code led to {flow.page_name()!r}, not the confirmation page")
        self.click(flow.page().yes_button)
        for _ in range(200):
            page = flow.page()
            if isinstance(page, InstructionPage):
                self.click(page.continue_button)
            elif isinstance(page, ItemPage):
                if page.line is not None:
                    x = round(page.line.x0 + 0.7 * page.line.length_px())
                    self.click(page.line, QPoint(x, int(LINE_Y)))
                elif page.options is not None:
                    self.click(page.options.buttons[1])
                self.click(page.next_button)
            elif isinstance(page, CommentPage):
                for char in _COMMENT:
                    self.click(page.keyboard.key_for(char))
                self.click(page.next_button)
            elif isinstance(page, ReviewPage):
                return
            else:
                raise RuntimeError(f"unexpected kiosk page {page.name!r}")
        raise RuntimeError("the questionnaire never reached the review page")

    def send(self) -> float:
        """Tap Send; seconds until the thank-you page is painted."""
        from alliance_desktop.ui.kiosk.pages_end import ThankYouPage

        flow = self.window.flow  # type: ignore[attr-defined]
        first_paint = _FirstPaint(flow, ThankYouPage)
        try:
            t0 = time.perf_counter()
            self.click(flow.review.send_button)
            deadline = t0 + 10
            while first_paint.at is None and time.perf_counter() < deadline:
                self.app.processEvents()  # type: ignore[attr-defined]
        finally:
            first_paint.close()
        if first_paint.at is None or flow.page_name() != "thanks":
            raise RuntimeError(f"no thank-you page after Send (page {flow.page_name()!r})")
        return first_paint.at - t0

    def next_client(self) -> None:
        """Skip the 5 s on the thank-you page: what its timer would do, now."""
        flow = self.window.flow  # type: ignore[attr-defined]
        flow.thanks_timer.stop()
        flow.finished.emit()
        for _ in range(5):
            self.app.processEvents()  # type: ignore[attr-defined]
            if self.window.flow is not flow:  # type: ignore[attr-defined]
                return
        raise RuntimeError("the kiosk did not start over after the thank-you page")


def submit_to_thanks(repeats: int, size: str, workdir: Path) -> list[Metric]:
    import sqlalchemy as sa

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from alliance_desktop.app import create_application
    from alliance_desktop.config import DataPaths
    from alliance_desktop.services.access import ClinicAccess
    from alliance_desktop.services.demo import DEMO_ADMIN_USER
    from alliance_desktop.services.kiosk import KioskService, issue_kiosk_code
    from alliance_desktop.services.sessions import record_session
    from alliance_desktop.storage.keys import KdfParams
    from alliance_desktop.storage.tables import Response, TherapySession
    from alliance_desktop.ui import heap
    from alliance_desktop.ui.i18n import compile_translations
    from alliance_desktop.ui.kiosk.idle import KioskTimings
    from alliance_desktop.ui.kiosk.window import KioskWindow

    root, password = _build_demo(workdir, size)
    app = create_application()
    compile_translations()
    session = ClinicAccess(DataPaths(root), kdf=KdfParams(**_DEMO_KDF)).unlock(DEMO_ADMIN_USER, password)
    window = None
    try:
        benchmark_sessions = (sa.select(sa.func.count(sa.distinct(Response.session_id)))
                              .where(Response.device_id == "benchmark"))
        with session.read() as s:
            sessions_before = s.scalar(sa.select(sa.func.count()).select_from(TherapySession))
            sent_before = s.scalar(benchmark_sessions)  # a reused large demo holds earlier runs' clients
        episodes = _open_episodes(session, repeats + 1)
        if not episodes:
            raise RuntimeError("the demo clinic has no open episode to record sessions in")
        today = date.today()

        def new_code(i: int) -> str:
            held = record_session(session, episodes[i % len(episodes)], today - timedelta(days=1))
            return issue_kiosk_code(session, held.therapy_session_id).code

        service = KioskService.start(session, device_id="benchmark")
        window = KioskWindow(service, timings=KioskTimings())
        window.resize(1280, 800)
        window.lockdown.install()  # the application-wide filter runs as in the real kiosk
        window.show()
        app.processEvents()
        heap.settle()  # as the shell does 0.2 s after the staff login that starts the kiosk (ui/heap.py)
        client = _Client(window, app)
        samples: list[float] = []
        for i in range(repeats + 1):  # the first client warms up (statement caches, scoring tables)
            client.up_to_review(new_code(i))
            seconds = client.send()
            if i:
                samples.append(seconds)
            client.next_client()
        with session.read() as s:  # every client's answers stored: one response per instrument
            stored = s.scalar(benchmark_sessions) - sent_before
        if stored != repeats + 1:
            raise RuntimeError(f"{repeats + 1} clients sent their answers, {stored} sessions have responses")
    finally:
        if window is not None:
            window.retire()
            window.hide()
            window.deleteLater()
            app.processEvents()
        session.lock()
    return [Metric("kiosk.submit_to_thanks_s", samples, baseline="db.raw_commit_s", target="p95 < 100 ms",
                   note=f"in-process, offscreen: real KioskWindow + KioskService, Send tapped to the thank-you "
                        f"page painted; {size} demo clinic ({sessions_before:,} sessions before), "
                        f"2 instruments + comment per client",
                   extra={"sessions_in_clinic": float(sessions_before)})]


def collect(quick: bool, size: str = "small") -> list[Metric]:
    with tempfile.TemporaryDirectory(prefix="alliance-bench-kiosk-") as tmp:
        work = Path(tmp)
        # The kiosk's start is measured with the other start-ups, beside the bare window (foundation.startup).
        return submit_to_thanks(5 if quick else 40, "small" if quick else size, work)
