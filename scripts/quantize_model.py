#!/usr/bin/env python3
"""Make an 8-bit (int8 weights and activations) copy of an ovindex embedding model directory with NNCF.

Setup-time tool. Post-training quantization: NNCF runs the model on calibration text to learn the range of
every quantized activation, then writes an IR whose matrix multiplications run in int8 (VNNI / AMX on CPUs
that have them). The output is a complete model directory: the quantized IR, the source's tokenizer and
config files, and manifest.json with `variant` and the quantization settings, so a store built with it
records a different model (different weights sha256) than the source.

    scripts/quantize_model.py data/models/all-MiniLM-L6-v2 data/models/all-MiniLM-L6-v2-int8

Calibration text: every .txt/.md file and every JSON Lines "text" field under --calibration (default: the
checkout's data/sample), then the licence texts in /usr/share/common-licenses when present, in sorted order;
tokenized with the model's own tokenizer and cut into windows of 256, 128, 64, 32, 16 and 8 word pieces in turn
until --subset-size windows exist. Text from the Python standard library is deliberately not used: the
evaluation set (scripts/make_eval_set.py) is built from it.

Presets (--preset):
  default         nncf.quantize with no model type (every MatMul, pooling and normalisation included)
  transformer     model_type=TRANSFORMER: attention and the fully connected layers, SmoothQuant on
  transformer-ffn-out-bf16
                  transformer, with the MatMuls fed by GELU (each layer's FFN output) left unquantized
  transformer-attention-bf16 (the default, what setup ships)
                  transformer, with the MatMuls of two activations (attention scores Q·Kᵀ and the weighted
                  sum softmax·V) left unquantized: leaving these out is what brought the evaluation
                  questions' worst cosine to f32 from 0.81 to 0.96 in a per-group sensitivity check
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import sys
from pathlib import Path

import numpy as np

from convert_model import sha256_file

ROOT = Path(__file__).resolve().parent.parent
LICENSES = Path("/usr/share/common-licenses")
WINDOWS = [256, 128, 64, 32, 16, 8]
PRESETS = ["default", "transformer", "transformer-ffn-out-bf16", "transformer-attention-bf16"]
SHIPPED = "transformer-attention-bf16"
# Files of the source directory the quantized one does not copy: it writes its own.
OWN_FILES = {"model.xml", "model.bin", "manifest.json", ".setup-stamp"}


class QuantizationError(Exception):
    pass


def calibration_texts(folder: Path) -> list[tuple[str, str]]:
    """(name, text) of every calibration document, in a stable order."""
    texts = []
    for path in sorted(folder.rglob("*")):
        if path.suffix in (".txt", ".md"):
            texts.append((str(path.relative_to(folder)), path.read_text(encoding="utf-8", errors="replace")))
        elif path.suffix == ".jsonl":
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                text = json.loads(line).get("text") if line.strip() else None
                if isinstance(text, str):
                    texts.append((f"{path.relative_to(folder)}:{number}", text))
    if LICENSES.is_dir():
        seen = set()
        for path in sorted(LICENSES.iterdir()):
            real = path.resolve()
            if real in seen or not real.is_file():
                continue
            seen.add(real)
            texts.append((str(path), real.read_text(encoding="utf-8", errors="replace")))
    return texts


def calibration_windows(model_dir: Path, folder: Path, count: int, max_length: int):
    """Token windows of real text: (windows of input arrays, description for the manifest)."""
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
    tokenizer.no_truncation()
    tokenizer.no_padding()
    cls_id = tokenizer.token_to_id("[CLS]")
    sep_id = tokenizer.token_to_id("[SEP]")
    texts = calibration_texts(folder)
    if not texts:
        raise QuantizationError(f"no calibration text in {folder}")
    content = []
    for _, text in texts:
        content.extend(tokenizer.encode(text, add_special_tokens=False).ids)
    digest = hashlib.sha256("\n".join(name for name, _ in texts).encode() + np.asarray(content).tobytes())
    if len(content) < 4 * max(WINDOWS):
        raise QuantizationError(f"the calibration text in {folder} has only {len(content)} word pieces")
    windows = []
    position = 0
    passes = 0
    while len(windows) < count:
        length = min(WINDOWS[len(windows) % len(WINDOWS)], max_length) - 2
        if position + length > len(content):
            passes += 1
            position = (passes * 37) % 64  # another pass over the text, at other window boundaries
        ids = np.asarray([[cls_id] + content[position : position + length] + [sep_id]], dtype=np.int64)
        windows.append({"input_ids": ids, "attention_mask": np.ones_like(ids), "token_type_ids": np.zeros_like(ids)})
        position += length
    description = {
        "sources": [str(folder.relative_to(ROOT)) if folder.is_relative_to(ROOT) else str(folder)]
        + ([str(LICENSES)] if LICENSES.is_dir() else []),
        "documents": len(texts),
        "word_pieces": len(content),
        "windows": count,
        "window_lengths": WINDOWS,
        "text_sha256": digest.hexdigest(),
    }
    return windows, description


def source_kind(value) -> str:
    """The type of the node feeding an input, looking through precision conversions."""
    node = value.get_node()
    while node.get_type_name() == "Convert":
        node = node.input_value(0).get_node()
    return node.get_type_name()


def gelu_fed_matmuls(model) -> list[str]:
    """Names of the MatMuls fed by a GELU: each layer's FFN output projection."""
    return [op.get_friendly_name() for op in model.get_ordered_ops()
            if op.get_type_name() == "MatMul" and any(source_kind(v) == "Gelu" for v in op.input_values())]


def activation_matmuls(model) -> list[str]:
    """Names of the MatMuls whose inputs are both activations (no weights): attention's Q·Kᵀ and softmax·V."""
    return [op.get_friendly_name() for op in model.get_ordered_ops()
            if op.get_type_name() == "MatMul" and all(source_kind(v) != "Constant" for v in op.input_values())]


def quantize(source: Path, output: Path, preset: str, folder: Path, subset_size: int) -> dict:
    import nncf
    import openvino as ov

    manifest = json.loads((source / "manifest.json").read_text())
    if manifest.get("task") != "embedding":
        raise QuantizationError(f"{source} is a {manifest.get('task')} model; only embedding models are quantized")
    if manifest.get("variant"):
        raise QuantizationError(f"{source} is already a {manifest['variant']} model; quantize the original")
    windows, calibration = calibration_windows(source, folder, subset_size, manifest["max_sequence_length"])
    model = ov.Core().read_model(source / manifest["model"])
    settings: dict = {"tool": f"nncf {nncf.__version__}", "preset": preset, "subset_size": subset_size}
    arguments: dict = {"subset_size": subset_size}
    if preset != "default":
        arguments["model_type"] = nncf.ModelType.TRANSFORMER
        settings["model_type"] = "transformer"
    kept = {"transformer-ffn-out-bf16": (gelu_fed_matmuls, "GELU-fed MatMul"),
            "transformer-attention-bf16": (activation_matmuls, "attention MatMul (two activation inputs)")}
    if preset in kept:
        find, what = kept[preset]
        ignored = find(model)
        if not ignored:
            raise QuantizationError(f"{source}: no {what} found to keep in higher precision")
        arguments["ignored_scope"] = nncf.IgnoredScope(names=ignored)
        settings["ignored"] = ignored
    quantized = nncf.quantize(model, nncf.Dataset(windows), **arguments)

    work = output.with_name(output.name + ".partial")
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    ov.save_model(quantized, work / "model.xml")
    for path in sorted(source.rglob("*")):
        relative = path.relative_to(source)
        if path.is_file() and str(relative) not in OWN_FILES:
            (work / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, work / relative)
    manifest.update({
        "model": "model.xml",
        "weights": "model.bin",
        "weights_sha256": sha256_file(work / "model.bin"),
        "weights_precision": "int8",
        "variant": "int8" if preset == SHIPPED else f"int8 {preset}",
        "quantization": {**settings, "calibration": calibration,
                         "source_model_weights_sha256": manifest["weights_sha256"]},
    })
    (work / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    shutil.rmtree(output, ignore_errors=True)
    work.rename(output)
    return manifest


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("source", type=Path, help="an ovindex embedding model directory (from convert_model.py)")
    parser.add_argument("output", type=Path, help="model directory to create (replaced when it exists)")
    parser.add_argument("--preset", choices=PRESETS, default=SHIPPED)
    parser.add_argument("--calibration", type=Path, default=ROOT / "data/sample",
                        help="folder of calibration text (default: data/sample)")
    parser.add_argument("--subset-size", type=int, default=300, help="calibration windows (default 300)")
    args = parser.parse_args(argv)
    try:
        manifest = quantize(args.source, args.output, args.preset, args.calibration.resolve(), args.subset_size)
    except QuantizationError as error:
        print(f"quantize_model: error: {error}", file=sys.stderr)
        return 1
    print(f"quantize_model: wrote {manifest['variant']} model to {args.output} "
          f"(weights sha256 {manifest['weights_sha256'][:12]}…)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
