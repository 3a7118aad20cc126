import Synchronization

/// A bounded multi-producer, single-consumer channel whose `send` suspends while the buffer is full.
///
/// This is what bounds the pipeline's memory: a fast stage waits for a slow one instead of buffering without
/// limit, and nothing is ever dropped. `send` throws `CancellationError` when its task is cancelled and
/// `ChannelClosedError` once the receiver has called `close()`. The receiver gets elements in order, then nil
/// after `finish()` (or the error given to `finish(throwing:)`).
public final class BoundedChannel<Element: Sendable>: Sendable, AsyncSequence {
    typealias Machine = BoundedChannelStateMachine<
        Element, CheckedContinuation<Void, any Error>, CheckedContinuation<Element?, any Error>
    >

    private let state: Mutex<Machine>
    private let nextSender = Atomic<UInt64>(0)
    private let nextReceive = Atomic<UInt64>(0)
    /// Test seam: called each time a sender suspends because the buffer is full.
    private let onSenderSuspended: (@Sendable () -> Void)?

    /// - Precondition: `capacity > 0` (a definition's queue sizes are checked to be at least 1).
    public init(capacity: Int, onSenderSuspended: (@Sendable () -> Void)? = nil) {
        state = Mutex(Machine(capacity: capacity))
        self.onSenderSuspended = onSenderSuspended
    }

    public var capacity: Int { state.withLock { $0.capacity } }
    /// Elements waiting in the buffer.
    public var count: Int { state.withLock { $0.bufferedCount } }
    /// Senders suspended because the buffer is full.
    public var waitingSenders: Int { state.withLock { $0.waitingSenders } }
    /// Whether the channel is finished and every element has been received (the next `receive` returns nil or
    /// the finishing error).
    public var isDrained: Bool { state.withLock { $0.isDrained } }

    /// Adds `element`, suspending while the buffer is full.
    public func send(_ element: Element) async throws {
        try Task.checkCancellation()
        let id = nextSender.add(1, ordering: .relaxed).newValue
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let action = state.withLock { $0.send(element, id: id, continuation: continuation) }
                switch action {
                case .accepted(let receiver):
                    state.withLock { $0.sendFinished(id: id) }
                    receiver?.0.resume(returning: receiver?.1)
                    continuation.resume()
                case .suspended:
                    onSenderSuspended?()
                case .rejected(let error):
                    continuation.resume(throwing: error)
                }
            }
        } onCancel: {
            state.withLock { $0.cancelSend(id: id) }?.resume(throwing: CancellationError())
        }
    }

    /// The next element, or nil when the channel is finished and drained.
    ///
    /// - Throws: `CancellationError` when its task is cancelled (before or while it waits), or the error the
    ///   channel was finished with.
    public func receive() async throws -> Element? {
        let id = nextReceive.add(1, ordering: .relaxed).newValue
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Element?, any Error>) in
                switch state.withLock({ $0.receive(continuation: continuation, id: id) }) {
                case .element(let element, let sender):
                    sender?.resume()
                    continuation.resume(returning: element)
                case .finished(let error):
                    if let error { continuation.resume(throwing: error) } else { continuation.resume(returning: nil) }
                case .cancelled:
                    continuation.resume(throwing: CancellationError())
                case .suspended:
                    break
                }
            }
        } onCancel: {
            state.withLock { $0.cancelReceive(id: id) }?.resume(throwing: CancellationError())
        }
    }

    /// The next element if one is buffered now; nil when the buffer is empty (or the channel finished).
    public func tryReceive() -> Element? {
        guard case .element(let element, let sender) = state.withLock({ $0.tryReceive() }) else { return nil }
        sender?.resume()
        return element
    }

    /// No more sends: the receiver drains the buffer, then gets nil (or `error`).
    public func finish(throwing error: (any Error)? = nil) {
        guard let receiver = state.withLock({ $0.finish(throwing: error) }) else { return }
        if let error { receiver.resume(throwing: error) } else { receiver.resume(returning: nil) }
    }

    /// The receiver gives up: waiting and later senders fail with `ChannelClosedError`.
    public func close() {
        let (senders, receiver) = state.withLock { $0.close() }
        for sender in senders { sender.resume(throwing: ChannelClosedError()) }
        receiver?.resume(returning: nil)
    }

    public struct AsyncIterator: AsyncIteratorProtocol {
        let channel: BoundedChannel

        public mutating func next() async throws -> Element? {
            try await channel.receive()
        }
    }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(channel: self)
    }
}
