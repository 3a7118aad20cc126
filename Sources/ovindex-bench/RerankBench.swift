import Embedding
import Foundation
import OpenVINO
import Retrieval
import Store
import Models

/// Reranking latency against raw inference on the same pairs, in the same process.
///
///     ovindex-bench rerank STORE QUERIES.jsonl [--reranker DIR] [--queries N]
///
/// For each query (the "query" field of each line, the first N), the vector search picks 100 candidates.
/// For 20 and 100 candidates, each rerank stage is timed as `ovindex query` runs it (tokenize, infer, score)
/// and against raw inference: the same encodings prepared beforehand, the same batches, inference alone.
/// The two alternate (which goes first flips every query). One JSON line per stage and candidate count.
enum RerankBench {
    static func run(_ arguments: [String]) async throws {
        guard arguments.count >= 2 else { throw BenchError("rerank STORE QUERIES.jsonl [--reranker DIR] [--queries N]") }
        let rerankerPath = arguments.firstIndex(of: "--reranker").map { arguments[$0 + 1] }
        let count = arguments.firstIndex(of: "--queries").flatMap { Int(arguments[$0 + 1]) } ?? 30
        let cache = try ModelCache.shared()
        let store = try Store(path: arguments[0], mode: .readOnly)
        // The store's own model (this machine's measured choice may be the int8 variant), as ovindex query does.
        let model = try ModelDirectory.resolve(nil, storeModelName: try store.modelIdentity()?.name)
        let embedder = try await Embedder.load(model, cache: cache)
        let crossEncoder = try await rerankerPath.asyncMap { try await CrossEncoder.load(try ModelDirectory(path: $0), cache: cache) }
        let engine = try QueryEngine(store: store, embedder: embedder)
        struct Line: Decodable { var query: String }
        let queries = try String(contentsOfFile: arguments[1], encoding: .utf8).split(separator: "\n").prefix(count).map {
            try JSONDecoder().decode(Line.self, from: Data($0.utf8)).query
        }
        let reranker = Reranker(embedder: embedder, crossEncoder: crossEncoder)
        var methods: [RerankMethod] = [.lateInteraction]
        if crossEncoder != nil { methods.append(.crossEncoder) }
        for method in methods {
            for candidates in [20, 100] {
                var full: [Double] = []
                var raw: [Double] = []
                // Warm-up: the first inferences of each shape compile.
                let options = QueryOptions(candidates: candidates, mode: .vector)
                for query in queries.prefix(3) {
                    let passages = try await engine.candidates(query, options: options).map(\.hit.text)
                    _ = try await reranker.scores(query: query, passages: passages, method: method)
                }
                for (index, query) in queries.enumerated() {
                    let passages = try await engine.candidates(query, options: options).map(\.hit.text)
                    let timeFull = {
                        let started = ContinuousClock.now
                        _ = try await reranker.scores(query: query, passages: passages, method: method)
                        return (ContinuousClock.now - started).seconds
                    }
                    let timeRaw = {
                        try await rawInference(method, query: query, passages: passages, embedder: embedder, crossEncoder: crossEncoder)
                    }
                    if index % 2 == 0 {
                        full.append(try await timeFull())
                        raw.append(try await timeRaw())
                    } else {
                        raw.append(try await timeRaw())
                        full.append(try await timeFull())
                    }
                }
                let medianFull = median(full)
                let medianRaw = median(raw)
                print(
                    "{\"bench\": \"rerank\", \"method\": \"\(method.rawValue)\", \"candidates\": \(candidates), "
                        + "\"queries\": \(queries.count), \"p50_ms\": \(medianFull * 1000), \"p95_ms\": \(percentile(full, 0.95) * 1000), "
                        + "\"raw_p50_ms\": \(medianRaw * 1000), \"ratio\": \(medianFull / medianRaw)}")
                fflush(nil)
            }
        }
    }

    /// Inference alone over the encodings the reranker would build, prepared before the clock starts.
    static func rawInference(
        _ method: RerankMethod, query: String, passages: [String], embedder: Embedder, crossEncoder: CrossEncoder?
    ) async throws -> Double {
        switch method {
        case .lateInteraction:
            let queryEncoding = embedder.encode(query)
            let encodings = passages.map { embedder.encode($0) }
            let started = ContinuousClock.now
            _ = try await embedder.tokenStates([queryEncoding])
            _ = try await embedder.tokenStates(encodings, batchTokens: 8192)
            return (ContinuousClock.now - started).seconds
        case .crossEncoder:
            guard let crossEncoder else { return 0 }
            let encodings = passages.map { crossEncoder.encode(query: query, passage: $0) }
            let started = ContinuousClock.now
            _ = try await crossEncoder.score(encodings, batchTokens: 8192)
            return (ContinuousClock.now - started).seconds
        case .none:
            return 0
        }
    }

    static func median(_ values: [Double]) -> Double { percentile(values, 0.5) }

    static func percentile(_ values: [Double], _ fraction: Double) -> Double {
        EvaluationMetrics.percentile(values, fraction)
    }
}

extension Optional {
    func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        guard let value = self else { return nil }
        return try await transform(value)
    }
}

