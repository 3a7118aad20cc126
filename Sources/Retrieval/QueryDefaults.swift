import Host
import Store

/// What `ovindex query` does when no flag says otherwise. Chosen with scripts/tune_query.py on the stdlib and
/// man evaluation sets, and reported on the info set, which was not used to choose (docs/querying.md, "Query quality").
public enum QueryDefaults {
    public static let mode = RetrievalMode.hybrid
    public static let rerank = RerankMethod.lateInteraction
    public static let candidates = 40
    public static let keywordWeight = 0.5
    public static let firstStageWeight = 2.0
}
