import Embedding
import Foundation
import OpenVINO
import TextIO
import Tokenizer
import Models
import Export

/// `ovindex embed`: sentence embeddings for texts, in input order, as JSON Lines or a .npy matrix.
struct EmbedCommand: Command {
    static let name = "embed"
    static let summary = "Embed texts with the model (JSON Lines or .npy, in input order)"
    static let help = """
        Usage: ovindex embed [FILE] [--model DIR|NAME] [--format jsonl|npy] [--output FILE] [options]

        Embeds each text and writes, in input order, one JSON line per text:
          {"id": ..., "embedding": [...]}
        or, with --format npy, a float32 matrix (one row per text). Texts longer than the model's maximum
        (256 tokens for all-MiniLM-L6-v2, from its manifest) are truncated. Ids are the JSON Lines "id" field,
        or the line number.

        Options:
          --model DIR|NAME       model directory or name under data/models (default: all-MiniLM-L6-v2)
          --format jsonl|npy     output format (default jsonl)
          --output FILE          write there instead of standard output
          --precision P          inference precision: f32, bf16 or auto (runtime default; bf16 where the CPU
                                 has it) (default auto)
          --batch-tokens N       token budget of one batch, padding included (default 8192)
          --requests N           batches in flight at once (default 2)
          --threads N            CPU threads for inference (default: all)
          --timeout SECONDS      longest one batch may take before it is cancelled (default 30)
          --quiet                no summary on stderr

        """ + InputOptions.help

    enum Format: String, CaseIterable {
        case jsonl, npy
    }

    /// Texts read, tokenized and embedded together; bounds memory whatever the input size.
    static let windowSize = 1024

    var model: String?
    var format: Format
    var output: String?
    var precision: InferencePrecision
    var batchTokens: Int
    var requests: Int
    var threads: Int?
    var timeout: Duration
    var quiet: Bool
    var input: InputOptions

    init(parsing arguments: inout Arguments) throws(UsageError) {
        model = try arguments.option("--model")
        format = try arguments.choice("--format", Format.self) ?? .jsonl
        output = try arguments.option("--output", "-o")
        precision = try arguments.choice("--precision", InferencePrecision.self) ?? .auto
        batchTokens = try arguments.integer("--batch-tokens", in: 16...1_000_000) ?? 8192
        requests = try arguments.integer("--requests", in: 1...64) ?? 2
        threads = try arguments.integer("--threads", in: 1...1024)
        timeout = try arguments.seconds("--timeout", in: 0.001...86_400) ?? .seconds(30)
        quiet = arguments.flag("--quiet", "-q")
        input = try InputOptions(parsing: &arguments)
        input.path = try arguments.positionals(max: 1).first
    }

    func run() async throws -> ExitCode {
        let directory = try ModelDirectory.resolve(model)
        let options = Embedder.Options(
            precision: precision,
            requests: requests, timeout: timeout, threads: threads)
        let embedder = try await Embedder.load(directory, options: options, cache: ModelCache(core: try Core()))
        let reader = try input.makeReader(pairs: false)
        let sink = try OutputSink(format: format, path: output, columns: embedder.dimension)
        let batcher = TokenBatcher(budget: batchTokens, lengthMultiple: embedder.options.lengthMultiple)
        let clock = ContinuousClock()
        let started = clock.now
        var window: [TextRecord] = []
        var texts = 0
        var tokens = 0

        func flushWindow() async throws {
            guard !window.isEmpty else { return }
            let encodings = window.map { embedder.encode($0.text) }
            // Batches of similar lengths under the token budget, several in flight, results in input order.
            let vectors = try await batcher.map(encodings) { try await embedder.embed($0) }
            for (record, vector) in zip(window, vectors) {
                try sink.write(id: record.id, vector: vector)
            }
            texts += window.count
            tokens += encodings.reduce(0) { $0 + $1.count }
            window.removeAll(keepingCapacity: true)
        }

        let skipped = try await input.forEachRecord(reader, command: Self.name) { record in
            window.append(record)
            if window.count >= Self.windowSize { try await flushWindow() }
        }
        try await flushWindow()
        try sink.finish()

        if !quiet {
            let seconds = (clock.now - started).seconds
            var summary = "ovindex embed: \(texts) texts, \(tokens) tokens in \(String(format: "%.2f", seconds)) s"
            summary += " (\(String(format: "%.0f", Double(texts) / max(seconds, 1e-9))) texts/s)"
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

    init(format: EmbedCommand.Format, path: String?, columns: Int) throws {
        output = try OutputFile(path: path)
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
        json.raw("{\"id\": ")
        json.value(id)
        json.raw(", \"embedding\": [")
        for (index, value) in vector.enumerated() {
            if index > 0 { json.raw(", ") }
            json.float(value)
        }
        json.raw("]}\n")
        output.terminal.append(json.bytes)
    }

    func finish() throws {
        output.terminal.flush()
        if let npy { try npy.finish(to: output.descriptor) }
        try output.close()
    }
}

