/// One search result: a chunk, its document, and its score (cosine for vector searches, BM25 for keyword).
public struct SearchHit: Sendable, Equatable {
    public var chunkID: Int64
    public var documentKey: String
    public var source: String
    public var ordinal: Int
    public var score: Float
    public var text: String
    public var characterStart: Int
    public var characterEnd: Int
    /// The document's metadata as a JSON object text.
    public var metadata: String
    /// What the chunk belongs to (its document's title), as it was embedded in front of its text; "" in a
    /// store older than schema 3.
    public var context = ""
    /// The Markdown headings above the chunk, joined with " > "; "" for a plain text or a store older than
    /// schema 4.
    public var section = ""
}
