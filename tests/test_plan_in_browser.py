"""The action plan in a real browser: headless Chromium (Debian's package, installed by
.ci/run when missing, with fonts-noto-cjk and poppler-utils) renders the page to a
screenshot and prints it to an A4 PDF, whose text (pdftotext) holds the overview and
the first step.  Skipped, with the reason, only where the browser is not installed."""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
from pathlib import Path

import pytest
from conftest import PROJECT

from advisor import advise
from advisor.documents.plan import plan_html

TOOLS = ("chromium", "pdftotext", "pdfinfo", "fc-list")
MISSING = [tool for tool in TOOLS if shutil.which(tool) is None]
pytestmark = pytest.mark.skipif(
    bool(MISSING),
    reason=f"not installed: {', '.join(MISSING)} (.ci/run installs chromium, poppler-utils and fonts-noto-cjk "
    "with apt-get when missing)",
)
EXAMPLE = PROJECT / "examples" / "unlicensed_platform_harassment.json"


def chromium(page: Path, profile: Path, *options: str) -> None:
    # --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start.
    command = [
        "chromium",
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        f"--user-data-dir={profile}",
        *options,
        page.as_uri(),
    ]
    environment = {**os.environ, "HOME": str(profile)}
    result = subprocess.run(command, capture_output=True, text=True, timeout=180, env=environment, check=False)
    assert result.returncode == 0, result.stderr[-2000:]


def png_size(path: Path) -> tuple[int, int]:
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", header[16:24])


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_browser_shows_the_plan_and_prints_it_to_an_a4_pdf(tmp_path, lang):
    fonts = subprocess.run(["fc-list", ":lang=zh"], capture_output=True, text=True, check=True).stdout
    assert "CJK" in fonts, "no Chinese font (fonts-noto-cjk): Chinese would show as boxes"
    advice = advise(EXAMPLE.read_text(encoding="utf-8"), lang=lang)
    page = tmp_path / "plan.html"
    page.write_text(plan_html(advice), encoding="utf-8")

    screenshot = tmp_path / "plan.png"
    chromium(page, tmp_path / "profile", f"--screenshot={screenshot}", "--window-size=900,1400")
    width, height = png_size(screenshot)
    assert (width, height) == (900, 1400)
    assert screenshot.stat().st_size > 20_000  # a rendered page, not a blank one

    pdf = tmp_path / "plan.pdf"
    chromium(page, tmp_path / "profile", f"--print-to-pdf={pdf}", "--no-pdf-header-footer")
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "(A4)" in info
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    flat = "".join(text.split())
    first_step = advice.actions[0]
    for words in (advice.overview[0].text, advice.overview[-1].text, first_step.text, advice.as_of.isoformat()):
        assert "".join(words.split()).lower() in flat.lower(), words
