"""Features of an indicator's text for the level classifier.

An indicator is three texts: its name (三级指标), its description and its target value.
The name carries most of the signal (…合格率 → 质量, …满意度 → 满意度), so it gets both
jieba words (with the domain dictionary) and character n-grams, which survive OCR slips
and unseen compounds. The description gets words only, at a lower weight: it is often
boilerplate ("指标方向:正向"). The target value is reduced to its shape (a percentage, a
sum of money, a deadline, a count of 人/次/个, yes/no, qualitative) by the value
normaliser, because 95% vs 30万元 vs 年底前 says more about the level than the digits.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.feature_extraction.text import TfidfVectorizer

from scorer.segment import tokenize
from scorer.values import MONEY_UNITS, TIME_UNITS, parse_target

FIELDS: tuple[str, ...] = ("name", "description", "target")

# Aliases accepted when records come from corpus rows rather than Indicator objects.
_FIELD_ALIASES = {"name": ("name", "level3"), "description": ("description",), "target": ("target", "target_raw", "target_value")}
_DIGITS = re.compile(r"\d+(?:\.\d+)?")
_PERCENT_UNITS = frozenset({"%", "‰", "个百分点", "百分点"})
_YES_NO = frozenset({"是", "否", "有", "无"})


def _field(record: Any, field: str) -> str:
    """The first alias holding text. An :class:`~scorer.document.Indicator`'s ``target`` is
    the parsed :class:`~scorer.values.Target`, not text: its ``target_raw`` is what the
    model reads (the repr of the parsed object once stood in for it here)."""
    for key in _FIELD_ALIASES[field]:
        value = record.get(key) if isinstance(record, Mapping) else getattr(record, key, None)
        if isinstance(value, str):
            return value
        if value is not None and not hasattr(value, "model_dump"):
            return str(value)  # numbers from JSON or spreadsheets
    return ""


def indicator_frame(items: Iterable[Any] | pd.DataFrame) -> pd.DataFrame:
    """A DataFrame with the columns of :data:`FIELDS` from indicators, dicts or a frame.

    Accepts :class:`scorer.document.Indicator` objects (name, description, target_raw),
    corpus rows as dicts (level3, description, target_value) or a DataFrame that already
    has the columns.
    """
    return pd.DataFrame(indicator_columns(items), columns=list(FIELDS))


def indicator_columns(items: Iterable[Any] | pd.DataFrame) -> dict[str, list[str]]:
    """The texts of :data:`FIELDS` as lists, from what :func:`indicator_frame` accepts;
    prediction reads these directly, without building a DataFrame."""
    if isinstance(items, pd.DataFrame):
        frame = items.loc[:, list(FIELDS)].fillna("").astype(str)
        return {f: frame[f].tolist() for f in FIELDS}
    records = list(items)
    return {f: [_field(item, f) for item in records] for f in FIELDS}


def normalise_text(text: str) -> str:
    """NFKC-folded text with every number replaced by 0, so 95% and 98% look alike."""
    return _DIGITS.sub("0", unicodedata.normalize("NFKC", text))


def word_tokens(text: str) -> list[str]:
    return tokenize(normalise_text(text))


def target_shape(raw: str) -> list[str]:
    """Tokens describing the shape of a target value (kind, comparator, unit class)."""
    target = parse_target(raw)
    tokens = [f"kind={target.kind.value}"]
    if target.comparator and not target.comparator_implied:
        tokens.append(f"cmp={target.comparator}")
    unit = target.unit
    if unit:
        if unit in _PERCENT_UNITS:
            unit_class = "percent"
        elif unit in MONEY_UNITS or "元" in unit:
            unit_class = "money"
        elif unit in TIME_UNITS:
            unit_class = "time"
        else:
            unit_class = "count"
        tokens += [f"unit={unit}", f"unit_class={unit_class}"]
    elif target.value == 100:
        tokens.append("bare=100")  # 100 without a unit is nearly always a rate
    if target.deadline:
        tokens.append("deadline")
    if target.text:
        text = target.text.strip()
        if text in _YES_NO:
            tokens.append("yesno")
        tokens += [f"word={w}" for w in word_tokens(text)]
    return tokens


#: Words that, by the definitions of 财预〔2021〕101号, point to a level-2 concept
#: (数量: how much is delivered; 质量: to what standard; 时效: how promptly; 成本: at what
#: cost; 效益: which effect; 可持续影响: for how long; 满意度: how it is received).
#: They generalise across documents where the corpus has few examples of a concept.
LEVEL_CUES: dict[str, tuple[str, ...]] = {
    "数量": ("数量", "人数", "人次", "次数", "个数", "户数", "面积", "长度", "里程", "规模", "场次", "批次", "新建", "新增", "开展", "举办"),
    "质量": ("质量", "合格", "达标", "验收", "准确", "正确", "合规", "规范", "通过率", "优良", "完好", "成活率", "覆盖率", "标准化"),
    "时效": ("及时", "按时", "按期", "时间", "时限", "期限", "进度", "工期", "周期", "月底", "年底", "当年", "季度", "前完成"),
    "成本": ("成本", "费用", "经费", "资金", "预算", "单价", "价格", "补助标准", "节支", "控制数", "支出", "元"),
    "经济效益": ("经济", "收入", "增收", "产值", "利润", "税收", "创收", "产业", "投资", "营收", "节约"),
    "社会效益": ("社会", "群众", "民生", "公众", "受益", "知晓", "安全", "稳定", "就业", "居民", "服务水平", "保障"),
    "生态效益": ("生态", "环境", "绿化", "污染", "排放", "森林", "植被", "水质", "空气", "节能", "减排", "环保", "水土", "绿色"),
    "可持续影响": ("可持续", "持续", "长效", "长期", "机制", "年限", "长远", "发展", "运行"),
    "服务对象满意度": ("满意", "认可", "好评", "投诉"),
}


_CUE_CONCEPT = {word: concept for concept, words in LEVEL_CUES.items() for word in words}
# A lookahead finds a cue at every position, so overlapping cues (可持续, 持续) both count.
_CUE_RE = re.compile("(?=(" + "|".join(map(re.escape, sorted(_CUE_CONCEPT, key=len, reverse=True))) + "))")


def level_cues(text: str) -> list[str]:
    """One ``cue=<concept>`` token per cue word found in the text."""
    folded = unicodedata.normalize("NFKC", text)
    return [f"cue={_CUE_CONCEPT[m.group(1)]}" for m in _CUE_RE.finditer(folded)]


#: The one term of a column whose training texts had none (never produced by the analyzers).
NO_TERM = "\x00no-term"


class TolerantTfidfVectorizer(TfidfVectorizer):
    """A TfidfVectorizer that fits a column with no terms at all (a corpus without
    descriptions, or a fold whose rows have no cue word) as one all-zero column, instead
    of raising "empty vocabulary": the model then learns nothing from that column, as it
    should, and still predicts from the others."""

    def fit_transform(self, raw_documents: Any, y: Any = None) -> Any:
        try:
            return super().fit_transform(raw_documents, y)
        except ValueError as exc:
            if "empty vocabulary" not in str(exc):
                raise
        # The same vectorizer with a fixed one-term vocabulary: its fitted state (vocabulary_,
        # idf_) is taken over, and every text maps to a zero row.
        fallback = TfidfVectorizer(**{**self.get_params(), "vocabulary": [NO_TERM]})
        X = fallback.fit_transform(raw_documents, y)
        self.__dict__.update({k: v for k, v in fallback.__dict__.items() if k.endswith("_") or k.startswith("_")})
        return X

    def fit(self, raw_documents: Any, y: Any = None) -> TolerantTfidfVectorizer:
        self.fit_transform(raw_documents, y)
        return self


def build_features(
    *, name_weight: float, char_weight: float, description_weight: float, target_weight: float, cue_weight: float, min_df: int
) -> ColumnTransformer:
    """The unfitted feature union over the columns of :func:`indicator_frame`; the
    defaults live in :class:`~scorer.classifier.model.LevelClassifier`."""
    words = dict(tokenizer=word_tokens, token_pattern=None, lowercase=False, sublinear_tf=True, min_df=min_df)
    return ColumnTransformer(
        [
            ("name_words", TfidfVectorizer(ngram_range=(1, 2), **words), "name"),
            (
                "name_chars",
                TfidfVectorizer(
                    analyzer="char", ngram_range=(1, 3), preprocessor=normalise_text, sublinear_tf=True, min_df=min_df
                ),
                "name",
            ),
            ("description_words", TolerantTfidfVectorizer(**words), "description"),
            ("target_shape", TolerantTfidfVectorizer(analyzer=target_shape, min_df=min_df), "target"),
            ("name_cues", TolerantTfidfVectorizer(analyzer=level_cues, sublinear_tf=True), "name"),
            ("description_cues", TolerantTfidfVectorizer(analyzer=level_cues, sublinear_tf=True), "description"),
        ],
        transformer_weights={
            "name_words": name_weight,
            "name_chars": char_weight,
            "description_words": description_weight,
            "target_shape": target_weight,
            "name_cues": cue_weight,
            "description_cues": cue_weight * description_weight,
        },
        sparse_threshold=1.0,
    )
