import Foundation
import Settings
import TextIO

extension PipelineDefinition {
    /// Reads a definition file; relative paths in it are resolved against the file's folder.
    ///
    /// - Throws: `DefinitionError` naming the file and the field.
    public static func load(path: String) throws(DefinitionError) -> PipelineDefinition {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw DefinitionError(file: path, field: nil, message: "cannot be read", unreadable: true)
        }
        let value: JSONValue
        do {
            value = try JSONParser.parse(String(decoding: data, as: UTF8.self))
        } catch {
            throw DefinitionError(file: path, field: nil, message: "invalid JSON: \(error)")
        }
        let base = URL(fileURLWithPath: path).deletingLastPathComponent().path
        return try parse(value, file: path, base: base)
    }

    static func parse(_ value: JSONValue, file: String, base: String) throws(DefinitionError) -> PipelineDefinition {
        let root = try DefinitionObject(value, path: "", file: file)
        func resolve(_ path: String) -> String {
            path.hasPrefix("/")
                ? path : URL(fileURLWithPath: base).appendingPathComponent(path).standardizedFileURL.path
        }
        let store = try root.string("store", required: true) ?? ""
        if store.isEmpty { throw DefinitionError(file: file, field: "store", message: "is empty") }
        let sources = try Self.sources(root, file: file, resolve: resolve)
        var definition = PipelineDefinition(store: resolve(store), sources: sources)
        // "prune": true is short for {"enabled": true}; an object must say "enabled", so that one that only sets
        // the share does not turn pruning on by itself.
        if let prune = try root.value("prune") {
            switch prune {
            case .bool(let flag):
                definition.prune = flag
            case .object(let members) where members["enabled"] == nil || members["enabled"] == .null:
                throw DefinitionError(file: file, field: "prune.enabled", message: "is required")
            case .object:
                break
            default:
                throw DefinitionError(
                    file: file, field: "prune",
                    message: "must be true, false or an object like {\"enabled\": true, \"max_fraction\": 0.5}")
            }
        }
        definition.classification = try Self.classification(root, file: file, resolve: resolve)
        // Every scalar field, from its table entry; nested objects are read once and checked for unknown keys.
        var objects: [String: DefinitionObject] = ["": root]
        var order: [DefinitionObject] = [root]
        for setting in settings {
            guard let key = setting.key else { continue }
            let parts = key.split(separator: ".", maxSplits: 1).map(String.init)
            let (objectName, member) = parts.count == 2 ? (parts[0], parts[1]) : ("", parts[0])
            if objects[objectName] == nil {
                if objectName == "prune", case .bool = root.members["prune"] { continue }
                guard let object = try root.object(objectName) else {
                    objects[objectName] = DefinitionObject.absent(objectName, file: file)
                    continue
                }
                objects[objectName] = object
                order.append(object)
            }
            guard let object = objects[objectName], let value = try object.value(member) else { continue }
            guard let assign = setting.assignment(json: value) else {
                throw DefinitionError(file: file, field: key, message: Self.mismatch(setting, value))
            }
            assign(&definition)
        }
        if let model = definition.model, model.contains("/") { definition.model = resolve(model) }
        for object in order { try object.rejectUnknown() }
        try definition.validate(file: file)
        return definition
    }

    /// What a value that does not fit a field's domain is told: as specific as the domain allows.
    static func mismatch(_ setting: Setting<PipelineDefinition>, _ value: JSONValue) -> String {
        switch (setting.domain, value) {
        case (.text, _), (.path, .bool), (.path, .number), (.path, .array), (.path, .object),
            (.choice, .bool), (.choice, .number), (.choice, .array), (.choice, .object),
            (.custom, .bool), (.custom, .number), (.custom, .array), (.custom, .object):
            return "must be a string, not \(value.kindDescription)"
        case (.choice, .string(let text)):
            return "must be \(setting.domain.expectedJSON), not '\(text)'"
        case (.custom, .string(let text)):
            return setting.rejection(of: text) ?? "must be \(setting.domain.expectedJSON)"
        default:
            return "must be \(setting.domain.expectedJSON)"
        }
    }

    /// `"classify": {"field", "labels", "examples", "threshold"}`, its paths resolved; nil when absent.
    static func classification(_ root: DefinitionObject, file: String, resolve: (String) -> String)
        throws(DefinitionError) -> Classification?
    {
        guard let object = try root.object("classify") else { return nil }
        let field = try object.string("field", required: true) ?? ""
        guard !field.isEmpty, !field.hasSuffix("_score") else {
            throw DefinitionError(
                file: file, field: "classify.field", message: field.isEmpty ? "is empty" : "must not end with _score")
        }
        let labels = try object.string("labels", required: true) ?? ""
        if labels.isEmpty { throw DefinitionError(file: file, field: "classify.labels", message: "is empty") }
        let examples = try object.string("examples")
        var threshold: Double?
        if let value = try object.value("threshold") {
            guard let number = value.doubleValue, (-1...1).contains(number) else {
                throw DefinitionError(file: file, field: "classify.threshold", message: "must be a number from -1 to 1")
            }
            threshold = number
        }
        try object.rejectUnknown()
        return Classification(field: field, labels: resolve(labels), examples: examples.map(resolve), threshold: threshold)
    }

    static func sources(_ root: DefinitionObject, file: String, resolve: (String) -> String) throws(DefinitionError)
        -> [Source]
    {
        var sources: [Source] = []
        for (index, element) in (try root.array("sources", required: true) ?? []).enumerated() {
            let fields = try DefinitionObject(element, path: "sources[\(index)]", file: file)
            let rawPath = try fields.string("path", required: true) ?? ""
            if rawPath.isEmpty {
                throw DefinitionError(file: file, field: "sources[\(index)].path", message: "is empty")
            }
            let format = try fields.choice("format", Source.Format.self)
            var source = Source(path: resolve(rawPath), format: format)
            if let include = try fields.strings("include") { source.include = include.map(Glob.init) }
            if let exclude = try fields.strings("exclude") { source.exclude = exclude.map(Glob.init) }
            source.keyPrefix = try fields.string("key_prefix") ?? ""
            source.idField = try fields.string("id_field") ?? source.idField
            source.textField = try fields.string("text_field") ?? source.textField
            for (name, value) in [("id_field", source.idField), ("text_field", source.textField)] where value.isEmpty {
                throw DefinitionError(file: file, field: "sources[\(index)].\(name)", message: "is empty")
            }
            source.metadataFields = try fields.strings("metadata_fields") ?? source.metadataFields
            source.followSymlinks = try fields.bool("follow_symlinks") ?? false
            try fields.rejectUnknown()
            sources.append(source)
        }
        guard !sources.isEmpty else {
            throw DefinitionError(file: file, field: "sources", message: "needs at least one source")
        }
        return sources
    }

    /// The definition as JSON, in the shape `load` reads (recorded with each run in the store, so that a run's
    /// settings can be loaded back as a definition): every field, defaults included, paths absolute.
    public var json: String {
        var members: [String: JSONValue] = [
            "store": .string(store),
            "sources": .array(sources.map(\.json)),
        ]
        var objects: [String: [String: JSONValue]] = [:]
        for setting in Self.settings {
            guard let key = setting.key, let value = setting.json(of: self) else { continue }
            let parts = key.split(separator: ".", maxSplits: 1).map(String.init)
            if parts.count == 2 {
                objects[parts[0], default: [:]][parts[1]] = value
            } else {
                members[key] = value
            }
        }
        for (name, object) in objects { members[name] = .object(object) }
        if let classification {
            var object: [String: JSONValue] = ["field": .string(classification.field), "labels": .string(classification.labels)]
            if let examples = classification.examples { object["examples"] = .string(examples) }
            if let threshold = classification.threshold { object["threshold"] = .number(String(threshold)) }
            members["classify"] = .object(object)
        }
        var writer = JSONWriter()
        writer.value(.object(members))
        return String(decoding: writer.bytes, as: UTF8.self)
    }
}

extension PipelineDefinition.Source {
    /// The source as a definition writes it.
    var json: JSONValue {
        .object([
            "path": .string(path), "format": .string(format.rawValue),
            "include": .array(include.map { .string($0.pattern) }),
            "exclude": .array(exclude.map { .string($0.pattern) }),
            "key_prefix": .string(keyPrefix), "id_field": .string(idField), "text_field": .string(textField),
            "metadata_fields": .array(metadataFields.map(JSONValue.string)), "follow_symlinks": .bool(followSymlinks),
        ])
    }
}
