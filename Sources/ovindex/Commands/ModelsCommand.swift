import Embedding
import Foundation
import Host
import Models

/// `ovindex models`: the installed variants of the model, and which one new stores use on this CPU, and why.
struct ModelsCommand: Command {
    static let name = "models"
    static let summary = "List the installed models and measure which is fastest on this CPU (probe)"
    static let help = """
        Usage: ovindex models [--json]
               ovindex models probe [--seconds S] [--json]

        Lists the installed variants of the default model and the choice recorded for this machine: the variant
        (and precision) a new store is built with when no model is named. 'probe' measures it again: each
        variant at each precision that differs on this CPU, for about S seconds each (default 3), as a run
        embeds (two batches of 32 full-length windows in flight), and its cosine to the original model at f32
        on short texts and the model card's published similarities. The fastest variant that passes the bar
        (mean cosine >= 0.98, lowest >= 0.90, published similarities within 0.02) is chosen, unless it is less
        than 5% faster than the original. The choice is recorded in the cache directory ($OVINDEX_CACHE_DIR, else
        ~/.cache/ovindex) with the figures and the CPU; a run on a new store measures once by itself when none
        is recorded for this CPU (OVINDEX_PROBE=off skips it and uses all-MiniLM-L6-v2). Existing stores keep
        the model they were built with; --model, a definition's "model" and $OVINDEX_MODEL override the choice.
        """

    var probe: Bool
    var seconds: Double
    var json: Bool

    init(parsing arguments: inout Arguments) throws(UsageError) {
        seconds = try arguments.seconds("--seconds", in: 0.2...120)?.seconds ?? 3
        json = arguments.flag("--json")
        let positionals = try arguments.positionals(max: 1)
        switch positionals.first {
        case nil: probe = false
        case "probe"?: probe = true
        case let other?: throw UsageError(command: Self.name, message: "unknown action '\(other)' (probe)")
        }
    }

    func run() async throws -> ExitCode {
        let variants = ModelDirectory.installedVariants()
        guard !variants.isEmpty else {
            throw CommandError(.unavailable, "no embedding model installed (run 'make setup')")
        }
        var choice = ModelChoice.recorded(for: variants)
        if probe {
            let measured = try await ModelProbe.measure(variants, seconds: seconds) { step in
                if !json { Terminal.errors.write(line: "ovindex models: measuring \(step)") }
            }
            try measured.save()
            choice = measured
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            let data = try encoder.encode(choice.map { [$0] } ?? [])
            Terminal.output.write(line: String(decoding: data, as: UTF8.self))
            return .success
        }
        let out = Terminal.output
        for variant in variants {
            out.write(line: "model      \(variant.name): \(variant.variant), \(variant.manifest.dimension ?? 0)-d, \(variant.path)")
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
                    + String(format: "%.4f, %.4f, %.4f", candidate.meanCosine, candidate.minCosine, candidate.publishedError)
                    + (candidate.passes ? "" : " (below the bar)"))
        }
        out.write(line: "choice     \(choice.reason)")
        return .success
    }
}
