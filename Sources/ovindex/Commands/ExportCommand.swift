import Foundation
import Store
import TextIO

/// `ovindex export`: every chunk with its text, metadata and vector, streamed.
struct ExportCommand: Command {
    static let name = "export"
    static let summary = "Stream every chunk with its vector as JSON Lines"
    static let help = """
        Usage: ovindex export STORE [--format jsonl] [--output FILE]
               ovindex export --store STORE ...

        Writes one JSON line per chunk, ordered by document id then chunk number:
          {"document": ..., "source": ..., "chunk": 0, "text": ..., "metadata": {...}, "vector": [...]}
        Rows are streamed from the store one at a time: memory stays flat whatever the store's size.

        Options:
          --store STORE          the store (or give it as the first argument)
          --format jsonl         output format (default jsonl)
          --output FILE          write there instead of standard output
        """

    enum Format: String, CaseIterable {
        case jsonl
    }

    var store: String
    var format: Format
    var output: String?

    init(parsing arguments: inout Arguments) throws(UsageError) {
        let option = try arguments.option("--store")
        format = try arguments.choice("--format", Format.self) ?? .jsonl
        output = try arguments.option("--output", "-o")
        let positionals = try arguments.positionals(max: option == nil ? 1 : 0)
        guard let store = option ?? positionals.first else {
            throw UsageError(command: Self.name, message: "which store? give STORE or --store STORE")
        }
        self.store = store
    }

    func run() async throws -> ExitCode {
        let store = try Store(path: store, mode: .readOnly)
        let sink = try OutputFile(path: output)
        var json = JSONWriter(capacity: 8192)
        var rows = 0
        try store.forEachChunk { row in
            json.removeAll()
            json.raw("{\"document\": ")
            json.string(row.documentKey)
            json.raw(", \"source\": ")
            json.string(row.source)
            json.raw(", \"chunk\": ")
            json.integer(row.ordinal)
            json.raw(", \"text\": ")
            json.string(row.text)
            json.raw(", \"metadata\": ")
            json.raw(row.metadata)
            json.raw(", \"vector\": [")
            for (index, value) in row.vector.enumerated() {
                if index > 0 { json.raw(", ") }
                json.float(value)
            }
            json.raw("]}\n")
            sink.terminal.append(json.bytes)
            rows += 1
        }
        try sink.close()
        return .success
    }
}
