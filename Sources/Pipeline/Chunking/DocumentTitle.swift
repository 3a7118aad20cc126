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
        guard limit > 1 else { return ("", []) }
        let (text, ids) = prefix(title, pieces: limit - 1, tokenizer: tokenizer)
        guard !ids.isEmpty else { return ("", []) }
        return (text, ids + tokenizer.encode(":", addSpecialTokens: false).ids)
    }

    /// The first `pieces` word pieces of `text` and the text they cover, cut at a piece's end.
    static func prefix(_ text: String, pieces: Int, tokenizer: BertTokenizer) -> (text: String, ids: [Int32]) {
        guard !text.isEmpty, pieces > 0 else { return ("", []) }
        let encoding = tokenizer.encode(String(text.prefix(1_000)), addSpecialTokens: false)
        guard encoding.count > 0 else { return ("", []) }
        let kept = min(encoding.count, pieces)
        let end = Int(encoding.offsets[kept - 1].end)
        return (String(String.UnicodeScalarView(text.unicodeScalars.prefix(end))), Array(encoding.ids.prefix(kept)))
    }

    /// What a chunk under the Markdown headings `section` carries: the title, then the headings (less a first
    /// one that only repeats the title, and any without a word piece), joined with " > ", at most `limit`
    /// pieces with the colon. When they do not fit, the headings nearest the title are left out first; when
    /// the title and the chunk's own heading still do not fit, the title gets at most half of the pieces and
    /// the heading the rest, each cut at a piece's end.
    static func context(
        title: String, section: [String], tokenizer: BertTokenizer, limit: Int
    ) -> (text: String, ids: [Int32]) {
        func count(_ text: String) -> Int { tokenizer.encode(text, addSpecialTokens: false).count }
        let headings = (section.first == title ? Array(section.dropFirst()) : section).filter { count($0) > 0 }
        let titled = count(title) > 0
        guard let own = headings.last, limit > 3 else {
            return clipped(titled ? title : "", tokenizer: tokenizer, limit: limit)
        }
        var parts = (titled ? [title] : []) + headings
        let kept = titled ? 1 : 0
        while parts.count > kept + 1, count(parts.joined(separator: separator)) > limit - 1 { parts.remove(at: kept) }
        if count(parts.joined(separator: separator)) > limit - 1 {
            // Only the title and the chunk's own heading are left, or the heading alone, and they are too long.
            let room = limit - 1 - (titled ? count(separator) : 0)
            let titlePart =
                titled ? prefix(title, pieces: max(1, min(count(title), room / 2)), tokenizer: tokenizer).text : ""
            let headingRoom = room - (titled ? count(titlePart) : 0)
            let headingPart = prefix(own, pieces: headingRoom, tokenizer: tokenizer).text
            parts = (titled ? [titlePart] : []) + [headingPart]
        }
        return clipped(parts.joined(separator: separator), tokenizer: tokenizer, limit: limit)
    }

    /// Between the title and each heading of a context, and in a chunk's stored section.
    static let separator = " > "

    /// The text of a heading when it is the first line with text (as `MarkdownOutline` reads headings, so a
    /// title and a chunk's section agree).
    static func markdownHeading(_ text: String) -> String? {
        let bytes = Array(text.prefix(2_000).utf8)
        let outline = MarkdownOutline(bytes)
        guard let first = outline.headings.first else { return nil }
        // Only blank lines before it (after a byte order mark or front matter).
        let blank: Set<UInt8> = [0x20, 0x09, 0x0A, 0x0D]
        return bytes[outline.contentStart..<first.start].allSatisfy(blank.contains) ? first.text : nil
    }
}
