import Host

/// The first stage: reads every source (`CorpusReader`) and hands each item to the validator, in order. A stop
/// ends it between items; the writer learns whether every source was read to its end.
struct ReadingStage {
    let reader: CorpusReader
    let monitor: RunMonitor
    let shouldStop: @Sendable () -> Bool

    func run(to items: BoundedChannel<ReadItem>, results: BoundedChannel<WriterMessage>) async throws {
        let stop = shouldStop
        let clock = ContinuousClock()
        var resumed = clock.now
        try await reader.read(shouldStop: { stop() }) { item in
            // Time spent reading, not waiting for the validator to take the item.
            let busy = (clock.now - resumed).seconds
            monitor.update { $0.readerSeconds += busy }
            try await items.send(item)
            resumed = clock.now
        }
        try await results.send(.readingFinished(complete: !stop()))
        items.finish()
    }
}
