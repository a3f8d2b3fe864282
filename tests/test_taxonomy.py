"""The taxonomy of 财预〔2015〕88号 / 〔2021〕101号 and the label canonicaliser."""

from __future__ import annotations

from pathlib import Path

import pytest

from scorer import taxonomy as tx
from scorer.segment import tokenize

CORPUS = Path(__file__).resolve().parents[1] / "corpus" / "indicators.tsv"


@pytest.mark.parametrize(
    ("written", "canonical"),
    [
        ("产出指标", tx.OUTPUT),
        ("项目产出", tx.OUTPUT),
        ("预期产出指标", tx.OUTPUT),
        ("项目完成指标", tx.OUTPUT),
        ("产出指标(40分)", tx.OUTPUT),
        ("产出值", tx.OUTPUT),
        ("效益指标", tx.BENEFIT),
        ("效果指标", tx.BENEFIT),  # 部门整体 tables
        ("项目效益(35分)", tx.BENEFIT),
        ("效益指标（30分）", tx.BENEFIT),  # full-width brackets
        ("满意度指标", tx.SATISFACTION),
        ("成本指标", tx.COST),
        (" 产出 指标 ", tx.OUTPUT),
        ("项目决策", None),  # an evaluation framework's level, not a target table's
        ("", None),
        (None, None),
    ],
)
def test_canonical_level1(written, canonical):
    assert tx.canonical_level1(written) == canonical


@pytest.mark.parametrize(
    ("written", "canonical"),
    [
        ("数量指标", tx.QUANTITY),
        ("产出数量", tx.QUANTITY),
        ("数量指标(必填硬性指标)", tx.QUANTITY),
        ("数量指标(或建筑规模指标)", tx.QUANTITY),
        ("数量指标*", tx.QUANTITY),
        ("数量值", tx.QUANTITY),
        ("质量指标(5分)", tx.QUALITY),
        ("时效指标(工期指标)", tx.TIMELINESS),
        ("进度指标", tx.TIMELINESS),
        ("成本指标(10分)", tx.OUTPUT_COST),
        ("预算(或投资规模)控制指标", tx.OUTPUT_COST),
        ("经济成本指标", tx.ECONOMIC_COST),
        ("社会成本指标", tx.SOCIAL_COST),
        ("生态环境成本指标", tx.ECOLOGICAL_COST),
        ("社会效益指标", tx.SOCIAL_BENEFIT),
        ("社会效益 指标", tx.SOCIAL_BENEFIT),
        ("社会效益目标", tx.SOCIAL_BENEFIT),
        ("社会效益指标(必填)", tx.SOCIAL_BENEFIT),
        ("环境效益", tx.ECOLOGICAL_BENEFIT),
        ("可持续性发展影响指标", tx.SUSTAINABILITY),
        ("服务对象满意度指标", tx.SERVICE_SATISFACTION),
        ("服务对象满意度指标等", tx.SERVICE_SATISFACTION),
        ("社会公众或服务对象满意度指标", tx.SERVICE_SATISFACTION),
        ("服务对象或受益者满意度指标", tx.SERVICE_SATISFACTION),
        ("满意度指标", tx.SERVICE_SATISFACTION),
        ("社会、经济、生态效益指标", None),  # three labels in one cell: not guessable
        ("", None),
    ],
)
def test_canonical_level2(written, canonical):
    assert tx.canonical_level2(written) == canonical


def test_cost_moved_from_output_to_its_own_level_in_2021():
    assert tx.l1_of_l2(tx.OUTPUT_COST) == {tx.OUTPUT}
    assert tx.l1_of_l2(tx.ECONOMIC_COST) == {tx.COST}
    assert tx.is_valid_pair(tx.OUTPUT, tx.OUTPUT_COST, tx.TEMPLATE_2015)
    assert not tx.is_valid_pair(tx.OUTPUT, tx.OUTPUT_COST, tx.TEMPLATE_2021)
    assert tx.is_valid_pair(tx.COST, tx.SOCIAL_COST, tx.TEMPLATE_2021)
    assert not tx.is_valid_pair(tx.OUTPUT, tx.ECONOMIC_COST)
    # The same concept, so a model need not (and cannot) tell them apart.
    assert tx.concept_of_level2(tx.ECONOMIC_COST) == tx.OUTPUT_COST
    assert tx.place(tx.OUTPUT_COST) == (tx.OUTPUT, tx.OUTPUT_COST)
    assert tx.place(tx.OUTPUT_COST, tx.TEMPLATE_2021) == (tx.COST, tx.ECONOMIC_COST)


def test_satisfaction_sits_under_effect_in_department_tables_only():
    assert tx.l1_of_l2(tx.SERVICE_SATISFACTION) == {tx.SATISFACTION, tx.BENEFIT}
    assert tx.l1_of_l2(tx.SERVICE_SATISFACTION, tx.TEMPLATE_2015) == {tx.SATISFACTION}
    assert tx.is_valid_pair(tx.BENEFIT, tx.SERVICE_SATISFACTION, tx.TEMPLATE_2015_DEPT)
    assert not tx.is_valid_pair(tx.OUTPUT, tx.SOCIAL_BENEFIT)


def test_canonicalise_reports_what_it_could_not_map():
    label = tx.canonicalise("项目决策", "数量指标")
    assert (label.level1, label.level2) == (None, tx.QUANTITY)
    assert not label.level1_mapped and label.level2_mapped and not label.consistent
    assert tx.canonicalise("效果指标", "满意度指标").consistent
    assert not tx.canonicalise("产出指标", "社会效益指标").consistent


def test_tables_are_consistent():
    assert set(tx.PRIMARY_LEVEL1) == set(tx.LEVEL2)
    for level2, level1 in tx.PRIMARY_LEVEL1.items():
        assert level1 in tx.l1_of_l2(level2), level2
    for layout in tx.TEMPLATES.values():
        assert set(layout) <= set(tx.LEVEL1)
        assert {l2 for l2s in layout.values() for l2 in l2s} <= set(tx.LEVEL2)


def test_guess_template():
    assert tx.guess_template({tx.COST, tx.OUTPUT}, {tx.QUANTITY}) == tx.TEMPLATE_2021
    assert tx.guess_template({tx.OUTPUT}, {tx.OUTPUT_COST}) == tx.TEMPLATE_2015
    assert tx.guess_template({tx.OUTPUT}, {tx.QUANTITY}) is None


def test_nearly_every_written_label_of_the_corpus_maps():
    lines = CORPUS.read_text(encoding="utf-8").splitlines()[1:]
    level2 = [line.split("\t")[6] for line in lines]
    unmapped = {w for w in level2 if tx.canonical_level2(w) is None}
    assert unmapped == {"社会、经济、生态效益指标"}


def test_segmenter_keeps_domain_terms_whole():
    assert "验收合格率" in tokenize("重点建设工程验收合格率≥95%")
    assert "服务对象" in tokenize("社会公众或服务对象满意度")
    assert tokenize("") == []
    # Punctuation and spaces are not words.
    assert all(t.strip("，。、%≥ ") for t in tokenize("资金，到位 率≥ 100%"))


@pytest.mark.parametrize("written, level1, level2", [
    ("产出类指标", tx.OUTPUT, None),
    ("绩效指标-产出", tx.OUTPUT, None),            # one cell naming both levels: the part that maps
    ("效益指标-社会效益", tx.BENEFIT, tx.SOCIAL_BENEFIT),
    ("产出指标：数量指标", tx.OUTPUT, tx.QUANTITY),
    ("时效性指标", None, tx.TIMELINESS),
    ("质量性指标", None, tx.QUALITY),
    ("可持续发展指标", None, tx.SUSTAINABILITY),
    ("成本控制指标", None, tx.OUTPUT_COST),
    ("群众满意度", tx.SATISFACTION, tx.SERVICE_SATISFACTION),   # whoever is asked
    ("患者满意度指标", tx.SATISFACTION, tx.SERVICE_SATISFACTION),
    ("使用者满意程度", tx.SATISFACTION, tx.SERVICE_SATISFACTION),
])
def test_more_written_forms_map(written, level1, level2):
    if level1 is not None:
        assert tx.canonical_level1(written) == level1
    assert tx.canonical_level2(written) == level2


@pytest.mark.parametrize("written", ["决策指标", "过程指标", "项目决策", "社会、经济、生态效益指标", "PM2.5/PM10浓度",
                                     "有效性", "预算控制数"])
def test_what_names_no_level_still_does_not_map(written):
    assert tx.canonical_level2(written) is None


@pytest.mark.parametrize("written, level1, level2", [
    ("产出指标-成本指标", tx.OUTPUT, tx.OUTPUT_COST),     # the level 1 comes first
    ("效益-成本", tx.BENEFIT, tx.OUTPUT_COST),
    ("成本指标-经济成本", tx.COST, tx.ECONOMIC_COST),
    ("产出指标：数量指标", tx.OUTPUT, tx.QUANTITY),
])
def test_a_cell_naming_both_levels(written, level1, level2):
    assert tx.levels_in_one_cell(written) == (level1, level2)
    assert tx.canonical_level1(written) == level1


@pytest.mark.parametrize("written", ["经济效益/社会效益", "社会效益/经济效益"])
def test_a_cell_naming_two_level2s_is_not_guessed(written):
    assert tx.canonical_level2(written) is None


def test_a_level1_cell_naming_both_levels_is_not_an_empty_level2():
    from scorer.checks.examples import build_example
    from scorer.pipeline import Scorer

    spec = {"level1": "产出指标-数量指标", "level2": "", "name": "日常养护里程", "target": "≥120公里"}
    codes = {f.code for f in Scorer().score_document(build_example(spec)).all_findings()}
    assert "ZB-ST002" not in codes and "ZB-ST001" not in codes


@pytest.mark.parametrize("level1, level2, canonical", [
    ("产出指标-数量指标", "", (tx.OUTPUT, tx.QUANTITY)),      # both in the level-1 cell
    ("", "效益指标：社会效益指标", (tx.BENEFIT, tx.SOCIAL_BENEFIT)),  # both in the level-2 cell
    ("产出指标-数量指标", "质量指标", (tx.OUTPUT, tx.QUALITY)),  # both cells filled: each its own
    ("产出指标", "", (tx.OUTPUT, None)),
])
def test_canonicalise_reads_both_levels_from_one_cell(level1, level2, canonical):
    label = tx.canonicalise(level1, level2)
    assert (label.level1, label.level2) == canonical
    assert (label.written_level1, label.written_level2) == (level1, level2)  # the document's own words
