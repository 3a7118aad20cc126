#!/usr/bin/env python3
"""Generate the tokenizer golden file from Hugging Face `tokenizers` (developer tool, not run by the tests).

    make golden        # installs `tokenizers` into .deps/venv if needed and rewrites the golden file

For a deterministic set of snippets (handwritten prose in many languages, accents, CJK, emoji, code, URLs,
control characters, long words, repeated punctuation, special-token strings, a sweep over every Unicode plane)
and pairs, it writes one JSON line per case with the ids, tokens, type ids and offsets (Unicode scalars) that
`tokenizers` produces for the model's tokenizer.json, untruncated and unpadded, plus truncated cases.
The Swift tests must reproduce every line exactly.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_TOKENIZER = ROOT / "data/models/all-MiniLM-L6-v2/tokenizer.json"
DEFAULT_OUTPUT = ROOT / "Tests/TokenizerTests/Golden/all-MiniLM-L6-v2.jsonl"

# Written for this project: short texts of the kinds a corpus holds.
PROSE = [
    "The weather is lovely today.",
    "It's so sunny outside!",
    "He drove to the stadium.",
    "A man is eating food.",
    "The quick brown fox jumps over the lazy dog.",
    "Nightly indexing skips documents whose content hash did not change.",
    "Backfills must survive being killed and resume where they stopped.",
    "Memory stays bounded: stages are joined by bounded channels.",
    "Don't panic; it's only a test -- isn't it?",
    "She said, \"I'll be there at 5:30 p.m.\" and left.",
    "Prices rose 3.5% in Q2 (from $1,200 to $1,242).",
    "See section 4.2.1, paragraph (b)(iii), for details.",
    "Der schnelle braune Fuchs springt über den faulen Hund.",
    "Größenverhältnisse müssen geprüft werden, sagte Jürgen Weiß.",
    "STRASSE und Straße sind gleich, ẞ ist das große Eszett.",
    "Le cœur a ses raisons que la raison ne connaît point.",
    "Où est la bibliothèque ? Elle est à côté de l'église.",
    "Ça coûte très cher, n'est-ce pas ?",
    "El niño comió una piña en la mañana.",
    "¿Dónde está el baño? ¡Allí, a la izquierda!",
    "A ação foi concluída com êxito na sessão de março.",
    "La città è bellissima, però fa caldo d'estate.",
    "Zażółć gęślą jaźń.",
    "Příliš žluťoučký kůň úpěl ďábelské ódy.",
    "İstanbul'da ılık bir gün; IŞIK ve ışık farklı yazılır.",
    "Tiếng Việt có nhiều dấu thanh: à, á, ả, ã, ạ.",
    "Съешь же ещё этих мягких французских булок, да выпей чаю.",
    "Привіт, як справи? Ґанок і їжак.",
    "Καλημέρα σας! Η ΟΔΟΣ είναι στενή, ὁδός.",
    "مرحبا بكم في المكتبة العامة.",
    "الْعَرَبِيَّةُ لُغَةٌ جَمِيلَةٌ.",
    "שלום עולם, מה שלומך?",
    "שָׁלוֹם עֲלֵיכֶם",
    "नमस्ते, आप कैसे हैं?",
    "আমি বাংলায় গান গাই।",
    "สวัสดีครับ ยินดีต้อนรับ",
    "日本語のテキストを分割します。",
    "カタカナとひらがなと漢字が混ざっています。",
    "東京は日本の首都です。",
    "我们今天去图书馆看书。",
    "中文、英文和数字123混合在一起。",
    "繁體中文與簡體中文不同。",
    "한국어 문장을 토큰으로 나눕니다.",
    "서울특별시는 대한민국의 수도이다.",
    "ᄒᆞᆫ글 옛 글자와 ㄱㄴㄷ 자모.",
    "Ελληνικά, русский, עברית, and English in one line.",
    "Ångström, Øresund, Æsir, façade, naïve, coöperate, résumé.",
    "Smörgåsbord in Malmö costs 150 kr.",
    "Mañana, São Paulo, Kraków, Łódź, Dvořák.",
    "e\u0301 vs \u00e9: decomposed and precomposed accents.",
    "Ｆｕｌｌｗｉｄｔｈ　ｌｅｔｔｅｒｓ　ａｎｄ　１２３",
    "Roman numerals Ⅻ and Ⅳ, superscripts x² and H₂O.",
    "Ligatures: ﬁne ﬂour, ﬀ, Œuvre.",
    "Math: ∀x ∈ ℝ, x² ≥ 0 ⇒ √(x²) = |x|.",
    "Currency: €5, £3, ¥100, ₹250, ₿0.01.",
    "Quotes: “curly”, ‘single’, «guillemets», „German“.",
    "Dashes – en — em ― horizontal bar.",
    "Ellipsis… and midline ⋯ and bullet • points.",
]

EMOJI = [
    "I love it 😍🔥",
    "Thumbs up 👍🏽 and family 👨‍👩‍👧‍👦 and flag 🇺🇸🇫🇷.",
    "🙂🙃😉",
    "Weather: ☀️ then 🌧️ then ❄️",
    "Keycap 1️⃣ and #️⃣",
    "Hearts ❤️💔💕 and stars ⭐✨",
    "Newer emoji: 🥲 🫠 🫶 🪿",
    "emoji😀glued🎉together",
]

CODE = [
    "def square(x): return x ** 2",
    "for (int i = 0; i < n; ++i) { sum += a[i]; }",
    "if (err != nil) { return fmt.Errorf(\"open %s: %w\", path, err) }",
    "SELECT id, text FROM chunks WHERE document_id = ?1 ORDER BY ordinal;",
    "{\"id\": 42, \"text\": \"hello\", \"tags\": [\"a\", \"b\"], \"ok\": true}",
    "let x: [Float] = vectors.map { $0 * scale } // SIMD later",
    "#include <stdio.h>\nint main(void) {\n\tprintf(\"%d\\n\", 1);\n}",
    "git commit -m \"Fix: handle \\\"quoted\\\" paths\" && git push",
    "rm -rf ./build/* ~/.cache/pip || true",
    "x <<= 2; y >>= 1; z ^= ~w & 0xFF;",
    "a == b != c <= d >= e && f || !g",
    "snake_case_name and camelCaseName and SCREAMING_CASE",
    "C++ std::vector<std::string> v{\"a\", \"b\"};",
    "regex: ^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}$",
    "path/to/file.tar.gz and C:\\Windows\\System32\\drivers",
]

URLS = [
    "Visit https://example.com/path?query=1&lang=en#section for more.",
    "http://localhost:8080/api/v1/items/123?sort=desc",
    "Mail me at first.last+tag@example.co.uk, thanks!",
    "ftp://files.example.org/pub/README.txt",
    "https://de.wikipedia.org/wiki/Straße_(Begriffsklärung)",
    "www.example.com/über-uns/impressum.html",
    "ssh://git@github.com:22/owner/repo.git",
    "IPv6 [2001:db8::1]:443 and IPv4 192.168.0.1",
]

CONTROL = [
    "tab\tseparated\tvalues",
    "line one\nline two\r\nline three\rline four",
    "null\x00byte and bell\x07 and escape\x1b[31mred\x1b[0m",
    "zero\u200bwidth\u200cnon\u200djoiner",
    "\ufeffBOM at the start",
    "soft\u00adhyphen in a word",
    "replacement \ufffd character",
    "private use \ue000\uf8ff area",
    "unassigned \u0378 and noncharacter \uffff",
    "no\u00a0break\u2003em\u3000ideographic\u2028line\u2029para spaces",
    "directional \u202aLTR\u202c and \u202bRTL\u202c marks \u200e\u200f",
    "form\x0cfeed and vertical\x0btab",
    "delete\x7f and C1 \x85 \x9f controls",
    "   leading and trailing spaces   ",
    "\t\n\r ",
    "",
    " ",
    "\u3000\u3000",
]

SPECIAL = [
    "[CLS] starts and [SEP] separates",
    "fill the [MASK] here",
    "lower [mask] and [Mask] are not special",
    "glued[SEP]tokens[PAD]x[UNK]y",
    "[[CLS]] nested [SEP][SEP]",
    "[CLS",
    "SEP] and [ SEP ]",
]

REPEATS = [
    "!!!???...",
    "Wait... what?!?!",
    "----------",
    "......",
    "=====><=====",
    "((((nested))))",
    "\"\"\"triple quotes\"\"\"",
    "a,b,,c,,,d",
    "~~~***___```",
    "Hmmmmmmmmmmmmmmmmmmmmmmm",
    "ha" * 40,
    "no" + "o" * 120 + "!",
]


# Characters whose Unicode category changed after 8.0 (tokenizers' tables) in a way BERT notices.
CATEGORY_CHANGES = [
    " ".join(f"x{c}y {c}" for c in "\u166d\u1734\u1885\u1886\ua9bd\U000111c9\U0001171e"),
    "Mongolian \u1820\u1885\u1886 and Hanunoo \u1720\u1734.",
]


def long_words() -> list[str]:
    words = [
        "a" * 99, "a" * 100, "a" * 101, "b" * 250,
        "supercalifragilisticexpialidocious",
        "Donaudampfschifffahrtselektrizitätenhauptbetriebswerkbauunterbeamtengesellschaft",
        "pneumonoultramicroscopicsilicovolcanoconiosis",
        "x" * 100 + "é",  # 101 characters before NFD, 102 after
        "é" * 50,  # 50 characters, 100 after NFD
        "é" * 51,  # 51 characters, 102 after NFD: over the limit only after normalisation
        "ab" + "\u0301" * 99,  # marks stripped: short after normalisation
        "long" + "-" * 120 + "dash",
        "αβγδεζηθικλμνξοπρστυφχψω" * 5,
        "한국어" * 40,
    ]
    return words


def unicode_sweep(step: int) -> list[str]:
    """Strings of code points sampled across all planes (16 per snippet, space-separated)."""
    points = [cp for cp in range(0x20, 0x110000, step) if not 0xD800 <= cp <= 0xDFFF]
    snippets = []
    for i in range(0, len(points), 16):
        snippets.append(" ".join(chr(cp) for cp in points[i : i + 16]))
    return snippets


def block_samples() -> list[str]:
    """Runs of consecutive code points from blocks with marks, punctuation and format characters."""
    blocks = [
        (0x00A0, 0x0100), (0x0300, 0x0370), (0x0370, 0x0400), (0x0590, 0x0600), (0x0600, 0x0700),
        (0x0890, 0x0900), (0x0900, 0x0980), (0x0E00, 0x0E80), (0x1100, 0x1200), (0x1AB0, 0x1B00),
        (0x1DC0, 0x1E00), (0x2000, 0x2070), (0x20A0, 0x2100), (0x2100, 0x2150), (0x2190, 0x2200),
        (0x2E00, 0x2E80), (0x3000, 0x3040), (0x3040, 0x3100), (0xA670, 0xA700), (0xFE00, 0xFE70),
        (0xFF00, 0xFFF0), (0x10100, 0x10140), (0x11000, 0x11080), (0x16FE0, 0x17000), (0x1D160, 0x1D1B0),
        (0x1E000, 0x1E030), (0x1F300, 0x1F340), (0x1FA70, 0x1FB00), (0xE0000, 0xE0080),
    ]
    out = []
    for start, end in blocks:
        for chunk in range(start, end, 24):
            out.append("".join(chr(cp) for cp in range(chunk, min(chunk + 24, end))))
            out.append(" ".join("x" + chr(cp) + "y" for cp in range(chunk, min(chunk + 12, end))))
    return out


def mixtures(rng: random.Random, pool: list[str], count: int) -> list[str]:
    separators = [" ", "  ", "\n", "\t", ", ", "; ", " - ", "", "\u3000", " | "]
    out = []
    for _ in range(count):
        parts = rng.sample(pool, rng.randint(2, 4))
        cut = []
        for part in parts:
            if len(part) > 12 and rng.random() < 0.5:
                a = rng.randrange(0, len(part) // 2)
                b = rng.randrange(a + 1, len(part) + 1)
                part = part[a:b]
            cut.append(part)
        out.append(rng.choice(separators).join(cut))
    return out


def build_cases(seed: int) -> list[dict]:
    rng = random.Random(seed)
    handwritten = PROSE + EMOJI + CODE + URLS + CONTROL + SPECIAL + REPEATS + CATEGORY_CHANGES + long_words()
    singles = list(handwritten)
    singles += [s.upper() for s in PROSE[:20]]
    singles += mixtures(rng, handwritten, 520)
    singles += unicode_sweep(1999)
    singles += block_samples()

    cases = [{"text": s} for s in singles]
    pair_pool = [s for s in handwritten if s]
    for _ in range(220):
        a, b = rng.sample(pair_pool, 2)
        cases.append({"text": a, "pair": b})
    cases.append({"text": "", "pair": ""})
    cases.append({"text": "question?", "pair": ""})

    # Truncation: singles and pairs (longest-first), including lengths below the special tokens' count.
    long_texts = [s for s in singles if len(s) > 40]
    for max_length in (2, 3, 5, 8, 16, 33, 64):
        for text in rng.sample(long_texts, 6):
            cases.append({"text": text, "max_length": max_length})
    for max_length in (4, 5, 9, 16, 17, 32, 64):
        for _ in range(8):
            a, b = rng.sample(pair_pool, 2)
            cases.append({"text": a, "pair": b, "max_length": max_length})
    return cases


def run(cases: list[dict], tokenizer_path: Path) -> list[dict]:
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(tokenizer_path))
    tokenizer.no_padding()
    rows = []
    for case in cases:
        if case.get("max_length"):
            tokenizer.enable_truncation(max_length=case["max_length"], strategy="longest_first")
        else:
            tokenizer.no_truncation()
        encoding = tokenizer.encode(case["text"], case.get("pair"))
        rows.append({
            **case,
            "ids": encoding.ids,
            "tokens": encoding.tokens,
            "type_ids": encoding.type_ids,
            "offsets": [list(o) for o in encoding.offsets],
        })
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tokenizer", type=Path, default=DEFAULT_TOKENIZER)
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    parser.add_argument("--seed", type=int, default=20261127)
    args = parser.parse_args()

    import tokenizers

    cases = build_cases(args.seed)
    rows = run(cases, args.tokenizer)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    with open(args.output, "w", encoding="utf-8") as f:
        header = {"generator": "scripts/tokenizer_golden.py", "tokenizers": tokenizers.__version__,
                  "tokenizer": args.tokenizer.name, "seed": args.seed, "cases": len(rows)}
        f.write(json.dumps(header, ensure_ascii=False) + "\n")
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
    singles = sum(1 for r in rows if "pair" not in r)
    print(f"wrote {len(rows)} cases ({singles} single, {len(rows) - singles} pair) to {args.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
