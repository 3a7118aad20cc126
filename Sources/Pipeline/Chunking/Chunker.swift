public import Tokenizer

/// Cuts a document into token windows that fit the model, overlapping, ending at paragraph or sentence
/// boundaries when one is near, and in Markdown before headings and outside fenced code.
///
/// A window holds at most `maxTokens` word pieces. When the text goes on past it, the window ends at the last
/// paragraph break in its second half, else the last sentence end, else the last word start; the next window
/// starts `overlap` pieces before that end (at a word start). The same text always gives the same chunks.
public struct Chunker: Sendable {
    public let tokenizer: BertTokenizer
    public let maxTokens: Int
    public let overlap: Int

    /// - Precondition: `0 <= overlap < maxTokens` (`PipelineDefinition.chunkSettings` checks it for users).
    public init(tokenizer: BertTokenizer, maxTokens: Int, overlap: Int) {
        precondition(maxTokens > 0 && overlap >= 0 && overlap < maxTokens)
        self.tokenizer = tokenizer
        self.maxTokens = maxTokens
        self.overlap = overlap
    }

    /// The chunks of `text`, in order (none for a text with no word pieces after normalization).
    ///
    /// - Parameter reserved: word pieces of each window kept for something else (the document's title), taken
    ///   from `maxTokens`; at least one piece is always left for the text.
    public func chunks(of text: String, reserving reserved: Int = 0) -> [ChunkPlan] {
        chunks(of: text, markdown: false) { _ in reserved }
    }

    /// The chunks of `text`, in order, each with the heading path above its start when `markdown`.
    ///
    /// A Markdown text is cut before a heading when the window already holds a quarter of its pieces (smaller
    /// sections join the next), and the next window starts at that heading, without overlap; else at the end
    /// of a fenced code block, else as a plain text, never at a paragraph or sentence inside a fence (at a
    /// line's end there, when the fence fills the window).
    ///
    /// - Parameter reserved: the word pieces a window starting under a heading path keeps for its context,
    ///   taken from `maxTokens`; at least one piece is always left for the text.
    func chunks(of text: String, markdown: Bool, reserving reserved: (_ section: [String]) -> Int) -> [ChunkPlan] {
        let step = self.maxTokens - self.overlap
        let encoding = tokenizer.encode(text, addSpecialTokens: false)
        let count = encoding.count
        guard count > 0 else { return [] }
        let bytes = Array(text.utf8)
        let ids = encoding.ids
        let utf8 = encoding.utf8Offsets
        let continuation = ids.map(tokenizer.isContinuation)
        let outline = markdown ? MarkdownOutline(bytes) : nil
        let structure = outline.map { PieceStructure($0, starts: utf8.map { Int($0.start) }) }

        /// The text between piece `index - 1` and piece `index`.
        func gap(before index: Int) -> ArraySlice<UInt8> {
            bytes[Int(utf8[index - 1].end)..<max(Int(utf8[index - 1].end), Int(utf8[index].start))]
        }
        func isParagraphBreak(before index: Int) -> Bool {
            gap(before: index).filter { $0 == 0x0A }.count >= 2
        }
        func isSentenceEnd(before index: Int) -> Bool {
            let piece = bytes[Int(utf8[index - 1].start)..<Int(utf8[index - 1].end)]
            let enders: [[UInt8]] = [[0x2E], [0x21], [0x3F], Array("。".utf8), Array("！".utf8), Array("？".utf8)]
            return enders.contains { piece.elementsEqual($0) } && !gap(before: index).isEmpty
        }
        /// Where a window that starts at `start` with at most `maxTokens` pieces ends, and whether it ends at a
        /// heading.
        func cut(start: Int, maxTokens: Int) -> (end: Int, heading: Bool) {
            let end = min(count, start + maxTokens)
            guard end < count else { return (end, false) }
            let earliest = start + max(1, maxTokens / 2)
            let candidates = stride(from: end, through: earliest, by: -1)
            guard let structure else {
                return (
                    candidates.first(where: isParagraphBreak)
                        ?? candidates.first(where: isSentenceEnd)
                        ?? candidates.first(where: { !continuation[$0] })
                        ?? end, false
                )
            }
            let headingEarliest = start + max(1, maxTokens / 4)
            if let heading = stride(from: end, through: headingEarliest, by: -1).first(where: structure.isHeading) {
                return (heading, true)
            }
            let outside = { (index: Int) in !structure.isInsideFence(before: index) }
            return (
                candidates.first(where: structure.isFenceBoundary)
                    ?? candidates.first(where: { outside($0) && isParagraphBreak(before: $0) })
                    ?? candidates.first(where: { outside($0) && isSentenceEnd(before: $0) })
                    ?? candidates.first(where: { !outside($0) && gap(before: $0).contains(0x0A) })
                    ?? candidates.first(where: { !continuation[$0] })
                    ?? end, false
            )
        }

        var chunks: [ChunkPlan] = []
        var start = 0
        while start < count {
            // A chunk is labelled with the headings above its first words: a chunk that opens with headings is
            // under the last of them.
            var content = start
            if let structure {
                while content < min(count - 1, start + self.maxTokens - 1), structure.isInHeading(content) {
                    content += 1
                }
            }
            let section = outline?.path(at: Int(utf8[content].start)) ?? []
            let reserved = reserved(section)
            let maxTokens = max(1, min(self.maxTokens - reserved, self.maxTokens))
            // The overlap asked for is kept, as long as windows still start at least every half of the step the
            // settings give (maxTokens − overlap): a reservation can at most double the number of chunks.
            let overlap = max(0, min(self.overlap, maxTokens - (step + 1) / 2, maxTokens - 1))
            let (end, atHeading) = cut(start: start, maxTokens: maxTokens)
            let first = utf8[start]
            let last = utf8[end - 1]
            chunks.append(
                ChunkPlan(
                    ordinal: chunks.count, tokenIDs: Array(ids[start..<end]),
                    text: String(decoding: bytes[Int(first.start)..<Int(last.end)], as: UTF8.self),
                    characterStart: Int(encoding.offsets[start].start),
                    characterEnd: Int(encoding.offsets[end - 1].end),
                    section: section,
                    laterSections: outline.map {
                        Self.laterSections($0, after: Int(utf8[content].start), before: Int(last.end), label: section)
                    } ?? []))
            guard end < count else { break }
            // A section starts a window of its own: the text before its heading is not repeated.
            var next = atHeading ? end : end - overlap
            while next < end && continuation[next] { next += 1 }
            start = next > start ? next : end
        }
        return chunks
    }

    /// The most headings inside one chunk it is also found under (besides its label).
    static let maximumLaterSections = 8

    /// The paths of the headings that start inside a chunk after its label's point, other than the label.
    static func laterSections(
        _ outline: MarkdownOutline, after start: Int, before end: Int, label: [String]
    ) -> [[String]] {
        guard start + 1 < end else { return [] }
        var paths: [[String]] = []
        for heading in outline.headings(startingIn: (start + 1)..<end) {
            let path = outline.path(at: heading.start)
            if path != label && !paths.contains(path) { paths.append(path) }
            if paths.count == maximumLaterSections { break }
        }
        return paths
    }

}
