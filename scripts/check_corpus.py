"""How often each check fires on the indicator corpus, with samples to read by eye.

    python scripts/check_corpus.py [corpus/indicators.tsv] [--samples 5] [--code ZB-M002]

The corpus has indicator rows, not whole tables: rows are grouped into one project per
(source, project_name) without goals, budget or spending plan, so only indicator-level
checks and the level / coverage / duplicate checks are meaningful here; project checks
that need goals or a plan (R002, T002, ST011, F*) are left out of the table.
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections import Counter, defaultdict
from pathlib import Path

from scorer.checks.examples import build_example
from scorer.config import Settings
from scorer.document import Document
from scorer.pipeline import Scorer

ROOT = Path(__file__).resolve().parents[1]
# Checks that read goals, budget or plan, which corpus rows do not have.
NOT_MEASURABLE = ["ZB-R002", "ZB-T002", "ZB-ST011", "ZB-F"]


def corpus_documents(path: Path) -> tuple[list[Document], int]:
    """One document per source, one project per project name, rows in file order."""
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    sources: dict[str, dict[str, list[dict]]] = defaultdict(lambda: defaultdict(list))
    for row in rows:
        sources[row["source"]][row["project_name"]].append(row)
    docs = []
    for source, projects in sources.items():
        spec = {"projects": [
            {"project": {"name": name},
             "indicators": [{"level1": r["level1"], "level2": r["level2"], "name": r["level3"],
                             "description": r["description"], "target": r["target_value"], "basis": r["basis"]}
                            for r in project_rows]}
            for name, project_rows in projects.items()
        ]}
        doc = build_example(spec)
        doc.source = source
        docs.append(doc)
    return docs, len(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", default=str(ROOT / "corpus" / "indicators.tsv"))
    parser.add_argument("--samples", type=int, default=3)
    parser.add_argument("--code", help="print every finding of this code (prefix) instead of the table")
    args = parser.parse_args(argv)

    docs, n_rows = corpus_documents(Path(args.corpus))
    scorer = Scorer(Settings(ignore=NOT_MEASURABLE))
    counts: Counter[str] = Counter()
    samples: dict[str, list[str]] = defaultdict(list)
    for doc in docs:
        result = scorer.score_document(doc)
        for project in result.projects:
            for f in result.all_findings():
                if f.project != project.index:
                    continue
                where = project.name if f.indicator is None else project.indicators[f.indicator].name
                line = f"{where} | {f.evidence} | {f.message}"
                if args.code and f.code.startswith(args.code):
                    print(f"{f.code} {line}")
                counts[f.code] += 1
                if len(samples[f.code]) < args.samples:
                    samples[f.code].append(line)
    if args.code:
        return 0
    print(f"{n_rows} rows, {len(docs)} sources, {sum(len(d.projects) for d in docs)} projects\n")
    print("| code | fires | share of rows | samples |")
    print("|---|---:|---:|---|")
    for check in scorer.checks:
        n = counts.get(check.code, 0)
        shown = "; ".join(s.split(" | ")[0] + " → " + s.split(" | ")[1] for s in samples.get(check.code, []))
        print(f"| {check.code} {check.name} | {n} | {n / n_rows:.1%} | {shown} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
