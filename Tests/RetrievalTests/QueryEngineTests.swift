import Embedding
import Foundation
import OpenVINO
@testable import Store
import TestSupport
import Testing
import VectorMath

@testable import Retrieval
import Models

/// A small store embedded with the real model, built once for the suite.
final class Library {
    static let documents: [(key: String, source: String, chunks: [String])] = [
        (
            "garden", "notes/garden.md",
            [
                "Tomatoes need full sun and regular watering; pinch out side shoots as the plants grow.",
                "Compost made from kitchen scraps and leaves feeds the soil through the winter.",
            ]
        ),
        (
            "sqlite", "manuals/sqlite.md",
            [
                "In write-ahead logging mode, readers do not block the writer and the writer does not block readers.",
                "A checkpoint copies pages from the WAL file back into the database file.",
            ]
        ),
        (
            "trains", "notes/trains.md",
            ["The night train from Vienna reaches Venice early in the morning, crossing the Alps after midnight."]
        ),
        (
            "baking", "recipes/bread.md",
            [
                "Knead the dough for ten minutes, then let it rise until doubled in a warm kitchen.",
                "Bake the loaf at 230 degrees until the crust is deep brown and it sounds hollow when tapped.",
            ]
        ),
        (
            "zebra", "notes/zebra.md",
            ["Xylophone quartz zebra: a nonsense line that only a keyword search finds by its rare words."]
        ),
    ]

    let directory: TemporaryDirectory
    let embedder: Embedder
    let path: String

    private init(directory: TemporaryDirectory, embedder: Embedder, path: String) {
        self.directory = directory
        self.embedder = embedder
        self.path = path
    }

    /// - Parameter tokenStates: how the chunks' token states are kept (`.none`: reranking recomputes them).
    static func make(tokenStates: TokenStateFormat = .none) async throws -> Library {
        let directory = try TemporaryDirectory()
        let model = try ModelDirectory.resolve(ProjectPaths.model().path)
        let embedder = try await Embedder.load(
            model, options: .init(precision: .f32), cache: ModelCache(core: try Core()))
        let path = directory.file("library.sqlite")
        let store = try Store(path: path)
        try store.bind(to: ModelIdentity(model))
        var inputs: [DocumentInput] = []
        for document in documents {
            let vectors = try await embedder.embed(document.chunks.map(embedder.encode), tokenStates: tokenStates)
            let chunks = document.chunks.enumerated().map { ordinal, text in
                ChunkInput(
                    ordinal: ordinal, text: text, characterStart: 0, characterEnd: text.count, tokenCount: 20,
                    embedding: vectors[ordinal].vector, tokenStates: vectors[ordinal].states?.bytes)
            }
            inputs.append(
                DocumentInput(
                    key: document.key, source: document.source, contentHash: document.key, byteSize: 100,
                    chunks: chunks))
        }
        try store.write(documents: inputs)
        return Library(directory: directory, embedder: embedder, path: path)
    }

    func engine(crossEncoder: CrossEncoder? = nil) throws -> QueryEngine {
        try QueryEngine(store: try Store(path: path, mode: .readOnly), embedder: embedder, crossEncoder: crossEncoder)
    }
}

@Suite(.serialized) struct QueryEngineTests {
    let library: Library

    init() async throws {
        library = try await Library.make()
    }

    func documents(_ answer: QueryAnswer) -> [String] { answer.results.map(\.hit.documentKey) }

    @Test(arguments: RetrievalMode.allCases)
    func everyModeFindsTheDocumentThatAnswers(mode: RetrievalMode) async throws {
        let engine = try library.engine()
        let query = mode == .keyword ? "when does the night train reach Venice" : "overnight rail journey over the mountains"
        let answer = try await engine.query(query, options: QueryOptions(k: 3, mode: mode, rerank: .none))
        #expect(documents(answer).first == "trains", "\(documents(answer))")
        // Best chunk per document: no document twice.
        #expect(Set(documents(answer)).count == answer.results.count)
        #expect(answer.results.map(\.score) == answer.results.map(\.score).sorted(by: >))
    }

    @Test func vectorSearchFindsMeaningWithoutSharedWordsAndKeywordSearchDoesNot() async throws {
        let engine = try library.engine()
        // No word in common, not even a stem ("growing" would find "grow").
        let query = "cultivating vegetables"
        let vector = try await engine.query(query, options: QueryOptions(k: 2, mode: .vector, rerank: .none))
        #expect(documents(vector).first == "garden")
        let keyword = try await engine.query(query, options: QueryOptions(k: 2, mode: .keyword, rerank: .none))
        #expect(keyword.results.isEmpty)
    }

    @Test func hybridKeepsWhatOnlyKeywordSearchFinds() async throws {
        let engine = try library.engine()
        let query = "xylophone quartz"
        let hybrid = try await engine.query(query, options: QueryOptions(k: 5, mode: .hybrid, rerank: .none))
        let keyword = try await engine.query(query, options: QueryOptions(k: 5, mode: .keyword, rerank: .none))
        #expect(documents(keyword) == ["zebra"])
        #expect(documents(hybrid).first == "zebra")
        // Hybrid also brings the vector candidates: more documents than keyword search alone.
        #expect(hybrid.results.count == 5)
    }

    @Test func chunksModeReturnsEveryChunkAndFiltersRestrictTheDocuments() async throws {
        let engine = try library.engine()
        let all = try await engine.query(
            "how to make bread", options: QueryOptions(k: 10, mode: .vector, rerank: .none, groupByDocument: false))
        #expect(all.results.count == 8)
        #expect(all.results.filter { $0.hit.documentKey == "baking" }.count == 2)
        let filtered = try await engine.query(
            "how to make bread",
            options: QueryOptions(k: 10, mode: .vector, rerank: .none, filter: SearchFilter(sourcePrefix: "notes/")))
        #expect(Set(documents(filtered)) == ["garden", "trains", "zebra"])
    }

    @Test func lateInteractionRescoresTheCandidatesWithTokenStates() async throws {
        let engine = try library.engine()
        let query = "checkpoint of the write-ahead log"
        let answer = try await engine.query(
            query,
            options: QueryOptions(
                k: 5, mode: .vector, rerank: .lateInteraction, groupByDocument: false, firstStageWeight: 0))
        #expect(answer.results.first?.hit.documentKey == "sqlite")
        // The scores are MaxSim means, not the retrieval cosines, and agree with a direct computation.
        let first = try #require(answer.results.first)
        #expect(first.score != first.retrievalScore)
        let encoding = library.embedder.encode(query)
        let allStates = try await library.embedder.tokenStates([encoding])[0]
        #expect(allStates.count == encoding.count - 2)
        // The query's telling tokens: "of" and "the" left out.
        let queryStates = Reranker.telling(allStates, of: encoding, tokenizer: library.embedder.tokenizer)
        #expect(queryStates.count < allStates.count)
        let passageStates = try await library.embedder.tokenStates([library.embedder.encode(first.hit.text)])[0]
        let expected = VectorMath.maxSim(
            query: queryStates.values, queryTokens: queryStates.count, passage: passageStates.values,
            passageTokens: passageStates.count, width: queryStates.width)
        #expect(abs(first.score - expected) < 1e-4)
        #expect(answer.results.allSatisfy { $0.score > 0 && $0.score <= 1.0001 })
    }

    @Test func storedTokenStatesScoreAsRecomputedOnes() async throws {
        let stored = try await Library.make(tokenStates: .int8)
        let withStates = try stored.engine()
        let without = try library.engine()
        let options = QueryOptions(
            k: 8, mode: .vector, rerank: .lateInteraction, groupByDocument: false, firstStageWeight: 0)
        for query in ["checkpoint of the write-ahead log", "bread crust", "night train"] {
            let a = try await withStates.query(query, options: options)
            let b = try await without.query(query, options: options)
            let recomputed = Dictionary(uniqueKeysWithValues: b.results.map { ($0.hit.text, $0.score) })
            #expect(a.results.count == 8)
            for result in a.results {
                let expected = try #require(recomputed[result.hit.text])
                #expect(abs(result.score - expected) < 0.01, "\(query): \(result.score) vs \(expected)")
            }
        }
        // The kept states are read, not recomputed: the engine never runs the model over the candidates.
        #expect(try withStates.store.tokenStates(for: Array(1...8)).count == 8)
    }

    @Test func aDamagedStateBlobIsRecomputedNotTrusted() async throws {
        let stored = try await Library.make(tokenStates: .binary)
        do {
            // Damage every kept blob a different way: cut short, unknown format, another width.
            let store = try Store(path: stored.path)
            try store.connection.execute("UPDATE chunk_states SET states = substr(states, 1, 20) WHERE chunk_id % 3 = 0")
            try store.connection.execute("UPDATE chunk_states SET states = x'0900000000' WHERE chunk_id % 3 = 1")
            try store.connection.execute("UPDATE chunk_states SET states = x'0210000100ffff' WHERE chunk_id % 3 = 2")
        }
        let options = QueryOptions(
            k: 8, mode: .vector, rerank: .lateInteraction, groupByDocument: false, firstStageWeight: 0)
        let damaged = try await stored.engine().query("checkpoint of the write-ahead log", options: options)
        let recomputed = try await library.engine().query("checkpoint of the write-ahead log", options: options)
        #expect(damaged.results.map(\.hit.text) == recomputed.results.map(\.hit.text))
        for (a, b) in zip(damaged.results, recomputed.results) { #expect(abs(a.score - b.score) < 1e-4) }
    }

    @Test func theDefaultQueryRetrievesBothWaysAndReranks() async throws {
        let engine = try library.engine()
        let options = QueryOptions()
        #expect(options.mode == .hybrid && options.rerank == .lateInteraction)
        let answer = try await engine.query("when does the night train reach Venice", options: options)
        #expect(documents(answer).first == "trains")
        #expect(answer.rerankSeconds > 0)
        // Every result was reranked; the order is the fusion of the reranked and first-stage ranks.
        #expect(answer.results.allSatisfy { $0.rerankScore != nil })
        #expect(answer.results.map(\.score) == answer.results.map(\.score).sorted(by: >))
        // The keyword list still counts after reranking: the rare words' document comes first for them.
        let rare = try await engine.query("xylophone quartz", options: options)
        #expect(documents(rare).first == "zebra")
    }

    @Test func theDefaultQueryRunsTheModelOnceForItsQuestion() async throws {
        let stored = try await Library.make(tokenStates: .binary)
        let engine = try stored.engine()
        let embedder = stored.embedder
        let question = "when does the night train reach Venice"
        // One inference gives what the two separate ones gave: the sentence vector and the token states.
        let encoding = embedder.encode(question)
        let both = try await embedder.embedWithTokenStates(encoding)
        let vector = try await embedder.embed([encoding])[0]
        let states = try await embedder.tokenStates([encoding])[0]
        #expect(both.vector.count == vector.count && zip(both.vector, vector).allSatisfy { abs($0 - $1) < 1e-6 })
        #expect(both.states.count == states.count && both.states.width == states.width)
        #expect(zip(both.states.values, states.values).allSatisfy { abs($0 - $1) < 1e-6 })

        // With kept states, each query runs the model once: its question, searched and reranked alike.
        func inferences(_ options: QueryOptions) async throws -> (Int, QueryAnswer) {
            let before = embedder.inferencesRun
            let answer = try await engine.query(question, options: options)
            return (embedder.inferencesRun - before, answer)
        }
        let (defaultRuns, answer) = try await inferences(QueryOptions())
        #expect(defaultRuns == 1)
        #expect(documents(answer).first == "trains")
        #expect(try await inferences(QueryOptions(mode: .vector)).0 == 1)
        #expect(try await inferences(QueryOptions(mode: .keyword)).0 == 1)
        #expect(try await inferences(QueryOptions(mode: .hybrid, rerank: .none)).0 == 1)
        #expect(try await inferences(QueryOptions(mode: .keyword, rerank: .none)).0 == 0)

        // Scores are those of the question embedded twice, as before: the candidates' kept states against the
        // question's states computed on their own.
        let candidates = try await engine.candidates(question, options: QueryOptions())
        let separate = try await engine.rerank(question, candidates: candidates.map(\.hit), method: .lateInteraction)
        let byChunk = Dictionary(uniqueKeysWithValues: zip(candidates.map(\.hit.chunkID), separate))
        for result in answer.results {
            let expected = try #require(byChunk[result.hit.chunkID])
            #expect(abs((result.rerankScore ?? -1) - expected) < 1e-5)
        }
    }
}
