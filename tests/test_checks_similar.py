"""``similar``: the cheap upper bounds it tries first never change the answer."""

from difflib import SequenceMatcher

from hypothesis import given, settings
from hypothesis import strategies as st

from scorer.checks.specific import similar

_TEXT = st.text(alphabet="按要求完成率项目资金发放人数100%≥", max_size=30)


@settings(max_examples=300, deadline=None)
@given(a=_TEXT, b=_TEXT, threshold=st.sampled_from([0.0, 0.5, 0.8, 0.85, 0.9, 1.0]))
def test_similar_agrees_with_the_full_ratio(a, b, threshold):
    ratio = SequenceMatcher(None, a, b, autojunk=False).ratio() if a and b else 0.0
    assert similar(a, b, threshold) == (ratio >= threshold)
