import Models
public import Tokenizer
import VectorMath

/// The contextual vectors of one text's tokens, as the embedding model's last layer gives them.
public struct TokenStates: Sendable, Equatable {
    /// Number of tokens kept (special and padding tokens are left out).
    public var count: Int
    /// Size of each vector (the model's hidden size).
    public var width: Int
    /// Row-major [count, width] values, each row scaled to unit length.
    public var values: [Float]

    public init(count: Int, width: Int, values: [Float]) {
        self.count = count
        self.width = width
        self.values = values
    }
}

extension Embedder {
    /// Unit-length token vectors of each encoding (without [CLS], [SEP] or padding), in the same order: what
    /// late-interaction (ColBERT-style MaxSim) scoring compares.
    ///
    /// - Throws: `OpenVINOError` (with kind `.timedOut` past the timeout), `CancellationError`, `ModelError`.
    public func tokenStates(_ encodings: [Encoding]) async throws -> [TokenStates] {
        guard !encodings.isEmpty else { return [] }
        let batch = BatchEncoding(
            encodings, padID: tokenizer.paddingID, lengthMultiple: options.lengthMultiple, maximumLength: maximumLength)
        let timeout = options.timeout
        return try await run(batch, timeout: timeout) { request in
            let output = try request.output("token_embeddings")
            let shape = output.shape
            guard shape.count == 3, shape[0] == batch.rows, shape[1] == batch.sequenceLength else {
                throw ModelError(
                    path: request.model.source,
                    message: "token_embeddings has shape \(shape), expected [\(batch.rows), \(batch.sequenceLength), hidden]")
            }
            let width = shape[2]
            return output.withUnsafeMutableBufferPointer(as: Float.self) { values in
                encodings.enumerated().map { row, encoding in
                    Self.unitStates(values, row: row, encoding: encoding, sequenceLength: batch.sequenceLength, width: width)
                }
            }
        }
    }

    /// A query's sentence embedding and its unit-length token states (`tokenStates(_:)`), from one inference:
    /// what a query that searches by vector and reranks by late interaction needs of its question.
    ///
    /// - Throws: `OpenVINOError` (with kind `.timedOut` past the timeout), `CancellationError`, `ModelError`.
    public func embedWithTokenStates(_ encoding: Encoding) async throws -> (vector: [Float], states: TokenStates) {
        try await withBothOutputs([encoding]) { vectors, tokens, sequenceLength, width in
            (vectors[0], Self.unitStates(tokens, row: 0, encoding: encoding, sequenceLength: sequenceLength, width: width))
        }
    }

    /// Row `row` of a [rows, sequenceLength, width] output: its tokens' vectors without special tokens or
    /// padding, each scaled to unit length.
    static func unitStates(
        _ values: UnsafeMutableBufferPointer<Float>, row: Int, encoding: Encoding, sequenceLength: Int, width: Int
    ) -> TokenStates {
        var kept: [Float] = []
        kept.reserveCapacity(encoding.count * width)
        var count = 0
        for position in 0..<encoding.count where !encoding.specialTokensMask[position] {
            let base = (row * sequenceLength + position) * width
            let norm = VectorMath.norm(values[base..<(base + width)])
            let scale: Float = norm > 0 ? 1 / norm : 0
            for index in base..<(base + width) { kept.append(values[index] * scale) }
            count += 1
        }
        return TokenStates(count: count, width: width, values: kept)
    }
}
