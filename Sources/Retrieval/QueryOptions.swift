import Host
public import Store

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
