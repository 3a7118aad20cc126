public import TextIO

/// A change a setting makes to the value it belongs to, checked when it was read and applied later.
public typealias Assignment<Root> = @Sendable (inout Root) -> Void

/// One entry of an option table: a command-line option, a pipeline definition's field, or both.
///
/// It holds everything the three readers of the table need: the names and the definition key (parsing), the
/// value's domain, placeholder, default and help text (`--help` and the generated reference), and where the
/// value goes (a key path into `Root`). Adding an option is adding one entry; the parser, the help and the
/// reference all read it from there.
public struct Setting<Root>: Sendable {
    /// Command-line names, the one shown first first ("--quiet", "-q"); empty for a definition-only field.
    public let names: [String]
    /// The field's path in a pipeline definition ("chunking.max_tokens"); nil for a command-line-only option.
    public let key: String?
    /// What help shows after the name ("N", "PATH"); nil for a flag.
    public let placeholder: String?
    public let domain: SettingDomain
    public let help: String
    /// The default as help states it, when it is not simply the default value ("all", "the store's own").
    public let defaultText: String?
    /// Whether the command cannot run without it ("--store PATH is required").
    public let isRequired: Bool
    /// Whether it may be given several times, each value kept (`--filter`, `--source`).
    public let isRepeatable: Bool
    /// Whether help leaves it out (accepted for scripts written against an older version).
    public let isHidden: Bool

    let fromArgument: @Sendable (String?) -> Assignment<Root>?
    let fromJSON: @Sendable (JSONValue) -> Assignment<Root>?
    let toJSON: @Sendable (Root) -> JSONValue?
    let shown: @Sendable (Root) -> String?
    let reason: @Sendable (String) -> String?

    init(
        names: [String], key: String?, placeholder: String?, domain: SettingDomain, help: String,
        defaultText: String?, isRequired: Bool = false, isRepeatable: Bool = false, isHidden: Bool = false,
        fromArgument: @escaping @Sendable (String?) -> Assignment<Root>?,
        fromJSON: @escaping @Sendable (JSONValue) -> Assignment<Root>?,
        toJSON: @escaping @Sendable (Root) -> JSONValue?, shown: @escaping @Sendable (Root) -> String?,
        reason: @escaping @Sendable (String) -> String? = { _ in nil }
    ) {
        self.reason = reason
        self.names = names
        self.key = key
        self.placeholder = placeholder
        self.domain = domain
        self.help = help
        self.defaultText = defaultText
        self.isRequired = isRequired
        self.isRepeatable = isRepeatable
        self.isHidden = isHidden
        self.fromArgument = fromArgument
        self.fromJSON = fromJSON
        self.toJSON = toJSON
        self.shown = shown
    }

    /// The name errors and help use: the first command-line name, else the definition key.
    public var name: String { names.first ?? key ?? "" }

    /// Whether it takes a value on the command line (a flag does not).
    public var takesValue: Bool { placeholder != nil }

    /// The assignment a command-line value makes; nil when the value is not in the domain.
    public func assignment(argument: String?) -> Assignment<Root>? { fromArgument(argument) }

    /// The assignment a definition's JSON value makes; nil when the value is not in the domain.
    public func assignment(json: JSONValue) -> Assignment<Root>? { fromJSON(json) }

    /// Why `text` is not a value, when the value can say more than its domain (a shard out of range).
    public func rejection(of text: String) -> String? { reason(text) }

    /// The value in `root` as a definition writes it; nil when unset.
    public func json(of root: Root) -> JSONValue? { toJSON(root) }

    /// The value in `root` as help shows a default; nil when unset.
    public func shownValue(in root: Root) -> String? { shown(root) }

    /// What help says the default is: `defaultText`, else the value in `defaults`.
    public func defaultDescription(_ defaults: Root) -> String? { defaultText ?? shown(defaults) }
}

// MARK: - Entries

extension Setting {
    /// An option with a value, stored in a property that has a default.
    public static func option<Value: Sendable>(
        _ names: String..., key: String? = nil, value placeholder: String, _ codec: ValueCodec<Value>, help: String,
        default defaultText: String? = nil, hidden: Bool = false, _ keyPath: WritableKeyPath<Root, Value>
    ) -> Setting {
        nonisolated(unsafe) let keyPath = keyPath
        let store: @Sendable (Value) -> Assignment<Root> = { value in { root in root[keyPath: keyPath] = value } }
        let fromArgument: @Sendable (String?) -> Assignment<Root>? = { text in text.flatMap(codec.parse).map(store) }
        let fromJSON: @Sendable (JSONValue) -> Assignment<Root>? = { json in codec.decode(json).map(store) }
        let toJSON: @Sendable (Root) -> JSONValue? = { root in codec.encode(root[keyPath: keyPath]) }
        let shown: @Sendable (Root) -> String? = { root in codec.show(root[keyPath: keyPath]) }
        return Setting(
            names: names, key: key, placeholder: placeholder, domain: codec.domain, help: help,
            defaultText: defaultText, isHidden: hidden, fromArgument: fromArgument, fromJSON: fromJSON,
            toJSON: toJSON, shown: shown, reason: codec.reason)
    }

    /// An option with a value, stored in an optional property (nil: not given).
    public static func option<Value: Sendable>(
        _ names: String..., key: String? = nil, value placeholder: String, _ codec: ValueCodec<Value>, help: String,
        default defaultText: String? = nil, required: Bool = false, hidden: Bool = false,
        _ keyPath: WritableKeyPath<Root, Value?>
    ) -> Setting {
        nonisolated(unsafe) let keyPath = keyPath
        let store: @Sendable (Value) -> Assignment<Root> = { value in { root in root[keyPath: keyPath] = value } }
        let fromArgument: @Sendable (String?) -> Assignment<Root>? = { text in text.flatMap(codec.parse).map(store) }
        let fromJSON: @Sendable (JSONValue) -> Assignment<Root>? = { json in codec.decode(json).map(store) }
        let toJSON: @Sendable (Root) -> JSONValue? = { root in root[keyPath: keyPath].map(codec.encode) }
        let shown: @Sendable (Root) -> String? = { root in root[keyPath: keyPath].map(codec.show) }
        return Setting(
            names: names, key: key, placeholder: placeholder, domain: codec.domain, help: help,
            defaultText: defaultText, isRequired: required, isHidden: hidden, fromArgument: fromArgument,
            fromJSON: fromJSON, toJSON: toJSON, shown: shown, reason: codec.reason)
    }

    /// A flag: given, it sets the property to `value` (true unless said otherwise). In a definition, the field
    /// is `true` or `false`.
    public static func flag(
        _ names: String..., key: String? = nil, help: String, setting value: Bool = true, hidden: Bool = false,
        _ keyPath: WritableKeyPath<Root, Bool>
    ) -> Setting {
        nonisolated(unsafe) let keyPath = keyPath
        let store: @Sendable (Bool) -> Assignment<Root> = { flag in { root in root[keyPath: keyPath] = flag } }
        let fromArgument: @Sendable (String?) -> Assignment<Root>? = { text in text == nil ? store(value) : nil }
        let fromJSON: @Sendable (JSONValue) -> Assignment<Root>? = { json in
            ValueCodec<Bool>.boolean.decode(json).map(store)
        }
        let toJSON: @Sendable (Root) -> JSONValue? = { root in .bool(root[keyPath: keyPath]) }
        return Setting(
            names: names, key: key, placeholder: nil, domain: .flag, help: help, defaultText: nil, isHidden: hidden,
            fromArgument: fromArgument, fromJSON: fromJSON, toJSON: toJSON, shown: { _ in nil })
    }

    /// A repeatable option: each value is appended (`--filter A=1 --filter B=2`).
    public static func list(
        _ names: String..., key: String? = nil, value placeholder: String, help: String,
        default defaultText: String? = nil, _ keyPath: WritableKeyPath<Root, [String]>
    ) -> Setting {
        nonisolated(unsafe) let keyPath = keyPath
        let append: @Sendable (String) -> Assignment<Root>? = { value in
            guard !value.isEmpty else { return nil }
            let assign: Assignment<Root> = { root in root[keyPath: keyPath].append(value) }
            return assign
        }
        let replace: @Sendable ([String]) -> Assignment<Root> = { values in
            let assign: Assignment<Root> = { root in root[keyPath: keyPath] = values }
            return assign
        }
        let fromArgument: @Sendable (String?) -> Assignment<Root>? = { text in text.flatMap(append) }
        let fromJSON: @Sendable (JSONValue) -> Assignment<Root>? = { json in
            ValueCodec<[String]>.texts.decode(json).map(replace)
        }
        let toJSON: @Sendable (Root) -> JSONValue? = { root in .array(root[keyPath: keyPath].map(JSONValue.string)) }
        let shown: @Sendable (Root) -> String? = { root in
            root[keyPath: keyPath].isEmpty ? nil : root[keyPath: keyPath].joined(separator: ", ")
        }
        return Setting(
            names: names, key: key, placeholder: placeholder, domain: .texts, help: help, defaultText: defaultText,
            isRepeatable: true, fromArgument: fromArgument, fromJSON: fromJSON, toJSON: toJSON, shown: shown)
    }
}

// MARK: - Tables made of other tables

extension Setting {
    /// This entry for a group of options kept in a property of `Parent` (an option group shared by commands).
    public func lifted<Parent>(_ group: WritableKeyPath<Parent, Root>) -> Setting<Parent> {
        nonisolated(unsafe) let group = group
        let (argument, json, write, show) = (fromArgument, fromJSON, toJSON, shown)
        let lift: @Sendable (@escaping Assignment<Root>) -> Assignment<Parent> = { assign in
            let lifted: Assignment<Parent> = { parent in assign(&parent[keyPath: group]) }
            return lifted
        }
        let fromArgument: @Sendable (String?) -> Assignment<Parent>? = { text in argument(text).map(lift) }
        let fromJSON: @Sendable (JSONValue) -> Assignment<Parent>? = { value in json(value).map(lift) }
        let toJSON: @Sendable (Parent) -> JSONValue? = { parent in write(parent[keyPath: group]) }
        let shown: @Sendable (Parent) -> String? = { parent in show(parent[keyPath: group]) }
        return Setting<Parent>(
            names: names, key: key, placeholder: placeholder, domain: domain, help: help, defaultText: defaultText,
            isRequired: isRequired, isRepeatable: isRepeatable, isHidden: isHidden, fromArgument: fromArgument,
            fromJSON: fromJSON, toJSON: toJSON, shown: shown, reason: reason)
    }

    /// This entry on the command line of `Parent`, whose values change a `Root` made later (the run command's
    /// flags change the definition it loads): the value is checked when the command line is read and kept in
    /// `overrides`, to be applied in order. Help shows the default of `defaults`.
    public func deferred<Parent>(
        into overrides: WritableKeyPath<Parent, [Assignment<Root>]>, defaults: Root
    ) -> Setting<Parent> {
        nonisolated(unsafe) let overrides = overrides
        let argument = fromArgument
        let keep: @Sendable (@escaping Assignment<Root>) -> Assignment<Parent> = { assign in
            let kept: Assignment<Parent> = { parent in parent[keyPath: overrides].append(assign) }
            return kept
        }
        let fromArgument: @Sendable (String?) -> Assignment<Parent>? = { text in argument(text).map(keep) }
        return Setting<Parent>(
            names: names, key: nil, placeholder: placeholder, domain: domain, help: help,
            defaultText: defaultDescription(defaults), isRequired: isRequired, isRepeatable: isRepeatable,
            isHidden: isHidden, fromArgument: fromArgument, fromJSON: { _ in nil }, toJSON: { _ in nil },
            shown: { _ in nil }, reason: reason)
    }

    /// The same entry with other command-line names, or none (a definition field the command line does not set).
    public func named(_ names: String...) -> Setting {
        Setting(
            names: names, key: key, placeholder: placeholder, domain: domain, help: help, defaultText: defaultText,
            isRequired: isRequired, isRepeatable: isRepeatable, isHidden: isHidden, fromArgument: fromArgument,
            fromJSON: fromJSON, toJSON: toJSON, shown: shown, reason: reason)
    }
}
