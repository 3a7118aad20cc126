import Embedding
import Models
import OpenVINO
import TestSupport
import Testing

/// The windowed embed loop `ovindex embed` runs: every text comes back once, in input order, with the vector a
/// whole-batch embedding gives it.
@Suite struct EmbeddingWindowTests {
    @Test func windowsGiveBackEveryTextInOrderWithItsVector() async throws {
        let embedder = try await Embedder.load(
            try ModelDirectory.resolve(ProjectPaths.model().path), options: .init(precision: .f32),
            cache: ModelCache(core: try Core()))
        let texts = (0..<7).map { "sentence number \($0) " + String(repeating: "word ", count: $0 * 9) }
        let expected = try await embedder.embed(texts.map(embedder.encode))
        var window = EmbeddingWindow<Int>(embedder: embedder, batchTokens: 64, capacity: 3)
        var results: [(item: Int, vector: [Float])] = []
        for (index, text) in texts.enumerated() {
            let done = try await window.add(index, text: text)
            #expect(done.isEmpty == ((index + 1) % 3 != 0), "a full window is embedded as it fills")
            results += done
        }
        results += try await window.flush()
        #expect(try await window.flush().isEmpty)
        #expect(results.map(\.item) == Array(0..<7))
        for (result, vector) in zip(results, expected) {
            let difference = zip(result.vector, vector).map { abs($0 - $1) }.max() ?? 1
            #expect(difference < 1e-5, "text \(result.item)")
        }
        #expect(window.textsEmbedded == 7)
        #expect(window.tokensEmbedded == texts.map { embedder.encode($0).count }.reduce(0, +))
    }
}
