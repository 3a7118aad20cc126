/// Where a Markdown document's headings and fenced code blocks are, by UTF-8 byte offset: the chunker prefers
/// to cut just before a heading, avoids cutting inside a fence, and gives each chunk the heading path above it.
///
/// Reads the block structure CommonMark defines for these two (https://spec.commonmark.org/0.31.2/): ATX
/// headings (`## Title`, up to three spaces of indent), setext headings (a paragraph underlined with `=` or
/// `-`), fences of three or more backticks or tildes closed by a like fence at least as long (an unclosed one
/// runs to the end). Nothing inside a fence is a heading; a line indented four spaces or more is code.
struct MarkdownOutline: Sendable, Equatable {
    struct Heading: Sendable, Equatable {
        /// Where the heading's first line starts.
        var start: Int
        var level: Int
        var text: String
    }

    private(set) var headings: [Heading] = []
    /// Each fenced block, from its opening line's start to the end of its closing line (newline included).
    private(set) var fences: [Range<Int>] = []

    init(_ bytes: [UInt8]) {
        var open: (start: Int, marker: UInt8, length: Int)?
        // The current paragraph: where its first line starts, and its lines' text (a setext underline turns it
        // into a heading).
        var paragraph: (start: Int, lines: [String])?
        var lineStart = 0
        while lineStart <= bytes.count {
            var lineEnd = lineStart
            while lineEnd < bytes.count && bytes[lineEnd] != 0x0A { lineEnd += 1 }
            let next = lineEnd + 1
            var contentEnd = lineEnd
            if contentEnd > lineStart && bytes[contentEnd - 1] == 0x0D { contentEnd -= 1 }
            let line = bytes[lineStart..<contentEnd]
            defer { lineStart = next }
            if lineStart == bytes.count { break }

            let indent = Self.indentation(line)
            let body = line.dropFirst(min(indent, line.count))
            if let fence = open {
                if indent < 4, let closing = Self.fence(body), closing.marker == fence.marker,
                    closing.length >= fence.length, closing.rest.allSatisfy(Self.isBlank)
                {
                    fences.append(fence.start..<min(next, bytes.count))
                    open = nil
                }
                continue
            }
            if body.allSatisfy(Self.isBlank) {
                paragraph = nil
                continue
            }
            if indent >= 4 {
                // Indented code, or a paragraph's continuation line: neither is a heading.
                if paragraph != nil { paragraph?.lines.append(Self.text(body)) }
                continue
            }
            if let opening = Self.fence(body), opening.marker == 0x7E || !opening.rest.contains(0x60) {
                open = (lineStart, opening.marker, opening.length)
                paragraph = nil
                continue
            }
            if let heading = Self.atxHeading(body) {
                if !heading.text.isEmpty {
                    headings.append(Heading(start: lineStart, level: heading.level, text: heading.text))
                }
                paragraph = nil
                continue
            }
            if let current = paragraph, let level = Self.setextLevel(body) {
                let text = current.lines.joined(separator: " ")
                if !text.isEmpty { headings.append(Heading(start: current.start, level: level, text: text)) }
                paragraph = nil
                continue
            }
            if paragraph == nil { paragraph = (lineStart, []) }
            paragraph?.lines.append(Self.text(body))
        }
        if let fence = open { fences.append(fence.start..<bytes.count) }
    }

    /// The headings above `offset`, outermost first: each heading that starts at or before it, less those a
    /// later heading of the same or a higher level closed.
    func path(at offset: Int) -> [String] {
        var walker = Walker(self)
        return walker.path(at: offset)
    }

    /// The heading paths at points met in order: each heading is looked at once over a whole document (a text
    /// of many thousand headings must not cost headings × chunks).
    struct Walker {
        private let headings: [Heading]
        private var next = 0
        private var stack: [Heading] = []

        init(_ outline: MarkdownOutline) { headings = outline.headings }

        /// The path at `offset`, which must not be before the one asked last.
        mutating func path(at offset: Int) -> [String] {
            while next < headings.count, headings[next].start <= offset {
                let heading = headings[next]
                while let last = stack.last, last.level >= heading.level { stack.removeLast() }
                stack.append(heading)
                next += 1
            }
            return stack.map(\.text)
        }
    }

    private static func isBlank(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 }

    /// Columns of leading spaces and tabs (a tab to the next multiple of four).
    private static func indentation(_ line: ArraySlice<UInt8>) -> Int {
        var column = 0
        var count = 0
        for byte in line {
            if byte == 0x20 {
                column += 1
            } else if byte == 0x09 {
                column += 4 - column % 4
            } else {
                break
            }
            count += 1
            if column >= 4 { break }
        }
        return column >= 4 ? 4 : count
    }

    /// A fence line's marker (backtick or tilde), its length (three or more) and what follows it.
    private static func fence(_ body: ArraySlice<UInt8>) -> (marker: UInt8, length: Int, rest: ArraySlice<UInt8>)? {
        guard let marker = body.first, marker == 0x60 || marker == 0x7E else { return nil }
        let length = body.prefix { $0 == marker }.count
        guard length >= 3 else { return nil }
        return (marker, length, body.dropFirst(length))
    }

    /// `#` to `######`, then a space, a tab or the line's end; the text without an optional closing `#` run.
    private static func atxHeading(_ body: ArraySlice<UInt8>) -> (level: Int, text: String)? {
        let level = body.prefix { $0 == 0x23 }.count
        guard (1...6).contains(level) else { return nil }
        var rest = body.dropFirst(level)
        guard rest.isEmpty || isBlank(rest.first!) else { return nil }
        rest = rest.drop(while: isBlank)
        while let last = rest.last, isBlank(last) { rest = rest.dropLast() }
        // A closing sequence counts only when it is all of the text or follows a space.
        let closing = rest.reversed().prefix { $0 == 0x23 }.count
        if closing > 0 {
            let before = rest.dropLast(closing)
            if before.isEmpty || isBlank(before.last!) { rest = before }
        }
        return (level, text(rest))
    }

    /// A setext underline: `=` (level 1) or `-` (level 2) only, then blanks.
    private static func setextLevel(_ body: ArraySlice<UInt8>) -> Int? {
        guard let marker = body.first, marker == 0x3D || marker == 0x2D else { return nil }
        let rest = body.drop { $0 == marker }
        guard rest.allSatisfy(isBlank) else { return nil }
        return marker == 0x3D ? 1 : 2
    }

    private static func text(_ bytes: ArraySlice<UInt8>) -> String {
        var trimmed = bytes.drop(while: isBlank)
        while let last = trimmed.last, isBlank(last) { trimmed = trimmed.dropLast() }
        return String(decoding: trimmed, as: UTF8.self)
    }
}
