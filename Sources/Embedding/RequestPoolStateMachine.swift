/// The rules of `RequestPool`, without tasks or locks: idle requests handed out one caller at a time, callers
/// that wait in order when all are busy, and cancellation that is never lost, whether it comes while a caller
/// waits or before it has started to wait (the cancellation handler can run first).
///
/// Every mutating method returns what the caller must do after leaving the lock. Generic over the request
/// and continuation types so the tests can drive it with plain values.
struct RequestPoolStateMachine<Request, Waiter> {
    enum AcquireAction {
        /// Use this request now.
        case use(Request)
        /// All requests are busy: the caller waits until one is released.
        case suspended
        /// The caller's task was cancelled before it got here: resume it with `CancellationError`.
        case cancelled
    }

    private var idle: [Request]
    private var waiters: [(id: UInt64, waiter: Waiter)] = []
    /// Callers that have registered and not yet got a request or given up.
    private var pending: Set<UInt64> = []
    /// Pending callers cancelled before they started to wait.
    private var cancelled: Set<UInt64> = []
    private var nextID: UInt64 = 0

    init(_ requests: [Request]) {
        idle = requests
    }

    var idleCount: Int { idle.count }
    var waitingCount: Int { waiters.count }

    /// A caller's number, taken before it installs its cancellation handler.
    mutating func register() -> UInt64 {
        nextID += 1
        pending.insert(nextID)
        return nextID
    }

    mutating func acquire(id: UInt64, waiter: Waiter) -> AcquireAction {
        if cancelled.remove(id) != nil {
            pending.remove(id)
            return .cancelled
        }
        if let request = idle.popLast() {
            pending.remove(id)
            return .use(request)
        }
        waiters.append((id, waiter))
        return .suspended
    }

    /// The task of caller `id` was cancelled: returns its waiter to resume with `CancellationError` if it waits;
    /// marks it if it has not started to wait; does nothing if it already has its request.
    mutating func cancel(id: UInt64) -> Waiter? {
        if let index = waiters.firstIndex(where: { $0.id == id }) {
            pending.remove(id)
            return waiters.remove(at: index).waiter
        }
        if pending.contains(id) { cancelled.insert(id) }
        return nil
    }

    /// A request comes back: returns the first waiter to resume with it, or keeps it idle.
    mutating func release(_ request: Request) -> (Waiter, Request)? {
        guard !waiters.isEmpty else {
            idle.append(request)
            return nil
        }
        let next = waiters.removeFirst()
        pending.remove(next.id)
        return (next.waiter, request)
    }
}
