import TextIO

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
