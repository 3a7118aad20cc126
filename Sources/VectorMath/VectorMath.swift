/// The vector arithmetic retrieval is made of: dot products, lengths, cosines and late-interaction MaxSim, in
/// one place. Sums run in a fixed order, so a result is the same bit for bit wherever it is computed (stored
/// token states, re-scored candidates and reranking must agree with one another).
public enum VectorMath {
    /// The dot product of two float rows, sixteen lanes at a time (the compiler does not reorder a scalar float
    /// sum, so the lanes are written out).
    @inline(__always)
    public static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ count: Int) -> Float {
        var sum = SIMD16<Float>()
        var index = 0
        let rawA = UnsafeRawPointer(a)
        let rawB = UnsafeRawPointer(b)
        while index + 16 <= count {
            let x = rawA.loadUnaligned(fromByteOffset: index * 4, as: SIMD16<Float>.self)
            let y = rawB.loadUnaligned(fromByteOffset: index * 4, as: SIMD16<Float>.self)
            sum += x * y
            index += 16
        }
        var total = sum.sum()
        while index < count {
            total += a[index] * b[index]
            index += 1
        }
        return total
    }

    /// The Euclidean length, its squares summed in order. Inlinable: callers in other modules get a copy
    /// specialised for their collection (a generic call per element cost more than the arithmetic).
    @inlinable
    public static func norm<Values: Collection>(_ values: Values) -> Float where Values.Element == Float {
        var sum: Float = 0
        for value in values { sum += value * value }
        return sum.squareRoot()
    }

    /// The cosine of two vectors, accumulated in doubles (for comparing models' vectors to four decimals).
    public static func cosine(_ a: [Float], _ b: [Float]) -> Double {
        var dot = 0.0
        var na = 0.0
        var nb = 0.0
        for (x, y) in zip(a, b) {
            dot += Double(x) * Double(y)
            na += Double(x) * Double(x)
            nb += Double(y) * Double(y)
        }
        return dot / max(1e-12, (na * nb).squareRoot())
    }

    /// The cosine of `query` (of length `queryNorm`) with little-endian float32 values stored in `blob`, which
    /// may be unaligned (a SQLite BLOB); 0 when either has no length.
    public static func cosine(_ query: [Float], norm queryNorm: Float, littleEndian blob: UnsafeRawBufferPointer) -> Float {
        let count = min(query.count, blob.count / 4)
        var dot: Float = 0
        var norm: Float = 0
        for index in 0..<count {
            let value = Float(
                bitPattern: UInt32(littleEndian: blob.loadUnaligned(fromByteOffset: index * 4, as: UInt32.self)))
            dot += value * query[index]
            norm += value * value
        }
        let denominator = norm.squareRoot() * queryNorm
        return denominator > 0 ? dot / denominator : 0
    }

    /// For each of a query's `best.count` token rows (of `width` floats, in `query`), keeps the larger of its best
    /// dot product so far and its dot product with `row`: one passage token's part of MaxSim.
    @inline(__always)
    public static func keepBestDots(
        _ best: UnsafeMutableBufferPointer<Float>, query: UnsafePointer<Float>, row: UnsafePointer<Float>, width: Int
    ) {
        for token in 0..<best.count {
            let dot = dot(query + token * width, row, width)
            if dot > best[token] { best[token] = dot }
        }
    }

    /// Late-interaction relevance: for each query token, the best dot product with any passage token (a cosine,
    /// for unit rows), averaged over the query's tokens (ColBERT's MaxSim divided by the query length).
    public static func maxSim(
        query: [Float], queryTokens: Int, passage: [Float], passageTokens: Int, width: Int
    ) -> Float {
        guard queryTokens > 0, passageTokens > 0 else { return 0 }
        var best = [Float](repeating: -.infinity, count: queryTokens)
        query.withUnsafeBufferPointer { q in
            passage.withUnsafeBufferPointer { p in
                best.withUnsafeMutableBufferPointer { best in
                    for token in 0..<passageTokens {
                        keepBestDots(best, query: q.baseAddress!, row: p.baseAddress! + token * width, width: width)
                    }
                }
            }
        }
        var total: Float = 0
        for value in best { total += value }
        return total / Float(queryTokens)
    }
}
