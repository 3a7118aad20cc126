import Embedding
import Foundation
import Store
import TestSupport
import Testing
import Tokenizer

@testable import Pipeline

/// The writer alone, fed messages by hand: how it assembles documents, records failures, holds back removals
/// and ends a run.
@Suite struct WritingStageTests {
    let directory: TemporaryDirectory
    var definition: PipelineDefinition

    init() throws {
        directory = try TemporaryDirectory()
        try directory.write("corpus/a.txt", "a")
        definition = PipelineDefinition(
            store: directory.file("s.sqlite"), sources: [PipelineDefinition.Source(path: directory.file("corpus"))])
        definition.commitSeconds = 3600  // commits only when told, or when a batch is full
    }

    func writer() throws -> WritingStage {
        let chunker = Chunker(
            tokenizer: try BertTokenizer(directory: ProjectPaths.model().path), maxTokens: 254, overlap: 32)
        return try WritingStage.open(
            definition: definition, model: PipelineRunnerTests.model, chunker: chunker, verifiedWeights: nil,
            monitor: RunMonitor(), faults: .none)
    }

    func header(_ key: String, hash: String = "h") -> DocumentHeader {
        DocumentHeader(
            key: key, source: directory.file("corpus/\(key)"), input: directory.file("corpus/\(key)"),
            contentHash: hash, byteSize: 10, metadata: [:])
    }

    func plan(_ sequence: UInt64, _ key: String, chunks: Int, hash: String = "h") -> WriterMessage {
        .planned(
            DocumentPlan(
                sequence: sequence, header: header(key, hash: hash),
                chunks: (0..<chunks).map {
                    ChunkPlan(ordinal: $0, tokenIDs: [1, 2], text: "chunk \($0)", characterStart: 0, characterEnd: 5)
                }))
    }

    func vector(_ sequence: UInt64, _ ordinal: Int, failing: Bool = false) -> EmbeddedChunk {
        var encoding = Encoding()
        encoding.ids = [101, 102]
        let job = ChunkJob(document: sequence, ordinal: ordinal, encoding: encoding)
        return EmbeddedChunk(
            job: job,
            result: failing ? .failure(EmbeddingFailure(message: "boom")) : .success(ChunkEmbedding(vector: Array(repeating: 0.5, count: 8))))
    }

    func feed(_ writer: WritingStage, _ messages: [WriterMessage]) async throws {
        let channel = BoundedChannel<WriterMessage>(capacity: messages.count + 1)
        for message in messages { try await channel.send(message) }
        channel.finish()
        try await writer.consume(channel)
    }

    @Test func aDocumentIsStoredWhenItsLastChunkArrivesInWhateverOrder() async throws {
        let writer = try writer()
        try await feed(
            writer,
            [
                plan(1, "a.txt", chunks: 3), .embedded([vector(1, 2)]), .embedded([vector(1, 0)]),
                plan(2, "b.txt", chunks: 1), .embedded([vector(2, 0), vector(1, 1)]),
                .sourceFinished(SourceReport(index: 0, documents: 2, complete: true, isFolder: true)),
                .readingFinished(complete: true),
            ])
        let report = try writer.finish(failure: nil, shouldStop: { false }, elapsed: { 0 })
        #expect(report.outcome == .completed)
        #expect(report.counters.documentsIndexed == 2 && report.counters.chunksWritten == 4)
        #expect(try writer.store.statistics().chunks == 4)
    }

    @Test func documentsHeavyWithTokenStatesAreCommittedBeforeTheyPileUp() async throws {
        let writer = try writer()
        func heavy(_ sequence: UInt64) -> WriterMessage {
            var embedded = vector(sequence, 0)
            // 40 MB of states: two such documents pass the writer's 64 MB budget long before 64 documents.
            embedded.result = .success(
                ChunkEmbedding(
                    vector: Array(repeating: 0.5, count: 8),
                    states: PackedTokenStates(bytes: Array(repeating: 1, count: 40 << 20))))
            return .embedded([embedded])
        }
        try await feed(writer, [plan(1, "a.txt", chunks: 1), heavy(1), plan(2, "b.txt", chunks: 1), heavy(2)])
        // Committed without a final commit, a full batch of documents or the clock.
        #expect(try writer.store.statistics().documents == 2)
        #expect(try writer.store.statistics().stateBytes == 80 << 20)
    }

    @Test func aDocumentWithAFailedChunkIsAFailureNotStoredNotRejected() async throws {
        let writer = try writer()
        try await feed(
            writer,
            [
                plan(1, "a.txt", chunks: 2), .embedded([vector(1, 0), vector(1, 1, failing: true)]),
                .readingFinished(complete: true),
            ])
        let failure = #expect(throws: RunFailure.self) {
            try writer.finish(failure: nil, shouldStop: { false }, elapsed: { 0 })
        }
        #expect((failure?.underlying as? DocumentFailures)?.count == 1)
        #expect(failure?.report.counters.documentsFailed == 1)
        #expect(try writer.store.statistics().documents == 0)
        #expect(try writer.store.rejects().first?.code == .inferenceFailed)
    }

    @Test func aDocumentLeftHalfEmbeddedFailsTheRunUnlessItWasStopped() async throws {
        do {
            let writer = try writer()
            try await feed(
                writer, [plan(1, "a.txt", chunks: 2), .embedded([vector(1, 0)]), .readingFinished(complete: true)])
            let failure = #expect(throws: RunFailure.self) {
                try writer.finish(failure: nil, shouldStop: { false }, elapsed: { 0 })
            }
            #expect(failure?.underlying is RunInvariantError)
        }

        let stopped = try self.writer()
        try await feed(stopped, [plan(1, "a.txt", chunks: 2), .embedded([vector(1, 0)]), .readingFinished(complete: false)])
        #expect(try stopped.finish(failure: nil, shouldStop: { true }, elapsed: { 0 }).outcome == .interrupted)
    }

    @Test func aVectorForADocumentNeverPlannedFailsTheRun() async throws {
        let writer = try writer()
        try await feed(writer, [.embedded([vector(9, 0)]), .readingFinished(complete: true)])
        let failure = #expect(throws: RunFailure.self) {
            try writer.finish(failure: nil, shouldStop: { false }, elapsed: { 0 })
        }
        #expect((failure?.underlying as? RunInvariantError)?.message.contains("not planned") == true)
    }

    @Test func aRejectOfAnIndexedDocumentWaitsForTheEndAndObeysTheShare() async throws {
        do {
            let first = try writer()
            try await feed(
                first,
                [
                    plan(1, "a.txt", chunks: 1), .embedded([vector(1, 0)]), plan(2, "b.txt", chunks: 1),
                    .embedded([vector(2, 0)]), .readingFinished(complete: true),
                ])
            _ = try first.finish(failure: nil, shouldStop: { false }, elapsed: { 0 })
        }
        // Both documents are now empty: two of two would lose their vectors.
        let second = try writer()
        let rejects = ["a.txt", "b.txt"].map { key in
            WriterMessage.problem(
                RejectInput(input: key, code: .emptyDocument, document: .init(header(key, hash: "empty"))))
        }
        try await feed(
            second,
            rejects + [.sourceFinished(SourceReport(index: 0, documents: 2, complete: true, isFolder: true)), .readingFinished(complete: true)])
        #expect(try second.store.statistics().chunks == 2, "applied before the end of the run")
        let refused = #expect(throws: RunFailure.self) {
            try second.finish(failure: nil, shouldStop: { false }, elapsed: { 0 })
        }
        #expect(refused?.underlying is PruneRefused)
        #expect(try second.store.statistics().chunks == 2)
        #expect(try second.store.rejects().count == 2)
    }
}
