import Host
public import Store
public import TextIO
import Embedding
import Tokenizer

// The messages the stages pass each other, in the order a document meets them:
//
//     reading ──ReadItem──▶ validating ──SourceDocument──▶ chunking ──ChunkJob──▶ embedding
//        everything the writer needs to know goes straight to it: ──WriterMessage──▶ writing

/// A document as the reader found it: its key and where it came from, its content (or only its size, when it
/// is over the limit and was not read), and the hash that tells whether the store already has it.
public struct ReadDocument: Sendable, Equatable {
    public enum Content: Sendable, Equatable {
        case bytes([UInt8])
        /// Over the size limit: not read. The hash is made from its size and modification time instead.
        case oversized(size: Int)
    }

    /// Stable id: the path relative to its source folder, or the JSON Lines id (with the source's key prefix).
    public var key: String
    /// Where it was read: the file path.
    public var source: String
    /// The file it came from, and the line for a JSON Lines record.
    public var input: String
    public var line: Int?
    public var content: Content
    public var contentHash: String
    public var metadata: [String: JSONValue]
    /// The definition's source it came from (its index).
    public var sourceIndex: Int

    public var byteSize: Int {
        switch content {
        case .bytes(let bytes): bytes.count
        case .oversized(let size): size
        }
    }

    /// The input to name in messages: the file, or file:line.
    public var place: String { line.map { "\(input):\($0)" } ?? input }
}

/// What the reader produces: documents to validate, inputs it could not turn into one (rejects and failures,
/// as `RejectInput`s), and the end of each source.
public enum ReadItem: Sendable, Equatable {
    case document(ReadDocument)
    case problem(RejectInput)
    case sourceFinished(SourceReport)
}

/// How much of one source a run read, for pruning: a source that yielded nothing, or was not read in full, is
/// never pruned.
public struct SourceReport: Sendable, Equatable {
    /// The source's position in the definition.
    public var index: Int
    /// Items with a document key: documents, and rejects and failures of documents.
    public var documents: Int
    /// False when part of it could not be read (a folder that could not be listed, a read error in a JSON
    /// Lines file).
    public var complete: Bool
    /// Whether it was a folder when the reader began it (its documents' sources are below its path).
    public var isFolder: Bool
}

/// What a document's store row needs, without its text (the writer gets the chunks' texts, not the document's).
public struct DocumentHeader: Sendable, Equatable {
    public var key: String
    public var source: String
    /// The file it came from, and the line for a JSON Lines record (as rejects name them).
    public var input: String
    public var line: Int?
    public var contentHash: String
    public var byteSize: Int
    public var metadata: [String: JSONValue]
}

/// A document that passed validation, with its text, ready for chunking.
public struct SourceDocument: Sendable, Equatable {
    public var header: DocumentHeader
    public var text: String

    public var key: String { header.key }
}

/// One chunk to embed: which document (by sequence number), which chunk of it, and its tokens.
struct ChunkJob: Sendable {
    var document: UInt64
    var ordinal: Int
    var encoding: Encoding
}

/// A document cut into chunks: what the writer needs to store it once every chunk has its vector.
struct DocumentPlan: Sendable {
    var sequence: UInt64
    var header: DocumentHeader
    var chunks: [ChunkPlan]
}

struct EmbeddedChunk: Sendable {
    var job: ChunkJob
    var result: Result<ChunkEmbedding, EmbeddingFailure>
}

/// A chunk's vector, and its packed token states when the store keeps them.
struct ChunkEmbedding: Sendable {
    var vector: [Float]
    var states: PackedTokenStates?

    init(vector: [Float], states: PackedTokenStates? = nil) {
        self.vector = vector
        self.states = states
    }
}

struct EmbeddingFailure: Error, Sendable, Equatable, CustomStringConvertible {
    var message: String
    var description: String { message }
}

/// Everything the writer hears about, from every stage.
enum WriterMessage: Sendable {
    /// The store already has this key with this content.
    case unchanged(String)
    /// A reject or a failure, with or without a document.
    case problem(RejectInput)
    /// A document cut into chunks, whose vectors will follow.
    case planned(DocumentPlan)
    case embedded([EmbeddedChunk])
    case sourceFinished(SourceReport)
    /// The reader is done: `complete` when it read every source to its end.
    case readingFinished(complete: Bool)
    /// The commit clock: commit what is due even when no other message comes.
    case tick
}

extension RejectInput.Document {
    init(_ header: DocumentHeader) {
        self.init(key: header.key, source: header.source, contentHash: header.contentHash, byteSize: header.byteSize)
    }
}

extension EmbeddingFailure: ExitStatusError {
    var exitStatus: ExitStatus { .failure }
}
