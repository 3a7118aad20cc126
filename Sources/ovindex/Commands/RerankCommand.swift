import Embedding
import OpenVINO
import Retrieval
import TextIO
import Models

/// `ovindex rerank`: scores passages a user brings against a query, best first.
struct RerankCommand: Command {
    static let name = "rerank"
    static let summary = "Score your own candidate passages against a query, best first"
    static let help = """
        Usage: ovindex rerank --query "TEXT" [FILE] [options]

        Reads candidate passages (one per line, or JSON Lines {"id": ..., "text": ...}) and prints them best
        first with their scores: "RANK SCORE ID TEXT", or with --json one line per passage
          {"rank": ..., "id": ..., "score": ..., "text": ...}
        Scores come from a cross-encoder when --reranker is given (the relevance logit), else from late
        interaction with the embedding model (mean over query tokens of the best token cosine). At most
        \(QueryOptions.maximumCandidates) passages; queries up to \(QueryOptions.maximumQueryCharacters) characters.

        Options:
          --query TEXT           the query (required)
          --method M             late-interaction or cross-encoder (default: cross-encoder when --reranker
                                 is given, else late-interaction)
          --reranker DIR|NAME    a cross-encoder model directory (made by scripts/convert_model.py)
          --model DIR|NAME       the embedding model, for late interaction (default: all-MiniLM-L6-v2)
          --precision P          inference precision: f32, bf16 or auto (default auto)
          --timeout SECONDS      longest one inference may take before it is cancelled (default 30)
          --json                 JSON Lines output

        """ + InputOptions.help

    var query: String
    var method: RerankMethod
    var reranker: String?
    var model: String?
    var precision: InferencePrecision
    var timeout: Duration
    var json: Bool
    var input: InputOptions

    init(parsing arguments: inout Arguments) throws(UsageError) {
        guard let query = try arguments.option("--query") else {
            throw UsageError(command: Self.name, message: "--query TEXT is required")
        }
        self.query = query
        reranker = try arguments.option("--reranker")
        model = try arguments.option("--model")
        method = try arguments.choice("--method", RerankMethod.self) ?? (reranker == nil ? .lateInteraction : .crossEncoder)
        if method == .none {
            throw UsageError(command: Self.name, message: "--method must be late-interaction or cross-encoder")
        }
        if method == .crossEncoder, reranker == nil {
            throw UsageError(command: Self.name, message: "--method cross-encoder needs --reranker DIR")
        }
        precision = try arguments.choice("--precision", InferencePrecision.self) ?? .auto
        timeout = try arguments.seconds("--timeout", in: 0.001...86_400) ?? .seconds(30)
        json = arguments.flag("--json")
        input = try InputOptions(parsing: &arguments)
        input.path = try arguments.positionals(max: 1).first
    }

    func run() async throws -> ExitCode {
        guard query.count <= QueryOptions.maximumQueryCharacters else {
            throw CommandError(
                .dataError,
                "the query is \(query.count) characters; the limit is \(QueryOptions.maximumQueryCharacters)")
        }
        let reader = try input.makeReader(pairs: false)
        var passages: [TextRecord] = []
        _ = try await input.forEachRecord(reader, command: Self.name) { record in
            guard passages.count < QueryOptions.maximumCandidates else {
                throw CommandError(
                    .dataError,
                    "\(reader.inputName) has more than \(QueryOptions.maximumCandidates) passages; "
                        + "the limit is \(QueryOptions.maximumCandidates) per query")
            }
            passages.append(record)
        }
        let options = Embedder.Options(
            precision: precision,
            requests: 2, timeout: timeout)
        let cache = ModelCache(core: try Core())
        let embedder = try await Embedder.load(try ModelDirectory.resolve(model), options: options, cache: cache)
        var crossEncoder: CrossEncoder?
        if method == .crossEncoder, let reranker {
            crossEncoder = try await CrossEncoder.load(try ModelDirectory.resolve(reranker), options: options, cache: cache)
        }
        let scores = try await Reranker(embedder: embedder, crossEncoder: crossEncoder)
            .scores(query: query, passages: passages.map(\.text), method: method)
        let order = scores.indices.sorted { scores[$0] != scores[$1] ? scores[$0] > scores[$1] : $0 < $1 }
        for (rank, index) in order.enumerated() {
            let passage = passages[index]
            if json {
                var writer = JSONWriter(capacity: 256 + passage.text.utf8.count)
                writer.raw("{")
                writer.key("rank", first: true)
                writer.integer(rank + 1)
                writer.key("id")
                writer.value(passage.id)
                writer.key("score")
                writer.float(scores[index])
                writer.key("text")
                writer.string(passage.text)
                writer.raw("}\n")
                Terminal.output.append(writer.bytes)
            } else {
                Terminal.output.write(
                    line: "\(rank + 1)\t\(QueryCommand.score(scores[index]))\t\(QueryCommand.plain(passage.id))\t"
                        + QueryCommand.snippet(passage.text, 100))
            }
        }
        return .success
    }
}
