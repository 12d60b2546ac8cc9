"""Reading generated PDFs back: text with pypdf, structure with qpdf, fonts from the objects."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

from pypdf import PdfReader


def pdf_text(path: Path) -> str:
    """All pages' text, whitespace runs collapsed to one space."""
    reader = PdfReader(str(path))
    text = " ".join(page.extract_text() or "" for page in reader.pages)
    return re.sub(r"\s+", " ", text)


def page_count(path: Path) -> int:
    return len(PdfReader(str(path)).pages)


def qpdf_check(path: Path) -> str:
    """Run ``qpdf --check``; fail on errors or warnings. Returns qpdf's report."""
    qpdf = shutil.which("qpdf")
    assert qpdf, "qpdf is required (apt-get install qpdf)"
    result = subprocess.run([qpdf, "--check", str(path)], capture_output=True, text=True)
    report = result.stdout + result.stderr
    assert result.returncode == 0, report
    assert "WARNING" not in report.upper(), report
    assert "No syntax or stream encoding errors found" in report, report
    return report


def font_report(path: Path) -> list[tuple[str, bool]]:
    """(BaseFont, embedded?) for every font used on every page."""
    reader = PdfReader(str(path))
    seen: dict[str, bool] = {}
    for page in reader.pages:
        resources = page.get("/Resources")
        if resources is None:
            continue
        fonts = resources.get_object().get("/Font")
        if fonts is None:
            continue
        for ref in fonts.get_object().values():
            font = ref.get_object()
            name = str(font.get("/BaseFont"))
            embedded = False
            descendants = font.get("/DescendantFonts")
            candidates = [font] + ([d.get_object() for d in descendants] if descendants else [])
            for cand in candidates:
                desc = cand.get("/FontDescriptor")
                if desc is not None:
                    d = desc.get_object()
                    embedded |= any(k in d for k in ("/FontFile", "/FontFile2", "/FontFile3"))
            seen[name] = embedded
    return sorted(seen.items())
