import Host
import Models
import Pipeline
import Store
import TextIO

extension RunCommand {
    /// `--dry-run`: what the run would do, as tab-separated lines on stdout; nothing is written.
    func runDry(_ definition: PipelineDefinition, faults: FaultPlan) async throws -> ExitStatus {
        // The model's manifest (no compiling) says what the store must have been built with.
        let directory = try await RunPreparation.model(for: definition)
        // Counting the labels a run would change takes the model: the label descriptions are embedded.
        var labeller: DocumentLabeller?
        if definition.classification != nil {
            labeller = try await DocumentLabeller.load(
                for: definition, model: try directory ?? ModelDirectory.resolve(definition.model))
        }
        let dryRun = DryRun(
            definition: definition, model: directory.map(ModelIdentity.init),
            maximumLength: directory?.manifest.max_sequence_length, faults: faults, labeller: labeller)
        let summary = try await dryRun.run { line in
            let fields: [String]
            switch line {
            case .add(let key): fields = ["add", key]
            case .change(let key): fields = ["change", key]
            case .prune(let key): fields = ["prune", key]
            case .reject(let reject): fields = ["reject"] + Self.fields(reject)
            case .failure(let failure): fields = ["fail"] + Self.fields(failure)
            }
            Terminal.output.write(line: fields.map(Format.tabSeparatedField).joined(separator: "\t"))
        }
        for note in summary.notes { Terminal.errors.write(line: "ovindex run: prune: \(note)") }
        Terminal.errors.write(
            line: "ovindex run: dry run, nothing written: \(summary.added) to add, \(summary.changed) to change, "
                + "\(summary.unchanged) unchanged, \(summary.rejected) rejects, \(summary.failed) failures"
                + (definition.prune ? ", \(summary.pruned) to prune" : "")
                + (summary.labelChanges.map { ", \($0) labels would change" } ?? ""))
        if let refusal = summary.refusal {
            Terminal.errors.write(line: "ovindex run: error: \(refusal)")
            return .failure
        }
        return summary.failed > 0 ? .ioError : .success
    }

    /// A reject's input (with its line), code and reason, as fields of a dry run's line.
    static func fields(_ reject: RejectInput) -> [String] {
        var reason = reject.reason
        if let limit = reject.limit { reason += " (limit \(limit))" }
        if let detail = reject.detail { reason += ": \(detail)" }
        return [reject.input + (reject.line.map { ":\($0)" } ?? ""), reject.code.rawValue, reason]
    }

    /// - Parameter published: the publish target, and what publishing did (nil when it did not happen).
    func printReport(
        _ report: RunReport, store: String, published: (target: String, outcome: Publisher.Outcome?)? = nil
    ) {
        let counters = report.counters
        if json {
            Terminal.output.write(line: report.jsonLine(store: store, published: published?.outcome == nil ? nil : published?.target))
        }
        // Notes are printed even with --quiet: they say what the run chose not to do.
        for note in report.notes { Terminal.errors.write(line: "ovindex run: prune: \(note)") }
        if !quiet {
            Terminal.errors.write(
                line: "ovindex run: \(report.outcome.rawValue) in \(Format.fixed(report.seconds, 1)) s: "
                    + "\(counters.documentsIndexed) documents indexed, \(counters.documentsUnchanged) unchanged, "
                    + "\(counters.documentsPruned) pruned, \(report.rejects) rejects, "
                    + "\(counters.documentsFailed) failed, \(counters.chunksWritten) chunks, "
                    + "\(counters.tokensEmbedded) tokens"
                    + (report.documentsRelabelled.map { ", \($0) relabelled" } ?? "")
                    + "; peak RSS \(Format.bytes(report.peakRSSBytes))")
            if report.rejects > 0 || counters.documentsFailed > 0 {
                Terminal.errors.write(line: "ovindex run: see the rejects and failures with 'ovindex store info \(store)'")
            }
        }
    }
}
