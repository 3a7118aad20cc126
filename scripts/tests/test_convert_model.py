"""Tests of scripts/convert_model.py on tiny randomly initialised BERT checkpoints.

The converted OpenVINO graph is run at f32 precision and compared with an independent numpy forward pass
of the same weights (BERT as published: post-LayerNorm encoder, erf GELU, masked softmax attention).
Run with: .deps/venv/bin/python -m unittest discover -s scripts/tests
"""

import json
import math
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

import numpy as np

SCRIPTS = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(SCRIPTS))

import convert_model  # noqa: E402

CONFIG = {
    "hidden_size": 32,
    "num_attention_heads": 4,
    "num_hidden_layers": 2,
    "intermediate_size": 64,
    "vocab_size": 120,
    "max_position_embeddings": 40,
    "type_vocab_size": 2,
    "layer_norm_eps": 1e-12,
    "hidden_act": "gelu",
    "model_type": "bert",
}


def random_checkpoint(rng: np.random.Generator, classification: bool, prefix: str = "") -> dict:
    h, i = CONFIG["hidden_size"], CONFIG["intermediate_size"]

    def r(*shape, scale=0.2):
        return (rng.standard_normal(shape) * scale).astype(np.float32)

    t = {
        "embeddings.word_embeddings.weight": r(CONFIG["vocab_size"], h, scale=1.0),
        "embeddings.position_embeddings.weight": r(CONFIG["max_position_embeddings"], h, scale=1.0),
        "embeddings.token_type_embeddings.weight": r(CONFIG["type_vocab_size"], h, scale=1.0),
        "embeddings.LayerNorm.weight": 1 + r(h, scale=0.1),
        "embeddings.LayerNorm.bias": r(h, scale=0.1),
        "embeddings.position_ids": np.arange(CONFIG["max_position_embeddings"], dtype=np.int64)[None, :],
    }
    for layer in range(CONFIG["num_hidden_layers"]):
        p = f"encoder.layer.{layer}"
        for name in ("query", "key", "value"):
            t[f"{p}.attention.self.{name}.weight"] = r(h, h)
            t[f"{p}.attention.self.{name}.bias"] = r(h)
        t[f"{p}.attention.output.dense.weight"] = r(h, h)
        t[f"{p}.attention.output.dense.bias"] = r(h)
        t[f"{p}.attention.output.LayerNorm.weight"] = 1 + r(h, scale=0.1)
        t[f"{p}.attention.output.LayerNorm.bias"] = r(h, scale=0.1)
        t[f"{p}.intermediate.dense.weight"] = r(i, h)
        t[f"{p}.intermediate.dense.bias"] = r(i)
        t[f"{p}.output.dense.weight"] = r(h, i)
        t[f"{p}.output.dense.bias"] = r(h)
        t[f"{p}.output.LayerNorm.weight"] = 1 + r(h, scale=0.1)
        t[f"{p}.output.LayerNorm.bias"] = r(h, scale=0.1)
    if classification:
        t["pooler.dense.weight"] = r(h, h)
        t["pooler.dense.bias"] = r(h)
    t = {prefix + k: v for k, v in t.items()}
    if classification:
        t["classifier.weight"] = r(1, h)
        t["classifier.bias"] = r(1)
    return t


def reference_forward(t: dict, ids, mask, types, prefix=""):
    """Plain numpy BERT forward pass; returns the last hidden state [B, S, H]."""
    g = lambda name: t[prefix + name].astype(np.float64)  # noqa: E731
    eps = CONFIG["layer_norm_eps"]
    heads = CONFIG["num_attention_heads"]

    def ln(x, name):
        mu = x.mean(-1, keepdims=True)
        var = ((x - mu) ** 2).mean(-1, keepdims=True)
        return (x - mu) / np.sqrt(var + eps) * g(name + ".weight") + g(name + ".bias")

    def lin(x, name):
        return x @ g(name + ".weight").T + g(name + ".bias")

    gelu = np.vectorize(lambda v: 0.5 * v * (1 + math.erf(v / math.sqrt(2))))
    b, s = ids.shape
    x = g("embeddings.word_embeddings.weight")[ids] + g("embeddings.position_embeddings.weight")[np.arange(s)][None]
    x = ln(x + g("embeddings.token_type_embeddings.weight")[types], "embeddings.LayerNorm")
    d = CONFIG["hidden_size"] // heads
    for layer in range(CONFIG["num_hidden_layers"]):
        p = f"encoder.layer.{layer}"
        split = lambda y: y.reshape(b, s, heads, d).transpose(0, 2, 1, 3)  # noqa: E731
        q, k, v = (split(lin(x, f"{p}.attention.self.{n}")) for n in ("query", "key", "value"))
        scores = q @ k.transpose(0, 1, 3, 2) / math.sqrt(d)
        scores = np.where(mask[:, None, None, :] > 0, scores, -np.inf)
        probs = np.exp(scores - scores.max(-1, keepdims=True))
        probs /= probs.sum(-1, keepdims=True)
        ctx = (probs @ v).transpose(0, 2, 1, 3).reshape(b, s, -1)
        x = ln(lin(ctx, f"{p}.attention.output.dense") + x, f"{p}.attention.output.LayerNorm")
        x = ln(lin(gelu(lin(x, f"{p}.intermediate.dense")), f"{p}.output.dense") + x, f"{p}.output.LayerNorm")
    return x


def batch(rng):
    lengths = [7, 12, 3]
    s = max(lengths)
    ids = np.zeros((len(lengths), s), dtype=np.int64)
    mask = np.zeros_like(ids)
    types = np.zeros_like(ids)
    for row, n in enumerate(lengths):
        ids[row, :n] = rng.integers(1, CONFIG["vocab_size"], n)
        mask[row, :n] = 1
        types[row, n // 2 : n] = 1
    return ids, mask, types


class ConvertModelTests(unittest.TestCase):
    def convert(self, tensors, architectures, extra_args=()):
        work = Path(self.enterContext(tempfile.TemporaryDirectory()))
        src, out = work / "src", work / "out"
        src.mkdir()
        convert_model.write_safetensors(src / "model.safetensors", tensors)
        (src / "config.json").write_text(json.dumps({**CONFIG, "architectures": architectures}))
        result = subprocess.run(
            [sys.executable, str(SCRIPTS / "convert_model.py"), str(src), str(out), "--weights", "f32", *extra_args],
            capture_output=True, text=True)
        self.assertEqual(result.returncode, 0, result.stderr)
        return out

    def run_ir(self, out, ids, mask, types):
        import openvino as ov

        compiled = ov.Core().compile_model(str(out / "model.xml"), "CPU", {"INFERENCE_PRECISION_HINT": "f32"})
        return compiled({"input_ids": ids, "attention_mask": mask, "token_type_ids": types})

    def test_classification_logits_match_numpy_reference(self):
        rng = np.random.default_rng(7)
        tensors = random_checkpoint(rng, classification=True, prefix="bert.")
        out = self.convert(tensors, ["BertForSequenceClassification"])
        manifest = json.loads((out / "manifest.json").read_text())
        self.assertEqual(manifest["task"], "classification")
        self.assertEqual(manifest["num_labels"], 1)

        ids, mask, types = batch(rng)
        logits = self.run_ir(out, ids, mask, types)["logits"]

        hidden = reference_forward(tensors, ids, mask, types, prefix="bert.")
        pooled = np.tanh(hidden[:, 0] @ tensors["bert.pooler.dense.weight"].T.astype(np.float64)
                         + tensors["bert.pooler.dense.bias"])
        expected = pooled @ tensors["classifier.weight"].T.astype(np.float64) + tensors["classifier.bias"]
        self.assertEqual(logits.shape, (3, 1))
        np.testing.assert_allclose(logits, expected, atol=1e-4, rtol=0)
        # The logits must depend on the input: a different pair gives a different score.
        self.assertGreater(np.ptp(expected), 1e-3)

    def test_embedding_outputs_match_numpy_reference(self):
        rng = np.random.default_rng(11)
        tensors = random_checkpoint(rng, classification=False)
        out = self.convert(tensors, ["BertModel"])
        manifest = json.loads((out / "manifest.json").read_text())
        self.assertEqual(manifest["task"], "embedding")
        self.assertEqual(manifest["dimension"], CONFIG["hidden_size"])

        ids, mask, types = batch(rng)
        result = self.run_ir(out, ids, mask, types)
        hidden = reference_forward(tensors, ids, mask, types)
        tokens = result["token_embeddings"]
        for row in range(ids.shape[0]):
            n = int(mask[row].sum())
            np.testing.assert_allclose(tokens[row, :n], hidden[row, :n], atol=1e-4, rtol=0)
        pooled = (hidden * mask[:, :, None]).sum(1) / mask.sum(1, keepdims=True)
        pooled /= np.linalg.norm(pooled, axis=1, keepdims=True)
        np.testing.assert_allclose(result["sentence_embedding"], pooled, atol=1e-4, rtol=0)

    def test_missing_weights_is_a_clear_error(self):
        work = Path(self.enterContext(tempfile.TemporaryDirectory()))
        (work / "config.json").write_text(json.dumps(CONFIG))
        result = subprocess.run([sys.executable, str(SCRIPTS / "convert_model.py"), str(work), str(work / "out")],
                                capture_output=True, text=True)
        self.assertEqual(result.returncode, 1)
        self.assertIn("model.safetensors not found", result.stderr)


if __name__ == "__main__":
    unittest.main()
