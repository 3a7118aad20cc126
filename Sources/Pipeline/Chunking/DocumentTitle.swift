import Foundation
import TextIO
import Tokenizer

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
        // A JSON Lines id says what the record is when it has words ("json.decoder", "open.2"); a number, a
        // UUID or a hash would only put noise in front of every chunk.
        guard header.line == nil else { return hasWords(header.key) ? header.key : "" }
        var name = Substring(header.key.split(separator: "/").last ?? Substring(header.key))
        if let dot = name.lastIndex(of: "."), dot > name.startIndex { name = name[..<dot] }
        return String(name.map { $0 == "_" || $0 == "-" ? " " : $0 })
    }

    /// Whether `id` has a run of three letters that is not hexadecimal (a word, not a hash or a UUID).
    static func hasWords(_ id: String) -> Bool {
        var run = 0
        var hexadecimal = true
        for character in id {
            if character.isLetter {
                run += 1
                if !character.isHexDigit { hexadecimal = false }
                if run >= 3 && !hexadecimal { return true }
            } else {
                run = 0
                hexadecimal = true
            }
        }
        return false
    }

    /// The title as the chunks carry it: its first `limit` word pieces (and a colon), cut at a piece's end so
    /// that what is stored and searched is what was embedded.
    static func clipped(_ title: String, tokenizer: BertTokenizer, limit: Int) -> (text: String, ids: [Int32]) {
        guard !title.isEmpty, limit > 1 else { return ("", []) }
        let encoding = tokenizer.encode(String(title.prefix(1_000)), addSpecialTokens: false)
        guard encoding.count > 0 else { return ("", []) }
        let kept = min(encoding.count, limit - 1)
        let end = Int(encoding.offsets[kept - 1].end)
        let text = String(String.UnicodeScalarView(title.unicodeScalars.prefix(end)))
        let colon = tokenizer.encode(":", addSpecialTokens: false).ids
        return (text, Array(encoding.ids.prefix(kept)) + colon)
    }

    /// What a chunk under the Markdown headings `section` carries: the title, then the headings (less a first
    /// one that only repeats the title), joined with " > " and clipped to `limit` pieces as `clipped` does;
    /// when they do not fit, the headings nearest the title are left out first, so the chunk's own stays.
    static func context(
        title: String, section: [String], tokenizer: BertTokenizer, limit: Int
    ) -> (text: String, ids: [Int32]) {
        var parts = title.isEmpty ? [] : [title]
        parts += section.first == title ? Array(section.dropFirst()) : section
        let kept = title.isEmpty ? 0 : 1
        while parts.count > kept + 1,
            tokenizer.encode(parts.joined(separator: separator), addSpecialTokens: false).count > limit - 1
        {
            parts.remove(at: kept)
        }
        return clipped(parts.joined(separator: separator), tokenizer: tokenizer, limit: limit)
    }

    /// Between the title and each heading of a context, and in a chunk's stored section.
    static let separator = " > "

    /// The text of an ATX heading (`# Title`) when it is the first line with text.
    static func markdownHeading(_ text: String) -> String? {
        for line in text.prefix(2_000).split(omittingEmptySubsequences: true, whereSeparator: \.isNewline) {
            let trimmed = line.drop { $0 == " " || $0 == "\t" || $0 == "\u{FEFF}" }
            if trimmed.isEmpty { continue }
            guard trimmed.first == "#" else { return nil }
            let level = trimmed.prefix { $0 == "#" }.count
            let rest = trimmed.dropFirst(level)
            guard level <= 6, rest.first == " " || rest.first == "\t" else { return nil }
            let title = rest.trimmingCharacters(in: CharacterSet(charactersIn: " \t#\r"))
            return title.isEmpty ? nil : title
        }
        return nil
    }
}
