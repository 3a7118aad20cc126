import Host
import Pipeline
import Settings
import Store
import TextIO

/// `ovindex store`: look after a store file.
struct StoreCommand: Command {
    static let spec = CommandSpec<StoreCommand>(
        name: "store", summary: "Show what a store holds, check it, or reclaim its space (info, check, vacuum)",
        usage: ["store info STORE", "store check STORE", "store vacuum STORE"],
        discussion: """
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
            """,
        sections: [
            SettingSection(
                "Options", [.option("--store", value: "STORE", .path, help: "the store, instead of the argument", \.store)])
        ],
        positionals: Positionals(
            maximum: 2, help: [("ACTION", "info, check or vacuum"), ("STORE", "the store")], \.arguments))

    enum Action: String, CaseIterable {
        case info, check, vacuum
    }

    var store: String?
    var arguments: [String] = []
    var action = Action.info

    mutating func validate() throws(UsageError) {
        guard let first = arguments.first, let action = Action(rawValue: first) else {
            throw UsageError(
                "expected an action: info, check or vacuum" + (arguments.first.map { ", not '\($0)'" } ?? ""))
        }
        if store != nil, let extra = arguments.dropFirst().first { throw UsageError("unexpected argument '\(extra)'") }
        guard let path = store ?? arguments.dropFirst().first else {
            throw UsageError("which store? give STORE or --store STORE")
        }
        self.action = action
        store = path
    }

    func run() async throws -> ExitStatus {
        let path = store ?? ""
        let out = Terminal.output
        switch action {
        case .info:
            for line in try StoreReport(Store(path: path, mode: .readOnly)).lines { out.write(line: line) }
        case .check:
            let result = try StoreMaintenance.check(path)
            for line in result.lines(store: path) { out.write(line: line) }
            return result.isSound ? .success : .failure
        case .vacuum:
            let sizes = try StoreMaintenance.vacuum(path)
            out.write(line: "vacuumed \(path): \(Format.bytes(sizes.before)) -> \(Format.bytes(sizes.after))")
        }
        return .success
    }
}
