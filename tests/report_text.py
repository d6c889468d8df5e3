"""Rendering an Advice as the text report, for tests that read what a person reads."""

from __future__ import annotations

import io
import json
from pathlib import Path

from rich.console import Console

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
# The three stories of issue 12's "Done when".
STORIES = {
    "unlicensed lender with threats": "unlicensed_platform_harassment",
    "40-day Huabei overdue, report unknown": "huabei_overdue_40_days_report_unknown",
    "employer ties approvals to credit, Huabei planned": "employee_approvals_huabei_plan",
}


def example(name: str) -> dict:
    return json.loads((EXAMPLES / f"{name}.json").read_text(encoding="utf-8"))


def report(advice, width: int = 100, details: bool = False) -> str:
    """The text report as printed at `width` columns without colour (`details`: as `--trace` shows it)."""
    from advisor.ui.render import render_advice

    stream = io.StringIO()
    render_advice(advice, Console(file=stream, width=width, color_system=None), show_sources=details)
    return stream.getvalue()
