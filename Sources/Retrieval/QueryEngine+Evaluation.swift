import Host
import TextIO

extension QueryEngine {
    /// Answers every query with each mode and rerank stage (one warm-up query per configuration first, so that
    /// a new input shape's compilation is not timed) and measures each configuration.
    ///
    /// - Parameter progress: called after each query with the configuration and how many queries are done.
    public func evaluate(
        _ queries: [EvaluationQuery], modes: [RetrievalMode], reranks: [RerankMethod], candidates: Int,
        progress: (_ mode: RetrievalMode, _ rerank: RerankMethod, _ done: Int) -> Void = { _, _, _ in }
    ) async throws -> [EvaluationRow] {
        var rows: [EvaluationRow] = []
        guard let first = queries.first else { return rows }
        for mode in modes {
            for rerank in reranks {
                let options = QueryOptions(k: 10, candidates: candidates, mode: mode, rerank: rerank)
                _ = try await query(first.text, options: options)
                var metrics = EvaluationMetrics()
                for (index, query) in queries.enumerated() {
                    let answer = try await self.query(query.text, options: options)
                    metrics.add(
                        ranked: answer.results.map(\.hit.documentKey), relevant: query.relevant,
                        seconds: answer.seconds)
                    progress(mode, rerank, index + 1)
                }
                rows.append(EvaluationRow(mode: mode, rerank: rerank, metrics: metrics))
            }
        }
        return rows
    }
}
