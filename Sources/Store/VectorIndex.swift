import Dispatch
import Host

/// The store's int8 vector codes in one contiguous block of memory, for scanning every chunk per query.
///
/// Memory: `dimension + 20` bytes per chunk (384 MB of codes for a million 384-d chunks). A query is
/// quantized the same way and scored against every code with integer dot products on all cores; the best
/// `count` candidates go to exact f32 re-scoring (`Store.search`). Immutable once loaded: share it freely.
public final class VectorIndex: Sendable {
    public let dimension: Int
    public let chunkIDs: [Int64]
    let documentIDs: [Int64]
    let scales: [Float]
    let codes: [Int8]

    init(dimension: Int, chunkIDs: [Int64], documentIDs: [Int64], scales: [Float], codes: [Int8]) {
        precondition(codes.count == chunkIDs.count * dimension)
        self.dimension = dimension
        self.chunkIDs = chunkIDs
        self.documentIDs = documentIDs
        self.scales = scales
        self.codes = codes
    }

    public var count: Int { chunkIDs.count }

    /// Bytes held by the index.
    public var memoryBytes: Int {
        codes.count + chunkIDs.count * (MemoryLayout<Int64>.size * 2 + MemoryLayout<Float>.size)
    }

    /// The `count` chunks whose codes score highest against `query`, best first, among chunks of
    /// `allowed` documents (all when nil) and `chunks` (all when nil). Scores are approximate dot products.
    public func candidates(
        for query: [Float], count limit: Int, allowed: RowSet? = nil, chunks: RowSet? = nil
    )
        -> [(chunkID: Int64, documentID: Int64, score: Float)]
    {
        precondition(query.count == dimension, "query has \(query.count) dimensions, the index \(dimension)")
        guard limit > 0, count > 0 else { return [] }
        let (queryScale, queryCode8) = Int8Quantizer.encode(query)
        // Widened once here, so the inner loop multiplies 16-bit lanes without converting the query each time.
        let queryCode = queryCode8.map { Int16($0) }
        // One partition per 25,000 codes (rounded up), at most one per core: a store of 99,607 chunks used to
        // get a single partition (integer division) and scanned on one core at half the speed.
        let partitions = min((count + 24_999) / 25_000, max(1, activeProcessors))
        let results = PartitionResults(partitions)
        let bounds = (0...partitions).map { $0 * count / partitions }
        let dimension = self.dimension
        codes.withUnsafeBufferPointer { codes in
            scales.withUnsafeBufferPointer { scales in
                documentIDs.withUnsafeBufferPointer { documents in
                    chunkIDs.withUnsafeBufferPointer { chunkIDs in
                        queryCode.withUnsafeBufferPointer { query in
                            let scan = Scan(
                                codes: codes, scales: scales, documents: documents, chunks: chunkIDs, query: query,
                                dimension: dimension, allowed: allowed, allowedChunks: chunks)
                            DispatchQueue.concurrentPerform(iterations: partitions) { partition in
                                results.store(
                                    scan.run(rows: bounds[partition]..<bounds[partition + 1], limit: limit),
                                    at: partition)
                            }
                        }
                    }
                }
            }
        }
        var merged = TopK(limit)
        for partial in results.all {
            for (row, score) in partial { merged.insert(row, score) }
        }
        return merged.sorted().map { (chunkIDs[$0.row], documentIDs[$0.row], $0.score * queryScale) }
    }
}

/// A set of row ids (a bitmap) of documents or chunks, for filtering during the scan.
public struct RowSet: Sendable, Equatable {
    private var words: [UInt64] = []
    public private(set) var count = 0

    public init() {}

    public init<S: Sequence<Int64>>(_ ids: S) {
        for id in ids { insert(id) }
    }

    public mutating func insert(_ id: Int64) {
        guard id >= 0 else { return }
        let word = Int(id >> 6)
        if word >= words.count { words += [UInt64](repeating: 0, count: word - words.count + 1) }
        let bit = UInt64(1) << UInt64(id & 63)
        if words[word] & bit == 0 {
            words[word] |= bit
            count += 1
        }
    }

    @inline(__always)
    public func contains(_ id: Int64) -> Bool {
        let word = Int(id >> 6)
        return id >= 0 && word < words.count && words[word] & (UInt64(1) << UInt64(id & 63)) != 0
    }
}

/// One partition's view of the data; every pointer is read-only and outlives the scan.
private struct Scan: @unchecked Sendable {
    // @unchecked: plain read-only pointers into arrays kept alive by the enclosing `with...` calls.
    let codes: UnsafeBufferPointer<Int8>
    let scales: UnsafeBufferPointer<Float>
    let documents: UnsafeBufferPointer<Int64>
    let chunks: UnsafeBufferPointer<Int64>
    let query: UnsafeBufferPointer<Int16>
    let dimension: Int
    let allowed: RowSet?
    let allowedChunks: RowSet?

    func run(rows: Range<Int>, limit: Int) -> [(row: Int, score: Float)] {
        var top = TopK(limit)
        guard let base = codes.baseAddress, let q = query.baseAddress else { return [] }
        for row in rows {
            if let allowed, !allowed.contains(documents[row]) { continue }
            if let allowedChunks, !allowedChunks.contains(chunks[row]) { continue }
            let code = base + row * dimension
            var dot: Int32 = 0
            // A plain loop: the compiler vectorizes it (pmaddwd-style) on every x86-64 and arm64.
            for index in 0..<dimension {
                dot &+= Int32(Int16(code[index]) &* q[index])
            }
            top.insert(row, Float(dot) * scales[row])
        }
        return top.sorted()
    }
}

/// Each partition's candidates, written by one partition each.
private final class PartitionResults: @unchecked Sendable {
    // @unchecked: partition i writes only slot i, and all reads happen after concurrentPerform returns.
    private var slots: [[(row: Int, score: Float)]]

    init(_ count: Int) {
        slots = Array(repeating: [], count: count)
    }

    func store(_ result: [(row: Int, score: Float)], at index: Int) {
        slots.withUnsafeMutableBufferPointer { $0[index] = result }
    }

    var all: [[(row: Int, score: Float)]] { slots }
}

/// The `limit` highest scores seen, in a min-heap.
struct TopK {
    let limit: Int
    private(set) var heap: [(row: Int, score: Float)] = []

    init(_ limit: Int) {
        self.limit = limit
        heap.reserveCapacity(limit)
    }

    @inline(__always)
    mutating func insert(_ row: Int, _ score: Float) {
        if heap.count < limit {
            heap.append((row, score))
            siftUp(heap.count - 1)
        } else if let smallest = heap.first, score > smallest.score {
            heap[0] = (row, score)
            siftDown(0)
        }
    }

    /// Best first (ties: lower row first, so results are deterministic).
    func sorted() -> [(row: Int, score: Float)] {
        heap.sorted { $0.score != $1.score ? $0.score > $1.score : $0.row < $1.row }
    }

    private mutating func siftUp(_ start: Int) {
        var child = start
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child].score < heap[parent].score else { return }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    private mutating func siftDown(_ start: Int) {
        var parent = start
        while true {
            let left = parent * 2 + 1
            guard left < heap.count else { return }
            var smallest = left
            if left + 1 < heap.count && heap[left + 1].score < heap[left].score { smallest = left + 1 }
            guard heap[smallest].score < heap[parent].score else { return }
            heap.swapAt(smallest, parent)
            parent = smallest
        }
    }
}

private let activeProcessors = System.onlineProcessorCount()
