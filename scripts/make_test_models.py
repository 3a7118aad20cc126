#!/usr/bin/env python3
"""Builds the tiny models the Swift tests need, with numpy reference outputs (run by `make test`).

    scripts/make_test_models.py OUT_DIR

OUT_DIR/tiny-cross-encoder: a randomly initialised 2-layer BERT sequence-classification checkpoint (one
logit) over a 120-word vocabulary, converted by scripts/convert_model.py (f32 weights), and reference.json:
(query, passage) pairs, the token ids the model must see, and the logit an independent numpy forward pass
of the same weights gives. No cross-encoder can be downloaded here, so this is what tests the reranking
plumbing: tokenization of pairs, token type ids, truncation, batching and the logits output.

    scripts/make_test_models.py --minilm-size OUT_DIR

builds instead OUT_DIR/random-minilm-cross-encoder: random weights in the shape of ms-marco-MiniLM-L6-v2
(6 layers, hidden 384, 12 heads, the all-MiniLM-L6-v2 vocabulary), for timing cross-encoder reranking at a
real model's size (inference time does not depend on the weights' values; its scores mean nothing).

Idempotent: does nothing when OUT_DIR was built by this version of the script.
"""

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import numpy as np

SCRIPTS = Path(__file__).resolve().parent
sys.path.insert(0, str(SCRIPTS))
sys.path.insert(0, str(SCRIPTS / "tests"))

import convert_model  # noqa: E402
from test_convert_model import CONFIG, random_checkpoint, reference_forward  # noqa: E402

WORDS = """the of and to in is was it for on are as with his they at be this from have or by one had not but
what all were when we there can an your which their said if do will each about how up out them then she many
some so these would other into has more her two like him see time could no make than first been its who now
people my made over did down only way find use may water long little very after words called just where most
know get through back much go good new write our me man too any day same right look think also around another
came come work three word must because does part even place well""".split()


def build(out: Path) -> None:
    vocabulary = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + WORDS[: CONFIG["vocab_size"] - 5]
    assert len(vocabulary) == CONFIG["vocab_size"], len(vocabulary)
    source = out / "source"
    source.mkdir(parents=True, exist_ok=True)
    (source / "vocab.txt").write_text("\n".join(vocabulary) + "\n")
    (source / "config.json").write_text(json.dumps({**CONFIG, "architectures": ["BertForSequenceClassification"]}))
    rng = np.random.default_rng(2026)
    tensors = random_checkpoint(rng, classification=True, prefix="bert.")
    convert_model.write_safetensors(source / "model.safetensors", tensors)
    model = out / "tiny-cross-encoder"
    subprocess.run([sys.executable, str(SCRIPTS / "convert_model.py"), str(source), str(model), "--weights", "f32",
                    "--model-id", "test/tiny-cross-encoder"], check=True)

    index = {word: i for i, word in enumerate(vocabulary)}
    words = vocabulary[5:]
    pairs = []
    for n, (q, p) in enumerate([(3, 8), (5, 2), (2, 14), (7, 7), (4, 30), (1, 1), (6, 50)]):
        query = " ".join(words[(n * 7 + i) % len(words)] for i in range(q))
        passage = " ".join(words[(n * 13 + 3 * i) % len(words)] for i in range(p))
        pairs.append((query, passage))
    maximum = CONFIG["max_position_embeddings"]
    records = []
    for query, passage in pairs:
        a = [index[w] for w in query.split()]
        b = [index[w] for w in passage.split()]
        while len(a) + len(b) > maximum - 3:  # longest first, as Hugging Face truncates pairs
            (a if len(a) > len(b) else b).pop()
        ids = np.array([[2] + a + [3] + b + [3]], dtype=np.int64)
        types = np.array([[0] * (len(a) + 2) + [1] * (len(b) + 1)], dtype=np.int64)
        mask = np.ones_like(ids)
        hidden = reference_forward(tensors, ids, mask, types, prefix="bert.")
        pooled = np.tanh(hidden[:, 0] @ tensors["bert.pooler.dense.weight"].T.astype(np.float64)
                         + tensors["bert.pooler.dense.bias"])
        logit = pooled @ tensors["classifier.weight"].T.astype(np.float64) + tensors["classifier.bias"]
        records.append({"query": query, "passage": passage, "ids": ids[0].tolist(), "type_ids": types[0].tolist(),
                        "logit": float(logit[0, 0])})
    (model / "reference.json").write_text(json.dumps({"pairs": records}, indent=1) + "\n")


def build_minilm_size(out: Path) -> None:
    config = {**CONFIG, "hidden_size": 384, "num_attention_heads": 12, "num_hidden_layers": 6,
              "intermediate_size": 1536, "vocab_size": 30522, "max_position_embeddings": 512,
              "architectures": ["BertForSequenceClassification"]}
    minilm = SCRIPTS.parent / "data/models/all-MiniLM-L6-v2"
    source = out / "source-minilm"
    source.mkdir(parents=True, exist_ok=True)
    for name in ("vocab.txt", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json"):
        if (minilm / name).exists():
            (source / name).write_bytes((minilm / name).read_bytes())
    (source / "config.json").write_text(json.dumps(config))
    rng = np.random.default_rng(3)
    h, i = config["hidden_size"], config["intermediate_size"]
    r = lambda *shape: (rng.standard_normal(shape) * 0.05).astype(np.float32)  # noqa: E731
    t = {"bert.embeddings.word_embeddings.weight": r(config["vocab_size"], h),
         "bert.embeddings.position_embeddings.weight": r(512, h),
         "bert.embeddings.token_type_embeddings.weight": r(2, h),
         "bert.embeddings.LayerNorm.weight": np.ones(h, np.float32), "bert.embeddings.LayerNorm.bias": r(h),
         "bert.pooler.dense.weight": r(h, h), "bert.pooler.dense.bias": r(h),
         "classifier.weight": r(1, h), "classifier.bias": r(1)}
    for layer in range(config["num_hidden_layers"]):
        p = f"bert.encoder.layer.{layer}"
        for name in ("query", "key", "value"):
            t[f"{p}.attention.self.{name}.weight"] = r(h, h)
            t[f"{p}.attention.self.{name}.bias"] = r(h)
        t[f"{p}.attention.output.dense.weight"], t[f"{p}.attention.output.dense.bias"] = r(h, h), r(h)
        t[f"{p}.attention.output.LayerNorm.weight"] = np.ones(h, np.float32)
        t[f"{p}.attention.output.LayerNorm.bias"] = r(h)
        t[f"{p}.intermediate.dense.weight"], t[f"{p}.intermediate.dense.bias"] = r(i, h), r(i)
        t[f"{p}.output.dense.weight"], t[f"{p}.output.dense.bias"] = r(h, i), r(h)
        t[f"{p}.output.LayerNorm.weight"] = np.ones(h, np.float32)
        t[f"{p}.output.LayerNorm.bias"] = r(h)
    convert_model.write_safetensors(source / "model.safetensors", t)
    subprocess.run([sys.executable, str(SCRIPTS / "convert_model.py"), str(source),
                    str(out / "random-minilm-cross-encoder"), "--model-id", "random/minilm-size-cross-encoder"],
                   check=True)


def main() -> int:
    if len(sys.argv) > 2 and sys.argv[1] == "--minilm-size":
        out = Path(sys.argv[2])
        if not (out / "random-minilm-cross-encoder/manifest.json").exists():
            build_minilm_size(out)
        return 0
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(".deps/test-models")
    stamp = out / "built-by.sha256"
    digest = hashlib.sha256(Path(__file__).read_bytes() + (SCRIPTS / "convert_model.py").read_bytes()).hexdigest()
    if stamp.exists() and stamp.read_text().strip() == digest:
        return 0
    build(out)
    stamp.write_text(digest + "\n")
    print(f"make_test_models: built {out}/tiny-cross-encoder", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
