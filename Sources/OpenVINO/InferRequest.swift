internal import COpenVINO
import Dispatch
import Synchronization

/// One inference context (`ov_infer_request_t`): input tensors in, `infer` runs the model, output tensors out.
///
/// `infer` is `async`: it starts OpenVINO's asynchronous inference and suspends until OpenVINO's completion
/// callback fires, so no thread blocks while the model runs. Every inference has a timeout, and cancelling the
/// calling task cancels the C request (OpenVINO stops between graph nodes, within milliseconds). If OpenVINO
/// does not stop within `cancellationGrace` (one kernel that never returns), `infer` throws anyway and the
/// request refuses new work until OpenVINO lets go of it.
///
/// Freed on `deinit` (which waits for a running inference to end).
///
/// Related OpenVINO documentation:
/// https://docs.openvino.ai/2026/api/c_cpp_api/group__ov__infer__request__c__api.html
public final class InferRequest: @unchecked Sendable {
    // @unchecked: every call into `handle` happens under `coordinator`'s lock while the state machine says the
    // request is idle (tensor access), or is one OpenVINO allows during a run (start, cancel, wait), so the
    // request is never used from two threads in a way OpenVINO forbids.
    private let handle: OpaquePointer
    /// The compiled model this request belongs to (kept alive by the request).
    public let model: CompiledModel
    private let coordinator: Coordinator
    private let callback: UnsafeMutablePointer<ov_callback_t>

    /// How long `infer` waits for OpenVINO to stop after a timeout or cancellation before giving up.
    public static let cancellationGrace: Duration = .seconds(2)

    init(handle: OpaquePointer, model: CompiledModel) throws(OpenVINOError) {
        self.handle = handle
        self.model = model
        let coordinator = Coordinator()
        self.coordinator = coordinator
        // OpenVINO keeps the pointer to this struct, not a copy: it lives as long as the request.
        callback = .allocate(capacity: 1)
        callback.initialize(
            to: ov_callback_t(
                callback_func: { context in
                    guard let context else { return }
                    Unmanaged<Coordinator>.fromOpaque(context).takeUnretainedValue().callbackFired()
                },
                args: Unmanaged.passUnretained(coordinator).toOpaque()
            )
        )
        let status = ov_infer_request_set_callback(handle, callback)
        if status != OK {
            let error = OpenVINOError.fromStatus(status, "ov_infer_request_set_callback")
            ov_infer_request_free(handle)
            callback.deinitialize(count: 1)
            callback.deallocate()
            throw error
        }
    }

    deinit {
        ov_infer_request_free(handle)
        callback.deinitialize(count: 1)
        callback.deallocate()
    }

    /// Sets the tensor for the input called `name`. The request shares the tensor's memory.
    ///
    /// Throws when the name is unknown, or when the shape or element type does not fit the model (OpenVINO
    /// checks those here), and `.requestBusy` during an inference.
    public func setInput(_ name: String, _ tensor: Tensor) throws(OpenVINOError) {
        try whileIdle("ov_infer_request_set_tensor") { () throws(OpenVINOError) in
            try check(
                ov_infer_request_set_tensor(handle, name, tensor.handle), "ov_infer_request_set_tensor",
                context: "input \(name) \(tensor.elementType)\(tensor.shape) for \(model.source)")
        }
    }

    /// The output tensor called `name` from the last inference. It views the request's own buffer: copy what
    /// you need before the next inference.
    public func output(_ name: String) throws(OpenVINOError) -> Tensor {
        let raw: OpaquePointer = try whileIdle("ov_infer_request_get_tensor") { () throws(OpenVINOError) in
            var tensor: OpaquePointer?
            try check(
                ov_infer_request_get_tensor(handle, name, &tensor), "ov_infer_request_get_tensor",
                context: "output \(name) of \(model.source)")
            guard let tensor else {
                throw OpenVINOError(
                    kind: .status(-1), operation: "ov_infer_request_get_tensor",
                    message: "returned no tensor", context: name)
            }
            return tensor
        }
        return try Tensor(taking: raw)
    }

    /// Runs the model on the inputs set so far.
    ///
    /// - Parameter timeout: the longest the inference may take; past it the C request is cancelled and
    ///   `OpenVINOError` with kind `.timedOut` is thrown. The request is reusable afterwards.
    /// - Throws: `CancellationError` when the calling task is cancelled; `OpenVINOError` with OpenVINO's
    ///   message when the inference fails; `.requestBusy` when another inference is still running.
    public func infer(timeout: Duration = .seconds(30)) async throws {
        let generation: UInt64
        switch coordinator.state.withLock({ $0.begin() }) {
        case .proceed(let value):
            generation = value
        case .busy(let stillStopping):
            throw OpenVINOError(
                kind: .requestBusy, operation: "infer",
                message: stillStopping
                    ? "an earlier inference was cancelled but OpenVINO has not stopped it yet"
                    : "another inference is running on this request",
                context: model.source)
        }

        let deadline = DispatchWorkItem { [weak self] in self?.interrupt(.timeout, generation: generation) }
        DispatchQueue.global().asyncAfter(deadline: .now() + timeout.dispatchInterval, execute: deadline)
        defer { deadline.cancel() }

        let result = await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: Coordinator.Continuation) in
                start(generation: generation, continuation: continuation)
            }
        } onCancel: {
            interrupt(.cancellation, generation: generation)
        }

        switch result {
        case .failure(let error):
            throw error
        case .success(.notStarted(let interruption)):
            throw interruptionError(interruption, timeout: timeout)
        case .success(.abandoned(let interruption)):
            guard interruption == .timeout else { throw CancellationError() }
            throw OpenVINOError(
                kind: .timedOut, operation: "infer",
                message: "inference did not finish within \(timeout); OpenVINO did not stop within "
                    + "\(Self.cancellationGrace) of the cancellation and the request stays busy until it does",
                context: model.source)
        case .success(.completed(let interruption)):
            let status = ov_infer_request_wait(handle)
            let error = status == OK ? nil : OpenVINOError.fromStatus(status, "infer", context: model.source)
            coordinator.state.withLock { $0.finish(generation: generation) }
            guard let error else { return }
            if status == INFER_CANCELLED, let interruption {
                throw interruptionError(interruption, timeout: timeout)
            }
            throw error
        }
    }

    private func start(generation: UInt64, continuation: Coordinator.Continuation) {
        switch coordinator.state.withLock({ $0.install(continuation, generation: generation) }) {
        case .resume(let continuation, let outcome):
            continuation.resume(returning: .success(outcome))
        case .startInference:
            let status = ov_infer_request_start_async(handle)
            guard status != OK else { return }
            let error = OpenVINOError.fromStatus(status, "ov_infer_request_start_async", context: model.source)
            if let continuation = coordinator.state.withLock({ $0.startFailed(generation: generation) }) {
                continuation.resume(returning: .failure(error))
            }
        }
    }

    private func interrupt(_ interruption: InferenceInterruption, generation: UInt64) {
        let cancelled = coordinator.state.withLock { state in
            guard state.interrupt(interruption, generation: generation) == .cancelRequest else { return false }
            // Under the lock, so a late cancel can never reach the next inference. OpenVINO runs the completion
            // callback without holding its own lock, so this cannot deadlock with `callbackFired`.
            _ = ov_infer_request_cancel(handle)
            return true
        }
        guard cancelled else { return }
        let coordinator = self.coordinator
        DispatchQueue.global().asyncAfter(deadline: .now() + Self.cancellationGrace.dispatchInterval) {
            if let (continuation, outcome) = coordinator.state.withLock({ $0.giveUp(generation: generation) }) {
                continuation.resume(returning: .success(outcome))
            }
        }
    }

    /// A timeout is an `OpenVINOError`; a task cancellation is Swift's `CancellationError`.
    private func interruptionError(_ interruption: InferenceInterruption, timeout: Duration) -> any Error {
        switch interruption {
        case .timeout:
            OpenVINOError(
                kind: .timedOut, operation: "infer",
                message: "inference did not finish within \(timeout) and was cancelled",
                context: model.source)
        case .cancellation:
            CancellationError()
        }
    }

    private func whileIdle<R>(_ operation: String, _ body: () throws(OpenVINOError) -> R) throws(OpenVINOError) -> R {
        try coordinator.state.withLock { (state) throws(OpenVINOError) -> R in
            guard state.isIdle else {
                throw OpenVINOError(
                    kind: .requestBusy, operation: operation,
                    message: "the request is running an inference", context: model.source)
            }
            return try body()
        }
    }
}

extension InferRequest {
    /// Shared between the request and OpenVINO's completion callback (which gets an unretained pointer to it).
    final class Coordinator: Sendable {
        typealias Continuation = CheckedContinuation<Result<InferenceOutcome, OpenVINOError>, Never>

        let state = Mutex(InferenceStateMachine<Continuation>())

        func callbackFired() {
            if let (continuation, outcome) = state.withLock({ $0.callbackFired() }) {
                continuation.resume(returning: .success(outcome))
            }
        }
    }
}

extension Duration {
    var dispatchInterval: DispatchTimeInterval {
        let (seconds, attoseconds) = components
        let nanoseconds = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        if nanoseconds.overflow { return .never }
        return .nanoseconds(Int(clamping: nanoseconds.partialValue + attoseconds / 1_000_000_000))
    }
}
