import Store

/// `ovindex store`: look after a store file.
struct StoreCommand: Command {
    static let name = "store"
    static let summary = "Show what a store holds, or reclaim its space (info, vacuum)"
    static let help = """
        Usage: ovindex store info STORE
               ovindex store vacuum STORE

          info     schema version, model, documents, chunks, rejects, size, last run
          vacuum   reclaim the space of deleted documents, merge the text index, checkpoint the WAL
                   (needs the store to itself for a moment; readers may keep reading)
        """

    enum Action: String, CaseIterable {
        case info, vacuum
    }

    var action: Action
    var path: String

    init(parsing arguments: inout Arguments) throws(UsageError) {
        let option = try arguments.option("--store")
        let positionals = try arguments.positionals(max: 2)
        guard let first = positionals.first, let action = Action(rawValue: first) else {
            throw UsageError(command: Self.name, message: "expected an action: info or vacuum")
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
        case .vacuum:
            let store = try Store(path: path)
            let before = store.fileSize
            try store.vacuum()
            Terminal.output.write(
                line: "vacuumed \(path): \(Format.bytes(before)) -> \(Format.bytes(store.fileSize))")
        }
        return .success
    }
}

/// A store described for people (used by `store info` and `status`).
struct StoreReport {
    let statistics: StoreStatistics
    let model: ModelIdentity?
    let runs: [RunRecord]
    let recentRejects: [RejectInput]
    let path: String

    var lastRun: RunRecord? { runs.first }

    init(_ store: Store) throws {
        statistics = try store.statistics()
        model = try store.modelIdentity()
        runs = try store.recentRuns(limit: 3)
        recentRejects = try store.rejects(limit: 5)
        path = store.path
    }

    var lines: [String] {
        var lines = [
            "store      \(path)",
            "schema     version \(statistics.schemaVersion)",
            "model      \(model.map(String.init(describing:)) ?? "none yet (no vectors written)")",
            "documents  \(statistics.documents) indexed, \(statistics.rejectedDocuments) rejected",
            "chunks     \(statistics.chunks) (\(statistics.vectors) vectors)",
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
