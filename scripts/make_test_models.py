#!/usr/bin/env python3
"""Builds the tiny models the Swift tests need, with numpy reference outputs (run by `make test`).

    scripts/make_test_models.py OUT_DIR

OUT_DIR/tiny-cross-encoder: a randomly initialised 2-layer BERT sequence-classification checkpoint (one
logit) over a 120-word vocabulary, converted by scripts/convert_model.py (f32 weights), and reference.json:
(query, passage) pairs, the token ids the model must see, and the logit an independent numpy forward pass
of the same weights gives. No cross-encoder can be downloaded here, so this is what tests the reranking
plumbing: tokenization of pairs, token type ids, truncation, batching and the logits output.

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


def main() -> int:
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
