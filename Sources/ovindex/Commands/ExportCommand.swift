import Export
import Store

/// `ovindex export`: every chunk with its text, metadata and vector, streamed, in the shape a vector
/// database's bulk loader takes.
struct ExportCommand: Command {
    static let name = "export"
    static let summary = "Stream every chunk with its vector (JSON Lines, Qdrant, Milvus, Vespa, or .npy)"
    static let help = """
        Usage: ovindex export STORE [--format F] [--output PATH]
               ovindex export --store STORE ...

        Writes every chunk, ordered by document then chunk number, streamed from the store one row at a time
        (memory stays flat whatever the store's size). Each chunk has a stable numeric id: FNV-1a of
        "DOCUMENT#CHUNK" in 63 bits, the same in every export and after a merge.

        Formats:
          jsonl    {"id", "document", "source", "chunk", "text", "metadata", "vector"} per line (default)
          qdrant   {"id", "vector", "payload": {"document", "source", "chunk", "text", "metadata"}} per line:
                   Qdrant points, for the points upsert API or qdrant-client's upload_points in batches
          milvus   {"rows": [{"id", "vector", "document", "source", "chunk", "text", "metadata"}, ...]}:
                   a Milvus bulk-insert row-based JSON file (id INT64 primary key, vector FLOAT_VECTOR)
          vespa    {"put": "id:ovindex:chunk::DOCUMENT#CHUNK", "fields": {..., "embedding": {"values": [...]}}}
                   per line: the Vespa feed format (vespa feed), for a tensor<float>(x[DIM]) field "embedding"
          npy      a folder (--output, required): vector.npy (float32 [chunks, dim]) and id.npy (int64 [chunks])
                   — Milvus' NumPy bulk insert takes one file per field, named after it — and rows.jsonl
                   with the other fields, row for row

        Options:
          --store STORE          the store (or give it as the first argument)
          --format F             jsonl, qdrant, milvus, vespa or npy (default jsonl)
          --output PATH          a file (a folder for npy) instead of standard output
        """

    var store: String
    var format: ExportFormat
    var output: String?

    init(parsing arguments: inout Arguments) throws(UsageError) {
        let option = try arguments.option("--store")
        format = try arguments.choice("--format", ExportFormat.self) ?? .jsonl
        output = try arguments.option("--output", "-o")
        let positionals = try arguments.positionals(max: option == nil ? 1 : 0)
        guard let store = option ?? positionals.first else {
            throw UsageError(command: Self.name, message: "which store? give STORE or --store STORE")
        }
        if format == .npy, output == nil {
            throw UsageError(command: Self.name, message: "--format npy needs --output FOLDER")
        }
        self.store = store
    }

    func run() async throws -> ExitCode {
        let store = try Store(path: store, mode: .readOnly)
        if format == .npy, let output {
            try ChunkExport.writeNumPy(store, folder: output)
            return .success
        }
        let sink = try OutputFile(path: output)
        try ChunkExport.stream(store, format: format) { sink.terminal.append($0) }
        try sink.close()
        return .success
    }
}
