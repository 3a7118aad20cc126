/// The bounds and defaults of the inference settings every command shares (`--requests`, `--threads`,
/// `--timeout`, `--batch-tokens`; a definition's `concurrency` and `batching`): written once, read by the
/// option tables, the definition and the engine's own defaults.
public enum InferenceLimits {
    /// Infer requests: batches in flight at once.
    public static let requests: ClosedRange<Int> = 1...64
    public static let defaultRequests = 2
    public static let threads: ClosedRange<Int> = 1...1024
    /// The longest one inference may take, in seconds.
    public static let timeoutSeconds: ClosedRange<Double> = 0.001...86_400
    public static let defaultTimeout: Duration = .seconds(30)
    /// Token budget of one batch, padding included.
    public static let batchTokens: ClosedRange<Int> = 16...1_000_000
    public static let defaultBatchTokens = 8_192
    /// Rows (texts) in one batch.
    public static let batchRows: ClosedRange<Int> = 1...4096
    public static let defaultBatchRows = 256
}
