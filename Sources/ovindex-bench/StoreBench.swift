import Foundation
import Store
import Synthetic

import TextIO
import Host
import Models
import VectorMath

/// Synthetic stores and retrieval timings.
///
///     ovindex-bench store-fill STORE CHUNKS [CHUNKS_PER_DOCUMENT] [VERSION] [MODEL_DIR]
///     ovindex-bench store-query STORE [QUERIES] [RECALL_QUERIES]
///
/// Vectors are 384-d unit vectors drawn around 2,000 random centres (real embeddings cluster; uniform
/// random vectors in 384 dimensions are all nearly orthogonal, which no real corpus looks like).
/// `VERSION` changes every document's content and chunk count, so filling again replaces documents.
/// `MODEL_DIR` binds the store to that model instead of the synthetic one, so that commands which check the
/// store's model against the one they load (`classify --store`) accept it; its vectors stay synthetic.
enum StoreBench {
    static let dimension = 384
    static let model = ModelIdentity(
        modelID: "synthetic/clustered-384", dimension: dimension, pooling: "mean", normalized: true,
        weightsSHA256: String(repeating: "0", count: 64), variant: "synthetic")

    static func centres() -> [[Float]] {
        var generator = SplitMix64(seed: 42)
        return (0..<2000).map { _ in generator.unitVector(dimension) }
    }

    static func vector(near centre: [Float], _ generator: inout SplitMix64, spread: Float = 0.9) -> [Float] {
        let noise = generator.unitVector(dimension)
        let mixed = zip(centre, noise).map { $0 + spread * $1 }
        let norm = VectorMath.norm(mixed)
        return mixed.map { $0 / norm }
    }

    static func fill(_ arguments: [String]) throws {
        guard arguments.count >= 2, let chunks = Int(arguments[1]) else {
            throw BenchError("store-fill STORE CHUNKS [CHUNKS_PER_DOCUMENT] [VERSION] [MODEL_DIR]")
        }
        let perDocument = arguments.count > 2 ? Int(arguments[2]) ?? 10 : 10
        let version = arguments.count > 3 ? Int(arguments[3]) ?? 1 : 1
        let store = try Store(path: arguments[0])
        try store.bind(to: arguments.count > 4 ? ModelIdentity(try ModelDirectory(path: arguments[4])) : model)
        let centres = centres()
        var generator = SplitMix64(seed: UInt64(version))
        let documents = (chunks + perDocument - 1) / perDocument
        let clock = ContinuousClock()
        let started = clock.now
        var batch: [DocumentInput] = []
        var written = 0
        for index in 0..<documents {
            // Versions differ in chunk count (1 more per version) and text.
            let count = min(perDocument + version - 1, max(1, chunks - index * perDocument + version - 1))
            let centre = centres[Int(generator.next() % UInt64(centres.count))]
            let chunkInputs = (0..<count).map { ordinal in
                ChunkInput(
                    ordinal: ordinal, text: "document \(index) chunk \(ordinal) version \(version) topic \(index % 97)",
                    characterStart: ordinal * 1000, characterEnd: ordinal * 1000 + 999, tokenCount: 200,
                    embedding: vector(near: centre, &generator))
            }
            batch.append(
                DocumentInput(
                    key: String(format: "doc-%08d", index), source: "corpus/part-\(index % 10)/doc-\(index).txt",
                    contentHash: "v\(version)-\(index)", byteSize: count * 1000,
                    metadata: ["part": .number(String(index % 10)), "version": .number(String(version))],
                    chunks: chunkInputs))
            written += count
            if batch.count == 100 || index == documents - 1 {
                try store.write(documents: batch)
                batch.removeAll()
            }
        }
        let seconds = (clock.now - started).seconds
        print(
            "{\"bench\": \"store-fill\", \"chunks\": \(written), \"documents\": \(documents), \"seconds\": \(seconds), "
                + "\"chunks_per_s\": \(Double(written) / seconds), \"file_bytes\": \(store.fileSize)}")
    }

    static func query(_ arguments: [String]) throws {
        guard let path = arguments.first else { throw BenchError("store-query STORE [QUERIES] [RECALL_QUERIES]") }
        let queries = arguments.count > 1 ? Int(arguments[1]) ?? 200 : 200
        let recallQueries = arguments.count > 2 ? Int(arguments[2]) ?? 20 : 20
        let store = try Store(path: path, mode: .readOnly)
        let clock = ContinuousClock()
        let baseline = ProcessMemory.residentBytes() ?? 0
        var started = clock.now
        let index = try store.loadVectorIndex()
        let loadSeconds = (clock.now - started).seconds
        let afterLoad = ProcessMemory.residentBytes() ?? 0
        let centres = centres()
        var generator = SplitMix64(seed: 777)
        var latencies: [Double] = []
        var filtered: [Double] = []
        var queryVectors: [[Float]] = []
        for _ in 0..<queries {
            let query = vector(near: centres[Int(generator.next() % UInt64(centres.count))], &generator)
            queryVectors.append(query)
            started = clock.now
            _ = try store.search(query, k: 10, candidates: 100, index: index)
            latencies.append((clock.now - started).seconds * 1000)
        }
        var scanOnly: [Double] = []
        for query in queryVectors {
            started = clock.now
            _ = index.candidates(for: query, count: 100)
            scanOnly.append((clock.now - started).seconds * 1000)
        }
        for query in queryVectors.prefix(50) {
            started = clock.now
            _ = try store.search(
                query, k: 10, candidates: 100, filter: SearchFilter(metadata: ["part": "3"]), index: index)
            filtered.append((clock.now - started).seconds * 1000)
        }
        var recall = 0.0
        var exactLatencies: [Double] = []
        for query in queryVectors.prefix(recallQueries) {
            let fast = Set(try store.search(query, k: 10, candidates: 100, index: index).map(\.chunkID))
            started = clock.now
            let exact = try store.exactSearch(query, k: 10).map(\.chunkID)
            exactLatencies.append((clock.now - started).seconds * 1000)
            recall += Double(exact.filter(fast.contains).count) / Double(max(1, exact.count))
        }
        let peak = ProcessMemory.peakResidentBytes() ?? 0
        let megabytes = { (bytes: Int) in Double(bytes) / 1_048_576 }
        print(
            "{\"bench\": \"store-query\", \"chunks\": \(index.count), \"load_seconds\": \(loadSeconds), "
                + "\"index_mb\": \(megabytes(index.memoryBytes)), \"rss_before_mb\": \(megabytes(baseline)), "
                + "\"rss_after_load_mb\": \(megabytes(afterLoad)), \"peak_rss_mb\": \(megabytes(peak)), "
                + "\"p50_ms\": \(percentile(latencies, 0.5)), \"p95_ms\": \(percentile(latencies, 0.95)), "
                + "\"scan_only_p50_ms\": \(percentile(scanOnly, 0.5)), "
                + "\"filtered_p50_ms\": \(percentile(filtered, 0.5)), "
                + "\"exact_p50_ms\": \(percentile(exactLatencies, 0.5)), "
                + "\"recall_at_10\": \(recall / Double(max(1, min(recallQueries, queryVectors.count))))}")
    }

    static func percentile(_ values: [Double], _ fraction: Double) -> Double {
        guard !values.isEmpty else { return 0 }
        let sorted = values.sorted()
        return sorted[min(sorted.count - 1, Int(Double(sorted.count - 1) * fraction + 0.5))]
    }
}

