"""Translations for the client-facing kiosk: compile the .ts sources, switch language at run time.

Why compile on demand: the ``.ts`` files are the reviewed, committed sources
(plain XML a translator can diff); the ``.qm`` files Qt loads are build
outputs and stay out of git. A fresh clone therefore has no ``.qm`` yet, so
the tests' conftest and the kiosk start call :func:`compile_translations`,
which runs ``pyside6-lrelease`` only for a ``.qm`` that is missing or older
than its ``.ts``. A bundled build ships the ``.qm`` files and has no
lrelease; then the existing ones are used as they are.

Only one of our translators is installed at a time: a language switch removes
the previous one first, so a German string never survives into French.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLocale, QTranslator

from alliance_desktop.resources import resource_path

#: Kiosk languages in the order the welcome screen offers them; English is the source language.
LANGUAGES: tuple[str, ...] = ("en", "de", "fr", "it")
SOURCE_LANGUAGE = "en"
TRANSLATED: tuple[str, ...] = ("de", "fr", "it")
#: Languages with a .ts file: English has one too, for its plural forms ("1 second" / "2 seconds").
COMPILED: tuple[str, ...] = (SOURCE_LANGUAGE, *TRANSLATED)
#: Each language named in itself: a client who does not read English must still find theirs.
NATIVE_NAMES: dict[str, str] = {"en": "English", "de": "Deutsch", "fr": "Français", "it": "Italiano"}
PREFIX = "alliance_"


def translations_dir() -> Path:
    return resource_path("translations")


def ts_path(language: str, folder: Path | None = None) -> Path:
    return (folder or translations_dir()) / f"{PREFIX}{language}.ts"


def qm_path(language: str, folder: Path | None = None) -> Path:
    return (folder or translations_dir()) / f"{PREFIX}{language}.qm"


def lrelease_command() -> str | None:
    """``pyside6-lrelease`` beside this interpreter (a venv), else on PATH, else None."""
    here = Path(sys.executable).parent
    for name in ("pyside6-lrelease", "pyside6-lrelease.exe"):
        candidate = here / name
        if candidate.exists():
            return str(candidate)
    import shutil  # here, not at the top: the kiosk imports this module on its way to the first paint

    return shutil.which("pyside6-lrelease")


def _stale(ts: Path, qm: Path) -> bool:
    return not qm.exists() or qm.stat().st_mtime < ts.stat().st_mtime


def compile_translations(folder: Path | None = None, languages: Iterable[str] = COMPILED,
                         *, force: bool = False) -> list[Path]:
    """Build each missing or outdated ``.qm``; returns the files (re)built.

    Raises ``RuntimeError`` when a ``.qm`` must be built but lrelease is not
    available or fails: a kiosk that silently fell back to English for a
    German client would be worse than a clear error at start.
    """
    built: list[Path] = []
    tool: str | None = None
    for language in languages:
        ts, qm = ts_path(language, folder), qm_path(language, folder)
        if not ts.exists() or not (force or _stale(ts, qm)):
            continue
        tool = tool or lrelease_command()
        if tool is None:
            raise RuntimeError(f"{qm.name} is missing and pyside6-lrelease was not found to build it from {ts.name}.")
        import subprocess

        done = subprocess.run([tool, "-silent", str(ts), "-qm", str(qm)], capture_output=True, text=True,
                              timeout=120, check=False)
        if done.returncode != 0 or not qm.exists():
            raise RuntimeError(f"pyside6-lrelease failed for {ts.name}: {done.stderr.strip() or done.stdout.strip()}")
        built.append(qm)
    return built


class LanguageSwitcher:
    """Installs the translator of one kiosk language at a time (English needs none)."""

    def __init__(self, folder: Path | None = None) -> None:
        self._folder = folder
        self._translator: QTranslator | None = None
        self.language = SOURCE_LANGUAGE

    def switch(self, language: str) -> bool:
        """Make ``language`` current; False (and English) when its translation cannot be loaded."""
        app = QCoreApplication.instance()
        self._remove(app)
        self.language = SOURCE_LANGUAGE
        if app is None:
            return language == SOURCE_LANGUAGE
        translator = QTranslator(app)
        if not translator.load(str(qm_path(language, self._folder))):
            translator.deleteLater()
            # English works without its file (only "1 seconds" reads a little off).
            return language == SOURCE_LANGUAGE
        app.installTranslator(translator)
        self._translator = translator
        self.language = language
        return True

    def reset(self) -> None:
        """Back to the source language (leaving the kiosk: the staff screens are English)."""
        self._remove(QCoreApplication.instance())
        self.language = SOURCE_LANGUAGE

    def locale(self) -> QLocale:
        return QLocale(self.language)

    def _remove(self, app: QCoreApplication | None) -> None:
        translator, self._translator = self._translator, None
        if translator is not None and app is not None:
            app.removeTranslator(translator)
            translator.deleteLater()
