/// The life of one infer request across inferences, timeouts and cancellation, without any I/O.
///
/// `InferRequest` keeps it behind a lock and performs the returned actions (start, cancel, resume) itself,
/// resuming continuations outside the lock. Every inference gets a new generation number, so a timer or
/// a cancellation that fires late can never touch a later inference.
///
///     idle ──begin──▶ starting ──install──▶ running ──callback──▶ completing ──finish──▶ idle
///                        │                     │
///                        │ interrupted         │ interrupt: cancel the C request; if OpenVINO does not call
///                        ▼ before start        ▼ back within the grace period: give up
///                      idle                 abandoned ──callback──▶ idle
///
/// Generic over the continuation type so the tests can drive it with plain values, without tasks.
struct InferenceStateMachine<Continuation> {
    typealias Interruption = InferenceInterruption
    typealias Outcome = InferenceOutcome

    /// What the caller of `begin` should do.
    enum BeginAction: Equatable {
        case proceed(generation: UInt64)
        case busy(stillStopping: Bool)
    }

    /// What the caller of `install` should do with the continuation it installed.
    enum InstallAction {
        case startInference
        case resume(Continuation, Outcome)
    }

    /// What the caller of `interrupt` should do.
    enum InterruptAction: Equatable {
        case none
        /// Call `ov_infer_request_cancel` (still under the lock) and arm the give-up timer.
        case cancelRequest
    }

    private enum Phase {
        case idle
        case starting(generation: UInt64, interruption: Interruption?)
        case running(generation: UInt64, continuation: Continuation, interruption: Interruption?)
        case completing(generation: UInt64)
        case abandoned(generation: UInt64)
    }

    private var phase: Phase = .idle
    private(set) var generation: UInt64 = 0

    var isIdle: Bool {
        if case .idle = phase { return true }
        return false
    }

    /// Reserves the request for a new inference.
    mutating func begin() -> BeginAction {
        switch phase {
        case .idle:
            generation &+= 1
            phase = .starting(generation: generation, interruption: nil)
            return .proceed(generation: generation)
        case .abandoned:
            return .busy(stillStopping: true)
        case .starting, .running, .completing:
            return .busy(stillStopping: false)
        }
    }

    /// Installs the caller's continuation; the caller then starts the C request unless told to resume.
    mutating func install(_ continuation: Continuation, generation: UInt64) -> InstallAction {
        guard case .starting(generation, let interruption) = phase else {
            preconditionFailure("install outside of starting (generation \(generation))")
        }
        if let interruption {
            phase = .idle
            return .resume(continuation, .notStarted(interruption))
        }
        phase = .running(generation: generation, continuation: continuation, interruption: nil)
        return .startInference
    }

    /// The C request could not be started: returns the continuation to resume with that error.
    mutating func startFailed(generation: UInt64) -> Continuation? {
        guard case .running(generation, let continuation, _) = phase else { return nil }
        phase = .idle
        return continuation
    }

    /// A timeout or a task cancellation for `generation`. Only the first interruption counts.
    mutating func interrupt(_ interruption: Interruption, generation: UInt64) -> InterruptAction {
        switch phase {
        case .starting(generation, nil):
            phase = .starting(generation: generation, interruption: interruption)
            return .none
        case .running(generation, let continuation, nil):
            phase = .running(generation: generation, continuation: continuation, interruption: interruption)
            return .cancelRequest
        default:
            return .none
        }
    }

    /// OpenVINO's completion callback fired. Returns the continuation to resume, if a caller still waits.
    mutating func callbackFired() -> (Continuation, Outcome)? {
        switch phase {
        case .running(let generation, let continuation, let interruption):
            phase = .completing(generation: generation)
            return (continuation, .completed(interruption: interruption))
        case .abandoned:
            phase = .idle
            return nil
        case .idle, .starting, .completing:
            return nil
        }
    }

    /// The grace period after a cancellation ran out. Returns the continuation to resume if OpenVINO has
    /// still not called back.
    mutating func giveUp(generation: UInt64) -> (Continuation, Outcome)? {
        guard case .running(generation, let continuation, let interruption?) = phase else { return nil }
        phase = .abandoned(generation: generation)
        return (continuation, .abandoned(interruption))
    }

    /// The caller read the status of a completed inference; the request is free again.
    mutating func finish(generation: UInt64) {
        if case .completing(generation) = phase {
            phase = .idle
        }
    }
}

/// Why an inference was interrupted.
enum InferenceInterruption: Sendable, Equatable {
    case timeout
    case cancellation
}

/// What a caller waiting for an inference learns when it is resumed.
enum InferenceOutcome: Sendable, Equatable {
    /// The request was never started: it was interrupted first.
    case notStarted(InferenceInterruption)
    /// OpenVINO called back; read the status with `ov_infer_request_wait`, then call `finish`.
    case completed(interruption: InferenceInterruption?)
    /// OpenVINO did not return within the grace period after cancellation (a hung kernel). The request
    /// stays unusable until OpenVINO calls back.
    case abandoned(InferenceInterruption)
}
