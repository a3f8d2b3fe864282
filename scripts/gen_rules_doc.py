"""Write docs/rules.md from the check registry.

    python scripts/gen_rules_doc.py          # rewrite docs/rules.md
    python scripts/gen_rules_doc.py --check  # exit 1 if docs/rules.md is out of date

``tests/test_checks_registry.py`` runs the same comparison, so a check added or changed
without regenerating the page fails the suite.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from scorer.checks import REGISTRY
from scorer.checks.catalog import rules_markdown

RULES_DOC = Path(__file__).resolve().parents[1] / "docs" / "rules.md"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only compare; exit 1 when out of date")
    args = parser.parse_args(argv)
    text = rules_markdown(REGISTRY)
    if args.check:
        current = RULES_DOC.read_text(encoding="utf-8") if RULES_DOC.exists() else ""
        if current != text:
            print(f"{RULES_DOC} is out of date: run python scripts/gen_rules_doc.py", file=sys.stderr)
            return 1
        return 0
    RULES_DOC.write_text(text, encoding="utf-8")
    print(f"wrote {RULES_DOC} ({len(REGISTRY)} checks)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
