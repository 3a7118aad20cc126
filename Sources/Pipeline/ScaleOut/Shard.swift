public import Host
import Foundation
public import Host
import TextIO
import Checksum

/// One worker's part of a corpus: the documents whose stable id hashes to `index` modulo `count`.
///
/// The hash is FNV-1a (64-bit) of the document key's UTF-8 bytes: the same on every machine, every run and
/// every build (Swift's own `hashValue` is seeded per process), so shards are disjoint, cover every
/// document, and a restarted worker takes the same documents again.
public struct Shard: Sendable, Equatable, CustomStringConvertible {
    public let index: Int
    public let count: Int

    /// - Throws: `ShardError` unless 0 <= index < count.
    public init(index: Int, count: Int) throws(ShardError) {
        guard count >= 1 else { throw ShardError("the shard count must be at least 1, not \(count)") }
        guard (0..<count).contains(index) else {
            throw ShardError("shard \(index) does not exist: indices of \(count) shards run from 0 to \(count - 1)")
        }
        self.index = index
        self.count = count
    }

    /// Parses "I/N" (`--shard 2/8`).
    public init(parsing text: String) throws(ShardError) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let index = Int(parts[0]), let count = Int(parts[1]) else {
            throw ShardError("'\(text)' is not a shard: write INDEX/COUNT, e.g. 0/4")
        }
        try self.init(index: index, count: count)
    }

    /// The shard a scheduler assigned through the environment, or nil when there is none:
    /// Kubernetes Indexed Jobs set `JOB_COMPLETION_INDEX` (the count comes from `count`: the definition's
    /// `shards` or `--shards`); Slurm job arrays set `SLURM_ARRAY_TASK_ID` and `SLURM_ARRAY_TASK_COUNT`
    /// (ids are counted from `SLURM_ARRAY_TASK_MIN`, so `--array=1-4` gives shards 0 to 3). A count the
    /// definition or `--shards` gives must agree with Slurm's: workers that disagree on the count would
    /// index overlapping shards.
    ///
    /// - Throws: `ShardError` naming the variable for a value that is not a number, a missing count, a count
    ///   that disagrees, or a shard that does not exist.
    public static func fromEnvironment(
        _ environment: Environment = .current, count: Int?
    ) throws(ShardError) -> Shard? {
        func number(_ text: String?, _ name: String) throws(ShardError) -> Int? {
            guard let text else { return nil }
            guard let value = Int(text) else { throw ShardError("\(name) is '\(text)', not a number") }
            return value
        }
        func shard(_ index: Int, of count: Int, from name: String) throws(ShardError) -> Shard {
            do {
                return try Shard(index: index, count: count)
            } catch {
                throw ShardError("\(name): \(error.description)")
            }
        }
        if let index = try number(environment.jobCompletionIndex, "JOB_COMPLETION_INDEX") {
            guard let count else {
                throw ShardError(
                    "JOB_COMPLETION_INDEX is set but the shard count is unknown: set \"shards\" in the definition "
                        + "or pass --shards N (the Job's completions)")
            }
            return try shard(index, of: count, from: "JOB_COMPLETION_INDEX")
        }
        if let id = try number(environment.slurmArrayTaskID, "SLURM_ARRAY_TASK_ID") {
            let minimum = try number(environment.slurmArrayTaskMin, "SLURM_ARRAY_TASK_MIN") ?? 0
            let slurmCount = try number(environment.slurmArrayTaskCount, "SLURM_ARRAY_TASK_COUNT")
            if let slurmCount, let count, slurmCount != count {
                throw ShardError(
                    "SLURM_ARRAY_TASK_COUNT is \(slurmCount) but the shard count (\"shards\" or --shards) is \(count)")
            }
            guard let total = slurmCount ?? count else {
                throw ShardError("SLURM_ARRAY_TASK_ID is set but SLURM_ARRAY_TASK_COUNT is not; pass --shards N")
            }
            return try shard(id - minimum, of: total, from: "SLURM_ARRAY_TASK_ID")
        }
        return nil
    }

    /// Whether the document with this key belongs to the shard.
    public func owns(_ key: String) -> Bool {
        count == 1 || Int(Self.hash(key) % UInt64(count)) == index
    }

    /// FNV-1a, 64-bit, of the key's UTF-8 bytes.
    public static func hash(_ key: String) -> UInt64 {
        FNV1a.hash(key)
    }

    /// "I-of-N", as store names and messages show it.
    public var description: String { "\(index)-of-\(count)" }

    /// The store path of this shard: `{shard}` in `path` replaced by "I-of-N", or, without the placeholder,
    /// ".shard-I-of-N" put before the extension (`index.sqlite` → `index.shard-0-of-4.sqlite`).
    /// A path that already names this shard (a run's recorded definition) is returned as it is.
    public func storePath(_ path: String) -> String {
        if path.contains("{shard}") { return path.replacingOccurrences(of: "{shard}", with: description) }
        if path.contains(".shard-\(description)") { return path }
        let slash = path.lastIndex(of: "/")
        if let dot = path.lastIndex(of: "."), slash.map({ dot > $0 }) ?? true, dot != path.startIndex {
            return String(path[..<dot]) + ".shard-\(description)" + String(path[dot...])
        }
        return path + ".shard-\(description)"
    }
}
