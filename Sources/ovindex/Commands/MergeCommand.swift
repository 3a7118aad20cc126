import Foundation

#if canImport(Glibc)
    import Glibc
#endif
import Host
import Pipeline
import Store

/// `ovindex merge`: combines shard stores into one.
struct MergeCommand: Command {
    static let name = "merge"
    static let summary = "Combine shard stores (from 'run --shard') into one store"
    static let help = """
        Usage: ovindex merge OUT SHARD.sqlite... [--wait SECONDS] [--publish PATH] [--json]

        Copies every document of each shard, with its chunks, vectors and full-text entries, and its rejects,
        into OUT (created when missing), one transaction per shard, recorded as a run in OUT. A document OUT
        already has with the same content is left alone, so merging a shard twice changes nothing; a changed
        one is replaced. Every shard must hold vectors of the same model, made with the same chunk settings:
        a shard that does not is refused with what differs, and nothing of it is copied.

        A shard whose last run did not complete (still running, interrupted, failed) is refused: merging it
        would copy part of a shard.

        Options:
          --wait SECONDS         wait up to SECONDS for every shard to be ready: its file there (workers that
                                 publish with 'run --publish' put whole, finished shards in place in one
                                 rename), its last run completed, and not a run OUT merged already (so last
                                 night's shards are not merged again); exit 66 naming those not ready.
                                 Without it a missing shard is an error (exit 66)
          --publish PATH         when the merge succeeded, copy OUT to PATH (beside it under a hidden name,
                                 then renamed into place); when OUT is missing and PATH exists, merge into
                                 PATH's copy. Write OUT on a local disk: stores are refused on network file
                                 systems (exit 73)
          --json                 one JSON line per shard: {"shard", "added", "replaced", "unchanged", "chunks",
                                 "rejects", "seconds"}
          --quiet                no summary on stderr
        """

    var output: String
    var shards: [String]
    var json: Bool
    var quiet: Bool
    var wait: Duration?
    var publish: String?

    init(parsing arguments: inout Arguments) throws(UsageError) {
        json = arguments.flag("--json")
        wait = try arguments.seconds("--wait", in: 0...31_536_000)
        publish = try arguments.option("--publish")
        quiet = arguments.flag("--quiet", "-q")
        let positionals = try arguments.positionals(max: 100_000)
        guard positionals.count >= 2 else {
            throw UsageError(command: Self.name, message: "give the output store and at least one shard store")
        }
        output = positionals[0]
        shards = Array(positionals.dropFirst())
    }

    func run() async throws -> ExitCode {
        let publisher = try publish.map { target throws(PublishError) in
            try Publisher(local: output, target: target, shard: nil)
        }
        if let wait { try await waitForShards(wait) }
        if let publisher, try publisher.adoptPublished(), !quiet {
            Terminal.errors.write(line: "ovindex merge: no store at \(output): merging into the published \(publisher.target)")
        }
        let outputIdentity = Self.identity(output)
        for shard in shards {
            guard let identity = Self.identity(shard) else {
                throw CommandError(.noInput, "\(shard): no such shard store; nothing was written")
            }
            if identity == outputIdentity {
                throw CommandError(.usage, "\(shard) is the output store itself (the same file)")
            }
            // A store no run has written (made by the API) holds nothing partial.
            if let status = try Store(path: shard, mode: .readOnly).lastRun()?.status, status != .completed {
                throw CommandError(
                    .failure,
                    "\(shard): its last run is \(status), not completed: merging it "
                        + "would copy part of a shard; finish its run first (or publish shards with 'run --publish' "
                        + "and merge with --wait); nothing was written")
            }
        }
        // The output is written like a run writes a store: under its lock, and never when it is damaged.
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
        var totalChunks = 0
        let clock = ContinuousClock()
        let started = clock.now
        for shard in shards {
            let shardStarted = clock.now
            let outcome = try store.merge(from: shard)
            let seconds = (clock.now - shardStarted).seconds
            totalChunks += outcome.chunks
            if json {
                Terminal.output.write(
                    line: "{\"shard\": \(Store.jsonString(shard)), \"added\": \(outcome.added), "
                        + "\"replaced\": \(outcome.replaced), \"unchanged\": \(outcome.unchanged), "
                        + "\"chunks\": \(outcome.chunks), \"rejects\": \(outcome.rejects), \"seconds\": \(seconds)}")
            }
            if !quiet {
                Terminal.errors.write(
                    line: "ovindex merge: \(shard): \(outcome.added) added, \(outcome.replaced) replaced, "
                        + "\(outcome.unchanged) unchanged, \(outcome.chunks) chunks, \(outcome.rejects) rejects")
            }
        }
        if !quiet {
            let seconds = (clock.now - started).seconds
            Terminal.errors.write(
                line: "ovindex merge: \(shards.count) shards into \(output) in \(String(format: "%.2f", seconds)) s "
                    + "(\(String(format: "%.0f", Double(totalChunks) / max(seconds, 1e-9))) chunks/s)")
        }
        if let publisher {
            let outcome = try publisher.publish(
                runID: nil, holdingLock: true, faults: try FaultPlan.fromEnvironment(ProcessInfo.processInfo.environment))
            if !quiet {
                Terminal.errors.write(
                    line: "ovindex merge: published \(publisher.target) (\(Format.bytes(outcome.bytes)) in "
                        + String(format: "%.1f", outcome.seconds) + " s)")
            }
        }
        return .success
    }

    /// Waits until every shard is ready: its file exists (published shards appear whole, in one rename), its
    /// last run completed, and that run is not one OUT has merged already (last night's shards stay on the
    /// shared volume until tonight's replace them).
    private func waitForShards(_ limit: Duration) async throws {
        let clock = ContinuousClock()
        let deadline = clock.now + limit
        var lastNote: ContinuousClock.Instant?
        while true {
            // OUT is read once per look: what it merged of each shard before.
            let merged = Self.identity(output) == nil ? nil : try? Store(path: output, mode: .readOnly)
            let waiting = shards.compactMap { shard in
                readiness(of: shard, mergedInto: merged).map { "\(shard) (\($0))" }
            }
            if waiting.isEmpty { return }
            if clock.now >= deadline {
                throw CommandError(
                    .noInput,
                    "\(waiting.count) of \(shards.count) shards not ready after \(String(format: "%.1f", limit.seconds)) s: "
                        + waiting.joined(separator: ", ") + "; nothing was written")
            }
            if !quiet, lastNote.map({ clock.now - $0 >= .seconds(60) }) ?? true {
                Terminal.errors.write(
                    line: "ovindex merge: waiting for \(waiting.count) of \(shards.count) shards: "
                        + waiting.prefix(3).joined(separator: ", ") + (waiting.count > 3 ? ", ..." : ""))
                lastNote = clock.now
            }
            try await Task.sleep(for: .milliseconds(min(2000, max(50, Int64(limit.seconds * 1000) / 20))))
        }
    }

    /// Why `shard` is not ready to merge yet, nil when it is.
    private func readiness(of shard: String, mergedInto output: Store?) -> String? {
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
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return [UInt64(info.st_dev), UInt64(info.st_ino)]
    }
}
