import Retrieval
import Store
import TextIO

/// `ovindex query`: the most similar documents (or chunks) in a store for a question.
struct QueryCommand: Command {
    static let name = "query"
    static let summary = "Find the documents most similar to a question (vector, keyword or hybrid; rerank)"
    static let help = """
        Usage: ovindex query "TEXT" --store PATH [options]
               ovindex query --queries FILE --store PATH [options]

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
        are answered, with exit status 65 at the end.

        Options:
          -k N                   results to return (default 10, at most \(QueryOptions.maximumK))
          --candidates N         chunks retrieved before reranking (default \(QueryDefaults.candidates), at most \(QueryOptions.maximumCandidates))
          --mode M               vector (cosine), keyword (BM25) or hybrid (reciprocal-rank fusion of both)
                                 (default \(QueryDefaults.mode.rawValue))
          --rerank R             none, late-interaction (token-level MaxSim with the embedding model, from the
                                 token states the store keeps, else by running the model over each candidate)
                                 or cross-encoder (needs --reranker) (default \(QueryDefaults.rerank.rawValue));
                                 the reranked order is fused with the candidates' first ranks
          --filter KEY=VALUE     only documents whose metadata KEY is VALUE (repeatable; all must hold)
          --source-prefix P      only documents whose source path starts with P
          --section TEXT         only chunks whose section (the Markdown headings above them, or above a
                                 heading inside them) contains TEXT, ASCII letters in either case
          --chunks               every matching chunk, not only the best one per document
          --json                 JSON Lines output
          --queries FILE         answer every query in FILE ('-' for standard input)
        Queries longer than \(QueryOptions.maximumQueryCharacters) characters are refused.

        """ + SearchSetup.help

    var text: String?
    var queriesFile: String?
    var options: QueryOptions
    var json: Bool
    var setup: SearchSetup

    init(parsing arguments: inout Arguments) throws(UsageError) {
        setup = try SearchSetup(parsing: &arguments, command: Self.name)
        options = try Self.parseOptions(&arguments, command: Self.name)
        json = arguments.flag("--json")
        queriesFile = try arguments.option("--queries")
        let positionals = try arguments.positionals(max: 1)
        text = positionals.first
        if (text == nil) == (queriesFile == nil) {
            throw UsageError(command: Self.name, message: "give either a query TEXT or --queries FILE")
        }
        if options.rerank == .crossEncoder, setup.reranker == nil {
            throw UsageError(command: Self.name, message: "--rerank cross-encoder needs --reranker DIR")
        }
    }

    /// -k, --candidates, --mode, --rerank, --filter, --source-prefix, --section, --chunks.
    static func parseOptions(_ arguments: inout Arguments, command: String) throws(UsageError) -> QueryOptions {
        // The defaults (QueryDefaults) were chosen on two evaluation sets and checked on a third: docs/querying.md,
        // "Query quality".
        var options = QueryOptions()
        options.k = try arguments.integer("-k", in: 1...QueryOptions.maximumK) ?? options.k
        options.candidates =
            try arguments.integer("--candidates", in: 1...QueryOptions.maximumCandidates) ?? options.candidates
        options.mode = try arguments.choice("--mode", RetrievalMode.self) ?? options.mode
        options.rerank = try arguments.choice("--rerank", RerankMethod.self) ?? options.rerank
        for filter in try arguments.options("--filter") {
            guard let equals = filter.firstIndex(of: "="), equals != filter.startIndex else {
                throw UsageError(command: command, message: "--filter '\(filter)' is not KEY=VALUE")
            }
            options.filter.metadata[String(filter[..<equals])] = String(filter[filter.index(after: equals)...])
        }
        options.filter.sourcePrefix = try arguments.option("--source-prefix")
        options.filter.section = try arguments.option("--section")
        if let section = options.filter.section {
            guard !section.isEmpty else { throw UsageError(command: command, message: "--section needs a text to look for") }
            guard section.count <= QueryOptions.maximumSectionCharacters else {
                throw UsageError(
                    command: command,
                    message: "--section is \(section.count) characters long; at most \(QueryOptions.maximumSectionCharacters)")
            }
        }
        options.groupByDocument = !arguments.flag("--chunks")
        return options
    }

    func run() async throws -> ExitCode {
        let engine = try await setup.load()
        if options.rerank == .lateInteraction, try !engine.store.keepsTokenStates() {
            Terminal.errors.write(
                line: "ovindex query: note: \(setup.store) keeps no token states (built before schema 3, or with "
                    + "token_states \"none\"), so reranking runs the model over every candidate, about 20 ms each "
                    + "on 2 cores; index into a new store to keep them, or pass --rerank none")
        }
        if options.filter.section != nil, try engine.store.setting("chunk_structure") == "none" {
            Terminal.errors.write(
                line: "ovindex query: note: \(setup.store) was built with chunk structure none: its chunks have no "
                    + "sections, so --section finds nothing; index into a new store (--structure auto or markdown)")
        }
        if let text {
            let answer = try await answer(text, engine: engine)
            print(id: nil, query: text, answer)
            return .success
        }
        let reader: TextRecordReader
        do {
            reader = try TextRecordReader(
                path: queriesFile, format: nil, maximumLineBytes: InputOptions.defaultMaximumLineBytes)
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
            writer.raw("{")
            writer.key("id", first: true)
            writer.value(id ?? .null)
            writer.key("query")
            if let query { writer.string(query) } else { writer.raw("null") }
            writer.key("error")
            writer.string(message)
            writer.raw("}\n")
            Terminal.output.append(writer.bytes)
        }
        Terminal.errors.write(line: "ovindex query: refused \(message)")
    }

    private func print(id: JSONValue?, query: String, _ answer: QueryAnswer) {
        if json {
            var writer = JSONWriter(capacity: 4096)
            writer.raw("{")
            writer.key("id", first: true)
            writer.value(id ?? .null)
            writer.key("query")
            writer.string(query)
            writer.key("results")
            writer.raw("[")
            for (index, result) in answer.results.enumerated() {
                if index > 0 { writer.raw(",") }
                writer.raw("{")
                writer.key("document", first: true)
                writer.string(result.hit.documentKey)
                writer.key("source")
                writer.string(result.hit.source)
                writer.key("chunk")
                writer.integer(result.hit.ordinal)
                writer.key("score")
                writer.float(result.score)
                if let rerankScore = result.rerankScore {
                    writer.key("rerank_score")
                    writer.float(rerankScore)
                }
                writer.key("context")
                writer.string(result.hit.context)
                writer.key("section")
                writer.string(result.hit.section)
                writer.key("text")
                writer.string(result.hit.text)
                writer.raw("}")
            }
            writer.raw("]")
            writer.key("milliseconds")
            writer.double((answer.seconds * 1000 * 100).rounded() / 100)
            writer.raw("}\n")
            Terminal.output.append(writer.bytes)
            return
        }
        let out = Terminal.output
        if let id {
            out.write(line: "query \(Self.plain(id)): \(query)")
        }
        guard !answer.results.isEmpty else {
            out.write(line: "no results")
            return
        }
        let documents = answer.results.map { "\($0.hit.documentKey) #\($0.hit.ordinal)" }
        let width = min(40, documents.map(\.count).max() ?? 8)
        out.write(line: "rank  score     " + "document".padding(to: width) + "  text")
        for (rank, result) in answer.results.enumerated() {
            let rankText = String(rank + 1)
            let line =
                String(repeating: " ", count: max(0, 4 - rankText.count)) + rankText + "  "
                + Self.score(result.score).padding(to: 8) + "  "
                + Self.clip(documents[rank], width).padding(to: width) + "  "
                + Self.snippet(
                    result.hit.section.isEmpty ? result.hit.text : "[\(result.hit.section)] \(result.hit.text)", 70)
            out.write(line: line)
        }
        if id != nil { out.write(line: "") }
    }

    static func plain(_ value: JSONValue) -> String {
        value.stringValue ?? value.intValue.map(String.init) ?? "\(value)"
    }

    static func score(_ value: Float) -> String {
        let rounded = (Double(value) * 10_000).rounded() / 10_000
        return String(rounded)
    }

    static func clip(_ text: String, _ width: Int) -> String {
        text.count <= width ? text : "…" + text.suffix(width - 1)
    }

    /// The text on one line, whitespace runs collapsed, cut to `width` characters.
    static func snippet(_ text: String, _ width: Int) -> String {
        let words = text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        return words.count <= width ? words : words.prefix(width - 1) + "…"
    }
}
