"""Synthetic department documents for benchmarks and batch tests, built from the real
indicator rows of ``corpus/indicators.tsv``, with known copy-paste and mismatches.

Each department gets one document of many projects; each project takes the indicator
rows of a real corpus project (so wording, vague targets and natural reuse are real)
under a new name, code, budget, 资金用途 and goals. On top of that, with ground truth:

* copy-paste: boilerplate goal paragraphs and whole indicator rows (name, description,
  target) pasted verbatim into projects of several departments;
* mismatches: an indicator filed under the wrong level (a 满意度 indicator under
  产出/数量, a 时效 one under 效益/社会效益) or a rate whose target is a count (…率 → 12个).

Documents are written as flat CSV, flat XLSX or zhibiao JSON (all parsed by the normal
readers); the ground truth is returned and written as ``truth.json`` beside the
``docs/`` folder, never inside it, so a batch over ``docs/`` sees only documents.

    python -m scorer.synth OUT_DIR --departments 5 --projects 120
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from scorer.document import Document, Goal, Indicator, Location, Project
from scorer.taxonomy import canonical_level2
from scorer.values import parse_target

CORPUS = Path(__file__).resolve().parents[1] / "corpus" / "indicators.tsv"
FORMATS = ("csv", "xlsx", "json")

FLAT_HEADER = ("部门", "项目名称", "项目编码", "预算数", "资金用途", "绩效目标",
               "一级指标", "二级指标", "三级指标", "指标描述", "指标值", "指标值确定依据")

BOILERPLATE_GOALS = (
    "严格执行项目资金管理办法，确保资金使用合规、安全、高效，项目按计划完成，充分发挥财政资金使用效益。",
    "按照上级部门工作要求，保障各项工作顺利开展，提升服务质量和管理水平，群众满意度进一步提高。",
    "加强项目全过程管理，按时保质完成年度工作任务，确保项目资金专款专用，社会效益明显。",
)
_CITIES = ("青山区", "江夏区", "昭化区", "萧县", "衡山县", "海门区", "丰台区", "余杭区", "北碚区", "武侯区",
           "秦淮区", "鼓楼区", "新城区", "开福区", "西湖区", "雨花区")
_BUREAUS = ("教育局", "卫生健康局", "农业农村局", "生态环境局", "交通运输局", "民政局", "文化和旅游局",
            "住房和城乡建设局", "水利局", "市场监督管理局", "自然资源和规划局", "人力资源和社会保障局")
_BATCH = ("", "（一期）", "（二期）", "专项", "补助资金", "运行维护", "提升工程")


@dataclass
class Row:
    level1: str
    level2: str
    name: str
    description: str
    target: str
    basis: str


@dataclass
class Place:
    file: str
    project: int
    indicator: int | None = None


@dataclass
class Copy:
    kind: str  # goals | indicator
    text: str
    places: list[Place] = field(default_factory=list)


@dataclass
class Mismatch:
    kind: str  # level | unit
    place: Place
    written: str
    expected: str


@dataclass
class Truth:
    docs_dir: str
    documents: list[dict] = field(default_factory=list)
    copies: list[Copy] = field(default_factory=list)
    mismatches: list[Mismatch] = field(default_factory=list)

    @property
    def indicators(self) -> int:
        return sum(d["indicators"] for d in self.documents)

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, indent=1)


def corpus_projects(path: Path = CORPUS) -> list[tuple[str, list[Row]]]:
    """(project name, indicator rows) of every corpus project with at least 3 rows."""
    groups: dict[tuple[str, str], list[Row]] = defaultdict(list)
    with path.open(encoding="utf-8-sig") as fh:
        for rec in csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE):
            if rec["level3"].strip():
                groups[(rec["source"], rec["project_name"])].append(Row(
                    rec["level1"], rec["level2"], rec["level3"], rec["description"], rec["target_value"],
                    rec["basis"]))
    return [(name, rows) for (_, name), rows in groups.items() if len(rows) >= 3]


@dataclass
class _Project:
    name: str
    code: str
    budget: float
    fund_use: str
    goals: str
    rows: list[Row]


def _goals(name: str, rows: Sequence[Row]) -> str:
    parts = [f"{i}、{r.name}{'达到' + r.target if r.target else '按要求完成'}。"
             for i, r in enumerate(rows[:3], start=2)]
    return f"1、按期完成{name}各项任务。" + "".join(parts)


def _plain_projects(rng: random.Random, templates: list[tuple[str, list[Row]]], dept: int,
                    count: int) -> list[_Project]:
    projects = []
    for k in range(count):
        base, rows = rng.choice(templates)
        base = re.sub(r"\s+", "", base)[:30]
        name = f"{base}{rng.choice(_BATCH)}（{dept + 1}-{k + 1}）"
        rows = [Row(**asdict(r)) for r in rows]
        projects.append(_Project(
            name=name, code=f"{dept + 1:03d}-2025-{k + 1:04d}", budget=round(rng.uniform(5, 3000), 2),
            fund_use=f"用于{name}的实施及相关支出", goals=_goals(name, rows), rows=rows))
    return projects


def _inject_copies(rng: random.Random, depts: list[list[_Project]], files: list[str], copy_rate: float,
                   truth: Truth) -> None:
    """Paste boilerplate goals and whole indicator rows into projects of several departments."""
    flat = [(d, p) for d, projects in enumerate(depts) for p in range(len(projects))]
    n = max(2, int(len(flat) * copy_rate))
    # Disjoint groups of projects, so no project's goals are pasted over twice.
    shuffled = rng.sample(flat, len(flat))
    per = max(2, n // len(BOILERPLATE_GOALS))
    for g, text in enumerate(BOILERPLATE_GOALS):
        copy = Copy("goals", text)
        for d, p in shuffled[g * per:(g + 1) * per]:
            depts[d][p].goals = text
            copy.places.append(Place(files[d], p))
        if len(copy.places) >= 2:
            truth.copies.append(copy)
    donors = rng.sample(flat, min(len(flat), max(1, n // 6)))
    for d0, p0 in donors:
        row = rng.choice(depts[d0][p0].rows)
        row.description = row.description or f"{row.name}，以{depts[d0][p0].name}实施单位统计数据为准"
        copy = Copy("indicator", f"{row.name} {row.description}")
        copy.places.append(Place(files[d0], p0, depts[d0][p0].rows.index(row)))
        for d, p in rng.sample(flat, 3):
            if (d, p) == (d0, p0):
                continue
            target = depts[d][p]
            target.rows.append(Row(**asdict(row)))
            copy.places.append(Place(files[d], p, len(target.rows) - 1))
        truth.copies.append(copy)


_SATISFACTION = re.compile("满意")
_RATE = re.compile(r"率$")


def _inject_mismatches(rng: random.Random, depts: list[list[_Project]], files: list[str], rate: float,
                       truth: Truth) -> None:
    for d, projects in enumerate(depts):
        for p, project in enumerate(projects):
            for i, row in enumerate(project.rows):
                if rng.random() >= rate:
                    continue
                expected = canonical_level2(row.level2) or row.level2
                if _SATISFACTION.search(row.name) and expected == "服务对象满意度":
                    row.level1, row.level2 = "产出指标", "数量指标"
                    truth.mismatches.append(Mismatch("level", Place(files[d], p, i), "数量", expected))
                elif expected == "时效":
                    row.level1, row.level2 = "效益指标", "社会效益指标"
                    truth.mismatches.append(Mismatch("level", Place(files[d], p, i), "社会效益", expected))
                elif _RATE.search(row.name):
                    written = f"{rng.randint(3, 40)}个"
                    truth.mismatches.append(Mismatch("unit", Place(files[d], p, i), written, row.target))
                    row.target = written


def _flat_rows(dept: str, projects: list[_Project]) -> list[list[str]]:
    rows = [list(FLAT_HEADER)]
    for pr in projects:
        for r in pr.rows:
            rows.append([dept, pr.name, pr.code, f"{pr.budget:.2f}", pr.fund_use, pr.goals,
                         r.level1, r.level2, r.name, r.description, r.target, r.basis])
    return rows


def _document(dept: str, projects: list[_Project]) -> Document:
    doc = Document(title=f"{dept}2025年项目支出绩效目标", department=dept)
    for k, pr in enumerate(projects):
        doc.projects.append(Project(
            index=k, code=pr.code, name=pr.name, department=dept, budget_total=pr.budget,
            budget_raw={"total": f"{pr.budget:.2f}"}, fund_use=pr.fund_use, goals_raw=pr.goals,
            goals=[Goal(number=1, text=pr.goals)], location=Location(project=k),
            indicators=[Indicator(level1=r.level1, level2=r.level2, name=r.name, description=r.description,
                                  target_raw=r.target, target=parse_target(r.target), basis=r.basis,
                                  location=Location(project=k)) for r in pr.rows]))
    return doc


def _write(path: Path, fmt: str, dept: str, projects: list[_Project]) -> None:
    if fmt == "csv":
        with path.open("w", encoding="utf-8", newline="") as fh:
            csv.writer(fh).writerows(_flat_rows(dept, projects))
    elif fmt == "xlsx":
        from openpyxl import Workbook

        wb = Workbook(write_only=True)
        ws = wb.create_sheet("项目绩效目标")
        for row in _flat_rows(dept, projects):
            ws.append(row)
        wb.save(path)
    elif fmt == "json":
        path.write_text(_document(dept, projects).model_dump_json(), encoding="utf-8")
    else:
        raise ValueError(f"unknown format {fmt!r} (expected one of {', '.join(FORMATS)})")


def generate(out: str | Path, *, departments: int = 3, projects: int = 100, seed: int = 0,
             formats: Sequence[str] = FORMATS, copy_rate: float = 0.1, mismatch_rate: float = 0.04,
             corpus: Path = CORPUS) -> Truth:
    """Write ``departments`` documents of ``projects`` projects each under ``out/docs``
    (cycling through ``formats``) and ``out/truth.json``; returns the truth."""
    rng = random.Random(seed)
    out = Path(out)
    docs = out / "docs"
    docs.mkdir(parents=True, exist_ok=True)
    templates = corpus_projects(corpus)
    # 37 is coprime with the 192 combinations, so the first 192 departments differ.
    combos = [c + b for c in _CITIES for b in _BUREAUS]
    names = [combos[d * 37 % len(combos)] + (f"{d // len(combos) + 1}" if d >= len(combos) else "")
             for d in range(departments)]
    files = [f"dept_{d:03d}.{formats[d % len(formats)]}" for d in range(departments)]
    depts = [_plain_projects(rng, templates, d, projects) for d in range(departments)]
    truth = Truth(docs_dir=str(docs))
    _inject_copies(rng, depts, files, copy_rate, truth)
    _inject_mismatches(rng, depts, files, mismatch_rate, truth)
    for d, (name, file) in enumerate(zip(names, files, strict=True)):
        _write(docs / file, formats[d % len(formats)], name, depts[d])
        truth.documents.append({"file": file, "department": name, "projects": len(depts[d]),
                                "indicators": sum(len(p.rows) for p in depts[d])})
    (out / "truth.json").write_text(truth.to_json(), encoding="utf-8")
    return truth


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write synthetic department documents with ground truth.")
    parser.add_argument("out", type=Path)
    parser.add_argument("--departments", type=int, default=3)
    parser.add_argument("--projects", type=int, default=100)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--formats", default=",".join(FORMATS), help="comma-separated: csv,xlsx,json")
    args = parser.parse_args(argv)
    truth = generate(args.out, departments=args.departments, projects=args.projects, seed=args.seed,
                     formats=[f.strip() for f in args.formats.split(",") if f.strip()])
    print(f"{len(truth.documents)} documents, {truth.indicators} indicators, {len(truth.copies)} copy-paste "
          f"clusters, {len(truth.mismatches)} mismatches → {truth.docs_dir}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
