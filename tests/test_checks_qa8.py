"""Eighth review pass: nine tables in domains no earlier pass covers, read with the scorer
``zhibiao score`` builds (rules, level classifier, embedder, relevance model), as a
finance-bureau reviewer would read them.

Five are written the way a competent bureau writes them (a reviewer raises nothing): 小型
水库及堤防维修养护, 基本公共卫生服务, 公益性岗位补贴 (2015 template), 馆藏档案数字化 and
机关日常公用经费 (a 公用经费-type fund). Four carry the defects reviewers flag every year:
松材线虫病防治, 城区环卫保洁, 电子政务外网运维 (2015 template) and a 部门整体支出 table
(县统计局). What a reviewer would and would not flag was written down here before zhibiao
was run on them; notes marked "after the run" say what changed on reading the result. The
tables are in ``tests/data/review8/``; their wording follows the corpus rows of the same
kinds of fund.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from scorer.checks.levels import both_levels_defensible
from scorer.parsers import parse_path
from scorer.pipeline import Scorer, ScorerPool
from tests.review_tables import ANY, Expect, clean, matches, rows_clean, table_review_tests
from tests.review_tables import codes as _codes
from tests.review_tables import with_row
from tests.test_checks_qa7 import _row, needs_models

DATA = Path(__file__).parent / "data" / "review8"


def cli_scorer():
    """The scorer ``zhibiao score FILE`` uses: a pool with the current models."""
    return ScorerPool(None, None, None).for_source(str(DATA))


EXPECTED: dict[str, Expect] = {
    # 2021 template: 汛前 5月31日前 a season deadline; 万元/座·年 and 万元/公里·年 unit costs
    # (定额); 不发生溃坝 the fund's bottom line; 落实管护责任 names who answers (pass seven).
    "water_works_maintenance.tsv": Expect(shape=11, forbid=clean(), budget=(218.0, 218.0, 0.0), goals=3),
    # 2021 template: the national service rates (老年人健康管理率 ≥62 %, 慢病规范管理率 ≥62 %)
    # are the 国家基本公共卫生服务规范's levels, not low completion rates; 89元/人·年 the
    # national per-head standard (fixed, no comparator); 收到上级资金后30日内 a time limit.
    "public_health_services.tsv": Expect(shape=12, forbid=clean(), budget=(1536.0, 1536.0, 0.0), goals=3),
    # 2015 template: 次月15日前 a monthly deadline; 元/人·月 a subsidy standard (the local
    # minimum wage); 零就业家庭动态清零率 100 % the policy's bottom line.
    "public_welfare_jobs_2015.tsv": Expect(shape=10, forbid=clean(), budget=(742.0, 742.0, 0.0), goals=3),
    # 2021 template: ≤10分钟 a waiting time as the effect of digitisation; 完成异地备份 a
    # yes/no outcome; 不发生档案丢失、泄密事件 none of an adverse event; 元/页 a unit price.
    "archives_digitization.tsv": Expect(shape=11, forbid=clean(), budget=(96.0, 96.0, 0.0), goals=3),
    # a 公用经费 fund: 58人 and 3辆 are what the money keeps running (fixed counts), 万元/人·年
    # the per-head standard, 公务接待费 a cap, 年度重点工作任务完成率 the usual effect row.
    # (After the run: ZB-ST013 reads 年度重点工作任务完成率 under 社会效益 as 产出/质量. A
    # judgement call: the row is the usual effect row of such funds, but what it counts is work
    # done, an output.)
    "office_running_costs.tsv": Expect(shape=10, forbid=clean(), allowed={(0, 7, "ZB-ST013")},
                                       budget=(142.6, 142.6, 0.0), goals=3),
    # defects: 200 without a unit, 符合要求 (vague), a rate of 110 %, 按时完成 on a 时效 row,
    # 有所提升 (vague), a 农村道路 row from another fund, a satisfaction capped "<90%".
    # Not defects: ≤0.5‰ (a per-mille rate is the standard's form for 成灾率), 不发生新疫区.
    # (After the run: the models missed the 农村道路 row as unrelated, though ZB-ST013 reported
    # it as misfiled; found since the combined matcher lets the keywords and a half-strength
    # model verdict agree, see scorer/semantic/matcher.py.)
    "pine_wilt_control_defects.tsv": Expect(
        shape=12,
        must={(0, 2, "ZB-M003"), (0, 3, "ZB-M002"), (0, 5, "ZB-A001"), (0, 6, ("ZB-M002", "ZB-T001")),
              (0, 8, "ZB-M002"), (0, 10, ("ZB-R001", "ZB-R003")), (0, 11, "ZB-A003")},
        forbid={(0, None, "ZB-F"), (0, None, "ZB-ST004"), *rows_clean(0, 1, 4, 7, 9)},
        allowed={(0, 10, "ZB-ST013")},
        budget=(180.0, 180.0, 0.0), goals=3,
    ),
    # defects: 达到标准 (which standard?), a 2024 deadline in a 2025 table, 明显改善 and 有所提升
    # (vague), a wage-payment row filed under 满意度, goal 3 (公厕保洁) measured by nothing.
    # Not defects: 日产日清 is the trade's time requirement for refuse; 元/平方米·年 a unit price.
    "sanitation_defects.tsv": Expect(
        shape=13,
        must={(0, 4, "ZB-M002"), (0, 6, "ZB-T003"), (0, 8, "ZB-M002"), (0, 9, "ZB-M002"),
              (0, 12, "ZB-ST008"), (0, None, "ZB-R002")},
        forbid={(0, None, "ZB-F"), (0, None, "ZB-ST004"), *rows_clean(0, 1, 2, 3, 5, 7, 10, 11)},
        budget=(1280.0, 1280.0, 0.0), goals=3,
    ),
    # defects (2015 template): 按要求备份 (vague), 完成及时率 ≥100 %, 有效节约 and 显著提高
    # (vague), a 农作物病虫害 row from another fund.
    # Not defects: 通过第三级等级保护测评 (pass six), ≤30分钟 a response time, 台（套） a unit.
    # (After the run: the models missed the 农作物 row; found since the agreement rule, as above.)
    "it_operations_defects_2015.tsv": Expect(
        shape=13,
        must={(0, 4, "ZB-M002"), (0, 6, "ZB-A002"), (0, 8, "ZB-M002"), (0, 9, "ZB-M002"),
              (0, 10, ("ZB-R001", "ZB-R003"))},
        forbid={(0, None, "ZB-F"), (0, None, "ZB-ST004"), *rows_clean(0, 1, 2, 3, 5, 7, 11, 12)},
        allowed={(0, 10, "ZB-ST013")},
        budget=(186.0, 186.0, 0.0), goals=3,
    ),
    # defects (部门整体支出): 符合要求 and 有所提升 (vague), 按时完成 on a 时效 row, a 查处率 of
    # 100 without %, a row copied under 社会效益 from 数量, a satisfaction capped "<95%".
    "statistics_department_defects.tsv": Expect(
        shape=12,
        must={(0, 3, "ZB-M002"), (0, 5, ("ZB-M002", "ZB-T001")), (0, 7, "ZB-M002"),
              (0, 8, ("ZB-M003", "ZB-M005")), (0, ANY, "ZB-ST006"), (0, 11, "ZB-A003")},
        forbid={(0, None, "ZB-F"), *rows_clean(0, 1, 2, 4, 6, 10)},
        allowed={(0, 9, "ZB-ST013")},
        budget=(230.0, 230.0, 0.0), goals=3,
    ),
}

results, test_parse_shape, test_reviewer_findings_reported, test_no_findings_a_reviewer_would_reject = (
    table_review_tests(DATA, EXPECTED, scorer=cli_scorer, marks=needs_models))

# What the first run said and what was done (the fixes' own tests follow):
# - rule false findings, the same with and without the models: ZB-M002 on 不发生档案丢失、
#   泄密事件 and 不发生新疫区 (none of an adverse event: a list of events, and losses and new
#   infested areas as the events), 完成异地备份 (the row's own act done) and 日产日清 (a daily
#   deadline); without the models ZB-R001 on 内部控制制度 (a rule every unit keeps) and on
#   市容环境卫生 in an 环卫 fund (the keywords did not know the short form);
# - ZB-ST013 on 年度重点工作任务完成率 (社会效益 → 质量): a judgement call, allowed;
# - model misses of the rows from other funds (25 % and 30 %, threshold 38 %): found since the
#   combined matcher's agreement rule (keywords share nothing, model at half its threshold),
#   chosen on the held-out relevance files, not on these tables (docs/semantic.md).
# Then 21 rows were put one at a time into the tables (test_model_checks_on_single_rows):
# ZB-ST013 on 保护下游耕地面积 under 经济效益 (what a flood work protects is its beneficiaries:
# fixed in the level pairs) and ZB-R003 on 春秋两季普查面积 (a model false finding, kept as a
# strict xfail).


@pytest.fixture(scope="module")
def scorer() -> Scorer:
    return Scorer()


@pytest.mark.parametrize("level2, name, value, vague", [
    # several events none of which may happen, and the losses an archive or system guards
    # against, a new infested area: the bottom lines of these funds
    ("质量指标", "档案安全事故", "不发生档案丢失、泄密事件", False),
    ("质量指标", "数据安全", "不发生数据泄露事件", False),
    ("质量指标", "档案实体安全", "无丢失、无损毁", False),
    ("社会效益指标", "水库安全度汛", "不发生垮坝、漫坝事故", False),
    ("生态效益指标", "松林资源安全", "不发生新疫区", False),
    # none of something that is no adverse event says nothing
    ("社会效益指标", "群众生活", "不发生变化", True),
    ("社会效益指标", "服务水平", "无明显下降", True),
])
def test_none_of_listed_adverse_events_is_checkable(scorer, level2, name, value, vague):
    level1 = "产出指标" if level2 == "质量指标" else "效益指标"
    assert ("ZB-M002" in _codes(scorer, level1, level2, name, value)) == vague


@pytest.mark.parametrize("name, value, vague", [
    # the row's own act reported done: the backup, the filing exists or not
    ("数字化成果异地备份", "完成异地备份", False),
    ("信息系统等级保护备案", "已完成备案", False),
    ("村级服务站挂牌", "完成挂牌", False),
    # a task, a plan, a degree, or an act the row does not name
    ("疫木除治完成时间", "按时完成", True),
    ("年度工作任务", "完成年度目标任务", True),
    ("重点工作", "完成工作计划", True),
    ("数据备份", "完成情况良好", True),
    ("档案数字化", "完成异地备份", True),
])
def test_the_rows_own_act_done_is_checkable(scorer, name, value, vague):
    assert ("ZB-M002" in _codes(scorer, "产出指标", "质量指标", name, value)) == vague


@pytest.mark.parametrize("level2, name, value, reported", [
    # a daily deadline of the trade, a frequency of work checked against its log
    ("时效指标", "生活垃圾清运时效", "日产日清", False),
    ("质量指标", "垃圾清运", "日清日结", False),
    ("质量指标", "数据备份", "每日增量备份", False),
    ("质量指标", "机房设备巡检", "每周巡检", False),
    ("时效指标", "生活垃圾清运", "按时清运", True),
])
def test_daily_clearance_and_work_frequencies_are_schedules(scorer, level2, name, value, reported):
    found = _codes(scorer, "产出指标", level2, name, value)
    assert ("ZB-M002" in found) == reported
    if level2 == "时效指标" and not reported:
        assert "ZB-T001" not in found


@pytest.mark.parametrize("value, vague", [
    # a rule or standard named by its title is checked against its text
    ("达到《城市公共厕所管理办法》要求", False),
    ("符合《城市道路清扫保洁质量与评价标准》", False),
    ("执行《档案数字化规范》", False),
    ("达到相关要求", True),
    ("符合《》要求", True),
])
def test_a_standard_named_by_its_title_is_checkable(scorer, value, vague):
    assert ("ZB-M002" in _codes(scorer, "产出指标", "质量指标", "作业质量", value)) == vague


@pytest.mark.parametrize("level1, level2, name, value", [
    # well-made rows of the nine domains, scored alone: no M, A or T finding (the probe's rows
    # the fixes above do not pin already)
    ("产出指标", "数量指标", "水库大坝安全鉴定座数", "≥8座"),
    ("产出指标", "数量指标", "闸门启闭机维修养护台数", "≥24台"),
    ("产出指标", "时效指标", "维修养护工程完工时间", "主汛期前"),
    ("产出指标", "质量指标", "水毁工程修复率", "100%"),
    ("产出指标", "数量指标", "0-6岁儿童健康管理率", "≥90%"),
    ("产出指标", "时效指标", "传染病疫情报告时间", "2小时内"),
    ("产出指标", "质量指标", "健康档案规范化电子建档", "动态使用率≥60%"),
    ("产出指标", "时效指标", "社会保险补贴拨付时间", "按季度拨付"),
    ("效益指标", "社会效益指标", "城镇调查失业率", "≤5.5%"),
    ("产出指标", "时效指标", "疫木除治时间", "次年3月底前"),
    ("效益指标", "生态效益指标", "主要林业有害生物成灾率", "≤3‰"),
    ("效益指标", "生态效益指标", "林业有害生物疫情", "不发生疫情扩散"),
    ("产出指标", "数量指标", "道路清扫保洁面积", "≥320万㎡"),
    ("产出指标", "时效指标", "垃圾清运时间", "每日6时前"),
    ("产出指标", "质量指标", "道路保洁质量", "符合城市道路清扫保洁质量标准"),
    ("产出指标", "质量指标", "档案数字化成果", "通过市档案局验收"),
    ("产出指标", "时效指标", "系统故障恢复时间", "≤4小时"),
    ("产出指标", "质量指标", "网络安全事件", "不发生重大网络安全事件"),
    ("产出指标", "时效指标", "运维服务响应", "7×24小时"),
    ("产出指标", "时效指标", "公用经费支付", "按月支付"),
])
def test_well_made_rows_of_these_domains(scorer, level1, level2, name, value):
    found = {c for c in _codes(scorer, level1, level2, name, value) if c.startswith(("ZB-M", "ZB-A", "ZB-T"))}
    assert not found, found


@pytest.mark.parametrize("level2, name, value, vague", [
    # a second probe, of 人员经费 / 部门整体 / 环卫 / IT rows: contributions paid monthly,
    # none of an adverse event over a stated period, a class of a named standard
    ("时效指标", "社会保险缴纳", "按月足额缴纳", False),
    ("时效指标", "住房公积金缴存", "按月足额缴存", False),
    ("质量指标", "信息系统安全", "全年无重大安全事故", False),
    ("质量指标", "公厕保洁", "达到二类公厕标准", False),
    ("质量指标", "空气质量", "达到国家二级标准", False),
    # a period alone, or a degree, is not a target
    ("质量指标", "信息系统安全", "全年运行良好", True),
    ("质量指标", "公厕保洁", "达到较高标准", True),
])
def test_contributions_events_over_a_period_and_classes(scorer, level2, name, value, vague):
    assert ("ZB-M002" in _codes(scorer, "产出指标", level2, name, value)) == vague


@pytest.mark.parametrize("name, value, percent_findings", [
    # a scan resolution is in dpi, not a share (≥200dpi drew A001 "over 100%" and M003)
    ("扫描图像分辨率", "≥200dpi", False),
    ("扫描图像分辨率", "≥300DPI", False),
    ("政务外网带宽", "≥100Mbps", False),
    ("数字化图像合格率", "≥200%", True),
])
def test_resolution_and_bandwidth_are_units_not_percentages(scorer, name, value, percent_findings):
    found = _codes(scorer, "产出指标", "质量指标", name, value)
    assert bool({"ZB-A001", "ZB-M003"} & set(found)) == percent_findings, found


_OFFICE = {"name": "机关日常公用经费", "fund_use": "保障机关日常办公和公务用车运行",
           "goals": ["保障58名在职人员日常办公", "严控“三公”经费"]}


@pytest.mark.parametrize("name, unrelated", [
    ("内部控制制度", False),  # every unit keeps one (行政事业单位内部控制规范)
    ("内控制度执行率", False),
    ("农作物病虫害统防统治覆盖率", True),
])
def test_internal_control_is_a_common_indicator(scorer, name, unrelated):
    found = _codes(scorer, "效益指标", "可持续影响指标", name, "建立并执行" if "制度" in name else "≥90%",
                   project=_OFFICE)
    assert ("ZB-R001" in found) == unrelated


_SANITATION = {"name": "城区环卫保洁作业经费", "fund_use": "城区道路清扫保洁和生活垃圾清运",
               "goals": ["城区道路清扫保洁320万平方米", "生活垃圾日产日清"]}
_INSURANCE = {"name": "城乡居民医疗保险参保补助", "fund_use": "资助困难群众参加城乡居民医疗保险",
              "goals": ["资助困难群众参保", "减轻困难群众医疗费用负担"]}


@pytest.mark.parametrize("project, name, unrelated", [
    # a short form in the project, the full term in the row (环卫 = 环境卫生), and back
    (_SANITATION, "市容环境卫生综合评价得分", False),
    (_INSURANCE, "医保基金使用合规率", False),
    # the full term's parts alone are no match: 环境 is not 环卫
    (_SANITATION, "农村生态环境质量", True),
    (_INSURANCE, "森林防火巡查次数", True),
])
def test_short_forms_meet_their_full_terms(scorer, project, name, unrelated):
    """Keywords only (the rules-only scorer): the models judge these rows by meaning."""
    assert ("ZB-R001" in _codes(scorer, "效益指标", "社会效益指标", name, "≥90分", project=project)) == unrelated


@pytest.mark.parametrize("level1, level2, name, value, predicted, open_", [
    # what a flood work protects is whom it benefits, an output's reach and its effect
    ("效益指标", "经济效益指标", "保护下游耕地面积", "≥3.6万亩", "数量", True),
    ("效益指标", "社会效益指标", "保护下游人口", "≥5.2万人", "数量", True),
    # a beneficiary count under any effect level, as under 社会效益 before
    ("效益指标", "经济效益指标", "带动农户数", "≥300户", "数量", True),
    # protecting something is not always a beneficiary: 文物保护 counts the works
    ("效益指标", "社会效益指标", "文物保护单位修缮数量", "≥3处", "数量", False),
    ("效益指标", "经济效益指标", "维修养护水库数量", "≥46座", "数量", False),
])
def test_protected_land_and_people_are_beneficiaries(level1, level2, name, value, predicted, open_):
    """ZB-ST013's gating (no model needed)."""
    assert both_levels_defensible(_row(level1, level2, name, value), predicted) == open_


# -- with the models ------------------------------------------------------------------------
@pytest.fixture(scope="module")
def cli() -> Scorer:
    return cli_scorer()


def _with_row_here(table, level1, level2, name, value):
    return with_row(DATA / table, level1, level2, name, value)


_MODEL_CODES = ("ZB-ST013", "ZB-R001", "ZB-R003")



@needs_models[0]
@needs_models[1]
@pytest.mark.xfail(strict=True, reason="a model false finding (no retraining in this pass)")
def test_known_model_false_finding(cli):
    # 普查 is the pest-control word for the 监测 goal 2 names; the relevance model puts the row
    # at 48 % mismatch (threshold 38 %): ZB-R003 reports it
    doc, row = _with_row_here("pine_wilt_control_defects.tsv", "产出指标", "数量指标", "春秋两季普查面积", "≥45万亩")
    assert not [f for f in cli.score_document(doc).all_findings() if f.indicator == row and f.code in _MODEL_CODES]


@needs_models[0]
@needs_models[1]
@pytest.mark.xfail(strict=True, reason="a model false finding the matcher's agreement rule brings")
def test_night_travel_safety_on_a_street_lighting_fund_is_related(cli):
    # 夜间出行安全保障 is what street lighting is for, but shares no word with 城市照明设施运行维护
    # and the model puts it at 27 % mismatch: over half the threshold, so ZB-R001 reports it
    # since the agreement rule (which on the held-out files found 8 more mismatches for 2 more
    # false alarms). Kept here as the rule's known cost.
    path = Path(__file__).parent / "data" / "review4" / "city_housing_cellines.txt"
    doc = parse_path(path)
    project = next(p for p in doc.projects if p.name.startswith("城市照明"))
    row = next(i for i, ind in enumerate(project.indicators) if ind.name == "夜间出行安全保障")
    found = [f for f in cli.score_document(doc).all_findings()
             if f.project == project.index and f.indicator == row and f.code in _MODEL_CODES]
    assert not found



@needs_models[0]
@needs_models[1]
@pytest.mark.parametrize("table, level1, level2, name, value, flagged", [
    # well-written rows of each domain, one at a time in its table: no model finding
    ("water_works_maintenance.tsv", "产出指标", "数量指标", "水库大坝安全鉴定座数", "≥8座", False),
    ("water_works_maintenance.tsv", "产出指标", "时效指标", "水毁工程修复时间", "汛后1个月内", False),
    ("water_works_maintenance.tsv", "效益指标", "经济效益指标", "保护下游耕地面积", "≥3.6万亩", False),  # was ST013
    ("public_health_services.tsv", "产出指标", "质量指标", "肺结核患者管理率", "≥90%", False),
    ("public_health_services.tsv", "产出指标", "时效指标", "传染病疫情报告时间", "2小时内", False),
    ("public_health_services.tsv", "效益指标", "社会效益指标", "重点人群健康管理覆盖率", "≥70%", False),
    ("public_welfare_jobs_2015.tsv", "效益指标", "社会效益指标", "城镇新增就业人数", "≥3500人", False),
    ("public_welfare_jobs_2015.tsv", "产出指标", "时效指标", "社会保险补贴拨付时间", "按季度拨付", False),
    ("archives_digitization.tsv", "产出指标", "质量指标", "档案数字化成果", "通过市档案局验收", False),
    ("archives_digitization.tsv", "效益指标", "社会效益指标", "档案利用人次", "≥1.2万人次", False),
    ("office_running_costs.tsv", "成本指标", "经济成本指标", "办公设备购置费", "≤4.5万元", False),
    ("office_running_costs.tsv", "产出指标", "质量指标", "固定资产账实相符率", "100%", False),
    ("sanitation_defects.tsv", "产出指标", "数量指标", "公厕保洁座数", "≥86座", False),
    ("sanitation_defects.tsv", "效益指标", "生态效益指标", "城区道路扬尘", "降尘量较上年下降5%", False),
    ("it_operations_defects_2015.tsv", "产出指标", "质量指标", "数据备份", "每日增量备份", False),
    # a row from another fund, or filed under the wrong level: found
    ("water_works_maintenance.tsv", "效益指标", "社会效益指标", "适龄儿童疫苗接种率", "≥90%", True),
    ("public_health_services.tsv", "效益指标", "社会效益指标", "堤防维修养护长度", "≥38公里", True),
    ("public_welfare_jobs_2015.tsv", "效益指标", "生态效益指标", "森林覆盖率", "≥45%", True),
    ("archives_digitization.tsv", "效益指标", "社会效益指标", "生活垃圾清运量", "≥6万吨", True),
    ("office_running_costs.tsv", "效益指标", "社会效益指标", "疫木除治数量", "≥1.2万株", True),
    ("water_works_maintenance.tsv", "产出指标", "时效指标", "维修养护水库数量", "≥46座", True),
])
def test_model_checks_on_single_rows(cli, table, level1, level2, name, value, flagged):
    doc, row = _with_row_here(table, level1, level2, name, value)
    found = [f.code for f in cli.score_document(doc).all_findings() if f.indicator == row and f.code in _MODEL_CODES]
    assert bool(found) == flagged, found
