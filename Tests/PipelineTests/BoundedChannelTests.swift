import Synchronization
import Testing

@testable import Pipeline

/// The channel's rules, driven without tasks: continuations are strings here.
@Suite struct BoundedChannelStateMachineTests {
    typealias Machine = BoundedChannelStateMachine<Int, String, String>

    @Test func buffersUpToCapacityThenSuspendsSenders() {
        var machine = Machine(capacity: 2)
        guard case .accepted(nil) = machine.send(1, id: 1, continuation: "s1"),
            case .accepted(nil) = machine.send(2, id: 2, continuation: "s2"),
            case .suspended = machine.send(3, id: 3, continuation: "s3")
        else {
            Issue.record("expected two accepted sends, then a suspended one")
            return
        }
        #expect(machine.bufferedCount == 2)
        #expect(machine.waitingSenders == 1)
        // Receiving frees a slot: the waiting sender's element moves in and the sender is resumed.
        guard case .element(1, let resumed) = machine.receive(continuation: "r") else {
            Issue.record("expected element 1")
            return
        }
        #expect(resumed == "s3")
        #expect(machine.bufferedCount == 2)
        guard case .element(2, nil) = machine.receive(continuation: "r"),
            case .element(3, nil) = machine.receive(continuation: "r")
        else {
            Issue.record("expected 2 then 3, in order")
            return
        }
    }

    @Test func aReceiveCancelledBeforeItArrivesIsCancelledNotParked() {
        var machine = Machine(capacity: 1)
        // The task was cancelled before receive 1 registered: its cancellation handler ran first.
        #expect(machine.cancelReceive(id: 1) == nil)
        guard case .cancelled = machine.receive(continuation: "r1", id: 1) else {
            Issue.record("a receive begun in a cancelled task must not wait for the next send")
            return
        }
        // The next receive is not affected, and a cancellation of a receive that already returned is ignored.
        guard case .accepted(nil) = machine.send(7, id: 1, continuation: "s"),
            case .element(7, nil) = machine.receive(continuation: "r2", id: 2)
        else {
            Issue.record("expected the next receive to get 7")
            return
        }
        #expect(machine.cancelReceive(id: 2) == nil)
        guard case .suspended = machine.receive(continuation: "r3", id: 3) else {
            Issue.record("a late cancellation of receive 2 must not cancel receive 3")
            return
        }
        #expect(machine.cancelReceive(id: 3) == "r3")
    }

    @Test func aReceiveCancelledAfterASendResumedItIsNotCancelledAgain() {
        var machine = Machine(capacity: 1)
        guard case .suspended = machine.receive(continuation: "r1", id: 1),
            case .accepted(let resumed?) = machine.send(1, id: 1, continuation: "s")
        else {
            Issue.record("expected the receiver to wait, then the send to hand it the element")
            return
        }
        #expect(resumed.0 == "r1")
        #expect(machine.cancelReceive(id: 1) == nil)
        guard case .suspended = machine.receive(continuation: "r2", id: 2) else {
            Issue.record("receive 2 must wait")
            return
        }
    }

    @Test func aWaitingReceiverGetsTheNextElementDirectly() {
        var machine = Machine(capacity: 1)
        guard case .suspended = machine.receive(continuation: "r") else {
            Issue.record("expected the receiver to wait")
            return
        }
        guard case .accepted(let handoff) = machine.send(7, id: 1, continuation: "s") else {
            Issue.record("expected the send to be accepted")
            return
        }
        #expect(handoff?.0 == "r")
        #expect(handoff?.1 == 7)
        #expect(machine.bufferedCount == 0)
    }

    @Test func finishDrainsThenEnds() {
        var machine = Machine(capacity: 4)
        _ = machine.send(1, id: 1, continuation: "s")
        #expect(machine.finish() == nil)
        guard case .element(1, _) = machine.receive(continuation: "r"),
            case .finished(nil) = machine.receive(continuation: "r")
        else {
            Issue.record("expected 1, then the end")
            return
        }
        guard case .rejected(let error) = machine.send(2, id: 2, continuation: "s") else {
            Issue.record("a send after finish must fail")
            return
        }
        #expect(error is ChannelClosedError)
    }

    @Test func cancellingAWaitingSenderRemovesItsElement() {
        var machine = Machine(capacity: 1)
        _ = machine.send(1, id: 1, continuation: "s1")
        _ = machine.send(2, id: 2, continuation: "s2")
        #expect(machine.cancelSend(id: 2) == "s2")
        guard case .element(1, nil) = machine.receive(continuation: "r"), case .suspended = machine.tryReceive() else {
            Issue.record("the cancelled element must never arrive")
            return
        }
        // A cancellation that arrives before its send makes that send fail.
        #expect(machine.cancelSend(id: 3) == nil)
        guard case .rejected(let error) = machine.send(3, id: 3, continuation: "s3") else {
            Issue.record("expected the early-cancelled send to fail")
            return
        }
        #expect(error is CancellationError)
    }

    @Test func closeFailsEveryWaitingSender() {
        var machine = Machine(capacity: 1)
        _ = machine.send(1, id: 1, continuation: "s1")
        _ = machine.send(2, id: 2, continuation: "s2")
        _ = machine.send(3, id: 3, continuation: "s3")
        let (senders, receiver) = machine.close()
        #expect(senders == ["s2", "s3"])
        #expect(receiver == nil)
        guard case .finished = machine.receive(continuation: "r") else {
            Issue.record("a closed channel is finished")
            return
        }
    }
}

/// The channel with real tasks. The producer's suspension is observed through the channel's seam, never by
/// sleeping.
@Suite struct BoundedChannelTests {
    @Test func aFullChannelSuspendsTheProducerUntilTheConsumerTakes() async throws {
        let suspensions = AsyncStream<Void>.makeStream()
        let channel = BoundedChannel<Int>(capacity: 3) { suspensions.continuation.yield() }
        let sent = Atomic<Int>(0)
        let producer = Task {
            for value in 0..<10 {
                try await channel.send(value)
                sent.add(1, ordering: .relaxed)
            }
            channel.finish()
        }
        var waits = suspensions.stream.makeAsyncIterator()
        await waits.next()
        // Suspended on the fourth send: three are buffered and nothing was dropped or grew.
        #expect(channel.count == 3)
        #expect(sent.load(ordering: .relaxed) == 3)
        var received: [Int] = []
        for try await value in channel { received.append(value) }
        #expect(received == Array(0..<10))
        try await producer.value
    }

    @Test func cancellingASuspendedProducerThrowsCancellation() async throws {
        let suspensions = AsyncStream<Void>.makeStream()
        let channel = BoundedChannel<Int>(capacity: 1) { suspensions.continuation.yield() }
        try await channel.send(1)
        let producer = Task { try await channel.send(2) }
        var waits = suspensions.stream.makeAsyncIterator()
        await waits.next()
        producer.cancel()
        await #expect(throws: CancellationError.self) { try await producer.value }
        #expect(try await channel.receive() == 1)
        #expect(channel.tryReceive() == nil)
    }

    @Test func closingReleasesSuspendedProducersWithAnError() async throws {
        let suspensions = AsyncStream<Void>.makeStream()
        let channel = BoundedChannel<Int>(capacity: 1) { suspensions.continuation.yield() }
        try await channel.send(1)
        let producer = Task { try await channel.send(2) }
        var waits = suspensions.stream.makeAsyncIterator()
        await waits.next()
        channel.close()
        await #expect(throws: ChannelClosedError.self) { try await producer.value }
    }

    @Test func aChannelIsDrainedOnlyOnceFinishedAndEmpty() async throws {
        let channel = BoundedChannel<Int>(capacity: 2)
        #expect(!channel.isDrained)
        try await channel.send(1)
        channel.finish()
        // Finished, but an element is still buffered.
        #expect(!channel.isDrained)
        #expect(channel.tryReceive() == 1)
        #expect(channel.isDrained)
        #expect(try await channel.receive() == nil)
    }

    @Test func manyProducersDeliverEveryElementOnce() async throws {
        let channel = BoundedChannel<Int>(capacity: 4)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for producer in 0..<8 {
                group.addTask {
                    for index in 0..<100 { try await channel.send(producer * 1000 + index) }
                }
            }
            group.addTask {
                var seen = Set<Int>()
                while seen.count < 800, let value = try await channel.receive() { seen.insert(value) }
                #expect(seen.count == 800)
            }
            try await group.waitForAll()
        }
    }
}
