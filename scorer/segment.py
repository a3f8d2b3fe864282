"""Chinese word segmentation with the budget-indicator domain dictionary.

One jieba tokenizer for the whole process, built on first use under a lock (building
reads the main dictionary, ~1 s), so any thread may call :func:`tokenize` at any time.
The domain dictionary (``scorer/data/domain_dict.txt``, jieba's ``word freq tag``
format) keeps terms such as 验收合格率, 服务对象, 预算执行率 and 生态环境成本 whole.
"""

from __future__ import annotations

import logging
import re
import threading
import unicodedata
from importlib import resources

import jieba

DOMAIN_DICT = resources.files("scorer") / "data" / "domain_dict.txt"

_lock = threading.Lock()
_tokenizer: jieba.Tokenizer | None = None
# Tokens that carry no meaning on their own: whitespace and punctuation runs.
_NOISE = re.compile(r"^[\s\W_]+$")


def _build() -> jieba.Tokenizer:
    jieba.setLogLevel(logging.WARNING)  # jieba logs its cache use at INFO on every build
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    with resources.as_file(DOMAIN_DICT) as path:
        tokenizer.load_userdict(str(path))
    return tokenizer


def tokenizer() -> jieba.Tokenizer:
    """The shared tokenizer, built once."""
    global _tokenizer
    if _tokenizer is None:
        with _lock:
            if _tokenizer is None:
                _tokenizer = _build()
    return _tokenizer


def tokenize(text: str) -> list[str]:
    """Words of ``text`` (NFKC-folded), punctuation and spaces dropped.

    HMM discovery of unknown words is off: it is slower and makes the split of the
    same phrase depend on its neighbours, which hurts features more than it helps.
    """
    folded = unicodedata.normalize("NFKC", text or "")
    return [t for t in tokenizer().lcut(folded, HMM=False) if not _NOISE.match(t)]
