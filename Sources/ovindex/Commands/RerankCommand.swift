import Embedding
import Host
import Models
import Retrieval
import Settings
import TextIO

/// `ovindex rerank`: scores passages a user brings against a query, best first.
struct RerankCommand: Command {
    static let spec = CommandSpec<RerankCommand>(
        name: "rerank", summary: "Score your own candidate passages against a query, best first",
        usage: ["rerank --query \"TEXT\" [FILE] [options]"],
        discussion: """
            Reads candidate passages (one per line, or JSON Lines {"id": ..., "text": ...}) and prints them best
            first with their scores: "RANK SCORE ID TEXT", or with --json one line per passage
              {"rank": ..., "id": ..., "score": ..., "text": ...}
            Scores come from a cross-encoder when --reranker is given (the relevance logit), else from late
            interaction with the embedding model (mean over query tokens of the best token cosine). At most
            \(QueryOptions.maximumCandidates) passages; queries up to \(QueryOptions.maximumQueryCharacters) characters.
            """,
        sections: [
            SettingSection(
                "Options",
                [
                    .option("--query", value: "TEXT", .text, help: "the query", required: true, \.query),
                    .option(
                        "--method", value: "M", .choice(among: [RerankMethod.lateInteraction, .crossEncoder]),
                        help: "late-interaction or cross-encoder",
                        default: "cross-encoder when --reranker is given, else late-interaction", \.method),
                    ModelOptions.reranker(\.reranker, for: ""),
                    .option(
                        "--model", value: "DIR|NAME", .path, help: "the embedding model, for late interaction",
                        default: "all-MiniLM-L6-v2", \.model),
                ] + InferenceOptions.settings.map { $0.lifted(\.inference) } + [
                    .flag("--json", help: "JSON Lines output", \.json)
                ]),
            InputOptions.section.lifted(\.input),
        ],
        positionals: Positionals(optional: InputOptions.file, \.input.path))

    var query: String?
    var method: RerankMethod?
    var reranker: String?
    var model: String?
    var inference = InferenceOptions()
    var json = false
    var input = InputOptions()

    mutating func validate() throws(UsageError) {
        let method = method ?? (reranker == nil ? .lateInteraction : .crossEncoder)
        if method == .crossEncoder, reranker == nil { throw UsageError("--method cross-encoder needs --reranker DIR") }
        self.method = method
    }

    func run() async throws -> ExitStatus {
        let query = self.query ?? ""
        guard !query.allSatisfy(\.isWhitespace) else { throw CommandError(.dataError, "the query is empty") }
        guard query.count <= QueryOptions.maximumQueryCharacters else {
            throw CommandError(
                .dataError,
                "the query is \(query.count) characters; the limit is \(QueryOptions.maximumQueryCharacters)")
        }
        let reader = try input.makeReader(pairs: false)
        var passages: [TextRecord] = []
        _ = try await input.forEachRecord(reader, command: Self.spec.name) { record in
            guard passages.count < QueryOptions.maximumCandidates else {
                throw CommandError(
                    .dataError,
                    "\(reader.inputName) has more than \(QueryOptions.maximumCandidates) passages; "
                        + "the limit is \(QueryOptions.maximumCandidates) per query")
            }
            passages.append(record)
        }
        let options = inference.embedderOptions()
        let embedder = try await Embedder.load(try ModelDirectory.resolve(model), options: options)
        var crossEncoder: CrossEncoder?
        if method == .crossEncoder, let reranker {
            crossEncoder = try await CrossEncoder.load(try ModelDirectory.resolve(reranker), options: options)
        }
        let scores = try await Reranker(embedder: embedder, crossEncoder: crossEncoder)
            .scores(query: query, passages: passages.map(\.text), method: method ?? .lateInteraction)
        let order = scores.indices.sorted { scores[$0] != scores[$1] ? scores[$0] > scores[$1] : $0 < $1 }
        for (rank, index) in order.enumerated() {
            let passage = passages[index]
            if json {
                var writer = JSONWriter(capacity: 256 + passage.text.utf8.count)
                writer.object { line in
                    line.field("rank", rank + 1)
                    line.field("id", passage.id)
                    line.field("score", scores[index])
                    line.field("text", passage.text)
                }
                writer.newline()
                Terminal.output.append(writer.bytes)
            } else {
                Terminal.output.write(
                    line: "\(rank + 1)\t\(QueryCommand.score(scores[index]))\t\(QueryCommand.plain(passage.id))\t"
                        + Format.snippet(passage.text, 100))
            }
        }
        return .success
    }
}
