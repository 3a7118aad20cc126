import Foundation
public import Host
public import Models
import OpenVINO
import Tokenizer
import VectorMath

/// Measures, on this CPU, each installed variant of the default model at each precision that differs here, and
/// chooses the fastest one accurate enough: the model a new store is built with when the user names none.
///
/// Machines of this project's kind differ (one has AMX, where int8 barely beats bf16; one has only AVX-512 VNNI,
/// where int8 is half again as fast), so the choice is measured where the tool runs, in seconds, and recorded
/// with the figures, the CPU model and its flags (`ModelChoice`).
public enum ModelProbe {
    /// What a candidate must reach against the original model at f32 to be chosen.
    public struct Bar: Sendable, Equatable, Codable {
        /// Mean and lowest cosine between the candidate's and the reference's vectors of the probe texts.
        public var meanCosine = 0.98
        public var minCosine = 0.90
        /// Largest difference from the model card's published similarities (sbert.net's quickstart pairs).
        public var publishedError = 0.02
        /// A variant other than the original is chosen only when it is at least this much faster.
        public var speedup = 1.05

        public init() {}
    }

    /// The published similarities of all-MiniLM-L6-v2 (sbert.net quickstart): the pairs and their cosines.
    static let published: [(String, String, Double)] = [
        ("The weather is lovely today.", "It's so sunny outside!", 0.6660),
        ("The weather is lovely today.", "He drove to the stadium.", 0.1046),
        ("It's so sunny outside!", "He drove to the stadium.", 0.1411),
    ]

    /// Short texts of several kinds, for the accuracy check (short texts are where int8 loses most).
    static let sentences = [
        "How do I resume a backfill that was killed halfway through?",
        "The bakery on the corner sells sourdough bread every morning.",
        "Set the inference timeout in seconds; a batch that takes longer is cancelled.",
        "def checksum(data: bytes) -> int: return sum(data) % 256",
        "Rivers carry sediment from the mountains down to the sea.",
        "ERROR 2026-12-01 23:14:10 worker 3: connection reset by peer",
        "Quarterly revenue grew four percent, driven by subscriptions.",
        "Mix the flour and water, then let the dough rest for an hour.",
        "A bounded channel suspends the producer when it is full.",
        "The patient reported mild headaches after the second dose.",
        "=== section ===",
        "ok",
    ]

    /// Measures every candidate for about `seconds` each and chooses.
    ///
    /// - Parameter progress: told which candidate is being measured.
    /// - Throws: `ModelError` when no variant is installed; what loading a model throws.
    public static func measure(
        _ variants: [ModelDirectory] = ModelDirectory.installedVariants(), seconds: Double = 3, bar: Bar = Bar(),
        processor: Processor = .current(), progress: (String) -> Void = { _ in }
    ) async throws -> ModelChoice {
        guard let original = variants.first else {
            throw ModelError(path: ModelDirectory.defaultModelName, message: "no embedding model installed (run 'make setup')")
        }
        let hasBF16 = processor.flags.contains { $0 == "avx512_bf16" || $0 == "amx_bf16" }
        progress("reference: \(original.name) at f32")
        let reference = try await load(original, precision: .f32)
        let texts = sentences + published.flatMap { [$0.0, $0.1] }
        let expected = try await vectors(of: texts, with: reference)
        let windows = windows(reference.tokenizer, length: reference.maximumLength)
        var candidates: [ModelChoice.Candidate] = []
        for variant in variants {
            for precision in hasBF16 ? [InferencePrecision.auto, .f32] : [.auto] {
                progress("\(variant.name) at \(precision.rawValue)")
                let embedder = try await load(variant, precision: precision)
                let found = try await vectors(of: texts, with: embedder)
                let cosines = zip(expected, found).map { VectorMath.cosine($0, $1) }
                let count = sentences.count
                var publishedError = 0.0
                for (index, pair) in published.enumerated() {
                    let similarity = VectorMath.cosine(found[count + 2 * index], found[count + 2 * index + 1])
                    publishedError = max(publishedError, abs(similarity - pair.2))
                }
                let speed = try await tokensPerSecond(embedder, windows: windows, seconds: seconds)
                let mean = cosines.reduce(0, +) / Double(cosines.count)
                let lowest = cosines.min() ?? 0
                candidates.append(
                    ModelChoice.Candidate(
                        model: variant.name, variant: variant.variant, precision: precision,
                        weightsSHA256: variant.manifest.weights_sha256, tokensPerSecond: speed, meanCosine: mean,
                        minCosine: lowest, publishedError: publishedError,
                        passes: mean >= bar.meanCosine && lowest >= bar.minCosine && publishedError <= bar.publishedError))
            }
        }
        return ModelChoice(
            processor: processor, openvino: Core.runtimeVersion, measuredAt: Date().formatted(.iso8601), bar: bar,
            candidates: candidates, original: original.name)
    }

    static func load(_ directory: ModelDirectory, precision: InferencePrecision) async throws -> Embedder {
        // As `ovindex run` runs it: two batches in flight, one OpenVINO stream each. In a cache of its own, not
        // the process's: each variant measured is freed when its measurement ends, not kept for the whole run.
        try await Embedder.load(
            directory,
            options: Embedder.Options(precision: precision, requests: 2, timeout: .seconds(120), performanceHint: .throughput),
            cache: ModelCache(core: try Core()))
    }

    static func vectors(of texts: [String], with embedder: Embedder) async throws -> [[Float]] {
        var result: [[Float]] = []
        for text in texts {
            // One at a time, unpadded, as queries are embedded.
            result += try await embedder.embed([embedder.encode(text)])
        }
        return result
    }

    /// Full-length windows of generated prose, like the chunks of a run.
    static func windows(_ tokenizer: BertTokenizer, length: Int) -> [Encoding] {
        let words = sentences.joined(separator: " ").split(separator: " ")
        var generator: UInt64 = 0x9E37_79B9_7F4A_7C15
        var text = ""
        for index in 0..<6000 {
            generator = generator &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            text += words[Int(generator >> 33) % words.count] + (index % 13 == 12 ? ". " : " ")
        }
        let ids = tokenizer.encode(text, addSpecialTokens: false).ids
        let width = max(8, length - 2)
        return stride(from: 0, to: ids.count - width, by: width).map { start in
            tokenizer.encoding(wrapping: ids[start..<(start + width)])
        }
    }

    /// Tokens per second over batches of 32 windows, two in flight, for about `seconds` after a warm-up batch.
    static func tokensPerSecond(_ embedder: Embedder, windows: [Encoding], seconds: Double) async throws -> Double {
        let batches = stride(from: 0, to: windows.count, by: 32).map { Array(windows[$0..<min($0 + 32, windows.count)]) }
        guard let first = batches.first else { return 0 }
        _ = try await embedder.embed(first)
        let clock = ContinuousClock()
        let started = clock.now
        var tokens = 0
        var next = 0
        while (clock.now - started).seconds < seconds {
            let pair = [batches[next % batches.count], batches[(next + 1) % batches.count]]
            next += 2
            try await withThrowingTaskGroup(of: Void.self) { group in
                for batch in pair { group.addTask { _ = try await embedder.embed(batch) } }
                try await group.waitForAll()
            }
            tokens += pair.reduce(0) { $0 + $1.reduce(0) { $0 + $1.count } }
        }
        return Double(tokens) / (clock.now - started).seconds
    }
}
