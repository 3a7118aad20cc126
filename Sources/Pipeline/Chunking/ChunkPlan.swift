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
}
