"""scorer.semantic: copy clusters (exact / near / semantic), their classification with the
指标库, 复制比, the LSH indexes and the calibration. Fast: hashing embedder only."""

from __future__ import annotations

import itertools
import time

import numpy as np
import pytest

from scorer.embeddings import HashingEmbedder
from scorer.semantic import TextItem, copy_ratios, document_items, find_duplicate_clusters, shipped_library
from scorer.semantic.calibration import shipped_thresholds
from scorer.semantic.domains import LIBRARY, OTHER, project_kind
from scorer.semantic.frequency import IndicatorLibrary, LibraryRow
from scorer.semantic.index import EXACT_NEAR_LIMIT, CosineLSH, exact_near_pairs, near_pairs
from scorer.semantic.textnorm import informative, jaccard, shingles, text_key
from tests.conftest import SEED_000, SEED_001
from training.duplicates import DEFAULT_PAIRS, lowest_precise_threshold, read_pairs


def items(*rows: tuple[str, str, int, str], field: str = "description", document: str = "d") -> list[TextItem]:
    """(text, project name, project index, indicator name) → items of one field."""
    return [TextItem(text, field, document=document, project=p, project_name=name, indicator=0, indicator_name=ind)
            for text, name, p, ind in rows]


# -- text, shingles, indexes ---------------------------------------------------------------------


def test_keys_ignore_punctuation_width_and_spaces():
    assert text_key("群众满意数量占总数的比例。") == text_key(" 群众满意数量 占总数的比例 ")
    assert text_key("（百分比）") == text_key("(百分比)")
    assert jaccard(shingles("abcd"), shingles("abcd")) == 1.0 and jaccard(shingles("ab"), shingles("cd")) == 0.0


@pytest.mark.parametrize("text, field, expected", [
    ("≥90%", "target", False), ("2020年12月底前", "target", False), ("按要求完成", "target", True),
    ("指标方向:正向", "description", False), ("反映", "description", False), ("工期", "name", True),
    ("88", "name", False),
])
def test_informative_cells(text, field, expected):
    assert informative(text, field) is expected


def test_near_pairs_finds_edits_and_not_strangers():
    texts = ["大气污染防治网格化监测设备在线率", "大气污染防治网格化监测设备的在线率", "农村生活垃圾无害化处理率"]
    sets = [shingles(text_key(t)) for t in texts]
    assert (0, 1) in near_pairs(sets, 0.79)
    assert all(2 not in pair for pair in near_pairs(sets, 0.79))


@pytest.mark.parametrize("threshold", [0.3, 0.5, 0.8])
def test_exact_near_pairs_equal_all_pairs_and_lsh_finds_most(threshold):
    """Up to EXACT_NEAR_LIMIT texts the pairs are exact; above it LSH candidates are a
    superset of most of them (the caller verifies each)."""
    rng = np.random.default_rng(7)
    words = ["完成", "项目", "资金", "到位率", "满意度", "群众", "农村", "污水", "治理", "设施", "运行", "按期"]
    texts = ["".join(rng.choice(words, size=rng.integers(1, 7))) for _ in range(300)]
    sets = [shingles(text_key(t)) for t in texts]
    truth = {(i, j) for i, j in itertools.combinations(range(len(sets)), 2) if jaccard(sets[i], sets[j]) >= threshold}
    assert exact_near_pairs(sets, threshold) == truth and len(truth) > 50
    candidates = near_pairs(sets * 7, threshold)  # 2,100 texts: over the limit, LSH
    assert len(sets) * 7 > EXACT_NEAR_LIMIT
    assert len(truth & candidates) >= 0.9 * len(truth)


def test_cosine_lsh_keeps_near_neighbours_without_all_pairs():
    rng = np.random.default_rng(0)
    base = rng.standard_normal((400, 64)).astype(np.float32)
    twins = base[:50] + 0.05 * rng.standard_normal((50, 64)).astype(np.float32)
    vectors = np.vstack([base, twins])
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    pairs = CosineLSH().candidate_pairs(vectors)
    assert all((i, 400 + i) in pairs for i in range(50))
    assert len(pairs) < 0.05 * (450 * 449 / 2)


# -- the 指标库 -------------------------------------------------------------------------------------


def test_project_kinds():
    assert project_kind("学生伙食费", "湘西州教育和体育局") == "教育"
    assert project_kind("会议培训类", "共性指标库(样例)") == LIBRARY
    assert project_kind("", "") == OTHER
    assert project_kind("乡村道路建设养护项目") == "交通"  # narrower kinds are tried first


@pytest.mark.parametrize("name", ["群众满意度", "服务对象满意度", "资金支付及时率", "预算执行率", "项目验收合格率"])
def test_common_indicators(name):
    assert shipped_library().is_common(name)


@pytest.mark.parametrize("name", ["参与政府决策活动次数", "网格化设备在线率", "疫苗提供及时率", "扶助对象档案建档数"])
def test_specific_indicators(name):
    assert not shipped_library().is_common(name)


def test_library_counts_kinds_and_round_trips():
    rows = [LibraryRow("培训人次", project, dept, f"doc{i}") for i, (project, dept) in enumerate(
        [("学生伙食费", "教育局"), ("麻风病防治", "疾控中心"), ("森林防火经费", "林业局"), ("会议培训类", "共性指标库")])]
    library = IndicatorLibrary.build(rows, min_kinds=3)
    # The indicator library's row counts as a project and a document, not as a kind.
    assert library.words["培训"].kinds == 3 and library.words["培训"].documents == 4
    assert library.commonness("培训人次").common
    again = IndicatorLibrary.from_json(library.to_json())
    assert again.words == library.words and again.kinds == library.kinds


# -- clusters ---------------------------------------------------------------------------------------


def test_exact_copies_across_three_projects_are_boilerplate():
    text = "结项鉴定优秀等级项目数量占结项总数量的比例（百分比）"
    found = find_duplicate_clusters(items(*((text, name, p, "优良率") for p, name in
                                            enumerate(["空气质量排名奖励", "精神文明奖", "招商引资工作经费"]))))
    assert len(found) == 1
    cluster = found[0]
    assert (cluster.kind, cluster.classification, cluster.n_projects) == ("exact", "boilerplate", 3)
    assert cluster.to_dict()["members"][0]["similarity"] == 1.0


def test_two_projects_boilerplate_only_when_unrelated():
    text = "不进行基础设施建设，不对生态环境产生坏的影响，属于绿色生态产业。"
    unrelated = items((text, "孟良河微生态复育修育项目", 0, "达到绿色产业标准"), (text, "招商引资工作经费", 1, "达到绿色产业标准"))
    related = items((text, "孟良河生态修复项目", 0, "达到绿色产业标准"), (text, "孟良河生态修复二期", 1, "达到绿色产业标准"))
    assert find_duplicate_clusters(unrelated)[0].classification == "boilerplate"
    assert find_duplicate_clusters(related)[0].classification == "repeated"


def test_common_indicator_and_its_definition_are_not_boilerplate():
    projects = ["大气污染防治资金", "专项人员经费", "招商引资工作经费", "精神文明奖"]
    names = find_duplicate_clusters(items(*(("群众满意度", n, p, "群众满意度") for p, n in enumerate(projects)), field="name"))
    definitions = find_duplicate_clusters(items(*(("群众满意数量占总数的比例。", n, p, "群众满意度")
                                                for p, n in enumerate(projects))))
    assert names[0].classification == "common_indicator" and "满意度" in names[0].reason
    assert definitions[0].classification == "common_indicator"


def test_generic_names_same_rows_and_duplicate_indicators():
    generic = find_duplicate_clusters(items(*(("完成率", f"项目{p}", p, "") for p in range(4)), field="name"))
    assert generic[0].classification == "generic_name"
    rows = [TextItem("国家、省普查办相关要求", "description", document="d", project=0, project_name="普查",
                     indicator=i, indicator_name=name) for i, name in enumerate(["普查档案", "普查报告", "普查成果"])]
    assert find_duplicate_clusters(rows)[0].classification == "boilerplate"
    twice = [TextItem(name, "name", document="d", project=0, project_name="监测", indicator=i)
             for i, name in enumerate(["大气污染防治网格化监测设备在线率", "大气污染防治网格化监测设备的在线率"])]
    cluster = find_duplicate_clusters(twice)[0]
    assert (cluster.kind, cluster.classification) == ("near", "duplicate_indicator")
    assert cluster.members[1].match == "near" and 0.79 < cluster.members[1].similarity < 1


def test_semantic_copies_need_an_embedder_and_a_threshold():
    texts = [("项目资金按时拨付到位的比例", "甲项目", 0, "资金到位率"), ("项目资金按时拨付到位比例情况", "乙项目", 1, "资金到位率")]
    assert all(c.kind != "semantic" for c in find_duplicate_clusters(items(*texts)))
    embedder = HashingEmbedder()
    cosine = float(np.prod(embedder.encode([t for t, *_ in texts]), axis=0).sum())
    found = find_duplicate_clusters(items(*texts), embedder, near_threshold=0.95, semantic_threshold=cosine - 0.01)
    assert [c.kind for c in found] == ["semantic"]
    assert found[0].members[1].match == "semantic"


def test_the_same_fund_in_several_documents_is_one_project():
    rows = [TextItem("参与决策咨询活动的次数统计", "description", document=f"{year}.docx", project=0,
                     project_name="专项人员经费", indicator=0, indicator_name="参与政府决策活动次数", department="生态环境局")
            for year in (2020, 2021, 2022)]
    cluster = find_duplicate_clusters(rows)[0]
    assert cluster.classification == "repeated" and cluster.n_documents == 3 and cluster.n_departments == 1


def test_batch_counts_departments_and_documents():
    text = "在全国或全省产生的重要影响，得到广大受众的充分认可。"
    rows = [TextItem(text, "description", document=f"doc{i}", department=f"局{i % 2}", project=0,
                     project_name=f"项目{i}", indicator=1, indicator_name="社会影响力") for i in range(5)]
    cluster = find_duplicate_clusters(rows)[0]
    assert (cluster.n_projects, cluster.n_departments, cluster.n_documents) == (5, 2, 5)


def test_seed_001_copy_paste_clusters_and_no_common_indicator_as_boilerplate(seed_docs):
    clusters = find_duplicate_clusters(document_items(seed_docs[SEED_001.name]), HashingEmbedder())
    boilerplate = {c.representative for c in clusters if c.classification == "boilerplate"}
    assert {"按照要求和计划完成研究任务的项目在所有立项项目中的比例（百分比）", "在全国或全省产生的重要影响，得到广大受众的充分认可。",
            "结项鉴定优秀等级项目数量占结项总数量的比例（百分比）"} <= boilerplate
    definition = next(c for c in clusters if c.representative == "群众满意数量占总数的比例。")
    assert definition.n_projects == 16 and definition.classification == "common_indicator"
    satisfaction = next(c for c in clusters if c.field == "name" and c.representative == "群众满意度")
    assert satisfaction.classification == "common_indicator"
    assert not any(c.classification == "boilerplate" and c.field == "name" and shipped_library().is_common(c.representative)
                   for c in clusters)


def test_seed_000_same_text_on_every_row(seed_docs):
    clusters = find_duplicate_clusters(document_items(seed_docs[SEED_000.name]))
    same_rows = {(c.field, c.representative) for c in clusters if c.classification == "boilerplate" and c.n_projects == 1}
    assert same_rows == {("description", "国家、省普查办相关要求"), ("target", "按要求完成")}


def test_clustering_a_large_batch_is_fast():
    rng = np.random.default_rng(1)
    words = ["资金", "项目", "监测", "设备", "培训", "农村", "污水", "治理", "学生", "补助", "道路", "文物", "森林", "防火"]
    rows = [TextItem("".join(rng.choice(words, 6)) + f"第{i}项", "description", document=f"d{i % 50}",
                     project=i % 7, project_name=f"项目{i % 300}", indicator=i) for i in range(6000)]
    started = time.perf_counter()
    find_duplicate_clusters(rows, HashingEmbedder())
    assert time.perf_counter() - started < 30


# -- 复制比 ------------------------------------------------------------------------------------------


def test_copy_ratio_names_the_source_and_span(seed_docs):
    doc = seed_docs[SEED_001.name]
    cells = document_items(doc)
    ratios = copy_ratios(cells, find_duplicate_clusters(cells))
    first = ratios[(doc.source, 0)]
    assert 0.5 < first.ratio_specific <= first.ratio <= 1.0
    assert first.source is not None and first.source[1] != 0
    assert first.shared_span in {"按照要求和计划完成研究任务的项目在所有立项项目中的比例（百分比）",
                                 "在全国或全省产生的重要影响，得到广大受众的充分认可。"}
    # The wage fund's own indicators are not copies; only its satisfaction row is shared.
    wage = ratios[(doc.source, 15)]
    assert wage.ratio_specific < 0.5 < wage.ratio + 0.5


# -- calibration ----------------------------------------------------------------------------------


def test_lowest_precise_threshold():
    scores = np.array([0.99, 0.98, 0.97, 0.96, 0.95, 0.5])
    same = np.array([True, True, False, True, True, False])
    calibrated = lowest_precise_threshold(scores, same, precision=0.75)
    assert calibrated.threshold == 0.95 and calibrated.precision == 0.8 and calibrated.recall == 1.0
    with pytest.raises(ValueError):
        lowest_precise_threshold(scores, ~same & (scores < 0.6), precision=0.9)


def test_shipped_thresholds_were_calibrated_on_the_labeled_pairs():
    pairs = read_pairs(DEFAULT_PAIRS)
    assert len(pairs) >= 400 and {p.same for p in pairs} == {True, False}
    thresholds = shipped_thresholds()
    assert thresholds.near.pairs == len(pairs) and thresholds.near.precision >= 0.9
    assert thresholds.semantic_threshold(HashingEmbedder().model_id) is not None
    assert thresholds.semantic_threshold("no-such-model") is None


def test_per_object_memo_computes_once_and_forgets_dead_objects():
    import gc

    from scorer.semantic.memo import PerObject

    class Doc:
        pass

    memo: PerObject[Doc, int] = PerObject()
    calls = []
    keep = Doc()
    assert memo.get(keep, lambda d: calls.append(d) or 1) == 1
    assert memo.get(keep, lambda d: calls.append(d) or 2) == 1 and len(calls) == 1
    for _ in range(5):  # batches of projects scored one after another by a long-running service
        batch = [Doc() for _ in range(1000)]
        for i, doc in enumerate(batch):
            memo.get(doc, lambda d, i=i: i)
        del batch
        gc.collect()
    assert memo.has(keep) and memo.get(keep, lambda d: 3) == 1
    assert len(memo._entries) <= 1000 + 1  # the dead batches are dropped, never 5000 entries
