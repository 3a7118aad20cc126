import Foundation
import Store
import Synchronization
import TestSupport
import Testing
import TextIO
import Checksum

@testable import Pipeline

/// The reader, followed by the validator's rules as the validating stage applies them (without a store): what
/// a corpus becomes before chunking.
@Suite struct CorpusReaderTests {
    enum Item {
        case document(SourceDocument)
        case rejected(RejectInput)
    }

    func readAll(_ sources: [PipelineDefinition.Source], limit: Int = 1000) async throws -> [Item] {
        var items: [Item] = []
        var origins = ValidatingStage.Origins()
        let validator = Validator(maxDocumentBytes: limit, maxChunksPerDocument: 2000)
        try await CorpusReader(sources: sources, maxDocumentBytes: limit).read { item in
            switch item {
            case .document(let read):
                if origins.insert(read) != nil {
                    items.append(.rejected(Validator.duplicate(read, firstReadAt: "an earlier line")))
                    return
                }
                switch validator.validate(read) {
                case .accepted(let document): items.append(.document(document))
                case .rejected(let reject): items.append(.rejected(reject))
                }
            case .problem(let problem): items.append(.rejected(problem))
            case .sourceFinished: break
            }
        }
        return items
    }

    var documents: (([Item]) -> [SourceDocument]) {
        { items in
            items.compactMap {
                if case .document(let document) = $0 { return document }
                return nil
            }
        }
    }

    var rejects: (([Item]) -> [RejectInput]) {
        { items in
            items.compactMap {
                if case .rejected(let reject) = $0 { return reject }
                return nil
            }
        }
    }

    @Test func walksFoldersInSortedOrderWithGlobsAndHashes() async throws {
        let directory = try TemporaryDirectory()
        try directory.write("docs/b.md", "bravo")
        try directory.write("docs/a.txt", "alpha")
        try directory.write("docs/sub/c.md", "charlie")
        try directory.write("docs/sub/drafts/d.md", "draft")
        try directory.write("docs/.hidden/e.md", "hidden")
        try directory.write("docs/image.png", "not text")
        var source = PipelineDefinition.Source(path: directory.file("docs"))
        source.exclude = [Glob("**/drafts/**")]
        source.keyPrefix = "kb/"
        let found = documents(try await readAll([source]))
        #expect(found.map(\.key) == ["kb/a.txt", "kb/b.md", "kb/sub/c.md"])
        #expect(found[0].text == "alpha")
        #expect(found[0].header.contentHash == SHA256.hex(Array("alpha".utf8)))
        #expect(found[0].header.source == directory.file("docs/a.txt"))
        #expect(found[0].header.metadata["path"] == .string("kb/a.txt"))
    }

    @Test func badFilesAreRejectedWithReasonAndLimit() async throws {
        let directory = try TemporaryDirectory()
        try directory.write("docs/binary.txt", bytes: Array("abc".utf8) + [0] + Array("def".utf8))
        try directory.write("docs/latin1.txt", bytes: [0x63, 0x61, 0x66, 0xE9])
        try directory.write("docs/empty.md", " \n\t\n")
        try directory.write("docs/good.md", "fine")
        // 50 MB, sparse: rejected from its size alone, never read.
        let huge = directory.file("docs/huge.txt")
        try #require(FileManager.default.createFile(atPath: huge, contents: nil))
        let handle = try #require(FileHandle(forWritingAtPath: huge))
        try handle.truncate(atOffset: 50_000_000)
        try handle.close()
        let items = try await readAll([PipelineDefinition.Source(path: directory.file("docs"))])
        #expect(documents(items).map(\.key) == ["good.md"])
        let reasons = Dictionary(uniqueKeysWithValues: rejects(items).map { ($0.document?.key ?? "", $0) })
        #expect(reasons["binary.txt"]?.reason == "binary content")
        #expect(reasons["binary.txt"]?.detail == "NUL byte at offset 3")
        #expect(reasons["latin1.txt"]?.reason == "invalid UTF-8")
        #expect(reasons["latin1.txt"]?.detail == "at byte 4")
        #expect(reasons["empty.md"]?.reason == "empty document")
        #expect(reasons["huge.txt"]?.reason == "document too large")
        #expect(reasons["huge.txt"]?.limit == "1000 bytes")
        #expect(reasons["huge.txt"]?.detail == "50000000 bytes")
    }

    @Test func jsonLinesRecordsWithFieldsMetadataAndBadLines() async throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write(
            "data.jsonl",
            """
            {"uid": 7, "body": "seven", "lang": "en", "extra": 1}
            {"uid": "x", "body": "ex"}
            not json
            {"uid": "y"}
            {"body": "no id"}
            {"uid": 7, "body": "duplicate"}

            {"uid": "z", "body": "\(String(repeating: "z", count: 2000))"}
            """)
        var source = PipelineDefinition.Source(path: path)
        source.idField = "uid"
        source.textField = "body"
        source.metadataFields = ["lang"]
        let items = try await readAll([source])
        let found = documents(items)
        #expect(found.map(\.key) == ["7", "x"])
        #expect(found[0].header.metadata == ["lang": .string("en")])
        #expect(found[0].header.input == path && found[0].header.line == 1)
        #expect(found[1].header.metadata == [:])
        let problems = rejects(items).map { "\($0.line ?? 0): \($0.reason)" }
        #expect(
            problems == [
                "3: invalid JSON", "4: no \"body\" field", "5: no \"uid\" field", "6: duplicate document id",
                "8: document too large",
            ])
    }

    @Test func changedMetadataChangesTheHash() async throws {
        let directory = try TemporaryDirectory()
        let first = try directory.write("a.jsonl", #"{"id": 1, "text": "same", "tag": "a"}"#)
        let second = try directory.write("b.jsonl", #"{"id": 1, "text": "same", "tag": "b"}"#)
        let a = documents(try await readAll([PipelineDefinition.Source(path: first)]))
        let b = documents(try await readAll([PipelineDefinition.Source(path: second)]))
        #expect(a[0].header.contentHash != b[0].header.contentHash)
    }

    @Test func stopsBetweenDocumentsWhenAsked() async throws {
        let directory = try TemporaryDirectory()
        for index in 0..<10 { try directory.write("docs/\(index).txt", "document \(index)") }
        var count = 0
        try await CorpusReader(
            sources: [PipelineDefinition.Source(path: directory.file("docs"))], maxDocumentBytes: 100
        )
        .read(shouldStop: { false }) { item in
            if case .document = item { count += 1 }
        }
        #expect(count == 10)
        let stopAfterThree = StopSwitch()
        var partial = 0
        try await CorpusReader(
            sources: [PipelineDefinition.Source(path: directory.file("docs"))], maxDocumentBytes: 100
        )
        .read(shouldStop: { stopAfterThree.isOn }) { _ in
            partial += 1
            if partial == 3 { stopAfterThree.turnOn() }
        }
        #expect(partial == 3)
    }
}

final class StopSwitch: Sendable {
    private let flag = Mutex(false)
    var isOn: Bool { flag.withLock { $0 } }
    func turnOn() { flag.withLock { $0 = true } }
}
