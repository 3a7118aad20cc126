import Foundation
import VectorMath

/// Deterministic pseudo-random numbers (SplitMix64), so generated test data and benchmarks repeat exactly.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) {
        state = seed
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A standard normal sample (Box-Muller).
    public mutating func gaussian() -> Float {
        let u1 = max(Double(next() >> 11) / Double(1 << 53), 1e-300)
        let u2 = Double(next() >> 11) / Double(1 << 53)
        return Float((-2 * log(u1)).squareRoot() * cos(2 * .pi * u2))
    }

    /// A random unit vector of `dimension` floats.
    public mutating func unitVector(_ dimension: Int) -> [Float] {
        let values = (0..<dimension).map { _ in gaussian() }
        let norm = VectorMath.norm(values)
        return values.map { $0 / norm }
    }
}
