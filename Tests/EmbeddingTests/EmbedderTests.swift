import Embedding
import OpenVINO
import TestSupport
import Testing
import VectorMath
import Models

func cosine(_ a: [Float], _ b: [Float]) -> Float {
    Float(VectorMath.cosine(a, b))
}

/// The whole embedding path (tokenizer, batching, graph pooling) against published figures for the model.
@Suite(.serialized) struct EmbedderTests {
    static let sentences = ["The weather is lovely today.", "It's so sunny outside!", "He drove to the stadium."]

    func embedder(_ precision: InferencePrecision, timeout: Duration = .seconds(30)) async throws -> Embedder {
        let directory = try ModelDirectory.resolve(ProjectPaths.model().path)
        return try await Embedder.load(
            directory, options: .init(precision: precision, timeout: timeout), cache: ModelCache(core: try Core()))
    }

    @Test func reproducesThePublishedSimilaritiesAtF32() async throws {
        let embedder = try await embedder(.f32)
        let vectors = try await embedder.embed(Self.sentences.map(embedder.encode))
        #expect(vectors.count == 3)
        #expect(vectors.allSatisfy { $0.count == 384 })
        // sbert.net quickstart, all-MiniLM-L6-v2: 0.6660, 0.1046, 0.1411.
        #expect(abs(cosine(vectors[0], vectors[1]) - 0.6660) < 1e-3)
        #expect(abs(cosine(vectors[0], vectors[2]) - 0.1046) < 1e-3)
        #expect(abs(cosine(vectors[1], vectors[2]) - 0.1411) < 1e-3)
    }

    /// The int8 variant setup makes: it is quantized (int8 weights and FakeQuantize nodes in the graph), loads
    /// like any model directory, and its vectors stay close to the original model's.
    @Test func theInt8VariantLoadsAndStaysCloseToTheOriginal() async throws {
        let directory = try ModelDirectory.resolve(ProjectPaths.model("all-MiniLM-L6-v2-int8").path)
        let original = try ModelDirectory.resolve(ProjectPaths.model().path)
        #expect(directory.manifest.variant == "int8")
        #expect(directory.manifest.weights_precision == "int8")
        let quantization = try #require(directory.manifest.quantization)
        #expect(quantization.tool.hasPrefix("nncf "))
        #expect(quantization.subset_size == 300)
        #expect(directory.variant.hasPrefix("int8 (nncf "))
        #expect(original.variant == "original (f16 weights)")
        #expect(directory.manifest.model_id == original.manifest.model_id)
        #expect(directory.manifest.weights_sha256 != original.manifest.weights_sha256)
        let graph = try String(contentsOfFile: directory.modelFile, encoding: .utf8)
        #expect(graph.contains("type=\"FakeQuantize\""))
        #expect(graph.contains("element_type=\"i8\""))

        let int8 = try await Embedder.load(directory, cache: ModelCache(core: try Core()))
        let vectors = try await int8.embed(Self.sentences.map(int8.encode))
        let reference = try await embedder(.f32)
        let exact = try await reference.embed(Self.sentences.map(reference.encode))
        // Short texts are where int8 loses most (these three: 0.989 to 0.992 against f32; bf16 stays above
        // 0.9999); calibrating on 8- and 16-token windows too is what keeps them this close.
        for (quantized, full) in zip(vectors, exact) {
            #expect(quantized.count == 384)
            #expect(cosine(quantized, full) > 0.98, "\(cosine(quantized, full))")
        }
        // The published similarities (0.6660, 0.1046, 0.1411) within two hundredths (0.659, 0.112, 0.137).
        #expect(abs(cosine(vectors[0], vectors[1]) - 0.6660) < 0.02)
        #expect(abs(cosine(vectors[0], vectors[2]) - 0.1046) < 0.02)
        #expect(abs(cosine(vectors[1], vectors[2]) - 0.1411) < 0.02)
    }

    @Test(arguments: [InferencePrecision.f32, .auto])
    func textsAloneAndInAPaddedBatchAgree(precision: InferencePrecision) async throws {
        let embedder = try await embedder(precision)
        let long = String(repeating: "Nightly indexing skips documents whose content did not change. ", count: 12)
        let batch = try await embedder.embed((Self.sentences + [long]).map(embedder.encode))
        for (index, sentence) in Self.sentences.enumerated() {
            let alone = try await embedder.embed([embedder.encode(sentence)])[0]
            let agreement = cosine(alone, batch[index])
            #expect(agreement >= 0.9999, "\(sentence): \(agreement) at \(String(describing: precision))")
        }
    }

    @Test func longTextsAreTruncatedToTheModelMaximum() async throws {
        let embedder = try await embedder(.auto)
        #expect(embedder.maximumLength == 256)
        let words = (0..<1000).map { "word\($0)" }.joined(separator: " ")
        let encoding = embedder.encode(words)
        #expect(encoding.count == 256)
        #expect(encoding.ids.last == embedder.tokenizer.separatorID)
        let vector = try await embedder.embed([encoding])
        #expect(vector[0].count == 384)
    }

    @Test func aBatchOverItsTimeoutFailsWithATimeoutError() async throws {
        let embedder = try await embedder(.f32, timeout: .milliseconds(1))
        let long = String(repeating: "word ", count: 300)
        let error = await #expect(throws: OpenVINOError.self) {
            try await embedder.embed(Array(repeating: embedder.encode(long), count: 32))
        }
        #expect(error?.kind == .timedOut)
    }

    @Test func aClassificationModelIsNotAnEmbedder() async throws {
        let directory = try TemporaryDirectory()
        try directory.write(
            "manifest.json",
            """
            {"format": "ovindex-model", "model_id": "x", "task": "classification", "model": "model.xml",
             "weights": "model.bin", "weights_sha256": "0", "max_sequence_length": 8, "num_labels": 1,
             "outputs": {"logits": "logits"}}
            """)
        try directory.write("model.xml", "")
        try directory.write("model.bin", "")
        let model = try ModelDirectory(path: directory.path)
        let error = await #expect(throws: ModelError.self) {
            try await Embedder.load(model, cache: ModelCache(core: try Core()))
        }
        #expect(error?.message.contains("not an embedding model") == true)
    }
}

@Suite struct TokenBatcherTests {
    @Test func batchesStayUnderTheBudgetAndCoverEveryTextOnce() {
        let lengths = [5, 300, 12, 12, 7, 256, 40, 3, 3, 90]
        let batcher = TokenBatcher(budget: 600)
        let batches = batcher.batches(lengths: lengths)
        #expect(batches.flatMap { $0 }.sorted() == Array(lengths.indices))
        for batch in batches where batch.count > 1 {
            let longest = batch.map { lengths[$0] }.max() ?? 0
            #expect(longest * batch.count <= 600)
        }
        // Longest first, so similar lengths share a batch.
        #expect(batches[0] == [1, 5])
    }

    @Test func aTextOverTheBudgetRunsAlone() {
        let batches = TokenBatcher(budget: 100).batches(lengths: [500, 10, 10])
        #expect(batches == [[0], [1, 2]])
    }

    @Test func aRunsLastTextsAreCutIntoShrinkingBatchesSoThatTheRequestsFinishTogether() {
        // 400 texts of 10 to 49 tokens, a budget of 1,600: about 11,800 tokens, eight full batches' worth.
        let lengths = (0..<400).map { 10 + ($0 * 37) % 40 }
        let batcher = TokenBatcher(budget: 1_600)
        func cost(_ batch: [Int]) -> Int { batch.count * (batch.map { lengths[$0] }.max() ?? 0) }
        let plain = batcher.batches(lengths: lengths)
        // One request has no one to wait for: the batches are cut as always.
        #expect(batcher.batches(lengths: lengths, finishingOn: 1) == plain)
        #expect(plain.dropLast().allSatisfy { cost($0) > 1_500 })

        let tapered = batcher.batches(lengths: lengths, finishingOn: 2)
        #expect(tapered.flatMap { $0 }.sorted() == Array(lengths.indices))
        #expect(tapered.allSatisfy { cost($0) <= 1_600 })
        // Full batches while there is plenty left (the longest texts first, as always) ...
        #expect(cost(tapered[0]) > 1_500 && tapered[0] == plain[0])
        // ... then each takes at most a quarter of what is left, down to a sixteenth of the budget.
        var left = lengths.reduce(0, +)
        for batch in tapered {
            let tokens = batch.map { lengths[$0] }.reduce(0, +)
            #expect(cost(batch) <= max(100, left / 4) || batch.count == 1)
            left -= tokens
        }
        #expect(tapered.suffix(3).allSatisfy { cost($0) <= 100 })
        #expect(tapered.count > plain.count)
    }

    @Test func rowsAreCapped() {
        let batches = TokenBatcher(budget: 1_000_000, maximumRows: 4).batches(lengths: Array(repeating: 5, count: 10))
        #expect(batches.map(\.count) == [4, 4, 2])
    }
}

/// A variant's vectors do not depend on the CPU it runs on beyond the inference precision: a store built on one
/// machine stays queryable on another, where the model may run at another precision.
@Suite struct VariantPrecisionTests {
    @Test func theInt8VariantGivesTheSameVectorsAtF32AndAtTheCPUsDefault() async throws {
        let directory = try ModelDirectory.resolve(ProjectPaths.model("all-MiniLM-L6-v2-int8").path)
        let texts = EmbedderTests.sentences + ["A longer text about rivers, bread and engines, to fill a few windows."]
        var vectors: [[[Float]]] = []
        for precision in [InferencePrecision.f32, .auto] {
            let embedder = try await Embedder.load(
                directory, options: .init(precision: precision), cache: ModelCache(core: try Core()))
            vectors.append(try await embedder.embed(texts.map(embedder.encode)))
        }
        let cosines = zip(vectors[0], vectors[1]).map { cosine($0, $1) }
        print("int8 at f32 against the CPU's default precision: lowest cosine \(cosines.min() ?? 0)")
        #expect(cosines.allSatisfy { $0 > 0.995 }, "\(cosines)")
    }
}

