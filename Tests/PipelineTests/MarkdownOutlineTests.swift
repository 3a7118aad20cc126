import Testing

@testable import Pipeline

@Suite struct MarkdownOutlineTests {
    func outline(_ text: String) -> MarkdownOutline { MarkdownOutline(Array(text.utf8)) }

    @Test func atxAndSetextHeadingsWithTheirLevelsAndStarts() {
        let text = "# Guide #\nintro\n\n  ## Install ##  \nsteps\n\nUsage\n=====\nrun it\n\nNotes\nand more\n---\n###### Deep\n"
        let found = outline(text).headings
        #expect(found.map(\.text) == ["Guide", "Install", "Usage", "Notes and more", "Deep"])
        #expect(found.map(\.level) == [1, 2, 1, 2, 6])
        let bytes = Array(text.utf8)
        // Each starts at its first line: the setext heading at its text, not its underline.
        #expect(found.map { String(decoding: bytes[$0.start...].prefix(5), as: UTF8.self) } == [
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

    @Test func walkingAlongADocumentGivesTheSamePathsAsAskingAtEachPoint() {
        let text = (0..<60).map { "\(String(repeating: "#", count: 1 + $0 * 7 % 6)) H\($0)\ntext \($0)\n" }.joined()
        let found = outline(text)
        var walker = MarkdownOutline.Walker(found)
        for offset in stride(from: 0, to: text.utf8.count, by: 5) {
            #expect(walker.path(at: offset) == found.path(at: offset), "at \(offset)")
        }
    }
}
