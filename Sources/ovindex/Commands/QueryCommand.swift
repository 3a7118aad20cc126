import Host
import Retrieval
import Settings
import Store
import TextIO

/// `ovindex query`: the most similar documents (or chunks) in a store for a question.
struct QueryCommand: Command {
    static let spec = CommandSpec<QueryCommand>(
        name: "query", summary: "Find the documents most similar to a question (vector, keyword or hybrid; rerank)",
        usage: ["query \"TEXT\" --store PATH [options]", "query --queries FILE --store PATH [options]"],
        discussion: """
            Embeds the question, retrieves candidate chunks, reranks them, and prints the top k: the best chunk of
            each document (--chunks for every chunk), with its score and a snippet. On a terminal the results are
            a table; --json prints one line per query:
              {"id": ..., "query": ..., "results": [{"document", "source", "chunk", "score", "rerank_score",
                                                     "context", "section", "text"}, ...], "milliseconds": ...}
            (score ranked the result; rerank_score is the reranker's own; context is what the chunk carries in front
            of its words: its document's title and, in Markdown, its headings; section is the headings above the
            chunk, outermost first, joined with " > ")
            --queries FILE reads JSON Lines {"id": ..., "query": ...} (or one query per line) and answers each,
            loading the models once; a query over a limit is reported (an "error" line with --json) and the rest
            are answered, with exit status 65 at the end. Queries longer than \(QueryOptions.maximumQueryCharacters)
            characters are refused.
            """,
        sections: [
            SettingSection(
                "Options",
                [
                    .option(
                        "-k", value: "N", .integer(1...QueryOptions.maximumK), help: "results to return", \.options.k),
                    .option(
                        "--candidates", value: "N", .integer(1...QueryOptions.maximumCandidates),
                        help: "chunks retrieved before reranking", \.options.candidates),
                    .option(
                        "--mode", value: "M", .choice,
                        help: "vector (cosine), keyword (BM25) or hybrid (reciprocal-rank fusion of both)",
                        \.options.mode),
                    .option(
                        "--rerank", value: "R", .choice,
                        help: "none, late-interaction (token-level MaxSim with the embedding model, from the token "
                            + "states the store keeps, else by running the model over each candidate) or "
                            + "cross-encoder (needs --reranker); the reranked order is fused with the candidates' "
                            + "first ranks",
                        \.options.rerank),
                    .list(
                        "--filter", value: "KEY=VALUE", help: "only documents whose metadata KEY is VALUE (all must hold)",
                        \.filters),
                    .option(
                        "--source-prefix", value: "P", .text, help: "only documents whose source path starts with P",
                        \.options.filter.sourcePrefix),
                    .option(
                        "--section", value: "TEXT", .text,
                        help: "only chunks whose section (the Markdown headings above them, or above a heading "
                            + "inside them) contains TEXT, ASCII letters in either case "
                            + "(at most \(QueryOptions.maximumSectionCharacters) characters)",
                        \.options.filter.section),
                    .flag(
                        "--chunks", help: "every matching chunk, not only the best one per document", setting: false,
                        \.options.groupByDocument),
                    .flag("--json", help: "JSON Lines output", \.json),
                    .option(
                        "--queries", value: "FILE", .path, help: "answer every query in FILE ('-' for standard input)",
                        \.queriesFile),
                ]),
            SearchOptions.section.lifted(\.search),
        ],
        positionals: Positionals(optional: ("TEXT", "the question"), \.text))

    var text: String?
    var queriesFile: String?
    // The defaults (QueryDefaults) were chosen on two evaluation sets and checked on others (docs/querying.md).
    var options = QueryOptions()
    var filters: [String] = []
    var json = false
    var search = SearchOptions()

    mutating func validate() throws(UsageError) {
        try search.requireStore()
        for filter in filters {
            guard let equals = filter.firstIndex(of: "="), equals != filter.startIndex else {
                throw UsageError("--filter '\(filter)' is not KEY=VALUE")
            }
            let key = String(filter[..<equals])
            guard options.filter.metadata[key] == nil else {
                throw UsageError("--filter names \(key) twice: a document has one value for it, so both cannot hold")
            }
            options.filter.metadata[key] = String(filter[filter.index(after: equals)...])
        }
        if let section = options.filter.section {
            guard !section.isEmpty else { throw UsageError("--section needs a text to look for") }
            guard section.count <= QueryOptions.maximumSectionCharacters else {
                throw UsageError(
                    "--section is \(section.count) characters long; at most \(QueryOptions.maximumSectionCharacters)")
            }
        }
        if (text == nil) == (queriesFile == nil) { throw UsageError("give either a query TEXT or --queries FILE") }
        if options.rerank == .crossEncoder, search.reranker == nil {
            throw UsageError("--rerank cross-encoder needs --reranker DIR")
        }
    }

    func run() async throws -> ExitStatus {
        let engine = try await search.open()
        let storePath = search.store ?? ""
        if options.rerank == .lateInteraction, try !engine.store.keepsTokenStates() {
            Terminal.errors.write(
                line: "ovindex query: note: \(storePath) keeps no token states (built before schema 3, or with "
                    + "token_states \"none\"), so reranking runs the model over every candidate, about 20 ms each "
                    + "on 2 cores; index into a new store to keep them, or pass --rerank none")
        }
        if options.filter.section != nil, try engine.store.setting("chunk_structure") == "none" {
            Terminal.errors.write(
                line: "ovindex query: note: \(storePath) was built with chunk structure none: its chunks have no "
                    + "sections, so --section finds nothing; index into a new store (--structure auto or markdown)")
        }
        if let text {
            print(id: nil, query: text, try await answer(text, engine: engine))
            return .success
        }
        let reader: TextRecordReader
        do {
            reader = try TextRecordReader(
                path: queriesFile, format: nil, maximumLineBytes: TextRecordReader.defaultMaximumLineBytes)
            reader.textField = "query"
        } catch {
            throw CommandError(.noInput, error.description)
        }
        var refused = 0
        while let next = try reader.next() {
            switch next {
            case .success(let record):
                do {
                    print(id: record.id, query: record.text, try await answer(record.text, engine: engine))
                } catch let error as QueryError {
                    refused += 1
                    report(id: record.id, query: record.text, "\(reader.inputName):\(record.line): \(error)")
                }
            case .failure(let problem):
                refused += 1
                report(id: nil, query: nil, problem.description)
            }
        }
        if refused > 0 {
            Terminal.errors.write(line: "ovindex query: \(refused) queries refused (see above)")
            return .dataError
        }
        return .success
    }

    private func answer(_ text: String, engine: QueryEngine) async throws -> QueryAnswer {
        do {
            return try await engine.query(text, options: options)
        } catch let error as QueryError {
            if queriesFile != nil { throw error }
            throw CommandError(.dataError, error.description)
        }
    }

    private func report(id: JSONValue?, query: String?, _ message: String) {
        if json {
            var writer = JSONWriter(capacity: 256)
            writer.object { line in
                line.field("id", id ?? .null)
                line.field("query", query)
                line.field("error", message)
            }
            writer.newline()
            Terminal.output.append(writer.bytes)
        }
        Terminal.errors.write(line: "ovindex query: refused \(message)")
    }

    private func print(id: JSONValue?, query: String, _ answer: QueryAnswer) {
        if json {
            Terminal.output.append(answer.jsonLine(id: id, query: query))
            return
        }
        let out = Terminal.output
        if let id { out.write(line: "query \(Self.plain(id)): \(query)") }
        guard !answer.results.isEmpty else {
            out.write(line: "no results")
            return
        }
        let documents = answer.results.map { "\($0.hit.documentKey) #\($0.hit.ordinal)" }
        let width = min(40, documents.map(\.count).max() ?? 8)
        out.write(line: "rank  score     " + Format.padded("document", width) + "  text")
        for (rank, result) in answer.results.enumerated() {
            let rankText = String(rank + 1)
            let snippet = result.hit.section.isEmpty ? result.hit.text : "[\(result.hit.section)] \(result.hit.text)"
            out.write(
                line: String(repeating: " ", count: max(0, 4 - rankText.count)) + rankText + "  "
                    + Format.padded(Self.score(result.score), 8) + "  "
                    + Format.padded(Format.clip(documents[rank], width), width) + "  " + Format.snippet(snippet, 70))
        }
        if id != nil { out.write(line: "") }
    }

    /// An id as a person reads it: a string without quotes, a number as it is.
    static func plain(_ value: JSONValue) -> String {
        value.stringValue ?? value.intValue.map(String.init) ?? "\(value)"
    }

    /// A score rounded to 4 decimals, in its shortest form ("0.0492").
    static func score(_ value: Float) -> String {
        String(Format.rounded(Double(value), 4))
    }
}
