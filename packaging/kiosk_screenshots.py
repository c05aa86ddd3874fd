#!/usr/bin/env python3
"""Screenshots of every kiosk page, at 1280x800 and 1024x768, in English and German.

Run under a real X server so fonts, sizes and the full-screen geometry are
what a tablet shows:

    xvfb-run -a -s "-screen 0 1280x800x24" .venv/bin/python packaging/kiosk_screenshots.py OUTDIR

The window is resized to each size in turn (a kiosk covers whatever screen
it gets). The questionnaire comes from a throwaway demo clinic through the
real kiosk service: a code is issued for a session 5 (the clinic's default
instruction session) and typed on the pad, so these are the pages a client
would see, instruction page included. Not a test: it asserts nothing, it is
for eyes. The README uses two of them, copied into docs/screenshots/:
kiosk-welcome.png and kiosk-line.png.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QSize
from PySide6.QtWidgets import QApplication, QWidget

from alliance_desktop.app import create_application
from alliance_desktop.ui.i18n import compile_translations
from alliance_desktop.ui.kiosk.idle import KioskTimings
from alliance_desktop.ui.kiosk.pages_items import ItemPage
from alliance_desktop.ui.kiosk.window import KioskWindow

SIZES = (QSize(1280, 800), QSize(1024, 768))
LANGUAGES = ("en", "de")
SLOW = KioskTimings(thank_you_ms=600_000)
COMMENTS = {"en": "It helped, thank you.", "de": "Es war hilfreich, danke.", "fr": "Ça m’a aidé, merci.",
            "it": "Mi è stato utile, grazie."}


def settle(app: QApplication, rounds: int = 6) -> None:
    for _ in range(rounds):
        app.processEvents()


def save(app: QApplication, widget: QWidget, out: Path, name: str) -> None:
    settle(app)
    path = out / f"{name}.png"
    if not widget.grab().save(str(path)):
        raise SystemExit(f"could not write {path}")
    print(f"{path}  ({widget.width()}x{widget.height()})")


def drive(app: QApplication, window: KioskWindow, code: str, shot: Callable[[str], None]) -> None:
    """One client, page by page, answering as a person would; a picture of each page."""
    flow = window.flow
    assert flow is not None
    shot("01-welcome")
    flow.welcome.start_button.click()
    page = flow.code_page
    assert page is not None
    for digit in code[:3]:
        page.keypad.press(digit)
    shot("02-code")
    page.keypad.clear()
    for digit in "999999":
        page.keypad.press(digit)
    page.keypad.submit()
    shot("03-code-wrong")
    for digit in code:
        page.keypad.press(digit)
    page.keypad.submit()
    shot("04-confirm")
    flow.page().yes_button.click()  # type: ignore[attr-defined]
    if flow.page_name() == "instruction":
        shot("05-instruction")
        flow.page().continue_button.click()  # type: ignore[attr-defined]
    first_line = first_option = True
    while isinstance(flow.page(), ItemPage):
        item = flow.page()
        assert isinstance(item, ItemPage)
        if item.line is not None:
            if first_line:
                shot("06-line-untouched")
            item.line.set_value_mm(72)
            if first_line:
                shot("07-line")
                first_line = False
        elif item.options is not None:
            item.options.set_value(1)
            item.options.focus_first()
            if first_option:
                shot("08-options")
                first_option = False
        item.next_button.click()
    if flow.comment_page is not None and flow.page() is flow.comment_page:
        flow.comment_page.field.setFocus()
        for char in COMMENTS.get(window.languages.language, COMMENTS["en"]):
            flow.comment_page.field.type_text(char)
        shot("09-comment")
        flow.comment_page.next_button.click()
    shot("10-review")
    review = flow.review
    assert review is not None
    review.scroll.verticalScrollBar().setValue(review.scroll.verticalScrollBar().maximum())
    shot("11-review-end")
    review.scroll.verticalScrollBar().setValue(0)
    window.idle.warning.emit(30)
    window.idle.countdown.emit(23)
    shot("12-still-there")
    window.idle.still_here()
    window._close_shade()
    review.send_button.click()
    shot("13-thank-you")
    window.new_client()
    window.open_exit()
    if window.pin_page is not None:
        for digit in "1234":
            window.pin_page.keypad.press(digit)
        shot("14-exit-pin")
        window._close_pin_page()


def demo_kiosk(root: Path):  # type: ignore[no-untyped-def]
    """A small demo clinic (cheap key derivation: nothing here is real) and a way to open a kiosk on it.

    Returns (open_kiosk(language) -> (service, code), close). The code is
    issued by the real service for a session 5, so the clinic's instruction
    page appears (the demo's sessions already hold made-up answers; one more
    response is stored per run, in a folder deleted afterwards).
    """
    import sqlalchemy as sa

    from alliance_desktop.config import DataPaths
    from alliance_desktop.services import demo
    from alliance_desktop.services.access import ClinicAccess
    from alliance_desktop.services.kiosk import KioskService, issue_kiosk_code, set_exit_pin
    from alliance_desktop.storage.keys import KdfParams
    from alliance_desktop.storage.tables import TherapySession

    cheap = KdfParams(time_cost=1, memory_kib=8192, parallelism=1)
    paths = DataPaths(root / "clinic")
    demo.build_demo_clinic(paths, size="small", seed=1, kdf=cheap)
    session = ClinicAccess(paths, kdf=cheap).unlock(demo.DEMO_ADMIN_USER, demo.DEMO_PASSWORD)
    set_exit_pin(session, "24681357")
    with session.read() as s:  # a packaging script may look into storage; the kiosk UI never does
        fifths = s.execute(sa.select(TherapySession.id).where(
            TherapySession.number == 5, TherapySession.status == "held")).scalars().all()
    if not fifths:
        raise SystemExit("the demo clinic has no session 5")
    pending = list(fifths)

    def open_kiosk(language: str):  # type: ignore[no-untyped-def]
        service = KioskService.start(session, device_id="screenshots")
        return service, issue_kiosk_code(session, pending.pop()).code

    return open_kiosk, session.lock


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("outdir", type=Path)
    parser.add_argument("--languages", default=",".join(LANGUAGES),
                        help="comma-separated kiosk languages (default: en,de)")
    args = parser.parse_args(argv)
    out: Path = args.outdir
    out.mkdir(parents=True, exist_ok=True)
    app = create_application()
    compile_translations()
    root = Path(tempfile.mkdtemp(prefix="alliance-kiosk-shots-"))
    try:
        open_kiosk, close = demo_kiosk(root)
        try:
            for size in SIZES:
                for language in args.languages.split(","):
                    # A new kiosk service per run, as on a freshly started device: the wrong code typed
                    # for the "code did not work" picture must not add up to the 5-a-minute pause.
                    service, code = open_kiosk(language)
                    window = KioskWindow(service, timings=SLOW, default_language=language)
                    window.resize(size)
                    window.show()
                    settle(app)
                    prefix = f"{size.width()}x{size.height()}-{language}"
                    drive(app, window, code,
                          lambda name, w=window, p=prefix: save(app, w, out, f"{p}-{name}"))
                    window.retire()
                    window.hide()
                    window.deleteLater()
                    settle(app)
        finally:
            close()
    finally:
        shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
