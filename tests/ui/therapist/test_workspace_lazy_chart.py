"""pyqtgraph loads with the first course chart, not with the login or the caseload (a fresh interpreter)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]

SCRIPT = textwrap.dedent("""
    import os, sys, tempfile
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from pathlib import Path
    from alliance_desktop.config import DataPaths
    from alliance_desktop.services import demo
    from alliance_desktop.services.access import ClinicAccess
    from tests.support import FAST_KDF
    paths = DataPaths(Path(tempfile.mkdtemp()) / "c")
    summary = demo.build_demo_clinic(paths, size="small", seed=1, kdf=FAST_KDF)
    from alliance_desktop.app import create_application
    app = create_application()
    from alliance_desktop.ui.main_window import MainWindow
    session = ClinicAccess(paths, kdf=FAST_KDF).unlock(summary.therapists[0], demo.DEMO_PASSWORD)
    main = MainWindow(session)
    main.show()
    app.processEvents()
    print("after caseload:", "pyqtgraph" in sys.modules)
    main.open_course(main.caseload.visible_rows()[0].episode_id)
    print("after course:", "pyqtgraph" in sys.modules)
    main.close()
    session.lock()
""")


def test_pyqtgraph_is_loaded_by_the_first_course_only():
    done = subprocess.run([sys.executable, "-c", SCRIPT], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "after caseload: False" in done.stdout
    assert "after course: True" in done.stdout
