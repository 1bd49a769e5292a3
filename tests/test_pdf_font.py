"""PDFs embed the Chinese font built by `make assets` and keep the text intact (issue 2 item 1).

static/fonts/pdf/ holds Noto Serif SC merged into one file per weight (tools/build_pdf_fonts.py);
the split web-font subsets give wrong glyphs in WeasyPrint, so this test renders real text and
reads it back out of the PDF.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FONTS = {w: ROOT / "static/fonts/pdf" / f"NotoSerifSC-{w}.ttf" for w in ("Regular", "Bold")}
TEXT = "内蒙古自治区司法厅 行政执法证 呼和浩特市 鄂尔多斯市 阿拉善盟 第十二条，罚款 5000 元。"

pytestmark = [
    pytest.mark.skipif(not all(p.exists() for p in FONTS.values()),
                       reason="PDF fonts not built: run `make assets`"),
    pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed"),
]


@pytest.mark.parametrize("weight", ["Regular", "Bold"])
def test_pdf_embeds_the_font_and_keeps_the_text(tmp_path: Path, weight: str) -> None:
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    fonts = FontConfiguration()
    css = CSS(
        string=f"@font-face {{ font-family: 'Fazhi PDF'; src: url('{FONTS[weight].as_uri()}'); }}"
        " body { font-family: 'Fazhi PDF'; }",
        font_config=fonts,
    )
    pdf = tmp_path / "doc.pdf"
    HTML(string=f"<p>{TEXT}</p>").write_pdf(pdf, stylesheets=[css], font_config=fonts)

    listed = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True)
    font_rows = listed.stdout.splitlines()[2:]
    assert len(font_rows) == 1, listed.stdout  # only our font: no system fallback was needed
    assert "Fazhi-PDF" in font_rows[0]
    assert font_rows[0].split()[-5] == "yes", "font not embedded"

    extracted = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                               check=True).stdout
    assert " ".join(extracted.split()) == TEXT
