
/// The tokens of one text (or one pair of texts), ready for a BERT model.
public struct Encoding: Sendable, Equatable {
    /// Vocabulary ids, special tokens included.
    public var ids: [Int32]
    /// Segment of each token: 0 for the first text (and its [CLS]/[SEP]), 1 for the second.
    public var typeIDs: [Int32]
    /// Each token's span in its text, in Unicode scalars (0..<0 for special tokens).
    public var offsets: [TokenOffset]
    /// Each token's span in its text, in UTF-8 bytes (0..<0 for special tokens): for cutting the text.
    public var utf8Offsets: [TokenOffset]
    /// Whether each token is a special token ([CLS], [SEP], [MASK], ...).
    public var specialTokensMask: [Bool]

    public init() {
        ids = []
        typeIDs = []
        offsets = []
        utf8Offsets = []
        specialTokensMask = []
    }

    public var count: Int { ids.count }

    mutating func append(id: Int32, typeID: Int32, offset: TokenOffset, utf8Offset: TokenOffset, special: Bool) {
        ids.append(id)
        typeIDs.append(typeID)
        offsets.append(offset)
        utf8Offsets.append(utf8Offset)
        specialTokensMask.append(special)
    }

    mutating func reserveCapacity(_ count: Int) {
        ids.reserveCapacity(count)
        typeIDs.reserveCapacity(count)
        offsets.reserveCapacity(count)
        utf8Offsets.reserveCapacity(count)
        specialTokensMask.reserveCapacity(count)
    }

    /// Keeps the first `count` tokens.
    mutating func truncate(to count: Int) {
        guard count < ids.count else { return }
        ids.removeSubrange(count...)
        typeIDs.removeSubrange(count...)
        offsets.removeSubrange(count...)
        utf8Offsets.removeSubrange(count...)
        specialTokensMask.removeSubrange(count...)
    }

    mutating func append(contentsOf other: Encoding, typeID: Int32) {
        ids.append(contentsOf: other.ids)
        typeIDs.append(contentsOf: repeatElement(typeID, count: other.count))
        offsets.append(contentsOf: other.offsets)
        utf8Offsets.append(contentsOf: other.utf8Offsets)
        specialTokensMask.append(contentsOf: other.specialTokensMask)
    }
}
