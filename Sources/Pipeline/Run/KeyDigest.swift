import Store
import Checksum

/// A 128-bit fingerprint of a document key: the first 16 bytes of its SHA-256.
///
/// The same in every process and every run (unlike `String.hashValue`, which is seeded per process), and with no
/// collisions in practice, so the sets of keys a run keeps for duplicate detection and pruning take 16 bytes a
/// document whatever the key's length, without a chance that two keys are taken for one.
struct KeyDigest: Hashable, Sendable {
    let high: UInt64
    let low: UInt64

    init(_ key: String) {
        var hasher = SHA256()
        hasher.update(key.utf8)
        let digest = hasher.finalize()
        var high: UInt64 = 0
        var low: UInt64 = 0
        for index in 0..<8 {
            high = high << 8 | UInt64(digest[index])
            low = low << 8 | UInt64(digest[index + 8])
        }
        self.high = high
        self.low = low
    }
}
