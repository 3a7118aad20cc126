import Host
import Store
import Tokenizer

/// The third stage: cuts each accepted document into token windows (`Chunker`), checks the chunk count
/// (`Validator`), tells the writer what it planned, and sends the chunks on to the embedder.
struct ChunkingStage {
    let chunker: Chunker
    let validator: Validator
    let monitor: RunMonitor
    /// Whether each chunk carries its document's title (`chunking.title`).
    var titles = true
    /// Which documents are cut and labelled by their Markdown headings (`chunking.structure`).
    var structure = ChunkStructure.auto
    let shouldStop: @Sendable () -> Bool

    func run(
        from documents: BoundedChannel<SourceDocument>, to chunks: BoundedChannel<ChunkJob>,
        results: BoundedChannel<WriterMessage>
    ) async throws {
        var sequence: UInt64 = 0
        for try await document in documents {
            // After a stop, documents still arriving are dropped: the next run reads them again.
            if shouldStop() {
                monitor.documentsLeft(1)
                continue
            }
            let clock = ContinuousClock()
            let started = clock.now
            // The title (and a Markdown chunk's headings) go in front of every chunk's pieces, within the model's
            // budget: at most a quarter of a chunk (the chunker keeps the overlap while windows start at least
            // every half step).
            let title = titles ? DocumentTitle.of(document.header, text: document.text) : ""
            let markdown = structure.isMarkdown(key: document.header.key)
            let limit = min(DocumentTitle.maximumTokens, chunker.maxTokens / 4)
            var contexts: [[String]: (text: String, ids: [Int32])] = [:]
            func context(_ section: [String]) -> (text: String, ids: [Int32]) {
                guard titles else { return ("", []) }
                if let known = contexts[section] { return known }
                let made = DocumentTitle.context(
                    title: title, section: section, tokenizer: chunker.tokenizer, limit: limit)
                contexts[section] = made
                return made
            }
            var plans = chunker.chunks(of: document.text, markdown: markdown) { context($0).ids.count }
            var encodings: [Encoding] = []
            encodings.reserveCapacity(plans.count)
            for index in plans.indices {
                let (text, ids) = context(plans[index].section)
                plans[index].context = text
                encodings.append(chunker.tokenizer.encoding(wrapping: (ids + plans[index].tokenIDs)[...]))
            }
            let busy = (clock.now - started).seconds
            monitor.update { $0.chunkerSeconds += busy }
            if let reject = validator.validate(chunks: plans.count, of: document.header) {
                monitor.documentsLeft(1)
                try await results.send(.problem(reject))
                continue
            }
            sequence += 1
            let plan = DocumentPlan(sequence: sequence, header: document.header, chunks: plans)
            try await results.send(.planned(plan))
            for (plan, encoding) in zip(plans, encodings) {
                try await chunks.send(ChunkJob(document: sequence, ordinal: plan.ordinal, encoding: encoding))
            }
        }
        chunks.finish()
    }
}
