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
        if format == .milvus { try write(Array("{\"rows\": [\n".utf8)) }
        try store.forEachChunk { row in
            json.removeAll()
            let id = chunkID(documentKey: row.documentKey, ordinal: row.ordinal)
            switch format {
            case .jsonl:
                json.raw("{\"id\": ")
                json.integer(id)
                json.raw(", ")
                fields(row, into: &json)
                json.raw(", ")
                vector(row.vector, into: &json)
                json.raw("}\n")
            case .qdrant:
                json.raw("{\"id\": ")
                json.integer(id)
                json.raw(", ")
                vector(row.vector, into: &json)
                json.raw(", \"payload\": {")
                fields(row, into: &json)
                json.raw("}}\n")
            case .milvus:
                json.raw(rows == 0 ? "{\"id\": " : ",\n{\"id\": ")
                json.integer(id)
                json.raw(", ")
                vector(row.vector, into: &json)
                json.raw(", ")
                fields(row, into: &json)
                json.raw("}")
            case .vespa:
                json.raw("{\"put\": ")
                json.string("id:ovindex:chunk::\(row.documentKey)#\(row.ordinal)")
                json.raw(", \"fields\": {\"chunk_id\": ")
                json.integer(id)
                json.raw(", ")
                fields(row, into: &json)
                json.raw(", \"embedding\": {\"values\": [")
                floats(row.vector, into: &json)
                json.raw("]}}}\n")
            case .npy:
                break
            }
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
            json.raw("{\"id\": ")
            json.integer(id)
            json.raw(", ")
            fields(row, into: &json)
            json.raw("}\n")
            try rowsFile.write(json.bytes)
        }
        try rowsFile.close()
        for (writer, name) in [(vectors, "vector.npy"), (ids, "id.npy")] {
            let file = try OutputDescriptor(path: folder + "/" + name)
            try writer.finish(to: file.descriptor)
            try file.close()
        }
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
