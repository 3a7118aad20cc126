public import Host
public import Store

/// Where candidates come from.
public enum RetrievalMode: String, CaseIterable, Sendable {
    /// Cosine similarity: the int8 scan picks candidates, their f32 vectors are re-scored.
    case vector
    /// BM25 over chunk text (SQLite FTS5).
    case keyword
    /// Both, fused by reciprocal rank.
    case hybrid
}

/// How candidates are re-scored before the top k are taken.
public enum RerankMethod: String, CaseIterable, Sendable {
    case none
    /// MaxSim between the query's and each candidate's token states from the embedding model (no extra model).
    case lateInteraction = "late-interaction"
    /// A sequence-classification model scoring each (query, passage) pair.
    case crossEncoder = "cross-encoder"
}

/// What `ovindex query` does when no flag says otherwise. Chosen with scripts/tune_query.py on the stdlib and
/// man evaluation sets, and reported on the info set, which was not used to choose (docs/querying.md, "Query quality").
public enum QueryDefaults {
    public static let mode = RetrievalMode.hybrid
    public static let rerank = RerankMethod.lateInteraction
    public static let candidates = 40
    public static let keywordWeight = 0.5
    public static let firstStageWeight = 2.0
}

/// One query's settings.
public struct QueryOptions: Sendable, Equatable {
    /// The longest query text accepted, in characters.
    public static let maximumQueryCharacters = 2_000
    /// The most candidates one query may retrieve and rerank.
    public static let maximumCandidates = 200
    /// The most results one query may return.
    public static let maximumK = 50
    /// The longest section text a query may filter by, in characters.
    public static let maximumSectionCharacters = 500

    public var k: Int
    public var candidates: Int
    public var mode: RetrievalMode
    public var rerank: RerankMethod
    public var filter: SearchFilter
    /// Best chunk per document (true) or every chunk (false).
    public var groupByDocument: Bool
    /// Hybrid: how much a rank in the keyword list counts against one in the vector list (1: equally).
    public var keywordWeight: Double
    /// After reranking: how much a candidate's first-stage rank still counts against its reranked rank, both
    /// fused by reciprocal rank (0: the reranker's order alone).
    public var firstStageWeight: Double

    public init(
        k: Int = 10, candidates: Int = QueryDefaults.candidates, mode: RetrievalMode = QueryDefaults.mode,
        rerank: RerankMethod = QueryDefaults.rerank, filter: SearchFilter = SearchFilter(),
        groupByDocument: Bool = true, keywordWeight: Double = QueryDefaults.keywordWeight,
        firstStageWeight: Double = QueryDefaults.firstStageWeight
    ) {
        self.k = k
        self.candidates = candidates
        self.mode = mode
        self.rerank = rerank
        self.filter = filter
        self.groupByDocument = groupByDocument
        self.keywordWeight = keywordWeight
        self.firstStageWeight = firstStageWeight
    }

    /// Checks the limits.
    ///
    /// - Throws: `QueryError.limit` naming the value and the limit.
    public func validate() throws(QueryError) {
        guard (1...Self.maximumK).contains(k) else {
            throw .limit("k is \(k); it must be between 1 and \(Self.maximumK)")
        }
        guard (1...Self.maximumCandidates).contains(candidates) else {
            throw .limit("candidates is \(candidates); it must be between 1 and \(Self.maximumCandidates)")
        }
    }
}

/// Why a query was refused or failed.
public enum QueryError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A limit was exceeded or a value is out of range.
    case limit(String)
    /// The store and the models do not fit together (another embedding model, no reranker...).
    case setup(String)

    public var description: String {
        switch self {
        case .limit(let message), .setup(let message): message
        }
    }
}

extension QueryError: ExitStatusError {
    /// A query over a limit is bad input; a store and models that do not fit together are a failure.
    public var exitStatus: ExitStatus {
        switch self {
        case .limit: .dataError
        case .setup: .failure
        }
    }
}
