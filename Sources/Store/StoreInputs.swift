public import TextIO

/// One chunk of a document, with its vector.
public struct ChunkInput: Sendable, Equatable {
    public var ordinal: Int
    public var text: String
    /// The chunk's span in the document, in Unicode scalars.
    public var characterStart: Int
    public var characterEnd: Int
    public var tokenCount: Int
    public var embedding: [Float]

    public init(ordinal: Int, text: String, characterStart: Int, characterEnd: Int, tokenCount: Int, embedding: [Float])
    {
        self.ordinal = ordinal
        self.text = text
        self.characterStart = characterStart
        self.characterEnd = characterEnd
        self.tokenCount = tokenCount
        self.embedding = embedding
    }
}

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

/// Something the pipeline refused, with the reason and the limit it broke. With `document` set, the document
/// is also recorded as rejected (its old chunks removed), so an unchanged rejected document is skipped next time.
public struct RejectInput: Sendable, Equatable {
    public struct Document: Sendable, Equatable {
        public var key: String
        public var source: String
        public var contentHash: String
        public var byteSize: Int

        public init(key: String, source: String, contentHash: String, byteSize: Int) {
            self.key = key
            self.source = source
            self.contentHash = contentHash
            self.byteSize = byteSize
        }
    }

    /// The input the problem was found in (file, or file:line).
    public var input: String
    public var line: Int?
    public var reason: String
    public var limit: String?
    public var detail: String?
    public var document: Document?

    public init(
        input: String, line: Int? = nil, reason: String, limit: String? = nil, detail: String? = nil,
        document: Document? = nil
    ) {
        self.input = input
        self.line = line
        self.reason = reason
        self.limit = limit
        self.detail = detail
        self.document = document
    }
}

/// How far a run has come: written with every batch, in the same transaction.
public struct RunProgress: Sendable, Equatable {
    public var runID: Int64
    public var counters: RunCounters
    /// Where the run stands (for resuming), as the pipeline defines it (JSON).
    public var cursor: String

    public init(runID: Int64, counters: RunCounters, cursor: String = "{}") {
        self.runID = runID
        self.counters = counters
        self.cursor = cursor
    }
}

public struct RunCounters: Sendable, Equatable {
    public var documentsSeen = 0
    public var documentsIndexed = 0
    public var documentsUnchanged = 0
    public var documentsRejected = 0
    public var documentsPruned = 0
    public var chunksWritten = 0
    public var tokensEmbedded = 0

    public init() {}
}

/// What one write did.
public struct WriteOutcome: Sendable, Equatable {
    public var indexed = 0
    public var unchanged = 0
    public var rejected = 0
    public var chunks = 0

    public init() {}
}
