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
    /// The chunk's packed token states (`PackedTokenStates`), kept for late-interaction reranking; nil when
    /// the store does not keep them.
    public var tokenStates: [UInt8]?
    /// What the chunk belongs to (its document's title), searched beside its text.
    public var context: String
    /// The Markdown headings above the chunk's first words, joined with " > " ("" for none); then, a line
    /// each, the paths of headings that start inside the chunk (a section filter finds the chunk under any).
    public var section: String

    public init(
        ordinal: Int, text: String, characterStart: Int, characterEnd: Int, tokenCount: Int, embedding: [Float],
        tokenStates: [UInt8]? = nil, context: String = "",
        section: String = ""
    ) {
        self.ordinal = ordinal
        self.text = text
        self.characterStart = characterStart
        self.characterEnd = characterEnd
        self.tokenCount = tokenCount
        self.embedding = embedding
        self.tokenStates = tokenStates
        self.context = context
        self.section = section
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

/// Something the pipeline refused (a reject: the input itself is at fault, permanently) or could not finish (a
/// failure: an I/O error, an inference error or timeout, retried by the next run).
///
/// A reject with `document` set also records the document as rejected (its old chunks removed), so an unchanged
/// rejected document is skipped next time. A failure never changes the document's row: the next run sees it as
/// new or changed and tries again.
public struct RejectInput: Sendable, Equatable {
    public enum Kind: String, Sendable {
        /// A fault of the input itself (invalid UTF-8, too large, ...): skipped while unchanged.
        case reject
        /// Transient (read error, inference error or timeout): the next run retries the document.
        case failure
    }

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
    /// Why, as a stable code.
    public var code: RejectReason
    /// Why, in words (the code's summary unless given).
    public var reason: String
    public var limit: String?
    public var detail: String?
    /// The document to record as rejected (rejects only).
    public var document: Document?
    /// The document this is about, when there is one (with or without `document`): a document's newer row
    /// replaces its older ones.
    public var key: String?

    public var kind: Kind { code.isFailure ? .failure : .reject }

    public init(
        input: String, line: Int? = nil, code: RejectReason, reason: String? = nil, limit: String? = nil,
        detail: String? = nil, document: Document? = nil, key: String? = nil
    ) {
        self.input = input
        self.line = line
        self.code = code
        self.reason = reason ?? code.summary
        self.limit = limit
        self.detail = detail
        self.document = code.isFailure ? nil : document
        self.key = key ?? document?.key
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
    /// Documents that could not be finished this run (read or inference failures); the next run retries them.
    public var documentsFailed = 0
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
