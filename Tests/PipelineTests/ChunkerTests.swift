import Pipeline
import TestSupport
import Testing
import Tokenizer

@Suite struct ChunkerTests {
    static let tokenizer: BertTokenizer? = try? BertTokenizer(directory: ProjectPaths.model().path)

    func chunker(_ maxTokens: Int, _ overlap: Int) throws -> Chunker {
        Chunker(tokenizer: try #require(Self.tokenizer), maxTokens: maxTokens, overlap: overlap)
    }

    @Test func shortTextIsOneChunkWithTheWholeText() throws {
        let text = "  Hello, world! A short note.  "
        let chunks = try chunker(50, 10).chunks(of: text)
        #expect(chunks.count == 1)
        #expect(chunks[0].text == "Hello, world! A short note.")
        #expect(chunks[0].characterStart == 2)
        #expect(chunks[0].characterEnd == 29)
        #expect(try chunker(50, 10).chunks(of: " \n ").isEmpty)
    }

    @Test func windowsFitOverlapAndCutTheOriginalText() throws {
        let sentences = (0..<60).map { "Sentence number \($0) talks about tokenization and chunking." }
        let text = sentences.joined(separator: " ")
        let tokenizer = try #require(Self.tokenizer)
        let chunks = try chunker(40, 8).chunks(of: text)
        #expect(chunks.count > 10)
        let scalars = Array(text.unicodeScalars)
        for (index, chunk) in chunks.enumerated() {
            #expect(chunk.ordinal == index)
            #expect(chunk.tokenIDs.count <= 40)
            if index < chunks.count - 1 { #expect(chunk.tokenIDs.count >= 20) }  // no tiny chunk mid-text
            // The text is the original span, and re-tokenizes to the same pieces.
            let span = String(String.UnicodeScalarView(scalars[chunk.characterStart..<chunk.characterEnd]))
            #expect(chunk.text == span)
            #expect(tokenizer.encode(chunk.text, addSpecialTokens: false).ids == chunk.tokenIDs)
            // Sentence ends are preferred to cuts inside a sentence.
            if index < chunks.count - 1 { #expect(chunk.text.hasSuffix(".")) }
        }
        for (previous, next) in zip(chunks, chunks.dropFirst()) {
            #expect(next.characterStart < previous.characterEnd, "consecutive chunks overlap")
        }
        #expect(chunks.last?.characterEnd == scalars.count - 1 || chunks.last?.text.hasSuffix("chunking.") == true)
    }

    @Test func paragraphBreaksComeBeforeSentenceEnds() throws {
        let paragraph = (0..<5).map { "Line \($0) of the first paragraph is here." }.joined(separator: " ")
        let text = paragraph + "\n\n" + paragraph.replacingOccurrences(of: "first", with: "second")
        let chunks = try chunker(80, 0).chunks(of: text)
        #expect(chunks.count == 2)
        #expect(chunks[0].text == paragraph)
        #expect(chunks[1].text.hasPrefix("Line 0 of the second"))
    }

    @Test func chunksNeverStartInsideAWord() throws {
        let text = String(repeating: "internationalization unbelievably ", count: 80)
        let tokenizer = try #require(Self.tokenizer)
        for chunk in try chunker(30, 7).chunks(of: text) {
            #expect(!tokenizer.isContinuation(chunk.tokenIDs[0]))
        }
    }

    @Test func theSameTextGivesTheSameChunks() throws {
        let text = (0..<200).map { "word\($0 % 37)" }.joined(separator: " ")
        #expect(try chunker(50, 10).chunks(of: text) == chunker(50, 10).chunks(of: text))
    }
}

@Suite struct ChunkerReservationTests {
    @Test func piecesReservedForATitleComeOutOfEveryWindow() throws {
        let chunker = Chunker(
            tokenizer: try #require(ChunkerTests.tokenizer), maxTokens: 40, overlap: 8)
        let text = (0..<40).map { "Sentence \($0) is about reserving room for titles." }.joined(separator: " ")
        let plain = chunker.chunks(of: text)
        let reserved = chunker.chunks(of: text, reserving: 12)
        #expect(plain.allSatisfy { $0.tokenIDs.count <= 40 })
        #expect(reserved.allSatisfy { $0.tokenIDs.count <= 28 })
        #expect(reserved.count > plain.count)
        // The overlap asked for is kept while windows start at least every half step: with 32-piece windows
        // overlapping by 16, 12 pieces reserved leave windows of 20 overlapping by 12 (a step of 8, not 4).
        let wide = Chunker(tokenizer: try #require(ChunkerTests.tokenizer), maxTokens: 32, overlap: 16)
        let words = Array(repeating: "word", count: 320).joined(separator: " ")
        let unreserved = wide.chunks(of: words)
        let titled = wide.chunks(of: words, reserving: 12)
        #expect(titled.allSatisfy { $0.tokenIDs.count <= 20 })
        #expect(titled.count <= 2 * unreserved.count + 1, "\(titled.count) against \(unreserved.count)")
        // The default settings keep their overlap: 254-piece windows, 32 shared, 8 reserved.
        let full = Chunker(tokenizer: try #require(ChunkerTests.tokenizer), maxTokens: 254, overlap: 32)
        let long = Array(repeating: "word", count: 2_000).joined(separator: " ")
        let pieces = full.chunks(of: long, reserving: 8)
        #expect(pieces.count >= 2 && pieces[0].tokenIDs.count == 246)
        #expect(pieces[0].characterEnd > pieces[1].characterStart)  // they overlap
        #expect(long.unicodeScalars.count > 0 && pieces[1].characterStart == 5 * (246 - 32))
        // A reservation larger than the budget still leaves the text one piece a window, and ends.
        let tiny = chunker.chunks(of: "one two three", reserving: 100)
        #expect(tiny.map(\.tokenIDs.count) == [1, 1, 1])
    }
}
