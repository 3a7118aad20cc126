import Embedding
import Foundation
import Host
import Pipeline
import Settings
import Store
import TextIO

/// `ovindex run`: index sources into a store (nightly runs, backfills, resumes).
struct RunCommand: Command {
    static let spec = CommandSpec<RunCommand>(
        name: "run", summary: "Index documents into a store: only new or changed ones are embedded",
        usage: ["run [DEFINITION.json] [options]", "run --source DIR_OR_FILE --store STORE [options]"],
        discussion: """
            Reads every source, skips documents whose content the store already has, chunks and embeds the rest,
            and commits them with the run's progress. Running again after a kill or Ctrl-C resumes: committed
            documents are skipped. The first Ctrl-C (or SIGTERM) stops taking new work, lets the batches already
            in the model finish and commits the documents that are whole (exit 130 or 143; if the run has not
            stopped after the inference timeout and 10 s more, as when a read blocks, it exits anyway); a second
            one exits at once. Paths in a definition are relative to its file; the options below override its
            fields (docs/cli.md lists every field).

            Before writing anything it checks that every source exists (exit 66), that the model's weights match
            its manifest and that the model embeds as its manifest says (exit 69), that the chunks fit the model
            (exit 64), and that the store is not corrupt (exit 65). Exit 0 means every document was stored,
            unchanged, or rejected for a fault of its own (see 'ovindex store info'); documents that could not be
            read or embedded are failures, retried by the next run, and end the run with 74 (read errors) or 1.
            """,
        sections: sections,
        positionals: Positionals(
            optional: ("DEFINITION.json", "a pipeline definition (pipelines/*.json)"), \.definitionPath))

    /// The definition's sections with the flags that override its fields, and the run's own options.
    static var sections: [SettingSection<RunCommand>] {
        let own: [String: [Setting<RunCommand>]] = [
            "Sources and store": [
                .list(
                    "--source", value: "PATH", help: "a folder of .txt/.md files, one file, or a .jsonl file", \.sources),
                .list(
                    "--include", value: "GLOB", help: "files to take from folders", default: "**/*.txt and **/*.md",
                    \.includes),
                .list("--exclude", value: "GLOB", help: "files to leave out", \.excludes),
                .option("--store", value: "STORE", .path, help: "the SQLite store to write (created when missing)", \.store),
                .flag(
                    "--dry-run",
                    help: "list what the run would add, change, reject and prune as tab-separated lines on stdout "
                        + "(\\, tab and newline escaped), and write nothing",
                    \.dryRun),
            ],
            "Scale-out": [
                .option(
                    "--shard", value: "I/N", .shard,
                    help: "index only shard I of N (documents whose id hashes to I); the store name gets "
                        + "\".shard-I-of-N\" before its extension (or replaces \"{shard}\" in it)",
                    \.shard),
                .option(
                    "--publish", value: "PATH", .path,
                    help: "when the run completed, copy the finished store to PATH (a file, or a folder to keep the "
                        + "store's name; with a shard, a file name gets the shard's name): beside it under a hidden "
                        + "name, then renamed into place, so readers of PATH (a shared volume) see whole, finished "
                        + "stores only. When the store itself is missing but PATH exists, the run resumes from "
                        + "PATH's copy. Write --store on a local disk: stores are refused on network file systems "
                        + "(exit 73)",
                    \.publish),
            ],
        ]
        // A field the run reads in a way of its own (the shard: the flag, else the scheduler's environment, else
        // the definition) keeps the run's entry.
        let ownNames = Set(own.values.joined().flatMap(\.names))
        var sections = PipelineDefinition.sections.map { section in
            SettingSection<RunCommand>(
                section.title,
                (own[section.title] ?? [])
                    + section.settings.filter { !$0.names.isEmpty && ownNames.isDisjoint(with: $0.names) }.map {
                        $0.deferred(into: \.overrides, defaults: .defaults)
                    })
        }
        sections.append(
            SettingSection(
                "Output",
                [
                    .flag("--quiet", "-q", help: "no progress on stderr", \.quiet),
                    .flag("--json", help: "print the final report as JSON on stdout", \.json),
                ]))
        return sections
    }

    var definitionPath: String?
    var sources: [String] = []
    var includes: [String] = []
    var excludes: [String] = []
    var store: String?
    var dryRun = false
    var shard: Shard?
    var publish: String?
    var quiet = false
    var json = false
    /// The flags that change a definition field, in the order given.
    var overrides: [Assignment<PipelineDefinition>] = []

    mutating func validate() throws(UsageError) {
        if definitionPath == nil && (sources.isEmpty || store == nil) {
            throw UsageError("give a pipeline definition, or --source and --store")
        }
        if dryRun && json {
            throw UsageError("--dry-run prints tab-separated lines, --json the report of a run: give one of them")
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
        for override in overrides { override(&definition) }
        // A model path given on the command line is relative to where the command runs (the definition's own are
        // relative to its file, and already resolved): recorded with the run, it must be absolute.
        if let model = definition.model, model.contains("/"), !model.hasPrefix("/") {
            definition.model = URL(fileURLWithPath: model).standardizedFileURL.path
        }
        definition.shard =
            try shard ?? Shard.fromEnvironment(count: definition.shards)
            ?? definition.shard
        if let shard = definition.shard {
            definition.store = shard.storePath(definition.store)
        }
        try definition.validate(file: definitionPath ?? "command line")
        return definition
    }

    func run() async throws -> ExitStatus {
        let definition = try makeDefinition()
        let faults = try FaultPlan.fromEnvironment()
        if dryRun {
            // An unusable publish target is refused as a run would refuse it (exit 73), before anything is read.
            if let publish { _ = try Publisher(local: definition.store, target: publish, shard: definition.shard) }
            return try await runDry(definition, faults: faults)
        }
        let note: @Sendable (String) -> Void = { [quiet] text in
            if !quiet { Terminal.errors.write(line: "ovindex run: \(text)") }
        }
        let monitor = RunMonitor()
        let progress = ProgressLine(monitor: monitor, enabled: !quiet)
        let session = IndexingSession(
            definition: definition, publish: publish, faults: faults, monitor: monitor, note: note,
            stopping: { progress.note($0) })
        progress.start()
        let result: IndexingSession.Result
        do {
            result = try await session.run()
            progress.stop()
        } catch let failure as RunFailure {
            progress.stop()
            printReport(failure.report, store: definition.store)
            throw failure.underlying
        } catch {
            progress.stop()
            throw error
        }
        let report = result.report
        printReport(report, store: definition.store, published: result.published)
        if let publishError = result.publishError {
            Terminal.errors.write(
                line: "ovindex run: the run completed in \(definition.store), but it was not published; "
                    + "run the same command again to publish it")
            throw publishError
        }
        switch report.outcome {
        case .completed:
            if let published = result.published, let outcome = published.outcome, !quiet {
                Terminal.errors.write(
                    line: "ovindex run: published \(published.target) (\(Format.bytes(outcome.bytes)) in "
                        + Format.fixed(outcome.seconds, 1) + " s)")
            }
            return .success
        case .interrupted, .failed:
            Terminal.errors.write(
                line: "ovindex run: interrupted after committing \(report.counters.documentsIndexed) documents; "
                    + "run the same command again to resume (committed documents are skipped)")
            return result.stoppedBy == .terminate ? .terminated : .interrupted
        }
    }
}
