/// Which documents a search may return: all filters must hold.
public struct SearchFilter: Sendable, Equatable {
    /// Only documents whose source starts with this.
    public var sourcePrefix: String?
    /// Only documents whose metadata has these key = value pairs (values compared as text).
    public var metadata: [String: String]
    /// Only chunks whose section contains this text, ASCII letters compared without case: the Markdown
    /// headings above the chunk, or above a heading inside it (`ChunkInput.section`).
    public var section: String?

    public init(sourcePrefix: String? = nil, metadata: [String: String] = [:], section: String? = nil) {
        self.sourcePrefix = sourcePrefix
        self.metadata = metadata
        self.section = section
    }

    public var isEmpty: Bool { sourcePrefix == nil && metadata.isEmpty && section == nil }
}
