import Foundation

#if canImport(Glibc)
    import Glibc
#endif
import Pipeline
import Store

/// `ovindex merge`: combines shard stores into one.
struct MergeCommand: Command {
    static let name = "merge"
    static let summary = "Combine shard stores (from 'run --shard') into one store"
    static let help = """
        Usage: ovindex merge OUT SHARD.sqlite... [--json]

        Copies every document of each shard, with its chunks, vectors and full-text entries, and its rejects,
        into OUT (created when missing), one transaction per shard, recorded as a run in OUT. A document OUT
        already has with the same content is left alone, so merging a shard twice changes nothing; a changed
        one is replaced. Every shard must hold vectors of the same model, made with the same chunk settings:
        a shard that does not is refused with what differs, and nothing of it is copied.

        Options:
          --json                 one JSON line per shard: {"shard", "added", "replaced", "unchanged", "chunks",
                                 "rejects", "seconds"}
          --quiet                no summary on stderr
        """

    var output: String
    var shards: [String]
    var json: Bool
    var quiet: Bool

    init(parsing arguments: inout Arguments) throws(UsageError) {
        json = arguments.flag("--json")
        quiet = arguments.flag("--quiet", "-q")
        let positionals = try arguments.positionals(max: 100_000)
        guard positionals.count >= 2 else {
            throw UsageError(command: Self.name, message: "give the output store and at least one shard store")
        }
        output = positionals[0]
        shards = Array(positionals.dropFirst())
    }

    func run() async throws -> ExitCode {
        let outputIdentity = Self.identity(output)
        for shard in shards {
            guard let identity = Self.identity(shard) else {
                throw CommandError(.noInput, "\(shard): no such shard store; nothing was written")
            }
            if identity == outputIdentity {
                throw CommandError(.usage, "\(shard) is the output store itself (the same file)")
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
        return .success
    }

    /// A file's device and inode (links followed), or nil when it does not exist.
    static func identity(_ path: String) -> [UInt64]? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return [UInt64(info.st_dev), UInt64(info.st_ino)]
    }
}
