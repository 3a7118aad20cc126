/// One chunk of a document: the word pieces the model will see, and the exact text they came from.
public struct ChunkPlan: Sendable, Equatable {
    public var ordinal: Int
    /// Word pieces without [CLS]/[SEP].
    public var tokenIDs: [Int32]
    /// The original text the pieces cover, cut by the tokenizer's offsets.
    public var text: String
    /// The span in the document, in Unicode scalars.
    public var characterStart: Int
    public var characterEnd: Int
    /// The Markdown headings above the chunk's first words, outermost first (empty for a plain text).
    public var section: [String] = []
    /// The paths of headings that start inside the chunk, other than `section` (at most
    /// `Chunker.maximumLaterSections`): the chunk is found under them too.
    public var laterSections: [[String]] = []
    /// What is embedded in front of the chunk's words (its document's title and section), "" for nothing.
    public var context = ""
}
