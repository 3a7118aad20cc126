import Export
import Host
import Settings
import Store

/// `ovindex export`: every chunk with its text, metadata and vector, streamed, in the shape a vector
/// database's bulk loader takes.
struct ExportCommand: Command {
    static let spec = CommandSpec<ExportCommand>(
        name: "export", summary: "Stream every chunk with its vector (JSON Lines, Qdrant, Milvus, Vespa, or .npy)",
        usage: ["export STORE [--format F] [--output PATH]", "export --store STORE ..."],
        discussion: """
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
            """,
        sections: [
            SettingSection(
                "Options",
                [
                    .option("--store", value: "STORE", .path, help: "the store (or give it as the first argument)", \.store),
                    .option("--format", value: "F", .choice, help: "the format", \.format),
                    .option(
                        "--output", "-o", value: "PATH", .path, help: "a file (a folder for npy) instead of standard output",
                        \.output),
                ])
        ],
        positionals: Positionals(optional: ("STORE", "the store to export"), \.positionalStore))

    var store: String?
    var positionalStore: String?
    var format = ExportFormat.jsonl
    var output: String?

    mutating func validate() throws(UsageError) {
        if store != nil, let extra = positionalStore { throw UsageError("unexpected argument '\(extra)'") }
        guard let store = store ?? positionalStore else { throw UsageError("which store? give STORE or --store STORE") }
        if format == .npy, output == nil || output == "-" { throw UsageError("--format npy needs --output FOLDER") }
        self.store = store
    }

    func run() async throws -> ExitStatus {
        let store = try Store(path: self.store ?? "", mode: .readOnly)
        if format == .npy, let output {
            try ChunkExport.writeNumPy(store, folder: output)
            return .success
        }
        let sink = try OutputFile(path: output, inputs: [("the store", self.store)])
        try ChunkExport.stream(store, format: format) { sink.terminal.append($0) }
        try sink.close()
        return .success
    }
}
