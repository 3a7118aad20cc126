import Dispatch
import Embedding
import Foundation
import Host

#if canImport(Glibc)
    import Glibc
#endif
import OpenVINO
import Pipeline
import Retrieval
import Store
import TextIO
import Models

/// `ovindex run`: index sources into a store (nightly runs, backfills, resumes).
struct RunCommand: Command {
    static let name = "run"
    static let summary = "Index documents into a store: only new or changed ones are embedded"
    static let help = """
        Usage: ovindex run [DEFINITION.json] [options]
               ovindex run --source DIR_OR_FILE --store STORE [options]

        Reads every source, skips documents whose content the store already has, chunks and embeds the rest,
        and commits them with the run's progress. Running again after a kill or Ctrl-C resumes: committed
        documents are skipped. The first Ctrl-C (or SIGTERM) stops taking new work, lets the batches already
        in the model finish and commits the documents that are whole (exit 130 or 143; if the run has not
        stopped after the inference timeout and 10 s more, as when a read blocks, it exits anyway); a second
        one exits at once. Paths in a definition are relative to its file.

        Before writing anything it checks that every source exists (exit 66), that the model's weights match
        its manifest and that the model embeds as its manifest says (exit 69), that the chunks fit the model
        (exit 64), and that the store is not corrupt (exit 65). Exit 0 means every document was stored, unchanged, or rejected for a fault of its
        own (see 'ovindex store info'); documents that could not be read or embedded are failures, retried by
        the next run, and end the run with 74 (read errors) or 1.

        Sources and store (override the definition):
          --source PATH          a folder of .txt/.md files, one file, or a .jsonl file (repeatable)
          --include GLOB         files to take from folders (repeatable; default **/*.txt and **/*.md)
          --exclude GLOB         files to leave out (repeatable)
          --store STORE          the SQLite store to write (created when missing)
          --prune                delete documents that are no longer in the sources (a source that yields
                                 no documents is never pruned; more than prune.max_fraction, default 0.5,
                                 of a source's documents needs --force-prune)
          --force-prune          let this run remove more than prune.max_fraction of a source's documents
                                 (pruned, or indexed documents that are now rejects); it does not turn
                                 pruning on
          --dry-run              list what the run would add, change, reject and prune as tab-separated
                                 lines on stdout (\\, tab and newline escaped), and write nothing
        Model and chunks:
          --model DIR|NAME       embedding model (default: the store's own; for a new store, the variant
                                 measured fastest on this CPU among those accurate enough, see 'ovindex
                                 models'; all-MiniLM-L6-v2 when OVINDEX_PROBE=off)
          --precision P          f32, bf16 or auto (default auto)
          --chunk-tokens N       word pieces per chunk (default: the model's maximum minus 2)
          --overlap N            word pieces shared by consecutive chunks (default 32)
          --structure S          auto (Markdown files, by a name ending in .md, .markdown, .mdown, .mkd or
                                 .mdx), markdown (every document) or none: Markdown is cut before its
                                 headings and not inside fenced code, each chunk labelled with the headings
                                 above it (default: the store's, else auto; a store built before sections
                                 keeps none)
        Limits and resources:
          --max-document-bytes N larger documents are rejected (default 10000000)
          --max-chunks N         documents with more chunks are rejected (default 2000)
          --batch-tokens N       token budget of one inference batch (default 8192)
          --requests N           inference batches in flight (default 2)
          --threads N            CPU threads for inference (default: all)
          --timeout SECONDS      longest one batch may take (default 30)
        Scale-out (each worker indexes its shard into its own store; 'ovindex merge' combines them):
          --shard I/N            index only shard I of N (documents whose id hashes to I); the store name
                                 gets ".shard-I-of-N" before its extension (or replaces "{shard}" in it)
          --shards N             the shard count, when the index comes from the scheduler: Kubernetes
                                 Indexed Jobs set JOB_COMPLETION_INDEX; Slurm arrays set SLURM_ARRAY_TASK_ID
                                 and SLURM_ARRAY_TASK_COUNT (then --shards is not needed)
          --publish PATH         when the run completed, copy the finished store to PATH (a file, or a
                                 folder to keep the store's name; with a shard, a file name gets the
                                 shard's name): beside it under a hidden name, then renamed into place, so
                                 readers of PATH (a shared volume) see whole, finished stores only. When the
                                 store itself is missing but PATH exists, the run resumes from PATH's copy.
                                 Write --store on a local disk: stores are refused on network file systems
                                 (exit 73)
        Output:
          --quiet                no progress on stderr
          --json                 print the final report as JSON on stdout
        """

    var definitionPath: String?
    var sources: [String]
    var includes: [String]
    var excludes: [String]
    var store: String?
    var prune: Bool
    var model: String?
    var precision: InferencePrecision?
    var chunkTokens: Int?
    var overlap: Int?
    var structure: ChunkStructure?
    var maxDocumentBytes: Int?
    var maxChunks: Int?
    var batchTokens: Int?
    var requests: Int?
    var threads: Int?
    var timeout: Duration?
    var quiet: Bool
    var json: Bool
    var shard: Shard?
    var shards: Int?
    var forcePrune: Bool
    var dryRun: Bool
    var publish: String?

    init(parsing arguments: inout Arguments) throws(UsageError) {
        if let text = try arguments.option("--shard") {
            do {
                shard = try Shard(parsing: text)
            } catch {
                throw UsageError(command: Self.name, message: "--shard: \(error)")
            }
        }
        shards = try arguments.integer("--shards", in: 1...1_000_000)
        sources = try arguments.options("--source")
        includes = try arguments.options("--include")
        excludes = try arguments.options("--exclude")
        store = try arguments.option("--store")
        prune = arguments.flag("--prune")
        forcePrune = arguments.flag("--force-prune")
        dryRun = arguments.flag("--dry-run")
        publish = try arguments.option("--publish")
        model = try arguments.option("--model")
        precision = try arguments.choice("--precision", InferencePrecision.self)
        chunkTokens = try arguments.integer("--chunk-tokens", in: 8...8192)
        overlap = try arguments.integer("--overlap", in: 0...4096)
        structure = try arguments.choice("--structure", ChunkStructure.self)
        maxDocumentBytes = try arguments.integer("--max-document-bytes", in: 1...(1 << 34))
        maxChunks = try arguments.integer("--max-chunks", in: 1...1_000_000)
        batchTokens = try arguments.integer("--batch-tokens", in: 16...1_000_000)
        requests = try arguments.integer("--requests", in: 1...64)
        threads = try arguments.integer("--threads", in: 1...1024)
        timeout = try arguments.seconds("--timeout", in: 0.001...86_400)
        quiet = arguments.flag("--quiet", "-q")
        json = arguments.flag("--json")
        definitionPath = try arguments.positionals(max: 1).first
        if definitionPath == nil && (sources.isEmpty || store == nil) {
            throw UsageError(command: Self.name, message: "give a pipeline definition, or --source and --store")
        }
    }

    func makeDefinition() throws -> PipelineDefinition {
        var definition: PipelineDefinition
        if let definitionPath {
            definition = try PipelineDefinition.load(path: definitionPath)
        } else {
            definition = PipelineDefinition(store: "", sources: [])
        }
        if !sources.isEmpty {
            definition.sources = sources.map {
                PipelineDefinition.Source(path: URL(fileURLWithPath: $0).standardizedFileURL.path)
            }
        }
        for index in definition.sources.indices {
            if !includes.isEmpty { definition.sources[index].include = includes.map(Glob.init) }
            if !excludes.isEmpty { definition.sources[index].exclude = excludes.map(Glob.init) }
        }
        if let store { definition.store = URL(fileURLWithPath: store).standardizedFileURL.path }
        if prune { definition.prune = true }
        if forcePrune { definition.forcePrune = true }
        if let model { definition.model = model }
        if let precision { definition.precision = precision }
        if let chunkTokens { definition.chunkTokens = chunkTokens }
        if let overlap { definition.overlapTokens = overlap }
        if let structure { definition.chunkStructure = structure }
        if let maxDocumentBytes { definition.maxDocumentBytes = maxDocumentBytes }
        if let maxChunks { definition.maxChunksPerDocument = maxChunks }
        if let batchTokens { definition.batchTokens = batchTokens }
        if let requests { definition.inferRequests = requests }
        if let threads { definition.threads = threads }
        if let timeout { definition.inferenceTimeoutSeconds = timeout.seconds }
        if let shards { definition.shards = shards }
        definition.shard =
            try shard ?? Shard.fromEnvironment(ProcessInfo.processInfo.environment, count: definition.shards)
            ?? definition.shard
        if let shard = definition.shard {
            definition.store = shard.storePath(definition.store)
        }
        try definition.validate(file: definitionPath ?? "command line")
        return definition
    }

    func run() async throws -> ExitCode {
        let definition = try makeDefinition()
        let faults = try FaultPlan.fromEnvironment(ProcessInfo.processInfo.environment)
        let publisher = try publish.map { target throws(PublishError) in
            try Publisher(local: definition.store, target: target, shard: definition.shard)
        }
        if dryRun { return try await runDry(definition, faults: faults) }
        if let publisher, try publisher.adoptPublished(faults: faults), !quiet {
            Terminal.errors.write(line: "ovindex run: no store at \(definition.store): resuming from the published \(publisher.target)")
        }
        // Before anything is written: the sources are there, the model is sound, and it is the model it says.
        let prepared = try await RunPreparation.prepare(definition) { note in
            if !quiet { Terminal.errors.write(line: "ovindex run: \(note)") }
        }
        // How long the first signal waits for the batches in flight (each may take up to the inference timeout)
        // before the process exits anyway.
        let grace = definition.inferenceTimeoutSeconds + 10

        let monitor = RunMonitor()
        let progress = ProgressLine(monitor: monitor, enabled: !quiet)
        let signals = ShutdownSignals { phase in
            switch phase {
            case .draining(let number):
                progress.note("stopping: finishing the batches in flight and committing (signal again to stop at once)")
                // A read blocked on a hung mount cannot be interrupted: after the grace period, what was whole
                // has been committed (the writer commits on a clock), and the process exits as a second signal
                // would.
                DispatchQueue.global().asyncAfter(deadline: .now() + grace) {
                    progress.note(
                        "still not stopped after \(Int(grace)) s (a read may be blocked): exiting now; "
                            + "run the same command again to resume")
                    _exit(number == SIGTERM ? ExitCode.terminated.rawValue : ExitCode.interrupted.rawValue)
                }
            case .aborting(let number):
                // At once, even while a read blocks: everything committed is whole (SQLite transactions), and
                // the next run marks this one interrupted and resumes.
                progress.note("stopping now; run the same command again to resume")
                _exit(number == SIGTERM ? ExitCode.terminated.rawValue : ExitCode.interrupted.rawValue)
            case .running:
                break
            }
        }
        let runner = prepared.runner(monitor: monitor, shouldStopReading: { signals.isStopping }, faults: faults)
        progress.start()
        let report: RunReport
        do {
            report = try await runner.run()
            progress.stop()
        } catch let failure as RunFailure {
            progress.stop()
            printReport(failure.report, store: definition.store)
            throw failure.underlying
        } catch {
            progress.stop()
            throw error
        }
        var published: Publisher.Outcome?
        var publishError: PublishError?
        if report.outcome == .completed, let publisher {
            do {
                published = try publisher.publish(runID: report.runID, faults: faults)
            } catch {
                publishError = error
            }
        }
        printReport(report, store: definition.store, published: publisher.map { ($0.target, published) })
        if let publishError {
            Terminal.errors.write(
                line: "ovindex run: the run completed in \(definition.store), but it was not published; "
                    + "run the same command again to publish it")
            throw publishError
        }
        switch report.outcome {
        case .completed:
            if let published, let publisher, !quiet {
                Terminal.errors.write(
                    line: "ovindex run: published \(publisher.target) (\(Format.bytes(published.bytes)) in "
                        + String(format: "%.1f", published.seconds) + " s)")
            }
            return .success
        case .interrupted, .failed:
            let counters = report.counters
            Terminal.errors.write(
                line: "ovindex run: interrupted after committing \(counters.documentsIndexed) documents; "
                    + "run the same command again to resume (committed documents are skipped)")
            if case .draining(let number) = signals.phase, number == SIGTERM { return .terminated }
            if case .aborting(let number) = signals.phase, number == SIGTERM { return .terminated }
            return .interrupted
        }
    }

    /// `--dry-run`: what the run would do, as tab-separated lines on stdout; nothing is written.
    private func runDry(_ definition: PipelineDefinition, faults: FaultPlan) async throws -> ExitCode {
        // The model's manifest (no compiling) says what the store must have been built with.
        let directory = await RunPreparation.model(for: definition)
        let dryRun = DryRun(
            definition: definition, model: directory.map(ModelIdentity.init),
            maximumLength: directory?.manifest.max_sequence_length, faults: faults)
        let summary = try await dryRun.run { line in
            let text: String
            switch line {
            case .add(let key): text = "add\t\(Self.field(key))"
            case .change(let key): text = "change\t\(Self.field(key))"
            case .prune(let key): text = "prune\t\(Self.field(key))"
            case .reject(let reject): text = "reject\t\(Self.describe(reject))"
            case .failure(let failure): text = "fail\t\(Self.describe(failure))"
            }
            Terminal.output.write(line: text)
        }
        for note in summary.notes { Terminal.errors.write(line: "ovindex run: prune: \(note)") }
        Terminal.errors.write(
            line: "ovindex run: dry run, nothing written: \(summary.added) to add, \(summary.changed) to change, "
                + "\(summary.unchanged) unchanged, \(summary.rejected) rejects, \(summary.failed) failures"
                + (definition.prune ? ", \(summary.pruned) to prune" : ""))
        if let refusal = summary.refusal {
            Terminal.errors.write(line: "ovindex run: error: \(refusal)")
            return .failure
        }
        return summary.failed > 0 ? .ioError : .success
    }

    static func describe(_ reject: RejectInput) -> String {
        var text = field(reject.input + (reject.line.map { ":\($0)" } ?? "")) + "\t" + reject.code.rawValue + "\t"
        var reason = reject.reason
        if let limit = reject.limit { reason += " (limit \(limit))" }
        if let detail = reject.detail { reason += ": \(detail)" }
        text += field(reason)
        return text
    }

    /// A field of a tab-separated line: backslash, tab, newline and carriage return escaped as \\, \t, \n, \r.
    static func field(_ text: String) -> String {
        var escaped = ""
        for character in text.unicodeScalars {
            switch character {
            case "\\": escaped += "\\\\"
            case "\t": escaped += "\\t"
            case "\n": escaped += "\\n"
            case "\r": escaped += "\\r"
            default: escaped.unicodeScalars.append(character)
            }
        }
        return escaped
    }

    /// - Parameter published: the publish target, and what publishing did (nil when it did not happen).
    private func printReport(
        _ report: RunReport, store: String, published: (target: String, outcome: Publisher.Outcome?)? = nil
    ) {
        let counters = report.counters
        if json {
            var publishedTarget = JSONValue.null
            if let published, published.outcome != nil { publishedTarget = .string(published.target) }
            var writer = JSONWriter()
            writer.value(
                .object([
                    "run_id": .number(String(report.runID)), "outcome": .string(report.outcome.rawValue),
                    "store": .string(store),
                    "documents_seen": .number(String(counters.documentsSeen)),
                    "documents_indexed": .number(String(counters.documentsIndexed)),
                    "documents_unchanged": .number(String(counters.documentsUnchanged)),
                    "documents_rejected": .number(String(counters.documentsRejected)),
                    "documents_pruned": .number(String(counters.documentsPruned)),
                    "documents_failed": .number(String(counters.documentsFailed)),
                    "notes": .array(report.notes.map(JSONValue.string)),
                    "rejects": .number(String(report.rejects)),
                    "chunks": .number(String(counters.chunksWritten)),
                    "tokens": .number(String(counters.tokensEmbedded)),
                    "embeddings_computed": .number(String(report.chunksEmbedded)),
                    "seconds": .number(String(format: "%.3f", report.seconds)),
                    "peak_rss_bytes": .number(String(report.peakRSSBytes)),
                    "error": report.error.map(JSONValue.string) ?? .null,
                    "published": publishedTarget,
                ]))
            Terminal.output.write(line: String(decoding: writer.bytes, as: UTF8.self))
        }
        // Notes are printed even with --quiet: they say what the run chose not to do.
        for note in report.notes { Terminal.errors.write(line: "ovindex run: prune: \(note)") }
        if !quiet {
            Terminal.errors.write(
                line: "ovindex run: \(report.outcome.rawValue) in \(String(format: "%.1f", report.seconds)) s: "
                    + "\(counters.documentsIndexed) documents indexed, \(counters.documentsUnchanged) unchanged, "
                    + "\(counters.documentsPruned) pruned, \(report.rejects) rejects, "
                    + "\(counters.documentsFailed) failed, \(counters.chunksWritten) chunks, "
                    + "\(counters.tokensEmbedded) tokens; peak RSS \(Format.bytes(report.peakRSSBytes))")
            if report.rejects > 0 || counters.documentsFailed > 0 {
                Terminal.errors.write(line: "ovindex run: see the rejects and failures with 'ovindex store info \(store)'")
            }
        }
    }
}
