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

    // MARK: - 5. Fifos, devices, and a read that blocks

    @Test func fifosAndDevicesAreRejectsAndTheRunFinishes() throws {
        let fixture = try Fixture(documents: 3)
        #expect(mkfifo(fixture.corpus + "/pipe.txt", 0o644) == 0)
        try FileManager.default.createSymbolicLink(atPath: fixture.corpus + "/zero.txt", withDestinationPath: "/dev/zero")
        let store = fixture.store()
        // Links out of the source are followed here, so that the device is met rather than the link refused.
        let definition = try fixture.directory.write(
            "p.json", #"{"store": "s.sqlite", "sources": [{"path": "corpus", "follow_symlinks": true}]}"#)
        let process = try startOvindex(["run", definition, "--precision", "f32", "--quiet"])
        let finished = waitForExit(process, seconds: 60)
        #expect(finished, "the run hung on a fifo")
        if !finished {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            return
        }
        #expect(process.terminationStatus == 0)
        let reasons = try strings(store, "SELECT input || ': ' || reason FROM rejects")
        #expect(reasons.contains { $0.hasSuffix("pipe.txt: not a regular file") }, "\(reasons)")
        #expect(reasons.contains { $0.hasSuffix("zero.txt: not a regular file") }, "\(reasons)")
        #expect(try count(store, "SELECT count(*) FROM documents WHERE state = 'indexed'") == 3)
    }

    @Test func aSecondSignalEndsARunWhoseReadIsBlocked() throws {
        let fixture = try Fixture(documents: 3)
        let victim = String(try fixture.corpus.filesBelow()[1].dropFirst(fixture.corpus.count + 1))
        let errors = Pipe()
        let process = try startOvindex(
            Self.arguments(fixture.corpus, fixture.store()), environment: ["OVINDEX_FAULTS": "stall=\(victim)"],
            errors: errors)
        try waitForLine(containing: "stalling", in: errors, process: process)
        kill(process.processIdentifier, SIGTERM)
        usleep(200_000)
        kill(process.processIdentifier, SIGTERM)
        let finished = waitForExit(process, seconds: 10)
        #expect(finished, "a second SIGTERM did not end a blocked run")
        if !finished {
            kill(process.processIdentifier, SIGKILL)
        }
        process.waitUntilExit()
        #expect(process.terminationStatus == 143)
    }

    // MARK: - 6. Odd stores are errors, never crashes

    @Test func storesWithoutAModelOrWithABadVersionAreErrorsNotCrashes() throws {
        let directory = try TemporaryDirectory()
        let missing = directory.file("missing.sqlite")
        let vacuum = try runOvindex(["store", "vacuum", missing])
        #expect(vacuum.status == 66, "\(vacuum.stderr)")
        #expect(!FileManager.default.fileExists(atPath: missing))

        let empty = directory.file("empty.sqlite")
        _ = try Store(path: empty)
        let query = try runOvindex(["query", "hello", "--store", empty])
        #expect(query.status == 65, "\(query.stderr)")
        #expect(query.stderr.contains("no vectors"), "\(query.stderr)")

        let negative = directory.file("negative.sqlite")
        _ = try Store(path: negative)
        try Connection(path: negative).execute("PRAGMA user_version = -3")
        try directory.write("corpus/a.txt", "A document.")
        for arguments in [
            ["run", "--source", directory.file("corpus"), "--store", negative, "--quiet"],
            ["query", "hello", "--store", negative], ["store", "info", negative], ["store", "vacuum", negative],
        ] {
            let result = try runOvindex(arguments)
            #expect(result.status == 65, "\(arguments[0]): \(result.stderr)")
        }
    }

    // MARK: - 7. The lock follows the file, not the path

    @Test func aSecondRunThroughASymlinkIsLockedOut() throws {
        let fixture = try Fixture(documents: 3)
        let store = fixture.store()
        let victim = String(try fixture.corpus.filesBelow()[1].dropFirst(fixture.corpus.count + 1))
        #expect(try runOvindex(Self.arguments(fixture.corpus, store)).status == 0)
        try "Changed so the next run must read it.".write(
            toFile: fixture.corpus + "/" + victim, atomically: true, encoding: .utf8)
        let errors = Pipe()
        let first = try startOvindex(
            Self.arguments(fixture.corpus, store), environment: ["OVINDEX_FAULTS": "stall=\(victim)"], errors: errors)
        defer {
            kill(first.processIdentifier, SIGKILL)
            first.waitUntilExit()
        }
        try waitForLine(containing: "stalling", in: errors, process: first)
        let link = fixture.store("link.sqlite")
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: store)
        let second = try runOvindex(Self.arguments(fixture.corpus, link))
        #expect(second.status == 1, "\(second.stderr)")
        #expect(second.stderr.contains("another ovindex run"), "\(second.stderr)")
    }

    // MARK: - 8. Read-only media

    @Test(.enabled(if: getuid() == 0, "bind-mounts a folder read-only"))
    func aStoreOnReadOnlyMediaCanBeQueriedExportedAndInspected() throws {
        let fixture = try Fixture(documents: 3)
        let media = fixture.directory.file("media")
        try FileManager.default.createDirectory(atPath: media, withIntermediateDirectories: false)
        let store = media + "/s.sqlite"
        #expect(try runOvindex(Self.arguments(fixture.corpus, store)).status == 0)
        try shell("mount --bind '\(media)' '\(media)' && mount -o remount,bind,ro '\(media)'")
        defer { try? shell("umount '\(media)'") }
        for arguments in [
            ["query", "rivers", "--store", store], ["export", store], ["store", "info", store],
            ["status", store, "--no-load"], ["store", "check", store],
        ] {
            let result = try runOvindex(arguments)
            #expect(result.status == 0, "\(arguments[0]) \(arguments[1]): \(result.stderr)")
        }
        let write = try runOvindex(Self.arguments(fixture.corpus, store))
        #expect(write.status == 74, "\(write.stderr)")
    }

    // MARK: - 9. The first signal stops soon

    @Test func theFirstSignalStopsWithinSecondsWithoutEmbeddingTheQueue() throws {
        let directory = try TemporaryDirectory()
        let corpus = try GeneratedCorpus.write(
            to: directory.url.appendingPathComponent("corpus"), documents: 300, words: 400
        ).path
        let store = directory.file("s.sqlite")
        let output = Pipe()
        let process = Process()
        process.executableURL = ProjectPaths.executable
        process.arguments = ["run", "--source", corpus, "--store", store, "--quiet", "--json"]
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        try waitForCommits(store, atLeast: 1, process: process)
        let clock = ContinuousClock()
        let signalled = clock.now
        kill(process.processIdentifier, SIGINT)
        let json = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let seconds = (clock.now - signalled) / .seconds(1)
        #expect(process.terminationStatus == 130)
        let report = try JSONDecoder().decode(Report.self, from: json)
        #expect(report.outcome == "interrupted")
        // The target is 5 s on the reference machine; a debug build on a loaded machine gets some slack.
        #expect(seconds < 10, "took \(seconds) s to stop")
        let opened = try Store(path: store, mode: .readOnly)
        #expect(try opened.lastRun()?.status == .interrupted)
        #expect(try opened.statistics().documents < 300)
    }

    // MARK: - 10. Nothing skipped silently, no following out of the source

    @Test func everySkippedPathIsARejectAndSymlinksStayInsideTheSource() throws {
        let directory = try TemporaryDirectory()
        let corpus = directory.file("corpus")
        try directory.write("corpus/good.txt", "A good document about gardens.")
        try directory.write("corpus/inner/target.txt", "A document reached through a link inside the source.")
        let manager = FileManager.default
        try manager.createSymbolicLink(atPath: corpus + "/inside.txt", withDestinationPath: "inner/target.txt")
        try manager.createSymbolicLink(atPath: corpus + "/passwd.txt", withDestinationPath: "/etc/passwd")
        try manager.createSymbolicLink(atPath: corpus + "/broken.txt", withDestinationPath: "nowhere.txt")
        try manager.createSymbolicLink(atPath: corpus + "/loop", withDestinationPath: ".")
        let badName = corpus + "/bad-\u{FFFD}.txt"
        let rawName = Array((corpus + "/bad-").utf8) + [0xFF] + Array(".txt".utf8) + [0]
        let fd = rawName.withUnsafeBufferPointer { open($0.baseAddress!.withMemoryRebound(to: CChar.self, capacity: rawName.count) { $0 }, O_WRONLY | O_CREAT, 0o644) }
        #expect(fd >= 0)
        _ = write(fd, "text", 4)
        close(fd)
        let deep = try makeDeepFile(below: corpus)
        defer { try? shell("rm -rf '\(corpus)/\(deep)'") }
        // The store lives inside its own source, and the definition takes every file.
        let definition = try directory.write(
            "p.json",
            #"{"store": "corpus/s.sqlite", "sources": [{"path": "corpus", "include": ["**/*"]}], "precision": "f32"}"#)
        let result = try runOvindex(["run", definition, "--quiet", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let store = corpus + "/s.sqlite"
        let indexed = Set(try strings(store, "SELECT key FROM documents WHERE state = 'indexed'"))
        #expect(indexed == ["good.txt", "inner/target.txt", "inside.txt"], "\(indexed)")
        let reasons = try strings(store, "SELECT input || ': ' || reason FROM rejects")
        func expectReject(_ name: String, _ reason: String) {
            #expect(reasons.contains { $0.contains(name + ": ") && $0.contains(reason) }, "\(name): \(reason) in \(reasons)")
        }
        expectReject("passwd.txt", "outside the source")
        expectReject("broken.txt", "broken symbolic link")
        expectReject("loop", "symbolic link to a folder")
        expectReject("bad-\\xFF.txt", "not valid UTF-8")
        expectReject("", "PATH_MAX")
        #expect(!reasons.contains { $0.contains("s.sqlite") }, "the store's own files were read: \(reasons)")
        _ = badName

        // Following links out of the source is allowed when the definition says so.
        let follow = try directory.write(
            "f.json",
            #"{"store": "f.sqlite", "sources": [{"path": "corpus", "follow_symlinks": true}], "precision": "f32"}"#)
        #expect(try runOvindex(["run", follow, "--quiet"]).status == 0)
        let followed = try strings(directory.file("f.sqlite"), "SELECT key FROM documents WHERE state = 'indexed'")
        #expect(followed.contains("passwd.txt"), "\(followed)")
    }

    @Test func anUnreadableFolderIsAFailureAndBlocksPrune() throws {
        let fixture = try Fixture()
        let store = fixture.store()
        #expect(try runOvindex(Self.arguments(fixture.corpus, store)).status == 0)
        let result = try runOvindex(
            Self.arguments(fixture.corpus, store) + ["--prune"], environment: ["OVINDEX_FAULTS": "list=part-2"])
        #expect(result.status == 74, "\(result.stderr)")
        #expect(result.stderr.contains("part-2"), "\(result.stderr)")
        #expect(try count(store, "SELECT count(*) FROM documents") == Int64(fixture.documents), "pruned an unread folder")
    }

    // MARK: - 11. A corrupt store is never written to

    @Test func aCorruptStoreIsNeverWrittenTo() throws {
        let fixture = try Fixture(documents: 30, words: 300)
        let store = fixture.store()
        #expect(try runOvindex(Self.arguments(fixture.corpus, store)).status == 0)
        #expect(try runOvindex(["store", "vacuum", store]).status == 0)
        #expect(try runOvindex(["store", "check", store]).status == 0)
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: store)))
        let middle = bytes.count / 2 / 4096 * 4096
        var generator = SplitMix64(seed: 7)
        for offset in middle..<(middle + 8192) { bytes[offset] = UInt8(truncatingIfNeeded: generator.next()) }
        try Data(bytes).write(to: URL(fileURLWithPath: store))
        try "A new document.".write(toFile: fixture.corpus + "/new.txt", atomically: true, encoding: .utf8)
        let run = try runOvindex(Self.arguments(fixture.corpus, store))
        #expect(run.status == 65, "\(run.stderr)")
        #expect(run.stderr.contains("corrupt"), "\(run.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: store)) == Data(bytes), "the corrupt store was written to")
        let vacuum = try runOvindex(["store", "vacuum", store])
        #expect(vacuum.status == 65, "\(vacuum.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: store)) == Data(bytes), "vacuum rewrote a corrupt store")
        let check = try runOvindex(["store", "check", store])
        #expect(check.status == 1, "\(check.stdout)\(check.stderr)")
    }

    // MARK: - 12. JSON Lines ids

    @Test func jsonLinesIdsFollowOneRuleAndLineRejectsAreReplaced() throws {
        let directory = try TemporaryDirectory()
        let records = try directory.write(
            "records.jsonl",
            """
            {"id": 7, "text": "The first record."}
            {"id": "7", "text": "The same id written as a string."}
            {"id": "", "text": "An empty id."}
            {"id": 7.5, "text": "A fractional id."}
            {"id": "b", "text": "A record."}
            {"id": "b", "text": "A second record with id b."}
            {broken
            """)
        let store = directory.file("s.sqlite")
        let arguments = ["run", "--source", records, "--store", store, "--precision", "f32", "--quiet", "--json"]
        let first = try runOvindex(arguments)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(Set(try strings(store, "SELECT key FROM documents WHERE state = 'indexed'")) == ["7", "b"])
        let rejects = try strings(store, "SELECT line || ': ' || reason || ': ' || ifnull(detail, '') FROM rejects ORDER BY line")
        #expect(rejects.count == 5, "\(rejects)")
        #expect(rejects.contains { $0.hasPrefix("2: duplicate document id") && $0.contains("line 1") }, "\(rejects)")
        #expect(rejects.contains { $0.hasPrefix("3: empty id") }, "\(rejects)")
        #expect(rejects.contains { $0.hasPrefix("4: ") && $0.contains("integer") }, "\(rejects)")
        #expect(rejects.contains { $0.hasPrefix("6: duplicate document id") && $0.contains("line 5") }, "\(rejects)")
        for _ in 0..<2 {
            #expect(try runOvindex(arguments).status == 0)
            #expect(try count(store, "SELECT count(*) FROM rejects") == 5, "line rejects pile up")
        }
    }
}
