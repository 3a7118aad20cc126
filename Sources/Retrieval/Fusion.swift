import Embedding

/// Reciprocal-rank fusion: each list adds 1 / (constant + rank) to an item's score (rank counted from 1).
///
/// The constant 60 is the one Cormack, Clarke and Büttcher found robust (SIGIR 2009); scores of different
/// kinds (cosine, BM25) need no calibration since only ranks count.
///
/// - Parameter weights: one per list (default 1 each): how much a rank in that list counts.
public func reciprocalRankFusion(_ lists: [[Int64]], weights: [Double]? = nil, constant: Double = 60)
    -> [(id: Int64, score: Double)]
{
    var scores: [Int64: Double] = [:]
    var firstSeen: [Int64: Int] = [:]
    var order = 0
    for (index, list) in lists.enumerated() {
        let weight = weights?[index] ?? 1
        for (rank, id) in list.enumerated() {
            scores[id, default: 0] += weight / (constant + Double(rank + 1))
            if firstSeen[id] == nil {
                firstSeen[id] = order
                order += 1
            }
        }
    }
    return scores.map { (id: $0.key, score: $0.value) }.sorted {
        $0.score != $1.score ? $0.score > $1.score : firstSeen[$0.id]! < firstSeen[$1.id]!
    }
}

/// Late-interaction relevance: for each query token, the best cosine with any passage token, averaged over
/// the query's tokens (ColBERT's MaxSim, divided by the query length so scores read as cosines).
public func maxSim(query: [Float], queryTokens: Int, passage: [Float], passageTokens: Int, width: Int) -> Float {
    guard queryTokens > 0, passageTokens > 0 else { return 0 }
    var total: Float = 0
    query.withUnsafeBufferPointer { q in
        passage.withUnsafeBufferPointer { p in
            for i in 0..<queryTokens {
                let qBase = i * width
                var best = -Float.infinity
                for j in 0..<passageTokens {
                    let dot = dotProduct(q.baseAddress! + qBase, p.baseAddress! + j * width, width)
                    if dot > best { best = dot }
                }
                total += best
            }
        }
    }
    return total / Float(queryTokens)
}
