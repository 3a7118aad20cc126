/// FNV-1a, 64-bit: a small hash that is the same on every machine, process and build (Swift's `hashValue` is
/// seeded per process). Shards and exported ids are derived from it, so they stay stable.
public enum FNV1a {
    /// The 64-bit FNV-1a hash of `text`'s UTF-8 bytes.
    public static func hash(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01b3
        }
        return hash
    }
}
