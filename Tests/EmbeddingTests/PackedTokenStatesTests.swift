import Testing
import VectorMath

@testable import Embedding

@Suite struct PackedTokenStatesTests {
    /// Deterministic unit rows: a linear congruential generator, so the test needs no seedable RNG.
    static func unitRows(count: Int, width: Int, seed: UInt64) -> [Float] {
        var state = seed
        var values: [Float] = []
        for _ in 0..<count {
            var row: [Float] = []
            for _ in 0..<width {
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                row.append(Float(Int64(bitPattern: state >> 11) % 2001 - 1000) / 1000)
            }
            let norm = row.reduce(0) { $0 + $1 * $1 }.squareRoot()
            values += row.map { $0 / norm }
        }
        return values
    }

    /// MaxSim on float states, written out plainly.
    static func exactMaxSim(_ query: [Float], queryTokens: Int, _ passage: [Float], passageTokens: Int, width: Int)
        -> Float
    {
        var total: Float = 0
        for i in 0..<queryTokens {
            var best = -Float.infinity
            for j in 0..<passageTokens {
                var dot: Float = 0
                for d in 0..<width { dot += query[i * width + d] * passage[j * width + d] }
                best = max(best, dot)
            }
            total += best
        }
        return total / Float(queryTokens)
    }

    static func pack(_ values: [Float], count: Int, width: Int, _ format: TokenStateFormat) -> PackedTokenStates {
        values.withUnsafeBufferPointer { PackedTokenStates(rows: $0, count: count, width: width, format: format) }
    }

    @Test func int8StatesScoreAsTheFloatStatesDo() throws {
        let width = 384
        let query = TokenStates(count: 7, width: width, values: Self.unitRows(count: 7, width: width, seed: 1))
        for seed in 2...6 {
            let passage = Self.unitRows(count: 40, width: width, seed: UInt64(seed))
            let exact = Self.exactMaxSim(query.values, queryTokens: 7, passage, passageTokens: 40, width: width)
            let packed = Self.pack(passage, count: 40, width: width, .int8)
            #expect(packed.bytes.count == PackedTokenStates.headerBytes + 40 * (width + 4))
            let score = try #require(packed.maxSim(query: query))
            #expect(abs(score - exact) < 0.01, "seed \(seed): \(score) vs \(exact)")
        }
    }

    @Test func binaryStatesTakeOneBitPerValueAndStillFindTheMatchingPassage() throws {
        let width = 384
        let rows = Self.unitRows(count: 12, width: width, seed: 9)
        let query = TokenStates(count: 4, width: width, values: Array(rows[0..<(4 * width)]))
        // One passage holds the query's own tokens among others; the rest do not.
        let matching = Self.pack(rows, count: 12, width: width, .binary)
        #expect(matching.bytes.count == PackedTokenStates.headerBytes + 12 * width / 8)
        let matchingScore = try #require(matching.maxSim(query: query))
        for seed in 20...24 {
            let other = Self.pack(Self.unitRows(count: 12, width: width, seed: UInt64(seed)), count: 12, width: width, .binary)
            let otherScore = try #require(other.maxSim(query: query))
            #expect(matchingScore > otherScore)
        }
        // Scaled back to read as a cosine: a token's own sign pattern scores about √(2/π) ≈ 0.8, never above 1.
        #expect(matchingScore > 0.6 && matchingScore <= 1)
    }

    @Test func aDamagedOrForeignBlobGivesNoScoreRatherThanAWrongOne() {
        let width = 16
        let good = Self.pack(Self.unitRows(count: 3, width: width, seed: 3), count: 3, width: width, .int8)
        let query = TokenStates(count: 1, width: width, values: Self.unitRows(count: 1, width: width, seed: 4))
        #expect(good.header?.count == 3 && good.header?.width == 16 && good.header?.format == .int8)
        #expect(good.maxSim(query: query) != nil)
        var truncated = good
        truncated.bytes.removeLast()
        var unknown = good
        unknown.bytes[0] = 9
        var notANumber = good
        for (i, byte) in withUnsafeBytes(of: Float.nan.bitPattern.littleEndian, Array.init).enumerated() {
            notANumber.bytes[PackedTokenStates.headerBytes + i] = byte
        }
        var huge = good
        for (i, byte) in withUnsafeBytes(of: Float(1e30).bitPattern.littleEndian, Array.init).enumerated() {
            huge.bytes[PackedTokenStates.headerBytes + i] = byte
        }
        #expect(notANumber.maxSim(query: query) == nil && huge.maxSim(query: query) == nil)
        for broken in [truncated, unknown, PackedTokenStates(bytes: []), PackedTokenStates(bytes: [1, 0])] {
            #expect(broken.header == nil)
            #expect(broken.maxSim(query: query) == nil)
        }
        // A query of another width (another model) is not compared.
        let wide = TokenStates(count: 1, width: 32, values: Self.unitRows(count: 1, width: 32, seed: 5))
        #expect(good.maxSim(query: wide) == nil)
    }

    @Test func theVectorisedDotProductAgreesWithASimpleSum() {
        for count in [0, 1, 15, 16, 17, 384, 390] {
            let a = (0..<count).map { Float($0 % 7) - 3 }
            let b = (0..<count).map { Float($0 % 5) / 2 }
            let expected = zip(a, b).reduce(Float(0)) { $0 + $1.0 * $1.1 }
            let dot = a.withUnsafeBufferPointer { pa in
                b.withUnsafeBufferPointer { pb in
                    count == 0 ? 0 : VectorMath.dot(pa.baseAddress!, pb.baseAddress!, count)
                }
            }
            #expect(abs(dot - expected) < 1e-3, "\(count)")
        }
    }

    @Test func packingAModelsOutputInPlaceEqualsPackingItsUnitRows() throws {
        // Rows of a [2, 4, width] output at lengths other than one; rows 1 and 2 of the second sequence kept.
        let width = 20  // not a multiple of eight: the last byte of a binary row is partly filled
        let unit = Self.unitRows(count: 8, width: width, seed: 7)
        let output = unit.enumerated().map { index, value in value * Float(1 + index / width) }
        let kept = [5, 6]
        let offsets = kept.map { $0 * width }
        let rows = kept.flatMap { unit[($0 * width)..<(($0 + 1) * width)] }
        for format in [TokenStateFormat.binary, .int8] {
            let inPlace = output.withUnsafeBufferPointer {
                PackedTokenStates(format: format, width: width, rows: offsets, in: $0, unit: false)
            }
            let fromUnit = Self.pack(Array(rows), count: kept.count, width: width, format)
            #expect(inPlace.header?.count == 2 && inPlace.bytes.count == fromUnit.bytes.count)
            if format == .binary {
                #expect(inPlace == fromUnit)
            } else {
                // The same codes; scales equal to float rounding.
                for row in 0..<2 {
                    let start = PackedTokenStates.headerBytes + row * (width + 4)
                    #expect(inPlace.bytes[(start + 4)..<(start + 4 + width)] == fromUnit.bytes[(start + 4)..<(start + 4 + width)])
                    let scale = { (bytes: [UInt8]) in
                        Float(bitPattern: UInt32(bytes[start]) | UInt32(bytes[start + 1]) << 8
                            | UInt32(bytes[start + 2]) << 16 | UInt32(bytes[start + 3]) << 24)
                    }
                    #expect(abs(scale(inPlace.bytes) - scale(fromUnit.bytes)) < 1e-6)
                }
            }
        }
        // Signs alone: bit d of a binary row is set when value d is positive.
        let signs = [Float](repeating: -1, count: 20).enumerated().map { $0.offset % 3 == 0 ? 0.5 : $0.element }
        let packed = signs.withUnsafeBufferPointer {
            PackedTokenStates(format: .binary, width: 20, rows: [0], in: $0, unit: false)
        }
        #expect(Array(packed.bytes.dropFirst(PackedTokenStates.headerBytes)) == [0b0100_1001, 0b1001_0010, 0b0000_0100])
    }
}
