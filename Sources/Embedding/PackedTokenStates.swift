import VectorMath

/// One chunk's token states, compressed to a byte blob the store keeps beside its vector.
///
/// Layout (little-endian): format (1 byte: 1 int8, 2 binary), width (2 bytes), token count (2 bytes), then one
/// row per token: int8 — a float32 scale and `width` codes with `x ≈ code × scale`; binary — `width / 8` bytes of
/// sign bits (bit set: the value is positive). Rows come from unit-length token vectors, so a dot product with
/// a unit query token reads as a cosine (binary: up to a constant factor, which MaxSim's ordering ignores).
public struct PackedTokenStates: Sendable, Equatable {
    public static let headerBytes = 5
    public var bytes: [UInt8]

    public init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// Packs `count` rows of `width` values (unit-length rows, as `Embedder.tokenStates` gives them).
    public init(rows values: UnsafeBufferPointer<Float>, count: Int, width: Int, format: TokenStateFormat) {
        self.init(format: format, width: width, rows: (0..<count).map { $0 * width }, in: values, unit: true)
    }

    /// Packs the rows of `values` starting at `offsets` (each `width` long) as unit-length rows: scaled to
    /// unit length first unless `unit` says they are already. Reads the model's output in place: no row is
    /// copied, and binary rows (whose signs a scale cannot change) are not scaled at all.
    public init(
        format: TokenStateFormat, width: Int, rows offsets: [Int], in values: UnsafeBufferPointer<Float>, unit: Bool
    ) {
        precondition(format != .none && offsets.count <= Int(UInt16.max) && width <= Int(UInt16.max))
        let rowBytes = format.rowBytes(width: width)
        let count = offsets.count
        var bytes = [UInt8](repeating: 0, count: Self.headerBytes + count * rowBytes)
        bytes.withUnsafeMutableBufferPointer { output in
            guard let out = output.baseAddress, let source = values.baseAddress else { return }
            out[0] = format.code
            out[1] = UInt8(width & 0xFF)
            out[2] = UInt8(width >> 8)
            out[3] = UInt8(count & 0xFF)
            out[4] = UInt8(count >> 8)
            for (row, offset) in offsets.enumerated() {
                precondition(offset >= 0 && offset + width <= values.count)
                let target = out + Self.headerBytes + row * rowBytes
                switch format {
                case .int8: Self.packInt8(source + offset, width: width, unit: unit, into: target)
                case .binary: Self.packSigns(source + offset, width: width, into: target)
                case .none: break
                }
            }
        }
        self.bytes = bytes
    }

    /// A float32 scale (of the unit-length row) and `width` codes with `x ≈ code × scale`.
    private static func packInt8(_ row: UnsafePointer<Float>, width: Int, unit: Bool, into out: UnsafeMutablePointer<UInt8>) {
        var largest: Float = 0
        var squares: Float = 0
        for d in 0..<width {
            largest = max(largest, abs(row[d]))
            squares += row[d] * row[d]
        }
        let length = unit ? 1 : squares.squareRoot()
        // The codes do not depend on the row's length; the scale is the unit row's.
        let scale = largest > 0 && length > 0 ? largest / length / 127 : 0
        withUnsafeBytes(of: scale.bitPattern.littleEndian) { raw in
            for i in 0..<4 { out[i] = raw[i] }
        }
        let inverse: Float = largest > 0 && length > 0 ? 127 / largest : 0
        for d in 0..<width {
            out[4 + d] = UInt8(bitPattern: Int8(clamping: Int((row[d] * inverse).rounded())))
        }
    }

    /// One bit a value, set when it is positive, eight values a byte.
    private static func packSigns(_ row: UnsafePointer<Float>, width: Int, into out: UnsafeMutablePointer<UInt8>) {
        for byte in 0..<(width + 7) / 8 {
            var bits: UInt8 = 0
            let first = byte * 8
            // Without a branch, so that the compiler can build eight bits at once.
            for bit in 0..<min(8, width - first) { bits |= (row[first + bit] > 0 ? 1 : 0) << UInt8(bit) }
            out[byte] = bits
        }
    }

    /// The format, width and token count the header gives, or nil when the blob is not a valid packing.
    public var header: (format: TokenStateFormat, width: Int, count: Int)? {
        guard bytes.count >= Self.headerBytes else { return nil }
        let width = Int(bytes[1]) | Int(bytes[2]) << 8
        let count = Int(bytes[3]) | Int(bytes[4]) << 8
        guard let format = TokenStateFormat(code: bytes[0]), width > 0,
            bytes.count == Self.headerBytes + count * format.rowBytes(width: width)
        else { return nil }
        return (format, width, count)
    }

    /// Late-interaction relevance against a query's unit token states: for each query token, the best dot
    /// product with any stored token, averaged over the query's tokens (as `maxSim` does on float states).
    /// Nil when the blob is not a valid packing or its width differs from the query's.
    public func maxSim(query: TokenStates) -> Float? {
        guard let (format, width, count) = header, width == query.width else { return nil }
        guard query.count > 0, count > 0 else { return 0 }
        var total: Float = 0
        let rowBytes = format.rowBytes(width: width)
        var best = [Float](repeating: -.infinity, count: query.count)
        var row = [Float](repeating: 0, count: width)
        var damaged = false
        bytes.withUnsafeBufferPointer { raw in
            query.values.withUnsafeBufferPointer { q in
                row.withUnsafeMutableBufferPointer { decoded in
                    for token in 0..<count {
                        // Each stored token is decoded once, then compared with every query token.
                        let base = Self.headerBytes + token * rowBytes
                        switch format {
                        case .int8:
                            var scale = Float(
                                bitPattern: UInt32(raw[base]) | UInt32(raw[base + 1]) << 8
                                    | UInt32(raw[base + 2]) << 16 | UInt32(raw[base + 3]) << 24)
                            // Rows are unit vectors: a scale past 1/64 (or not a number) is damage.
                            if !(scale >= 0 && scale <= 1.0 / 64) {
                                damaged = true
                                scale = 0
                            }
                            for d in 0..<width { decoded[d] = Float(Int8(bitPattern: raw[base + 4 + d])) * scale }
                        case .binary:
                            for d in 0..<width { decoded[d] = raw[base + d / 8] & (1 << UInt8(d % 8)) != 0 ? 1 : -1 }
                        case .none:
                            break
                        }
                        best.withUnsafeMutableBufferPointer { best in
                            VectorMath.keepBestDots(
                                best, query: q.baseAddress!, row: decoded.baseAddress!, width: width)
                        }
                    }
                }
            }
        }
        for value in best { total += value }
        let mean = total / Float(query.count)
        guard !damaged, mean.isFinite else { return nil }
        // Sign vectors have length √width: scaled back so that scores read as cosines.
        return format == .binary ? mean / Float(width).squareRoot() : mean
    }
}
