import Foundation
import SQLite
import Store
import Synthetic
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `ovindex run` under faults, as an unattended nightly job meets them: each test injects one failure (a missing
/// source, a broken model, a full disk, a fifo, a signal, a corrupt store, ...) and checks the exit status, what
/// the store recorded, and that the next run ends where an uninterrupted run would.
///
/// Faults that cannot be made for real in a test (an I/O error at one exact commit) go through the debug build's
/// fault seam, `OVINDEX_FAULTS` (see `FaultPlan`).
@Suite(.serialized) struct RunFaultTests {
    struct Report: Decodable {
        var outcome: String
        var documents_indexed: Int
        var documents_unchanged: Int
        var documents_pruned: Int
        var documents_failed: Int?
        var rejects: Int
        var embeddings_computed: Int
        var error: String?
    }

    /// A small corpus and a reference store built from it by one uninterrupted run.
    final class Fixture {
        let directory: TemporaryDirectory
        let corpus: String
        let reference: String
        let documents: Int

        init(documents: Int = 12, words: Int = 180) throws {
            directory = try TemporaryDirectory()
            self.documents = documents
            corpus = try GeneratedCorpus.write(
                to: directory.url.appendingPathComponent("corpus"), documents: documents, words: words
            ).path
            reference = directory.file("reference.sqlite")
            let result = try runOvindex(RunFaultTests.arguments(corpus, reference))
            #expect(result.status == 0, "reference run: \(result.stderr)")
        }

        func store(_ name: String = "s.sqlite") -> String { directory.file(name) }

        /// Checks that `store` holds exactly what the uninterrupted run stored.
        func expectEqualsReference(_ store: String, _ context: String, sourceLocation: SourceLocation = #_sourceLocation)
            throws
        {
            let difference = try StoreContents(store).vectorDifference(from: StoreContents(reference))
            #expect(difference != nil, "documents or chunks differ: \(context)", sourceLocation: sourceLocation)
            #expect((difference ?? 1) < 1e-4, "vectors differ by \(difference ?? -1): \(context)", sourceLocation: sourceLocation)
            #expect(
                try count(store, "SELECT count(*) FROM runs WHERE status = 'running'") == 0,
                "a run is left marked running: \(context)", sourceLocation: sourceLocation)
        }
    }

    static func arguments(_ corpus: String, _ store: String) -> [String] {
        ["run", "--source", corpus, "--store", store, "--precision", "f32", "--quiet", "--json"]
    }

    static func report(_ result: CommandResult) throws -> Report {
        let line = try #require(result.stdout.split(separator: "\n").last, "no report: \(result.stderr)")
        return try JSONDecoder().decode(Report.self, from: Data(line.utf8))
    }

    // MARK: - 1. Missing sources and prune

    @Test func aMissingSourceFailsWith66BeforeAnythingIsWrittenEvenWithPrune() throws {
        let fixture = try Fixture()
        let store = fixture.store()
        #expect(try runOvindex(Self.arguments(fixture.corpus, store)).status == 0)
        let missing = fixture.directory.file("unmounted")
        for extra in [["--prune"], []] {
            let result = try runOvindex(Self.arguments(missing, store) + extra)
            #expect(result.status == 66, "\(extra): \(result.stderr)")
            #expect(result.stderr.contains(missing), "the error names the source: \(result.stderr)")
        }
        #expect(try count(store, "SELECT count(*) FROM documents") == Int64(fixture.documents))
        #expect(try count(store, "SELECT count(*) FROM runs") == 1, "a run was recorded for a missing source")
        // A store that does not exist yet is not even created.
        let fresh = fixture.store("fresh.sqlite")
        #expect(try runOvindex(Self.arguments(missing, fresh)).status == 66)
        #expect(!FileManager.default.fileExists(atPath: fresh))
    }

    @Test func aSourceThatYieldsNothingIsNeverPruned() throws {
        let fixture = try Fixture()
        let store = fixture.store()
        #expect(try runOvindex(Self.arguments(fixture.corpus, store)).status == 0)
        // The mount point is still there, empty: the volume did not come up.
        let emptied = fixture.directory.file("emptied")
        try FileManager.default.moveItem(atPath: fixture.corpus, toPath: emptied)
        try FileManager.default.createDirectory(atPath: fixture.corpus, withIntermediateDirectories: false)
        let result = try runOvindex(Self.arguments(fixture.corpus, store) + ["--prune", "--force-prune"])
        #expect(try count(store, "SELECT count(*) FROM documents") == Int64(fixture.documents), "\(result.stderr)")
        #expect(result.stderr.contains("no documents"), "the kept source is reported: \(result.stderr)")
    }

    @Test func pruningMoreThanTheMaximumShareNeedsForcePrune() throws {
        let fixture = try Fixture()
        let store = fixture.store()
        #expect(try runOvindex(Self.arguments(fixture.corpus, store)).status == 0)
        let files = try fixture.corpus.filesBelow()
        // Deleting two of twelve is an ordinary nightly prune.
        for file in files.prefix(2) { try FileManager.default.removeItem(atPath: file) }
        let small = try runOvindex(Self.arguments(fixture.corpus, store) + ["--prune"])
        #expect(small.status == 0, "\(small.stderr)")
        #expect(try Self.report(small).documents_pruned == 2)
        // Seven of the remaining ten is more than half: refused, nothing deleted, the run says how to proceed.
        for file in files.dropFirst(2).prefix(7) { try FileManager.default.removeItem(atPath: file) }
        let large = try runOvindex(Self.arguments(fixture.corpus, store) + ["--prune"])
        #expect(large.status == 1, "\(large.stderr)")
        #expect(large.stderr.contains("--force-prune"), "\(large.stderr)")
        #expect(try count(store, "SELECT count(*) FROM documents") == 10)
        #expect(try Store(path: store, mode: .readOnly).lastRun()?.status == .failed)
        let forced = try runOvindex(Self.arguments(fixture.corpus, store) + ["--prune", "--force-prune"])
        #expect(forced.status == 0, "\(forced.stderr)")
        #expect(try count(store, "SELECT count(*) FROM documents") == 3)
    }

    @Test func aDryRunListsWhatWouldChangeAndTouchesNothing() throws {
        let fixture = try Fixture()
        let store = fixture.store()
        #expect(try runOvindex(Self.arguments(fixture.corpus, store)).status == 0)
        let files = try fixture.corpus.filesBelow()
        try FileManager.default.removeItem(atPath: files[0])
        try "A changed document about rivers.".write(toFile: files[1], atomically: true, encoding: .utf8)
        try "A new document about bread.".write(toFile: fixture.corpus + "/new.txt", atomically: true, encoding: .utf8)
        let before = try Data(contentsOf: URL(fileURLWithPath: store))
        let result = try runOvindex(["run", "--source", fixture.corpus, "--store", store, "--prune", "--dry-run"])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = Set(result.stdout.split(separator: "\n").map(String.init))
        let relative = { (path: String) in String(path.dropFirst(fixture.corpus.count + 1)) }
        #expect(lines.contains("add\tnew.txt"), "\(lines)")
        #expect(lines.contains("change\t\(relative(files[1]))"), "\(lines)")
        #expect(lines.contains("prune\t\(relative(files[0]))"), "\(lines)")
        #expect(lines.count == 3, "\(lines)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: store)) == before)
        #expect(try count(store, "SELECT count(*) FROM runs") == 1)
    }

    // MARK: - 2. Inference failures are retried, never skipped

    @Test func aTimeoutOnEveryBatchStopsTheRunAndRejectsNothing() throws {
        let fixture = try Fixture()
        let store = fixture.store()
        let result = try runOvindex(Self.arguments(fixture.corpus, store) + ["--timeout", "0.001"])
        #expect(result.status == 1, "\(result.stderr)")
        #expect(result.stderr.contains("timeout"), "says why: \(result.stderr)")
        #expect(try Self.report(result).outcome == "failed")
        #expect(try count(store, "SELECT count(*) FROM documents") == 0, "documents were rejected or stored")
        #expect(try Store(path: store, mode: .readOnly).lastRun()?.status == .failed)
        let next = try runOvindex(Self.arguments(fixture.corpus, store))
        #expect(next.status == 0, "\(next.stderr)")
        #expect(try Self.report(next).documents_indexed == fixture.documents)
        try fixture.expectEqualsReference(store, "after a run whose batches all timed out")
    }

    @Test func aModelWhoseManifestGetsTheDimensionWrongIsRefusedBeforeWriting() throws {
        let fixture = try Fixture(documents: 3)
        let model = try copyModel(to: fixture.directory)
        try editManifest(model) { $0["dimension"] = 512 }
        let store = fixture.store()
        let result = try runOvindex(Self.arguments(fixture.corpus, store) + ["--model", model])
        #expect(result.status == 69, "\(result.stderr)")
        #expect(result.stderr.contains("512"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: store), "the store was created and bound to 512 dimensions")
    }

    @Test func aModelCheckedOnceIsCheckedAgainWhenItsGraphOrManifestChanges() throws {
        let fixture = try Fixture(documents: 3)
        let model = try copyModel(to: fixture.directory)
        let store = fixture.store()
        #expect(try runOvindex(Self.arguments(fixture.corpus, store) + ["--model", model]).status == 0)
        #expect(try runOvindex(Self.arguments(fixture.corpus, store) + ["--model", model]).status == 0)
        // The store remembers the verdict; a manifest that now gets the dimension wrong must not ride on it.
        try editManifest(model) { $0["dimension"] = 512 }
        try "A new document.".write(toFile: fixture.corpus + "/new.txt", atomically: true, encoding: .utf8)
        let result = try runOvindex(Self.arguments(fixture.corpus, store) + ["--model", model])
        #expect(result.status != 0, "\(result.stderr)")
        #expect(result.stderr.contains("512"), "\(result.stderr)")
        #expect(try count(store, "SELECT count(*) FROM documents") == 3)
    }

    // MARK: - 3. The model's weights are checked before the first write

    @Test func weightsThatDoNotMatchTheManifestAreRefusedBeforeWriting() throws {
        let fixture = try Fixture(documents: 3)
        let model = try copyModel(to: fixture.directory)
        let store = fixture.store()
        #expect(try runOvindex(Self.arguments(fixture.corpus, store) + ["--model", model]).status == 0)
        // Same size, two 64 KB blocks swapped: the graph loads, the vectors are wrong.
        let weights = model + "/model.bin"
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: weights)))
        let block = 64 * 1024
        let (a, b) = (block * 4, block * 20)
        for offset in 0..<block { bytes.swapAt(a + offset, b + offset) }
        try FileManager.default.removeItem(atPath: weights)
        try Data(bytes).write(to: URL(fileURLWithPath: weights))
        try "A new document.".write(toFile: fixture.corpus + "/new.txt", atomically: true, encoding: .utf8)
        let result = try runOvindex(Self.arguments(fixture.corpus, store) + ["--model", model])
        #expect(result.status == 69, "\(result.stderr)")
        #expect(result.stderr.contains("sha256"), "\(result.stderr)")
        #expect(try count(store, "SELECT count(*) FROM documents") == 3)
        #expect(try count(store, "SELECT count(*) FROM runs") == 1)
    }

    @Test func weightsTooDamagedToLoadAreToldAsASha256MismatchNotAsTheLoadError() throws {
        let fixture = try Fixture(documents: 3)
        let model = try copyModel(to: fixture.directory)
        let store = fixture.store()
        // Cut in half: OpenVINO cannot load them, while the sha256 runs beside the load.
        let weights = model + "/model.bin"
        let bytes = try Data(contentsOf: URL(fileURLWithPath: weights))
        try bytes.prefix(bytes.count / 2).write(to: URL(fileURLWithPath: weights))
        let result = try runOvindex(
            Self.arguments(fixture.corpus, store) + ["--model", model], environment: ["OVINDEX_CACHE_DIR": ""])
        #expect(result.status == 69, "\(result.stderr)")
        #expect(result.stderr.contains("sha256"), "\(result.stderr)")
        if FileManager.default.fileExists(atPath: store) {
            #expect(try count(store, "SELECT count(*) FROM documents") == 0)
        }
    }

    // MARK: - 4. Commit, prune and finish failures are errors

    @Test func aFailingFinalCommitIsAnIOErrorAndTheNextRunCompletes() throws {
        let fixture = try Fixture()
        let store = fixture.store()
        let result = try runOvindex(Self.arguments(fixture.corpus, store), environment: ["OVINDEX_FAULTS": "commit=final"])
        #expect(result.status == 74, "\(result.stderr)")
        #expect(try Self.report(result).outcome == "failed")
        #expect(try Store(path: store, mode: .readOnly).lastRun()?.status != .completed)
        let next = try runOvindex(Self.arguments(fixture.corpus, store))
        #expect(next.status == 0, "\(next.stderr)")
        try fixture.expectEqualsReference(store, "after a failed final commit")
    }

    @Test func aFailingCommitMidRunIsAnIOErrorAndTheNextRunCompletes() throws {
        let fixture = try Fixture()
        let store = fixture.store()
        // Commits of two documents each, so that the second commit comes mid-run.
        let definition = try fixture.directory.write(
            "p.json", #"{"store": "s.sqlite", "sources": [{"path": "corpus"}], "commit": {"max_documents": 2}}"#)
        let result = try runOvindex(
            ["run", definition] + Self.arguments(fixture.corpus, store).dropFirst(),
            environment: ["OVINDEX_FAULTS": "commit=2"])
        #expect(result.status == 74, "\(result.stderr)")
        #expect(try Store(path: store, mode: .readOnly).lastRun()?.status == .failed)
        // Whole documents may still be committed by the run's last commit; none is torn.
        let stored = try count(store, "SELECT count(*) FROM documents")
        #expect(try runOvindex(["store", "check", store]).status == 0)
        #expect(try runOvindex(Self.arguments(fixture.corpus, store)).status == 0)
        try fixture.expectEqualsReference(store, "after a failed commit with \(stored) documents stored")
    }

    @Test func aFailingPruneMarksTheRunFailedNotRunning() throws {
        let fixture = try Fixture()
        let store = fixture.store()
        #expect(try runOvindex(Self.arguments(fixture.corpus, store)).status == 0)
        let files = try fixture.corpus.filesBelow()
        try FileManager.default.removeItem(atPath: files[0])
        let result = try runOvindex(
            Self.arguments(fixture.corpus, store) + ["--prune"], environment: ["OVINDEX_FAULTS": "prune"])
        #expect(result.status == 74, "\(result.stderr)")
        #expect(try Store(path: store, mode: .readOnly).lastRun()?.status == .failed)
        #expect(try count(store, "SELECT count(*) FROM documents") == Int64(fixture.documents))
        let next = try runOvindex(Self.arguments(fixture.corpus, store) + ["--prune"])
        #expect(next.status == 0, "\(next.stderr)")
        #expect(try count(store, "SELECT count(*) FROM documents") == Int64(fixture.documents - 1))
    }

    @Test func aFailureToFinishTheRunIsAnIOError() throws {
        let fixture = try Fixture()
        let store = fixture.store()
        let result = try runOvindex(Self.arguments(fixture.corpus, store), environment: ["OVINDEX_FAULTS": "finish"])
        #expect(result.status == 74, "\(result.stderr)")
        #expect(try Store(path: store, mode: .readOnly).lastRun()?.status != .completed)
        let next = try runOvindex(Self.arguments(fixture.corpus, store))
        #expect(next.status == 0, "\(next.stderr)")
        try fixture.expectEqualsReference(store, "after a failure to finish")
    }

    @Test(.enabled(if: getuid() == 0, "mounts a small tmpfs")) func aFullDiskIsAnIOErrorAndTheRunResumesOnABiggerOne()
        throws
    {
        let fixture = try Fixture(documents: 40, words: 300)
        let small = fixture.directory.file("small")
        try FileManager.default.createDirectory(atPath: small, withIntermediateDirectories: false)
        try shell("mount -t tmpfs -o size=600k tmpfs '\(small)'")
        defer { try? shell("umount '\(small)'") }
        let result = try runOvindex(Self.arguments(fixture.corpus, small + "/s.sqlite"))
        #expect(result.status == 74, "\(result.stderr)")
        // Move the store (with its WAL) to a disk with room and run again.
        let big = fixture.directory.file("big")
        try FileManager.default.createDirectory(atPath: big, withIntermediateDirectories: false)
        try shell("cp -a '\(small)'/. '\(big)'/")
        let next = try runOvindex(Self.arguments(fixture.corpus, big + "/s.sqlite"))
        #expect(next.status == 0, "\(next.stderr)")
        try fixture.expectEqualsReference(big + "/s.sqlite", "after a full disk")
    }

    // MARK: - Fault points: read and inference

    @Test func aReadErrorIsAFailureTheNextRunRetries() throws {
        let fixture = try Fixture()
        let store = fixture.store()
        let victim = String(try fixture.corpus.filesBelow()[3].dropFirst(fixture.corpus.count + 1))
        let result = try runOvindex(
            Self.arguments(fixture.corpus, store) + ["--prune"], environment: ["OVINDEX_FAULTS": "read=\(victim)"])
        #expect(result.status == 74, "\(result.stderr)")
        #expect(result.stderr.contains(victim), "\(result.stderr)")
        #expect(try Self.report(result).documents_failed == 1)
        #expect(try count(store, "SELECT count(*) FROM documents") == Int64(fixture.documents - 1))
        #expect(try count(store, "SELECT count(*) FROM rejects WHERE kind = 'failure'") == 1)
        let next = try runOvindex(Self.arguments(fixture.corpus, store) + ["--prune"])
        #expect(next.status == 0, "\(next.stderr)")
        #expect(try Self.report(next).documents_indexed == 1)
        try fixture.expectEqualsReference(store, "after a read error")
        #expect(try count(store, "SELECT count(*) FROM rejects") == 0, "the failure is still listed")
    }

    @Test func anInferenceFailureIsAFailureTheNextRunRetries() throws {
        let fixture = try Fixture()
        let store = fixture.store()
        let result = try runOvindex(
            Self.arguments(fixture.corpus, store) + ["--batch-tokens", "1024"], environment: ["OVINDEX_FAULTS": "inference=2"])
        #expect(result.status == 1, "\(result.stderr)")
        let report = try Self.report(result)
        #expect((report.documents_failed ?? 0) > 0)
        #expect(report.documents_indexed + (report.documents_failed ?? 0) == fixture.documents)
        #expect(try count(store, "SELECT count(*) FROM documents WHERE state = 'rejected'") == 0)
        let next = try runOvindex(Self.arguments(fixture.corpus, store))
        #expect(next.status == 0, "\(next.stderr)")
        #expect(try Self.report(next).documents_indexed == report.documents_failed)
        try fixture.expectEqualsReference(store, "after an inference failure")
    }
}
