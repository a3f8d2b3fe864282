"""False positives are as bad as misses: well-written indicators from the seeds and the
corpus get no M (可衡量) or A (可实现) findings, and the units/percentages checks rely on
are read correctly from the many ways tables write them."""

from __future__ import annotations

import pytest

from scorer.checks.examples import build_example
from scorer.checks.facts import indicator_facts
from scorer.config import Settings
from scorer.document import Indicator
from scorer.pipeline import Scorer
from scorer.values import parse_target
from tests.conftest import SEED_000

# (level1, level2, name, target) rows copied from corpus/indicators.tsv and the seeds.
GOOD_ROWS = [
    ("效果指标", "可持续影响指标", "网格化设备在线率", "≥90%"),
    ("产出指标", "质量指标", "重点建设工程验收合格率", "100%"),
    ("产出指标", "时效指标", "重点建设工程按期完成率", "100%"),
    ("产出指标", "数量指标", "脱贫村村内道路硬化里程", "≥100公里"),
    ("产出指标", "数量指标", "脱贫户供水设施数量", "≥20座"),
    ("产出指标", "成本指标", "财政资金补助", "1600元/亩"),
    ("效益指标", "可持续影响指标", "工程设计使用年限", "≥20年"),
    ("满意度指标", "服务对象满意度指标", "受益脱贫(监测)户满意度", "≥95%"),
    ("产出指标", "数量指标", "监督抽检批次", "≥100组"),
    ("产出指标", "质量指标", "农产品例行监测合格率", "≥98%"),
    ("产出指标", "时效指标", "维护及时性", "<24小时"),
    ("产出指标", "成本指标", "维护成本", "<1681680元"),
    ("产出指标", "质量指标", "视频监控在线率", "≥0.97比例"),
    ("产出指标", "成本指标", "成本控制数(万元)", "63"),
    ("效益指标", "社会效益", "重大森林火灾", "0起"),
    ("效益指标", "生态效益", "森林火灾受害面积", "小于0.9‰"),
    ("产出指标", "产出时效", "森林火灾6小时内扑灭率", "不低于95%"),
    ("产出指标", "时效指标", "采购计划完成时间", "11月底之前"),
    ("产出指标", "成本指标", "车辆购置成本", "小于等于12万元"),
    # 2021 成本指标 rows: a time word inside the name is not what it measures (施工期间 holds 工期)
    ("成本指标", "社会成本指标", "施工期间群众投诉次数", "≤3次"),
    ("成本指标", "生态环境成本指标", "施工扬尘超标次数", "0次"),
    ("产出指标", "数量指标", "新车采购数量", "20辆"),
    ("预期产出指标", "预算(或投资规模)控制指标", "预算执行率", "≥95%"),
    ("效果指标", "社会、经济、生态效益指标", "百公里维修费支出", "≤500元/100km"),
    ("产出指标", "数量指标", "创业担保贷款发放额增长率", "≥10%"),
    ("效益指标", "经济效益指标", "创业担保基金放大倍数", "≥2倍"),
    ("满意度指标", "服务对象满意度指标", "申请定向费用补贴金融机构满意度", "≥80%"),
    ("产出指标", "质量指标", "县级储备粮库存粮食明显变质比例", "0"),
    ("产出指标", "数量指标", "文物宣传教育短信", "≥3万条"),
    ("产出指标", "时效指标", "补贴期限", "2020.1.1-2020.12.31"),
    ("产出指标", "时效指标", "任务完成时间", "2023年12月31日"),
    ("效益指标", "经济效益指标", "结余率(计算方法为:结余数/预算数)", "≤5%"),
    ("产出指标", "数量指标", "参与决策咨询活动次数", ">10"),
    ("产出指标", "质量指标", "设备验收合格率", "等于100%"),
]


def _m_and_a(rows) -> list[tuple[str, str, str]]:
    spec = {"indicators": [{"level1": l1, "level2": l2, "name": name, "target": target}
                           for l1, l2, name, target in rows]}
    result = Scorer(Settings(select=["ZB-M", "ZB-A"])).score_document(build_example(spec))
    names = {i: ind.name for i, ind in enumerate(result.projects[0].indicators)}
    return [(f.code, names[f.indicator], f.evidence) for f in result.all_findings()]


def test_good_corpus_and_seed_rows_get_no_m_or_a_findings():
    assert _m_and_a(GOOD_ROWS) == []


def test_good_seed_project_gets_no_m_or_a_findings(seed_docs):
    project = seed_docs[SEED_000.name].projects[1]  # 网格化 O&M: three ≥90% rates
    result = Scorer(Settings(select=["ZB-M", "ZB-A"])).score_document(
        seed_docs[SEED_000.name].model_copy(update={"projects": [project]}))
    assert result.all_findings() == []


def _facts(name: str, target: str, level2: str = "数量指标"):
    ind = Indicator(level1="产出指标", level2=level2, name=name, target_raw=target, target=parse_target(target))
    return indicator_facts(ind, 0, 0)


@pytest.mark.parametrize("name, target, unit, source", [
    ("监督抽检批次", "≥100组", "组", "text"),
    ("指标1免费发放原原种", "550万粒", "万粒", "text"),
    ("一个存储备份器", "25TB", "TB", "value"),
    ("成本控制数(万元)", "63", "万元", "name"),
    ("参与政府决策活动次数", ">10", "次", "name"),
    ("各项工作完成及时率%", "=99", "%", "name"),
    ("群众满意度", "≥60", None, None),
    ("网格化设备在线率", "≥90%", "%", "value"),
])
def test_effective_unit(name, target, unit, source):
    assert _facts(name, target).unit_and_source == (unit, source)


@pytest.mark.parametrize("name, target, percent", [
    ("视频监控在线率", "≥0.97比例", 97.0),
    ("委托业务报告合格率", "≥100百分比", 100.0),
    ("森林火灾受害面积", "小于0.9‰", 0.09),
    ("群众满意度", ">70", 70.0),  # a bare number on a share-type name can only be a percentage
    ("补助学生数量", "168", None),
    ("补贴期限", "2020.1.1-2020.12.31", None),  # a date, not a quantity
])
def test_percent_reading(name, target, percent):
    value = _facts(name, target).percent
    assert value == pytest.approx(percent) if percent is not None else value is None


@pytest.mark.parametrize("name, meaningless", [
    ("88", True), ("", True), ("—", True),
    # the value or deadline written in the name column
    ("2020年", True), ("12月底之前完成", True), ("2020年12月完成", True), ("100万", True), ("3个月", True),
    ("1.5万人次", True), ("≥95%", True), ("2022年全年", True),
    # a value with a subject is a name
    ("2020年新增造林面积", False), ("7 岁以下儿童健康管理率", False), ("≥360天服务读者", False),
    ("12350安全生产举报奖励次数", False), ("5000吨稻谷、500吨成品粮储备到位率", False),
    # generic, but words: ZB-S001's business
    ("全年", False), ("完成率", False), ("按时完成", False),
])
def test_meaningless_name(name, meaningless):
    from scorer.checks.specific import meaningless_name

    assert meaningless_name(name) is meaningless


def test_missing_name_says_when_the_name_is_a_value():
    spec = {"indicators": [{"name": "12月底之前完成", "target": "100%"}, {"name": "88", "target": "100"}]}
    result = Scorer(Settings(select=["ZB-S004"])).score_document(build_example(spec))
    messages = [f.message for f in result.all_findings()]
    assert messages == ["三级指标名称缺失或没有意义（「12月底之前完成」：只写了数值或期限，这应填在指标值一栏）",
                        "三级指标名称缺失或没有意义（「88」）"]


def test_missing_plan_is_reported_only_where_the_template_asks_for_one():
    """The national 2021 project table has no 支出计划 rows: a budget without a plan is
    not the submitter's omission there, but it is when the document's other projects
    have plan rows, or this project has them empty."""
    full = {3: "25", 6: "50", 10: "75", 12: "100"}

    def f007(*projects: dict) -> list[int]:
        spec = {"projects": [{"project": p, "indicators": []} for p in projects]}
        result = Scorer(Settings(select=["ZB-F007"])).score_document(build_example(spec))
        return [f.project for f in result.all_findings()]

    no_plan_rows = {"name": "乡村道路养护经费", "budget": [120.0, 100.0, 20.0]}
    assert f007(no_plan_rows) == []
    assert f007({**no_plan_rows, "plan": {3: "", 6: "", 10: "", 12: ""}}) == [0]
    assert f007({**no_plan_rows, "plan": full}, no_plan_rows) == [1]


def _reports(code: str, name: str, target: str, level2: str) -> bool:
    """Whether check ``code`` reports an 产出指标 row with this name and value."""
    spec = {"indicators": [{"level1": "产出指标", "level2": level2, "name": name, "target": target}]}
    return bool(Scorer(Settings(select=[code])).score_document(build_example(spec)).all_findings())


@pytest.mark.parametrize("name, target, reported", [
    ("设备安装完成时间", "3次", True),
    ("工程工期（天）", "5个", True),
    ("施工期间群众投诉次数", "≤3次", False),
    ("设备安装完成时间", "≤30天", False),
])
def test_time_unit_mismatch_reads_the_names_head(name, target, reported):
    assert _reports("ZB-M006", name, target, "时效指标") is reported


@pytest.mark.parametrize("name, target, reported", [
    ("路面使用性能指数（PQI）", "≥85", False),
    ("数据中心PUE值", "≤1.4", False),
    ("绩效考核得分", "≥90", False),
    ("年运送乘客量", "≥2.1亿人次", False),
    ("系统运行保障", "7×24小时", False),
    ("群众满意度", "≥90", True),
    ("道路养护里程", "≥85", True),
])
def test_indices_magnitudes_and_service_hours_need_no_other_unit(name, target, reported):
    assert _reports("ZB-M003", name, target, "质量指标") is reported


@pytest.mark.parametrize("target, unit", [("≥260樘", "樘"), ("3眼", "眼"), ("≥12栋", "栋"), ("5亿", None)])
def test_any_single_measure_word_is_a_unit(target, unit):
    """Tables count doors in 樘 and wells in 眼: a measure word that is all the value says
    after its number is its unit (ZB-M003 does not ask for one); a magnitude is not."""
    assert _facts("更换门窗数量", target).unit == unit


@pytest.mark.parametrize("name, target, reported", [
    ("工资按月发放率", "100%", False),  # 按月 is the time requirement
    ("补贴逐月发放到户率", "100%", False),
    ("工资发放率", "100%", True),
])
def test_timeliness_reads_time_words_in_the_name(name, target, reported):
    assert _reports("ZB-T001", name, target, "时效指标") is reported


@pytest.mark.parametrize("text, word", [
    ("非遗传承人队伍稳定率", "非遗"),      # not 遗传 (genetics)
    ("智慧城管信息平台运维服务", "运维"),  # two single characters jieba would drop
    ("耕地地力保护补贴", "地力"),
    ("河长制工作经费", "河长制"),
    ("农村户厕改造数量", "户厕"),
])
def test_domain_words_survive_segmentation(text, word):
    from scorer.checks.matching import content_words

    assert word in content_words(text)


def test_heritage_inheritors_indicator_meets_its_goal():
    spec = {"project": {"name": "非遗保护传承专项经费", "goals": ["资助市级以上代表性传承人45名开展传习活动"]},
            "indicators": [{"level1": "效益指标", "level2": "可持续影响指标", "name": "非遗传承人队伍稳定率", "target": "≥95%"}]}
    assert Scorer(Settings(select=["ZB-R001"])).score_document(build_example(spec)).all_findings() == []


@pytest.mark.parametrize("target", ["A级", "AAA级", "二级以上", "甲等"])
def test_a_grade_is_a_verifiable_target(target):
    assert _reports("ZB-M002", "考核等级", target, "质量指标") is False


@pytest.mark.parametrize("name, cleaned", [
    ("65岁以上老年人健康管理人数", "65岁以上老年人健康管理人数"),  # digits a name starts with are the name
    ("2020年新增造林面积", "2020年新增造林面积"),
    ("12350安全生产举报奖励次数", "12350安全生产举报奖励次数"),
    ("1.5万人次", "1.5万人次"),              # a decimal, not numbering
    ("1.培训人次", "培训人次"), ("2、培训人次", "培训人次"), ("指标1:安置小区物业费", "安置小区物业费"),
    ("(1)培训人次", "培训人次"), ("★培训人次", "培训人次"), ("培训人次(人)", "培训人次"),
    ("88", ""), ("0", ""),                  # no letter: names nothing
])
def test_clean_name_strips_numbering_not_the_name(name, cleaned):
    from scorer.checks.facts import clean_name

    assert clean_name(name) == cleaned


@pytest.mark.parametrize("target, reported", [
    ("每季度末前拨付", False),
    ("按月发放", False),
    ("每半年报送", False),
    ("按时完成", True),      # says nothing of when
    ("按要求完成", True),
])
def test_a_schedule_is_a_verifiable_time_target(target, reported):
    assert _reports("ZB-M002", "补助资金拨付时间", target, "时效指标") is reported


@pytest.mark.parametrize("name, reported", [
    ("监测数据有效率", False),   # a standard environmental-monitoring indicator
    ("设备在线率", False),
    ("监测数据", True),
    ("完成率", True),
])
def test_technical_rates_are_not_generic(name, reported):
    assert _reports("ZB-S001", name, "≥90%", "质量指标") is reported


def test_empty_basis_is_reported_only_where_the_table_has_a_basis_column():
    from scorer.parsers import parse_text

    head = "项目名称\t道路养护\n一级指标\t二级指标\t三级指标\t指标值{basis}\n"
    row = "产出指标\t数量指标\t日常养护里程\t≥120公里{basis}\n"
    without = parse_text(head.format(basis="") + row.format(basis=""), "a.tsv")
    with_empty = parse_text(head.format(basis="\t指标值确定依据") + row.format(basis="\t"), "b.tsv")
    assert without.projects[0].indicator_columns == ["level1", "level2", "name", "target_raw"]
    codes = lambda doc: {f.code for f in Scorer(Settings(select=["ZB-ST009"])).score_document(doc).all_findings()}
    assert codes(without) == set() and codes(with_empty) == {"ZB-ST009"}


@pytest.mark.parametrize("plan, message", [
    ({3: "25", 6: "25", 10: "25", 12: "25"}, "各期合计 100%，最后一期（12月底）只有 25%"),   # shares, never falling
    ({3: "20", 6: "35", 10: "20", 12: "25"}, "10月底的 20% 小于之前的 35%；各期合计 100%"),  # shares with a fall
    ({3: "20", 6: "55", 10: "75", 12: "100"}, None),                                       # cumulative
    ({3: "50", 6: "50", 10: "", 12: ""}, None),                                            # stops short: ZB-F005's
])
def test_plan_of_per_period_shares(plan, message):
    spec = {"project": {"plan": plan}, "indicators": []}
    found = Scorer(Settings(select=["ZB-F004"])).score_document(build_example(spec)).all_findings()
    assert [message in f.message for f in found] == ([True] if message else [])


@pytest.mark.parametrize("name, target, reported", [
    ("软件缺陷修复率", "达标", True),     # a share was asked for
    ("项目验收合格率", "合格", True),
    ("项目验收情况", "合格", False),      # not a rate: the outcome is the target
    ("软件缺陷修复率", "≥95%", False),
])
def test_rate_with_a_yes_no_outcome(name, target, reported):
    assert _reports("ZB-M005", name, target, "质量指标") is reported


@pytest.mark.parametrize("name", ["重大安全责任事故", "安全生产事故发生次数", "设施长效运维机制"])
def test_safety_and_upkeep_indicators_fit_any_fund(name):
    from scorer.semantic.frequency import common_by_rule

    spec = {"project": {"name": "国省干线公路养护工程", "goals": ["完成国省干线公路养护120公里"]},
            "indicators": [{"name": name, "level1": "效益指标", "level2": "社会效益指标", "target": "0起"}]}
    assert not Scorer(Settings(select=["ZB-R001"])).score_document(build_example(spec)).all_findings()
    assert common_by_rule(name)  # nor does the relevance model judge it (ZB-R003)


@pytest.mark.parametrize(("name", "target", "code"), [
    ("培训人数", "≥0人", "ZB-A007"),
    ("覆盖率", "≥0%", "ZB-A007"),
    ("安全事故发生率", "≤100%", "ZB-A007"),
    ("培训人数", "≥1人", None),
    ("重大安全事故", "≤0起", None),          # zero accidents is a target, not a placeholder
    ("接待量增长率", "≤100%", None),
    ("就业率", "80%-60%", "ZB-A008"),
    ("就业率", "60%-80%", None),
    ("人均培训成本", "≤0元", "ZB-A009"),
    ("项目造价", "=0万元", "ZB-A009"),
    ("超支费用", "≤0元", None),
    ("新增政府债务", "0万元", None),
    ("出差单位成本", "=0万元/人", None),     # no travel at all: a control target in 整体支出 tables
    ("人均培训成本", "≤120元", None),
    # what a reviewer found fine (a QA pass): signed quantities, rates that can pass 100%,
    # wrapping spans, negative ranges, standards' numbers, costs policy makes free
    ("农民人均收入增长率", "≥0%", None),
    ("经营利润", "≥0万元", None),
    ("冬季室内温度", "≥0℃", None),
    ("项目成本控制率", "≤100%", None),
    ("资产负债率", "≤100%", None),
    ("床位使用率", "≤100%", None),
    ("差错率", "≤100%", "ZB-A007"),
    ("供暖期", "11-3月", None),
    ("夜间禁止施工时段", "22-6时", None),
    ("冷链储存温度", "-18~-25℃", None),
    ("地表水水质", "GB3838-2002标准", None),
    ("群众办事成本", "0元", None),
    ("学生个人负担成本", "=0元", None),
])
def test_placeholder_and_reversed_values(name, target, code):
    found = {c for c, _, _ in _m_and_a([("产出指标", "数量指标", name, target)])} & {"ZB-A007", "ZB-A008", "ZB-A009"}
    assert found == ({code} if code else set())


@pytest.mark.parametrize(("project", "title", "target", "reported"), [
    ("2024年就业技能培训项目", "", "2019年12月底前", True),
    ("2024年就业技能培训项目", "", "2024年12月底前", False),
    ("2018-2020年农村公路建设项目", "", "2019年12月底前", False),   # a multi-year project
    ("农村公路养护", "2024年部门预算绩效目标表", "2023年6月30日前", True),
    ("农村公路养护", "", "2019年12月底前", False),               # no year to compare with
    ("2024年就业技能培训项目", "", "年底前", False),
    ("2024年就业技能培训项目", "", "2023年底前", True),
    ("2024年就业技能培训项目", "", "2023年度内完成", True),
    ("2024年学生资助项目", "", "2023年9月-2024年7月", False),   # a span ending in the year
    ("新建2050亩高标准农田年度建设", "", "2024年12月底前", False),  # 2050亩 is no year
    ("迎接2026年省运会体育场馆维修", "", "2025年10月底前", False),  # an event's year
    ("2035年远景目标规划编制", "", "2024年12月底前", False),       # a plan's horizon
])
def test_deadline_before_the_budget_year(project, title, target, reported):
    spec = {"project": {"name": project},
            "indicators": [{"name": "完成时间", "level2": "时效指标", "target": target}]}
    doc = build_example(spec).model_copy(update={"title": title})
    result = Scorer(Settings(select=["ZB-T003"])).score_document(doc)
    assert bool(result.all_findings()) is reported



def test_reference_dates_are_not_deadlines():
    spec = {"project": {"name": "2024年审计项目"},
            "indicators": [{"name": "审计基准日", "level2": "时效指标", "target": "2023年12月31日"}]}
    assert Scorer(Settings(select=["ZB-T003"])).score_document(build_example(spec)).all_findings() == []
