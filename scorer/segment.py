"""Chinese word segmentation with the budget-indicator domain dictionary.

One jieba tokenizer for the whole process, built on first use under a lock (building
reads the main dictionary, ~1 s), so any thread may call :func:`tokenize` at any time.
The domain dictionary (``scorer/data/domain_dict.txt``, jieba's ``word freq tag``
format) keeps terms such as 验收合格率, 服务对象, 预算执行率 and 生态环境成本 whole.
"""

from __future__ import annotations

import functools
import logging
import re
import sys
import threading
import unicodedata
from importlib import resources

import jieba

DOMAIN_DICT = resources.files("scorer") / "data" / "domain_dict.txt"

_lock = threading.Lock()
_tokenizer: jieba.Tokenizer | None = None
#: Short texts whose words are remembered. Indicator tables repeat themselves (the same
#: description under every indicator, 满意度 and 合格率 names in every document), and
#: segmenting is most of the classifier's work. Words are interned, so an entry costs
#: its key and a tuple of pointers: at most ~30 MB for the whole cache.
CACHE_SIZE = 32768
CACHE_MAX_CHARS = 128
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
    text = text or ""
    return list(_cached_words(text) if len(text) <= CACHE_MAX_CHARS else _words(text))


def _words(text: str) -> tuple[str, ...]:
    folded = unicodedata.normalize("NFKC", text)
    return tuple(sys.intern(t) for t in tokenizer().lcut(folded, HMM=False) if not _NOISE.match(t))


_cached_words = functools.lru_cache(maxsize=CACHE_SIZE)(_words)


def clear_cache() -> None:
    """Forget remembered segmentations (benchmarks measure cold runs with it)."""
    _cached_words.cache_clear()
