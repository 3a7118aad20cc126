import SQLite

extension Store {
    // MARK: - Model identity

    /// The model the store's vectors were made with; nil for a store without vectors yet.
    public func modelIdentity() throws(StoreError) -> ModelIdentity? {
        try perform("reading the model identity") {
            let statement = try connection.prepare("SELECT key, value FROM index_info")
            var values: [String: String] = [:]
            while try statement.step() {
                values[statement.text(at: 0) ?? ""] = statement.text(at: 1) ?? ""
            }
            guard let model = values["model_id"], let dimension = values["dimension"].flatMap(Int.init) else {
                return nil
            }
            return ModelIdentity(
                modelID: model, dimension: dimension, pooling: values["pooling"] ?? "",
                normalized: values["normalized"] == "true", weightsSHA256: values["weights_sha256"] ?? "",
                variant: values["variant"] ?? "", name: values["model_name"] ?? "")
        }
    }

    /// Records `model` as the store's model, or checks that it is the one already recorded.
    ///
    /// - Throws: `StoreError.Kind.modelMismatch` naming both models when they differ: vectors of two models
    ///   must never be mixed in one store.
    public func bind(to model: ModelIdentity) throws(StoreError) {
        if try modelIdentity() != nil {
            try verify(model: model)
            return
        }
        try perform("recording the model identity") {
            try connection.inTransaction {
                let values: [(String, String)] = [
                    ("model_id", model.modelID), ("dimension", String(model.dimension)), ("pooling", model.pooling),
                    ("normalized", model.normalized ? "true" : "false"), ("weights_sha256", model.weightsSHA256),
                    ("variant", model.variant), ("model_name", model.name),
                ]
                for (key, value) in values {
                    try connection.execute(
                        "INSERT OR REPLACE INTO index_info (key, value) VALUES (?, ?)", [key, value])
                }
            }
        }
    }

    /// Checks that the store was built with `model`, when it records one; writes nothing.
    ///
    /// - Throws: `StoreError.Kind.modelMismatch` naming both models when they differ.
    public func verify(model: ModelIdentity) throws(StoreError) {
        guard let existing = try modelIdentity() else { return }
        let differences = existing.differences(from: model)
        guard differences.isEmpty else {
            throw StoreError(
                .modelMismatch, path: path,
                message: "was built with \(existing), but this uses \(differences.joined(separator: ", ")); "
                    + "use a new store (or re-embed everything into one) instead of mixing vectors of two models")
        }
    }

    /// Checks that the store was built with `value` for the setting `key`, when it records one; writes nothing.
    public func verify(setting key: String, is value: String, meaning: String) throws(StoreError) {
        if let existing = try setting(key), existing != value {
            throw StoreError(
                .modelMismatch, path: path,
                message: "was built with \(meaning) \(existing), this run uses \(value): use a new store "
                    + "(or the same setting) so every document is cut the same way")
        }
    }

    /// A setting the store recorded (`bind(setting:to:meaning:)`), nil when it has none. A store older than
    /// schema 4 that holds chunks made them without structure: it reads as `chunk_structure` "none", as the
    /// migration to schema 4 records it (so a reader, a dry run or a merge of it sees what a writer would).
    public func setting(_ key: String) throws(StoreError) -> String? {
        try perform("reading settings") {
            if let value = try connection.scalarText("SELECT value FROM index_info WHERE key = ?", ["setting." + key]) {
                return value
            }
            return key == Self.structureSetting ? try impliedStructure() : nil
        }
    }

    /// The store's settings (`setting(_:)`), by name, without the "setting." prefix.
    public func settings() throws(StoreError) -> [(String, String)] {
        try perform("reading settings") {
            let statement = try connection.prepare(
                "SELECT substr(key, 9), value FROM index_info WHERE key LIKE 'setting.%' ORDER BY key")
            var result: [(String, String)] = []
            while try statement.step() { result.append((statement.text(at: 0) ?? "", statement.text(at: 1) ?? "")) }
            if !result.contains(where: { $0.0 == Self.structureSetting }), let implied = try impliedStructure() {
                result.append((Self.structureSetting, implied))
                result.sort { $0.0 < $1.0 }
            }
            return result
        }
    }

    static let structureSetting = "chunk_structure"

    private func impliedStructure() throws -> String? {
        guard openedSchemaVersion < 4 else { return nil }
        return try connection.scalarInt("SELECT EXISTS (SELECT 1 FROM chunks)") == 1 ? "none" : nil
    }

    /// Records a setting the store's contents depend on (such as the chunk size), or checks it is unchanged.
    ///
    /// - Throws: `StoreError.Kind.modelMismatch` when the store holds another value: its chunks were made
    ///   differently, and mixing would make results depend on when a document was indexed.
    public func bind(setting key: String, to value: String, meaning: String) throws(StoreError) {
        try verify(setting: key, is: value, meaning: meaning)
        let existing = try perform("reading settings") {
            try connection.scalarText("SELECT value FROM index_info WHERE key = ?", ["setting." + key])
        }
        if existing != nil { return }
        try perform("recording a setting") {
            try connection.execute("INSERT INTO index_info (key, value) VALUES (?, ?)", ["setting." + key, value])
        }
    }

    /// A value the store keeps about itself (`index_info`), such as a cached verdict; nil when absent.
    public func info(_ key: String) throws(StoreError) -> String? {
        try perform("reading index_info") {
            try connection.scalarText("SELECT value FROM index_info WHERE key = ?", ["note." + key])
        }
    }

    /// The values the store keeps about itself whose keys start with `prefix`, by key (without the prefix).
    public func infos(prefix: String) throws(StoreError) -> [(String, String)] {
        try perform("reading index_info") {
            let statement = try connection.prepare(
                "SELECT substr(key, ?), value FROM index_info WHERE substr(key, 1, ?) = ? ORDER BY key")
            let full = "note." + prefix
            try statement.bind([full.unicodeScalars.count + 1, full.unicodeScalars.count, full])
            var result: [(String, String)] = []
            while try statement.step() { result.append((statement.text(at: 0) ?? "", statement.text(at: 1) ?? "")) }
            return result
        }
    }

    /// Records a value the store keeps about itself (see `info(_:)`), replacing any earlier one.
    public func setInfo(_ key: String, to value: String) throws(StoreError) {
        try perform("writing index_info") {
            try connection.execute(
                "INSERT OR REPLACE INTO index_info (key, value) VALUES (?, ?)", ["note." + key, value])
        }
    }

    // MARK: - Maintenance

    /// The model the store's vectors were made with, for a reader that needs vectors.
    ///
    /// - Throws: `StoreError.Kind.empty` when no run has written vectors yet.
    public func requireModelIdentity() throws(StoreError) -> ModelIdentity {
        guard let identity = try modelIdentity() else {
            throw StoreError(
                .empty, path: path,
                message: "holds no vectors yet (no model recorded): index documents into it with 'ovindex run' first")
        }
        return identity
    }
}
