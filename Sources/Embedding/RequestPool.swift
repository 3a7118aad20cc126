import OpenVINO
import Synchronization

/// A fixed set of infer requests handed out one caller at a time; callers wait (in order) when all are busy.
///
/// This is what bounds concurrent inferences, and with them the memory of in-flight batches.
final class RequestPool: Sendable {
    private struct State {
        var idle: [InferRequest]
        var waiters: [(id: UInt64, continuation: CheckedContinuation<InferRequest, any Error>)] = []
        var nextWaiter: UInt64 = 0
    }

    private let state: Mutex<State>
    let size: Int

    init(_ requests: [InferRequest]) {
        size = requests.count
        state = Mutex(State(idle: requests))
    }

    /// Runs `body` with a request of its own, returning the request to the pool afterwards.
    func withRequest<R: Sendable>(_ body: (InferRequest) async throws -> R) async throws -> R {
        let request = try await acquire()
        defer { release(request) }
        return try await body(request)
    }

    private func acquire() async throws -> InferRequest {
        if let request = state.withLock({ $0.idle.popLast() }) { return request }
        let id = state.withLock { state -> UInt64 in
            state.nextWaiter += 1
            return state.nextWaiter
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                let ready: InferRequest? = state.withLock { state in
                    if let request = state.idle.popLast() { return request }
                    state.waiters.append((id, continuation))
                    return nil
                }
                if let ready { continuation.resume(returning: ready) }
            }
        } onCancel: {
            let waiter = state.withLock { state -> CheckedContinuation<InferRequest, any Error>? in
                guard let index = state.waiters.firstIndex(where: { $0.id == id }) else { return nil }
                return state.waiters.remove(at: index).continuation
            }
            waiter?.resume(throwing: CancellationError())
        }
    }

    private func release(_ request: InferRequest) {
        let waiter = state.withLock { state -> CheckedContinuation<InferRequest, any Error>? in
            if state.waiters.isEmpty {
                state.idle.append(request)
                return nil
            }
            return state.waiters.removeFirst().continuation
        }
        waiter?.resume(returning: request)
    }
}
