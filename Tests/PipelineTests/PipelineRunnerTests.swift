import Foundation
import Store
import Synchronization
import TestSupport
import Testing
import TextIO
import Tokenizer

@testable import Pipeline

@Suite struct PipelineRunnerTests {
    static let model = ModelIdentity(
        modelID: "stub", dimension: 8, pooling: "mean", normalized: true,
        weightsSHA256: String(repeating: "5", count: 64))

    func tokenizer() throws -> BertTokenizer { try BertTokenizer(directory: ProjectPaths.model().path) }

    func corpus(_ directory: TemporaryDirectory, documents: Int, words: Int = 12) throws -> String {
        for index in 0..<documents {
            let text = (0..<words).map { "word\(($0 * 7 + index) % 50)" }.joined(separator: " ")
            try directory.write("corpus/doc\(String(format: "%04d", index)).txt", "Document \(index). " + text)
        }
        return directory.file("corpus")
    }

    @Test func theReaderStopsWhenTheChannelsAreFull() async throws {
        let directory = try TemporaryDirectory()
        var definition = PipelineDefinition(
            store: directory.file("s.sqlite"),
            sources: [PipelineDefinition.Source(path: try corpus(directory, documents: 400))])
        definition.documentQueue = 2
        definition.chunkQueue = 4
        definition.resultQueue = 2
        definition.batchRows = 2
        definition.inferRequests = 1
        let engine = StubEngine()
        engine.gate.close()
        let monitor = RunMonitor()
        let blocked = Atomic<Int>(0)
        let inFlightWhenBlocked = Mutex<[Int]>([])
        let runner = PipelineRunner(
            definition: definition, engine: engine, tokenizer: try tokenizer(), maximumLength: 256, model: Self.model,
            monitor: monitor,
            onReaderSuspended: {
                inFlightWhenBlocked.withLock { $0.append(monitor.snapshot.documentsInFlight) }
                // The first time the reader has to wait, let the embedder go.
                if blocked.add(1, ordering: .relaxed).newValue == 1 { engine.gate.open() }
            })
        let report = try await runner.run()
        #expect(report.outcome == .completed)
        #expect(report.counters.documentsIndexed == 400)
        // The reader was held back, and never ran further ahead than the channels allow.
        #expect(blocked.load(ordering: .relaxed) > 0)
        let bound = definition.documentsInFlightBound
        #expect(monitor.snapshot.maxDocumentsInFlight <= bound, "bound \(bound)")
        #expect(bound < 400)
        #expect(inFlightWhenBlocked.withLock { $0.allSatisfy { $0 <= bound } })
    }

    @Test func aChunkThatFailsTwiceIsAFailureTheNextRunRetriesAndTheRestIsStored() async throws {
        let directory = try TemporaryDirectory()
        try directory.write("corpus/good1.txt", "A perfectly ordinary document.")
        try directory.write("corpus/poison.txt", "This one contains the word zebra, which the stub cannot embed.")
        try directory.write("corpus/good2.txt", "Another ordinary document.")
        let tokenizer = try tokenizer()
        let zebra = try #require(tokenizer.id(for: "zebra"))
        let engine = StubEngine(failing: { ids, _ in ids.contains(zebra) })
        var definition = PipelineDefinition(
            store: directory.file("s.sqlite"), sources: [PipelineDefinition.Source(path: directory.file("corpus"))])
        definition.batchRows = 8
        let runner = PipelineRunner(
            definition: definition, engine: engine, tokenizer: tokenizer, maximumLength: 256, model: Self.model)
        let failure = await #expect(throws: RunFailure.self) { try await runner.run() }
        #expect(failure?.report.outcome == .failed)
        #expect(failure?.report.counters.documentsIndexed == 2)
        #expect(failure?.report.counters.documentsFailed == 1)
        #expect(failure?.report.rejects == 0)
        #expect((failure?.underlying as? DocumentFailures)?.onlyIO == false)
        let store = try Store(path: definition.store, mode: .readOnly)
        let listed = try #require(try store.rejects().first)
        #expect(listed.kind == .failure)
        #expect(listed.reason == "inference failed")
        #expect(listed.input.hasSuffix("poison.txt"))
        #expect(listed.detail?.contains("stub failure") == true)
        var keys: [String] = []
        try store.forEachDocument { key, _ in keys.append(key) }
        #expect(keys == ["good1.txt", "good2.txt"])  // not recorded: the next run must try it again
        #expect(try store.lastRun()?.status == .failed)

        // Once the model copes, the next run stores it and the failure is no longer listed.
        let healed = try await PipelineRunner(
            definition: definition, engine: StubEngine(), tokenizer: tokenizer, maximumLength: 256, model: Self.model
        ).run()
        #expect(healed.outcome == .completed)
        #expect(healed.counters.documentsIndexed == 1)
        #expect(healed.counters.documentsUnchanged == 2)
        #expect(try store.rejects().isEmpty)
    }

    @Test func aModelThatAlwaysFailsStopsTheRunEarlyWithoutRejectingAnything() async throws {
        let directory = try TemporaryDirectory()
        let engine = StubEngine(failing: { _, _ in true })
        var definition = PipelineDefinition(
            store: directory.file("s.sqlite"),
            sources: [PipelineDefinition.Source(path: try corpus(directory, documents: 200))])
        definition.batchRows = 2
        definition.inferRequests = 1
        let runner = PipelineRunner(
            definition: definition, engine: engine, tokenizer: try tokenizer(), maximumLength: 256, model: Self.model)
        let failure = await #expect(throws: RunFailure.self) { try await runner.run() }
        let stopped = try #require(failure?.underlying as? InferenceStopped)
        #expect(stopped.failed >= 3)
        #expect(failure?.report.counters.documentsRejected == 0)
        // A handful of batches, not the corpus: each batch is tried twice, then split in two.
        #expect(engine.calls.load(ordering: .relaxed) < 40)
        let store = try Store(path: definition.store, mode: .readOnly)
        #expect(try store.statistics().documents == 0)
        #expect(try store.lastRun()?.status == .failed)
    }

    @Test func aBatchThatFailsOnceIsRetriedAndStored() async throws {
        let directory = try TemporaryDirectory()
        let engine = StubEngine(failing: { _, call in call == 1 })
        var definition = PipelineDefinition(
            store: directory.file("s.sqlite"),
            sources: [PipelineDefinition.Source(path: try corpus(directory, documents: 5))])
        definition.inferRequests = 1  // one batch at a time, so the second call is the retry
        let runner = PipelineRunner(
            definition: definition, engine: engine, tokenizer: try tokenizer(), maximumLength: 256, model: Self.model)
        let report = try await runner.run()
        #expect(report.counters.documentsIndexed == 5)
        #expect(report.rejects == 0)
        // The failed batch was tried again whole (not split) and then stored.
        let sizes = engine.batchSizes.withLock { $0 }
        #expect(sizes.count >= 2)
        #expect(sizes[0] == sizes[1])
    }

    @Test func unchangedDocumentsAreNotEmbeddedAgainAndDeletedOnesArePruned() async throws {
        let directory = try TemporaryDirectory()
        let folder = try corpus(directory, documents: 20)
        var definition = PipelineDefinition(
            store: directory.file("s.sqlite"), sources: [PipelineDefinition.Source(path: folder)])
        definition.prune = true
        func run() async throws -> (RunReport, Int) {
            let engine = StubEngine()
            let report = try await PipelineRunner(
                definition: definition, engine: engine, tokenizer: try tokenizer(), maximumLength: 256,
                model: Self.model
            ).run()
            return (report, engine.calls.load(ordering: .relaxed))
        }
        let (first, _) = try await run()
        #expect(first.counters.documentsIndexed == 20)
        let (second, calls) = try await run()
        #expect(second.counters.documentsUnchanged == 20)
        #expect(second.chunksEmbedded == 0)
        #expect(calls == 0)

        try directory.write("corpus/doc0003.txt", "Rewritten completely.")
        try FileManager.default.removeItem(atPath: directory.file("corpus/doc0007.txt"))
        let (third, _) = try await run()
        #expect(third.counters.documentsIndexed == 1)
        #expect(third.counters.documentsUnchanged == 18)
        #expect(third.counters.documentsPruned == 1)
        let store = try Store(path: definition.store, mode: .readOnly)
        #expect(try store.statistics().documents == 19)
        #expect(try store.keywordSearch("Rewritten", k: 5).map(\.documentKey) == ["doc0003.txt"])
    }

    @Test func anotherChunkingOfTheSameStoreIsRefused() async throws {
        let directory = try TemporaryDirectory()
        var definition = PipelineDefinition(
            store: directory.file("s.sqlite"),
            sources: [PipelineDefinition.Source(path: try corpus(directory, documents: 2))])
        _ = try await PipelineRunner(
            definition: definition, engine: StubEngine(), tokenizer: try tokenizer(), maximumLength: 256,
            model: Self.model
        ).run()
        definition.chunkTokens = 100
        let error = await #expect(throws: StoreError.self) {
            try await PipelineRunner(
                definition: definition, engine: StubEngine(), tokenizer: try tokenizer(), maximumLength: 256,
                model: Self.model
            ).run()
        }
        #expect(error?.message.contains("chunks of at most 254, this run uses 100") == true)
        // Chunks with and without their title are not mixed in one store either.
        definition.chunkTokens = nil
        definition.chunkTitles = false
        let titles = await #expect(throws: StoreError.self) {
            try await PipelineRunner(
                definition: definition, engine: StubEngine(), tokenizer: try tokenizer(), maximumLength: 256,
                model: Self.model
            ).run()
        }
        #expect(titles?.message.contains("chunk titles (chunking.title)") == true, "\(titles?.message ?? "")")
    }

    @Test func twoRunsCannotWriteOneStoreAtOnce() throws {
        let directory = try TemporaryDirectory()
        do {
            let lock = try RunLock(store: directory.file("s.sqlite"))
            let error = #expect(throws: RunLockError.self) { try RunLock(store: directory.file("s.sqlite")) }
            #expect(error?.kind == .busy)
            #expect(error?.message.contains("another ovindex run is writing to this store") == true)
            withExtendedLifetime(lock) {}
        }
        // Released with its owner: the next run takes it.
        _ = try RunLock(store: directory.file("s.sqlite"))
    }
}
