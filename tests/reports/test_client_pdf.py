"""The client summary PDF, checked as a reader would: extracted text, fonts, rendering, metadata, paper.

The numbers looked for are the ones the test clinic was seeded with
(workspace_fixtures), and the licence lines come from the bundled
definitions; nothing here repeats what the report code computes.
"""

from __future__ import annotations

import subprocess
import unicodedata
from datetime import date

import pytest
from pypdf import PdfReader

from alliance_desktop.core.change import format_number
from alliance_desktop.core.instruments import load_bundled
from alliance_desktop.reports.exporter import PdfReportExporter, client_file_name
from alliance_desktop.reports.report_content import CONFIDENTIAL
from alliance_desktop.services import audit_view, clients, sessions, settings
from alliance_desktop.services.authz import NotAllowed
from tests.reports.pdf_helpers import page_texts, pdf_text, poppler, rendered_ink  # noqa: F401 - fixture
from tests.services.workspace_fixtures import *  # noqa: F403
from tests.services.workspace_fixtures import REPAIRED_ALLIANCE, REPAIRED_PHQ, alliance, login
from tests.support import CLINIC_NAME

POINTS = {"A4": (595, 842), "Letter": (612, 792)}


@pytest.fixture
def exporter(qapp) -> PdfReportExporter:
    return PdfReportExporter()


@pytest.fixture
def tara_summary(tmp_path, clinic, seeded, exporter):
    tara = login(clinic, "tara")
    try:
        path = tmp_path / client_file_name("RP-0001")
        pages = exporter.client_pdf(tara, seeded.repaired_episode, path)
    finally:
        tara.lock()
    return path, pages


def test_the_summary_names_clinic_client_therapist_and_the_seeded_scores(tara_summary):
    path, pages = tara_summary
    text = pdf_text(path)
    for words in (CLINIC_NAME, "RP-0001", "Tara Example", "2025-09-01"):
        assert words in text
    for total in (*REPAIRED_ALLIANCE, *REPAIRED_PHQ):
        assert format_number(total) in text
    assert "repaired" in text and "R2" in text, "the rupture at session 6 and the rule that fired"
    assert "recovered" in text or "improved" in text or "unchanged" in text
    bundled = load_bundled()
    for instrument in ("phq9", "example-alliance"):
        assert " ".join(bundled[instrument].licence.attribution.split()) in text
        assert bundled[instrument].version in text
    assert len(PdfReader(path).pages) == pages


def test_every_page_says_confidential_and_page_x_of_y(tara_summary):
    path, pages = tara_summary
    texts = page_texts(path)
    assert len(texts) == pages >= 2
    for number, text in enumerate(texts, start=1):
        assert CONFIDENTIAL in text
        assert f"Page {number} of {pages}" in text


def test_fonts_are_embedded_and_text_is_text(tara_summary, poppler):
    path, _ = tara_summary
    fonts = []
    for page in PdfReader(path).pages:
        for ref in page["/Resources"]["/Font"].values():
            font = ref.get_object()
            descendants = font.get("/DescendantFonts")
            leaf = descendants[0].get_object() if descendants else font
            descriptor = leaf["/FontDescriptor"].get_object()
            fonts.append(font["/BaseFont"])
            assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")), font["/BaseFont"]
    assert fonts
    listing = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    rows = listing.splitlines()[2:]
    assert rows and all(row.split()[-5] == "yes" for row in rows), listing  # the "emb" column


def test_pages_render_with_ink(tara_summary, tmp_path, poppler):
    path, pages = tara_summary
    for page in (1, pages):
        assert rendered_ink(path, tmp_path, page) > 0.01


def test_metadata_says_no_more_than_the_first_page(tara_summary):
    path, _ = tara_summary
    meta = {k: str(v) for k, v in (PdfReader(path).metadata or {}).items()}
    assert meta.get("/Creator") == "Alliance Desktop"
    assert meta.get("/Title") == "Client summary RP-0001"
    assert not meta.get("/Author") and "/Subject" not in meta and "/Keywords" not in meta
    for value in meta.values():
        assert "Tara" not in value and CLINIC_NAME not in value


@pytest.mark.parametrize("paper", ["A4", "Letter"])
def test_paper_size_follows_the_clinic_setting(paper, session, clinic, seeded, exporter, tmp_path):
    settings.set_clinic_settings(session, paper_size=paper)
    sue = login(clinic, "sue")
    try:
        path = tmp_path / "summary.pdf"
        exporter.client_pdf(sue, seeded.theo_episode, path)
    finally:
        sue.lock()
    for page in PdfReader(path).pages:
        assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == POINTS[paper]


def test_missed_session_is_a_gap_in_the_table(session, clinic, seeded, exporter, tmp_path):
    theo = login(clinic, "theo")
    try:
        path = tmp_path / "summary.pdf"
        exporter.client_pdf(theo, seeded.theo_episode, path)
    finally:
        theo.lock()
    text = pdf_text(path)
    assert "missed" in text and "TH-0003" in text and "Theo Example" in text


def test_only_the_own_therapist_and_supervisors_can_export(clinic, session, seeded, exporter, tmp_path):
    theo = login(clinic, "theo")
    try:
        with pytest.raises(NotAllowed):
            exporter.client_pdf(theo, seeded.repaired_episode, tmp_path / "x.pdf")
    finally:
        theo.lock()
    with pytest.raises(NotAllowed):
        exporter.client_pdf(session, seeded.repaired_episode, tmp_path / "y.pdf")  # the administrator
    assert not list(tmp_path.glob("*.pdf")) and not list(tmp_path.glob(".*part"))


def test_the_export_is_audited_by_id_without_the_pseudonym(tara_summary, session, seeded):
    entries = [e for e in audit_view.audit_page(session, 0, 500).entries if e.action == "export.pdf"]
    assert len(entries) == 1
    entry = entries[0]
    assert entry.actor_name == "Tara Example" and entry.target_id == str(seeded.repaired_episode)
    assert "RP-0001" not in repr(entry.details) and "summary" not in repr(entry.details)


SCRIPTS = {
    "greek": "Ζωή Παπαδοπούλου",
    "cyrillic": "Пётр Ёжиков",
    "hebrew": "דנה כהן",
    "arabic": "محمد الأحمد",
}


@pytest.mark.parametrize("script", sorted(SCRIPTS))
def test_names_in_other_scripts_come_out_as_the_same_characters(script, session, clinic, seeded, exporter,
                                                                 tmp_path, poppler):
    name = SCRIPTS[script]
    client = clients.create_client(session, name, None, seeded.tara.id)
    episode = clients.open_episode(session, client.client_id, opened_on=date(2025, 9, 1)).open_episode.episode_id
    tara = login(clinic, "tara")
    try:
        record = sessions.record_session(tara, episode, date(2025, 9, 1))
        sessions.enter_paper_response(tara, record.therapy_session_id, "example-alliance", alliance(37.0))
        path = tmp_path / client_file_name(name)
        exporter.client_pdf(tara, episode, path)
    finally:
        tara.lock()
    assert path.exists()
    # pdftotext (poppler) maps glyphs back through the embedded ToUnicode tables: a .notdef glyph
    # has no mapping, so every letter of the name coming back means every letter had a glyph.
    text = subprocess.run(["pdftotext", "-f", "1", "-l", "1", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    folded = unicodedata.normalize("NFKC", text)
    letters = {c for c in unicodedata.normalize("NFKC", name) if not c.isspace()}
    assert letters <= set(folded), letters - set(folded)
    if script != "arabic":  # Arabic comes back in visual order; its letters are checked above
        assert name in " ".join(text.split())
