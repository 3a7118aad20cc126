import TestSupport
import Testing
import Tokenizer

@testable import Pipeline

/// The chunker on Markdown: cuts before headings, not inside fences, each chunk with its heading path.
@Suite struct StructuredChunkerTests {
    static let tokenizer: BertTokenizer? = try? BertTokenizer(directory: ProjectPaths.model().path)

    func chunker(_ maxTokens: Int, _ overlap: Int) throws -> Chunker {
        Chunker(tokenizer: try #require(Self.tokenizer), maxTokens: maxTokens, overlap: overlap)
    }

    /// A paragraph of about `pieces` word pieces, its sentences numbered from `tag`.
    func prose(_ tag: String, pieces: Int) -> String {
        (0..<max(1, pieces / 8)).map { "Sentence \(tag) \($0) talks about things." }.joined(separator: " ")
    }

    @Test func sectionsStartChunksOfTheirOwnWithTheirHeadingPath() throws {
        let text = """
            # Guide

            \(prose("intro", pieces: 40))

            ## Install

            \(prose("install", pieces: 40))

            ### On Linux

            \(prose("linux", pieces: 40))

            ## Usage

            \(prose("usage", pieces: 40))
            """
        let chunks = try chunker(64, 16).chunks(of: text, markdown: true) { _ in 0 }
        // Every section fits a window: one chunk each, starting at its heading, without the overlap.
        #expect(
            chunks.map(\.section) == [
                ["Guide"], ["Guide", "Install"], ["Guide", "Install", "On Linux"], ["Guide", "Usage"],
            ])
        #expect(chunks.map { $0.text.prefix(4) } == ["# Gu", "## I", "### ", "## U"])
        // As plain text the same document is cut wherever the budget ends, with the overlap.
        let plain = try chunker(64, 16).chunks(of: text, markdown: false) { _ in 0 }
        #expect(plain.allSatisfy { $0.section.isEmpty })
        #expect(plain.map(\.text) != chunks.map(\.text))
        #expect(try chunker(64, 16).chunks(of: text).map(\.text) == plain.map(\.text))
    }

    @Test func smallSectionsShareAChunkAndLongOnesAreCutWithinTheirText() throws {
        let text = """
            ## A
            Short.
            ## B
            Also short.
            ## C
            \(prose("c", pieces: 200))
            """
        let chunks = try chunker(64, 16).chunks(of: text, markdown: true) { _ in 0 }
        // A and B are under a quarter of a window: they do not end a chunk.
        #expect(chunks[0].text.hasPrefix("## A") && chunks[0].text.contains("## B"))
        #expect(chunks[0].section == ["A"])
        // C's long text is cut at sentence ends with the overlap; each chunk of it says it is under C.
        let underC = chunks.filter { $0.text.contains("Sentence c") }
        #expect(underC.count >= 3)
        #expect(underC.dropFirst().allSatisfy { $0.section == ["C"] })
        for chunk in chunks.dropLast() where chunk.section == ["C"] { #expect(chunk.text.hasSuffix(".")) }
        #expect(chunks.allSatisfy { $0.tokenIDs.count <= 64 })
    }

    @Test func aFencedBlockIsNotCutAtItsBlankLinesOrPeriods() throws {
        // About 48 pieces of prose, a fence of about 40, then prose: an 80-piece window ends inside the fence.
        let code = (0..<2).map { "let value\($0) = compute(\($0)).result\n\nprint(value\($0))." }.joined(
            separator: "\n")
        let text = "\(prose("before", pieces: 48))\n\n```swift\n\(code)\n```\n\n\(prose("after", pieces: 60))"
        let fence = MarkdownOutline(Array(text.utf8)).fences[0]
        /// Chunks ending strictly inside the fence (the text is ASCII: scalar offsets are byte offsets).
        func insideEnds(_ chunks: [ChunkPlan]) -> [ChunkPlan] {
            chunks.filter { fence.lowerBound < $0.characterEnd && $0.characterEnd < fence.upperBound - 1 }
        }
        // The fence fits a window: the first window ends before it rather than inside.
        let chunks = try chunker(80, 8).chunks(of: text, markdown: true) { _ in 0 }
        #expect(insideEnds(chunks).isEmpty, "\(insideEnds(chunks).map(\.text))")
        // As plain text, a window ends at a blank line or a period inside the code.
        #expect(chunks[0].text.hasSuffix("things."))
        #expect(!insideEnds(try chunker(80, 8).chunks(of: text, markdown: false) { _ in 0 }).isEmpty)
    }

    @Test func aFenceLongerThanAWindowIsCutAtLineEnds() throws {
        let code = (0..<40).map { "call(number: \($0), name: \"item\($0)\")" }.joined(separator: "\n")
        let text = "```\n\(code)\n```\n"
        let chunks = try chunker(48, 8).chunks(of: text, markdown: true) { _ in 0 }
        #expect(chunks.count > 3)
        for chunk in chunks.dropLast() {
            #expect(chunk.text.hasSuffix(")"), "cut inside a line: \(chunk.text.suffix(20))")
        }
    }

    @Test func theReservationFollowsEachWindowsSection() throws {
        let text = "# T\n\n\(prose("a", pieces: 30))\n\n## Long section name here\n\n\(prose("b", pieces: 120))"
        var asked: [[String]] = []
        let chunks = try chunker(64, 8).chunks(of: text, markdown: true) { section in
            asked.append(section)
            return section.count * 10  // 10 pieces per heading
        }
        for chunk in chunks { #expect(chunk.tokenIDs.count <= 64 - chunk.section.count * 10) }
        #expect(asked.contains(["T", "Long section name here"]))
    }

    @Test func aChunkIsLabelledBelowTheHeadingsItOpensWithAndFoundUnderThoseInside() throws {
        let text = "# Doc\n\n## One\n\n\(prose("one", pieces: 40))\n\n## Two\n\nShort.\n\n## License\n\nMIT.\n"
        let chunks = try chunker(200, 16).chunks(of: text, markdown: true) { _ in 0 }
        #expect(chunks.count == 1)
        // It opens with "# Doc" and "## One": its words are under One.
        #expect(chunks[0].section == ["Doc", "One"])
        #expect(chunks[0].laterSections == [["Doc", "Two"], ["Doc", "License"]])
        // Headings inside a chunk are counted once each, at most eight.
        let many = (0..<20).map { "## H\($0)\nx.\n" }.joined()
        let capped = try chunker(500, 16).chunks(of: "# T\n" + many, markdown: true) { _ in 0 }
        #expect(capped[0].laterSections.count == Chunker.maximumLaterSections)
    }
}
