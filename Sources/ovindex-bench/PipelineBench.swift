import Embedding
import Foundation
import OpenVINO
import Pipeline
import Retrieval
import Store
import TextIO
import Tokenizer
import Models

/// End-to-end indexing against raw inference on the same chunks.
///
///     ovindex-bench pipeline DEFINITION.json [--raw] [--no-grouping]
///
/// Runs the definition's pipeline into its store (which should not exist yet) and reports throughput and the
/// padding fraction. With --raw it then chunks the same documents up front (untimed) and times inference
/// alone over every chunk, with the same batch budget and requests in flight, in the same process.
enum PipelineBench {
    static func run(_ arguments: [String]) async throws {
        guard let path = arguments.first else { throw BenchError("pipeline DEFINITION.json [--raw] [--no-grouping]") }
        var definition = try PipelineDefinition.load(path: path)
        if arguments.contains("--no-grouping") { definition.groupByLength = false }
        let directory = try ModelDirectory.resolve(definition.model)
        let embedder = try await Embedder.load(
            directory,
            options: .init(
                precision: .auto, requests: definition.inferRequests, timeout: .seconds(600),
                performanceHint: definition.performanceHint == .throughput ? .throughput : .latency),
            cache: ModelCache.shared())
        var raw: (seconds: Double, chunks: Int, tokens: Int)?
        if arguments.contains("--raw-first") {
            raw = try await rawInference(definition, embedder: embedder)
        }
        let monitor = RunMonitor()
        let runner = PipelineRunner(
            definition: definition, engine: embedder, tokenizer: embedder.tokenizer,
            maximumLength: embedder.maximumLength, model: ModelIdentity(directory), monitor: monitor)
        let report = try await runner.run()
        let snapshot = monitor.snapshot
        var result: [String: Double] = [
            "seconds": report.seconds, "chunks": Double(snapshot.chunksEmbedded),
            "tokens": Double(snapshot.tokensEmbedded), "tokens_computed": Double(snapshot.tokensComputed),
            "padding_fraction": 1 - Double(snapshot.tokensEmbedded) / Double(max(1, snapshot.tokensComputed)),
            "chunks_per_s": Double(snapshot.chunksEmbedded) / report.seconds,
            "tokens_per_s": Double(snapshot.tokensEmbedded) / report.seconds,
            "peak_rss_mb": Double(report.peakRSSBytes) / 1_048_576,
            "documents": Double(report.counters.documentsIndexed),
            "shapes": Double(snapshot.distinctBatchShapes), "chunker_seconds": snapshot.chunkerSeconds, "writer_seconds": snapshot.writerSeconds,
        ]
        if arguments.contains("--raw") {
            raw = try await rawInference(definition, embedder: embedder)
        }
        if let raw {
            result["raw_seconds"] = raw.seconds
            result["raw_chunks"] = Double(raw.chunks)
            result["raw_tokens_per_s"] = Double(raw.tokens) / raw.seconds
            result["end_to_end_vs_raw"] = raw.seconds / report.seconds
        }
        let fields = result.keys.sorted().map { "\"\($0)\": \(result[$0] ?? 0)" }.joined(separator: ", ")
        print("{\"bench\": \"pipeline\", \(fields)}")
    }

    static func rawInference(_ definition: PipelineDefinition, embedder: Embedder) async throws
        -> (seconds: Double, chunks: Int, tokens: Int)
    {
        let chunker = Chunker(
            tokenizer: embedder.tokenizer, maxTokens: definition.chunkTokens ?? embedder.maximumLength - 2,
            overlap: definition.overlapTokens)
        var encodings: [Encoding] = []
        let validator = Validator(definition)
        try await CorpusReader(sources: definition.sources, maxDocumentBytes: definition.maxDocumentBytes).read { item in
            guard case .document(let read) = item, case .accepted(let document) = validator.validate(read) else { return }
            for plan in chunker.chunks(of: document.text) {
                encodings.append(embedder.tokenizer.encoding(wrapping: plan.tokenIDs[...]))
            }
        }
        let batches = TokenBatcher(
            budget: definition.batchTokens, maximumRows: definition.batchRows, lengthMultiple: embedder.lengthMultiple)
            .batches(lengths: encodings.map(\.count))
        let clock = ContinuousClock()
        let started = clock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            var running = 0
            for indices in batches {
                if running >= definition.inferRequests {
                    try await group.next()
                    running -= 1
                }
                let batch = indices.map { encodings[$0] }
                group.addTask { _ = try await embedder.embed(batch) }
                running += 1
            }
            try await group.waitForAll()
        }
        return ((clock.now - started).seconds, encodings.count, encodings.reduce(0) { $0 + $1.count })
    }
}
