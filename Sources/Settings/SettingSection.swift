/// A titled group of entries in a command's help ("Input:", "Store and models:").
public struct SettingSection<Root>: Sendable {
    public var title: String
    public var settings: [Setting<Root>]

    public init(_ title: String, _ settings: [Setting<Root>]) {
        self.title = title
        self.settings = settings
    }

    /// This section for a group of options kept in a property of `Parent`.
    public func lifted<Parent>(_ group: WritableKeyPath<Parent, Root>) -> SettingSection<Parent> {
        SettingSection<Parent>(title, settings.map { $0.lifted(group) })
    }
}
