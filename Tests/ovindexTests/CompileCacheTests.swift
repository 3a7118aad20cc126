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
}
