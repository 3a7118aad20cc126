import TextIO

extension RunReport {
    /// The report as `ovindex run --json` prints it: one line, keys sorted and no spaces (the value tree's
    /// canonical form). Nightly jobs grep this line, so its bytes are kept as they have always been.
    ///
    /// - Parameter published: where the finished store was published, nil when it was not.
    public func jsonLine(store: String, published: String?) -> String {
        func number(_ value: Int) -> JSONValue { .number(String(value)) }
        var fields: [String: JSONValue] = [
            "run_id": .number(String(runID)), "outcome": .string(outcome.rawValue), "store": .string(store),
            "documents_seen": number(counters.documentsSeen), "documents_indexed": number(counters.documentsIndexed),
            "documents_unchanged": number(counters.documentsUnchanged),
            "documents_rejected": number(counters.documentsRejected),
            "documents_pruned": number(counters.documentsPruned), "documents_failed": number(counters.documentsFailed),
            "notes": .array(notes.map(JSONValue.string)), "rejects": number(rejects),
            "chunks": number(counters.chunksWritten), "tokens": number(counters.tokensEmbedded),
            "embeddings_computed": number(chunksEmbedded), "seconds": .number(Format.fixed(seconds, 3)),
            "peak_rss_bytes": number(peakRSSBytes), "error": error.map(JSONValue.string) ?? .null,
            "published": published.map(JSONValue.string) ?? .null,
        ]
        // Only a run that classifies has the key: the line of every other run keeps its bytes.
        if let documentsRelabelled { fields["documents_relabelled"] = number(documentsRelabelled) }
        return JSONWriter.canonical(.object(fields))
    }
}
