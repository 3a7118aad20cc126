import Testing

@testable import OpenVINO

/// The request life cycle without OpenVINO or tasks: continuations are plain strings here.
@Suite struct InferenceStateMachineTests {
    typealias Machine = InferenceStateMachine<String>

    @Test func runsOneInferenceAtATime() {
        var machine = Machine()
        #expect(machine.begin() == .proceed(generation: 1))
        #expect(machine.begin() == .busy(stillStopping: false))
        guard case .startInference = machine.install("caller", generation: 1) else {
            Issue.record("expected to start")
            return
        }
        #expect(machine.begin() == .busy(stillStopping: false))
        let resumed = machine.callbackFired()
        #expect(resumed?.0 == "caller")
        #expect(resumed?.1 == .completed(interruption: nil))
        #expect(!machine.isIdle)  // the caller still reads the status
        machine.finish(generation: 1)
        #expect(machine.isIdle)
        #expect(machine.begin() == .proceed(generation: 2))
    }

    @Test func timeoutCancelsTheRunningRequestOnce() {
        var machine = Machine()
        _ = machine.begin()
        _ = machine.install("caller", generation: 1)
        #expect(machine.interrupt(.timeout, generation: 1) == .cancelRequest)
        // A task cancellation arriving afterwards does not cancel twice or change the reason.
        #expect(machine.interrupt(.cancellation, generation: 1) == .none)
        let resumed = machine.callbackFired()
        #expect(resumed?.1 == .completed(interruption: .timeout))
        machine.finish(generation: 1)
        #expect(machine.isIdle)
    }

    @Test func lateTimerForAnEarlierGenerationIsIgnored() {
        var machine = Machine()
        _ = machine.begin()
        _ = machine.install("first", generation: 1)
        _ = machine.callbackFired()
        machine.finish(generation: 1)
        _ = machine.begin()
        _ = machine.install("second", generation: 2)
        #expect(machine.interrupt(.timeout, generation: 1) == .none)
        #expect(machine.giveUp(generation: 1) == nil)
        #expect(machine.callbackFired()?.1 == .completed(interruption: nil))
    }

    @Test func cancellationBeforeStartNeverStartsTheRequest() {
        var machine = Machine()
        _ = machine.begin()
        #expect(machine.interrupt(.cancellation, generation: 1) == .none)
        guard case .resume(let continuation, let outcome) = machine.install("caller", generation: 1) else {
            Issue.record("expected an immediate resume")
            return
        }
        #expect(continuation == "caller")
        #expect(outcome == .notStarted(.cancellation))
        #expect(machine.isIdle)
    }

    @Test func hungRequestIsAbandonedAndRecoversWhenOpenVINOReturns() {
        var machine = Machine()
        _ = machine.begin()
        _ = machine.install("caller", generation: 1)
        // No give-up before an interruption: a slow but uninterrupted inference is left alone.
        #expect(machine.giveUp(generation: 1) == nil)
        #expect(machine.interrupt(.timeout, generation: 1) == .cancelRequest)
        let resumed = machine.giveUp(generation: 1)
        #expect(resumed?.0 == "caller")
        #expect(resumed?.1 == .abandoned(.timeout))
        #expect(machine.begin() == .busy(stillStopping: true))
        // OpenVINO finally returns: nobody waits any more, and the request is free again.
        #expect(machine.callbackFired() == nil)
        #expect(machine.isIdle)
        #expect(machine.begin() == .proceed(generation: 2))
    }

    @Test func failedStartFreesTheRequest() {
        var machine = Machine()
        _ = machine.begin()
        _ = machine.install("caller", generation: 1)
        #expect(machine.startFailed(generation: 1) == "caller")
        #expect(machine.isIdle)
    }
}
