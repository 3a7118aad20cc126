public import Embedding
import Foundation
public import Models
import OpenVINO
import Store

/// Everything a run checks and loads before it may write: the sources are there, the model is intact and is
/// the model its manifest describes (`ModelDirectory.verifyWeights`, `Embedder.probe`), loaded once.
public struct RunPreparation: Sendable {
    public let definition: PipelineDefinition
    public let directory: ModelDirectory
    public let embedder: Embedder
    /// The weights' fingerprint, recorded in the store so that the next run need not hash them again.
    public let verifiedWeights: String

    /// Where a store keeps the fingerprint of the weights last verified for it.
    static let verifiedWeightsKey = "verified_weights"

    /// - Throws: `SourceError` (exit 66) before anything else; `ModelError` for a model that is missing,
    ///   damaged or misdescribed; `OpenVINOError` and `TokenizerError` from loading it.
    public static func prepare(_ definition: PipelineDefinition) async throws -> RunPreparation {
        try CorpusReader(sources: definition.sources, maxDocumentBytes: definition.maxDocumentBytes).checkSources()
        let directory = try ModelDirectory.resolve(definition.model)
        let weights = try directory.verifyWeights(cached: cachedWeightsFingerprint(store: definition.store))
        let embedder = try await Embedder.load(
            directory,
            options: Embedder.Options(
                precision: definition.precision, requests: definition.inferRequests,
                timeout: .milliseconds(Int64(definition.inferenceTimeoutSeconds * 1000)), threads: definition.threads,
                performanceHint: definition.performanceHint == .throughput ? .throughput : .latency),
            cache: ModelCache(core: try Core()))
        try await embedder.probe()
        return RunPreparation(
            definition: definition, directory: directory, embedder: embedder, verifiedWeights: weights.fingerprint)
    }

    /// The weights verdict a store at `path` keeps, if the store exists and has one.
    static func cachedWeightsFingerprint(store path: String) -> String? {
        guard FileManager.default.fileExists(atPath: path), let store = try? Store(path: path, mode: .readOnly)
        else { return nil }
        return try? store.info(verifiedWeightsKey)
    }

    /// The runner for this run.
    public func runner(
        monitor: RunMonitor, shouldStopReading: @escaping @Sendable () -> Bool, faults: FaultPlan
    ) -> PipelineRunner {
        PipelineRunner(
            definition: definition, engine: embedder, tokenizer: embedder.tokenizer,
            maximumLength: embedder.maximumLength, model: ModelIdentity(directory), monitor: monitor,
            shouldStopReading: shouldStopReading, faults: faults, verifiedWeights: verifiedWeights)
    }
}
