"""The evaluation sets' parsers: what asks is removed from what answers, and markup becomes text."""

import sys
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import make_eval_set  # noqa: E402


class RoffTests(unittest.TestCase):
    PAGE = "\n".join([
        '.\\" a comment that must not show',
        ".TH open 2 2023-02-05",
        ".SH NAME",
        "open, openat \\- open and possibly create a file",
        ".SH SYNOPSIS",
        '.BI "int open(const char *" pathname ", int " flags );',
        ".SH DESCRIPTION",
        "The",
        ".BR open ()",
        "system call opens the file specified by \\fIpathname\\fP.",
        ".PP",
        "Second paragraph \\(em with an em dash.",
    ])

    def test_sections_hold_text_without_markup(self):
        sections = dict(make_eval_set.roff_to_sections(self.PAGE))
        self.assertEqual(sections["NAME"], ["open, openat - open and possibly create a file"])
        self.assertIn("int open(const char *pathname, int flags);", sections["SYNOPSIS"])
        description = "\n".join(sections["DESCRIPTION"])
        self.assertIn("open()", description)
        self.assertIn("specified by pathname.", description)
        self.assertIn("-- with an em dash", description)
        self.assertNotIn("comment", "\n".join(line for lines in sections.values() for line in lines))


class InfoMenuTests(unittest.TestCase):
    def test_menus_are_removed_and_their_descriptions_kept(self):
        body = "\n".join([
            "The ls command lists files.",
            "",
            "* Menu:",
            "",
            "* ls invocation::        List directory contents.",
            "* Sorting: Sort order.   How the listing is ordered, across",
            "                           several lines.",
            "",
            "After the menu.",
        ])
        text, entries = make_eval_set.without_menus(body)
        self.assertNotIn("List directory contents", text)
        self.assertNotIn("* Menu:", text)
        self.assertEqual(entries[0], ("ls invocation", "List directory contents."))
        self.assertEqual(entries[1], ("Sort order", "How the listing is ordered, across several lines."))
        self.assertNotIn("After the menu.", text)  # text after a menu belongs to it (comments), not the node


class NodeMarkdownTests(unittest.TestCase):
    PAGE = "\n".join([
        "# File system",
        "<!--introduced_in=v0.10.0-->",
        "Intro text.",
        "## Promises API",
        "<!-- YAML",
        "added: v10.0.0",
        "-->",
        "```js",
        "## not a section: inside a fence",
        "```",
        "### `fsPromises.open(path)`",
        "* `path` {string}",
        "  A continuation of the list item, long enough to be a sentence here.",
        "",
        "Opens a file handle for reading and writing. More details follow here.",
        "### `fsPromises.rm(path)`",
        "### `fsPromises.stat(path)`",
        "",
        "Short one.",
    ])

    def test_sections_split_at_level_two_outside_fences_without_comments(self):
        title, sections = make_eval_set.node_sections(self.PAGE)
        self.assertEqual(title, "File system")
        self.assertEqual([heading for heading, _ in sections], ["", "## Promises API"])
        body = "\n".join(sections[1][1])
        self.assertIn("## not a section: inside a fence", body)
        self.assertNotIn("added: v10.0.0", body)

    def test_a_question_is_the_first_sentence_of_a_headings_first_paragraph(self):
        _, sections = make_eval_set.node_sections(self.PAGE)
        lines = sections[1][1]
        opened = lines.index("### `fsPromises.open(path)`")
        sentence, at = make_eval_set.node_question(lines, opened)
        self.assertEqual(sentence, "Opens a file handle for reading and writing.")
        self.assertTrue(lines[at].startswith("Opens"))
        # The next heading comes before any paragraph; a paragraph too short to ask anything.
        self.assertIsNone(make_eval_set.node_question(lines, lines.index("### `fsPromises.rm(path)`")))
        self.assertIsNone(make_eval_set.node_question(lines, lines.index("### `fsPromises.stat(path)`")))


if __name__ == "__main__":
    unittest.main()
