import Embedding
import Host
import TextIO
import Models
import Store

/// Whether the model and a store are ready, said without guessing: what `ovindex status` reports.
///
/// The model is found, its manifest and files are there, its weights match the manifest's sha256, and it
/// loads and embeds a sentence (unless the check is told not to load it); the store opens, and its vectors
/// come from this model; its last run did not fail and was not killed.
public struct Readiness: Sendable {
    /// One line of the report: a label ("model", "store", "match") and what was found.
    public struct Line: Sendable, Equatable {
        public var label: String
        public var text: String
    }

    /// The report as `status` prints it: labels in a column of 11.
    public var text: [String] { lines.map { Format.padded($0.label, 11) + $0.text } }

    public private(set) var lines: [Line] = []
    public private(set) var isReady = true

    /// Checks the model (`model`, else the store's own, else the default) and the store at `store`.
    public static func check(store: String?, model: String?, load: Bool) async -> Readiness {
        var report = Readiness()
        var directory: ModelDirectory?
        do {
            // The model the store was built with is the one queries will need: check that one by default.
            let storeModel = store.flatMap { try? Store(path: $0, mode: .readOnly).modelIdentity() }
            let found = try ModelDirectory.resolve(model, storeModelName: storeModel?.name)
            directory = found
            report.describe(found)
            if load { await report.checkModel(found) }
        } catch {
            report.fail("model", "NOT READY: \(error)")
        }
        if let store { report.checkStore(store, model: directory) }
        report.add("status", report.isReady ? "ready" : "NOT READY")
        return report
    }

    mutating func add(_ label: String, _ text: String) {
        lines.append(Line(label: label, text: text))
    }

    mutating func fail(_ label: String, _ text: String) {
        isReady = false
        add(label, text)
    }

    mutating func describe(_ found: ModelDirectory) {
        let manifest = found.manifest
        add("model", "\(found.name): found at \(found.path)")
        add(
            "",
            "\(manifest.model_id), task \(manifest.task), " + (manifest.dimension.map { "\($0)-d, " } ?? "")
                + "max \(manifest.max_sequence_length) tokens, weights \(manifest.weights_sha256.prefix(12))…")
        add("variant", "\(found.variant)")
        if let choice = ModelChoice.recorded(), choice.chosen != nil {
            add("default", "\(choice.reason) (new stores; 'ovindex models' has every figure)")
        } else {
            add(
                "default",
                "\(ModelDirectory.defaultModelName) until the models are measured on this CPU "
                    + "('ovindex models probe', or the first run on a new store)")
        }
    }

    mutating func checkModel(_ directory: ModelDirectory) async {
        do {
            _ = try directory.verifyWeights()
        } catch {
            fail("weights", "NOT READY: \(error.message)")
            return
        }
        add("weights", "sha256 matches the manifest")
        guard directory.manifest.task == "embedding" else { return }
        let clock = ContinuousClock()
        let started = clock.now
        let embedder: Embedder
        do {
            embedder = try await Embedder.load(directory)
        } catch {
            fail("model", "NOT READY: \(error)")
            return
        }
        do {
            try await embedder.probe()
        } catch {
            fail("inference", "NOT READY: \(error.message)")
            return
        }
        let seconds = (clock.now - started).seconds
        let precision = (try? embedder.compiledModel.property("INFERENCE_PRECISION_HINT")) ?? "?"
        add(
            "inference",
            "loaded, and embedded a short and a \(embedder.maximumLength)-token text in "
                + "\(Format.fixed(seconds, 2)) s (OpenVINO \(Embedder.runtimeVersion.split(separator: "-").first ?? ""), "
                + "\(precision), \(embedder.dimension) values, as the manifest says)")
    }

    mutating func checkStore(_ path: String, model directory: ModelDirectory?) {
        do {
            let opened = try Store(path: path, mode: .readOnly)
            let report = try StoreReport(opened)
            for entry in report.entries { add(entry.label, entry.text) }
            if let stored = report.model, let directory, directory.manifest.task == "embedding" {
                let differences = stored.differences(from: ModelIdentity(directory))
                if differences.isEmpty {
                    add("match", "the store's vectors come from this model")
                } else {
                    fail(
                        "match",
                        "NO: this model differs (\(differences.joined(separator: ", "))): queries would be "
                            + "meaningless; use the store's model or a new store")
                }
            }
            if report.lastRun?.status == .failed { isReady = false }
            if report.lastRun?.status == .running && !StoreMaintenance.runIsActive(on: path) {
                // Killed: the store holds only part of what its sources have, and nothing says which part.
                fail("runs", "NOT READY: the last run was killed before it finished: run it again")
            }
        } catch {
            fail("store", "NOT READY: \(error)")
        }
    }
}
