/// The first stage: reads every source (`CorpusReader`) and hands each item to the validator, in order. A stop
/// ends it between items; the writer learns whether every source was read to its end.
struct ReadingStage {
    let reader: CorpusReader
    let shouldStop: @Sendable () -> Bool

    func run(to items: BoundedChannel<ReadItem>, results: BoundedChannel<WriterMessage>) async throws {
        let stop = shouldStop
        try await reader.read(shouldStop: { stop() }) { item in
            try await items.send(item)
        }
        try await results.send(.readingFinished(complete: !stop()))
        items.finish()
    }
}
