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
