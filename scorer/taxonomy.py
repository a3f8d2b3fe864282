"""The indicator taxonomy of 绩效目标表 and the canonicaliser of its written labels.

Two official layouts are in use:

* 财预〔2015〕88号 (项目支出绩效目标申报表): 产出指标 (数量/质量/时效/成本),
  效益指标 (经济效益/社会效益/生态效益/可持续影响), 满意度指标 (服务对象满意度).
  Its 部门整体 table names the second level-1 group 效果指标 and files
  社会公众或服务对象满意度 under it, which is why 效果 is the 效益 family here.
* 财预〔2021〕101号: 成本指标 becomes a level-1 group of its own
  (经济成本/社会成本/生态环境成本); 产出 keeps 数量/质量/时效.

Local tables write the same labels in many ways (效果指标, 产出数量, 社会效益 指标,
数量指标(必填硬性指标), 成本指标(10分), 社会公众或服务对象满意度指标 …).
:func:`canonical_level1` / :func:`canonical_level2` map them to the short canonical
names below and return ``None`` for what they cannot map, so callers can report it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

# Level 1 (一级指标), canonical names.
OUTPUT = "产出"
BENEFIT = "效益"
SATISFACTION = "满意度"
COST = "成本"
LEVEL1: tuple[str, ...] = (COST, OUTPUT, BENEFIT, SATISFACTION)

# Level 2 (二级指标), canonical names.
QUANTITY = "数量"
QUALITY = "质量"
TIMELINESS = "时效"
OUTPUT_COST = "成本"  # 2015: a level-2 of 产出
ECONOMIC_COST = "经济成本"  # 2021: level-2s of 成本
SOCIAL_COST = "社会成本"
ECOLOGICAL_COST = "生态环境成本"
ECONOMIC_BENEFIT = "经济效益"
SOCIAL_BENEFIT = "社会效益"
ECOLOGICAL_BENEFIT = "生态效益"
SUSTAINABILITY = "可持续影响"
SERVICE_SATISFACTION = "服务对象满意度"
LEVEL2: tuple[str, ...] = (
    QUANTITY,
    QUALITY,
    TIMELINESS,
    OUTPUT_COST,
    ECONOMIC_COST,
    SOCIAL_COST,
    ECOLOGICAL_COST,
    ECONOMIC_BENEFIT,
    SOCIAL_BENEFIT,
    ECOLOGICAL_BENEFIT,
    SUSTAINABILITY,
    SERVICE_SATISFACTION,
)

Template = Literal["2015", "2015-dept", "2021"]
TEMPLATE_2015: Template = "2015"
TEMPLATE_2015_DEPT: Template = "2015-dept"
TEMPLATE_2021: Template = "2021"

_BENEFITS = (ECONOMIC_BENEFIT, SOCIAL_BENEFIT, ECOLOGICAL_BENEFIT, SUSTAINABILITY)

#: Template → level 1 → allowed level 2, in the order the tables list them.
TEMPLATES: dict[str, dict[str, tuple[str, ...]]] = {
    TEMPLATE_2015: {
        OUTPUT: (QUANTITY, QUALITY, TIMELINESS, OUTPUT_COST),
        BENEFIT: _BENEFITS,
        SATISFACTION: (SERVICE_SATISFACTION,),
    },
    TEMPLATE_2015_DEPT: {
        OUTPUT: (QUANTITY, QUALITY, TIMELINESS, OUTPUT_COST),
        BENEFIT: (*_BENEFITS, SERVICE_SATISFACTION),
    },
    TEMPLATE_2021: {
        COST: (ECONOMIC_COST, SOCIAL_COST, ECOLOGICAL_COST),
        OUTPUT: (QUANTITY, QUALITY, TIMELINESS),
        BENEFIT: _BENEFITS,
        SATISFACTION: (SERVICE_SATISFACTION,),
    },
}

#: The level 1 a level 2 belongs to when no template says otherwise.
PRIMARY_LEVEL1: dict[str, str] = {
    QUANTITY: OUTPUT,
    QUALITY: OUTPUT,
    TIMELINESS: OUTPUT,
    OUTPUT_COST: OUTPUT,
    ECONOMIC_COST: COST,
    SOCIAL_COST: COST,
    ECOLOGICAL_COST: COST,
    ECONOMIC_BENEFIT: BENEFIT,
    SOCIAL_BENEFIT: BENEFIT,
    ECOLOGICAL_BENEFIT: BENEFIT,
    SUSTAINABILITY: BENEFIT,
    SERVICE_SATISFACTION: SATISFACTION,
}

#: Level 2s that name the same thing in different templates. 2021's 经济成本
#: ("the project's direct economic cost") is 2015's 成本指标 moved up a level, so a
#: text model cannot and should not tell them apart; it learns the concept 成本.
CONCEPT_OF_LEVEL2: dict[str, str] = {ECONOMIC_COST: OUTPUT_COST}

# Written forms, after _normalise() took away notes, spaces and the 指标/值/目标 suffix.
_LEVEL1_ALIASES: dict[str, str] = {
    "产出": OUTPUT,
    "项目产出": OUTPUT,
    "预期产出": OUTPUT,
    "项目完成": OUTPUT,
    "完成": OUTPUT,
    "效益": BENEFIT,
    "效果": BENEFIT,
    "项目效益": BENEFIT,
    "预期效益": BENEFIT,
    "项目效果": BENEFIT,
    "满意度": SATISFACTION,
    "服务对象满意度": SATISFACTION,
    "社会公众或服务对象满意度": SATISFACTION,
    "成本": COST,
}

_LEVEL2_ALIASES: dict[str, str] = {
    "数量": QUANTITY,
    "产出数量": QUANTITY,
    "质量": QUALITY,
    "产出质量": QUALITY,
    "时效": TIMELINESS,
    "产出时效": TIMELINESS,
    "进度": TIMELINESS,
    "工期": TIMELINESS,
    "成本": OUTPUT_COST,
    "产出成本": OUTPUT_COST,
    "预算控制": OUTPUT_COST,  # 预算(或投资规模)控制指标, after the note is dropped
    "投资规模控制": OUTPUT_COST,
    "经济成本": ECONOMIC_COST,
    "社会成本": SOCIAL_COST,
    "生态环境成本": ECOLOGICAL_COST,
    "生态成本": ECOLOGICAL_COST,
    "环境成本": ECOLOGICAL_COST,
    "经济效益": ECONOMIC_BENEFIT,
    "社会效益": SOCIAL_BENEFIT,
    "生态效益": ECOLOGICAL_BENEFIT,
    "环境效益": ECOLOGICAL_BENEFIT,
    "生态环境效益": ECOLOGICAL_BENEFIT,
    "可持续影响": SUSTAINABILITY,
    "可持续": SUSTAINABILITY,
    "可持续发展影响": SUSTAINABILITY,
    "可持续性发展影响": SUSTAINABILITY,
    "可持续性影响": SUSTAINABILITY,
    "可持续发展": SUSTAINABILITY,
    "成本控制": OUTPUT_COST,
    "项目成本": OUTPUT_COST,
    "满意度": SERVICE_SATISFACTION,
    "服务对象满意度": SERVICE_SATISFACTION,
    "社会公众或服务对象满意度": SERVICE_SATISFACTION,
    "服务对象或受益者满意度": SERVICE_SATISFACTION,
    "社会公众满意度": SERVICE_SATISFACTION,
    "受益对象满意度": SERVICE_SATISFACTION,
    "受益群众满意度": SERVICE_SATISFACTION,
}

# Notes in brackets: (必填), (必填硬性指标), (10分), (或建筑规模指标), (工期指标) ….
_BRACKETED = re.compile(r"[(\[【][^()\[\]【】]*[)\]】]")
# Decoration around the label: stars, asterisks, trailing 等, numbering like 1. or 一、.
_DECORATION = re.compile(r"^[\s★☆*#\d一二三四五六七八九十、.．)]+|[\s★☆*:：]+$|等$")
_SUFFIX = re.compile(r"(指标|值|目标)$")
# 产出类指标, 时效性指标: a kind word the label adds nothing with (可持续性 keeps its own alias).
_KIND_SUFFIX = re.compile(r"(?<=[出益果量效本续度])[类性]$")
# One cell naming both levels: 效益指标-社会效益, 绩效指标/产出, 产出指标：数量指标.
_LEVEL_JOINER = re.compile(r"[-—–/／:：>＞→]")
#: Level-2 aliases that are also level-1 names (成本, 满意度): in 产出指标-成本指标 the 成本 is
#: the level 2, but in 成本指标-经济成本 it is the level 1, so they do not make a cell ambiguous.
_LEVEL1_NAMES_AS_LEVEL2 = (OUTPUT_COST, SERVICE_SATISFACTION)
#: Whoever is asked: 群众满意度, 患者满意度, 服务满意度 are all the 服务对象满意度 of the templates.
_SATISFACTION_LABEL = re.compile(r"满意(?:度|率|程度)$")
_SPACE = re.compile(r"\s+")


@lru_cache(maxsize=1 << 16)
def _normalise(text: str) -> str:
    """The written label reduced to the words that carry its meaning. Cached: every row
    of a document asks for its level labels (and checks for its name), and a batch
    repeats the same few hundred labels on thousands of rows."""
    t = unicodedata.normalize("NFKC", text or "")
    t = _SPACE.sub("", t)
    t = _BRACKETED.sub("", t)
    for _ in range(2):  # "服务对象满意度指标等" → "…指标" → "服务对象满意度"
        t = _DECORATION.sub("", t)
        t = _SUFFIX.sub("", t)
        t = _KIND_SUFFIX.sub("", t)
    return t


def _lookup(text: str | None, aliases: dict[str, str], satisfaction: str, *, first: bool) -> str | None:
    """A label through ``aliases``; else, for one cell naming both levels (效益指标-社会效益,
    产出指标-成本指标), the level its parts name: the first part's for a level 1 (the
    level 2 comes after it), the one level 2 they name for a level 2 (经济效益/社会效益
    names two: None); else a satisfaction label (群众满意度) as the template's."""
    key = _normalise(text or "")
    found = aliases.get(key)
    if found is None and _LEVEL_JOINER.search(key):
        named = [aliases[part] for part in map(_normalise, _LEVEL_JOINER.split(key)) if part in aliases]
        if first:
            found = named[0] if named else None
        else:
            found = named[-1] if named and len(set(named) - set(_LEVEL1_NAMES_AS_LEVEL2)) <= 1 else None
    if found is None and key and _SATISFACTION_LABEL.search(key):
        found = satisfaction
    return found or None


def canonical_level1(text: str | None) -> str | None:
    """The canonical level 1 (产出/效益/满意度/成本) of a written label, or None."""
    return _lookup(text, _LEVEL1_ALIASES, SATISFACTION, first=True)


def levels_in_one_cell(text: str | None) -> tuple[str | None, str | None]:
    """(level 1, level 2) of a cell that names both (产出指标-数量指标, 效益指标：社会效益指标),
    for a table whose level-1 column carries both and leaves the level-2 one empty; (None,
    None) for a cell that names one level only."""
    if not text or not _LEVEL_JOINER.search(_normalise(text)):
        return None, None
    return canonical_level1(text), canonical_level2(text)


def canonical_level2(text: str | None) -> str | None:
    """The canonical level 2 of a written label, or None.

    ``成本指标`` maps to the 2015 ``成本``; 2021's forms keep their own names
    (``经济成本`` …). Use :func:`concept_of_level2` to compare across templates.
    """
    return _lookup(text, _LEVEL2_ALIASES, SERVICE_SATISFACTION, first=False)


def concept_of_level2(level2: str) -> str:
    """The template-independent concept of a canonical level 2 (经济成本 → 成本)."""
    return CONCEPT_OF_LEVEL2.get(level2, level2)


def l1_of_l2(level2: str, template: str | None = None) -> set[str]:
    """Every level 1 a canonical level 2 may sit under (in one template, or in any)."""
    templates = [TEMPLATES[template]] if template else TEMPLATES.values()
    return {l1 for layout in templates for l1, l2s in layout.items() if level2 in l2s}


def is_valid_pair(level1: str, level2: str, template: str | None = None) -> bool:
    """Whether canonical (level1, level2) is a pair the template (or any template) allows."""
    return level1 in l1_of_l2(level2, template)


def place(concept: str, template: str | None = None) -> tuple[str, str]:
    """Where a level-2 concept is filed: (level1, level2) in the template.

    Without a template the 2015 placement is used for 成本 (the most common one in
    published tables); with ``"2021"`` it becomes (成本, 经济成本).
    """
    if template == TEMPLATE_2021 and concept == OUTPUT_COST:
        return COST, ECONOMIC_COST
    return PRIMARY_LEVEL1[concept], concept


def guess_template(level1s: set[str], level2s: set[str]) -> str | None:
    """The template a table's canonical labels point to, when they point to one."""
    if COST in level1s or level2s & {ECONOMIC_COST, SOCIAL_COST, ECOLOGICAL_COST}:
        return TEMPLATE_2021
    if OUTPUT_COST in level2s:
        return TEMPLATE_2015
    return None


@dataclass(frozen=True)
class Label:
    """A written (level1, level2) pair and what the canonicaliser made of it."""

    written_level1: str
    written_level2: str
    level1: str | None
    level2: str | None

    @property
    def level1_mapped(self) -> bool:
        return self.level1 is not None

    @property
    def level2_mapped(self) -> bool:
        return self.level2 is not None

    @property
    def consistent(self) -> bool:
        """Both mapped and filed where some template allows."""
        return (
            self.level1 is not None
            and self.level2 is not None
            and is_valid_pair(self.level1, self.level2)
        )


def canonicalise(level1: str | None, level2: str | None) -> Label:
    """Canonical names of a written pair; unmapped sides are None. A table that writes
    both levels in one cell (产出指标-数量指标, 效益指标：社会效益) and leaves the other
    empty gives both from that cell."""
    level1, level2 = level1 or "", level2 or ""
    if not (level1.strip() and level2.strip()):
        both = levels_in_one_cell(level1 or level2)
        if both[1] is not None:
            return Label(level1, level2, both[0], both[1])
    return Label(level1, level2, canonical_level1(level1), canonical_level2(level2))
