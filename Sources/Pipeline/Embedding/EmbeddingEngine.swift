public import Embedding
import OpenVINO
public import Tokenizer

/// What embeds chunks: the real `Embedder`, or a stand-in in tests.
public protocol EmbeddingEngine: Sendable {
    var dimension: Int { get }
    /// Batches are padded to a multiple of this length (see `Embedder.Options.lengthMultiple`).
    var lengthMultiple: Int { get }
    /// One vector of `dimension` values per encoding, in order.
    ///
    /// - Throws: whatever the engine fails with (`isTimeout` tells a timeout), `CancellationError`.
    func embed(_ encodings: [Encoding]) async throws -> [[Float]]
    /// `embed(_:)` with each encoding's token states packed in `format` from the same inference (nil states
    /// for `.none`, or from an engine that has none).
    func embed(_ encodings: [Encoding], tokenStates format: TokenStateFormat) async throws
        -> [(vector: [Float], states: PackedTokenStates?)]
    /// Whether `error` (thrown by `embed`) says the batch ran past its timeout: the machine is too slow or too
    /// loaded, not a chunk bad, so the batch is not split to find one.
    func isTimeout(_ error: any Error) -> Bool
}

extension EmbeddingEngine {
    public func isTimeout(_ error: any Error) -> Bool { false }

    public func embed(_ encodings: [Encoding], tokenStates format: TokenStateFormat) async throws
        -> [(vector: [Float], states: PackedTokenStates?)]
    {
        try await embed(encodings).map { ($0, nil) }
    }
}

extension Embedder: EmbeddingEngine {
    public var lengthMultiple: Int { options.lengthMultiple }

    public func isTimeout(_ error: any Error) -> Bool {
        (error as? OpenVINOError)?.kind == .timedOut
    }
}
