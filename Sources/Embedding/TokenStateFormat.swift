import VectorMath

/// How a chunk's token states are kept in the store for late-interaction reranking.
public enum TokenStateFormat: String, CaseIterable, Sendable {
    /// Not kept: reranking runs the model over each candidate again.
    case none
    /// One signed byte per dimension and a float scale per token: `width + 4` bytes a token.
    case int8
    /// One sign bit per dimension: `width / 8` bytes a token.
    case binary

    var code: UInt8 {
        switch self {
        case .none: 0
        case .int8: 1
        case .binary: 2
        }
    }

    /// The format a blob's first byte names (nil for none or an unknown code).
    init?(code: UInt8) {
        switch code {
        case 1: self = .int8
        case 2: self = .binary
        default: return nil
        }
    }

    /// Bytes one token of `width` values takes.
    public func rowBytes(width: Int) -> Int {
        switch self {
        case .none: 0
        case .int8: width + 4
        case .binary: (width + 7) / 8
        }
    }
}
