import TestSupport
import Testing

/// The leak check on series like those measured: it must fail on growth, never on memory returned.
@Suite struct MemoryGrowthTests {
    static func megabytes(_ values: [Int]) -> [Int] { values.map { $0 << 20 } }

    @Test func memoryGivenBackIsNotGrowth() {
        // Seen on a new machine: 127 MB after the first cycle, 97 MB after the last.
        let falling = Self.megabytes([127, 126, 124, 120, 118, 115, 112, 110, 108, 105, 103, 101, 100, 99, 98, 97])
        #expect(!MemoryGrowth(samples: falling).isGrowing)
    }

    @Test func wanderingMemoryIsNotGrowth() {
        let wandering = Self.megabytes([120, 135, 118, 140, 122, 131, 119, 138, 121, 133, 125, 137, 120, 134, 123])
        #expect(!MemoryGrowth(samples: wandering).isGrowing)
    }

    @Test func memoryThatKeepsRisingIsGrowth() {
        let leaking = Self.megabytes((0..<15).map { 120 + 8 * $0 })
        let growth = MemoryGrowth(samples: leaking)
        #expect(growth.isGrowing)
        #expect(growth.bytes == (120 + 8 * 12 - (120 + 8 * 5)) << 20)
    }
}
