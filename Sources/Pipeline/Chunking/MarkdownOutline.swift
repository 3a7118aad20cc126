/// Where a Markdown document's headings and fenced code blocks are, by UTF-8 byte offset: the chunker prefers
/// to cut just before a heading, avoids cutting inside a fence, and labels each chunk with the heading path
/// above it.
///
/// Reads the block structure CommonMark defines for these (https://spec.commonmark.org/0.31.2/): ATX headings
/// (`## Title`, up to three spaces of indent), setext headings (a paragraph underlined with `=` or `-`), fences
/// of three or more backticks or tildes closed by a like fence at least as long (an unclosed one runs to the
/// end), and what must not be mistaken for them: thematic breaks (`---`, `***`), list items and block quotes
/// (their lines never make a setext heading), lines indented four spaces or more (code), YAML front matter
/// (`---` on the first line, to the next `---` or `...`), a leading byte order mark.
struct MarkdownOutline: Sendable, Equatable {
    struct Heading: Sendable, Equatable {
        /// Where the heading's first line starts.
        var start: Int
        /// Where the line after the heading starts (the end of the text when it is the last line).
        var end: Int
        var level: Int
        var text: String
        /// The heading this one is under (its index in `headings`), or nil at the top.
        var parent: Int?
    }

    /// The most characters of a heading's text kept (a long "heading" is a paragraph gone wrong, and every
    /// chunk under it stores its path).
    static let maximumHeadingCharacters = 200

    private(set) var headings: [Heading] = []
    /// Where the text starts, after a byte order mark and front matter.
    let contentStart: Int
    /// Each fenced block, from its opening line's start to the end of its closing line (newline included).
    private(set) var fences: [Range<Int>] = []

    init(_ bytes: [UInt8]) {
        var open: (start: Int, marker: UInt8, length: Int)?
        // The current paragraph: where its first line starts, its lines' text, and whether an underline makes
        // it a heading (not when it is a list item's or a quote's).
        var paragraph: (start: Int, lines: [String], setext: Bool)?
        contentStart = Self.startAfterFrontMatter(bytes)
        var lineStart = contentStart
        /// The headings not closed yet, innermost last.
        var openHeadings: [Int] = []
        func add(_ heading: Heading) {
            var heading = heading
            while let last = openHeadings.last, headings[last].level >= heading.level { openHeadings.removeLast() }
            heading.parent = openHeadings.last
            openHeadings.append(headings.count)
            headings.append(heading)
        }
        while lineStart < bytes.count {
            var lineEnd = lineStart
            while lineEnd < bytes.count && bytes[lineEnd] != 0x0A { lineEnd += 1 }
            let next = min(lineEnd + 1, bytes.count)
            var contentEnd = lineEnd
            if contentEnd > lineStart && bytes[contentEnd - 1] == 0x0D { contentEnd -= 1 }
            let line = bytes[lineStart..<contentEnd]
            defer { lineStart = next }

            let indent = Self.indentation(line)
            let body = line.dropFirst(min(indent, line.count))
            if let fence = open {
                if indent < 4, let closing = Self.fence(body), closing.marker == fence.marker,
                    closing.length >= fence.length, closing.rest.allSatisfy(Self.isBlank)
                {
                    fences.append(fence.start..<next)
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
                paragraph?.lines.append(Self.text(body))
                continue
            }
            if let opening = Self.fence(body), opening.marker == 0x7E || !opening.rest.contains(0x60) {
                open = (lineStart, opening.marker, opening.length)
                paragraph = nil
                continue
            }
            if let heading = Self.atxHeading(body) {
                if !heading.text.isEmpty {
                    add(Heading(start: lineStart, end: next, level: heading.level, text: heading.text, parent: nil))
                }
                paragraph = nil
                continue
            }
            if let current = paragraph, current.setext, let level = Self.setextLevel(body) {
                let text = Self.clipped(current.lines.joined(separator: " "))
                if !text.isEmpty {
                    add(Heading(start: current.start, end: next, level: level, text: text, parent: nil))
                }
                paragraph = nil
                continue
            }
            if Self.isThematicBreak(body) {
                paragraph = nil
                continue
            }
            if paragraph == nil {
                paragraph = (lineStart, [], !Self.startsContainer(body))
            } else if Self.startsContainer(body) {
                paragraph?.setext = false
            }
            paragraph?.lines.append(Self.text(body))
        }
        if let fence = open { fences.append(fence.start..<bytes.count) }
    }

    /// The headings above `offset`, outermost first: the last heading that starts at or before it, and the
    /// headings it is under.
    func path(at offset: Int) -> [String] {
        let after = firstHeading(from: offset + 1)
        var path: [String] = []
        var current = after > 0 ? after - 1 : nil
        while let index = current {
            path.append(headings[index].text)
            current = headings[index].parent
        }
        return path.reversed()
    }

    /// The headings starting in `range`, in order.
    func headings(startingIn range: Range<Int>) -> ArraySlice<Heading> {
        let first = firstHeading(from: range.lowerBound)
        return headings[first..<max(first, firstHeading(from: range.upperBound))]
    }

    /// The index of the first heading starting at or after `offset` (`headings.count` when none does).
    private func firstHeading(from offset: Int) -> Int {
        var low = 0
        var high = headings.count
        while low < high {
            let middle = (low + high) / 2
            if headings[middle].start < offset { low = middle + 1 } else { high = middle }
        }
        return low
    }

    private static func isBlank(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 }

    /// Where the document's text starts: after a byte order mark, and after YAML front matter (a first line
    /// `---`, to a line `---` or `...`; unclosed, it is not front matter).
    private static func startAfterFrontMatter(_ bytes: [UInt8]) -> Int {
        let start = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        func line(at offset: Int) -> (text: ArraySlice<UInt8>, next: Int) {
            var end = offset
            while end < bytes.count && bytes[end] != 0x0A { end += 1 }
            var content = bytes[offset..<end]
            while let last = content.last, last == 0x0D || isBlank(last) { content = content.dropLast() }
            return (content, min(end + 1, bytes.count))
        }
        let first = line(at: start)
        guard first.text.elementsEqual("---".utf8) else { return start }
        var offset = first.next
        while offset < bytes.count {
            let current = line(at: offset)
            if current.text.elementsEqual("---".utf8) || current.text.elementsEqual("...".utf8) { return current.next }
            offset = current.next
        }
        return start
    }

    /// Columns of leading spaces and tabs (a tab to the next multiple of four); 4 means four or more.
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
        if let first = rest.first, !isBlank(first) { return nil }
        rest = rest.drop(while: isBlank)
        while let last = rest.last, isBlank(last) { rest = rest.dropLast() }
        // A closing sequence counts only when it is all of the text or follows a space.
        let closing = rest.reversed().prefix { $0 == 0x23 }.count
        if closing > 0 {
            let before = rest.dropLast(closing)
            if before.last.map(isBlank) ?? true { rest = before }
        }
        return (level, clipped(text(rest)))
    }

    /// A setext underline: `=` (level 1) or `-` (level 2) only, then blanks.
    private static func setextLevel(_ body: ArraySlice<UInt8>) -> Int? {
        guard let marker = body.first, marker == 0x3D || marker == 0x2D else { return nil }
        let rest = body.drop { $0 == marker }
        guard rest.allSatisfy(isBlank) else { return nil }
        return marker == 0x3D ? 1 : 2
    }

    /// Three or more `-`, `*` or `_`, the same one, with blanks between them or not.
    private static func isThematicBreak(_ body: ArraySlice<UInt8>) -> Bool {
        guard let marker = body.first, marker == 0x2D || marker == 0x2A || marker == 0x5F else { return false }
        var count = 0
        for byte in body {
            if byte == marker {
                count += 1
            } else if !isBlank(byte) {
                return false
            }
        }
        return count >= 3
    }

    /// A list item (`-`, `+`, `*` or a number and `.` or `)`, then a blank) or a block quote (`>`).
    private static func startsContainer(_ body: ArraySlice<UInt8>) -> Bool {
        guard let first = body.first else { return false }
        if first == 0x3E { return true }
        let afterMarker: ArraySlice<UInt8>
        if first == 0x2D || first == 0x2B || first == 0x2A {
            afterMarker = body.dropFirst()
        } else {
            let digits = body.prefix { (0x30...0x39).contains($0) }.count
            guard (1...9).contains(digits), let marker = body.dropFirst(digits).first, marker == 0x2E || marker == 0x29
            else { return false }
            afterMarker = body.dropFirst(digits + 1)
        }
        return afterMarker.first.map(isBlank) ?? true
    }

    private static func text(_ bytes: ArraySlice<UInt8>) -> String {
        var trimmed = bytes.drop(while: isBlank)
        while let last = trimmed.last, isBlank(last) { trimmed = trimmed.dropLast() }
        return String(decoding: trimmed, as: UTF8.self)
    }

    private static func clipped(_ text: String) -> String {
        text.count <= maximumHeadingCharacters ? text : String(text.prefix(maximumHeadingCharacters))
    }
}
