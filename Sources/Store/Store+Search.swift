import SQLite
import VectorMath

extension VectorIndex {
    /// Throws unless `query` has the index's dimension (a store without vectors has dimension 0).
    func requireDimension(of query: [Float], store: String) throws(StoreError) {
        guard query.count == dimension else {
            throw StoreError(
                dimension == 0 ? .empty : .invalidWrite, path: store,
                message: dimension == 0
                    ? "holds no vectors yet: index documents into it with 'ovindex run' first"
                    : "the query vector has \(query.count) dimensions, the store's vectors \(dimension)")
        }
    }
}

extension Store {
    /// Loads the int8 codes of every chunk into memory for `search`.
    public func loadVectorIndex() throws(StoreError) -> VectorIndex {
        guard let dimension = try modelIdentity()?.dimension else {
            return VectorIndex(dimension: 0, chunkIDs: [], documentIDs: [], scales: [], codes: [])
        }
        return try perform("loading the vector index") {
            let total = Int(try connection.scalarInt("SELECT count(*) FROM vector_codes") ?? 0)
            var chunkIDs: [Int64] = []
            var documentIDs: [Int64] = []
            var scales: [Float] = []
            var codes: [Int8] = []
            chunkIDs.reserveCapacity(total)
            documentIDs.reserveCapacity(total)
            scales.reserveCapacity(total)
            codes.reserveCapacity(total * dimension)
            let statement = try connection.prepare("SELECT chunk_id, document_id, scale, code FROM vector_codes")
            while try statement.step() {
                let valid = statement.withBlob(at: 3) { raw -> Bool in
                    guard raw.count == dimension else { return false }
                    codes.append(contentsOf: raw.bindMemory(to: Int8.self))
                    return true
                }
                guard valid else {
                    throw StoreError(
                        .database, path: path, message: "chunk \(statement.int64(at: 0)) has a malformed int8 code")
                }
                chunkIDs.append(statement.int64(at: 0))
                documentIDs.append(statement.int64(at: 1))
                scales.append(Float(statement.double(at: 2)))
            }
            return VectorIndex(
                dimension: dimension, chunkIDs: chunkIDs, documentIDs: documentIDs, scales: scales, codes: codes)
        }
    }

    /// The documents a filter admits, or nil when the filter admits everything.
    public func documents(matching filter: SearchFilter) throws(StoreError) -> RowSet? {
        guard filter.sourcePrefix != nil || !filter.metadata.isEmpty else { return nil }
        return try perform("applying the filter") {
            var sql = "SELECT id FROM documents WHERE state = 'indexed'"
            var arguments: [any SQLiteBindable] = []
            if let prefix = filter.sourcePrefix {
                sql += " AND source GLOB ?"
                arguments.append(Self.globPrefix(prefix))
            }
            for (key, value) in filter.metadata.sorted(by: { $0.key < $1.key }) {
                sql += " AND id IN (SELECT document_id FROM document_metadata WHERE key = ? AND value = ?)"
                arguments += [key, value]
            }
            let statement = try connection.prepare(sql)
            try statement.bind(arguments)
            var set = RowSet()
            while try statement.step() { set.insert(statement.int64(at: 0)) }
            return set
        }
    }

    /// The chunks a filter's section admits, or nil when it names none (every chunk of an admitted document).
    ///
    /// - Throws: `StoreError` when the store is older than sections (schema 4): it cannot be filtered by them.
    public func chunks(matching filter: SearchFilter) throws(StoreError) -> RowSet? {
        guard let section = filter.section else { return nil }
        try requireSections()
        guard let pattern = Self.likeContaining(section) else { return RowSet() }
        return try perform("applying the section filter") {
            let statement = try connection.prepare("SELECT id FROM chunks WHERE section LIKE ? ESCAPE '\\'")
            try statement.bind([pattern])
            var set = RowSet()
            while try statement.step() { set.insert(statement.int64(at: 0)) }
            return set
        }
    }

    func requireSections() throws(StoreError) {
        guard keepsSections else {
            throw StoreError(
                .unsupported, path: path,
                message: "was built before chunks kept their sections (schema \(openedSchemaVersion)): index the "
                    + "documents into a new store to filter by section")
        }
    }

    /// A LIKE pattern matching text that contains `text` (`%`, `_` and the escape `\` escaped, scalar by
    /// scalar: a wildcard followed by a combining mark is still a wildcard to SQLite); nil when `text` holds a
    /// line break, which would match across two of a chunk's sections: nothing matches it.
    static func likeContaining(_ text: String) -> String? {
        guard !text.unicodeScalars.contains(where: { $0 == "\n" || $0 == "\r" }) else { return nil }
        var pattern = "%"
        for scalar in text.unicodeScalars {
            if scalar == "%" || scalar == "_" || scalar == "\\" { pattern.unicodeScalars.append("\\") }
            pattern.unicodeScalars.append(scalar)
        }
        return pattern + "%"
    }

    /// Top-k chunks by cosine similarity to `query`: the int8 `index` picks `candidates` chunks, whose exact
    /// f32 vectors are then re-scored. Filters apply during the scan.
    ///
    /// The filter, re-scoring and results come from one snapshot of the store; chunks replaced since `index`
    /// was loaded drop out (reload the index after writes to see new chunks).
    public func search(
        _ query: [Float], k: Int, candidates: Int = 100, filter: SearchFilter = SearchFilter(), index: VectorIndex
    ) throws(StoreError) -> [SearchHit] {
        try index.requireDimension(of: query, store: path)
        return try perform("searching") {
            try readSnapshot {
                let allowed = try documents(matching: filter)
                let picked = index.candidates(
                    for: query, count: max(k, candidates), allowed: allowed, chunks: try chunks(matching: filter))
                let rescored = try rescore(picked.map(\.chunkID), query: query)
                return try hits(Array(rescored.prefix(k)))
            }
        }
    }

    /// Like `search`, but without reading any text: the `candidates` best chunks by exact cosine, best first,
    /// each with its document's row id, so a caller can keep one chunk per document and read only the
    /// texts it shows (`hits`).
    public func vectorCandidates(
        _ query: [Float], candidates: Int, filter: SearchFilter = SearchFilter(), index: VectorIndex
    ) throws(StoreError) -> [(chunkID: Int64, documentID: Int64, score: Float)] {
        try index.requireDimension(of: query, store: path)
        return try perform("searching") {
            try readSnapshot {
                let allowed = try documents(matching: filter)
                let picked = index.candidates(
                    for: query, count: candidates, allowed: allowed, chunks: try chunks(matching: filter))
                var documentOf: [Int64: Int64] = [:]
                for candidate in picked { documentOf[candidate.chunkID] = candidate.documentID }
                return try rescore(picked.map(\.chunkID), query: query).compactMap { id, score in
                    documentOf[id].map { (id, $0, score) }
                }
            }
        }
    }

    /// Top-k chunks by cosine similarity with every f32 vector read from the store (slow; the reference).
    public func exactSearch(
        _ query: [Float], k: Int, filter: SearchFilter = SearchFilter()
    ) throws(StoreError)
        -> [SearchHit]
    {
        try perform("scanning vectors") { try readSnapshot { try exactSearchInSnapshot(query, k: k, filter: filter) } }
    }

    private func exactSearchInSnapshot(_ query: [Float], k: Int, filter: SearchFilter) throws -> [SearchHit] {
        let allowed = try documents(matching: filter)
        let allowedChunks = try chunks(matching: filter)
        let queryNorm = VectorMath.norm(query)
        let scored: [(Int64, Float)] = try perform("scanning vectors") {
            let statement = try connection.prepare(
                "SELECT v.chunk_id, c.document_id, v.embedding FROM vectors v JOIN chunks c ON c.id = v.chunk_id")
            var top = TopK(k)
            var ids: [Int64] = []
            while try statement.step() {
                if let allowed, !allowed.contains(statement.int64(at: 1)) { continue }
                if let allowedChunks, !allowedChunks.contains(statement.int64(at: 0)) { continue }
                let score = statement.withBlob(at: 2) { VectorMath.cosine(query, norm: queryNorm, littleEndian: $0) }
                ids.append(statement.int64(at: 0))
                top.insert(ids.count - 1, score)
            }
            return top.sorted().map { (ids[$0.row], $0.score) }
        }
        return try hits(scored)
    }

    /// How much a word matched in a chunk's context (its document's title) counts against one in its text.
    static let contextWeight = 2.0

    /// Exact cosine of `query` with each chunk's f32 vector, best first.
    public func rescore(_ chunkIDs: [Int64], query: [Float]) throws(StoreError) -> [(Int64, Float)] {
        let queryNorm = VectorMath.norm(query)
        return try perform("re-scoring candidates") {
            let statement = try connection.prepare("SELECT embedding FROM vectors WHERE chunk_id = ?")
            var scored: [(Int64, Float)] = []
            for id in chunkIDs {
                statement.reset()
                try statement.bind([id])
                guard try statement.step() else { continue }
                scored.append((id, statement.withBlob(at: 0) { VectorMath.cosine(query, norm: queryNorm, littleEndian: $0) }))
            }
            return scored.sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }
        }
    }

    /// Whether any chunk keeps its token states (false for a schema 2 store, or one built with none).
    public func keepsTokenStates() throws(StoreError) -> Bool {
        try perform("reading token states") {
            guard keepsStateTable else { return false }
            return try connection.scalarInt("SELECT EXISTS (SELECT 1 FROM chunk_states)") == 1
        }
    }

    /// The packed token states kept for each of `chunkIDs` (`PackedTokenStates` bytes), by chunk id; chunks
    /// without them (indexed with `token_states` "none", or before the store kept them) are absent.
    public func tokenStates(for chunkIDs: [Int64]) throws(StoreError) -> [Int64: [UInt8]] {
        try perform("reading token states") {
            guard keepsStateTable else { return [:] }
            let statement = try connection.prepare("SELECT states FROM chunk_states WHERE chunk_id = ?")
            var states: [Int64: [UInt8]] = [:]
            for id in chunkIDs {
                statement.reset()
                try statement.bind([id])
                guard try statement.step() else { continue }
                states[id] = statement.withBlob(at: 0) { Array($0) }
            }
            return states
        }
    }

    /// The chunks of `scored`, with their documents, in the given order.
    public func hits(_ scored: [(Int64, Float)]) throws(StoreError) -> [SearchHit] {
        try perform("reading results") {
            // A schema 2 store (opened as it is by a reader) has no contexts.
            let context = keepsStateTable ? "c.context" : "''"
            let section = keepsSections ? "c.section" : "''"
            let statement = try connection.prepare(
                """
                SELECT d.key, d.source, c.ordinal, c.text, c.char_start, c.char_end, d.metadata, \(context),
                    \(section)
                FROM chunks c JOIN documents d ON d.id = c.document_id WHERE c.id = ?
                """)
            var hits: [SearchHit] = []
            for (id, score) in scored {
                statement.reset()
                try statement.bind([id])
                guard try statement.step() else { continue }
                hits.append(
                    SearchHit(
                        chunkID: id, documentKey: statement.text(at: 0) ?? "", source: statement.text(at: 1) ?? "",
                        ordinal: statement.int(at: 2), score: score, text: statement.text(at: 3) ?? "",
                        characterStart: statement.int(at: 4), characterEnd: statement.int(at: 5),
                        metadata: statement.text(at: 6) ?? "{}", context: statement.text(at: 7) ?? "",
                        section: Self.label(statement.text(at: 8) ?? "")))
            }
            return hits
        }
    }

    /// A chunk's own section: the first line of what the store keeps (`ChunkInput.section`).
    static func label(_ sections: String) -> String {
        sections.firstIndex(of: "\n").map { String(sections[..<$0]) } ?? sections
    }

    /// A GLOB pattern matching strings that start with `prefix` (special characters escaped as [x]).
    static func globPrefix(_ prefix: String) -> String {
        var pattern = ""
        for character in prefix {
            switch character {
            case "*", "?", "[", "]": pattern += "[\(character)]"
            default: pattern.append(character)
            }
        }
        return pattern + "*"
    }
}
