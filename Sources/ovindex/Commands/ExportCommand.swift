import Foundation
import Store
import TextIO

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

    enum Format: String, CaseIterable {
        case jsonl, qdrant, milvus, vespa, npy
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
        if format == .npy, output == nil {
            throw UsageError(command: Self.name, message: "--format npy needs --output FOLDER")
        }
        self.store = store
    }

    /// The stable id of a chunk: FNV-1a 64 of "DOCUMENT#CHUNK", top bit cleared (a positive int64).
    static func chunkID(_ row: ExportRow) -> Int64 {
        Int64(bitPattern: FNV1a.hash("\(row.documentKey)#\(row.ordinal)") & 0x7FFF_FFFF_FFFF_FFFF)
    }

    func run() async throws -> ExitCode {
        let store = try Store(path: store, mode: .readOnly)
        if format == .npy { return try exportNPY(store) }
        let sink = try OutputFile(path: output)
        var json = JSONWriter(capacity: 8192)
        var rows = 0
        if format == .milvus { sink.terminal.append(Array("{\"rows\": [\n".utf8)) }
        try store.forEachChunk { row in
            json.removeAll()
            let id = Self.chunkID(row)
            switch format {
            case .jsonl:
                json.raw("{\"id\": ")
                json.integer(id)
                json.raw(", ")
                Self.fields(row, into: &json)
                json.raw(", ")
                Self.vector(row.vector, into: &json)
                json.raw("}\n")
            case .qdrant:
                json.raw("{\"id\": ")
                json.integer(id)
                json.raw(", ")
                Self.vector(row.vector, into: &json)
                json.raw(", \"payload\": {")
                Self.fields(row, into: &json)
                json.raw("}}\n")
            case .milvus:
                json.raw(rows == 0 ? "{\"id\": " : ",\n{\"id\": ")
                json.integer(id)
                json.raw(", ")
                Self.vector(row.vector, into: &json)
                json.raw(", ")
                Self.fields(row, into: &json)
                json.raw("}")
            case .vespa:
                json.raw("{\"put\": ")
                json.string("id:ovindex:chunk::\(row.documentKey)#\(row.ordinal)")
                json.raw(", \"fields\": {\"chunk_id\": ")
                json.integer(id)
                json.raw(", ")
                Self.fields(row, into: &json)
                json.raw(", \"embedding\": {\"values\": [")
                Self.floats(row.vector, into: &json)
                json.raw("]}}}\n")
            case .npy:
                break
            }
            sink.terminal.append(json.bytes)
            rows += 1
        }
        if format == .milvus { sink.terminal.append(Array("\n]}\n".utf8)) }
        try sink.close()
        return .success
    }

    private func exportNPY(_ store: Store) throws -> ExitCode {
        guard let folder = output else { return .usage }
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw CommandError(.ioError, "cannot create \(folder): \(error.localizedDescription)")
        }
        let dimension = try store.modelIdentity()?.dimension ?? 0
        let vectors = try NPYWriter(columns: dimension, directory: folder)
        let ids = try NPYWriter(columns: 1, directory: folder, descr: "<i8")
        let rowsFile = try OutputFile(path: folder + "/rows.jsonl")
        var json = JSONWriter(capacity: 4096)
        try store.forEachChunk { row in
            vectors.append(row.vector)
            let id = Self.chunkID(row)
            ids.append(id)
            json.removeAll()
            json.raw("{\"id\": ")
            json.integer(id)
            json.raw(", ")
            Self.fields(row, into: &json)
            json.raw("}\n")
            rowsFile.terminal.append(json.bytes)
        }
        try rowsFile.close()
        for (writer, name) in [(vectors, "vector.npy"), (ids, "id.npy")] {
            let file = try OutputFile(path: folder + "/" + name)
            try writer.finish(to: file.descriptor)
            try file.close()
        }
        return .success
    }

    static func fields(_ row: ExportRow, into json: inout JSONWriter) {
        json.raw("\"document\": ")
        json.string(row.documentKey)
        json.raw(", \"source\": ")
        json.string(row.source)
        json.raw(", \"chunk\": ")
        json.integer(row.ordinal)
        json.raw(", \"text\": ")
        json.string(row.text)
        json.raw(", \"metadata\": ")
        json.raw(row.metadata)
    }

    static func vector(_ values: [Float], into json: inout JSONWriter) {
        json.raw("\"vector\": [")
        floats(values, into: &json)
        json.raw("]")
    }

    static func floats(_ values: [Float], into json: inout JSONWriter) {
        for (index, value) in values.enumerated() {
            if index > 0 { json.raw(", ") }
            json.float(value)
        }
    }
}
