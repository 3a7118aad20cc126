/// Symmetric per-vector int8 quantization: `code[i] = round(x[i] / scale)` with `scale = max|x| / 127`.
///
/// The dot product of two vectors is approximated by `scaleA * scaleB * Σ codeA[i] * codeB[i]`: good enough
/// to pick candidates, which are then re-scored with the exact f32 vectors.
public enum Int8Quantizer {
    public static func encode(_ vector: [Float]) -> (scale: Float, code: [Int8]) {
        var largest: Float = 0
        for value in vector { largest = max(largest, abs(value)) }
        guard largest > 0, largest.isFinite else { return (0, [Int8](repeating: 0, count: vector.count)) }
        let scale = largest / 127
        let inverse = 1 / scale
        let code = vector.map { Int8(clamping: Int(($0 * inverse).rounded())) }
        return (scale, code)
    }

    /// The vector a code stands for.
    public static func decode(scale: Float, code: [Int8]) -> [Float] {
        code.map { Float($0) * scale }
    }
}
