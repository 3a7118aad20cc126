import Host
import Testing

@testable import Pipeline

/// The prune rules, without files or stores: what is deleted, what is kept and why, and when nothing is.
@Suite struct RemovalPlanTests {
    typealias Source = RemovalPlan.Source

    /// `stored` as (key, source path) pairs; `seen` the keys the run met.
    func plan(
        _ sources: [Source], stored: [(String, String)], seen: Set<String>, maxFraction: Double = 0.5,
        force: Bool = false, demoted: Set<String> = []
    ) throws -> RemovalPlan {
        try RemovalPlan(
            sources: sources, maxFraction: maxFraction, force: force, prune: true, demoted: demoted,
            stored: { body in for (key, source) in stored { try body(key, source) } }, seen: { seen.contains($0) })
    }

    let folder = Source(path: "/corpus", isFile: false, documents: 3, complete: true)
    let tickets = Source(path: "/data/tickets.jsonl", isFile: true, documents: 2, complete: true)

    var stored: [(String, String)] {
        [
            ("a", "/corpus/a.txt"), ("b", "/corpus/b.txt"), ("c", "/corpus/sub/c.txt"), ("d", "/corpus/d.txt"),
            ("t1", "/data/tickets.jsonl"), ("t2", "/data/tickets.jsonl"), ("t3", "/data/tickets.jsonl"),
            // Not under /corpus although it starts with the same letters.
            ("x", "/corpus2/x.txt"),
        ]
    }

    @Test func deletesWhatIsGoneWhenTheShareIsSmall() throws {
        let result = try plan([folder, tickets], stored: stored, seen: ["a", "b", "c", "t1", "t2", "x"])
        #expect(result.refusal == nil)
        #expect(Set(result.deletions) == ["d", "t3"])
    }

    @Test func refusesEverythingWhenOneSourceLosesTooMuchUnlessForced() throws {
        let seen: Set<String> = ["a", "t1", "t2", "x"]
        let refused = try plan([folder, tickets], stored: stored, seen: seen)
        #expect(refused.deletions.isEmpty)
        #expect(refused.refusal?.contains("remove 3 of the 4 stored documents (75%) of /corpus (3 gone from the source)") == true)
        let forced = try plan([folder, tickets], stored: stored, seen: seen, force: true)
        #expect(Set(forced.deletions) == ["b", "c", "d", "t3"])
    }

    @Test func aSourceThatYieldedNothingIsKeptEvenWhenForced() throws {
        var empty = folder
        empty.documents = 0
        let result = try plan([empty, tickets], stored: stored, seen: ["t1", "t2", "t3", "x"], force: true)
        #expect(result.deletions.isEmpty)
        #expect(result.notes.first?.contains("/corpus yielded no documents: its 4 stored documents were kept") == true)
    }

    @Test func aSourceNotReadInFullIsKept() throws {
        var partial = folder
        partial.complete = false
        let result = try plan([partial, tickets], stored: stored, seen: ["a", "t1", "t2", "t3", "x"], force: true)
        #expect(result.deletions.isEmpty)
        #expect(result.notes.first?.contains("was not read in full") == true)
    }

    @Test func documentsOfRemovedSourcesAreAGroupUnderTheSameRule() throws {
        // /corpus2 is no longer in the definition: its one document is all of its group.
        let seen: Set<String> = ["a", "b", "c", "d", "t1", "t2", "t3"]
        #expect(try plan([folder, tickets], stored: stored, seen: seen).refusal?.contains("no longer in the definition") == true)
        #expect(try plan([folder, tickets], stored: stored, seen: seen, force: true).deletions == ["x"])
    }
}

extension RemovalPlanTests {
    @Test func aSourceNestedInAnotherOwnsItsDocumentsWhicheverComesFirst() throws {
        let outer = Source(path: "/corpus", isFile: false, documents: 2, complete: true)
        let tickets = Source(path: "/corpus/tickets.jsonl", isFile: true, documents: 0, complete: true)
        let stored = [("a", "/corpus/a.txt"), ("b", "/corpus/b.txt")] + (0..<10).map { ("t\($0)", "/corpus/tickets.jsonl") }
        // The tickets file came out empty: its documents are its own, so they are kept, in either order.
        for sources in [[outer, tickets], [tickets, outer]] {
            let result = try plan(sources, stored: stored, seen: ["a", "b"], force: true)
            #expect(result.deletions.isEmpty, "\(sources.map(\.path))")
            #expect(result.notes.first?.contains("tickets.jsonl yielded no documents") == true)
        }
    }

    @Test func indexedDocumentsThatBecameRejectsCountAsRemovals() throws {
        let everything: Set<String> = ["a", "b", "c", "d", "t1", "t2", "t3", "x"]
        // Three of the four documents of /corpus emptied: refused even without anything to prune.
        let refused = try plan([folder, tickets], stored: stored, seen: everything, demoted: ["a", "b", "c"])
        #expect(!refused.demotionsAllowed)
        #expect(refused.refusal?.contains("3 now rejected") == true)
        let forced = try plan([folder, tickets], stored: stored, seen: everything, force: true, demoted: ["a", "b", "c"])
        #expect(forced.demotionsAllowed && forced.refusal == nil)
        // One of four is an ordinary change.
        #expect(try plan([folder, tickets], stored: stored, seen: everything, demoted: ["a"]).demotionsAllowed)
    }
}

extension RemovalPlanTests {
    @Test func documentsOfNoSourceAreKeptWhenASourceWasNotReadInFull() throws {
        var renamed = folder
        renamed.complete = false
        let result = try plan(
            [renamed, tickets], stored: stored, seen: ["t1", "t2", "t3"], force: true)
        #expect(result.deletions.isEmpty)
        #expect(result.notes.contains { $0.contains("no current source were kept") })
    }
}

@Suite struct FaultPlanTests {
    @Test func parsesEveryFault() throws {
        let plan = try FaultPlan(parsing: "read=a/b.txt, list=part-2,stall=c.txt,inference=3+,commit=final,prune,finish")
        #expect(plan.readFailures == ["a/b.txt"])
        #expect(plan.listFailures == ["part-2"])
        #expect(plan.stalls == ["c.txt"])
        #expect(!plan.failsInference(batch: 2) && plan.failsInference(batch: 3) && plan.failsInference(batch: 9))
        #expect(plan.failsCommit(number: 1, final: true) && !plan.failsCommit(number: 1, final: false))
        #expect(plan.prune && plan.finish)
        let single = try FaultPlan(parsing: "inference=2,commit=4")
        #expect(single.failsInference(batch: 2) && !single.failsInference(batch: 3))
        #expect(single.failsCommit(number: 4, final: false) && !single.failsCommit(number: 4, final: true))
    }

    @Test func aTypoIsAnErrorNotNoFault() {
        for text in ["reed=a", "inference=zero", "commit=-1", "prune=yes"] {
            #expect(throws: FaultPlanError.self, "\(text)") { try FaultPlan(parsing: text) }
        }
        #expect((try? FaultPlan.fromEnvironment(Environment([:]))) == FaultPlan.none)
    }
}

@Suite struct FailureBreakerTests {
    func verdict(_ failed: Bool) -> BatchVerdict {
        BatchVerdict(failed ? [.failure(EmbeddingFailure(message: "boom"))] : [.success(ChunkEmbedding(vector: [1]))])
    }

    @Test func tripsOnThreeFailuresWhenTheyAreHalf() throws {
        var breaker = FailureBreaker(timeoutSeconds: 30)
        try breaker.record(verdict(true))
        try breaker.record(verdict(false))
        try breaker.record(verdict(true))
        let error = #expect(throws: InferenceStopped.self) { try breaker.record(verdict(true)) }
        #expect(error?.failed == 3 && error?.finished == 4)
        #expect(error?.description.contains("timeouts.inference_seconds (30.0 s)") == true)
    }

    @Test func toleratesScatteredFailuresButNotFiveInARow() throws {
        var breaker = FailureBreaker(timeoutSeconds: 30)
        for _ in 0..<20 { try breaker.record(verdict(false)) }
        for _ in 0..<4 { try breaker.record(verdict(true)) }
        #expect(throws: InferenceStopped.self) { try breaker.record(verdict(true)) }
    }

    @Test func aBatchWithSomeGoodChunksIsNotAFailedBatch() {
        #expect(!BatchVerdict([.success(ChunkEmbedding(vector: [1])), .failure(EmbeddingFailure(message: "bad chunk"))]).failed)
        #expect(!BatchVerdict([]).failed)
    }
}

@Suite struct KeyDigestTests {
    @Test func isStableAndTellsKeysApart() {
        #expect(KeyDigest("docs/a.txt") == KeyDigest("docs/a.txt"))
        #expect(KeyDigest("docs/a.txt") != KeyDigest("docs/b.txt"))
        // The same in every process: the first bytes of SHA-256("abc").
        #expect(KeyDigest("abc").high == 0xBA78_16BF_8F01_CFEA)
        let digests = Set((0..<10_000).map { KeyDigest("key-\($0)") })
        #expect(digests.count == 10_000)
    }
}
