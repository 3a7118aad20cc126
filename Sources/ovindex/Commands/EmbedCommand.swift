import Embedding
import Export
import Foundation
import Host
import Models
import Settings
import TextIO

/// `ovindex embed`: sentence embeddings for texts, in input order, as JSON Lines or a .npy matrix.
struct EmbedCommand: Command {
    static let spec = CommandSpec<EmbedCommand>(
        name: "embed", summary: "Embed texts with the model (JSON Lines or .npy, in input order)",
        usage: ["embed [FILE] [--model DIR|NAME] [--format jsonl|npy] [--output FILE] [options]"],
        discussion: """
            Embeds each text and writes, in input order, one JSON line per text:
              {"id": ..., "embedding": [...]}
            or, with --format npy, a float32 matrix (one row per text). Texts longer than the model's maximum
            (256 tokens for all-MiniLM-L6-v2, from its manifest) are truncated. Ids are the JSON Lines "id" field,
            or the line number.
            """,
        sections: [
            SettingSection(
                "Options",
                [
                    ModelOptions.model(\.model),
                    .option("--format", value: "F", .choice, help: "output format", \.format),
                    .option(
                        "--output", "-o", value: "FILE", .path, help: "write there instead of standard output", \.output),
                    .option(
                        "--batch-tokens", value: "N", .integer(InferenceLimits.batchTokens),
                        help: "token budget of one batch, padding included", \.batchTokens),
                    .option(
                        "--requests", value: "N", .integer(InferenceLimits.requests), help: "batches in flight at once",
                        \.requests),
                ] + InferenceOptions.settings.map { $0.lifted(\.inference) } + [
                    .flag("--quiet", "-q", help: "no summary on stderr", \.quiet)
                ]),
            InputOptions.section.lifted(\.input),
        ],
        positionals: Positionals(optional: InputOptions.file, \.input.path))

    enum OutputFormat: String, CaseIterable, Sendable {
        case jsonl, npy
    }

    var model: String?
    var format = OutputFormat.jsonl
    var output: String?
    var batchTokens = InferenceLimits.defaultBatchTokens
    var requests = InferenceLimits.defaultRequests
    var inference = InferenceOptions()
    var quiet = false
    var input = InputOptions()

    func run() async throws -> ExitStatus {
        let embedder = try await Embedder.load(
            try ModelDirectory.resolve(model), options: inference.embedderOptions(requests: requests))
        let reader = try input.makeReader(pairs: false)
        let sink = try OutputSink(format: format, path: output, input: input.path, columns: embedder.dimension)
        let clock = ContinuousClock()
        let started = clock.now
        var window = EmbeddingWindow<JSONValue>(embedder: embedder, batchTokens: batchTokens)
        let skipped = try await input.forEachRecord(reader, command: Self.spec.name) { record in
            for (id, vector) in try await window.add(record.id, text: record.text) { try sink.write(id: id, vector: vector) }
        }
        for (id, vector) in try await window.flush() { try sink.write(id: id, vector: vector) }
        try sink.finish()
        if !quiet {
            let seconds = (clock.now - started).seconds
            var summary =
                "ovindex embed: \(window.textsEmbedded) texts, \(window.tokensEmbedded) tokens in "
                + "\(Format.fixed(seconds, 2)) s "
                + "(\(Format.fixed(Double(window.textsEmbedded) / max(seconds, 1e-9), 0)) texts/s)"
            if skipped > 0 { summary += ", \(skipped) invalid lines skipped" }
            Terminal.errors.write(line: summary)
        }
        return .success
    }
}

/// Where `embed` writes: JSON Lines straight out, or a .npy assembled at the end.
private final class OutputSink {
    private let output: OutputFile
    private let npy: NPYWriter?
    private var json = JSONWriter(capacity: 8192)

    init(format: EmbedCommand.OutputFormat, path: String?, input: String?, columns: Int) throws {
        output = try OutputFile(path: path, inputs: [("the input", input)])
        if format == .npy {
            let folder =
                path.map { URL(fileURLWithPath: $0).deletingLastPathComponent().path } ?? NSTemporaryDirectory()
            npy = try NPYWriter(columns: columns, directory: folder.isEmpty ? "." : folder)
        } else {
            npy = nil
        }
    }

    func write(id: JSONValue, vector: [Float]) throws {
        if let npy {
            try npy.append(vector)
            return
        }
        json.removeAll()
        json.object { line in
            line.field("id", id)
            line.field("embedding", vector)
        }
        json.newline()
        output.terminal.append(json.bytes)
    }

    func finish() throws {
        output.terminal.flush()
        if let npy { try npy.finish(to: output.descriptor) }
        try output.close()
    }
}
