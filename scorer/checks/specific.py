"""S 具体: the name says what is measured, for whom, in this project; the description
explains it rather than repeating the name or pasting a definition from elsewhere."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from difflib import SequenceMatcher
from functools import lru_cache

from scorer.checks import lexicon as lx
from scorer.checks.facts import DocumentFacts, IndicatorFacts
from scorer.checks.matching import content_words
from scorer.checks.registry import Check, register
from scorer.findings import Category, Finding, Severity
from scorer.document import TargetKind
from scorer.taxonomy import SERVICE_SATISFACTION, canonical_level1, canonical_level2
from scorer.values import parse_target

@lru_cache(maxsize=1 << 16)
def is_generic_name(name: str) -> bool:
    """A name that measures nothing on its own: a level label ("社会效益指标", "成本")
    or only generic words ("完成率", "社会影响力", "质量排名"). Cached: several checks and
    the copy analysis ask about the same names, and documents repeat them."""
    if not lx.LETTER_RE.search(name):
        return False
    level2 = canonical_level2(name)
    if level2 is not None and level2 != SERVICE_SATISFACTION:
        return True
    if canonical_level1(name) is not None and level2 is None:
        return True
    return not lx.SPECIFIC_RATE_RE.search(name) and not lx.LETTER_RE.search(lx.GENERIC_NAME_RE.sub("", name))


@lru_cache(maxsize=1 << 16)
def similar(a: str, b: str, threshold: float) -> bool:
    """Whether difflib's similarity ratio of ``a`` and ``b`` reaches ``threshold``; its
    cheap upper bounds are tried first, since most pairs are far apart. Cached: boilerplate
    goals and descriptions bring the same pairs back in project after project."""
    if not (a and b):
        return threshold <= 0.0
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    return matcher.real_quick_ratio() >= threshold and matcher.quick_ratio() >= threshold \
        and matcher.ratio() >= threshold


def description_copies_name(ind: IndicatorFacts, threshold: float) -> bool:
    return bool(ind.description_key) and similar(ind.name_key, ind.description_key, threshold)


class _IndicatorCheck(Check):
    category = Category.S
    scope = "indicator"


@register
class GenericName(_IndicatorCheck):
    code = "ZB-S001"
    name = "generic-name"
    title = "指标名称过于笼统"
    severity = Severity.warning
    message = "指标名称「{name}」过于笼统，看不出考核的是什么"
    suggestion = "写明考核对象和内容，如“完成率”改为“农村生活污水治理任务完成率”，“社会影响力”改为具体的受益人数或覆盖范围。"
    rationale = (
        "“完成率”“社会影响力”“质量排名”“监测数据”这类名称只有通用词，放在哪个项目都一样，"
        "无法判断考核对象；直接用“社会效益指标”“成本”等层级名作名称也一样。"
    )
    bad = {"name": "社会影响力", "level1": "效益指标", "level2": "社会效益指标", "target": "≥90%"}
    good = {"name": "受益农户户数", "level1": "效益指标", "level2": "社会效益指标", "target": "≥500户"}

    def run(self, ind: IndicatorFacts, ctx) -> Iterator[Finding]:
        if ind.name and is_generic_name(ind.name):
            yield self.hit(ind, evidence=ind.indicator.name, name=ind.indicator.name)


@register
class DescriptionCopiesName(_IndicatorCheck):
    code = "ZB-S002"
    name = "description-copies-name"
    title = "指标描述照抄名称"
    severity = Severity.info
    message = "指标描述与指标名称相同，没有说明口径"
    suggestion = "在绩效指标描述中写明计算口径、考核对象和数据来源，如“验收合格的工程数/完工工程总数”。"
    rationale = (
        "绩效指标描述（指标解释）用来说明怎么算、算谁；照抄三级指标名称不提供任何信息，"
        "自评时各方会按不同口径计算。只差一两个字的也算照抄。"
    )
    bad = {"name": "网格化设备在线率", "description": "网格化设备在线率", "target": "≥90%"}
    good = {"name": "网格化设备在线率", "description": "全年在线时长/应在线时长，按设备平均", "target": "≥90%"}

    def run(self, ind: IndicatorFacts, ctx) -> Iterator[Finding]:
        if ind.name_key and description_copies_name(ind, self.thresholds.name_description_similarity):
            yield self.hit(ind, evidence=ind.indicator.description)


@register
class BoilerplateDescription(Check):
    code = "ZB-S003"
    name = "boilerplate-description"
    title = "指标描述为套用文字"
    category = Category.S
    severity = Severity.warning
    scope = "document"
    message = "指标描述「{description}」是套用的通用文字（{spread}），没有说明本项目考核什么"
    suggestion = "按本项目的资金用途和绩效目标重写指标描述，说明考核对象、口径和数据来源。"
    rationale = (
        "同一段描述出现在多个不同项目上（如“按照要求和计划完成研究任务的项目在所有立项项目中的比例”"
        "出现在工资、奖励、治理资金上），或同一项目里几个不同指标共用一句描述，说明是从别处"
        "复制的定义，而不是本项目的内容。满意度和资金执行类指标的标准定义可以通用，不在此列。"
        "有句向量模型时改由 ZB-S005/ZB-S006 报告（它们还能发现近似和改写的复制），本检查不再重复报告。"
    )
    bad = {"projects": [
        {"project": {"name": name}, "indicators": [
            {"name": "完成率", "description": "按照要求和计划完成研究任务的项目在所有立项项目中的比例", "target": "≥90%"}]}
        for name in ("专项人员经费", "环境污染举报奖励", "农村环境整治项目")
    ]}
    good = {"projects": [
        {"project": {"name": name}, "indicators": [
            {"name": "群众满意度", "description": "群众满意数量占总数的比例", "target": "≥90%",
             "level1": "满意度指标", "level2": "服务对象满意度指标"},
            {"name": metric, "description": definition, "target": "≥90%"}]}
        for name, metric, definition in (
            ("专项人员经费", "工资按时发放率", "按时发放工资的月数/12个月"),
            ("环境污染举报奖励", "举报奖励兑现率", "已兑现奖励的举报数/应奖励举报数"),
            ("农村环境整治项目", "生活垃圾收运覆盖率", "已覆盖行政村数/全部行政村数"),
        )
    ]}

    def run(self, doc: DocumentFacts, ctx) -> Iterator[Finding]:
        from scorer.checks.duplicates import supersedes_s003  # it imports this module's examples

        if supersedes_s003(ctx):
            return
        threshold = self.thresholds.name_description_similarity
        groups: dict[str, list[IndicatorFacts]] = defaultdict(list)
        for ind in doc.indicators():
            if (len(ind.description_key) >= 6 and not description_copies_name(ind, threshold)
                    and not lx.DIRECTION_NOTE_RE.match(ind.indicator.description)):
                groups[ind.description_key].append(ind)
        for members in groups.values():
            flagged: dict[tuple[int, int], str] = {}
            projects = {m.project_index for m in members}
            if len(projects) >= self.thresholds.boilerplate_min_projects:
                spread = f"本文件中 {len(projects)} 个项目使用同一描述"
                for m in members:
                    if not lx.STANDARD_DEFINITION_RE.search(m.name):
                        flagged[(m.project_index, m.index)] = spread
            for project in sorted(projects):
                in_project = [m for m in members if m.project_index == project]
                names = {m.name_key for m in in_project}
                if len(names) >= self.thresholds.boilerplate_min_indicators:
                    for m in in_project:
                        flagged.setdefault((m.project_index, m.index), f"本项目 {len(names)} 个不同指标使用同一描述")
            for m in members:
                spread = flagged.get((m.project_index, m.index))
                if spread:
                    yield self.hit(m, evidence=m.indicator.description, description=m.indicator.description,
                                   spread=spread)


@register
class MissingName(_IndicatorCheck):
    code = "ZB-S004"
    name = "missing-name"
    title = "指标名称缺失"
    severity = Severity.error
    message = "三级指标名称缺失或没有意义（「{name}」{why}）"
    suggestion = "填写指标名称，说明考核什么，如“农村户用卫生厕所改造数量”；数值和完成时间填在指标值一栏。"
    rationale = (
        "没有名称（或名称只是数字、符号）的指标无法知道考核什么，也无法与目标值对应。"
        "名称一栏只写了数值、日期或期限（“2020年”“12月底之前完成”“100万”）的，多是指标值错填到名称里，"
        "同样看不出考核对象。"
    )
    bad = {"name": "12月底之前完成", "target": "100%"}
    good = {"name": "农村户用卫生厕所改造数量", "target": "≥2000户"}

    def run(self, ind: IndicatorFacts, ctx) -> Iterator[Finding]:
        name = ind.indicator.name
        if meaningless_name(name):
            why = "：只写了数值或期限，这应填在指标值一栏" if lx.LETTER_RE.search(name) else ""
            yield self.hit(ind, evidence=name, name=name.strip(), why=why)


@lru_cache(maxsize=1 << 16)
def meaningless_name(name: str) -> bool:
    """A name that names nothing: no letter at all ("88", "—"), or only a value, date or
    deadline ("2020年", "12月底之前完成", "1.5万人次"), i.e. what the value parser
    reads as a number or deadline with no content words left over, or only generic ones
    ("2022年全年"). A value with a subject ("2020年新增造林面积") is a name."""
    if not lx.LETTER_RE.search(name):
        return True
    parsed = parse_target(name.strip())
    if parsed.kind not in (TargetKind.numeric, TargetKind.deadline):
        return False
    rest = parsed.text or ""
    return not content_words(rest) or is_generic_name(rest)
