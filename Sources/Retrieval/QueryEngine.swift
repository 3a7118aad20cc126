public import Embedding
public import Store
import Tokenizer
import Host

/// Answers similarity queries against one store: embeds the question, retrieves candidates, reranks them and
/// returns the top k, best chunk per document by default.
///
/// Load it once and ask many queries: the models and the store's int8 index stay loaded.
public final class QueryEngine {
    public let store: Store
    public let embedder: Embedder
    public let crossEncoder: CrossEncoder?
    private let index: VectorIndex
    /// Token budget of one reranking batch.
    public var batchTokens = InferenceLimits.defaultBatchTokens

    /// - Throws: `QueryError.setup` when the store was built with another embedding model or another variant of
    ///   it (different weights); `StoreError`.
    public init(store: Store, embedder: Embedder, crossEncoder: CrossEncoder? = nil) throws {
        let identity = try store.requireModelIdentity()
        do {
            // Vectors of another model, or of another variant of the same one (int8 and the original have
            // different weights), are not comparable with the store's.
            let differences = identity.differences(from: ModelIdentity(embedder.directory))
            guard differences.isEmpty else {
                throw QueryError.setup(
                    "\(store.path) was built with \(identity), but the query model \(embedder.directory.name) has "
                        + differences.joined(separator: ", ") + "; use --model with the model the store was built with"
                        + (identity.name.isEmpty ? "" : " (\(identity.name))"))
            }
        }
        self.store = store
        self.embedder = embedder
        self.crossEncoder = crossEncoder
        self.index = try store.loadVectorIndex()
    }

    /// Chunks in the loaded index.
    public var indexedChunks: Int { index.count }

    /// Answers one query.
    ///
    /// - Throws: `QueryError` for limits and a missing reranker, `StoreError`, `OpenVINOError` (including the
    ///   inference timeout), `CancellationError`.
    public func query(_ text: String, options: QueryOptions) async throws -> QueryAnswer {
        try options.validate()
        let characters = text.count
        guard characters <= QueryOptions.maximumQueryCharacters else {
            throw QueryError.limit(
                "the query is \(characters) characters; the limit is \(QueryOptions.maximumQueryCharacters)")
        }
        guard !text.allSatisfy(\.isWhitespace) else { throw QueryError.limit("the query is empty") }
        if options.rerank == .crossEncoder, crossEncoder == nil {
            throw QueryError.setup("--rerank cross-encoder needs a reranker model (--reranker DIR)")
        }
        let clock = ContinuousClock()
        let started = clock.now
        if options.mode == .vector, options.rerank == .none, options.groupByDocument {
            // Only the shown chunks' texts are read: the best chunk of each of the first k documents.
            let vector = try await embedder.embed([embedder.encode(text)])[0]
            let scored = try store.vectorCandidates(
                vector, candidates: options.candidates, filter: options.filter, index: index)
            var seen = Set<Int64>()
            let best = scored.filter { seen.insert($0.documentID).inserted }.prefix(options.k)
            let results = try store.hits(best.map { ($0.chunkID, $0.score) }).map {
                QueryResult(hit: $0, score: $0.score, retrievalScore: $0.score)
            }
            return QueryAnswer(
                results: results, candidates: scored.count, retrievalSeconds: (clock.now - started).seconds,
                rerankSeconds: 0)
        }
        // A question searched by vector and reranked by late interaction is run through the model once: its
        // vector and its token states come from the same inference.
        var question: (vector: [Float], states: TokenStates)?
        if options.mode != .keyword, options.rerank == .lateInteraction {
            question = try await embedder.embedWithTokenStates(embedder.encode(text))
        }
        let candidates = try await self.candidates(text, options: options, vector: question?.vector)
        let retrieved = clock.now
        var results: [QueryResult]
        if options.rerank == .none {
            results = candidates.map { QueryResult(hit: $0.hit, score: $0.score, retrievalScore: $0.score) }
        } else {
            let scores = try await rerank(
                text, candidates: candidates.map(\.hit), method: options.rerank, queryStates: question?.states)
            results = zip(candidates, scores).map { candidate, score in
                QueryResult(hit: candidate.hit, score: score, retrievalScore: candidate.score, rerankScore: score)
            }
            results.sort { $0.score != $1.score ? $0.score > $1.score : $0.hit.chunkID < $1.hit.chunkID }
            if options.firstStageWeight > 0 {
                // The first stage's order (candidates come best first) still counts, fused by rank.
                let fused = reciprocalRankFusion(
                    [results.map(\.hit.chunkID), candidates.map(\.hit.chunkID)], weights: [1, options.firstStageWeight])
                let reranked = Dictionary(uniqueKeysWithValues: results.map { ($0.hit.chunkID, $0) })
                results = fused.compactMap { item in
                    reranked[item.id].map { var result = $0; result.score = Float(item.score); return result }
                }
            }
        }
        if options.groupByDocument {
            var seen = Set<String>()
            results = results.filter { seen.insert($0.hit.documentKey).inserted }
        }
        let finished = clock.now
        return QueryAnswer(
            results: Array(results.prefix(options.k)), candidates: candidates.count,
            retrievalSeconds: (retrieved - started).seconds, rerankSeconds: (finished - retrieved).seconds)
    }

    /// Candidate chunks with their retrieval scores, best first: `options.candidates` of them at most, from
    /// `options.mode`, before reranking and grouping.
    public func candidates(_ text: String, options: QueryOptions) async throws -> [(hit: SearchHit, score: Float)] {
        try await candidates(text, options: options, vector: nil)
    }

    /// `candidates(_:options:)`, with the question's vector when it is already computed.
    func candidates(_ text: String, options: QueryOptions, vector questionVector: [Float]?) async throws
        -> [(hit: SearchHit, score: Float)]
    {
        let count = options.candidates
        switch options.mode {
        case .vector:
            return try await vectorSearch(text, count: count, filter: options.filter, vector: questionVector)
                .map { ($0, $0.score) }
        case .keyword:
            return try store.keywordSearch(text, k: count, filter: options.filter).map { ($0, $0.score) }
        case .hybrid:
            let vector = try await vectorSearch(text, count: count, filter: options.filter, vector: questionVector)
            let keyword = try store.keywordSearch(text, k: count, filter: options.filter)
            var byID: [Int64: SearchHit] = [:]
            for hit in vector + keyword { byID[hit.chunkID] = hit }
            let fused = reciprocalRankFusion(
                [vector.map(\.chunkID), keyword.map(\.chunkID)], weights: [1, options.keywordWeight])
            return fused.prefix(count).compactMap { item in byID[item.id].map { ($0, Float(item.score)) } }
        }
    }

    private func vectorSearch(_ text: String, count: Int, filter: SearchFilter, vector given: [Float]? = nil)
        async throws -> [SearchHit]
    {
        let vector: [Float]
        if let given { vector = given } else { vector = try await embedder.embed([embedder.encode(text)])[0] }
        return try store.search(vector, k: count, candidates: count, filter: filter, index: index)
    }

    /// One score per candidate, in the candidates' order. Late interaction reads the token states the store
    /// keeps and runs the model only over candidates without them.
    func rerank(_ text: String, candidates: [SearchHit], method: RerankMethod, queryStates: TokenStates? = nil)
        async throws -> [Float]
    {
        let stored = method == .lateInteraction ? try store.tokenStates(for: candidates.map(\.chunkID)) : [:]
        // Late interaction recomputed sees what indexing embedded: the chunk's context, then its text.
        let passages = candidates.map {
            method == .lateInteraction && !$0.context.isEmpty ? "\($0.context): \($0.text)" : $0.text
        }
        return try await Reranker(embedder: embedder, crossEncoder: crossEncoder, batchTokens: batchTokens)
            .scores(
                query: text, passages: passages, stored: candidates.map { stored[$0.chunkID] }, method: method,
                queryStates: queryStates)
    }

    /// What the tuning script needs to try fusion settings without asking again: the vector and keyword
    /// candidate lists (chunk ids and document keys, best first) and the late-interaction score of every chunk
    /// in either list.
    public func trace(_ text: String, candidates count: Int) async throws -> QueryTrace {
        let vector = try await vectorSearch(text, count: count, filter: SearchFilter())
        let keyword = try store.keywordSearch(text, k: count, filter: SearchFilter())
        var union: [SearchHit] = []
        var seen = Set<Int64>()
        for hit in vector + keyword where seen.insert(hit.chunkID).inserted { union.append(hit) }
        let scores = try await rerank(text, candidates: union, method: .lateInteraction)
        return QueryTrace(
            vector: vector.map { ($0.chunkID, $0.documentKey) }, keyword: keyword.map { ($0.chunkID, $0.documentKey) },
            lateInteraction: Dictionary(uniqueKeysWithValues: zip(union.map(\.chunkID), scores)))
    }
}
