import Host

/// How one batch ended, for the breaker: whether every chunk failed, and the last error.
struct BatchVerdict: Sendable {
    var failed: Bool
    var message: String?

    init(_ results: [Result<ChunkEmbedding, EmbeddingFailure>]) {
        var message: String?
        var failures = 0
        for result in results {
            if case .failure(let error) = result {
                failures += 1
                message = error.message
            }
        }
        failed = !results.isEmpty && failures == results.count
        self.message = message
    }
}
