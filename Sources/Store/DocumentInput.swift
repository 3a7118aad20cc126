public import TextIO

/// A document as the pipeline wants it stored: replaces whatever the store had under `key`, unless the
/// content hash is the same (then nothing changes).
public struct DocumentInput: Sendable, Equatable {
    /// The stable id: a relative path, or a JSON Lines id.
    public var key: String
    /// Where it was read from (path or URI), for filters and display.
    public var source: String
    /// SHA-256 of the document's content (hex).
    public var contentHash: String
    public var byteSize: Int
    /// A JSON object; its string, number and boolean members can be filtered on.
    public var metadata: [String: JSONValue]
    public var chunks: [ChunkInput]

    public init(
        key: String, source: String, contentHash: String, byteSize: Int, metadata: [String: JSONValue] = [:],
        chunks: [ChunkInput]
    ) {
        self.key = key
        self.source = source
        self.contentHash = contentHash
        self.byteSize = byteSize
        self.metadata = metadata
        self.chunks = chunks
    }
}
