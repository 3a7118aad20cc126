import Host
import Store
import StoreFixtures
import TestSupport
import Testing

@testable import Pipeline

/// Merging shards as `ovindex merge` does, without the tool: what is refused, what is told, what is copied.
@Suite struct ShardMergeTests {
    /// A shard store of `keys`, its one run completed (or left running).
    static func shard(_ directory: TemporaryDirectory, _ name: String, keys: [String], completed: Bool = true) throws
        -> String
    {
        let store = try makeStore(directory, name: name)
        _ = try store.write(documents: keys.map { document($0, chunks: ["text of \($0)", "more of \($0)"]) })
        let run = try store.beginRun(settings: "{}")
        if completed { try store.finishRun(run, status: .completed) }
        return store.path
    }

    @Test func everyShardIsCopiedAndEachOneIsTold() async throws {
        let directory = try TemporaryDirectory()
        let shards = [
            try Self.shard(directory, "a.sqlite", keys: ["one", "two"]), try Self.shard(directory, "b.sqlite", keys: ["three"]),
        ]
        let output = directory.file("merged.sqlite")
        let events = EventLog()
        try await ShardMerge(output: output, shards: shards).run { events.add($0) }
        #expect(try Store(path: output, mode: .readOnly).statistics().documents == 3)
        #expect(events.merged == [shards[0]: 2, shards[1]: 1])
        #expect(events.finished == 6)
        // Merging the same shards again changes nothing.
        let again = EventLog()
        try await ShardMerge(output: output, shards: shards).run { again.add($0) }
        #expect(again.unchanged == 3)
    }

    @Test func aMissingShardTheOutputItselfAndAnUnfinishedRunAreRefusedBeforeWriting() async throws {
        let directory = try TemporaryDirectory()
        let good = try Self.shard(directory, "good.sqlite", keys: ["one"])
        let output = directory.file("merged.sqlite")
        let cases: [([String], MergeError.Kind, Host.ExitStatus, String)] = [
            ([good, directory.file("nowhere.sqlite")], .missing, .noInput, "no such shard store"),
            ([good, try Self.shard(directory, "running.sqlite", keys: ["two"], completed: false)], .incomplete, .failure,
                "its last run is running"),
        ]
        for (shards, kind, status, message) in cases {
            let error = await #expect(throws: MergeError.self) { try await ShardMerge(output: output, shards: shards).run() }
            #expect(error?.kind == kind)
            #expect(error.map { ExitStatus(for: $0) } == status)
            #expect(error?.message.contains(message) == true, "\(error?.message ?? "")")
            #expect(!FileSystemProbe.exists(output), "nothing is written")
        }
        let itself = await #expect(throws: MergeError.self) { try await ShardMerge(output: good, shards: [good]).run() }
        #expect(itself?.kind == .sameFile)
    }

    @Test func waitingForAShardThatNeverComesEndsNamingIt() async throws {
        let directory = try TemporaryDirectory()
        let good = try Self.shard(directory, "good.sqlite", keys: ["one"])
        let late = directory.file("late.sqlite")
        let events = EventLog()
        let error = await #expect(throws: MergeError.self) {
            try await ShardMerge(output: directory.file("out.sqlite"), shards: [good, late], wait: .milliseconds(200))
                .run { events.add($0) }
        }
        #expect(error?.kind == .notReady)
        #expect(error?.message.contains("1 of 2 shards not ready after 0.2 s: \(late) (missing)") == true)
        #expect(events.waiting == [["\(late) (missing)"]])
    }
}

/// What a merge told, collected.
final class EventLog: @unchecked Sendable {
    // @unchecked: events arrive synchronously on the merging task, and the test reads them after it returns.
    var merged: [String: Int] = [:]
    var unchanged = 0
    var finished = 0
    var waiting: [[String]] = []

    func add(_ event: ShardMerge.Event) {
        switch event {
        case .merged(let shard, let outcome, _):
            merged[shard] = outcome.added
            unchanged += outcome.unchanged
        case .finished(_, let chunks, _): finished = chunks
        case .waiting(let notReady, _): waiting.append(notReady)
        case .adopted, .published: break
        }
    }
}

enum FileSystemProbe {
    static func exists(_ path: String) -> Bool { System.stat(path) != nil }
}
