public import Host
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

/// Stops a run whose inference keeps failing (a broken model, a machine far too slow for the timeout) instead of
/// turning the whole corpus into failures: three failed batches, if they are half or more of those finished,
/// or five in a row.
struct FailureBreaker {
    let timeoutSeconds: Double
    private(set) var failed = 0
    private(set) var finished = 0
    private(set) var consecutive = 0

    init(timeoutSeconds: Double) {
        self.timeoutSeconds = timeoutSeconds
    }

    mutating func record(_ verdict: BatchVerdict) throws(InferenceStopped) {
        finished += 1
        if verdict.failed {
            failed += 1
            consecutive += 1
        } else {
            consecutive = 0
        }
        if (failed >= 3 && failed * 2 >= finished) || consecutive >= 5 {
            throw InferenceStopped(
                failed: failed, finished: finished, last: verdict.message ?? "unknown", timeoutSeconds: timeoutSeconds)
        }
    }
}

/// The run stopped early because most inference batches failed.
public struct InferenceStopped: Error, Sendable, Equatable, CustomStringConvertible {
    public var failed: Int
    public var finished: Int
    public var last: String
    public var timeoutSeconds: Double

    public var description: String {
        "stopped early: \(failed) of \(finished) inference batches failed (last: \(last)); the model is broken, or "
            + "timeouts.inference_seconds (\(timeoutSeconds) s) is too short for this machine. Nothing was rejected: "
            + "the next run tries these documents again"
    }
}

extension InferenceStopped: ExitStatusError {
    public var exitStatus: ExitStatus { .failure }
}
