import TextIO

/// What a document is called, carried into each of its chunks so that a chunk from the middle of a long
/// document still says what it belongs to: embedded in front of the chunk's words and searched as a column
/// of its own.
enum DocumentTitle {
    /// The most word pieces a title takes from a chunk's budget.
    static let maximumTokens = 24

    /// A "title" metadata field; else a Markdown heading on the first line with text; else the document's
    /// id: a JSON Lines id as it is, a file's name without its extension, `_` and `-` read as spaces.
    static func of(_ header: DocumentHeader, text: String) -> String {
        if case .string(let title)? = header.metadata["title"], !title.allSatisfy(\.isWhitespace) {
            return title
        }
        if let heading = markdownHeading(text) { return heading }
        guard header.line == nil else { return header.key }
        var name = Substring(header.key.split(separator: "/").last ?? Substring(header.key))
        if let dot = name.lastIndex(of: "."), dot > name.startIndex { name = name[..<dot] }
        return String(name.map { $0 == "_" || $0 == "-" ? " " : $0 })
    }

    /// The text of an ATX heading (`# Title`) when it is the first line with text.
    static func markdownHeading(_ text: String) -> String? {
        for line in text.prefix(2_000).split(separator: "\n", omittingEmptySubsequences: true) {
            let trimmed = line.drop { $0 == " " || $0 == "\t" || $0 == "\u{FEFF}" }
            if trimmed.isEmpty { continue }
            guard trimmed.first == "#" else { return nil }
            let level = trimmed.prefix { $0 == "#" }.count
            let rest = trimmed.dropFirst(level)
            guard level <= 6, rest.first == " " || rest.first == "\t" else { return nil }
            let title = rest.trimmingCharacters(in: " \t#\r")
            return title.isEmpty ? nil : title
        }
        return nil
    }
}

extension Substring {
    fileprivate func trimmingCharacters(in set: String) -> String {
        let characters = Set(set)
        return String(drop { characters.contains($0) }.reversed().drop { characters.contains($0) }.reversed())
    }
}
