"""The labelled sets' writer: neutral ids, gold and corpus that agree, a seeded sample, descriptions for each label."""

import json
import sys
import tempfile
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import make_classify_sets  # noqa: E402


class WriteSetTests(unittest.TestCase):
    LABELS = {"sky": ["the night sky", "stars and planets"], "food": ["cooking"]}
    ITEMS = [("sky", f"star text {n}") for n in range(5)] + [("food", f"soup text {n}") for n in range(3)] \
        + [("sky", "star text 1"), ("other", "not a label")]

    def write(self, folder: Path) -> dict:
        make_classify_sets.write_set(folder, "toy", self.ITEMS, self.LABELS, per_label=2)
        return {name: [json.loads(line) for line in open(folder / "toy" / f"{name}.jsonl")]
                for name in ["corpus", "gold", "labels"]}

    def test_gold_and_corpus_agree_and_ids_say_nothing_of_the_label(self):
        with tempfile.TemporaryDirectory() as directory:
            files = self.write(Path(directory))
        corpus = {row["id"]: row["text"] for row in files["corpus"]}
        gold = {row["document"]: row["label"] for row in files["gold"]}
        self.assertEqual(set(corpus), set(gold))
        self.assertEqual(sorted(gold.values()), ["food", "food", "sky", "sky"])  # per_label each, "other" left out
        for key, label in gold.items():
            self.assertNotIn(label, key)
            self.assertTrue(corpus[key].startswith("star" if label == "sky" else "soup"))
        self.assertEqual(len(set(corpus.values())), len(corpus), "a text repeated in the source is kept once")
        self.assertEqual([(row["label"], row["description"]) for row in files["labels"]],
                         [("sky", "the night sky"), ("sky", "stars and planets"), ("food", "cooking")])

    def test_the_sample_is_the_same_every_time(self):
        with tempfile.TemporaryDirectory() as first, tempfile.TemporaryDirectory() as second:
            self.assertEqual(self.write(Path(first)), self.write(Path(second)))
            definition = json.loads((Path(first) / "toy" / "pipeline.json").read_text())
            self.assertEqual(definition["sources"], [{"path": "corpus.jsonl", "format": "jsonl"}])


if __name__ == "__main__":
    unittest.main()
