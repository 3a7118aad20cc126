import Host
import Pipeline
import Settings

/// `ovindex status`: whether the model and the store are ready, and how the last run ended.
struct StatusCommand: Command {
    static let spec = CommandSpec<StatusCommand>(
        name: "status", summary: "Tell whether the model and store are ready, and how the last run ended",
        usage: ["status [STORE] [--model DIR|NAME] [--no-load]"],
        discussion: """
            Reports, without guessing:
              model   found, its manifest and files present, its weights match the manifest's sha256, and it
                      loads and embeds a sentence (--no-load skips the last two, for a quick look)
              store   opens, its schema, what it holds, and whether its vectors come from this model
              runs    the last runs' outcomes and counts (a run still marked running whose process is gone was
                      killed: running it again resumes it)
            Exit status 0 when everything asked about is ready, 1 when something is not (the report says what).
            """,
        sections: [
            SettingSection(
                "Options",
                [
                    .option("--store", value: "STORE", .path, help: "the store to check", \.store),
                    .option(
                        "--model", value: "DIR|NAME", .path, help: "the model",
                        default: "the store's own model when it recorded one, else all-MiniLM-L6-v2", \.model),
                    .flag("--no-load", help: "do not verify the weights or run an inference", setting: false, \.load),
                    // The default; accepted for scripts written against older versions.
                    .flag("--check", help: "verify the weights and run an inference", hidden: true, \.load),
                ])
        ],
        positionals: Positionals(optional: ("STORE", "the store to check"), \.positionalStore))

    var store: String?
    var positionalStore: String?
    var model: String?
    var load = true

    mutating func validate() throws(UsageError) {
        if store != nil, let extra = positionalStore { throw UsageError("unexpected argument '\(extra)'") }
        store = store ?? positionalStore
    }

    func run() async throws -> ExitStatus {
        let readiness = await Readiness.check(store: store, model: model, load: load)
        for line in readiness.text { Terminal.output.write(line: line) }
        return readiness.isReady ? .success : .failure
    }
}
