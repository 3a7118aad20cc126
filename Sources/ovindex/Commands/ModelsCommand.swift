import Embedding
import Foundation
import Host
import Models
import Settings
import TextIO

/// `ovindex models`: the installed variants of the model, and which one new stores use on this CPU, and why.
struct ModelsCommand: Command {
    static let spec = CommandSpec<ModelsCommand>(
        name: "models", summary: "List the installed models and measure which is fastest on this CPU (probe)",
        usage: ["models [--json]", "models probe [--seconds S] [--json]"],
        discussion: """
            Lists the installed variants of the default model and the choice recorded for this machine: the variant
            (and precision) a new store is built with when no model is named. 'probe' measures it again: each
            variant at each precision that differs on this CPU, for about S seconds each, as a run embeds (two
            batches of 32 full-length windows in flight), and its cosine to the original model at f32 on short
            texts and the model card's published similarities. The fastest variant that passes the bar (mean
            cosine >= 0.98, lowest >= 0.90, published similarities within 0.02) is chosen, unless it is less than
            5% faster than the original. The choice is recorded in the cache directory ($OVINDEX_CACHE_DIR, else
            ~/.cache/ovindex) with the figures and the CPU; a run on a new store measures once by itself when none
            is recorded for this CPU (OVINDEX_PROBE=off skips it and uses all-MiniLM-L6-v2). Existing stores keep
            the model they were built with; --model, a definition's "model" and $OVINDEX_MODEL override the choice.
            """,
        sections: [
            SettingSection(
                "Options",
                [
                    .option(
                        "--seconds", value: "S", .number(0.2...120), help: "how long each variant is measured by 'probe'",
                        \.seconds),
                    .flag("--json", help: "the recorded (or measured) choice as JSON", \.json),
                ])
        ],
        positionals: Positionals(optional: ("probe", "measure the variants again"), \.action))

    var action: String?
    var seconds = 3.0
    var json = false

    mutating func validate() throws(UsageError) {
        if let action, action != "probe" { throw UsageError("unknown action '\(action)' (probe)") }
    }

    func run() async throws -> ExitStatus {
        let variants = ModelDirectory.installedVariants()
        guard !variants.isEmpty else {
            throw CommandError(.unavailable, "no embedding model installed (run 'make setup')")
        }
        var choice = ModelChoice.recorded(for: variants)
        if action == "probe" {
            let measured = try await ModelProbe.measure(variants, seconds: seconds) { [json] step in
                if !json { Terminal.errors.write(line: "ovindex models: measuring \(step)") }
            }
            do {
                try measured.save()
            } catch {
                throw CommandError(.ioError, "measured, but the choice could not be recorded in the cache: \(error)")
            }
            choice = measured
        }
        if json {
            Terminal.output.write(line: JSONWriter.canonical(.array(choice.map { [$0.json] } ?? [])))
            return .success
        }
        let out = Terminal.output
        for variant in variants {
            out.write(
                line: "model      \(variant.name): \(variant.variant), \(variant.manifest.dimension ?? 0)-d, \(variant.path)")
        }
        guard let choice else {
            out.write(line: "choice     none recorded for this CPU (\(Processor.current().summary)): 'ovindex models probe'")
            return .success
        }
        out.write(line: "cpu        \(choice.processor.summary)")
        out.write(line: "           model, precision, tokens/s, cosine to the original at f32 (mean, lowest), published error")
        for candidate in choice.candidates {
            out.write(
                line: "measured   \(candidate.model) at \(candidate.precision.rawValue): "
                    + "\(Int(candidate.tokensPerSecond.rounded())) tokens/s, "
                    + [candidate.meanCosine, candidate.minCosine, candidate.publishedError]
                    .map { Format.fixed($0, 4) }.joined(separator: ", ")
                    + (candidate.passes ? "" : " (below the bar)"))
        }
        out.write(line: "choice     \(choice.reason)")
        return .success
    }
}
