import Testing

@testable import Pipeline

@Suite struct MarkdownOutlineTests {
    func outline(_ text: String) -> MarkdownOutline { MarkdownOutline(Array(text.utf8)) }

    @Test func atxAndSetextHeadingsWithTheirLevelsAndStarts() {
        let text =
            "# Guide #\nintro\n\n  ## Install ##  \nsteps\n\nUsage\n=====\nrun it\n\nNotes\nand more\n---\n###### Deep\n"
        let found = outline(text).headings
        #expect(found.map(\.text) == ["Guide", "Install", "Usage", "Notes and more", "Deep"])
        #expect(found.map(\.level) == [1, 2, 1, 2, 6])
        let bytes = Array(text.utf8)
        // Each starts at its first line: the setext heading at its text, not its underline.
        #expect(
            found.map { String(decoding: bytes[$0.start...].prefix(5), as: UTF8.self) } == [
                "# Gui", "  ## ", "Usage", "Notes", "#####",
            ])
    }

    @Test func whatIsNotAHeading() {
        // No space after the marks, seven marks, indented code, an underline with no paragraph above, an empty
        // heading, and a closing run that is part of the text.
        let text = "#hashtag\n####### seven\n    # code\n\n---\n#\n## C# ##\n"
        #expect(outline(text).headings.map(\.text) == ["C#"])
    }

    @Test func fencesHideHeadingsAndRunToTheirClose() {
        let text = "```sh\n# a comment\n```\n~~~~\n## not\n~~~\n~~~~\n# After\n````\n# inside an unclosed fence\n"
        let found = outline(text)
        #expect(found.headings.map(\.text) == ["After"])
        #expect(found.fences.count == 3)
        let bytes = Array(text.utf8)
        #expect(String(decoding: bytes[found.fences[0]], as: UTF8.self) == "```sh\n# a comment\n```\n")
        // A closing fence must be at least as long as the opening one and of the same kind.
        #expect(String(decoding: bytes[found.fences[1]], as: UTF8.self) == "~~~~\n## not\n~~~\n~~~~\n")
        #expect(found.fences[2].upperBound == bytes.count)
    }

    @Test func windowsLineEndsAndTheHeadingPathAtAnyPoint() {
        let text = "# A\r\none\r\n## B\r\ntwo\r\n### C\r\nthree\r\n## D\r\nfour\r\n"
        let found = outline(text)
        #expect(found.headings.map(\.text) == ["A", "B", "C", "D"])
        let bytes = Array(text.utf8)
        func path(before word: String) -> [String] {
            let offset = String(decoding: bytes, as: UTF8.self).utf8.firstRange(of: word.utf8)!.lowerBound
            return found.path(at: text.utf8.distance(from: text.utf8.startIndex, to: offset))
        }
        #expect(path(before: "one") == ["A"])
        #expect(path(before: "three") == ["A", "B", "C"])
        // A heading of the same level closes the one before, and its children.
        #expect(path(before: "four") == ["A", "D"])
        #expect(found.path(at: 0) == ["A"])
    }

    @Test func pathsFollowEachHeadingsParentsAsAWalkFromTheTopWould() {
        let text = (0..<60).map { "\(String(repeating: "#", count: 1 + $0 * 7 % 6)) H\($0)\ntext \($0)\n" }.joined()
        let found = outline(text)
        // The reference: every heading up to the point, a stack closed by same-or-higher levels.
        func walked(_ offset: Int) -> [String] {
            var stack: [MarkdownOutline.Heading] = []
            for heading in found.headings where heading.start <= offset {
                while let last = stack.last, last.level >= heading.level { stack.removeLast() }
                stack.append(heading)
            }
            return stack.map(\.text)
        }
        for offset in stride(from: 0, to: text.utf8.count, by: 5) {
            #expect(found.path(at: offset) == walked(offset), "at \(offset)")
        }
    }

    @Test func breaksListsQuotesAndFrontMatterAreNotHeadings() {
        // A thematic break, then a paragraph underlined: a break, then a heading (CommonMark).
        #expect(outline("Intro.\n\n---\nNext para line\n---\n").headings.map(\.text) == ["Next para line"])
        // A list, or a quote, followed by dashes: a break, not a heading.
        #expect(outline("- item one\n- item two\n---\n").headings.isEmpty)
        #expect(outline("> quoted\n---\n").headings.isEmpty)
        #expect(outline("Paragraph\n***\n").headings.isEmpty)
        // YAML front matter is skipped; the heading after it is the first.
        let front = outline("---\ntitle: Front\ntags: [x, y]\n---\n# Real\n")
        #expect(front.headings.map(\.text) == ["Real"])
        #expect(front.contentStart == "---\ntitle: Front\ntags: [x, y]\n---\n".utf8.count)
        // Unclosed, it is not front matter.
        #expect(outline("---\n# Heading\n").headings.map(\.text) == ["Heading"])
        // A byte order mark does not hide the first heading.
        #expect(outline("\u{FEFF}# Bom Title\ntext\n").headings.map(\.text) == ["Bom Title"])
    }

    @Test func aHeadingKeepsAtMostTwoHundredCharacters() {
        let long = String(repeating: "word ", count: 10_000)
        let found = outline(long + "\n---\n# " + long + "\n")
        #expect(found.headings.count == 2)
        #expect(found.headings.allSatisfy { $0.text.count == MarkdownOutline.maximumHeadingCharacters })
    }
}
