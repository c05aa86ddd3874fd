"""The composition root: data folder → single-instance lock → access → Qt → screens.

This is the only module that decides *which* implementations are used (the
real clock, the default Argon2id cost, the real printer, the demo builder);
everything below receives what it needs as arguments, so tests build the
same graph with cheap parts. Nothing here is a global: ``run`` builds the
graph, runs the event loop and tears it all down again, in that order, on
every way out.
"""

from __future__ import annotations

import atexit
import contextlib
import locale
import os
import signal
import sys
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from PySide6.QtCore import QCoreApplication, QLocale, QTimer
from PySide6.QtGui import QGuiApplication, QIcon
from PySide6.QtWidgets import QApplication, QWidget

from alliance_desktop import __version__
from alliance_desktop.config import APP_AUTHOR, DataPaths, default_data_dir
from alliance_desktop.resources import app_icon_path
from alliance_desktop.services.access import ClinicAccess
from alliance_desktop.single_instance import InstanceLock
from alliance_desktop.ui import theme
from alliance_desktop.ui.shell import ShellController
from alliance_desktop.ui.windows import ShellWindows, ViewOptions

APP_NAME = "Alliance Desktop"
EXIT_NO_DISPLAY = 2
EXIT_REFUSED = 1

NO_DISPLAY = (
    "Alliance Desktop needs a graphical display, and none was found: DISPLAY and WAYLAND_DISPLAY "
    "are not set. Start it from a desktop session (or over ssh -X). For a headless run, set "
    "QT_QPA_PLATFORM=offscreen."
)

#: Builds a demo clinic into the (empty) folder, reporting (done, total); returns (user, password).
DemoBuilder = Callable[[DataPaths, Callable[[int, int], None]], tuple[str, str]]


@dataclass(frozen=True, slots=True)
class StartOptions:
    data_dir: Path | None = None
    demo: bool = False
    exit_when_shown: bool = False
    #: ``--kiosk``: staff log in as usual, then the client kiosk starts full screen.
    kiosk: bool = False
    #: Benchmark hook (``--bench-login``, hidden, only with ``exit_when_shown``): (user, password)
    #: unlocked without the login window, the same way the login window does it.
    bench_login: tuple[str, str] | None = field(default=None, repr=False)


def display_available(environ: Mapping[str, str], platform: str) -> bool:
    """False only where Qt would abort for lack of a display (Linux/BSD without X11 or Wayland)."""
    if platform.startswith(("win", "darwin", "cygwin")):
        return True
    return any(environ.get(name) for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"))


class _ReportExporterOnDemand:
    """The staff workspace's PDF exporter (reports is wired in here, never imported by ui).

    The reports package is imported on the first export, not at start: the login
    window must not wait for PDF code nobody may use today.
    """

    def __getattr__(self, name: str) -> object:
        from alliance_desktop.reports.exporter import PdfReportExporter

        return getattr(PdfReportExporter(), name)


def _report_exporter() -> object:
    return _ReportExporterOnDemand()


def demo_banner(user: str, password: str) -> str:
    # The line break keeps "(user …, password …)" on one line: a password broken at a hyphen misleads.
    return (f"Demo clinic — made-up data, deleted when you close the app\n"
            f"(user {user}, password {password})")


def build_demo(paths: DataPaths, progress: Callable[[int, int], None]) -> tuple[str, str]:
    """The real demo: the small made-up clinic, the same every time (seed 1)."""
    from alliance_desktop.services import demo

    demo.build_demo_clinic(paths, size="small", seed=1, password=demo.DEMO_PASSWORD, progress=progress)
    return demo.DEMO_ADMIN_USER, demo.DEMO_PASSWORD


def remove_folder(path: Path) -> None:
    """Delete a demo folder; never raise on the way out (the OS cleans temp folders eventually)."""
    import shutil

    shutil.rmtree(path, ignore_errors=True)


def run(
    options: StartOptions,
    *,
    demo_builder: DemoBuilder = build_demo,
    access_factory: Callable[[DataPaths], ClinicAccess] = ClinicAccess,
    out: TextIO | None = None,
) -> int:
    """Start the app; returns the process exit code."""
    if not display_available(os.environ, sys.platform):
        print(NO_DISPLAY, file=sys.stderr)
        return EXIT_NO_DISPLAY
    demo_root: Path | None = None
    cleanup: Callable[[], None] | None = None
    try:
        if options.demo:
            import tempfile

            demo_root = Path(tempfile.mkdtemp(prefix="alliance-demo-"))
            cleanup = _bind(remove_folder, demo_root)
            atexit.register(cleanup)  # also on an exit that skips this finally (sys.exit in a slot)
            root = demo_root
        else:
            root = options.data_dir or default_data_dir()
        paths = DataPaths(Path(root).absolute())
        return _run_gui(paths, options, demo_builder, access_factory, out)
    finally:
        if cleanup is not None and demo_root is not None:
            remove_folder(demo_root)
            atexit.unregister(cleanup)


def _run_gui(paths: DataPaths, options: StartOptions, demo_builder: DemoBuilder,
             access_factory: Callable[[DataPaths], ClinicAccess], out: TextIO | None) -> int:
    app = create_application()
    with _stop_on_signals():
        return _open_clinic(app, paths, options, demo_builder, access_factory, out)


def _open_clinic(app: QApplication, paths: DataPaths, options: StartOptions, demo_builder: DemoBuilder,
                 access_factory: Callable[[DataPaths], ClinicAccess], out: TextIO | None) -> int:
    if not options.demo:  # a network share or sync folder is refused before anything is created there
        from alliance_desktop.services.data_folder import UnsafeDataFolder, check_data_folder

        try:
            check_data_folder(paths.root)
        except UnsafeDataFolder as unsafe:
            print(unsafe.user_message, file=sys.stderr)
            _show_alone(app, "Alliance Desktop cannot use this data folder", unsafe.user_message, paths.root,
                        options, out)
            return EXIT_REFUSED
    try:
        paths.ensure()
    except OSError as problem:
        message = f"The data folder cannot be created ({problem.strerror or problem}). Choose another with --data-dir."
        print(message, file=sys.stderr)
        _show_alone(app, "Alliance Desktop cannot use this data folder", message, paths.root, options, out)
        return EXIT_REFUSED
    lock = InstanceLock(paths.lockfile)
    if not lock.acquire():
        print(lock.refusal_message(), file=sys.stderr)
        _show_alone(app, "Alliance Desktop is already running", lock.refusal_message(), paths.root, options, out)
        return EXIT_REFUSED
    controller: ShellController | None = None
    windows: ShellWindows | None = None
    try:
        access = access_factory(paths)
        banner, user, demo_problem = "", "", ""
        if options.demo:
            try:
                user, password = _build_demo_with_progress(app, paths, demo_builder)
                banner = demo_banner(user, password)
            except Exception:  # noqa: BLE001 - shown to the person, with the traceback on stderr
                import traceback

                traceback.print_exc()
                demo_problem = "The demo clinic could not be created. Details were printed to the terminal."
        controller = ShellController(access, initial_user=user, kiosk_on_login=options.kiosk)
        windows = ShellWindows(controller, ViewOptions(banner=banner, reports=_report_exporter()))
        app.setQuitOnLastWindowClosed(False)  # switching screens hides windows; quitting is explicit
        controller.quitRequested.connect(app.quit)
        app.aboutToQuit.connect(controller.shutdown)  # window-system quits (logout of the desktop)
        if options.exit_when_shown:
            _quit_once_shown(app, windows, out, name_window=options.bench_login is not None)
        if demo_problem:
            controller.show_problem(demo_problem, "Alliance Desktop cannot open the demo")
        elif options.bench_login is not None:
            if not options.exit_when_shown:  # the entry point refuses this too: never a logged-in app that stays
                raise ValueError("bench_login needs exit_when_shown")
            if not _bench_log_in(controller, options.bench_login):
                return EXIT_REFUSED
        else:
            controller.start()
        return int(app.exec())
    finally:
        if controller is not None:
            with contextlib.suppress(RuntimeError, TypeError):
                app.aboutToQuit.disconnect(controller.shutdown)
            controller.shutdown()
        if windows is not None:
            windows.close_all()
        # Work still running on the pool (a database update at the first login after an app update,
        # a backup) finishes before the folder is free for another instance: the process would wait
        # for it at exit anyway, but after the lock was released.
        from PySide6.QtCore import QThreadPool

        QThreadPool.globalInstance().waitForDone()
        lock.release()


def create_application() -> QApplication:
    """The QApplication, named for Qt's settings and window manager, with our look and locale."""
    QCoreApplication.setOrganizationName(APP_AUTHOR)
    QCoreApplication.setApplicationName(APP_NAME)
    QCoreApplication.setApplicationVersion(__version__)
    existing = QApplication.instance()
    program = sys.argv[0] if sys.argv else "alliance-desktop"
    app = existing if isinstance(existing, QApplication) else QApplication([program, *theme.STYLE_ARGUMENTS])
    QGuiApplication.setDesktopFileName("alliance-desktop")
    app.setWindowIcon(QIcon(str(app_icon_path())))  # every window, the taskbar and Alt+Tab
    # Until translations exist the UI is English whatever LANG says, so Qt's own texts and
    # number/date formats must not switch language underneath it.
    QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedKingdom))
    # QApplication calls setlocale(LC_ALL, ""); C libraries (SQLite, numpy's parsers) then read
    # "1,5" under a German LANG. Numbers are C-formatted below the UI.
    with contextlib.suppress(locale.Error):
        locale.setlocale(locale.LC_NUMERIC, "C")
    theme.apply_theme(app, style_chosen=existing is None)
    return app


def _build_demo_with_progress(app: QApplication, paths: DataPaths, builder: DemoBuilder) -> tuple[str, str]:
    from PySide6.QtWidgets import QProgressDialog  # --demo only

    dialog = QProgressDialog("Creating a demo clinic with made-up clients…", "", 0, 0)
    dialog.setWindowTitle(APP_NAME)
    dialog.setCancelButton(None)  # type: ignore[arg-type]
    dialog.setMinimumDuration(0)
    dialog.setMinimumWidth(420)
    dialog.show()
    app.processEvents()

    def progress(done: int, total: int) -> None:
        dialog.setMaximum(max(total, 1))
        dialog.setValue(min(done, max(total, 1)))
        app.processEvents()

    try:
        return builder(paths, progress)
    finally:
        dialog.hide()
        dialog.deleteLater()


def _bench_log_in(controller: ShellController, login: tuple[str, str]) -> bool:
    """The benchmark hook: unlock as the login window does, then go where a login goes.

    A wrong password is refused as at the login window (and counts towards its backoff). One
    difference: a database that needs a schema update is updated inside the open, without the
    login window's progress window (a benchmark's clinic is always current).
    """
    from alliance_desktop.services.errors import ServiceError, StorageError
    from alliance_desktop.ui.login import log_in
    from alliance_desktop.ui.messages import staff_message

    user, password = login
    try:
        attempt = log_in(controller.access, user, password, kiosk_first=controller.kiosk_on_login)
    except (ServiceError, StorageError) as problem:
        print(f"Log-in refused: {staff_message(problem)}", file=sys.stderr)
        return False
    if attempt.session is not None:
        controller.open_session(attempt.session)
    else:
        controller.kiosk_before_open(attempt.checked, attempt.clinic_name)
    return True


def _quit_once_shown(app: QApplication, windows: ShellWindows, out: TextIO | None, *,
                     name_window: bool = False) -> None:
    """For the start-up benchmark: once the first window is painted, say so and quit.

    With ``name_window`` it first prints ``window <class name>``, so a benchmark
    can check that the screen it timed is the one it meant (the kiosk, not a problem).
    """
    done = [False]

    def shown(window: QWidget) -> None:
        if done[0]:
            return
        done[0] = True
        app.processEvents()  # expose and paint the window before we call it shown
        if name_window:
            print(f"window {type(window).__name__}", file=out or sys.stdout, flush=True)
        if not getattr(windows.controller.kiosk, "ready", True):
            # A kiosk painted before its database opened: say "shown" now, quit once it is ready
            # (or has failed: then a problem window is shown and named instead).
            print("shown", file=out or sys.stdout, flush=True)
            windows.controller.kioskReady.connect(lambda: _say_ready_and_quit(app, out))
            windows.windowShown.connect(lambda other: _say_ready_and_quit(app, out, failed=type(other).__name__))
            return
        QTimer.singleShot(0, lambda: _say_shown_and_quit(app, out))

    windows.windowShown.connect(shown)


def _say_ready_and_quit(app: QApplication, out: TextIO | None, failed: str = "") -> None:
    print(f"not ready: {failed}" if failed else "ready", file=out or sys.stdout, flush=True)
    app.exit(0 if not failed else 1)


def _say_shown_and_quit(app: QApplication, out: TextIO | None) -> None:
    print("shown", file=out or sys.stdout, flush=True)
    # exit(), not quit(): in Qt 6 quit() first asks every window to close and gives up when one
    # refuses — and the kiosk window refuses every close that is not its staff PIN.
    app.exit(0)


def _show_alone(app: QApplication, title: str, message: str, folder: Path, options: StartOptions,
                out: TextIO | None) -> None:
    """Run the event loop for one message window (second instance, unusable folder).

    The window's module is imported here, not at the top: a normal start never shows it.
    """
    from alliance_desktop.ui.problem_window import ProblemWindow

    window = ProblemWindow(title, message, folder)
    app.setQuitOnLastWindowClosed(True)
    window.show()
    if options.exit_when_shown:
        app.processEvents()
        QTimer.singleShot(0, lambda: _say_shown_and_quit(app, out))
    app.exec()
    window.hide()
    window.deleteLater()


@contextlib.contextmanager
def _stop_on_signals() -> Iterator[None]:
    """Ctrl+C / SIGTERM quit the event loop cleanly, so the session is locked and a demo folder removed.

    Python runs signal handlers only when it gets control; a short timer gives it
    control while Qt's loop waits.
    """
    # exit(), not quit(): quit() first asks every window to close, and the kiosk window refuses.
    app_quit = lambda *_: QCoreApplication.exit(0)  # noqa: E731
    previous: dict[int, object] = {}
    heartbeat: QTimer | None = None
    try:
        for sig in (signal.SIGINT, signal.SIGTERM):
            previous[sig] = signal.signal(sig, app_quit)
        heartbeat = QTimer()
        heartbeat.start(250)
        heartbeat.timeout.connect(lambda: None)
    except ValueError:  # not the main thread: leave signals alone
        pass
    try:
        yield
    finally:
        if heartbeat is not None:
            heartbeat.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)  # type: ignore[arg-type]


def _bind(func: Callable[[Path], None], path: Path) -> Callable[[], None]:
    def bound() -> None:
        func(path)

    return bound
