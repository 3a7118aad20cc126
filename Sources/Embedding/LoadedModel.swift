import Foundation
import Host
import Models
import OpenVINO
import Tokenizer

/// What `Embedder` and `CrossEncoder` share: a model directory loaded for one task, its tokenizer, the
/// compiled graph (checked to have the outputs the task reads) and a pool of infer requests, each batch run
/// with its own fresh input tensors and the inference timeout.
struct LoadedModel: Sendable {
    let directory: ModelDirectory
    let tokenizer: BertTokenizer
    let compiledModel: CompiledModel
    let pool: RequestPool

    /// Loads the tokenizer and compiles the model (once per process, through `cache`).
    ///
    /// - Throws: `ModelError` when the graph lacks one of `outputs`, `TokenizerError`, `OpenVINOError`.
    static func load(
        _ directory: ModelDirectory, outputs: [String], options: Embedder.Options, cache: ModelCache
    ) async throws -> LoadedModel {
        let tokenizer = try BertTokenizer(directory: directory.path)
        let compileOptions = CompileOptions(
            inferencePrecision: options.precision.compileOption, threads: options.threads,
            performanceHint: options.performanceHint, cpuPinning: cpuPinning(threads: options.threads),
            cacheDirectory: CacheDirectory.folder("compiled-models"))
        let model = try await cache.compiledModel(at: directory.modelFile, options: compileOptions)
        for output in outputs where !model.outputNames.contains(output) {
            throw ModelError(path: directory.modelFile, message: "the graph has no \(output) output")
        }
        var requests: [InferRequest] = []
        for _ in 0..<max(1, options.requests) {
            requests.append(try model.makeInferRequest())
        }
        return LoadedModel(directory: directory, tokenizer: tokenizer, compiledModel: model, pool: RequestPool(requests))
    }

    /// Whether OpenVINO may pin its threads to cores: not when this process uses fewer threads than the machine
    /// has, since every process would pin to the same first cores (two one-thread workers ran at half speed).
    /// `OVINDEX_CPU_PINNING=yes|no` decides instead (to measure both).
    static func cpuPinning(
        threads: Int?, environment: Environment = .current, cpus: Int = ProcessInfo.processInfo.activeProcessorCount
    ) -> Bool? {
        if let pinning = environment.cpuPinning { return pinning }
        return threads.map { $0 < cpus ? false : nil } ?? nil
    }

    /// Runs one padded batch on a request of its own (waiting while all are busy) and reads its result with
    /// `read` before the request goes back to the pool.
    func run<R: Sendable>(
        _ batch: BatchEncoding, timeout: Duration, read: (InferRequest) throws -> R
    ) async throws -> R {
        try await pool.withRequest { request in
            try Self.setInputs(batch, on: request)
            try await request.infer(timeout: timeout)
            return try read(request)
        }
    }

    /// Copies a padded batch into fresh input tensors. The tensors are dropped when the next batch replaces
    /// them on this request, so no batch's memory outlives the following one.
    static func setInputs(_ batch: BatchEncoding, on request: InferRequest) throws {
        let shape = [batch.rows, batch.sequenceLength]
        for (name, values) in [
            ("input_ids", batch.inputIDs), ("attention_mask", batch.attentionMask),
            ("token_type_ids", batch.tokenTypeIDs),
        ] {
            let tensor = try Tensor(.i64, shape: shape)
            tensor.withUnsafeMutableBufferPointer(as: Int64.self) { buffer in
                _ = buffer.initialize(from: values)
            }
            try request.setInput(name, tensor)
        }
    }
}
