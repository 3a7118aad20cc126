import TextIO

/// One JSON object of a definition, read field by field; the fields read are remembered, so that unknown ones
/// can be reported with their path.
final class DefinitionObject {
    let members: [String: JSONValue]
    let path: String
    let file: String
    private var used: Set<String> = []

    init(_ value: JSONValue, path: String, file: String) throws(DefinitionError) {
        guard case .object(let members) = value else {
            throw DefinitionError(file: file, field: path.isEmpty ? nil : path, message: "must be a JSON object")
        }
        self.members = members
        self.path = path
        self.file = file
    }

    /// An object the definition does not have: every read finds nothing.
    static func absent(_ path: String, file: String) -> DefinitionObject {
        DefinitionObject(members: [:], path: path, file: file)
    }

    private init(members: [String: JSONValue], path: String, file: String) {
        self.members = members
        self.path = path
        self.file = file
    }

    func name(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    func value(_ key: String, required: Bool = false) throws(DefinitionError) -> JSONValue? {
        used.insert(key)
        guard let value = members[key], value != .null else {
            if required { throw DefinitionError(file: file, field: name(key), message: "is required") }
            return nil
        }
        return value
    }

    func string(_ key: String, required: Bool = false) throws(DefinitionError) -> String? {
        guard let value = try value(key, required: required) else { return nil }
        guard case .string(let text) = value else {
            throw DefinitionError(
                file: file, field: name(key), message: "must be a string, not \(value.kindDescription)")
        }
        return text
    }

    func strings(_ key: String) throws(DefinitionError) -> [String]? {
        guard let values = try array(key) else { return nil }
        var result: [String] = []
        for (index, value) in values.enumerated() {
            guard case .string(let text) = value else {
                throw DefinitionError(file: file, field: "\(name(key))[\(index)]", message: "must be a string")
            }
            result.append(text)
        }
        return result
    }

    func array(_ key: String, required: Bool = false) throws(DefinitionError) -> [JSONValue]? {
        guard let value = try value(key, required: required) else { return nil }
        guard case .array(let values) = value else {
            throw DefinitionError(
                file: file, field: name(key), message: "must be an array, not \(value.kindDescription)")
        }
        return values
    }

    func object(_ key: String) throws(DefinitionError) -> DefinitionObject? {
        guard let value = try value(key) else { return nil }
        return try DefinitionObject(value, path: name(key), file: file)
    }

    func bool(_ key: String, required: Bool = false) throws(DefinitionError) -> Bool? {
        guard let value = try value(key, required: required) else { return nil }
        guard case .bool(let flag) = value else {
            throw DefinitionError(file: file, field: name(key), message: "must be true or false")
        }
        return flag
    }

    func choice<T: RawRepresentable & CaseIterable>(_ key: String, _ type: T.Type) throws(DefinitionError) -> T?
    where T.RawValue == String {
        guard let text = try string(key) else { return nil }
        guard let value = T(rawValue: text) else {
            throw DefinitionError(
                file: file, field: name(key),
                message: "must be one of \(T.allCases.map(\.rawValue).joined(separator: ", ")), not '\(text)'")
        }
        return value
    }

    func rejectUnknown() throws(DefinitionError) {
        if let unknown = members.keys.sorted().first(where: { !used.contains($0) }) {
            throw DefinitionError(
                file: file, field: name(unknown),
                message: "is not a known field (known here: \(used.sorted().joined(separator: ", ")))")
        }
    }
}
