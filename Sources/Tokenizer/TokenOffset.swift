/// Where a token came from in the original text.
public struct TokenOffset: Sendable, Hashable {
    /// Unicode scalar offsets, as Hugging Face `tokenizers` reports them (special tokens: 0..<0).
    public var start: Int32
    public var end: Int32

    public init(start: Int32, end: Int32) {
        self.start = start
        self.end = end
    }
}
