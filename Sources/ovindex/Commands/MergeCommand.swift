import Foundation
import Host
import Pipeline
import Settings
import TextIO

/// `ovindex merge`: combines shard stores into one.
struct MergeCommand: Command {
    static let spec = CommandSpec<MergeCommand>(
        name: "merge", summary: "Combine shard stores (from 'run --shard') into one store",
        usage: ["merge OUT SHARD.sqlite... [--wait SECONDS] [--publish PATH] [--json]"],
        discussion: """
            Copies every document of each shard, with its chunks, vectors and full-text entries, and its rejects,
            into OUT (created when missing), one transaction per shard, recorded as a run in OUT. A document OUT
            already has with the same content is left alone, so merging a shard twice changes nothing; a changed
            one is replaced. Every shard must hold vectors of the same model, made with the same chunk settings:
            a shard that does not is refused with what differs, and nothing of it is copied.

            A shard whose last run did not complete (still running, interrupted, failed) is refused: merging it
            would copy part of a shard.
            """,
        sections: [
            SettingSection(
                "Options",
                [
                    .option(
                        "--wait", value: "SECONDS", .seconds(0...31_536_000),
                        help: "wait up to SECONDS for every shard to be ready: its file there (workers that publish "
                            + "with 'run --publish' put whole, finished shards in place in one rename), its last run "
                            + "completed, and not a run OUT merged already (so last night's shards are not merged "
                            + "again); exit 66 naming those not ready. Without it a missing shard is an error "
                            + "(exit 66)",
                        \.wait),
                    .option(
                        "--publish", value: "PATH", .path,
                        help: "when the merge succeeded, copy OUT to PATH (beside it under a hidden name, then "
                            + "renamed into place); when OUT is missing and PATH exists, merge into PATH's copy. "
                            + "Write OUT on a local disk: stores are refused on network file systems (exit 73)",
                        \.publish),
                    .flag(
                        "--json",
                        help: "one JSON line per shard: {\"shard\", \"added\", \"replaced\", \"unchanged\", "
                            + "\"chunks\", \"rejects\", \"seconds\"}",
                        \.json),
                    .flag("--quiet", "-q", help: "no summary on stderr", \.quiet),
                ]),
        ],
        positionals: Positionals(
            maximum: 100_000, help: [("OUT", "the store to merge into"), ("SHARD.sqlite", "the shard stores, in order")],
            \.stores))

    var stores: [String] = []
    var wait: Duration?
    var publish: String?
    var json = false
    var quiet = false

    mutating func validate() throws(UsageError) {
        guard stores.count >= 2 else { throw UsageError("give the output store and at least one shard store") }
    }

    func run() async throws -> ExitStatus {
        let merge = ShardMerge(output: stores[0], shards: Array(stores.dropFirst()), wait: wait, publish: publish)
        let (json, quiet, output) = (json, quiet, stores[0])
        try await merge.run(faults: try FaultPlan.fromEnvironment()) { event in
            switch event {
            case .waiting(let notReady, let total):
                guard !quiet else { return }
                Terminal.errors.write(
                    line: "ovindex merge: waiting for \(notReady.count) of \(total) shards: "
                        + notReady.prefix(3).joined(separator: ", ") + (notReady.count > 3 ? ", ..." : ""))
            case .adopted(let published):
                if !quiet {
                    Terminal.errors.write(line: "ovindex merge: no store at \(output): merging into the published \(published)")
                }
            case .merged(let shard, let outcome, let seconds):
                if json {
                    var writer = JSONWriter()
                    writer.object { line in
                        line.field("shard", shard)
                        line.field("added", outcome.added)
                        line.field("replaced", outcome.replaced)
                        line.field("unchanged", outcome.unchanged)
                        line.field("chunks", outcome.chunks)
                        line.field("rejects", outcome.rejects)
                        line.field("seconds", seconds)
                    }
                    Terminal.output.write(line: writer.text)
                }
                if !quiet {
                    Terminal.errors.write(
                        line: "ovindex merge: \(shard): \(outcome.added) added, \(outcome.replaced) replaced, "
                            + "\(outcome.unchanged) unchanged, \(outcome.chunks) chunks, \(outcome.rejects) rejects")
                }
            case .finished(let shards, let chunks, let seconds):
                if !quiet {
                    Terminal.errors.write(
                        line: "ovindex merge: \(shards) shards into \(output) in \(Format.fixed(seconds, 2)) s "
                            + "(\(Format.fixed(Double(chunks) / max(seconds, 1e-9), 0)) chunks/s)")
                }
            case .published(let target, let outcome):
                if !quiet {
                    Terminal.errors.write(
                        line: "ovindex merge: published \(target) (\(Format.bytes(outcome.bytes)) in "
                            + Format.fixed(outcome.seconds, 1) + " s)")
                }
            }
        }
        return .success
    }
}
