"""The resumable store: per-file lines that survive crashes, an index that heals."""

from __future__ import annotations

import json

import pytest

from scorer.batch.store import INDEX_FILE, RESULTS_FILE, ResultStore, StoreError
from scorer.batch.worker import Outcome


def _outcome(i: int, status: str = "failed", sha: str = "s") -> Outcome:
    return Outcome(source_id=f"/in/{i}.csv", name=f"{i}.csv", status=status, sha256=f"{sha}{i}", fingerprint="f",
                   error=None if status == "ok" else "broken", texts={"projects": [["项目", "部门", "用途"]], "items": [["goal", 0, None, "目标文本"]]})


def test_lines_are_on_disk_as_soon_as_appended(tmp_path):
    store = ResultStore(tmp_path)
    store.append(_outcome(1))
    # Read by another handle before close: flushed (and fsynced) already.
    lines = (tmp_path / RESULTS_FILE).read_text(encoding="utf-8").splitlines()
    assert json.loads(lines[0])["name"] == "1.csv"
    store.close()


def test_reopen_knows_what_is_done_and_newest_line_wins(tmp_path):
    with ResultStore(tmp_path) as store:
        store.append(_outcome(1, "ok", sha="old"))
        store.append(_outcome(2))
        store.append(_outcome(1, "ok", sha="new"))
    with ResultStore(tmp_path) as store:
        assert store.stored("/in/1.csv") == ("new1", "f")
        assert store.stored("/in/2.csv") is None  # failures are retried
        assert [e.name for e in store.entries()] == ["2.csv", "1.csv"]
        record = store.read(store.latest["/in/1.csv"])
        assert record.sha256 == "new1" and record.texts["items"] == [["goal", 0, None, "目标文本"]]


def test_half_written_last_line_is_cut_and_index_rebuilt(tmp_path):
    with ResultStore(tmp_path) as store:
        store.append(_outcome(1))
        store.append(_outcome(2))
    results = tmp_path / RESULTS_FILE
    whole = results.read_bytes()
    results.write_bytes(whole + b'{"v": 1, "id": "/in/3.csv", "na')  # killed mid-write
    (tmp_path / INDEX_FILE).write_text((tmp_path / INDEX_FILE).read_text().splitlines()[0] + "\n{\"id\": ")
    with ResultStore(tmp_path) as store:
        assert sorted(store.latest) == ["/in/1.csv", "/in/2.csv"]
        assert results.read_bytes() == whole
        store.append(_outcome(3))
    with ResultStore(tmp_path) as store:
        assert sorted(store.latest) == ["/in/1.csv", "/in/2.csv", "/in/3.csv"]


def test_lost_index_is_rebuilt_from_results(tmp_path):
    with ResultStore(tmp_path) as store:
        for i in range(3):
            store.append(_outcome(i))
    (tmp_path / INDEX_FILE).unlink()
    with ResultStore(tmp_path) as store:
        assert len(store.latest) == 3
    assert len((tmp_path / INDEX_FILE).read_text().splitlines()) == 3


def test_a_damaged_line_in_the_middle_is_skipped_never_cut(tmp_path):
    with ResultStore(tmp_path) as store:
        store.append(_outcome(1))
    results = tmp_path / RESULTS_FILE
    results.write_bytes(b"not json\n" + results.read_bytes())
    (tmp_path / INDEX_FILE).unlink()
    with ResultStore(tmp_path) as store:
        assert list(store.latest) == ["/in/1.csv"]
        assert results.read_bytes().startswith(b"not json\n")


def test_bad_bytes_in_a_line_are_skipped_when_indexing_and_reading(tmp_path):
    with ResultStore(tmp_path) as store:
        store.append(_outcome(1))
        second = store.append(_outcome(2))
    results = tmp_path / RESULTS_FILE
    data = bytearray(results.read_bytes())
    data[second.offset + 10] = 0xFF  # damaged after it was indexed
    results.write_bytes(bytes(data))
    with ResultStore(tmp_path) as store:
        assert [r.name for r in store.records(store.entries())] == ["1.csv"]
        assert [r.name for r in store.records(store.entries())] == ["1.csv"]  # a second pass, as the reports make
        assert [e.id for e in store.forget_damaged()] == ["/in/2.csv"]  # the next run scores it again
    with ResultStore(tmp_path) as store:
        assert list(store.latest) == ["/in/1.csv"]
        store.append(_outcome(3))  # the index still takes new entries after the rewrite
    with ResultStore(tmp_path) as store:
        assert sorted(store.latest) == ["/in/1.csv", "/in/3.csv"]
    (tmp_path / INDEX_FILE).unlink()  # and when the index is rebuilt from the results
    with ResultStore(tmp_path) as store:
        assert sorted(store.latest) == ["/in/1.csv", "/in/3.csv"]


def test_one_writer_at_a_time(tmp_path):
    with ResultStore(tmp_path) as writer:
        writer.append(_outcome(1))
        with pytest.raises(StoreError, match="another batch"):
            ResultStore(tmp_path)
        # A reader does not need the lock.
        assert list(ResultStore(tmp_path, readonly=True).latest) == ["/in/1.csv"]


def test_readonly_store_needs_results(tmp_path):
    with pytest.raises(StoreError, match="no batch results"):
        ResultStore(tmp_path, readonly=True)
