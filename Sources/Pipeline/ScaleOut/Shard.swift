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
    /// (ids are counted from `SLURM_ARRAY_TASK_MIN`, so `--array=1-4` gives shards 0 to 3).
    public static func fromEnvironment(
        _ environment: Environment = .current, count: Int?
    ) throws(ShardError) -> Shard? {
        if let text = environment.jobCompletionIndex {
            guard let index = Int(text) else { throw ShardError("JOB_COMPLETION_INDEX is '\(text)', not a number") }
            guard let count else {
                throw ShardError(
                    "JOB_COMPLETION_INDEX is set but the shard count is unknown: set \"shards\" in the definition "
                        + "or pass --shards N (the Job's completions)")
            }
            return try Shard(index: index, count: count)
        }
        if let text = environment.slurmArrayTaskID {
            guard let id = Int(text) else { throw ShardError("SLURM_ARRAY_TASK_ID is '\(text)', not a number") }
            let minimum = environment.slurmArrayTaskMin.flatMap { Int($0) } ?? 0
            guard let total = environment.slurmArrayTaskCount.flatMap({ Int($0) }) ?? count else {
                throw ShardError("SLURM_ARRAY_TASK_ID is set but SLURM_ARRAY_TASK_COUNT is not; pass --shards N")
            }
            return try Shard(index: id - minimum, count: total)
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
