import Foundation
import SQLite
import Store
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Workers that write their store on local disk and publish it onto a shared volume (`run --publish`), and a
/// merge that waits for published shards: a reader of the shared volume sees whole, finished stores or none.
@Suite(.serialized) struct PublishTests {
    typealias Fixture = RunFaultTests.Fixture

    static func arguments(_ corpus: String, _ store: String, publish: String) -> [String] {
        RunFaultTests.arguments(corpus, store) + ["--publish", publish]
    }

    /// Every file in `folder`, hidden ones included.
    static func files(_ folder: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
    }

    /// A store file in rollback-journal mode (bytes 18 and 19 of the header are 1): readable without a `-shm`.
    static func isRollbackJournal(_ path: String) throws -> Bool {
        let header = try Data(contentsOf: URL(fileURLWithPath: path)).prefix(20)
        return header.count == 20 && header[18] == 1 && header[19] == 1
    }

    @Test func aShardIsInvisibleOnTheSharedPathUntilItsRunCompleted() throws {
        let fixture = try Fixture()
        let shared = fixture.directory.file("shared")
        try FileManager.default.createDirectory(atPath: shared, withIntermediateDirectories: false)
        let local = fixture.store("local.sqlite")
        let victim = String(try fixture.corpus.filesBelow()[5].dropFirst(fixture.corpus.count + 1))
        // The run stops twice: while it reads (its store half written) and just before publishing.
        for point in [victim, "publish"] {
            let run = try PausedRun(
                Self.arguments(fixture.corpus, local, publish: shared + "/") + ["--shard", "0/1"], pausingAt: point,
                in: fixture.directory)
            // Paused before publishing (or with the copy written but not renamed): only hidden partial files.
            let seen = try Self.files(shared)
            #expect(seen.allSatisfy { $0.hasPrefix(".local.shard-0-of-1.sqlite.partial-") }, "paused at \(point): \(seen)")
            #expect(seen.isEmpty == (point == victim), "paused at \(point): \(seen)")
            if point == victim {
                // Killed mid-run: nothing reaches the shared folder.
                kill(run.process.processIdentifier, SIGKILL)
                run.process.waitUntilExit()
                #expect(try Self.files(shared).isEmpty)
                continue
            }
            #expect(run.finish())
            #expect(run.process.terminationStatus == 0)
        }
        // The killed run's local store was resumed; the shard's name follows the store's.
        let published = shared + "/local.shard-0-of-1.sqlite"
        #expect(try Self.files(shared) == ["local.shard-0-of-1.sqlite"])
        #expect(try Self.isRollbackJournal(published))
        try fixture.expectEqualsReference(published, "the published shard")
        #expect(try Store(path: published, mode: .readOnly).lastRun()?.status == .completed)
    }

    @Test func noOtherRunChangesTheStoreWhileItIsPublished() throws {
        let fixture = try Fixture(documents: 4)
        let shared = fixture.directory.file("shared.sqlite")
        let local = fixture.store()
        let run = try PausedRun(
            Self.arguments(fixture.corpus, local, publish: shared), pausingAt: "publish", in: fixture.directory)
        try "A document added meanwhile.".write(toFile: fixture.corpus + "/added.txt", atomically: true, encoding: .utf8)
        let second = try runOvindex(RunFaultTests.arguments(fixture.corpus, local))
        #expect(second.status != 0, "a second run wrote the store while it was published: \(second.stderr)")
        #expect(run.finish())
        #expect(run.process.terminationStatus == 0)
        #expect(try count(shared, "SELECT count(*) FROM documents") == Int64(fixture.documents))
        #expect(try count(shared, "SELECT count(*) FROM runs WHERE status != 'completed'") == 0)
    }

    @Test func aKilledWorkerResumesFromItsLocalStoreAndPublishesOnlyWhenComplete() throws {
        let fixture = try Fixture()
        let shared = fixture.directory.file("shared.sqlite")
        let local = fixture.store()
        let victim = String(try fixture.corpus.filesBelow()[3].dropFirst(fixture.corpus.count + 1))
        let failed = try runOvindex(
            Self.arguments(fixture.corpus, local, publish: shared), environment: ["OVINDEX_FAULTS": "read=\(victim)"])
        #expect(failed.status == 74, "\(failed.stderr)")
        #expect(!FileManager.default.fileExists(atPath: shared), "a failed run was published")
        let next = try runOvindex(Self.arguments(fixture.corpus, local, publish: shared))
        #expect(next.status == 0, "\(next.stderr)")
        #expect(try RunFaultTests.report(next).documents_indexed == 1, "the local store was not resumed")
        try fixture.expectEqualsReference(shared, "published after the resumed run")
    }

    @Test func aWorkerWhoseLocalStoreIsGoneResumesFromThePublishedStore() throws {
        let fixture = try Fixture()
        let shared = fixture.directory.file("shared.sqlite")
        let local = fixture.store()
        #expect(try runOvindex(Self.arguments(fixture.corpus, local, publish: shared)).status == 0)
        // A new pod: its scratch volume is empty.
        for suffix in ["", "-wal", "-shm"] { unlink(local + suffix) }
        try "A document added since.".write(toFile: fixture.corpus + "/added.txt", atomically: true, encoding: .utf8)
        // Copying the published store back fails halfway: an I/O error, and no local store half made.
        let failed = try runOvindex(
            Self.arguments(fixture.corpus, local, publish: shared), environment: ["OVINDEX_FAULTS": "adopt"])
        #expect(failed.status == 74, "\(failed.stderr)")
        #expect(try Self.files(fixture.directory.path).allSatisfy { !$0.hasPrefix("s.sqlite") }, "a local store was left")
        let next = try runOvindex(
            RunFaultTests.arguments(fixture.corpus, local).filter { $0 != "--quiet" } + ["--publish", shared])
        #expect(next.status == 0, "\(next.stderr)")
        #expect(next.stderr.contains("resuming from the published"), "\(next.stderr)")
        let report = try RunFaultTests.report(next)
        #expect(report.documents_indexed == 1 && report.documents_unchanged == fixture.documents)
        #expect(try count(shared, "SELECT count(*) FROM documents") == Int64(fixture.documents + 1))
    }

    @Test func aFailedPublishLeavesThePublishedStoreAsItWasAndTheNextRunPublishes() throws {
        let fixture = try Fixture()
        let shared = fixture.directory.file("shared")
        try FileManager.default.createDirectory(atPath: shared, withIntermediateDirectories: false)
        let local = fixture.store()
        #expect(try runOvindex(Self.arguments(fixture.corpus, local, publish: shared)).status == 0)
        let published = shared + "/s.sqlite"
        let before = try Data(contentsOf: URL(fileURLWithPath: published))
        // A copy a killed publisher left two hours ago is swept; one being written now is not this run's business.
        let abandoned = shared + "/.s.sqlite.partial-otherhost-7-1"
        let live = shared + "/.s.sqlite.partial-otherhost-8-2"
        for file in [abandoned, live] {
            try #require(FileManager.default.createFile(atPath: file, contents: Data("partial".utf8)))
        }
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -7200)], ofItemAtPath: abandoned)
        try "A document added since.".write(toFile: fixture.corpus + "/added.txt", atomically: true, encoding: .utf8)
        let failed = try runOvindex(
            Self.arguments(fixture.corpus, local, publish: shared), environment: ["OVINDEX_FAULTS": "publish"])
        #expect(failed.status == 74, "\(failed.stderr)")
        #expect(failed.stderr.contains("not published"), "\(failed.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: published)) == before, "the published store changed")
        let left = try Self.files(shared)
        #expect(left == [".s.sqlite.partial-otherhost-8-2", "s.sqlite"], "a partial copy was left or swept wrongly: \(left)")
        #expect(try Self.files(fixture.directory.path).allSatisfy { !$0.contains(".publishing") })
        let next = try runOvindex(Self.arguments(fixture.corpus, local, publish: shared))
        #expect(next.status == 0, "\(next.stderr)")
        #expect(try count(published, "SELECT count(*) FROM documents") == Int64(fixture.documents + 1))
    }

    @Test func aPublishTargetThatCannotBeWrittenIsRefusedBeforeTheRun() throws {
        let fixture = try Fixture(documents: 3)
        let local = fixture.store()
        let result = try runOvindex(Self.arguments(fixture.corpus, local, publish: fixture.directory.file("nowhere/s.sqlite")))
        #expect(result.status == 73, "\(result.stderr)")
        #expect(result.stderr.contains("nowhere"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: local), "the run went ahead")
        let itself = try runOvindex(Self.arguments(fixture.corpus, local, publish: local))
        #expect(itself.status == 73, "\(itself.stderr)")
        // The store's own folder under another name: the copy would be renamed over the store.
        let alias = fixture.directory.file("alias")
        try FileManager.default.createSymbolicLink(atPath: alias, withDestinationPath: fixture.directory.path)
        let aliased = try runOvindex(Self.arguments(fixture.corpus, local, publish: alias + "/"))
        #expect(aliased.status == 73, "\(aliased.stderr)")
        // A symbolic link as the target: renaming over it would replace the link.
        let pointer = fixture.directory.file("current.sqlite")
        try FileManager.default.createSymbolicLink(atPath: pointer, withDestinationPath: fixture.reference)
        let linked = try runOvindex(Self.arguments(fixture.corpus, local, publish: pointer))
        #expect(linked.status == 73 && linked.stderr.contains("symbolic link"), "\(linked.stderr)")
        #expect(!FileManager.default.fileExists(atPath: local), "a refused run went ahead")
    }

    @Test func aStoreOnANetworkFileSystemIsRefusedWithTheWayOut() throws {
        let fixture = try Fixture(documents: 3)
        let store = fixture.store()
        let network = ["OVINDEX_FAULTS": "network-fs"]
        let result = try runOvindex(RunFaultTests.arguments(fixture.corpus, store), environment: network)
        #expect(result.status == 73, "\(result.stderr)")
        #expect(result.stderr.contains("nfs") && result.stderr.contains("--publish"), "\(result.stderr)")
        #expect(try Self.files(fixture.directory.path).allSatisfy { !$0.hasPrefix("s.sqlite") }, "a store file was made")
        let merged = try runOvindex(["merge", fixture.store("out.sqlite"), fixture.reference], environment: network)
        #expect(merged.status == 73, "\(merged.stderr)")
        #expect(!FileManager.default.fileExists(atPath: fixture.store("out.sqlite")), "merge left an output file")
        // The way out named in the message works: at the user's risk.
        let allowed = try runOvindex(
            RunFaultTests.arguments(fixture.corpus, store), environment: network.merging(["OVINDEX_NETWORK_STORE": "allow"]) { $1 })
        #expect(allowed.status == 0, "\(allowed.stderr)")
        // Reading is safe: a published store is one file without a write-ahead log.
        let status = try runOvindex(["status", fixture.reference, "--no-load"], environment: network)
        #expect(status.status == 0, "\(status.stderr)")
    }

    @Test func mergeWaitsForPublishedShardsAndPublishesItsResult() throws {
        let fixture = try Fixture()
        let shared = fixture.directory.file("shared")
        try FileManager.default.createDirectory(atPath: shared, withIntermediateDirectories: false)
        let shards = (0..<2).map { "\(shared)/w.shard-\($0)-of-2.sqlite" }
        let output = fixture.store("merged-local.sqlite")
        let index = shared + "/index.sqlite"
        let merge = try startOvindex(["merge", output] + shards + ["--wait", "120", "--publish", index, "--quiet"])
        usleep(300_000)
        #expect(merge.isRunning, "merge did not wait for the shards")
        for worker in 0..<2 {
            let result = try runOvindex(
                Self.arguments(fixture.corpus, fixture.store("w.sqlite"), publish: shared) + ["--shard", "\(worker)/2"])
            #expect(result.status == 0, "\(result.stderr)")
        }
        #expect(waitForExit(merge, seconds: 60))
        #expect(merge.terminationStatus == 0)
        try fixture.expectEqualsReference(index, "the merged, published index")
        #expect(try Self.isRollbackJournal(index))
        // The next night: last night's shards are still there, already merged; the merge waits for new runs.
        let stale = try runOvindex(["merge", output] + shards + ["--wait", "1", "--publish", index, "--quiet"])
        #expect(stale.status == 66 && stale.stderr.contains("already merged"), "\(stale.stderr)")
        try "A document added since.".write(toFile: fixture.corpus + "/added.txt", atomically: true, encoding: .utf8)
        for worker in 0..<2 {
            let result = try runOvindex(
                Self.arguments(fixture.corpus, fixture.store("w.sqlite"), publish: shared) + ["--shard", "\(worker)/2"])
            #expect(result.status == 0, "\(result.stderr)")
        }
        let next = try runOvindex(["merge", output] + shards + ["--wait", "60", "--publish", index, "--quiet"])
        #expect(next.status == 0, "\(next.stderr)")
        #expect(try count(index, "SELECT count(*) FROM documents") == Int64(fixture.documents + 1))
        // A merge whose publish fails: exit 74, the published index as it was, nothing left beside it.
        let before = try Data(contentsOf: URL(fileURLWithPath: index))
        let failed = try runOvindex(
            ["merge", output, shards[0], "--publish", index, "--quiet"], environment: ["OVINDEX_FAULTS": "publish"])
        #expect(failed.status == 74, "\(failed.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: index)) == before)
        #expect(try Self.files(shared).allSatisfy { !$0.contains(".partial-") })
        // Without the shards it gives up after the wait, naming them.
        let missing = try runOvindex(["merge", fixture.store("other.sqlite"), shared + "/nope.sqlite", "--wait", "0.2"])
        #expect(missing.status == 66 && missing.stderr.contains("nope.sqlite"), "\(missing.stderr)")
    }

    @Test func mergeRefusesAShardWhoseLastRunDidNotComplete() throws {
        let fixture = try Fixture()
        let shard = fixture.store("shard.sqlite")
        let victim = String(try fixture.corpus.filesBelow()[3].dropFirst(fixture.corpus.count + 1))
        let failed = try runOvindex(
            RunFaultTests.arguments(fixture.corpus, shard), environment: ["OVINDEX_FAULTS": "read=\(victim)"])
        #expect(failed.status == 74)
        let output = fixture.store("out.sqlite")
        let result = try runOvindex(["merge", output, shard])
        #expect(result.status == 1, "\(result.stderr)")
        #expect(result.stderr.contains("not completed"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: output))
    }
}
