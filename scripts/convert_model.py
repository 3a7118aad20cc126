#!/usr/bin/env python3
"""Convert a BERT-family Hugging Face checkpoint (safetensors) into an OpenVINO IR model directory.

Setup-time tool: it builds the graph with OpenVINO's Python opset API from the weights alone (no torch, no
transformers), so what the Swift runtime loads is fully described here.

Two modes, chosen from config.json's `architectures` (or --task):

* embedding (BertModel, sentence-transformers): inputs input_ids, attention_mask, token_type_ids
  (int64 [batch, seq]); outputs `token_embeddings` [batch, seq, hidden] (last hidden state) and
  `sentence_embedding` [batch, hidden] (mean over the attention mask, L2-normalised when the model
  has a Normalize module).
* classification (BertForSequenceClassification, cross-encoders): same inputs; output `logits`
  [batch, num_labels] from the pooler (dense + tanh on [CLS]) and the classifier.

The output directory holds model.xml/model.bin, the tokenizer and config files copied from the source,
and manifest.json describing what the runtime needs to know.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import struct
import sys
from pathlib import Path

import numpy as np

CONVERTER_VERSION = 1

SAFETENSORS_DTYPES = {
    "F64": np.float64,
    "F32": np.float32,
    "F16": np.float16,
    "I64": np.int64,
    "I32": np.int32,
    "I16": np.int16,
    "I8": np.int8,
    "U8": np.uint8,
    "BOOL": np.bool_,
}

COPIED_FILES = [
    "tokenizer.json",
    "vocab.txt",
    "config.json",
    "tokenizer_config.json",
    "special_tokens_map.json",
    "sentence_bert_config.json",
    "config_sentence_transformers.json",
    "modules.json",
    "1_Pooling/config.json",
    "README.md",
]


class ConversionError(Exception):
    pass


def read_safetensors(path: Path) -> dict[str, np.ndarray]:
    """Reads every tensor of a .safetensors file (8-byte header length, JSON header, raw data)."""
    data = path.read_bytes()
    if len(data) < 8:
        raise ConversionError(f"{path}: too short to be a safetensors file")
    (header_len,) = struct.unpack("<Q", data[:8])
    if header_len > len(data) - 8:
        raise ConversionError(f"{path}: header length {header_len} exceeds the file size")
    header = json.loads(data[8 : 8 + header_len])
    base = 8 + header_len
    tensors = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        dtype = SAFETENSORS_DTYPES.get(info["dtype"])
        if dtype is None:
            raise ConversionError(f"{path}: tensor {name} has unsupported dtype {info['dtype']}")
        start, end = info["data_offsets"]
        array = np.frombuffer(data, dtype=dtype, count=(end - start) // np.dtype(dtype).itemsize, offset=base + start)
        tensors[name] = array.reshape(info["shape"])
    return tensors


def write_safetensors(path: Path, tensors: dict[str, np.ndarray]) -> None:
    """Writes tensors as .safetensors (used by the tests to build tiny checkpoints)."""
    names = {np.dtype(v): k for k, v in SAFETENSORS_DTYPES.items()}
    header, blobs, offset = {}, [], 0
    for name, array in tensors.items():
        array = np.ascontiguousarray(array)
        blob = array.tobytes()
        header[name] = {"dtype": names[array.dtype], "shape": list(array.shape), "data_offsets": [offset, offset + len(blob)]}
        blobs.append(blob)
        offset += len(blob)
    encoded = json.dumps(header).encode()
    encoded += b" " * (-len(encoded) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(encoded)))
        f.write(encoded)
        for blob in blobs:
            f.write(blob)


class Weights:
    """Looks tensors up by their BertModel name, whatever prefix the checkpoint uses (bert., model.)."""

    def __init__(self, tensors: dict[str, np.ndarray]):
        self.tensors = tensors

    def get(self, name: str) -> np.ndarray:
        for candidate in (name, "bert." + name, "model." + name):
            if candidate in self.tensors:
                return self.tensors[candidate].astype(np.float32)
        raise ConversionError(f"checkpoint has no tensor named {name} (nor bert.{name})")

    def has(self, name: str) -> bool:
        return any(c in self.tensors for c in (name, "bert." + name, "model." + name))


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def build_model(config: dict, weights: Weights, task: str, normalize: bool):
    import openvino as ov
    import openvino.opset15 as ops

    hidden = config["hidden_size"]
    heads = config["num_attention_heads"]
    layers = config["num_hidden_layers"]
    eps = float(config.get("layer_norm_eps", 1e-12))
    act = config.get("hidden_act", "gelu")
    if hidden % heads:
        raise ConversionError(f"hidden_size {hidden} is not divisible by num_attention_heads {heads}")
    if config.get("position_embedding_type", "absolute") != "absolute":
        raise ConversionError("only absolute position embeddings are supported")
    head_dim = hidden // heads

    def const(array, dtype=np.float32):
        return ops.constant(np.ascontiguousarray(array, dtype=dtype))

    def i64(values):
        return ops.constant(np.array(values, dtype=np.int64))

    def dense(x, prefix):
        w = weights.get(prefix + ".weight")
        b = weights.get(prefix + ".bias")
        return ops.add(ops.matmul(x, const(w), transpose_a=False, transpose_b=True), const(b))

    def layer_norm(x, prefix):
        normed = ops.mvn(x, i64([-1]), normalize_variance=True, eps=eps, eps_mode="inside_sqrt")
        return ops.add(ops.multiply(normed, const(weights.get(prefix + ".weight"))), const(weights.get(prefix + ".bias")))

    def activation(x):
        if act in ("gelu", "gelu_python"):
            return ops.gelu(x, approximation_mode="erf")
        if act in ("gelu_new", "gelu_pytorch_tanh"):
            return ops.gelu(x, approximation_mode="tanh")
        if act == "relu":
            return ops.relu(x)
        raise ConversionError(f"unsupported hidden_act {act}")

    input_ids = ops.parameter([-1, -1], ov.Type.i64, name="input_ids")
    attention_mask = ops.parameter([-1, -1], ov.Type.i64, name="attention_mask")
    token_type_ids = ops.parameter([-1, -1], ov.Type.i64, name="token_type_ids")
    for p, name in ((input_ids, "input_ids"), (attention_mask, "attention_mask"), (token_type_ids, "token_type_ids")):
        p.output(0).get_tensor().set_names({name})

    shape = ops.shape_of(input_ids, output_type="i64")  # [batch, seq]
    seq_len = ops.gather(shape, i64([1]), i64(0))
    positions = ops.range(i64(0), ops.squeeze(seq_len, i64([0])), i64(1), output_type="i64")

    word = ops.gather(const(weights.get("embeddings.word_embeddings.weight")), input_ids, i64(0))
    pos = ops.gather(const(weights.get("embeddings.position_embeddings.weight")), positions, i64(0))
    typ = ops.gather(const(weights.get("embeddings.token_type_embeddings.weight")), token_type_ids, i64(0))
    x = layer_norm(ops.add(ops.add(word, pos), typ), "embeddings.LayerNorm")

    mask_f = ops.convert(attention_mask, "f32")  # [B, S]
    # Additive attention bias: 0 where attended, -10000 where padded ([B, 1, 1, S]). -10000 rather than the
    # dtype minimum keeps the value finite in bf16 and f16 execution.
    bias = ops.multiply(ops.subtract(const(np.float32(1.0)), mask_f), const(np.float32(-10000.0)))
    bias = ops.unsqueeze(bias, i64([1, 2]))
    split_shape = i64([0, 0, heads, head_dim])
    merge_shape = i64([0, 0, hidden])
    scale = const(np.float32(1.0 / np.sqrt(head_dim)))

    for i in range(layers):
        p = f"encoder.layer.{i}"

        def to_heads(t):
            return ops.transpose(ops.reshape(t, split_shape, special_zero=True), i64([0, 2, 1, 3]))

        q = to_heads(dense(x, f"{p}.attention.self.query"))
        k = to_heads(dense(x, f"{p}.attention.self.key"))
        v = to_heads(dense(x, f"{p}.attention.self.value"))
        scores = ops.add(ops.multiply(ops.matmul(q, k, transpose_a=False, transpose_b=True), scale), bias)
        context = ops.matmul(ops.softmax(scores, -1), v, transpose_a=False, transpose_b=False)
        context = ops.reshape(ops.transpose(context, i64([0, 2, 1, 3])), merge_shape, special_zero=True)
        x = layer_norm(ops.add(dense(context, f"{p}.attention.output.dense"), x), f"{p}.attention.output.LayerNorm")
        inner = activation(dense(x, f"{p}.intermediate.dense"))
        x = layer_norm(ops.add(dense(inner, f"{p}.output.dense"), x), f"{p}.output.LayerNorm")

    outputs = []
    if task == "embedding":
        token_states = ops.result(x)
        token_states.output(0).get_tensor().set_names({"token_embeddings"})
        weights_mask = ops.unsqueeze(mask_f, i64([2]))  # [B, S, 1]
        summed = ops.reduce_sum(ops.multiply(x, weights_mask), i64([1]), keep_dims=False)
        counts = ops.maximum(ops.reduce_sum(weights_mask, i64([1]), keep_dims=False), const(np.float32(1e-9)))
        pooled = ops.divide(summed, counts)
        if normalize:
            pooled = ops.normalize_l2(pooled, i64([1]), eps=1e-12, eps_mode="max")
        sentence = ops.result(pooled)
        sentence.output(0).get_tensor().set_names({"sentence_embedding"})
        outputs = [sentence, token_states]
    else:
        cls = ops.squeeze(ops.gather(x, i64([0]), i64(1)), i64([1]))  # [B, hidden]
        pooled = ops.tanh(dense(cls, "pooler.dense"))
        w = weights.tensors.get("classifier.weight")
        b = weights.tensors.get("classifier.bias")
        if w is None or b is None:
            raise ConversionError("classification checkpoint has no classifier.weight / classifier.bias")
        logits = ops.add(ops.matmul(pooled, const(w.astype(np.float32)), False, True), const(b.astype(np.float32)))
        result = ops.result(logits)
        result.output(0).get_tensor().set_names({"logits"})
        outputs = [result]

    return ov.Model(outputs, [input_ids, attention_mask, token_type_ids], "ovindex_" + task)


def detect_task(config: dict) -> str:
    arch = " ".join(config.get("architectures") or [])
    return "classification" if "SequenceClassification" in arch else "embedding"


def read_json(path: Path, default=None):
    return json.loads(path.read_text()) if path.exists() else default


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("source", type=Path, help="checkpoint directory: config.json, model.safetensors, tokenizer files")
    parser.add_argument("output", type=Path, help="model directory to create")
    parser.add_argument("--task", choices=["auto", "embedding", "classification"], default="auto")
    parser.add_argument("--model-id", help="model id recorded in the manifest (default: the source directory name)")
    parser.add_argument("--source-sha256", help="sha256 of the downloaded artefact, recorded in the manifest")
    parser.add_argument("--weights", choices=["f16", "f32"], default="f16",
                        help="IR weight precision (f16 halves the file; cosine change < 1e-6)")
    parser.add_argument("--max-length", type=int, help="maximum sequence length (default: from the checkpoint)")
    args = parser.parse_args(argv)

    try:
        convert(args)
    except ConversionError as error:
        print(f"convert_model: error: {error}", file=sys.stderr)
        return 1
    return 0


def convert(args) -> None:
    import openvino as ov

    src: Path = args.source
    config = read_json(src / "config.json")
    if config is None:
        raise ConversionError(f"{src}/config.json not found")
    if config.get("model_type", "bert") != "bert":
        raise ConversionError(f"model_type {config.get('model_type')} is not supported (BERT WordPiece models only)")
    weights_path = src / "model.safetensors"
    if not weights_path.exists():
        raise ConversionError(f"{weights_path} not found")
    task = detect_task(config) if args.task == "auto" else args.task

    modules = read_json(src / "modules.json", [])
    normalize = any(m.get("type", "").endswith("Normalize") for m in modules) if modules else True
    pooling_cfg = read_json(src / "1_Pooling/config.json", {})
    if pooling_cfg and not pooling_cfg.get("pooling_mode_mean_tokens", True):
        raise ConversionError("only mean pooling is supported")
    st_cfg = read_json(src / "sentence_bert_config.json", {})
    max_length = args.max_length or st_cfg.get("max_seq_length") or config.get("max_position_embeddings", 512)
    max_length = min(int(max_length), int(config.get("max_position_embeddings", 512)))

    weights = Weights(read_safetensors(weights_path))
    model = build_model(config, weights, task, normalize)

    out: Path = args.output
    out.mkdir(parents=True, exist_ok=True)
    ov.save_model(model, out / "model.xml", compress_to_fp16=(args.weights == "f16"))
    for name in COPIED_FILES:
        if (src / name).exists():
            (out / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src / name, out / name)

    manifest = {
        "format": "ovindex-model",
        "converter_version": CONVERTER_VERSION,
        "model_id": args.model_id or src.name,
        "task": task,
        "architecture": "bert",
        "model": "model.xml",
        "weights": "model.bin",
        "weights_sha256": sha256_file(out / "model.bin"),
        "weights_precision": args.weights,
        "source_weights_sha256": sha256_file(weights_path),
        "inputs": ["input_ids", "attention_mask", "token_type_ids"],
        "max_sequence_length": max_length,
        "hidden_size": config["hidden_size"],
        "tokenizer": "tokenizer.json" if (src / "tokenizer.json").exists() else "vocab.txt",
    }
    if args.source_sha256:
        manifest["source_sha256"] = args.source_sha256
    if task == "embedding":
        manifest.update({
            "dimension": config["hidden_size"],
            "pooling": "mean",
            "normalized": normalize,
            "outputs": {"sentence_embedding": "sentence_embedding", "token_embeddings": "token_embeddings"},
        })
    else:
        manifest.update({
            "num_labels": int(weights.tensors["classifier.weight"].shape[0]),
            "outputs": {"logits": "logits"},
        })
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    print(f"convert_model: wrote {task} model to {out} (weights sha256 {manifest['weights_sha256'][:12]}…)", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
