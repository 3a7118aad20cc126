import Foundation
import Synchronization
import Testing
import TestSupport

/// OpenVINO's compiled-model cache is shared by every ovindex process of a user (workers on one host, the
/// tests themselves). OpenVINO itself does not guard it between processes: one that starts while another writes
/// the blob read it half-written and deleted it (the writer then failed: "cannot set permissions"), and one that
/// had mapped a finished blob crashed with SIGBUS when a late writer truncated it to write it again.
@Suite struct CompileCacheTests {
    @Test func processesStartingTogetherOnAnEmptyCacheAllLoadTheModelAndAgree() throws {
        let directory = try TemporaryDirectory()
        let processes = 6
        var vectors: Set<String> = []
        for round in 0..<5 {
            let cache = directory.file("cache-\(round)")
            let outcomes = Mutex<[Int: Result<CommandResult, any Error>]>([:])
            let group = DispatchGroup()
            for index in 0..<processes {
                // A thread each (concurrentPerform would run only as many at once as there are cores).
                let thread = Thread {
                // Staggered, so that some start while others compile, write or have just mapped the blob.
                usleep(UInt32(index) * 150_000)
                let result = Result {
                    try runOvindex(
                        ["embed", "--quiet"], input: "the cache is shared\n",
                        environment: ["OVINDEX_CACHE_DIR": cache])
                }
                outcomes.withLock { $0[index] = result }
                group.leave()
                }
                group.enter()
                thread.start()
            }
            group.wait()
            for (index, outcome) in outcomes.withLock({ $0 }).sorted(by: { $0.key < $1.key }) {
                let result = try outcome.get()
                #expect(result.status == 0, "round \(round), process \(index): \(result.stderr)")
                #expect(result.stdout.contains("\"embedding\""), "round \(round), process \(index)")
                if result.status == 0 { vectors.insert(result.stdout) }
            }
            let blobs = try FileManager.default.contentsOfDirectory(atPath: cache + "/compiled-models")
                .filter { $0.hasSuffix(".blob") }
            #expect(blobs.count == 1, "round \(round): \(blobs)")
        }
        // Every process, whether it compiled or read the cache, embedded the text alike.
        #expect(vectors.count == 1)
    }

    /// A run that read its model from the cache must not depend on the blob staying as it was: a writer that
    /// missed the cache (an older ovindex, a lock file deleted under its holder), `cp` or `rsync --inplace`
    /// rewrites it in place, and a run that had mapped it died of SIGBUS at its next inference.
    @Test func aRunGoesOnWhenTheCachedModelItReadIsTruncatedUnderIt() throws {
        let fixture = try RunFaultTests.Fixture()
        let environment = ["OVINDEX_CACHE_DIR": fixture.directory.file("cache")]
        let warm = try runOvindex(
            RunFaultTests.arguments(fixture.corpus, fixture.store("warm.sqlite")), environment: environment)
        #expect(warm.status == 0, "\(warm.stderr)")
        let folder = fixture.directory.file("cache/compiled-models")
        let blobs = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".blob") }
        let blob = folder + "/" + (try #require(blobs.first))
        let size = try #require(try FileManager.default.attributesOfItem(atPath: blob)[.size] as? Int)
        // The run has loaded the model from the cache once it reads its fourth document.
        let files = try fixture.corpus.filesBelow()
        let store = fixture.store()
        let run = try PausedRun(
            RunFaultTests.arguments(fixture.corpus, store),
            pausingAt: String(files[3].dropFirst(fixture.corpus.count + 1)), in: fixture.directory,
            environment: environment)
        #expect(truncate(blob, 0) == 0)
        #expect(run.finish())
        #expect(run.process.terminationReason == .exit, "the run was killed by signal \(run.process.terminationStatus)")
        #expect(run.process.terminationStatus == 0)
        try fixture.expectEqualsReference(store, "blob truncated under the run")
        // The next run finds the emptied blob, compiles the model again and replaces it.
        let next = fixture.store("next.sqlite")
        let after = try runOvindex(RunFaultTests.arguments(fixture.corpus, next), environment: environment)
        #expect(after.status == 0, "\(after.stderr)")
        try fixture.expectEqualsReference(next, "the run after")
        #expect(try FileManager.default.attributesOfItem(atPath: blob)[.size] as? Int == size)
    }
}
