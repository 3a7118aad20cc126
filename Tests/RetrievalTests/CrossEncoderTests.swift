import Embedding
import Foundation
import OpenVINO
import TestSupport
import Testing

@testable import Retrieval
import Models

/// The cross-encoder path against a numpy forward pass of the same random weights
/// (`scripts/make_test_models.py`, run by `make test`, builds the model and the reference).
@Suite(.serialized) struct CrossEncoderTests {
    struct Reference: Decodable {
        struct Pair: Decodable {
            var query: String
            var passage: String
            var ids: [Int32]
            var type_ids: [Int32]
            var logit: Float
        }
        var pairs: [Pair]
    }

    static let directory = ProjectPaths.root.appendingPathComponent(".deps/test-models/tiny-cross-encoder").path

    func load(precision: InferencePrecision = .f32) async throws -> (CrossEncoder, Reference) {
        let model = try ModelDirectory(path: Self.directory)
        let encoder = try await CrossEncoder.load(
            model, options: .init(precision: precision), cache: ModelCache(core: try Core()))
        let data = try Data(contentsOf: URL(fileURLWithPath: Self.directory + "/reference.json"))
        return (encoder, try JSONDecoder().decode(Reference.self, from: data))
    }

    @Test func pairsAreEncodedAsTheModelExpects() async throws {
        let (encoder, reference) = try await load()
        #expect(reference.pairs.count == 7)
        for pair in reference.pairs {
            let encoding = encoder.encode(query: pair.query, passage: pair.passage)
            #expect(encoding.ids == pair.ids)
            #expect(encoding.typeIDs == pair.type_ids)
        }
        // One pair is longer than the model's 40 positions and is truncated longest first.
        #expect(reference.pairs.contains { $0.ids.count == 40 })
    }

    @Test func logitsMatchTheNumpyReferenceAloneAndInMixedBatches() async throws {
        let (encoder, reference) = try await load()
        for pair in reference.pairs {
            let score = try await encoder.score([encoder.encode(query: pair.query, passage: pair.passage)])[0]
            #expect(abs(score - pair.logit) < 1e-4, "\(pair.query) / \(pair.passage): \(score) vs \(pair.logit)")
        }
        // All pairs in one padded batch, and through the batching helper (small budget: several batches).
        let batch = try await encoder.score(reference.pairs.map { encoder.encode(query: $0.query, passage: $0.passage) })
        for (score, pair) in zip(batch, reference.pairs) { #expect(abs(score - pair.logit) < 1e-4) }
        let query = reference.pairs[0].query
        let passages = reference.pairs.map(\.passage)
        let batched = try await encoder.score(query: query, passages: passages, batchTokens: 64)
        for (index, passage) in passages.enumerated() {
            let alone = try await encoder.score([encoder.encode(query: query, passage: passage)])[0]
            #expect(abs(batched[index] - alone) < 1e-4)
        }
        // The scores depend on the pair.
        #expect(Set(reference.pairs.map { ($0.logit * 1000).rounded() }).count == reference.pairs.count)
    }

    @Test func theRerankerOrdersPassagesByTheLogit() async throws {
        let (encoder, reference) = try await load()
        let embedder = try await Embedder.load(
            try ModelDirectory.resolve(ProjectPaths.model().path), cache: ModelCache(core: try Core()))
        let query = reference.pairs[3].query
        let passages = reference.pairs.map(\.passage)
        let scores = try await Reranker(embedder: embedder, crossEncoder: encoder)
            .scores(query: query, passages: passages, method: .crossEncoder)
        let direct = try await encoder.score(query: query, passages: passages)
        #expect(scores == direct)
    }

    @Test func modelsOfTheWrongKindAreClearErrors() async throws {
        let cache = ModelCache(core: try Core())
        let embedding = try ModelDirectory.resolve(ProjectPaths.model().path)
        await #expect {
            _ = try await CrossEncoder.load(embedding, cache: cache)
        } throws: { error in
            "\(error)".contains("has task 'embedding': a cross-encoder is a sequence-classification model")
        }
        await #expect {
            _ = try await Embedder.load(try ModelDirectory(path: Self.directory), cache: cache)
        } throws: { error in
            "\(error)".contains("is a classification model, not an embedding model")
        }
    }
}
