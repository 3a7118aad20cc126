import Host
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
        /// The receive's task was cancelled before it got here: resume the receiver with `CancellationError`.
        case cancelled
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
    /// The id of the receive the waiting receiver belongs to.
    private var receiverID: UInt64 = 0
    /// Every receive up to this id has returned: a late cancellation of one of them is ignored.
    private var lastFinishedReceive: UInt64 = 0
    /// A receive cancelled before it registered (its cancellation handler ran first).
    private var cancelledReceive: UInt64?
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
    /// Finished, with nothing left to receive: every element has been taken.
    var isDrained: Bool { finished && bufferedCount == 0 && senders.isEmpty }

    mutating func send(_ element: Element, id: UInt64, continuation: Sender) -> SendAction {
        if cancelledSenders.remove(id) != nil { return .rejected(CancellationError()) }
        if closed || finished { return .rejected(ChannelClosedError()) }
        if let waiting = takeReceiver() {
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

    /// - Parameter id: the receive's number, increasing from 1 (0 for `tryReceive`, which never waits), so
    ///   that a cancellation that arrives before the receive is not lost and one that arrives after is ignored.
    mutating func receive(continuation: Receiver?, id: UInt64 = 0) -> ReceiveAction {
        if id != 0, cancelledReceive == id {
            cancelledReceive = nil
            lastFinishedReceive = id
            return .cancelled
        }
        let action = nextReceive(continuation: continuation)
        if case .suspended = action, continuation != nil {
            receiverID = id
        } else if id != 0 {
            lastFinishedReceive = id
        }
        return action
    }

    private mutating func nextReceive(continuation: Receiver?) -> ReceiveAction {
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

    /// The task of receive `id` was cancelled: returns the waiting receiver to resume. If that receive has not
    /// arrived yet, it will return `.cancelled` when it does; if it already returned, nothing happens.
    mutating func cancelReceive(id: UInt64 = 0) -> Receiver? {
        if let waiting = receiver, id == 0 || receiverID == id {
            receiver = nil
            lastFinishedReceive = max(lastFinishedReceive, receiverID)
            return waiting
        }
        if id > lastFinishedReceive { cancelledReceive = id }
        return nil
    }

    /// The waiting receiver, taken to be resumed (by a send, `finish` or `close`): its receive is over.
    private mutating func takeReceiver() -> Receiver? {
        defer {
            if receiver != nil { lastFinishedReceive = max(lastFinishedReceive, receiverID) }
            receiver = nil
        }
        return receiver
    }

    /// No more elements will be sent: returns the waiting receiver to resume (with nil, or `error`).
    mutating func finish(throwing error: (any Error)? = nil) -> Receiver? {
        guard !finished && !closed else { return nil }
        finished = true
        failure = error
        return takeReceiver()
    }

    /// The receiver stops: every waiting sender (and every later send) fails with `ChannelClosedError`.
    mutating func close() -> (senders: [Sender], receiver: Receiver?) {
        closed = true
        buffer.removeAll()
        head = 0
        let waiting = senders.map(\.continuation)
        senders.removeAll()
        return (waiting, takeReceiver())
    }
}
