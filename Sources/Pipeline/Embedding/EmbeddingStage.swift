import Embedding
import Tokenizer

/// The fourth stage: gathers chunks into batches of similar length under a token budget, runs up to
/// `concurrency.infer_requests` of them at once on the engine, and sends each batch's vectors (or failures) to
/// the writer. A failed batch is retried once, then split to isolate a bad chunk; when most batches fail the
/// breaker stops the run. A stop takes no new batch: those in flight finish, the rest is redone by the next run.
struct EmbeddingStage {
    let engine: any EmbeddingEngine
    let definition: PipelineDefinition
    let monitor: RunMonitor
    let faults: FaultPlan
    let shouldStop: @Sendable () -> Bool

    func run(from chunks: BoundedChannel<ChunkJob>, results: BoundedChannel<WriterMessage>) async throws {
        let batcher = TokenBatcher(
            budget: definition.batchTokens, maximumRows: definition.batchRows, lengthMultiple: engine.lengthMultiple)
        let window = max(definition.batchRows, definition.chunkQueue)
        let engine = self.engine
        let monitor = self.monitor
        let timeout = definition.inferenceTimeoutSeconds
        let faults = self.faults
        let shouldStop = self.shouldStop
        let tokenStates = definition.tokenStates
        var breaker = FailureBreaker(timeoutSeconds: timeout)
        try await withThrowingTaskGroup(of: BatchVerdict.self) { group in
            var running = 0
            var number = 0
            var shapes = Set<Int>()
            receiving: while let first = try await chunks.receive() {
                // A stop takes no new batch: those in flight finish, the rest is redone by the next run.
                if shouldStop() { break receiving }
                var pool = [first]
                while pool.count < window, let more = chunks.tryReceive() { pool.append(more) }
                let lengths = pool.map(\.encoding.count)
                // The run's last chunks are cut into shrinking batches, so that every request finishes at about
                // the same time instead of one running the last full batch alone.
                let last = chunks.isDrained
                let batches =
                    definition.groupByLength
                    ? batcher.batches(lengths: lengths, finishingOn: last ? definition.inferRequests : 0)
                    : stride(from: 0, to: pool.count, by: definition.batchRows).map {
                        Array($0..<min($0 + definition.batchRows, pool.count))
                    }
                for indices in batches {
                    if shouldStop() { break receiving }
                    if running >= definition.inferRequests {
                        if let verdict = try await group.next() { try breaker.record(verdict) }
                        running -= 1
                    }
                    let batch = indices.map { pool[$0] }
                    let longest = batch.map(\.encoding.count).max() ?? 0
                    let padded = (longest + engine.lengthMultiple - 1) / engine.lengthMultiple * engine.lengthMultiple
                    let computed = batch.count * padded
                    if shapes.insert(batch.count << 16 | padded).inserted {
                        monitor.update { $0.distinctBatchShapes += 1 }
                    }
                    number += 1
                    let injected = faults.failsInference(batch: number)
                    group.addTask {
                        let outcome = try await Self.embed(
                            batch, engine: engine, tokenStates: tokenStates, retry: true, injected: injected,
                            timeoutSeconds: timeout)
                        monitor.update { snapshot in
                            snapshot.tokensComputed += computed
                            for (job, result) in outcome {
                                if case .success = result {
                                    snapshot.chunksEmbedded += 1
                                    snapshot.tokensEmbedded += job.encoding.count
                                }
                            }
                        }
                        try await results.send(.embedded(outcome.map { EmbeddedChunk(job: $0.0, result: $0.1) }))
                        return BatchVerdict(outcome.map(\.1))
                    }
                    running += 1
                }
            }
            // After a stop the chunker may still be sending: drain, so that it can finish.
            while try await chunks.receive() != nil {}
            for try await verdict in group { try breaker.record(verdict) }
        }
        results.finish()
    }

    /// Embeds a batch; a failed batch is tried again once, then split in halves until the failing chunks are
    /// isolated (a timeout is not split: it says the machine is too slow, not that a chunk is bad).
    /// Cancellation is never retried. `injected` fails every attempt (the fault plan).
    static func embed(
        _ batch: [ChunkJob], engine: any EmbeddingEngine, tokenStates: TokenStateFormat = .none, retry: Bool,
        injected: Bool = false, timeoutSeconds: Double = 30
    ) async throws
        -> [(ChunkJob, Result<ChunkEmbedding, EmbeddingFailure>)]
    {
        do {
            if injected { throw EmbeddingFailure(message: "inference failed (injected by OVINDEX_FAULTS)") }
            let vectors = try await engine.embed(batch.map(\.encoding), tokenStates: tokenStates)
            guard vectors.count == batch.count else {
                throw EmbeddingFailure(message: "the model returned \(vectors.count) vectors for \(batch.count) chunks")
            }
            return zip(batch, vectors).map { ($0, .success(ChunkEmbedding(vector: $1.vector, states: $1.states))) }
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            if retry {
                return try await embed(
                    batch, engine: engine, tokenStates: tokenStates, retry: false, injected: injected, timeoutSeconds: timeoutSeconds)
            }
            let timedOut = engine.isTimeout(error)
            if batch.count == 1 || timedOut {
                let message =
                    timedOut
                    ? "inference timed out after \(timeoutSeconds) s (timeouts.inference_seconds)" : "\(error)"
                return batch.map { ($0, .failure(EmbeddingFailure(message: message))) }
            }
            let middle = batch.count / 2
            return try await embed(
                Array(batch[..<middle]), engine: engine, tokenStates: tokenStates, retry: false, injected: injected,
                timeoutSeconds: timeoutSeconds)
                + embed(
                    Array(batch[middle...]), engine: engine, tokenStates: tokenStates, retry: false, injected: injected,
                    timeoutSeconds: timeoutSeconds)
        }
    }
}
