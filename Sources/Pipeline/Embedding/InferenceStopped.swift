public import Host

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
