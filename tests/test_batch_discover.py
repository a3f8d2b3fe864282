"""Finding a batch's inputs: folders, archives and the archive attacks they can carry."""

from __future__ import annotations

import zipfile

import pytest

from scorer.batch import discover as disc
from scorer.batch.discover import InputError, archive_sources, discover, member_display_name, unsafe_member_reason


def _zip(path, members: dict[str, bytes], **kw) -> None:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, **kw) as zf:
        for name, data in members.items():
            zf.writestr(name, data)


def test_folder_walk_takes_documents_and_skips_noise(tmp_path):
    root = tmp_path / "dept"
    (root / "sub").mkdir(parents=True)
    (root / ".hidden").mkdir()
    for name in ("a.docx", "b.XLSX", "sub/c.csv", "sub/d.txt", "e.json", "g.html", "old.doc", "notes.pdf", "~$a.docx", ".x.csv",
                 ".hidden/f.csv"):
        (root / name).write_bytes(b"x")
    out = root / "out"
    out.mkdir()
    (out / "report.xlsx").write_bytes(b"x")  # a previous run's reports must not become inputs
    (out / "report.html").write_bytes(b"x")
    earlier = root / "sub" / "上次结果"  # an earlier run's output folder: reports, not submissions
    earlier.mkdir()
    for name in ("results.jsonl", "report.xlsx", "report.html", "analysis.json"):
        (earlier / name).write_bytes(b"x")
    names = [s.name for s in discover([root], exclude=out)]
    # .html: a table Word or WPS saved as a web page (or its clipboard)
    # .doc: taken to be reported as failed with what to do, not passed over in silence
    assert names == ["dept/a.docx", "dept/b.XLSX", "dept/e.json", "dept/g.html", "dept/old.doc", "dept/sub/c.csv",
                     "dept/sub/d.txt"]


def test_named_file_is_taken_whatever_its_suffix_and_only_once(tmp_path):
    f = tmp_path / "table.dat"
    f.write_bytes(b"x")
    sources = discover([f, f, str(f)])
    assert len(sources) == 1 and sources[0].read() == b"x"


def test_missing_input_is_a_usage_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="nope"):
        discover([tmp_path / "nope"])


def test_archive_members_are_read_without_extracting(tmp_path):
    z = tmp_path / "city.zip"
    _zip(z, {"教育局/a.csv": b"a,b", "readme.md": b"skip", "__MACOSX/._a.csv": b"junk", "dir/": b""})
    [source] = discover([z])
    assert source.name == f"{z}!教育局/a.csv"
    assert source.read() == b"a,b"
    assert not list(tmp_path.glob("*.csv"))


@pytest.mark.parametrize("name, reason", [
    ("../evil.csv", "escapes"),
    ("a/../../evil.csv", "escapes"),
    ("/etc/evil.csv", "absolute"),
    ("C:/evil.csv", "absolute"),
    ("..\\evil.csv", "escapes"),
])
def test_path_traversal_members_are_reported_not_skipped(tmp_path, name, reason):
    z = tmp_path / "evil.zip"
    _zip(z, {name: b"x", "ok.csv": b"y"})
    sources = {s.member: s for s in archive_sources(z, "evil.zip")}
    assert reason in sources[name].error
    with pytest.raises(InputError):
        sources[name].read()
    assert sources["ok.csv"].error is None


def test_nested_archive_and_corrupt_archive_are_errors(tmp_path):
    z = tmp_path / "outer.zip"
    _zip(z, {"inner.zip": b"PK\x03\x04"})
    assert "archive inside an archive" in archive_sources(z, "outer.zip")[0].error
    bad = tmp_path / "bad.zip"
    bad.write_bytes(b"PK\x03\x04 not really")
    [source] = discover([bad])
    assert "not a readable .zip" in source.error


def test_zip_bomb_is_refused_from_the_declared_size(tmp_path, monkeypatch):
    monkeypatch.setattr(disc, "MAX_FILE_BYTES", 1024 * 1024)
    z = tmp_path / "bomb.zip"
    _zip(z, {"bomb.csv": b"0" * (5 * 1024 * 1024), "small.csv": b"a,b"})
    assert z.stat().st_size < 20_000  # 5 MB of zeros compresses to a few KB
    sources = {s.member: s for s in archive_sources(z, "bomb.zip")}
    assert "over the 1 MB limit" in sources["bomb.csv"].error
    assert sources["small.csv"].read() == b"a,b"


def test_archive_total_and_member_count_limits(tmp_path, monkeypatch):
    z = tmp_path / "many.zip"
    _zip(z, {f"{i}.csv": b"x" * 100 for i in range(5)})
    monkeypatch.setattr(disc, "MAX_ARCHIVE_BYTES", 250)
    errors = [s.error for s in archive_sources(z, "many.zip")]
    assert errors[:2] == [None, None] and all("split it" in e for e in errors[2:])
    monkeypatch.setattr(disc, "MAX_ARCHIVE_MEMBERS", 3)
    [only] = archive_sources(z, "many.zip")
    assert "over the limit of 3" in only.error


def test_gbk_member_names_from_windows_tools_are_decoded():
    info = zipfile.ZipInfo("教育局.csv".encode("gbk").decode("cp437"))
    assert member_display_name(info) == "教育局.csv"
    utf8 = zipfile.ZipInfo("教育局.csv")
    utf8.flag_bits |= 0x800
    assert member_display_name(utf8) == "教育局.csv"


def test_unsafe_member_reason_accepts_ordinary_names():
    assert unsafe_member_reason("教育局/2025/a.docx") is None
    assert unsafe_member_reason("a..b.csv") is None
