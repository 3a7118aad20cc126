import Testing
import Tokenizer

@testable import Embedding

/// The request pool's rules, driven without tasks: requests and waiters are strings here.
@Suite struct RequestPoolStateMachineTests {
    typealias Machine = RequestPoolStateMachine<String, String>

    @Test func handsOutIdleRequestsThenQueuesCallersInOrder() {
        var machine = Machine(["a", "b"])
        let first = machine.register()
        let second = machine.register()
        let third = machine.register()
        let fourth = machine.register()
        guard case .use = machine.acquire(id: first, waiter: "w1"), case .use = machine.acquire(id: second, waiter: "w2"),
            case .suspended = machine.acquire(id: third, waiter: "w3"),
            case .suspended = machine.acquire(id: fourth, waiter: "w4")
        else {
            Issue.record("expected two requests handed out and two callers waiting")
            return
        }
        #expect(machine.waitingCount == 2)
        // Released requests go to the waiters in the order they came.
        #expect(machine.release("a").map { "\($0.0)<-\($0.1)" } == "w3<-a")
        #expect(machine.release("b").map { "\($0.0)<-\($0.1)" } == "w4<-b")
        #expect(machine.release("a") == nil)
        #expect(machine.idleCount == 1)
    }

    @Test func aWaitingCallerThatIsCancelledLeavesTheQueue() {
        var machine = Machine(["a"])
        let holder = machine.register()
        let waiting = machine.register()
        _ = machine.acquire(id: holder, waiter: "w1")
        guard case .suspended = machine.acquire(id: waiting, waiter: "w2") else {
            Issue.record("expected the second caller to wait")
            return
        }
        #expect(machine.cancel(id: waiting) == "w2")
        #expect(machine.release("a") == nil)  // nobody waits any more: the request stays idle
        #expect(machine.idleCount == 1)
    }

    @Test func aCallerCancelledBeforeItWaitsIsCancelledNotParked() {
        var machine = Machine(["a"])
        let holder = machine.register()
        _ = machine.acquire(id: holder, waiter: "w1")
        // The task was already cancelled: its handler runs before the caller reaches the pool.
        let late = machine.register()
        #expect(machine.cancel(id: late) == nil)
        guard case .cancelled = machine.acquire(id: late, waiter: "w2") else {
            Issue.record("a caller cancelled before it waits must not wait for the next release")
            return
        }
        #expect(machine.waitingCount == 0)
    }

    @Test func aCancellationAfterTheRequestWasHandedOutChangesNothing() {
        var machine = Machine(["a"])
        let caller = machine.register()
        guard case .use("a") = machine.acquire(id: caller, waiter: "w") else {
            Issue.record("expected the idle request")
            return
        }
        #expect(machine.cancel(id: caller) == nil)
        let next = machine.register()
        #expect(machine.release("a") == nil)
        guard case .use("a") = machine.acquire(id: next, waiter: "w2") else {
            Issue.record("the next caller gets the request as usual")
            return
        }
    }
}

@Suite struct TokenBatcherResultTests {
    @Test func aModelThatReturnsTooFewRowsIsAnErrorNotACrash() async {
        let batcher = TokenBatcher(budget: 64, maximumRows: 4, lengthMultiple: 1)
        var encoding = Encoding()
        encoding.ids = [101, 102]
        let encodings = Array(repeating: encoding, count: 6)
        let error = await #expect(throws: BatchResultError.self) {
            _ = try await batcher.map(encodings) { batch in Array(repeating: 1, count: batch.count - 1) }
        }
        #expect(error?.received ?? 0 < error?.expected ?? 0)
    }
}
