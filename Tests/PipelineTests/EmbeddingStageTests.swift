import Embedding
import Testing
import Tokenizer

@testable import Pipeline

@Suite struct EmbeddingStageTests {
    /// A chunk of `length` tokens (the stage and the stub engine read only the ids).
    static func job(_ index: Int, length: Int) -> ChunkJob {
        var encoding = Encoding()
        encoding.ids = (0..<length).map { Int32(100 + ($0 * 7 + index) % 500) }
        return ChunkJob(document: UInt64(index), ordinal: 0, encoding: encoding)
    }

    @Test func theRunsLastChunksGoInShrinkingBatchesAndEveryOneIsEmbedded() async throws {
        let lengths = (0..<400).map { 10 + ($0 * 37) % 40 }
        var definition = PipelineDefinition(store: "unused.sqlite", sources: [])
        definition.batchTokens = 1_600
        definition.inferRequests = 2
        // Every chunk is queued and the channel finished before the stage starts: its one pool is the run's last.
        let chunks = BoundedChannel<ChunkJob>(capacity: lengths.count)
        for (index, length) in lengths.enumerated() { try await chunks.send(Self.job(index, length: length)) }
        chunks.finish()
        let results = BoundedChannel<WriterMessage>(capacity: lengths.count)
        let engine = StubEngine()
        let stage = EmbeddingStage(
            engine: engine, definition: definition, monitor: RunMonitor(), faults: FaultPlan(), shouldStop: { false })
        try await stage.run(from: chunks, results: results)

        var embedded: [UInt64] = []
        while let message = try await results.receive() {
            guard case .embedded(let batch) = message else { continue }
            for chunk in batch {
                if case .success = chunk.result { embedded.append(chunk.job.document) }
            }
        }
        #expect(embedded.sorted() == (0..<UInt64(lengths.count)).map { $0 })
        // The batches the stage ran are the tapered cut for two requests, not the plain one.
        let batcher = TokenBatcher(budget: 1_600)
        let tapered = batcher.batches(lengths: lengths, finishingOn: 2).map(\.count)
        #expect(tapered.count > batcher.batches(lengths: lengths).count)
        #expect(engine.batchSizes.withLock { $0 }.sorted() == tapered.sorted())
    }
}
