/// A WordPiece vocabulary: token strings and ids, looked up by UTF-8 bytes without building strings.
///
/// Word-initial pieces and continuation pieces ("##ing") live in two open-addressing tables keyed by their
/// bytes (continuations without the prefix), so the tokenizer can probe a slice of a word directly.
struct Vocabulary: Sendable {
    /// Token strings by id.
    let tokens: [String]
    let continuingPrefix: String
    private let initial: ByteTable
    private let continuation: ByteTable
    /// The longest initial and continuation piece, in Unicode scalars: no longer candidate can match.
    let longestInitial: Int
    let longestContinuation: Int
    /// By id: whether the token is a continuation piece ("##ing").
    private let continuationFlags: [Bool]

    /// - Parameter ids: token → id, as in tokenizer.json's `model.vocab` (ids need not be contiguous).
    init(ids: [String: Int32], continuingPrefix: String) {
        var tokens = [String](repeating: "", count: Int(ids.values.max() ?? -1) + 1)
        for (token, id) in ids where id >= 0 {
            tokens[Int(id)] = token
        }
        self.tokens = tokens
        self.continuingPrefix = continuingPrefix
        var initialEntries: [([UInt8], Int32)] = []
        var continuationEntries: [([UInt8], Int32)] = []
        var longestInitial = 0
        var longestContinuation = 0
        var flags = [Bool](repeating: false, count: tokens.count)
        let prefix = Array(continuingPrefix.utf8)
        for (token, id) in ids.sorted(by: { $0.value < $1.value }) {
            let bytes = Array(token.utf8)
            if !prefix.isEmpty, bytes.count > prefix.count, bytes.starts(with: prefix) {
                let piece = Array(bytes[prefix.count...])
                continuationEntries.append((piece, id))
                flags[Int(id)] = true
                longestContinuation = max(
                    longestContinuation, token.unicodeScalars.count - continuingPrefix.unicodeScalars.count)
            } else {
                initialEntries.append((bytes, id))
                longestInitial = max(longestInitial, token.unicodeScalars.count)
            }
        }
        initial = ByteTable(initialEntries)
        continuation = ByteTable(continuationEntries)
        self.longestInitial = longestInitial
        self.longestContinuation = longestContinuation
        continuationFlags = flags
    }

    @inline(__always)
    func isContinuation(_ id: Int32) -> Bool {
        id >= 0 && Int(id) < continuationFlags.count && continuationFlags[Int(id)]
    }

    var count: Int { tokens.count }

    /// The id of `bytes` as a word-initial piece (`continuation == false`) or as "##" + bytes.
    @inline(__always)
    func id(_ bytes: UnsafeBufferPointer<UInt8>, continuation isContinuation: Bool) -> Int32? {
        isContinuation ? continuation.find(bytes) : initial.find(bytes)
    }

    /// The token string of `id` ("" for an id the vocabulary does not define).
    func token(_ id: Int32) -> String {
        id >= 0 && Int(id) < tokens.count ? tokens[Int(id)] : ""
    }

    /// The id of a whole token string, e.g. "[CLS]" or "##s".
    func id(of token: String) -> Int32? {
        let isContinuation =
            !continuingPrefix.isEmpty && token.count > continuingPrefix.count
            && token.hasPrefix(continuingPrefix)
        var token = token
        return token.withUTF8 { bytes in
            let prefix = continuingPrefix.utf8.count
            if isContinuation {
                return continuation.find(UnsafeBufferPointer(rebasing: bytes[prefix...]))
            }
            return initial.find(bytes)
        }
    }
}

/// An open-addressing hash table from byte strings to ids, all keys in one arena.
private struct ByteTable: Sendable {
    private struct Slot: Sendable {
        var hash: UInt64 = 0
        var start: Int32 = 0
        var length: Int32 = -1  // -1: empty
        var id: Int32 = 0
    }

    private let arena: [UInt8]
    private let slots: [Slot]
    private let mask: Int

    init(_ entries: [([UInt8], Int32)]) {
        var capacity = 16
        while capacity < entries.count * 2 { capacity <<= 1 }
        var slots = [Slot](repeating: Slot(), count: capacity)
        var arena: [UInt8] = []
        arena.reserveCapacity(entries.reduce(0) { $0 + $1.0.count })
        let mask = capacity - 1
        for (bytes, id) in entries {
            let hash = bytes.withUnsafeBufferPointer { Self.hash($0) }
            var index = Int(truncatingIfNeeded: hash) & mask
            var duplicate = false
            while slots[index].length >= 0 {
                let slot = slots[index]
                if slot.hash == hash, Int(slot.length) == bytes.count,
                    arena[Int(slot.start)..<Int(slot.start + slot.length)].elementsEqual(bytes)
                {
                    duplicate = true
                    break
                }
                index = (index + 1) & mask
            }
            if duplicate { continue }
            slots[index] = Slot(hash: hash, start: Int32(arena.count), length: Int32(bytes.count), id: id)
            arena.append(contentsOf: bytes)
        }
        self.arena = arena
        self.slots = slots
        self.mask = mask
    }

    @inline(__always)
    func find(_ bytes: UnsafeBufferPointer<UInt8>) -> Int32? {
        let hash = Self.hash(bytes)
        var index = Int(truncatingIfNeeded: hash) & mask
        return slots.withUnsafeBufferPointer { slots in
            arena.withUnsafeBufferPointer { arena in
                while true {
                    let slot = slots[index]
                    if slot.length < 0 { return nil }
                    if slot.hash == hash, Int(slot.length) == bytes.count,
                        memoryEqual(arena.baseAddress.map { $0 + Int(slot.start) }, bytes.baseAddress, bytes.count)
                    {
                        return slot.id
                    }
                    index = (index + 1) & mask
                }
            }
        }
    }

    /// FNV-1a, 64 bit, with a final mix so the low bits spread well.
    @inline(__always)
    static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
        }
        hash ^= hash >> 29
        hash &*= 0xbf58_476d_1ce4_e5b9
        hash ^= hash >> 32
        return hash
    }
}

@inline(__always)
private func memoryEqual(_ a: UnsafePointer<UInt8>?, _ b: UnsafePointer<UInt8>?, _ count: Int) -> Bool {
    guard count > 0 else { return true }
    guard let a, let b else { return false }
    for index in 0..<count where a[index] != b[index] {
        return false
    }
    return true
}
