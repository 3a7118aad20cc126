import Foundation
import Host
import TextIO
public import Store

/// `ovindex merge`: shard stores combined into one, as a run writes a store (under its lock, never into a
/// damaged one), one transaction per shard, then published when asked.
///
/// A shard whose last run did not complete is refused (merging it would copy part of a shard). With `wait`,
/// shards are awaited until each is ready: its file there (published shards appear whole, in one rename), its
/// last run completed, and not a run the output has merged already (last night's shards stay on the shared
/// volume until tonight's replace them).
public struct ShardMerge: Sendable {
    public var output: String
    public var shards: [String]
    /// The longest to wait for every shard to be ready; nil: a missing shard is an error at once.
    public var wait: Duration?
    /// Where to publish the output when the merge succeeded (`Publisher`).
    public var publish: String?

    /// What a merge tells while it works.
    public enum Event: Sendable {
        /// Shards not ready yet, with why (told once a minute while waiting).
        case waiting(notReady: [String], of: Int)
        /// The output was missing, so the published copy was taken up to merge into.
        case adopted(published: String)
        case merged(shard: String, outcome: MergeOutcome, seconds: Double)
        case finished(shards: Int, chunks: Int, seconds: Double)
        case published(target: String, outcome: Publisher.Outcome)
    }

    public init(output: String, shards: [String], wait: Duration? = nil, publish: String? = nil) {
        self.output = output
        self.shards = shards
        self.wait = wait
        self.publish = publish
    }

    /// Merges every shard into the output.
    ///
    /// - Throws: `MergeError` for a shard that is missing, not ready, incomplete or the output itself;
    ///   `RunLockError`, `StoreError` and `PublishError` from the output and its publication.
    public func run(faults: FaultPlan = .none, events: (Event) -> Void = { _ in }) async throws {
        let publisher = try publish.map { target throws(PublishError) in
            try Publisher(local: output, target: target, shard: nil)
        }
        if let wait { try await waitForShards(wait, events: events) }
        if let publisher, try publisher.adoptPublished() { events(.adopted(published: publisher.target)) }
        let outputIdentity = Self.identity(output)
        for shard in shards {
            guard let identity = Self.identity(shard) else {
                throw MergeError(.missing, "\(shard): no such shard store; nothing was written")
            }
            if identity == outputIdentity {
                throw MergeError(.sameFile, "\(shard) is the output store itself (the same file)")
            }
            // A store no run has written (made by the API) holds nothing partial.
            if let status = try Store(path: shard, mode: .readOnly).lastRun()?.status, status != .completed {
                throw MergeError(
                    .incomplete,
                    "\(shard): its last run is \(status), not completed: merging it would copy part of a shard; "
                        + "finish its run first (or publish shards with 'run --publish' and merge with --wait); "
                        + "nothing was written")
            }
        }
        let lock = try RunLock(store: output)
        defer { withExtendedLifetime(lock) {} }
        let store: Store
        do {
            store = try Store(path: output)
            try store.requireIntact()
            try store.interruptStaleRuns()
        } catch {
            lock.removeIfCreated()
            throw error
        }
        var chunks = 0
        let clock = ContinuousClock()
        let started = clock.now
        for shard in shards {
            let shardStarted = clock.now
            let outcome = try store.merge(from: shard)
            chunks += outcome.chunks
            events(.merged(shard: shard, outcome: outcome, seconds: (clock.now - shardStarted).seconds))
        }
        events(.finished(shards: shards.count, chunks: chunks, seconds: (clock.now - started).seconds))
        if let publisher {
            let outcome = try publisher.publish(runID: nil, holdingLock: true, faults: faults)
            events(.published(target: publisher.target, outcome: outcome))
        }
    }

    /// Waits until every shard is ready (see the type's description), telling which are not once a minute.
    func waitForShards(_ limit: Duration, events: (Event) -> Void) async throws {
        let clock = ContinuousClock()
        let deadline = clock.now + limit
        var lastNote: ContinuousClock.Instant?
        while true {
            // The output is read once per look: what it merged of each shard before.
            let merged = Self.identity(output) == nil ? nil : try? Store(path: output, mode: .readOnly)
            let waiting = shards.compactMap { shard in
                readiness(of: shard, mergedInto: merged).map { "\(shard) (\($0))" }
            }
            if waiting.isEmpty { return }
            if clock.now >= deadline {
                throw MergeError(
                    .notReady,
                    "\(waiting.count) of \(shards.count) shards not ready after \(Format.fixed(limit.seconds, 1)) s: "
                        + waiting.joined(separator: ", ") + "; nothing was written")
            }
            if lastNote.map({ clock.now - $0 >= .seconds(60) }) ?? true {
                events(.waiting(notReady: waiting, of: shards.count))
                lastNote = clock.now
            }
            try await Task.sleep(for: .milliseconds(min(2000, max(50, Int64(limit.seconds * 1000) / 20))))
        }
    }

    /// Why `shard` is not ready to merge yet, nil when it is.
    func readiness(of shard: String, mergedInto output: Store?) -> String? {
        guard Self.identity(shard) != nil else { return "missing" }
        guard let run = try? Store(path: shard, mode: .readOnly).lastRun() else { return "not readable yet" }
        guard run.status == .completed else { return "its last run is \(run.status)" }
        if let stamp = try? output?.lastMergedRun(of: shard), stamp == Store.runStamp(run) {
            return "already merged: waiting for its next run"
        }
        return nil
    }

    /// A file's device and inode (links followed), or nil when it does not exist.
    static func identity(_ path: String) -> [UInt64]? {
        System.stat(path).map { [$0.device, $0.inode] }
    }
}
