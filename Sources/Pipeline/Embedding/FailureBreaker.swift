import Host

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
