public import Embedding
import Foundation
public import Host
public import Models
import OpenVINO
import Store

/// Everything a run checks and loads before it may write: the sources are there, the model is intact and is
/// the model its manifest describes (`ModelDirectory.verifyWeights`, `Embedder.probe`), loaded once.
public struct RunPreparation: Sendable {
    public let definition: PipelineDefinition
    public let directory: ModelDirectory
    public let embedder: Embedder
    /// The verdict on this model, recorded in the store so that the next run need not check it again: the
    /// weights' fingerprint (their sha256 matched the manifest's), and the OpenVINO runtime and precision the
    /// probe inference passed with.
    public let verifiedWeights: String
    /// The definition's classification stage, its labels read and embedded; nil when it does not classify.
    public let labeller: DocumentLabeller?

    /// Where a store keeps the verdict on the model last checked for it.
    static let verifiedWeightsKey = "verified_model"

    /// - Parameter note: told when the run measures the models on this CPU first.
    /// - Throws: `SourceError` (exit 66) before anything else; `ModelError` for a model that is missing,
    ///   damaged or misdescribed; `OpenVINOError` and `TokenizerError` from loading it;
    ///   `ClassificationInputError` for the classification stage's label and example files.
    public static func prepare(_ definition: PipelineDefinition, note: (String) -> Void = { _ in }) async throws
        -> RunPreparation
    {
        try CorpusReader(sources: definition.sources, maxDocumentBytes: definition.maxDocumentBytes).checkSources()
        var definition = definition
        let directory = try await chooseModel(&definition, note: note)
        // A nightly run on the same weights file, runtime and precision checks nothing again: the weights
        // file's fingerprint (device, inode, size, times) shows it is the file that was hashed.
        let cached = cachedWeightsFingerprint(store: definition.store)
        let manifest = directory.manifest
        let suffix =
            " openvino=\(Core.runtimeVersion) precision=\(definition.precision.rawValue)"
            + " dimension=\(manifest.dimension ?? 0) length=\(manifest.max_sequence_length)"
        let verdict = try directory.weightsFingerprint() + suffix
        let cachedWeights = cached.flatMap { $0.hasSuffix(suffix) ? String($0.dropLast(suffix.count)) : nil }
        // The weights are hashed (when they must be) on one core while OpenVINO loads the model on the other.
        let hashing = Task.detached { try directory.verifyWeights(cached: cachedWeights) }
        let loading: Result<Embedder, any Error>
        do {
            loading = .success(try await Embedder.load(directory, options: embedderOptions(definition)))
        } catch {
            loading = .failure(error)
        }
        // Damaged weights are told as such, whatever loading them said.
        let weights = try await hashing.value
        let embedder = try loading.get()
        if cached != verdict || weights.hashed { try await embedder.probe() }
        let labeller = try await DocumentLabeller.make(for: definition, embedder: embedder)
        return RunPreparation(
            definition: definition, directory: directory, embedder: embedder,
            verifiedWeights: weights.fingerprint + suffix, labeller: labeller)
    }

    /// How a run of `definition` loads its model.
    public static func embedderOptions(_ definition: PipelineDefinition) -> Embedder.Options {
        Embedder.Options(
            precision: definition.precision, requests: definition.inferRequests,
            timeout: .milliseconds(Int64(definition.inferenceTimeoutSeconds * 1000)), threads: definition.threads,
            performanceHint: definition.performanceHint == .throughput ? .throughput : .latency)
    }

    /// The model a run uses: the one asked for (the definition's `model`, `--model`, `$OVINDEX_MODEL`); else the
    /// one the store was built with; else, for a new store, the variant measured fastest on this CPU that is
    /// accurate enough (`ModelChoice`; measured now when this machine has no choice recorded, unless
    /// `OVINDEX_PROBE=off`), at the precision it was measured at when the definition leaves precision `auto`.
    /// A shard of a new store takes the default model: every worker must use the same one.
    static func chooseModel(
        _ definition: inout PipelineDefinition, environment: Environment = .current,
        measure: Bool = true, note: (String) -> Void
    ) async throws -> ModelDirectory {
        if definition.model != nil || environment.model != nil {
            return try ModelDirectory.resolve(definition.model)
        }
        if FileManager.default.fileExists(atPath: definition.store),
            let name = try? Store(path: definition.store, mode: .readOnly).modelIdentity()?.name, !name.isEmpty
        {
            return try ModelDirectory.resolve(nil, storeModelName: name)
        }
        guard environment.probe else { return try ModelDirectory.resolve(nil) }
        if let shard = definition.shard, shard.count > 1 {
            // Workers on other machines could measure other winners, and shards of two models cannot be merged.
            let directory = try ModelDirectory.resolve(nil)
            note(
                "shard \(shard) of a new store: using the default model \(directory.name), as every worker will "
                    + "(a choice measured per machine could differ between workers); name one with --model")
            return directory
        }
        let choice: ModelChoice
        if let recorded = ModelChoice.recorded() {
            choice = recorded
        } else if !measure {
            return try ModelDirectory.resolve(nil)
        } else {
            note("measuring the installed models on this CPU, once (about 20 s; 'ovindex models' shows the figures)")
            choice = try await ModelProbe.measure(progress: { note("measuring \($0)") })
            try? choice.save()
        }
        guard let chosen = choice.chosen else { return try ModelDirectory.resolve(nil) }
        if definition.precision == .auto { definition.precision = chosen.precision }
        return try ModelDirectory.resolve(chosen.model)
    }

    /// The model a run of `definition` would use, as `chooseModel` picks it but without measuring (for a dry run):
    /// nil when it cannot be told (no model installed yet).
    ///
    /// - Throws: `ModelError` when the definition, `--model` or `$OVINDEX_MODEL` names a model that cannot be
    ///   found, as the run would.
    public static func model(for definition: PipelineDefinition, environment: Environment = .current) async throws
        -> ModelDirectory?
    {
        if definition.model != nil || environment.model != nil { return try ModelDirectory.resolve(definition.model) }
        var definition = definition
        return try? await chooseModel(&definition, measure: false, note: { _ in })
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
            shouldStopReading: shouldStopReading, faults: faults, verifiedWeights: verifiedWeights, labeller: labeller)
    }
}
