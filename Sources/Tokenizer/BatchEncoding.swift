/// Several encodings padded to the longest one: the three int64 matrices a BERT model takes.
public struct BatchEncoding: Sendable, Equatable {
    /// Number of rows (texts).
    public var rows: Int
    /// Length of every row after padding (the longest encoding).
    public var sequenceLength: Int
    /// Row-major [rows, sequenceLength] matrices.
    public var inputIDs: [Int64]
    public var attentionMask: [Int64]
    public var tokenTypeIDs: [Int64]
    /// Unpadded length of each row.
    public var lengths: [Int]

    /// Pads `encodings` with `padID` (type 0, mask 0) to the longest one, rounded up to a multiple of
    /// `lengthMultiple` (but not past `maximumLength`): fewer distinct shapes for the model to compile.
    public init(_ encodings: [Encoding], padID: Int32, lengthMultiple: Int = 1, maximumLength: Int = .max) {
        rows = encodings.count
        let longest = encodings.map(\.count).max() ?? 0
        let rounded = (longest + lengthMultiple - 1) / lengthMultiple * lengthMultiple
        sequenceLength = max(longest, min(rounded, maximumLength))
        lengths = encodings.map(\.count)
        let total = rows * sequenceLength
        inputIDs = [Int64](repeating: Int64(padID), count: total)
        attentionMask = [Int64](repeating: 0, count: total)
        tokenTypeIDs = [Int64](repeating: 0, count: total)
        for (row, encoding) in encodings.enumerated() {
            let base = row * sequenceLength
            for (column, id) in encoding.ids.enumerated() {
                inputIDs[base + column] = Int64(id)
                attentionMask[base + column] = 1
                tokenTypeIDs[base + column] = Int64(encoding.typeIDs[column])
            }
        }
    }

    /// Number of real (unpadded) tokens.
    public var tokenCount: Int { lengths.reduce(0, +) }
}
