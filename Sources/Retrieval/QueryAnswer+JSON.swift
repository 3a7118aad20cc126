public import TextIO

extension QueryAnswer {
    /// The answer as `ovindex query --json` prints it, one line: `{"id", "query", "results": [{"document",
    /// "source", "chunk", "score", "rerank_score", "context", "section", "text"}, ...], "milliseconds"}`
    /// (`rerank_score` only when the results were reranked).
    public func jsonLine(id: JSONValue?, query: String) -> [UInt8] {
        var writer = JSONWriter(capacity: 4096)
        writer.object { line in
            line.field("id", id ?? .null)
            line.field("query", query)
            line.field("results") { list in
                list.array(results) { writer, result in
                    writer.object { item in
                        item.field("document", result.hit.documentKey)
                        item.field("source", result.hit.source)
                        item.field("chunk", result.hit.ordinal)
                        item.field("score", result.score)
                        if let rerankScore = result.rerankScore { item.field("rerank_score", rerankScore) }
                        item.field("context", result.hit.context)
                        item.field("section", result.hit.section)
                        item.field("text", result.hit.text)
                    }
                }
            }
            line.field("milliseconds", Format.rounded(seconds * 1000, 2))
        }
        writer.newline()
        return writer.bytes
    }
}
