import Foundation
import SQLite
import Synthetic
import TestSupport
import Testing
@testable import Store
#if canImport(Glibc)
    import Glibc
#endif

/// Run safety, continued: signals at bad moments, and read-only media.
extension RunSafetyTests {
    // MARK: - Signals

    @Test func theFirstSignalEndsARunWhoseReadIsBlockedAndCommitsWhatIsWhole() throws {
        let fixture = try Fixture(documents: 8)
        let store = fixture.store()
        let files = try fixture.corpus.filesBelow()
        let victim = String(files[6].dropFirst(fixture.corpus.count + 1))
        let errors = Pipe()
        // The grace after the first signal is the inference timeout plus 10 s: 12 s here.
        let process = try startOvindex(
            Self.arguments(fixture.corpus, store) + ["--timeout", "2"], environment: ["OVINDEX_FAULTS": "stall=\(victim)"],
            errors: errors)
        try waitForLine(containing: "stalling", in: errors, process: process)
        // The documents read before the stalled one are embedded, then committed on the writer's clock.
        let deadline = Date().addingTimeInterval(60)
        while (try? count(store, "SELECT count(*) FROM documents")) ?? 0 == 0 && Date() < deadline { usleep(50_000) }
        #expect((try? count(store, "SELECT count(*) FROM documents")) ?? 0 > 0, "nothing was committed while the read blocked")
        kill(process.processIdentifier, SIGTERM)
        let finished = waitForExit(process, seconds: 30)
        #expect(finished, "one SIGTERM did not end a run whose read is blocked")
        if !finished { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        #expect(process.terminationStatus == 143)
        #expect(try count(store, "SELECT count(*) FROM documents") >= 1)
        // The next run resumes: nothing is lost.
        #expect(try runOvindex(Self.arguments(fixture.corpus, store)).status == 0)
        #expect(try count(store, "SELECT count(*) FROM documents") == Int64(fixture.documents))
    }

    @Test func aSignalDuringPruneStopsItAndTheRunIsInterrupted() throws {
        let fixture = try Fixture()
        let store = fixture.store()
        #expect(try runOvindex(Self.arguments(fixture.corpus, store)).status == 0)
        try FileManager.default.removeItem(atPath: try fixture.corpus.filesBelow()[0])
        let run = try PausedRun(
            Self.arguments(fixture.corpus, store) + ["--prune"], pausingAt: "prune", in: fixture.directory)
        kill(run.process.processIdentifier, SIGTERM)
        usleep(200_000)
        #expect(run.finish(seconds: 30))
        #expect(run.process.terminationStatus == 143)
        #expect(try Store(path: store, mode: .readOnly).lastRun()?.status == .interrupted)
        #expect(try count(store, "SELECT count(*) FROM documents") == Int64(fixture.documents))
    }

    @Test func statusIsNotReadyAfterAKilledRun() throws {
        let directory = try TemporaryDirectory()
        let corpus = try GeneratedCorpus.write(
            to: directory.url.appendingPathComponent("corpus"), documents: 60, words: 300
        ).path
        let store = directory.file("s.sqlite")
        let process = try startOvindex(Self.arguments(corpus, store))
        try waitForCommits(store, atLeast: 1, process: process)
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        let status = try runOvindex(["status", store, "--no-load"])
        #expect(status.status == 1, "\(status.stdout)")
        #expect(status.stdout.contains("killed"), "\(status.stdout)")
    }

    // MARK: - Read-only media

    @Test(.enabled(if: getuid() == 0, "bind-mounts a folder read-only"))
    func aStoreWhoseLogCannotBeReadHereSaysWhy() throws {
        let directory = try TemporaryDirectory()
        let corpus = try GeneratedCorpus.write(
            to: directory.url.appendingPathComponent("corpus"), documents: 60, words: 300
        ).path
        let media = directory.file("media")
        try FileManager.default.createDirectory(atPath: media, withIntermediateDirectories: false)
        let store = media + "/s.sqlite"
        let process = try startOvindex(Self.arguments(corpus, store))
        try waitForCommits(store, atLeast: 1, process: process)
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        unlink(store + "-shm")
        #expect(FileManager.default.fileExists(atPath: store + "-wal"))
        try shell("mount --bind '\(media)' '\(media)' && mount -o remount,bind,ro '\(media)'")
        defer { try? shell("umount '\(media)'") }
        let query = try runOvindex(["store", "info", store])
        #expect(query.status == 74, "\(query.stderr)")
        #expect(query.stderr.contains("write-ahead log"), "\(query.stderr)")
    }
}
