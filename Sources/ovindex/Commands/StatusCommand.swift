import Embedding
import Foundation
import OpenVINO
import Pipeline
import Retrieval
import Store
import Models

/// `ovindex status`: whether the model and the store are ready, and how the last run ended.
struct StatusCommand: Command {
    static let name = "status"
    static let summary = "Tell whether the model and store are ready, and how the last run ended"
    static let help = """
        Usage: ovindex status [STORE] [--model DIR|NAME] [--no-load]

        Reports, without guessing:
          model   found, its manifest and files present, its weights match the manifest's sha256, and it
                  loads and embeds a sentence (--no-load skips the last two, for a quick look)
          store   opens, its schema, what it holds, and whether its vectors come from this model
          runs    the last runs' outcomes and counts (a run still marked running whose process is gone was
                  killed: running it again resumes it)
        Exit status 0 when everything asked about is ready, 1 when something is not (the report says what).

        Options:
          --store STORE          the store to check
          --model DIR|NAME       the model (default: the store's own model when it recorded one, else
                                 all-MiniLM-L6-v2)
          --no-load              do not verify the weights or run an inference
        """

    var store: String?
    var model: String?
    var check: Bool

    init(parsing arguments: inout Arguments) throws(UsageError) {
        store = try arguments.option("--store")
        model = try arguments.option("--model")
        check = !arguments.flag("--no-load")
        _ = arguments.flag("--check")  // the default; accepted for scripts written against older versions
        if store == nil {
            store = try arguments.positionals(max: 1).first
        } else {
            _ = try arguments.positionals(max: 0)
        }
    }

    func run() async throws -> ExitCode {
        var ready = true
        let out = Terminal.output
        var directory: ModelDirectory?
        do {
            // The model the store was built with is the one queries will need: check that one by default.
            let storeModel = store.flatMap { try? Store(path: $0, mode: .readOnly).modelIdentity() }
            let found = try ModelDirectory.resolve(model, storeModelName: storeModel?.name)
            directory = found
            let manifest = found.manifest
            out.write(line: "model      \(found.name): found at \(found.path)")
            out.write(
                line: "           \(manifest.model_id), task \(manifest.task), "
                    + (manifest.dimension.map { "\($0)-d, " } ?? "")
                    + "max \(manifest.max_sequence_length) tokens, weights \(manifest.weights_sha256.prefix(12))…")
            out.write(line: "variant    \(found.variant)")
            if let choice = ModelChoice.recorded(), choice.chosen != nil {
                out.write(line: "default    \(choice.reason) (new stores; 'ovindex models' has every figure)")
            } else {
                out.write(
                    line: "default    \(ModelDirectory.defaultModelName) until the models are measured on this CPU "
                        + "('ovindex models probe', or the first run on a new store)")
            }
            if check {
                ready = try await checkModel(found) && ready
            }
        } catch {
            ready = false
            out.write(line: "model      NOT READY: \(error)")
        }
        if let store {
            do {
                let opened = try Store(path: store, mode: .readOnly)
                let report = try StoreReport(opened)
                for line in report.lines { out.write(line: line) }
                if let stored = report.model, let directory, directory.manifest.task == "embedding" {
                    let differences = stored.differences(from: ModelIdentity(directory))
                    if differences.isEmpty {
                        out.write(line: "match      the store's vectors come from this model")
                    } else {
                        ready = false
                        out.write(
                            line: "match      NO: this model differs (\(differences.joined(separator: ", "))): "
                                + "queries would be meaningless; use the store's model or a new store")
                    }
                }
                if report.lastRun?.status == .failed { ready = false }
                if report.lastRun?.status == .running && !StoreCommand.runIsActive(on: store) {
                    // Killed: the store holds only part of what its sources have, and nothing says which part.
                    ready = false
                    out.write(line: "runs       NOT READY: the last run was killed before it finished: run it again")
                }
            } catch {
                ready = false
                out.write(line: "store      NOT READY: \(error)")
            }
        }
        out.write(line: ready ? "status     ready" : "status     NOT READY")
        return ready ? .success : .failure
    }

    private func checkModel(_ directory: ModelDirectory) async throws -> Bool {
        let out = Terminal.output
        do {
            _ = try directory.verifyWeights()
        } catch {
            out.write(line: "weights    NOT READY: \(error.message)")
            return false
        }
        out.write(line: "weights    sha256 matches the manifest")
        guard directory.manifest.task == "embedding" else { return true }
        let clock = ContinuousClock()
        let started = clock.now
        let embedder = try await Embedder.load(directory, cache: ModelCache(core: try Core()))
        do {
            try await embedder.probe()
        } catch {
            out.write(line: "inference  NOT READY: \(error.message)")
            return false
        }
        let seconds = (clock.now - started).seconds
        let precision = (try? embedder.compiledModel.property("INFERENCE_PRECISION_HINT")) ?? "?"
        out.write(
            line: "inference  loaded, and embedded a short and a \(embedder.maximumLength)-token text in "
                + "\(String(format: "%.2f", seconds)) s (OpenVINO \(Core.runtimeVersion.split(separator: "-").first ?? ""), "
                + "\(precision), \(embedder.dimension) values, as the manifest says)")
        return true
    }
}
