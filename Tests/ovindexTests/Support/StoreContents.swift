import Foundation
import SQLite
@testable import Store

/// Everything that defines a store's contents, for comparison: documents, chunks and vectors.
struct StoreContents {
    var documents: [String: String] = [:]  // key -> content hash
    var chunks: [String: (text: String, start: Int, end: Int, vector: [Float])] = [:]

    init(_ path: String) throws {
        let store = try Store(path: path, mode: .readOnly)
        let documents = try store.connection.prepare(
            "SELECT key, content_hash FROM documents WHERE state = 'indexed'")
        while try documents.step() { self.documents[documents.text(at: 0) ?? ""] = documents.text(at: 1) ?? "" }
        let chunks = try store.connection.prepare(
            "SELECT c.key, c.text, c.char_start, c.char_end, v.embedding FROM chunks c JOIN vectors v ON v.chunk_id = c.id"
        )
        while try chunks.step() {
            self.chunks[chunks.text(at: 0) ?? ""] = (
                chunks.text(at: 1) ?? "", chunks.int(at: 2), chunks.int(at: 3), chunks.floats(at: 4)
            )
        }
    }

    /// The largest difference between two stores' vectors, or nil when documents or chunks differ.
    func vectorDifference(from other: StoreContents) -> Float? {
        guard documents == other.documents, Set(chunks.keys) == Set(other.chunks.keys) else { return nil }
        var largest: Float = 0
        for (key, chunk) in chunks {
            guard let twin = other.chunks[key], twin.text == chunk.text, twin.start == chunk.start,
                twin.end == chunk.end, twin.vector.count == chunk.vector.count
            else { return nil }
            for (a, b) in zip(chunk.vector, twin.vector) { largest = max(largest, abs(a - b)) }
        }
        return largest
    }
}
