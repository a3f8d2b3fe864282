"""Rendering scored documents: JSON (the versioned contract) and a linter-style text
report for a reviewer's terminal."""

from __future__ import annotations

from scorer.report.json_report import render_json
from scorer.report.text import render_text

__all__ = ["render_json", "render_text"]
