public import Embedding
public import Store

/// Zero-shot scores from what a store keeps besides vectors, for measuring them against the vector methods
/// (`ovindex eval --classify --evidence`): BM25 of each label's descriptions over the text index, and late
/// interaction (MaxSim) of the descriptions' token states with the chunks' kept token states.
public enum StoreEvidence: String, CaseIterable, Sendable {
    /// The best BM25 of the label's descriptions over the document's chunks (SQLite FTS5); 0 when none match.
    case keyword
    /// The best late-interaction score of the label's descriptions over the document's chunks.
    case lateInteraction = "late-interaction"

    /// Each document's score for each label, by document key (labels in `labels`' order).
    ///
    /// - Throws: the store's and the embedder's errors.
    public func scores(labels: LabelSet, documents: [DocumentVectors], store: Store, embedder: Embedder) async throws
        -> [String: [Float]]
    {
        var scores: [String: [Float]] = [:]
        for document in documents { scores[document.key] = [Float](repeating: 0, count: labels.labels.count) }
        switch self {
        case .keyword:
            // A search hit's score is BM25 turned so that higher is better.
            for (index, label) in labels.labels.enumerated() {
                for description in label.descriptions {
                    for hit in try store.keywordSearch(description, k: 100_000) {
                        guard var row = scores[hit.documentKey] else { continue }
                        row[index] = max(row[index], hit.score)
                        scores[hit.documentKey] = row
                    }
                }
            }
        case .lateInteraction:
            let descriptions = try await labels.labels.asyncMap { label in
                try await embedder.tokenStates(label.descriptions.map(embedder.encode))
            }
            for document in documents {
                let states = try store.tokenStates(for: document.chunkIDs)
                for (index, label) in descriptions.enumerated() {
                    var best: Float = -1
                    for query in label {
                        for id in document.chunkIDs {
                            guard let bytes = states[id], let score = PackedTokenStates(bytes: bytes).maxSim(query: query)
                            else { continue }
                            best = max(best, score)
                        }
                    }
                    scores[document.key]?[index] = best
                }
            }
        }
        return scores
    }
}

extension Array {
    fileprivate func asyncMap<T>(_ transform: (Element) async throws -> T) async throws -> [T] {
        var results: [T] = []
        for element in self { results.append(try await transform(element)) }
        return results
    }
}
