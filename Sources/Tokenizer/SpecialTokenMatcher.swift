/// Finds special tokens ("[CLS]", "[MASK]", ...) verbatim in raw UTF-8, leftmost-longest, as Hugging Face
/// matches added tokens that are not normalized.
struct SpecialTokenMatcher: Sendable {
    struct Token: Sendable {
        var bytes: [UInt8]
        var scalarCount: Int32
        var id: Int32
    }

    /// Candidates by first byte, longest first.
    private let byFirstByte: [[Token]]

    init(_ tokens: [(String, Int32)]) {
        var table = [[Token]](repeating: [], count: 256)
        for (text, id) in tokens where !text.isEmpty {
            let bytes = Array(text.utf8)
            table[Int(bytes[0])].append(Token(bytes: bytes, scalarCount: Int32(text.unicodeScalars.count), id: id))
        }
        byFirstByte = table.map { $0.sorted { $0.bytes.count > $1.bytes.count } }
    }

    /// The special token starting at `offset`, if any.
    @inline(__always)
    func match(_ text: UnsafeBufferPointer<UInt8>, at offset: Int) -> Token? {
        let candidates = byFirstByte[Int(text[offset])]
        if candidates.isEmpty { return nil }
        for token in candidates where offset + token.bytes.count <= text.count {
            var equal = true
            for (index, byte) in token.bytes.enumerated() where text[offset + index] != byte {
                equal = false
                break
            }
            if equal { return token }
        }
        return nil
    }
}
