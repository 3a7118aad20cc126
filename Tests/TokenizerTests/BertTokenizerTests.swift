import Foundation
import TestSupport
import Testing

@testable import Tokenizer

@Suite struct BertTokenizerTests {
    static let modelDirectory = ProjectPaths.model().path

    @Test func stepByStepPathAgreesWithTheTablePathOnEveryGoldenText() throws {
        let tokenizer = try BertTokenizer(directory: Self.modelDirectory)
        var differing: [String] = []
        for golden in GoldenCase.all {
            for text in [golden.text] + (golden.pair.map { [$0] } ?? []) {
                var fast = Encoding()
                var exact = Encoding()
                tokenizer.tokenize(text, into: &fast)
                tokenizer.tokenize(text, into: &exact, exactly: true)
                if fast != exact { differing.append(text.debugDescription) }
            }
        }
        #expect(differing.isEmpty, "\(differing.prefix(5))")
    }

    @Test func reorderedMarksTakeTheOffsetsOfTheirNewPosition() throws {
        // U+302E/U+302F (Mc, class 224) follow U+302B/U+302C (Mn, 228/232): NFD moves them forward, and
        // `tokenizers` gives each scalar the offset of the position it lands on.
        let tokenizer = try BertTokenizer(directory: Self.modelDirectory)
        let encoding = tokenizer.encode("\u{3021}\u{302B}\u{302C}\u{302E}\u{302F}", addSpecialTokens: false)
        #expect(encoding.offsets == [TokenOffset(start: 0, end: 3)])
    }

    @Test func vocabularyFileAloneGivesTheSameIdsAsTokenizerJSON() throws {
        let fromJSON = try BertTokenizer(directory: Self.modelDirectory)
        let directory = try TemporaryDirectory()
        try FileManager.default.copyItem(
            atPath: Self.modelDirectory + "/vocab.txt", toPath: directory.file("vocab.txt"))
        let fromVocabulary = try BertTokenizer(directory: directory.path)
        #expect(fromVocabulary.vocabularySize == fromJSON.vocabularySize)
        for golden in GoldenCase.all.prefix(400) where golden.pair == nil {
            #expect(
                fromVocabulary.encode(golden.text) == fromJSON.encode(golden.text), "\(golden.text.debugDescription)")
        }
    }

    @Test func utf8OffsetsCutTheSameTextAsScalarOffsets() throws {
        let tokenizer = try BertTokenizer(directory: Self.modelDirectory)
        for golden in GoldenCase.all where golden.pair == nil {
            let encoding = tokenizer.encode(golden.text, addSpecialTokens: false)
            let scalars = Array(golden.text.unicodeScalars)
            let bytes = Array(golden.text.utf8)
            for (offset, utf8) in zip(encoding.offsets, encoding.utf8Offsets) {
                let byScalars = String(String.UnicodeScalarView(scalars[Int(offset.start)..<Int(offset.end)]))
                let byBytes = String(decoding: bytes[Int(utf8.start)..<Int(utf8.end)], as: UTF8.self)
                #expect(byScalars == byBytes)
            }
        }
    }

    @Test func pairsAreTruncatedLongestFirst() {
        #expect(BertTokenizer.longestFirst(3, 4, budget: 10) == (3, 4))
        #expect(BertTokenizer.longestFirst(2, 20, budget: 10) == (2, 8))
        #expect(BertTokenizer.longestFirst(20, 2, budget: 10) == (8, 2))
        #expect(BertTokenizer.longestFirst(20, 30, budget: 10) == (5, 5))
        #expect(BertTokenizer.longestFirst(30, 20, budget: 11) == (6, 5))
        #expect(BertTokenizer.longestFirst(20, 30, budget: 11) == (5, 6))
        #expect(BertTokenizer.longestFirst(5, 5, budget: 0) == (0, 0))
    }

    @Test func batchesArePaddedToTheLongestWithAMask() throws {
        let tokenizer = try BertTokenizer(directory: Self.modelDirectory)
        let batch = tokenizer.encodeBatch(["a b c d", "a"])
        #expect(batch.rows == 2)
        #expect(batch.sequenceLength == 6)
        #expect(batch.lengths == [6, 3])
        #expect(Array(batch.attentionMask[6..<12]) == [1, 1, 1, 0, 0, 0])
        #expect(Array(batch.inputIDs[6..<12]) == [101, 1037, 102, 0, 0, 0])
        #expect(batch.tokenCount == 9)
    }

    @Test func emptyAndWhitespaceOnlyTextsAreJustTheSpecialTokens() throws {
        let tokenizer = try BertTokenizer(directory: Self.modelDirectory)
        for text in ["", " ", "\t\n\r", "\u{3000}\u{200B}\u{0}"] {
            #expect(tokenizer.encode(text).ids == [101, 102])
        }
    }

    @Test func longWordsBecomeOneUnknownToken() throws {
        let tokenizer = try BertTokenizer(directory: Self.modelDirectory)
        let encoding = tokenizer.encode(String(repeating: "a", count: 101), addSpecialTokens: false)
        #expect(encoding.ids == [tokenizer.unknownID])
        #expect(encoding.offsets == [TokenOffset(start: 0, end: 101)])
        #expect(
            tokenizer.encode(String(repeating: "a", count: 100), addSpecialTokens: false).ids != [tokenizer.unknownID])
    }

    @Test func missingAndUnsupportedFilesAreClearErrors() throws {
        let directory = try TemporaryDirectory()
        let empty = #expect(throws: TokenizerError.self) { try BertTokenizer(directory: directory.path) }
        #expect(empty?.description.contains("no tokenizer.json or vocab.txt") == true)

        try directory.write("tokenizer.json", "{\"model\": {\"type\": \"BPE\", \"vocab\": {}}}")
        let bpe = #expect(throws: TokenizerError.self) { try BertTokenizer(directory: directory.path) }
        #expect(bpe?.message.contains("only WordPiece") == true)

        try directory.write("tokenizer.json", "{not json")
        let broken = #expect(throws: TokenizerError.self) { try BertTokenizer(directory: directory.path) }
        #expect(broken?.path.hasSuffix("tokenizer.json") == true)

        try directory.write("tokenizer.json", "{\"model\": {\"type\": \"WordPiece\", \"vocab\": {\"a\": 0}}}")
        let noUnknown = #expect(throws: TokenizerError.self) { try BertTokenizer(directory: directory.path) }
        #expect(noUnknown?.message.contains("[UNK]") == true)
    }
}
