import OpenVINO
import Synchronization

/// A fixed set of infer requests handed out one caller at a time; callers wait (in order) when all are busy.
///
/// This is what bounds concurrent inferences, and with them the memory of in-flight batches. The rules are in
/// `RequestPoolStateMachine`; this class holds it under a lock and resumes continuations outside it.
final class RequestPool: Sendable {
    typealias Machine = RequestPoolStateMachine<InferRequest, CheckedContinuation<InferRequest, any Error>>

    private let state: Mutex<Machine>
    private let started = Atomic<Int>(0)
    let size: Int

    /// Requests handed out so far: one per inference run (a retry is another).
    var runs: Int { started.load(ordering: .relaxed) }

    init(_ requests: [InferRequest]) {
        size = requests.count
        state = Mutex(Machine(requests))
    }

    /// Runs `body` with a request of its own, returning the request to the pool afterwards.
    ///
    /// - Throws: `CancellationError` when the task is cancelled while (or before) it waits; `body`'s errors.
    func withRequest<R: Sendable>(_ body: (InferRequest) async throws -> R) async throws -> R {
        let request = try await acquire()
        defer { release(request) }
        started.add(1, ordering: .relaxed)
        return try await body(request)
    }

    private func acquire() async throws -> InferRequest {
        let id = state.withLock { $0.register() }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                switch state.withLock({ $0.acquire(id: id, waiter: continuation) }) {
                case .use(let request): continuation.resume(returning: request)
                case .cancelled: continuation.resume(throwing: CancellationError())
                case .suspended: break
                }
            }
        } onCancel: {
            state.withLock { $0.cancel(id: id) }?.resume(throwing: CancellationError())
        }
    }

    private func release(_ request: InferRequest) {
        guard let (waiter, request) = state.withLock({ $0.release(request) }) else { return }
        waiter.resume(returning: request)
    }
}
