/// Embeds a stream of texts a window at a time: each window's texts are tokenized, grouped into batches of
/// similar lengths under the token budget (several in flight, as many as the embedder has requests) and handed
/// back with their vectors in input order. Memory stays bounded by the window, whatever the input's size.
public struct EmbeddingWindow<Item> {
    public let embedder: Embedder
    public let batcher: TokenBatcher
    /// Texts read, tokenized and embedded together.
    public let capacity: Int
    public private(set) var textsEmbedded = 0
    public private(set) var tokensEmbedded = 0
    private var items: [Item] = []
    private var texts: [String] = []

    public init(embedder: Embedder, batchTokens: Int = InferenceLimits.defaultBatchTokens, capacity: Int = 1024) {
        self.embedder = embedder
        batcher = TokenBatcher(budget: batchTokens, lengthMultiple: embedder.options.lengthMultiple)
        self.capacity = max(1, capacity)
    }

    /// Adds one text; when that fills the window, embeds it and returns its items with their vectors, in the
    /// order they were added (empty otherwise).
    ///
    /// - Throws: the embedder's errors (`OpenVINOError`, including the timeout; `CancellationError`).
    public mutating func add(_ item: Item, text: String) async throws -> [(item: Item, vector: [Float])] {
        items.append(item)
        texts.append(text)
        return items.count >= capacity ? try await flush() : []
    }

    /// Embeds what the window holds and returns it (the last, partial window of a stream).
    public mutating func flush() async throws -> [(item: Item, vector: [Float])] {
        guard !items.isEmpty else { return [] }
        let embedder = self.embedder
        let encodings = texts.map { embedder.encode($0) }
        let vectors = try await batcher.map(encodings) { try await embedder.embed($0) }
        let done = Array(zip(items, vectors)).map { (item: $0.0, vector: $0.1) }
        textsEmbedded += items.count
        tokensEmbedded += encodings.reduce(0) { $0 + $1.count }
        items.removeAll(keepingCapacity: true)
        texts.removeAll(keepingCapacity: true)
        return done
    }
}
