import Store

/// The settings a store is bound to besides its model: chunks cut another way are not comparable with the
/// store's, so a run records these on a new store and refuses a store built otherwise (`Store.bind(setting:)`),
/// and a dry run says what the run would refuse (`Store.verify(setting:)`).
struct StoreBinding {
    struct Entry: Equatable {
        var key: String
        var value: String
        /// How an error names it: "chunks of at most".
        var meaning: String
    }

    /// - Parameters:
    ///   - chunks: the chunk size and overlap the run uses; nil leaves the chunk settings unchecked (a dry run
    ///     whose model is unknown).
    ///   - structure: the chunk structure the run uses; nil leaves it unchecked (a dry run that names none
    ///     takes the store's own).
    static func entries(
        chunks: (maxTokens: Int, overlap: Int)?, definition: PipelineDefinition, structure: ChunkStructure?
    ) -> [Entry] {
        var entries: [Entry] = []
        if let chunks {
            entries += [
                Entry(key: "chunk_tokens", value: String(chunks.maxTokens), meaning: "chunks of at most"),
                Entry(key: "overlap_tokens", value: String(chunks.overlap), meaning: "a chunk overlap of"),
                // Vectors of chunks with and without their title are not comparable: one kind per store.
                Entry(
                    key: "chunk_title", value: definition.chunkTitles ? "on" : "off",
                    meaning: "chunk titles (chunking.title)"),
            ]
        }
        // So are chunks cut at headings and plain ones.
        if let structure, chunks != nil {
            entries.append(
                Entry(key: "chunk_structure", value: structure.rawValue, meaning: "chunk structure (chunking.structure)"))
        }
        // A shard's store holds that shard only: another shard's run would prune it away.
        if let shard = definition.shard {
            entries.append(Entry(key: "shard", value: "\(shard.index)/\(shard.count)", meaning: "shard"))
        }
        return entries
    }

    /// Records every entry on `store`, or checks it is the one recorded.
    static func bind(_ entries: [Entry], to store: Store) throws(StoreError) {
        for entry in entries { try store.bind(setting: entry.key, to: entry.value, meaning: entry.meaning) }
    }

    /// Checks every entry against `store`, writing nothing.
    static func verify(_ entries: [Entry], against store: Store) throws(StoreError) {
        for entry in entries { try store.verify(setting: entry.key, is: entry.value, meaning: entry.meaning) }
    }
}
