import SQLite
import VectorMath

/// Keyword search: BM25 over the chunks' text (SQLite FTS5), with the filters vector search has.
extension Store {
    /// Top-k chunks by BM25 over chunk text and context (SQLite FTS5, Porter stems from schema 3). Every word of
    /// `text` is searched (any may match) except common English words, which narrow nothing and make the
    /// search slow; a query of nothing but those searches them all.
    public func keywordSearch(
        _ text: String, k: Int, filter: SearchFilter = SearchFilter()
    ) throws(StoreError)
        -> [SearchHit]
    {
        try perform("searching text") { try readSnapshot { try keywordSearchInSnapshot(text, k: k, filter: filter) } }
    }

    private func keywordSearchInSnapshot(_ text: String, k: Int, filter: SearchFilter) throws -> [SearchHit] {
        let query = Self.ftsQuery(text)
        guard !query.isEmpty else { return [] }
        let allowed = try documents(matching: filter)
        var section: String?
        if let text = filter.section {
            try requireSections()
            guard let pattern = Self.likeContaining(text) else { return [] }
            section = pattern
        }
        let scored: [(Int64, Float)] = try perform("searching text") {
            // Ask for more than k when filtering documents, then drop what the filter excludes; a section is
            // matched by the search itself (a section's few chunks may all rank below any limit).
            let statement = try connection.prepare(
                """
                SELECT f.rowid, c.document_id, bm25(chunks_fts, \(Self.contextWeight), 1.0) AS rank FROM chunks_fts f
                JOIN chunks c ON c.id = f.rowid
                WHERE chunks_fts MATCH ?\(filter.section == nil ? "" : " AND c.section LIKE ? ESCAPE '\\'")
                ORDER BY rank LIMIT ?
                """)
            var arguments: [any SQLiteBindable] = [query]
            if let section { arguments.append(section) }
            arguments.append(allowed == nil ? k : max(k * 20, 1000))
            try statement.bind(arguments)
            var results: [(Int64, Float)] = []
            while try statement.step(), results.count < k {
                if let allowed, !allowed.contains(statement.int64(at: 1)) { continue }
                results.append((statement.int64(at: 0), Float(-statement.double(at: 2))))
            }
            return results
        }
        return try hits(scored)
    }

    /// An FTS5 query from free text: each word quoted (so no word is read as FTS syntax), joined with OR.
    static func ftsQuery(_ text: String) -> String {
        var words: [String] = []
        var current = ""
        for scalar in text.unicodeScalars {
            if scalar.properties.isAlphabetic || scalar.properties.numericType != nil || scalar == "_" {
                current.unicodeScalars.append(scalar)
            } else if !current.isEmpty {
                words.append(current)
                current = ""
            }
        }
        if !current.isEmpty { words.append(current) }
        let telling = words.filter { !commonWords.contains($0.lowercased()) }
        return (telling.isEmpty ? words : telling).map { "\"\($0)\"" }.joined(separator: " OR ")
    }

    /// English words too common to narrow a search (articles, pronouns, auxiliaries, prepositions).
    public static let commonWords: Set<String> = [
        "a", "about", "above", "after", "again", "all", "am", "an", "and", "any", "are", "as", "at", "be",
        "because", "been", "before", "being", "below", "between", "both", "but", "by", "can", "could", "did", "do",
        "does", "doing", "down", "during", "each", "few", "for", "from", "further", "had", "has", "have", "having",
        "he", "her", "here", "hers", "him", "his", "how", "i", "if", "in", "into", "is", "it", "its", "itself",
        "just", "me", "more", "most", "my", "no", "nor", "not", "now", "of", "off", "on", "once", "only", "or",
        "other", "our", "ours", "out", "over", "own", "same", "she", "should", "so", "some", "such", "than", "that",
        "the", "their", "theirs", "them", "then", "there", "these", "they", "this", "those", "through", "to", "too",
        "under", "until", "up", "very", "was", "we", "were", "what", "when", "where", "which", "while", "who",
        "whom", "why", "will", "with", "would", "you", "your", "yours",
    ]
}
