/// The rules of `BoundedChannel`, without tasks or locks: a buffer of at most `capacity` elements, senders that
/// wait (FIFO) when it is full, one receiver that waits when it is empty.
///
/// Every mutating method returns what the caller must do (resume which continuation with what) after leaving
/// the lock. Generic over the continuation types so the tests can drive it with plain values.
struct BoundedChannelStateMachine<Element, Sender, Receiver> {
    enum SendAction {
        /// The element was buffered (or handed to the waiting receiver): resume the sender now.
        case accepted(resumeReceiver: (Receiver, Element)?)
        /// The buffer is full: the sender waits until a slot frees up.
        case suspended
        /// The channel is closed (or the send was cancelled): resume the sender with this error.
        case rejected(any Error)
    }

    enum ReceiveAction {
        /// An element, and the suspended sender whose element took its slot (resume it).
        case element(Element, resumeSender: Sender?)
        /// Finished and drained: nil, or the error the producer failed with.
        case finished((any Error)?)
        case suspended
    }

    private struct Waiting {
        var id: UInt64
        var element: Element
        var continuation: Sender
    }

    let capacity: Int
    private var buffer: [Element] = []
    private var head = 0
    private var senders: [Waiting] = []
    private var receiver: Receiver?
    private var cancelledSenders: Set<UInt64> = []
    private var finished = false
    private var failure: (any Error)?
    private var closed = false

    init(capacity: Int) {
        precondition(capacity > 0)
        self.capacity = capacity
    }

    /// Elements buffered now (not counting those held by waiting senders).
    var bufferedCount: Int { buffer.count - head }
    var waitingSenders: Int { senders.count }

    mutating func send(_ element: Element, id: UInt64, continuation: Sender) -> SendAction {
        if cancelledSenders.remove(id) != nil { return .rejected(CancellationError()) }
        if closed || finished { return .rejected(ChannelClosedError()) }
        if let waiting = receiver {
            receiver = nil
            return .accepted(resumeReceiver: (waiting, element))
        }
        if bufferedCount < capacity {
            buffer.append(element)
            return .accepted(resumeReceiver: nil)
        }
        senders.append(Waiting(id: id, element: element, continuation: continuation))
        return .suspended
    }

    /// A waiting sender's task was cancelled: returns its continuation to resume with `CancellationError`.
    /// If the sender has not arrived yet, its send will be rejected when it does.
    mutating func cancelSend(id: UInt64) -> Sender? {
        if let index = senders.firstIndex(where: { $0.id == id }) {
            return senders.remove(at: index).continuation
        }
        cancelledSenders.insert(id)
        return nil
    }

    /// A send completed without suspending, or was resumed: forget a late cancellation mark.
    mutating func sendFinished(id: UInt64) {
        cancelledSenders.remove(id)
    }

    mutating func receive(continuation: Receiver?) -> ReceiveAction {
        if bufferedCount > 0 {
            let element = buffer[head]
            head += 1
            var resumed: Sender?
            if !senders.isEmpty {
                let next = senders.removeFirst()
                buffer.append(next.element)
                resumed = next.continuation
            }
            if head > 64 && head * 2 > buffer.count {
                buffer.removeFirst(head)
                head = 0
            }
            return .element(element, resumeSender: resumed)
        }
        if finished || closed { return .finished(failure) }
        precondition(receiver == nil, "BoundedChannel has one receiver")
        receiver = continuation
        return .suspended
    }

    /// An element if one is buffered, without ever suspending (`.suspended` means "empty, try later").
    mutating func tryReceive() -> ReceiveAction {
        if bufferedCount > 0 || finished || closed { return receive(continuation: nil) }
        return .suspended
    }

    /// The waiting receiver's task was cancelled: returns it to resume.
    mutating func cancelReceive() -> Receiver? {
        defer { receiver = nil }
        return receiver
    }

    /// No more elements will be sent: returns the waiting receiver to resume (with nil, or `error`).
    mutating func finish(throwing error: (any Error)? = nil) -> Receiver? {
        guard !finished && !closed else { return nil }
        finished = true
        failure = error
        defer { receiver = nil }
        return receiver
    }

    /// The receiver stops: every waiting sender (and every later send) fails with `ChannelClosedError`.
    mutating func close() -> (senders: [Sender], receiver: Receiver?) {
        closed = true
        buffer.removeAll()
        head = 0
        let waiting = senders.map(\.continuation)
        senders.removeAll()
        defer { receiver = nil }
        return (waiting, receiver)
    }
}

/// Sending to a channel whose receiver has stopped.
public struct ChannelClosedError: Error, Sendable, Equatable, CustomStringConvertible {
    public init() {}
    public var description: String { "the channel was closed by its receiver" }
}
