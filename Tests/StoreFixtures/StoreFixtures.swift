import Checksum
public import Store
import Synthetic
public import TestSupport
public import TextIO

/// Stores with synthetic vectors, for the tests of the modules that read and write stores.

public let testModel = ModelIdentity(
    modelID: "test/model", dimension: 8, pooling: "mean", normalized: true,
    weightsSHA256: String(repeating: "a", count: 64))

public func makeStore(_ directory: TemporaryDirectory, name: String = "store.sqlite") throws -> Store {
    let store = try Store(path: directory.file(name))
    try store.bind(to: testModel)
    return store
}

public func document(
    _ key: String, chunks texts: [String], hash: String? = nil, source: String? = nil,
    metadata: [String: JSONValue] = [:], seed: UInt64 = 1
) -> DocumentInput {
    // A stable seed per key (hashValue changes from process to process).
    var generator = SplitMix64(seed: key.utf8.reduce(seed) { $0 &* 31 &+ UInt64($1) })
    let chunks = texts.enumerated().map { ordinal, text in
        ChunkInput(
            ordinal: ordinal, text: text, characterStart: ordinal * 100, characterEnd: ordinal * 100 + text.count,
            tokenCount: text.split(separator: " ").count + 2, embedding: generator.unitVector(8))
    }
    return DocumentInput(
        key: key, source: source ?? "docs/\(key).txt", contentHash: hash ?? SHA256.hex(Array(texts.joined().utf8)),
        byteSize: texts.joined().utf8.count, metadata: metadata, chunks: chunks)
}
