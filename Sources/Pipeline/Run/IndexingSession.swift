import Foundation
import Host

/// One `ovindex run` from start to end: the published copy taken up when the store is missing, the checks and
/// the model loaded before anything is written (`RunPreparation`), the pipeline run under the shutdown policy
/// (`ShutdownSignals`: the first signal drains for the inference timeout and 10 s more, then the process
/// exits as a second signal would), and the finished store published.
public struct IndexingSession: Sendable {
    public let definition: PipelineDefinition
    public let publish: String?
    public let faults: FaultPlan
    public let monitor: RunMonitor
    /// Told what the run chose or found before it starts ("resuming from the published ...").
    public let note: @Sendable (String) -> Void
    /// Told what a signal does, as it happens.
    public let stopping: @Sendable (String) -> Void

    public struct Result: Sendable {
        public var report: RunReport
        /// The publish target, and what publishing did (nil when it did not happen); nil without `publish`.
        public var published: (target: String, outcome: Publisher.Outcome?)?
        /// Why a completed run was not published.
        public var publishError: PublishError?
        /// The signal that stopped the run early, if one did.
        public var stoppedBy: ShutdownSignals.Signal?
    }

    public init(
        definition: PipelineDefinition, publish: String?, faults: FaultPlan, monitor: RunMonitor,
        note: @escaping @Sendable (String) -> Void, stopping: @escaping @Sendable (String) -> Void
    ) {
        self.definition = definition
        self.publish = publish
        self.faults = faults
        self.monitor = monitor
        self.note = note
        self.stopping = stopping
    }

    /// How long the first signal waits for the batches in flight (each may take up to the inference timeout)
    /// before the process exits anyway.
    public var grace: Duration { .milliseconds(Int64((definition.inferenceTimeoutSeconds + 10) * 1000)) }

    /// - Throws: `RunFailure` (with the report of what was done) when the run failed; the errors of
    ///   `RunPreparation.prepare` and `Publisher` before anything was written.
    public func run() async throws -> Result {
        let publisher = try publish.map { target throws(PublishError) in
            try Publisher(local: definition.store, target: target, shard: definition.shard)
        }
        if let publisher, try publisher.adoptPublished(faults: faults) {
            note("no store at \(definition.store): resuming from the published \(publisher.target)")
        }
        let prepared = try await RunPreparation.prepare(definition, note: note)
        let stopping = self.stopping
        let signals = ShutdownSignals(
            grace: grace,
            onChange: { phase in
                switch phase {
                case .draining:
                    stopping("stopping: finishing the batches in flight and committing (signal again to stop at once)")
                case .aborting:
                    stopping("stopping now; run the same command again to resume")
                case .running:
                    break
                }
            },
            escalate: { escalation in
                if case .graceExpired(_, let grace) = escalation {
                    // What was whole has been committed (the writer commits on a clock).
                    stopping(
                        "still not stopped after \(Int(grace.seconds)) s (a read may be blocked): exiting now; "
                            + "run the same command again to resume")
                }
                ShutdownSignals.exitAtOnce(escalation)
            })
        let runner = prepared.runner(monitor: monitor, shouldStopReading: { signals.isStopping }, faults: faults)
        let report = try await runner.run()
        var result = Result(report: report, stoppedBy: signals.firstSignal)
        if let publisher {
            result.published = (publisher.target, nil)
            if report.outcome == .completed {
                do {
                    result.published = (publisher.target, try publisher.publish(runID: report.runID, faults: faults))
                } catch {
                    result.publishError = error
                }
            }
        }
        return result
    }
}
