public import Embedding
import Store
import Tokenizer
import VectorMath

/// Scores passages against a query by late interaction (the embedding model's token states) or with a
/// cross-encoder. Higher is more relevant.
public struct Reranker: Sendable {
    public let embedder: Embedder
    public let crossEncoder: CrossEncoder?
    /// Token budget of one batch.
    public var batchTokens: Int

    /// The query's token states without those of punctuation and common words ("the", "of"): in MaxSim each
    /// query token adds its best match, and those match something in every passage, adding noise, not
    /// relevance. A query of nothing else keeps them all.
    static func telling(_ states: TokenStates, of encoding: Encoding, tokenizer: BertTokenizer) -> TokenStates {
        var kept: [Float] = []
        var count = 0
        var row = 0
        for position in 0..<encoding.count where !encoding.specialTokensMask[position] {
            defer { row += 1 }
            let id = encoding.ids[position]
            // A whole word only: "is" of "is ##instance" is the start of another word.
            let continued = position + 1 < encoding.count && tokenizer.isContinuation(encoding.ids[position + 1])
            if !continued && !tokenizer.isContinuation(id) {
                let token = tokenizer.token(for: id)
                let isPunctuation = token.unicodeScalars.allSatisfy {
                    !$0.properties.isAlphabetic && $0.properties.numericType == nil
                }
                if isPunctuation || Store.commonWords.contains(token) { continue }
            }
            kept += states.values[(row * states.width)..<((row + 1) * states.width)]
            count += 1
        }
        return count == 0 ? states : TokenStates(count: count, width: states.width, values: kept)
    }

    public init(embedder: Embedder, crossEncoder: CrossEncoder? = nil, batchTokens: Int = 8192) {
        self.embedder = embedder
        self.crossEncoder = crossEncoder
        self.batchTokens = batchTokens
    }

    /// One score per passage, in the passages' order. `.none` gives no scores (an empty array).
    ///
    /// - Throws: `QueryError.setup` for `.crossEncoder` without a model; `OpenVINOError` (including the
    ///   inference timeout); `CancellationError`.
    ///
    /// - Parameter stored: for late interaction, each passage's token states as the store keeps them
    ///   (`PackedTokenStates` bytes), or nil where it keeps none: only those passages go through the model.
    ///
    /// - Parameter queryStates: the query's token states when they are already computed
    ///   (`Embedder.embedWithTokenStates`): late interaction then runs no inference for the query.
    public func scores(
        query: String, passages: [String], stored: [[UInt8]?] = [], method: RerankMethod,
        queryStates: TokenStates? = nil
    ) async throws -> [Float] {
        guard !passages.isEmpty else { return [] }
        switch method {
        case .none:
            return []
        case .lateInteraction:
            let encoding = embedder.encode(query)
            let computed: TokenStates
            if let queryStates { computed = queryStates } else { computed = try await embedder.tokenStates([encoding])[0] }
            let queryStates = Self.telling(computed, of: encoding, tokenizer: embedder.tokenizer)
            var scores = [Float?](repeating: nil, count: passages.count)
            for (index, bytes) in stored.enumerated() where index < passages.count {
                if let bytes { scores[index] = PackedTokenStates(bytes: bytes).maxSim(query: queryStates) }
            }
            // Kept states are compressed (binary scores read about 0.8 of a cosine): scores from them and from
            // the model are not ranked together. Any candidate without usable states has them all recomputed.
            if scores.contains(where: { $0 == nil }) { scores = scores.map { _ in nil } }
            let missing = scores.indices.filter { scores[$0] == nil }
            if !missing.isEmpty {
                let passageStates = try await embedder.tokenStates(
                    missing.map { embedder.encode(passages[$0]) }, batchTokens: batchTokens)
                for (index, passage) in zip(missing, passageStates) {
                    scores[index] = VectorMath.maxSim(
                        query: queryStates.values, queryTokens: queryStates.count, passage: passage.values,
                        passageTokens: passage.count, width: queryStates.width)
                }
            }
            return scores.map { $0 ?? 0 }
        case .crossEncoder:
            guard let crossEncoder else {
                throw QueryError.setup("cross-encoder reranking needs a reranker model (--reranker DIR)")
            }
            return try await crossEncoder.score(query: query, passages: passages, batchTokens: batchTokens)
        }
    }
}
