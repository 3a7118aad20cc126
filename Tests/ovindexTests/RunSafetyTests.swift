import Foundation
import SQLite
import Synthetic
import TestSupport
import Testing

@testable import Store

#if canImport(Glibc)
    import Glibc
#endif

/// Faults found by a hostile pass over the first fixes of the run's failure paths: sources that change under a
/// run, stores with more than one name or that are not files, removals that are too large, and signals that
/// meet a blocked read. Each test failed on that build (`OVINDEX_TEST_BINARY` runs them against any build).
@Suite(.serialized) struct RunSafetyTests {
    typealias Fixture = RunFaultTests.Fixture

    static func arguments(_ corpus: String, _ store: String) -> [String] {
        RunFaultTests.arguments(corpus, store)
    }

    // MARK: - Stores with two names, or that are not files

    @Test func aHardLinkedStoreIsRefusedByRunAndVacuum() throws {
        let fixture = try Fixture(documents: 3)
        let store = fixture.store()
        #expect(try runOvindex(Self.arguments(fixture.corpus, store)).status == 0)
        let twin = fixture.store("twin.sqlite")
        #expect(link(store, twin) == 0)
        // SQLite keeps a WAL per name: two names for one file would be two logs, and a corrupt store.
        for arguments in [Self.arguments(fixture.corpus, twin), ["store", "vacuum", twin], ["merge", twin, fixture.reference]] {
            let result = try runOvindex(arguments)
            #expect(result.status == 65, "\(arguments[0]): \(result.stderr)")
            #expect(result.stderr.contains("hard links"), "\(result.stderr)")
        }
        unlink(twin)
        #expect(try runOvindex(["store", "check", store]).status == 0)
    }

    @Test func vacuumWaitsForNoRunItRefusesWhileOneWrites() throws {
        let fixture = try Fixture(documents: 3)
        let store = fixture.store()
        let victim = String(try fixture.corpus.filesBelow()[1].dropFirst(fixture.corpus.count + 1))
        let errors = Pipe()
        let run = try startOvindex(
            Self.arguments(fixture.corpus, store), environment: ["OVINDEX_FAULTS": "stall=\(victim)"], errors: errors)
        defer {
            kill(run.processIdentifier, SIGKILL)
            run.waitUntilExit()
        }
        try waitForLine(containing: "stalling", in: errors, process: run)
        let vacuum = try runOvindex(["store", "vacuum", store])
        #expect(vacuum.status == 1, "\(vacuum.stderr)")
        #expect(vacuum.stderr.contains("another ovindex run"), "\(vacuum.stderr)")
    }

    @Test func aFifoOrADeviceAsTheStoreIsRefusedAtOnceAndLeftAlone() throws {
        let fixture = try Fixture(documents: 2)
        let fifo = fixture.store("fifo.sqlite")
        #expect(mkfifo(fifo, 0o644) == 0)
        for store in [fifo, "/dev/null"] {
            for arguments in [
                Self.arguments(fixture.corpus, store), ["store", "info", store], ["store", "check", store],
                ["store", "vacuum", store], ["query", "x", "--store", store], ["export", store],
                ["merge", store, fixture.reference],
            ] {
                let process = try startOvindex(arguments)
                let finished = waitForExit(process, seconds: 20)
                #expect(finished, "\(arguments.prefix(2)) \(store) hung")
                if !finished {
                    kill(process.processIdentifier, SIGKILL)
                    process.waitUntilExit()
                    continue
                }
                #expect(process.terminationStatus == 65, "\(arguments.prefix(2)) \(store)")
            }
        }
        #expect(!FileManager.default.fileExists(atPath: "/dev/null-wal"))
    }

    @Test(.enabled(if: getuid() == 0, "mounts a small tmpfs"))
    func aStoreWhoseCreationFailsIsNotLeftBehindAsAnEmptyFile() throws {
        let fixture = try Fixture(documents: 3)
        let small = fixture.directory.file("small")
        try FileManager.default.createDirectory(atPath: small, withIntermediateDirectories: false)
        try shell("mount -t tmpfs -o size=40k tmpfs '\(small)'")
        defer { try? shell("umount '\(small)'") }
        let result = try runOvindex(Self.arguments(fixture.corpus, small + "/s.sqlite"))
        #expect(result.status == 74, "\(result.stderr)")
        let info = try runOvindex(["store", "info", small + "/s.sqlite"])
        #expect(info.status == 66, "a half-created store was left behind: \(info.stderr)")
    }

    @Test(.enabled(if: getuid() == 0, "mounts a small tmpfs"))
    func aMergeThatFailsIsRecordedFailedNotLeftRunning() throws {
        let fixture = try Fixture(documents: 40, words: 300)
        let small = fixture.directory.file("small")
        try FileManager.default.createDirectory(atPath: small, withIntermediateDirectories: false)
        try shell("mount -t tmpfs -o size=400k tmpfs '\(small)'")
        defer { try? shell("umount '\(small)'") }
        let output = small + "/merged.sqlite"
        let full = try runOvindex(["merge", output, fixture.reference])
        #expect(full.status == 74, "\(full.stderr)")
        #expect(try count(output, "SELECT count(*) FROM runs WHERE status = 'running'") == 0)
        try shell("mount -o remount,size=20m '\(small)'")
        #expect(try runOvindex(["merge", output, fixture.reference]).status == 0)
        #expect(try runOvindex(["store", "check", output]).status == 0)
        #expect(try count(output, "SELECT count(*) FROM documents") == 40)
    }

    // MARK: - Sources that change under a run

    @Test func aSourceFolderReplacedWhileItIsReadIsNotPruned() throws {
        let fixture = try Fixture()
        let store = fixture.store()
        #expect(try runOvindex(Self.arguments(fixture.corpus, store)).status == 0)
        let files = try fixture.corpus.filesBelow()
        // Every document changes, so the run reads them all; it pauses at the fourth.
        for file in files { try "Rewritten \(file.suffix(12)).".write(toFile: file, atomically: true, encoding: .utf8) }
        let victim = String(files[3].dropFirst(fixture.corpus.count + 1))
        let run = try PausedRun(
            Self.arguments(fixture.corpus, store) + ["--prune"], pausingAt: victim, in: fixture.directory)
        // The volume goes away: an empty folder now stands where the corpus was.
        try FileManager.default.moveItem(atPath: fixture.corpus, toPath: fixture.directory.file("moved"))
        try FileManager.default.createDirectory(atPath: fixture.corpus, withIntermediateDirectories: false)
        #expect(run.finish())
        #expect(run.process.terminationStatus == 74)
        #expect(try count(store, "SELECT count(*) FROM documents") == Int64(fixture.documents), "documents were pruned")
        #expect(try count(store, "SELECT count(*) FROM rejects WHERE code = 'vanished'") > 0)
    }

    @Test func aNestedSourceThatYieldsNothingIsKeptWhateverTheOrder() throws {
        let directory = try TemporaryDirectory()
        for index in 0..<4 { try directory.write("corpus/doc\(index).txt", "Document \(index) about rivers.") }
        let tickets = (0..<6).map { #"{"id": \#($0), "text": "Ticket \#($0): the printer is on fire."}"# }
        try directory.write("corpus/tickets.jsonl", tickets.joined(separator: "\n"))
        let folder = #"{"path": "corpus", "include": ["**/*.txt"]}"#
        let jsonl = #"{"path": "corpus/tickets.jsonl", "key_prefix": "ticket/"}"#
        for (name, sources) in [("a", "\(folder), \(jsonl)"), ("b", "\(jsonl), \(folder)")] {
            try directory.write("corpus/tickets.jsonl", tickets.joined(separator: "\n"))
            let definition = try directory.write(
                "\(name).json", #"{"store": "\#(name).sqlite", "sources": [\#(sources)], "precision": "f32"}"#)
            #expect(try runOvindex(["run", definition, "--quiet"]).status == 0)
            try directory.write("corpus/tickets.jsonl", "")
            let result = try runOvindex(["run", definition, "--prune", "--force-prune", "--quiet"])
            #expect(result.status == 0, "\(name): \(result.stderr)")
            #expect(try count(directory.file("\(name).sqlite"), "SELECT count(*) FROM documents") == 10, "\(name)")
            #expect(result.stderr.contains("yielded no documents"), "\(name): \(result.stderr)")
        }
    }

    @Test func emptiedFilesDoNotWipeTheIndexWithoutForcePrune() throws {
        let fixture = try Fixture()
        let store = fixture.store()
        #expect(try runOvindex(Self.arguments(fixture.corpus, store)).status == 0)
        let chunks = try count(store, "SELECT count(*) FROM chunks")
        // A botched sync truncates every file, and the nightly run has no --prune.
        for file in try fixture.corpus.filesBelow() { try Data().write(to: URL(fileURLWithPath: file)) }
        let result = try runOvindex(Self.arguments(fixture.corpus, store))
        #expect(result.status == 1, "\(result.stderr)")
        #expect(result.stderr.contains("--force-prune"), "\(result.stderr)")
        #expect(try count(store, "SELECT count(*) FROM chunks") == chunks, "indexed versions were removed")
        #expect(try count(store, "SELECT count(*) FROM rejects WHERE code = 'empty_document'") == Int64(fixture.documents))
        // Two emptied files of twelve are ordinary changes.
        let forced = try runOvindex(Self.arguments(fixture.corpus, store) + ["--force-prune"])
        #expect(forced.status == 0, "\(forced.stderr)")
        #expect(try count(store, "SELECT count(*) FROM chunks") == 0)
        #expect(try count(store, "SELECT count(*) FROM documents") == Int64(fixture.documents), "--force-prune pruned")
    }

    @Test func forcePruneAloneDoesNotPrune() throws {
        let fixture = try Fixture(documents: 4)
        let store = fixture.store()
        #expect(try runOvindex(Self.arguments(fixture.corpus, store)).status == 0)
        try FileManager.default.removeItem(atPath: try fixture.corpus.filesBelow()[0])
        #expect(try runOvindex(Self.arguments(fixture.corpus, store) + ["--force-prune"]).status == 0)
        #expect(try count(store, "SELECT count(*) FROM documents") == 4)
    }

    @Test func documentsRejectedUnderALimitAreJudgedAgainWhenTheLimitIsRaised() throws {
        let directory = try TemporaryDirectory()
        try directory.write("corpus/long.txt", GeneratedCorpus.text(words: 900, seed: 3))
        try directory.write("corpus/short.txt", "A short document.")
        try directory.write("records.jsonl", #"{"id": "big", "text": "\#(String(repeating: "word ", count: 400))"}"#)
        let store = directory.file("s.sqlite")
        let base = [
            "run", "--source", directory.file("corpus"), "--source", directory.file("records.jsonl"), "--store", store,
            "--precision", "f32", "--quiet",
        ]
        #expect(try runOvindex(base + ["--max-chunks", "1", "--max-document-bytes", "1000"]).status == 0)
        #expect(try count(store, "SELECT count(*) FROM documents WHERE state = 'rejected'") == 2)
        // The same files, with room for them: both are indexed now, not skipped as unchanged rejects.
        #expect(try runOvindex(base).status == 0)
        #expect(try count(store, "SELECT count(*) FROM documents WHERE state = 'indexed'") == 3)
    }

    @Test func aRunWhoseReadIsBlockedStillEndsWhenAnotherStageFails() throws {
        let fixture = try Fixture(documents: 8)
        let store = fixture.store()
        let victim = String(try fixture.corpus.filesBelow()[7].dropFirst(fixture.corpus.count + 1))
        // Every batch fails (the breaker stops the run) while the reader is stuck on the last file.
        let process = try startOvindex(
            Self.arguments(fixture.corpus, store) + ["--batch-tokens", "256"],
            environment: ["OVINDEX_FAULTS": "stall=\(victim),inference=1+"])
        let finished = waitForExit(process, seconds: 60)
        #expect(finished, "the run waited for a read that never returns")
        if !finished { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        #expect(process.terminationStatus == 1)
        #expect(try Store(path: store, mode: .readOnly).lastRun()?.status == .failed)
    }

    @Test func aFolderTheGlobsExcludeIsNotEvenListed() throws {
        let fixture = try Fixture(documents: 4)
        try fixture.directory.write("corpus/build/out.txt", "Build output.")
        let store = fixture.store()
        let result = try runOvindex(
            Self.arguments(fixture.corpus, store) + ["--exclude", "build/**", "--prune"],
            environment: ["OVINDEX_FAULTS": "list=build"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try count(store, "SELECT count(*) FROM documents") == 4)
    }

    // MARK: - Checks before writing

    @Test func chunksLongerThanTheModelTakesAreAUsageError() throws {
        let fixture = try Fixture(documents: 2)
        let store = fixture.store("long.sqlite")
        let result = try runOvindex(Self.arguments(fixture.corpus, store) + ["--chunk-tokens", "2000"])
        #expect(result.status == 64, "\(result.stderr)")
        #expect(result.stderr.contains("254"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: store))
    }

    @Test func aDamagedIndexIsFoundAndTheStoreIsNotWritten() throws {
        let fixture = try Fixture(documents: 30)
        let store = fixture.store()
        #expect(try runOvindex(Self.arguments(fixture.corpus, store)).status == 0)
        #expect(try runOvindex(["store", "vacuum", store]).status == 0)
        let root = try count(store, "SELECT rootpage FROM sqlite_master WHERE name = 'sqlite_autoindex_documents_1'")
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: store)))
        // Swap two cell pointers of the unique index on document keys: every page stays well-formed.
        let page = Int(root - 1) * 4096
        let header = bytes[page] == 0x02 ? 12 : 8
        let cells = Int(bytes[page + 3]) << 8 | Int(bytes[page + 4])
        #expect(cells > 2)
        for offset in 0..<2 {
            bytes.swapAt(page + header + offset, page + header + 2 * (cells - 1) + offset)
        }
        try Data(bytes).write(to: URL(fileURLWithPath: store))
        try "A new document.".write(toFile: fixture.corpus + "/new.txt", atomically: true, encoding: .utf8)
        let run = try runOvindex(Self.arguments(fixture.corpus, store))
        #expect(run.status == 65, "\(run.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: store)) == Data(bytes), "the damaged store was written to")
        #expect(try runOvindex(["store", "vacuum", store]).status == 65)
        #expect(try runOvindex(["store", "check", store]).status == 1)
    }

    @Test func aDryRunRefusesWhatTheRunWouldRefuse() throws {
        let fixture = try Fixture()
        let store = fixture.store()
        #expect(try runOvindex(Self.arguments(fixture.corpus, store)).status == 0)
        let chunking = try runOvindex(["run", "--source", fixture.corpus, "--store", store, "--chunk-tokens", "64", "--dry-run"])
        #expect(chunking.status == 1, "\(chunking.stderr)")
        #expect(chunking.stderr.contains("chunks of at most 254"), "\(chunking.stderr)")
        let model = try runOvindex(
            ["run", "--source", fixture.corpus, "--store", store, "--model", "all-MiniLM-L6-v2-int8", "--dry-run"])
        #expect(model.status == 1, "\(model.stderr)")
        for file in try fixture.corpus.filesBelow().prefix(8) { try FileManager.default.removeItem(atPath: file) }
        let prune = try runOvindex(["run", "--source", fixture.corpus, "--store", store, "--prune", "--dry-run"])
        #expect(prune.status == 1, "\(prune.stderr)")
        #expect(prune.stderr.contains("--force-prune"), "\(prune.stderr)")
        // Keys with tabs and newlines cannot break the lines.
        try "A tab.".write(toFile: fixture.corpus + "/tab\there.txt", atomically: true, encoding: .utf8)
        let escaped = try runOvindex(["run", "--source", fixture.corpus, "--store", store, "--dry-run"])
        #expect(escaped.stdout.contains("add\ttab\\there.txt\n"), "\(escaped.stdout)")
    }
}
