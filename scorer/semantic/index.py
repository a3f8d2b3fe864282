"""Candidate pairs without comparing every text with every other.

A department's batch has tens of thousands of cells; all pairs would be billions of
comparisons. Both indexes here are locality-sensitive hashes: texts that are alike land
in a shared bucket with high probability, only texts sharing a bucket become candidates,
and every candidate is then verified exactly by the caller.

- :func:`near_pairs`: MinHash over character shingles (datasketch's signatures and band
  sizes), for near-copies (Jaccard similarity of the shingle sets).
- :class:`CosineLSH`: random-hyperplane signatures (SimHash) in bands, for embedding
  cosine. e5 puts every pair of Chinese phrases at cosine 0.8-0.9, so hyperplanes through
  the origin would put nearly everything in one bucket; the vectors are centred on their
  mean first, which spreads the angles while keeping near neighbours near.
- :func:`cosine_pairs`: the pairs at or above a cosine: exact (one matrix product) up to
  :data:`EXACT_LIMIT` texts, where that is cheap and centring a handful of vectors would
  distort them, LSH candidates verified exactly above it.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from itertools import accumulate, chain

import numpy as np

from scorer.threads import one_blas_thread

#: MinHash permutations: 64 keeps the estimate within ~0.06 of the true Jaccard.
NUM_PERM = 64
#: A bucket this full says "these texts share common words", not "these are copies": the
#: cosine index skips it in that band (the others still pair its true copies), the
#: near-copy index links its members in a chain.
MAX_BUCKET = 256


#: LSH banding finds a pair right at its threshold only about half the time, so the
#: candidates are drawn at a lower similarity and verified exactly by the caller.
CANDIDATE_MARGIN = 0.25


@lru_cache(maxsize=32)
def _lsh_bands(threshold: float, num_perm: int) -> tuple[int, int]:
    """datasketch's (bands, rows) for ``threshold``. Choosing them integrates its error
    curves numerically (~25 ms), which dominated the copy analysis of a single document,
    so it is done once per threshold and passed as ``params``."""
    from datasketch import MinHashLSH

    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    return lsh.b, lsh.r


#: Up to this many texts the near-copy pairs are found exactly, by one sparse product of
#: the text × shingle incidence matrix (every pair's shared shingles at once): for one
#: document's cells that is several times faster than filling an LSH index, and it misses
#: nothing. The product can approach n² entries (2,000² counts ≈ 50 MB), so batch-sized
#: inputs go through MinHash LSH instead.
EXACT_NEAR_LIMIT = 2000


def near_pairs(shingle_sets: Sequence[frozenset[str]], threshold: float, seed: int = 1) -> set[tuple[int, int]]:
    """Index pairs (i < j) whose shingle Jaccard may reach ``threshold``.

    Above :data:`EXACT_NEAR_LIMIT` texts: MinHash signatures (datasketch) cut into
    datasketch's bands, each band's equal slices a bucket. A bucket fuller than
    :data:`MAX_BUCKET` is linked member to next member instead of all pairs: a table of
    thousands of rows that differ by a number (新建农村公路里程1, 2, …) shares every
    bucket, and all pairs were quadratic in time and memory; the chain still joins a run
    of copies into one cluster, each link verified by the caller."""
    if len(shingle_sets) <= EXACT_NEAR_LIMIT:
        return exact_near_pairs(shingle_sets, threshold)
    from datasketch import MinHash

    bands, rows = _lsh_bands(max(0.2, threshold - CANDIDATE_MARGIN), NUM_PERM)
    encoded = [[s.encode("utf-8") for s in sorted(shingles)] for shingles in shingle_sets]
    signatures = np.stack([mh.hashvalues for mh in MinHash.bulk(encoded, num_perm=NUM_PERM, seed=seed)])
    n = len(signatures)
    keys = np.unique(np.concatenate([
        _bucket_pair_keys(_band_codes(signatures[:, band * rows : (band + 1) * rows]), n, full="chain")
        for band in range(bands)
    ]))
    first, second = np.divmod(keys, n)
    return set(zip(first.tolist(), second.tolist()))


def _band_codes(values: np.ndarray) -> np.ndarray:
    """One int64 per row for a band's slice of MinHash values (FNV-style, wrapping): equal
    slices always share a code, unequal ones almost never (and callers verify)."""
    code = np.full(len(values), 14695981039346656037, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for column in values.astype(np.uint64).T:
            code = (code ^ column) * np.uint64(1099511628211)
    return code.view(np.int64)


def exact_near_pairs(shingle_sets: Sequence[frozenset[str]], threshold: float) -> set[tuple[int, int]]:
    """Index pairs (i < j) whose shingle Jaccard is at least ``threshold``, exactly."""
    from scipy.sparse import csr_matrix

    flat = list(chain.from_iterable(shingle_sets))
    # Columns numbered in order of first appearance, by C-level calls rather than a
    # Python step per shingle.
    vocabulary = {s: i for i, s in enumerate(dict.fromkeys(flat))}
    columns = list(map(vocabulary.__getitem__, flat))
    indptr = [0, *accumulate(map(len, shingle_sets))]
    n = len(shingle_sets)
    if n < 2 or not columns:
        return set()
    incidence = csr_matrix((np.ones(len(columns), np.int32), columns, indptr), shape=(n, len(vocabulary)))
    shared = (incidence @ incidence.T).tocoo()
    upper = shared.row < shared.col
    rows, cols, both = shared.row[upper], shared.col[upper], shared.data[upper]
    sizes = np.diff(np.asarray(indptr))
    # A hair of slack so rounding never drops a pair at the threshold; callers verify.
    similar = both >= threshold * (sizes[rows] + sizes[cols] - both) - 1e-9
    return set(zip(rows[similar].tolist(), cols[similar].tolist()))


class CosineLSH:
    """Banded SimHash over mean-centred unit vectors.

    With ``bands`` × ``rows`` bits, two vectors at angle θ (after centring) collide in a
    band with probability (1 − θ/π)^rows. The defaults (40 × 12) keep pairs at centred
    cosine 0.85 as candidates with probability 0.98 and at 0.9 with 0.999; e5 pairs over
    the calibrated copy threshold (raw cosine 0.98) sit at centred cosine 0.86 and above
    on the batch benchmark's texts. Against the earlier 24 × 10 that is higher recall at
    every similarity with about half the candidate pairs (2.2× fewer on 8,108 texts).
    """

    def __init__(self, bands: int = 40, rows: int = 12, seed: int = 0) -> None:
        self.bands = bands
        self.rows = rows
        self.seed = seed

    def candidate_pairs(self, vectors: np.ndarray) -> set[tuple[int, int]]:
        """Index pairs (i < j) that share a bucket in at least one band."""
        return set(map(tuple, self.candidate_array(vectors).tolist()))

    def candidate_array(self, vectors: np.ndarray) -> np.ndarray:
        """The candidate pairs as an (m, 2) array, i < j, each once."""
        keys = self.candidate_keys(vectors)
        return np.stack([keys // len(vectors), keys % len(vectors)], axis=1)

    def candidate_keys(self, vectors: np.ndarray) -> np.ndarray:
        """The candidate pairs as sorted keys ``i * n + j``: half the memory of the pairs
        themselves, which a batch's copy search decodes a chunk at a time."""
        n = len(vectors)
        if n < 2:
            return np.zeros(0, dtype=np.int64)
        codes = self.codes(vectors)
        return np.unique(np.concatenate([_bucket_pair_keys(codes[:, band], n) for band in range(self.bands)]))


    def codes(self, vectors: np.ndarray, chunk: int = 16_384) -> np.ndarray:
        """(n, bands) bucket codes: band b's code is sum over its rows r of bit(r) * 2**r.
        Projected ``chunk`` vectors at a time and packed to bytes: for a batch's 100k
        texts the whole projection (and its bits as int64) would be ~0.8 GB at once."""
        mean = vectors.mean(axis=0, keepdims=True)
        planes = np.random.default_rng(self.seed).standard_normal((vectors.shape[1], self.bands * self.rows))
        planes = planes.astype(vectors.dtype)
        codes = np.zeros((len(vectors), self.bands), dtype=np.int64)
        for start in range(0, len(vectors), chunk):
            bits = ((vectors[start : start + chunk] - mean) @ planes) > 0
            packed = np.packbits(bits.reshape(len(bits), self.bands, self.rows), axis=2, bitorder="little")
            for byte in range(packed.shape[2]):
                codes[start : start + chunk] |= packed[:, :, byte].astype(np.int64) << (8 * byte)
        return codes


#: Up to this many texts all cosines are computed (a 2,000² float32 matrix is 16 MB).
EXACT_LIMIT = 2000


def cosine_pairs(vectors: np.ndarray, threshold: float) -> list[tuple[int, int, float]]:
    """(i, j, cosine) for i < j with cosine ≥ ``threshold`` (rows are unit vectors)."""
    if len(vectors) <= EXACT_LIMIT:
        with one_blas_thread():
            similarity = vectors @ vectors.T
        rows, columns = np.nonzero(np.triu(similarity >= threshold, k=1))
        return [(int(i), int(j), float(similarity[i, j])) for i, j in zip(rows, columns)]
    keys = CosineLSH().candidate_keys(vectors)
    found = []
    for start in range(0, len(keys), _VERIFY_CHUNK):
        i, j = np.divmod(keys[start : start + _VERIFY_CHUNK], len(vectors))
        cosines = np.einsum("ij,ij->i", vectors[i], vectors[j])
        keep = cosines >= threshold
        found.extend(zip(i[keep].tolist(), j[keep].tolist(), cosines[keep].astype(float).tolist()))
    return found


#: Candidate pairs verified per vectorised step: two 16,384 × 384 float32 blocks, 50 MB.
#: (100,000 per step made this the peak of a 100k-indicator batch: 300 MB on top of the
#: worker's models and the batch's vectors; smaller steps cost no measurable time.)
_VERIFY_CHUNK = 16_384


def _bucket_pair_keys(codes: np.ndarray, n: int, full: str = "skip") -> np.ndarray:
    """``i * n + j`` for every pair i < j sharing a code, skipping buckets of one;
    vectorised per bucket size. A bucket fuller than :data:`MAX_BUCKET` is skipped
    (``full="skip"``) or gives only its consecutive members (``full="chain"``)."""
    order = np.argsort(codes, kind="stable")
    sorted_codes = codes[order]
    starts = np.flatnonzero(np.r_[True, sorted_codes[1:] != sorted_codes[:-1]])
    sizes = np.diff(np.r_[starts, n])
    keys = [np.zeros(0, dtype=np.int64)]
    for size in np.unique(sizes[(sizes > 1) & (sizes <= MAX_BUCKET)]).tolist():
        first = starts[sizes == size]
        members = order[first[:, None] + np.arange(size)]  # ascending within a bucket (stable sort)
        a, b = np.triu_indices(size, 1)
        keys.append((members[:, a] * n + members[:, b]).ravel())
    if full == "chain":
        for start, size in zip(starts[sizes > MAX_BUCKET].tolist(), sizes[sizes > MAX_BUCKET].tolist()):
            members = order[start : start + size].astype(np.int64)
            keys.append(members[:-1] * n + members[1:])
    return np.concatenate(keys)
