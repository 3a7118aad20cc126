/// Whether a series of resident-set samples, one per load/unload cycle, shows memory that is not returned.
///
/// The allocator keeps some pages and gives others back when it likes, so RSS wanders by tens of MB from cycle
/// to cycle, and may fall well below where it started: that is not a leak, and must never fail a test. A leak
/// shows as the last cycles sitting above everything the early cycles reached: the median of the last
/// `window` samples against the highest of the `window` samples after the first (the first cycle warms up
/// caches that stay).
public struct MemoryGrowth: Sendable, Equatable {
    /// How far the late median is above the early maximum, in bytes (negative when below).
    public var bytes: Int
    /// The limit it is held to.
    public var limit: Int

    public var isGrowing: Bool { bytes > limit }

    public init(samples: [Int], window: Int = 5, limit: Int = 30 << 20) {
        precondition(samples.count >= 2 * window + 1, "too few cycles to tell a trend")
        let early = samples.dropFirst().prefix(window).max() ?? 0
        let late = samples.suffix(window).sorted()
        bytes = late[late.count / 2] - early
        self.limit = limit
    }
}
