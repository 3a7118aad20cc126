import Pipeline
import Store

/// `ovindex store`: look after a store file.
struct StoreCommand: Command {
    static let name = "store"
    static let summary = "Show what a store holds, check it, or reclaim its space (info, check, vacuum)"
    static let help = """
        Usage: ovindex store info STORE
               ovindex store check STORE
               ovindex store vacuum STORE

          info     schema version, model, documents, chunks, rejects and failures, size, last runs
          check    SQLite's integrity check, then ovindex's invariants: every chunk has a vector of the store's
                   dimension, an int8 code and a full-text row; documents' chunk counts match their chunks; no
                   vector or code without its chunk; no run marked running without its process. Exit 0 when
                   the store is sound, 1 with one line per problem when it is not. Reads only; works on
                   read-only media.
          vacuum   reclaim the space of deleted documents, merge the text index, checkpoint the WAL (needs
                   the store to itself for a moment; readers may keep reading). A store that fails the quick
                   check is not touched (exit 65).

        The store must exist (exit 66 otherwise).
        """

    enum Action: String, CaseIterable {
        case info, check, vacuum
    }

    var action: Action
    var path: String

    init(parsing arguments: inout Arguments) throws(UsageError) {
        let option = try arguments.option("--store")
        let positionals = try arguments.positionals(max: 2)
        guard let first = positionals.first, let action = Action(rawValue: first) else {
            throw UsageError(command: Self.name, message: "expected an action: info, check or vacuum")
        }
        guard let path = option ?? positionals.dropFirst().first else {
            throw UsageError(command: Self.name, message: "which store? give STORE or --store STORE")
        }
        self.action = action
        self.path = path
    }

    func run() async throws -> ExitCode {
        switch action {
        case .info:
            let store = try Store(path: path, mode: .readOnly)
            for line in try StoreReport(store).lines { Terminal.output.write(line: line) }
        case .check:
            return try check()
        case .vacuum:
            guard FileManager.default.fileExists(atPath: path) else {
                throw StoreError(.missing, path: path, message: "no store at this path")
            }
            // Like a run, under the store's lock: VACUUM through another name of the file while a run writes
            // would rewrite pages the run's write-ahead log still refers to.
            let lock = try RunLock(store: path)
            defer { withExtendedLifetime(lock) {} }
            let store = try Store(path: path, mode: .readWriteExisting)
            let before = store.fileSize
            try store.vacuum()
            Terminal.output.write(
                line: "vacuumed \(path): \(Format.bytes(before)) -> \(Format.bytes(store.fileSize))")
        }
        return .success
    }
}

extension StoreCommand {
    /// `store check`: prints what was checked and every problem; 0 when sound, 1 otherwise.
    func check() throws -> ExitCode {
        var result: StoreCheck
        do {
            let store = try Store(path: path, mode: .readOnly)
            // A run marked running is stale only if no process holds the store's lock. Taking the lock needs
            // the file open for writing: on read-only media nobody can be writing, so every such run is stale.
            var stale = try store.runningRuns()
            if !stale.isEmpty && Self.runIsActive(on: path) { stale = [] }
            result = try store.check(staleRuns: stale)
        } catch {
            // Damage can show as soon as the store is opened: that is a finding, not a failure to check.
            guard error.kind == .corrupt else { throw error }
            result = StoreCheck(problems: ["integrity: \(error.message)"], checked: ["integrity"])
        }
        let out = Terminal.output
        out.write(line: "store      \(path)")
        out.write(line: "checked    \(result.checked.joined(separator: ", "))")
        for problem in result.problems { out.write(line: "problem    \(problem)") }
        out.write(line: result.isSound ? "status     sound" : "status     \(result.problems.count) problems")
        return result.isSound ? .success : .failure
    }

    /// Whether a process holds the store's run lock now.
    static func runIsActive(on path: String) -> Bool {
        do {
            let lock = try RunLock(store: path)
            withExtendedLifetime(lock) {}
            return false
        } catch {
            return error.kind == .busy
        }
    }
}

/// A store described for people (used by `store info` and `status`).
struct StoreReport {
    let statistics: StoreStatistics
    let model: ModelIdentity?
    let runs: [RunRecord]
    let recentRejects: [RejectInput]
    let path: String
    /// The settings its chunks were made with (`chunk_tokens`, `chunk_structure`...), by name.
    let settings: [(String, String)]

    var lastRun: RunRecord? { runs.first }

    init(_ store: Store) throws {
        statistics = try store.statistics()
        model = try store.modelIdentity()
        runs = try store.recentRuns(limit: 3)
        recentRejects = try store.rejects(limit: 5)
        path = store.path
        settings = try store.settings()
    }

    /// How many chunks keep token states for fast reranking, and what to do about those that do not.
    static func describeStates(_ statistics: StoreStatistics) -> String {
        let missing = statistics.chunks - statistics.chunksWithStates
        var text = "\(statistics.chunksWithStates) chunks keep token states (\(Format.bytes(statistics.stateBytes)))"
        if missing > 0 {
            text += "; \(missing) do not (indexed before schema 3 or with token_states \"none\"): reranking runs "
                + "the model over those, which is slow; index into a new store to keep them all"
        }
        return text
    }

    var lines: [String] {
        var lines = [
            "store      \(path)",
            "schema     version \(statistics.schemaVersion)",
            "model      \(model.map(String.init(describing:)) ?? "none yet (no vectors written)")",
            "documents  \(statistics.documents) indexed, \(statistics.rejectedDocuments) rejected",
            "chunks     \(statistics.chunks) (\(statistics.vectors) vectors)",
            "states     " + Self.describeStates(statistics),
            "settings   " + (settings.isEmpty ? "none yet" : settings.map { "\($0)=\($1)" }.joined(separator: " ")),
            "rejects    \(statistics.rejects)",
            "size       \(Format.bytes(statistics.fileBytes))",
        ]
        if runs.isEmpty { lines.append("runs       none") }
        for (index, run) in runs.enumerated() {
            lines.append((index == 0 ? "last run   " : "earlier    ") + Self.describe(run))
        }
        for reject in recentRejects {
            var text = "reject     \(reject.input)"
            if let line = reject.line { text += ":\(line)" }
            text += ": \(reject.reason)"
            if let limit = reject.limit { text += " (limit \(limit))" }
            if let detail = reject.detail { text += ": \(detail)" }
            lines.append(text)
        }
        return lines
    }

    static func describe(_ run: RunRecord) -> String {
        let counters = run.counters
        var text = "#\(run.id) \(run.status.rawValue)"
        switch run.status {
        case .running:
            text +=
                " (last progress \(run.updatedAt); if no ovindex run is active it was killed: run it again to resume)"
        default:
            text += " \(run.finishedAt ?? run.updatedAt)"
        }
        text +=
            ": \(counters.documentsSeen) documents seen, \(counters.documentsIndexed) indexed, "
            + "\(counters.documentsUnchanged) unchanged, \(counters.documentsRejected) rejected, "
            + "\(counters.documentsPruned) pruned, \(counters.chunksWritten) chunks"
        if let error = run.error { text += "; error: \(error)" }
        return text
    }
}

enum Format {
    static func bytes(_ count: Int) -> String {
        let units = ["B", "KB", "MB", "GB", "TB"]
        var value = Double(count)
        var unit = 0
        while value >= 1024 && unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        return unit == 0 ? "\(count) B" : String(format: "%.1f", value) + " " + units[unit]
    }
}

#if canImport(Foundation)
    import Foundation
#endif
