import Checksum
import Foundation
import Host
public import Store
import TextIO

/// Streams a store's chunks in an export format, one row at a time (memory stays flat whatever the store's
/// size). Every chunk has a stable id, the same in every export and after a merge.
public enum ChunkExport {
    /// The stable id of a chunk: FNV-1a 64 of "DOCUMENT#CHUNK", top bit cleared (a positive int64).
    public static func chunkID(documentKey: String, ordinal: Int) -> Int64 {
        Int64(bitPattern: FNV1a.hash("\(documentKey)#\(ordinal)") & 0x7FFF_FFFF_FFFF_FFFF)
    }

    /// Writes every chunk of `store` in `format` (a line format, or Milvus' JSON file) through `write`.
    ///
    /// - Precondition: `format` is not `.npy` (a folder: `writeNumPy`).
    public static func stream(
        _ store: Store, format: ExportFormat, to write: (_ bytes: [UInt8]) throws -> Void
    ) throws {
        precondition(format != .npy, "the npy format is a folder: use writeNumPy")
        var json = JSONWriter(capacity: 8192)
        var rows = 0
        // Milvus' row-based file: {"rows": [ROW,\nROW ...]}, its frame written around the streamed rows.
        if format == .milvus { try write(Array("{\"rows\": [\n".utf8)) }
        try store.forEachChunk { row in
            json.removeAll()
            let id = chunkID(documentKey: row.documentKey, ordinal: row.ordinal)
            // Milvus' file is one array, streamed a row a line: the rows after the first start with a comma.
            if format == .milvus && rows > 0 { json.encoded(",\n") }
            json.object { chunk in
                switch format {
                case .jsonl:
                    chunk.field("id", id)
                    fields(row, into: &chunk)
                    chunk.field("vector", row.vector)
                case .qdrant:
                    chunk.field("id", id)
                    chunk.field("vector", row.vector)
                    chunk.field("payload") { $0.object { fields(row, into: &$0) } }
                case .milvus:
                    chunk.field("id", id)
                    chunk.field("vector", row.vector)
                    fields(row, into: &chunk)
                case .vespa:
                    chunk.field("put", "id:ovindex:chunk::\(row.documentKey)#\(row.ordinal)")
                    chunk.field("fields") { document in
                        document.object { fieldsObject in
                            fieldsObject.field("chunk_id", id)
                            fields(row, into: &fieldsObject)
                            fieldsObject.field("embedding") { $0.object { $0.field("values", row.vector) } }
                        }
                    }
                case .npy:
                    break
                }
            }
            if format != .milvus { json.newline() }
            try write(json.bytes)
            rows += 1
        }
        if format == .milvus { try write(Array("\n]}\n".utf8)) }
    }

    /// Writes `folder`/vector.npy (float32 [chunks, dimension]), id.npy (int64 [chunks]) and rows.jsonl (the
    /// other fields, row for row), creating the folder.
    ///
    /// - Throws: `ExportError` when a file cannot be written, `StoreError` when the store cannot be read.
    public static func writeNumPy(_ store: Store, folder: String) throws {
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw ExportError(path: folder, message: "cannot create the folder: \(error.localizedDescription)")
        }
        guard let dimension = try store.modelIdentity()?.dimension, dimension > 0 else {
            throw ExportError(path: store.path, message: "holds no vectors (no model recorded): nothing to export")
        }
        let vectors = try NPYWriter(columns: dimension, directory: folder)
        let ids = try NPYWriter(columns: 1, directory: folder, descr: "<i8")
        let rowsFile = try OutputDescriptor(path: folder + "/rows.jsonl")
        var json = JSONWriter(capacity: 4096)
        try store.forEachChunk { row in
            try vectors.append(row.vector)
            let id = chunkID(documentKey: row.documentKey, ordinal: row.ordinal)
            ids.append(id)
            json.removeAll()
            json.object { line in
                line.field("id", id)
                fields(row, into: &line)
            }
            json.newline()
            try rowsFile.write(json.bytes)
        }
        try rowsFile.close()
        for (writer, name) in [(vectors, "vector.npy"), (ids, "id.npy")] {
            let file = try OutputDescriptor(path: folder + "/" + name)
            try writer.finish(to: file.descriptor)
            try file.close()
        }
    }

    /// The chunk's own members, in an object being written.
    static func fields(_ row: ExportRow, into json: inout JSONWriter) {
        json.field("document", row.documentKey)
        json.field("source", row.source)
        json.field("chunk", row.ordinal)
        json.field("text", row.text)
        json.field("metadata") { $0.encoded(row.metadata) }
    }
}

/// A file opened for writing, with every write and the close checked.
final class OutputDescriptor {
    let path: String
    let descriptor: Int32
    private var closed = false

    init(path: String) throws(ExportError) {
        self.path = path
        descriptor = System.open(path, [.writeOnly, .create, .truncate, .closeOnExec], permissions: 0o644)
        guard descriptor >= 0 else { throw ExportError(path: path, message: Self.error("cannot write")) }
    }

    func write(_ bytes: [UInt8]) throws(ExportError) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { System.write(descriptor, $0) }
            if written < 0 {
                throw ExportError(path: path, message: Self.error("write failed"))
            }
            offset += written
        }
    }

    func close() throws(ExportError) {
        closed = true
        if System.close(descriptor) != 0 { throw ExportError(path: path, message: Self.error("cannot finish writing")) }
    }

    deinit {
        // An export that failed half-way does not leak its descriptor.
        if !closed { System.close(descriptor) }
    }

    private static func error(_ what: String) -> String { "\(what): \(System.lastErrorText)" }
}
