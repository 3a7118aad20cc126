/// A Markdown outline seen from a text's word pieces: whether a cut before piece `i` falls at a heading, at a
/// fenced block's edge, or inside one, and whether a piece belongs to a heading's line.
struct PieceStructure {
    private var heading: [Bool]
    private var inHeading: [Bool]
    private var fenceEdge: [Bool]
    /// The fence each piece lies in (its index in the outline), or -1.
    private var fence: [Int]

    /// - Parameter starts: each piece's first byte, ascending.
    init(_ outline: MarkdownOutline, starts: [Int]) {
        heading = Array(repeating: false, count: starts.count)
        fenceEdge = heading
        inHeading = heading
        fence = Array(repeating: -1, count: starts.count)
        /// The first piece starting at or after `offset`.
        func firstPiece(from offset: Int) -> Int {
            var low = 0
            var high = starts.count
            while low < high {
                let middle = (low + high) / 2
                if starts[middle] < offset { low = middle + 1 } else { high = middle }
            }
            return low
        }
        for item in outline.headings {
            let index = firstPiece(from: item.start)
            if index < starts.count { heading[index] = true }
            for piece in index..<max(index, firstPiece(from: item.end)) { inHeading[piece] = true }
        }
        for (number, range) in outline.fences.enumerated() {
            let first = firstPiece(from: range.lowerBound)
            let end = firstPiece(from: range.upperBound)
            for index in [first, end] where index < starts.count { fenceEdge[index] = true }
            for index in first..<end { fence[index] = number }
        }
    }

    /// Whether piece `index` is the first of a heading's line.
    func isHeading(_ index: Int) -> Bool { heading[index] }

    /// Whether piece `index` lies on a heading's line (or lines).
    func isInHeading(_ index: Int) -> Bool { inHeading[index] }

    /// Whether piece `index` opens a fenced block or is the first after one.
    func isFenceBoundary(_ index: Int) -> Bool { fenceEdge[index] }

    /// Whether pieces `index - 1` and `index` lie in the same fenced block.
    func isInsideFence(before index: Int) -> Bool { fence[index] >= 0 && fence[index] == fence[index - 1] }
}
