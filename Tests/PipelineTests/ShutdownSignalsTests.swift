import Synchronization
import Testing

@testable import Pipeline

/// The shutdown policy, driven without real signals: `received` is what the signal sources call.
@Suite(.serialized) struct ShutdownSignalsTests {
    final class Recorder: Sendable {
        let phases = Mutex<[ShutdownSignals.Phase]>([])
        let escalations = Mutex<[ShutdownSignals.Escalation]>([])
        let (stream, continuation) = AsyncStream.makeStream(of: ShutdownSignals.Escalation.self)
    }

    @Test func theFirstSignalDrainsAndTheSecondEndsAtOnce() {
        let recorder = Recorder()
        let signals = ShutdownSignals(
            onChange: { phase in recorder.phases.withLock { $0.append(phase) } },
            escalate: { escalation in recorder.escalations.withLock { $0.append(escalation) } })
        #expect(!signals.isStopping)
        signals.received(.interrupt)
        #expect(signals.phase == .draining(.interrupt))
        #expect(signals.isStopping && signals.firstSignal == .interrupt)
        #expect(recorder.escalations.withLock { $0 }.isEmpty)
        signals.received(.terminate)
        #expect(signals.phase == .aborting(.terminate))
        #expect(signals.firstSignal == .terminate)
        #expect(recorder.phases.withLock { $0 } == [.draining(.interrupt), .aborting(.terminate)])
        #expect(recorder.escalations.withLock { $0 } == [.secondSignal(.terminate)])
    }

    @Test func drainingLongerThanTheGracePeriodEndsTheProcessAsASecondSignalWould() async {
        let recorder = Recorder()
        let signals = ShutdownSignals(
            grace: .milliseconds(20), escalate: { escalation in recorder.continuation.yield(escalation) })
        signals.received(.terminate)
        var iterator = recorder.stream.makeAsyncIterator()
        #expect(await iterator.next() == .graceExpired(.terminate, .milliseconds(20)))
        #expect(signals.phase == .draining(.terminate))
    }

    @Test func theExitStatusOfASignalIs128PlusItsNumber() {
        #expect(ShutdownSignals.Signal.interrupt.exitStatus == 130)
        #expect(ShutdownSignals.Signal.terminate.exitStatus == 143)
    }
}
