/// Which documents are read as Markdown (`chunking.structure`): cut before their headings, never inside a
/// fenced code block when it can be helped, each chunk labelled with the headings above it.
public enum ChunkStructure: String, Sendable, CaseIterable {
    /// Markdown files: a key (file name or JSON Lines id) ending in .md, .markdown, .mdown, .mkd or .mdx.
    case auto
    /// Every document.
    case markdown
    /// No document: cut as plain text.
    case none

    /// What a Markdown file's name ends with, compared without case.
    static let markdownExtensions = [".md", ".markdown", ".mdown", ".mkd", ".mdx"]

    /// Whether the document called `key` is read as Markdown.
    public func isMarkdown(key: String) -> Bool {
        switch self {
        case .auto:
            let lowered = key.lowercased()
            return Self.markdownExtensions.contains { lowered.hasSuffix($0) }
        case .markdown: return true
        case .none: return false
        }
    }
}
