"""The entry point takes PySide6's source-scanning import hook out, and nothing of ours needs it."""

from __future__ import annotations

import builtins
import re
import subprocess
import sys
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def test_after_loading_pyside_imports_are_pythons_own():
    code = (
        "import builtins\n"
        "from alliance_desktop.ui.pyside_loading import load_pyside, scans_imports\n"
        "import PySide6.QtCore\n"
        "print(scans_imports())\n"  # PySide installed its hook
        "load_pyside()\n"
        "print(scans_imports(), builtins.__import__ is builtins.__orig_import__)\n"
        "load_pyside()\n"  # twice is harmless
        "import json, PySide6.QtWidgets\n"
        "print(scans_imports(), 'json' in __import__('sys').modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=PROJECT_ROOT,
                          timeout=60)
    assert done.stdout.split() == ["True", "False", "True", "False", "True"], done.stdout + done.stderr


def test_no_module_uses_pysides_feature_switches():
    """``from __feature__ import ...`` needs the hook that ``load_pyside`` removes."""
    pattern = re.compile(r"^\s*(from|import)\s+__feature__", re.MULTILINE)
    users = [path for folder in ("alliance_desktop", "benchmarks", "packaging", "tests")
             for path in (PROJECT_ROOT / folder).rglob("*.py") if pattern.search(path.read_text(encoding="utf-8"))]
    assert users == []


def test_this_test_process_runs_without_the_hook():
    """tests/conftest.py loads PySide the way the entry point does, so the suite runs what ships."""
    hook = getattr(builtins, "__feature_import__", None)
    assert hook is None or builtins.__import__ is not hook
