import Foundation
import OpenVINO
import Synchronization
import TestSupport
import Testing
import TextIO
import Host

/// The wrapper against the real embedding model converted by setup. Serialized: these tests load models and
/// one of them measures the process's memory.
@Suite(.serialized) struct OpenVINOModelTests {
    static let f32 = CompileOptions(inferencePrecision: .f32)

    @Test func loadsCompilesAndEmbedsWithPublishedSimilarities() async throws {
        let core = try Core()
        let model = try core.compile(try core.readModel(at: ProjectPaths.embeddingModelXML), options: Self.f32)
        #expect(model.inputNames.sorted() == ["attention_mask", "input_ids", "token_type_ids"])
        #expect(Set(model.outputNames) == ["sentence_embedding", "token_embeddings"])
        #expect(try model.property("INFERENCE_PRECISION_HINT") == "f32")

        let vocabulary = try VocabularyLookup()
        let sentences = [
            vocabulary.encode("the weather is lovely today ."),
            vocabulary.encode("it ' s so sunny outside !"),
            vocabulary.encode("he drove to the stadium ."),
        ]
        let request = try model.makeInferRequest()
        try setInputs(request, sentences)
        try await request.infer()

        let output = try request.output("sentence_embedding")
        #expect(output.shape == [3, 384])
        let values = output.array(of: Float.self)
        let rows = (0..<3).map { values[($0 * 384)..<(($0 + 1) * 384)] }
        for row in rows {
            #expect(abs(cosine(row, row) - 1) < 1e-5)
            #expect(abs(row.reduce(0) { $0 + $1 * $1 } - 1) < 1e-4)  // L2-normalised by the graph
        }
        // Published for all-MiniLM-L6-v2 (sbert.net quickstart): 0.6660, 0.1046, 0.1411.
        #expect(abs(cosine(rows[0], rows[1]) - 0.6660) < 1e-3)
        #expect(abs(cosine(rows[0], rows[2]) - 0.1046) < 1e-3)
        #expect(abs(cosine(rows[1], rows[2]) - 0.1411) < 1e-3)

        let tokens = try request.output("token_embeddings")
        #expect(tokens.shape == [3, sentences.map(\.count).max() ?? 0, 384])
    }

    @Test func missingModelFileIsAClearErrorAndTheProcessStaysHealthy() async throws {
        let core = try Core()
        let missing = "/nonexistent/ovindex/model.xml"
        let error = #expect(throws: OpenVINOError.self) { try core.readModel(at: missing) }
        #expect(error?.kind == .status(-1))
        #expect(error?.operation == "ov_core_read_model")
        #expect(error?.context?.contains(missing) == true)
        #expect(error?.message.isEmpty == false)
        #expect(error?.description.contains(missing) == true)
        try await expectHealthy(core)
    }

    @Test func corruptModelFileIsAClearError() async throws {
        let directory = try TemporaryDirectory()
        var generator = SystemRandomNumberGenerator()
        let noise = (0..<4096).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let xml = try directory.write("model.xml", bytes: noise)
        try directory.write("model.bin", bytes: noise)
        let core = try Core()
        let error = #expect(throws: OpenVINOError.self) {
            try core.compile(try core.readModel(at: xml))
        }
        #expect(error?.context?.contains(xml) == true)
        #expect(error?.message.isEmpty == false)

        // The real model cut in half, and the real graph with weights that are too short: clear errors too.
        let real = try String(contentsOfFile: ProjectPaths.embeddingModelXML, encoding: .utf8)
        let truncated = try directory.write("truncated.xml", String(real.prefix(real.count / 2)))
        #expect(throws: OpenVINOError.self) { try core.compile(try core.readModel(at: truncated)) }
        let graph = try directory.write("graph.xml", real)
        let shortWeights = try directory.write("graph.bin", bytes: Array(noise.prefix(1024)))
        let weightsError = #expect(throws: OpenVINOError.self) {
            try core.compile(try core.readModel(at: graph, weights: shortWeights))
        }
        #expect(weightsError?.message.isEmpty == false)
        try await expectHealthy(core)
    }

    @Test func wrongShapeAndWrongTypeAreClearErrorsAndTheRequestStaysUsable() async throws {
        let cache = ModelCache(core: try Core())
        let model = try await cache.compiledModel(at: ProjectPaths.embeddingModelXML)
        let request = try model.makeInferRequest()

        let rank3 = try Tensor(.i64, shape: [1, 4, 2])
        let shapeError = #expect(throws: OpenVINOError.self) { try request.setInput("input_ids", rank3) }
        #expect(shapeError?.operation == "ov_infer_request_set_tensor")
        #expect(shapeError?.context?.contains("input_ids") == true)
        #expect(shapeError?.message.isEmpty == false)

        let floats = try Tensor(.f32, shape: [1, 4])
        let typeError = #expect(throws: OpenVINOError.self) { try request.setInput("input_ids", floats) }
        #expect(typeError?.context?.contains("f32") == true)
        #expect(typeError?.message.isEmpty == false)

        let ids = try Tensor(.i64, shape: [1, 4])
        #expect(throws: OpenVINOError.self) { try request.setInput("no_such_input", ids) }

        // Inputs whose lengths disagree pass set_tensor but fail the inference itself, with OpenVINO's reason.
        try setInputs(request, [[101, 2023, 102]])
        try setInputs(request, [[101, 2023, 2023, 2023, 102]], only: "attention_mask")
        let inferError = await #expect(throws: OpenVINOError.self) { try await request.infer() }
        #expect(inferError?.operation == "infer")
        #expect(inferError?.message.isEmpty == false)

        try setInputs(request, [[101, 7592, 102]])
        try await request.infer()
        #expect(try request.output("sentence_embedding").shape == [1, 384])
    }

    @Test func twentyConcurrentFirstRequestsLoadTheModelOnce() async throws {
        let cache = ModelCache(core: try Core())
        let models = try await withThrowingTaskGroup(of: CompiledModel.self) { group in
            for _ in 0..<20 {
                group.addTask { try await cache.compiledModel(at: ProjectPaths.embeddingModelXML) }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(models.count == 20)
        #expect(cache.loadCount == 1)
        #expect(models.allSatisfy { $0 === models[0] })

        // Another option set is another model; unloading makes the next request load again.
        _ = try await cache.compiledModel(at: ProjectPaths.embeddingModelXML, options: Self.f32)
        #expect(cache.loadCount == 2)
        #expect(cache.unload(path: ProjectPaths.embeddingModelXML))
        _ = try await cache.compiledModel(at: ProjectPaths.embeddingModelXML)
        #expect(cache.loadCount == 3)
    }

    @Test func failedLoadIsSharedByConcurrentCallersAndRetriedLater() async throws {
        let cache = ModelCache(core: try Core())
        let directory = try TemporaryDirectory()
        let path = directory.file("model.xml")
        let failures = try await withThrowingTaskGroup(of: Bool.self) { group in
            for _ in 0..<10 {
                group.addTask {
                    do {
                        _ = try await cache.compiledModel(at: path)
                        return false
                    } catch is OpenVINOError {
                        return true
                    }
                }
            }
            return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(failures == 10)
        #expect(cache.loadCount == 1)
        // Once the file exists the next call loads it: failures are not cached.
        try FileManager.default.copyItem(atPath: ProjectPaths.embeddingModelXML, toPath: path)
        try FileManager.default.copyItem(
            atPath: ProjectPaths.model().appendingPathComponent("model.bin").path, toPath: directory.file("model.bin"))
        _ = try await cache.compiledModel(at: path)
        #expect(cache.loadCount == 2)
    }

    /// RSS after each of `cycles` load, infer and unload cycles; with `leaking`, every compiled model is kept
    /// (memory not returned, the seed service's failure), to show the check catches it.
    func residentAfterCycles(_ cycles: Int, leaking: Bool = false) async throws -> [Int] {
        let cache = ModelCache(core: try Core())
        let vocabulary = try VocabularyLookup()
        var kept: [CompiledModel] = []
        var samples: [Int] = []
        for _ in 0..<cycles {
            do {
                let model = try await cache.compiledModel(at: ProjectPaths.embeddingModelXML)
                let request = try model.makeInferRequest()
                try setInputs(request, [vocabulary.encode("the weather is lovely today .")])
                try await request.infer()
                #expect(cache.unload(path: ProjectPaths.embeddingModelXML))
                if leaking { kept.append(model) }
            }
            samples.append(try #require(ProcessMemory.residentBytes()))
        }
        #expect(cache.loadCount == cycles)
        withExtendedLifetime(kept) {}
        return samples
    }

    @Test func loadUnloadCyclesReturnMemory() async throws {
        let samples = try await residentAfterCycles(20)
        let growth = MemoryGrowth(samples: samples)
        print("load/unload RSS MB per cycle: \(samples.map { $0 >> 20 }), growth \(growth.bytes >> 20) MB")
        #expect(!growth.isGrowing, "RSS grew by \(growth.bytes >> 20) MB: \(samples.map { $0 >> 20 }) MB")
    }

    /// The check fails on growth: a model kept per cycle (about 100 MB each) is caught.
    @Test func aModelKeptEveryCycleIsCaughtAsGrowth() async throws {
        let samples = try await residentAfterCycles(11, leaking: true)
        let growth = MemoryGrowth(samples: samples)
        #expect(growth.isGrowing, "RSS per cycle: \(samples.map { $0 >> 20 }) MB")
    }

    @Test func timeoutCancelsTheInferenceAndTheRequestIsReusable() async throws {
        let cache = ModelCache(core: try Core())
        let model = try await cache.compiledModel(at: ProjectPaths.embeddingModelXML, options: Self.f32)
        let request = try model.makeInferRequest()
        let long = [Int64](repeating: 2023, count: 256)
        try setInputs(request, Array(repeating: long, count: 64))

        let started = ContinuousClock.now
        let error = await #expect(throws: OpenVINOError.self) { try await request.infer(timeout: .milliseconds(1)) }
        #expect(error?.kind == .timedOut)
        #expect(error?.description.contains("timed out") == true)
        // Cancelled well before the ~seconds a full 64 x 256 f32 batch takes on this machine.
        #expect(ContinuousClock.now - started < .seconds(2))

        try setInputs(request, [[101, 7592, 102]])
        try await request.infer(timeout: .seconds(30))
        #expect(try request.output("sentence_embedding").shape == [1, 384])
    }

    @Test func taskCancellationCancelsTheInference() async throws {
        let cache = ModelCache(core: try Core())
        let model = try await cache.compiledModel(at: ProjectPaths.embeddingModelXML, options: Self.f32)
        let request = try model.makeInferRequest()
        try setInputs(request, Array(repeating: [Int64](repeating: 2023, count: 256), count: 64))

        let task = Task { try await request.infer() }
        task.cancel()
        await #expect(throws: CancellationError.self) { try await task.value }

        try setInputs(request, [[101, 7592, 102]])
        try await request.infer()
    }

    @Test func secondInferenceOnABusyRequestIsRefused() async throws {
        let cache = ModelCache(core: try Core())
        let model = try await cache.compiledModel(at: ProjectPaths.embeddingModelXML)
        let request = try model.makeInferRequest()
        try setInputs(request, Array(repeating: [Int64](repeating: 2023, count: 128), count: 16))

        let first = Task { try await request.infer() }
        // Wait until the first inference holds the request (no sleep: poll the observable refusal).
        var refusal: OpenVINOError?
        while refusal == nil {
            do {
                _ = try request.output("sentence_embedding")
                await Task.yield()
            } catch {
                refusal = error
            }
        }
        #expect(refusal?.kind == .requestBusy)
        let second = await #expect(throws: OpenVINOError.self) { try await request.infer() }
        #expect(second?.kind == .requestBusy)
        try await first.value
    }

    /// The core still compiles and runs the real model.
    private func expectHealthy(_ core: Core) async throws {
        let model = try core.compile(try core.readModel(at: ProjectPaths.embeddingModelXML))
        let request = try model.makeInferRequest()
        try setInputs(request, [[101, 7592, 102]])
        try await request.infer()
        #expect(try request.output("sentence_embedding").shape == [1, 384])
    }
}
