import Embedding
import Foundation
import OpenVINO
@testable import Store
import TestSupport
import Testing
import VectorMath
@testable import Retrieval
import Models

/// Query engine, continued: failures, limits, and what the fast path and late interaction leave out.
extension QueryEngineTests {
    @Test func aQuestionTheModelFailsOnIsAnErrorInEveryMode() async throws {
        // An embedder whose inferences cannot finish in time: the question's inference times out.
        let model = try ModelDirectory.resolve(ProjectPaths.model().path)
        let slow = try await Embedder.load(
            model, options: .init(precision: .f32, timeout: .microseconds(1)), cache: ModelCache(core: try Core()))
        let engine = try QueryEngine(store: try Store(path: library.path, mode: .readOnly), embedder: slow)
        let question = String(repeating: "checkpoint of the write-ahead log and the night train to Venice ", count: 25)
        for options in [QueryOptions(), QueryOptions(mode: .vector), QueryOptions(mode: .keyword)] {
            let error = await #expect(throws: OpenVINOError.self) { try await engine.query(question, options: options) }
            #expect(error?.kind == .timedOut, "\(options.mode)")
        }
    }

    @Test func lateInteractionLeavesOutTheQuerysPunctuationAndCommonWords() async throws {
        let embedder = library.embedder
        let encoding = embedder.encode("What is the checkpoint of the log?")
        let states = try await embedder.tokenStates([encoding])[0]
        let telling = Reranker.telling(states, of: encoding, tokenizer: embedder.tokenizer)
        let words = ["checkpoint", "log"].map { embedder.tokenizer.encode($0, addSpecialTokens: false).count }
        #expect(telling.count == words.reduce(0, +))
        #expect(telling.count < states.count)
        // The kept rows are the states of those tokens, unchanged.
        let checkpoint = 3  // after "what", "is", "the"
        #expect(Array(telling.values.prefix(states.width)) == Array(states.values[(checkpoint * states.width)...].prefix(states.width)))
        // Only whole words go: "is" and "in" starting "isinstance" and "inotify" stay.
        let compound = embedder.encode("isinstance inotify")
        let wordStates = try await embedder.tokenStates([compound])[0]
        #expect(Reranker.telling(wordStates, of: compound, tokenizer: embedder.tokenizer).count == wordStates.count)
        // A question of nothing else keeps every token.
        let plain = embedder.encode("the of and")
        let all = try await embedder.tokenStates([plain])[0]
        #expect(Reranker.telling(all, of: plain, tokenizer: embedder.tokenizer) == all)
    }

    @Test func theVectorFastPathReturnsWhatTheGeneralPathWould() async throws {
        let engine = try library.engine()
        for query in ["bread and baking", "databases", "a journey by night", "zebra"] {
            let fast = try await engine.query(query, options: QueryOptions(k: 3, mode: .vector, rerank: .none))
            // The general path: every candidate with its text, sorted, one chunk per document.
            var seen = Set<String>()
            let general = try await engine.candidates(query, options: QueryOptions(k: 3, mode: .vector, rerank: .none))
                .sorted { $0.score != $1.score ? $0.score > $1.score : $0.hit.chunkID < $1.hit.chunkID }
                .filter { seen.insert($0.hit.documentKey).inserted }.prefix(3)
            #expect(fast.results.map(\.hit) == general.map(\.hit), "\(query)")
            #expect(fast.results.map(\.score) == general.map(\.score))
        }
    }

    @Test func limitsAreClearErrors() async throws {
        let engine = try library.engine()
        let cases: [(String, QueryOptions, String)] = [
            ("bread", QueryOptions(k: 51), "k is 51; it must be between 1 and 50"),
            ("bread", QueryOptions(candidates: 201), "candidates is 201; it must be between 1 and 200"),
            (String(repeating: "a", count: 2001), QueryOptions(), "the query is 2001 characters; the limit is 2000"),
            ("   ", QueryOptions(), "the query is empty"),
            ("bread", QueryOptions(rerank: .crossEncoder), "needs a reranker model"),
        ]
        for (text, options, message) in cases {
            do {
                _ = try await engine.query(text, options: options)
                Issue.record("no error for \(options)")
            } catch let error as QueryError {
                #expect(error.description.contains(message), "\(error)")
            }
        }
    }

    @Test func aStoreOfAnotherModelIsRefused() async throws {
        let directory = try TemporaryDirectory()
        let store = try Store(path: directory.file("other.sqlite"))
        try store.bind(
            to: ModelIdentity(
                modelID: "someone/else", dimension: 768, pooling: "mean", normalized: true,
                weightsSHA256: String(repeating: "1", count: 64), variant: "x"))
        #expect(throws: QueryError.self) {
            _ = try QueryEngine(store: store, embedder: library.embedder)
        }
    }

    /// The int8 variant has the same model id and dimension but other weights: its vectors are not comparable.
    @Test func aStoreOfAnotherVariantOfTheSameModelIsRefused() async throws {
        let directory = try TemporaryDirectory()
        let store = try Store(path: directory.file("int8.sqlite"))
        let int8 = try ModelDirectory(path: ProjectPaths.model("all-MiniLM-L6-v2-int8").path)
        #expect(int8.manifest.model_id == library.embedder.directory.manifest.model_id)
        try store.bind(to: ModelIdentity(int8))
        do {
            _ = try QueryEngine(store: store, embedder: library.embedder)
            Issue.record("a store built with the int8 model was searched with the original model")
        } catch let error as QueryError {
            #expect(error.description.contains("all-MiniLM-L6-v2-int8"), "\(error)")
            #expect(error.description.contains("weights"), "\(error)")
        }
        let same = try Store(path: directory.file("same.sqlite"))
        try same.bind(to: ModelIdentity(library.embedder.directory))
        _ = try QueryEngine(store: same, embedder: library.embedder)
    }
}
