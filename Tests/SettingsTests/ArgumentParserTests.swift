import Host
import Settings
import Testing

/// A command's values, as a table fills them.
private struct Values {
    var count = 3
    var limit: Int?
    var name: String?
    var verbose = false
    var grouped = true
    var filters: [String] = []
    var mode = Mode.fast
    var files: [String] = []
    var nested = Nested()
    var later: [Assignment<Nested>] = []

    enum Mode: String, CaseIterable, Sendable {
        case fast, exact
    }

    struct Nested {
        var depth = 1
    }

    static let nestedSettings: [Setting<Nested>] = [
        .option("--depth", value: "N", .integer(1...9), help: "how deep", \.depth)
    ]

    static let spec = CommandSpec<Values>(
        name: "demo", summary: "A command for the tests", usage: ["demo [FILE...] [options]"],
        sections: [
            SettingSection(
                "Options",
                [
                    .option("--count", "-c", value: "N", .integer(1...10), help: "how many", \.count),
                    .option("--limit", value: "N", .integer(0...5), help: "at most", \.limit),
                    .option("--name", value: "TEXT", .text, help: "a name", required: true, \.name),
                    .flag("--verbose", "-v", help: "say more", \.verbose),
                    .flag("--flat", help: "one list", setting: false, \.grouped),
                    .list("--filter", value: "KEY=VALUE", help: "a filter", \.filters),
                    .option("--mode", value: "M", .choice, help: "how", \.mode),
                ]),
            SettingSection("Nested", nestedSettings.map { $0.lifted(\.nested) }),
            SettingSection(
                "Later",
                [
                    Setting<Nested>.option("--later-depth", value: "N", .integer(1...9), help: "deep, later", \.depth)
                        .deferred(into: \.later, defaults: Nested())
                ]),
        ],
        positionals: Positionals(maximum: 2, help: [("FILE", "files")], \.files))

    static func parse(_ arguments: [String]) throws(UsageError) -> Values {
        var values = Values()
        try ArgumentParser(spec).parse(arguments, into: &values)
        return values
    }
}

@Suite struct ArgumentParserTests {
    @Test func optionsTakeTheirValueAnywhereOnTheLine() throws {
        let values = try Values.parse(["a.txt", "--count", "5", "--name=x", "-v", "b.txt", "--flat"])
        #expect(values.count == 5)
        #expect(values.name == "x")
        #expect(values.verbose)
        #expect(!values.grouped)
        #expect(values.files == ["a.txt", "b.txt"])
        #expect(values.limit == nil)
    }

    @Test func theLastValueWinsAndRepeatableOptionsKeepEveryValueInOrder() throws {
        let values = try Values.parse(["--name", "a", "-c", "2", "--count", "4", "--filter", "k=1", "--filter=j=2"])
        #expect(values.count == 4)
        #expect(values.filters == ["k=1", "j=2"])
    }

    @Test func doubleDashEndsTheOptionsAndADashAloneIsAnArgument() throws {
        let values = try Values.parse(["--name", "a", "-", "--", "--count"])
        #expect(values.files == ["-", "--count"])
        #expect(values.count == 3)
    }

    @Test func aValueMayLookLikeAnOption() throws {
        #expect(try Values.parse(["--name", "--verbose"]).name == "--verbose")
    }

    @Test func groupsAndDeferredEntriesReachTheirValues() throws {
        let values = try Values.parse(["--name", "a", "--depth", "4", "--later-depth", "2", "--later-depth", "7"])
        #expect(values.nested.depth == 4)
        var later = Values.Nested()
        for assign in values.later { assign(&later) }
        #expect(values.later.count == 2)
        #expect(later.depth == 7)
    }

    @Test(arguments: [
        (["--name", "a", "--colour", "red"], "unknown option '--colour'"),
        (["--name", "a", "--verbose=yes"], "--verbose takes no value, got '--verbose=yes'"),
        (["--name", "a", "-x"], "unknown option '-x'"),
        (["--name"], "--name needs a value"),
        (["--name", "a", "--count", "11"], "--count expects an integer from 1 to 10, got '11'"),
        (["--name", "a", "--count=x"], "--count expects an integer from 1 to 10, got 'x'"),
        (["--name", "a", "--mode", "slow"], "--mode expects one of fast, exact, got 'slow'"),
        (["--count", "2"], "--name TEXT is required"),
        (["--name", "a", "1", "2", "3"], "too many arguments: 1 2 3"),
    ])
    func mistakesAreUsageErrorsNamingTheOption(arguments: [String], message: String) {
        let error = #expect(throws: UsageError.self) { try Values.parse(arguments) }
        #expect(error?.message == message)
        #expect(error.map { ExitStatus(for: $0) } == .usage)
    }

    @Test func aCommandWithoutArgumentsNamesTheFirstOne() {
        var none = Values()
        let spec = CommandSpec<Values>(name: "none", summary: "", usage: [], sections: [])
        let error = #expect(throws: UsageError.self) { try ArgumentParser(spec).parse(["extra"], into: &none) }
        #expect(error?.message == "unexpected argument 'extra'")
    }

    @Test func aValueWithAFormOfItsOwnSaysWhyItIsWrong() throws {
        struct Pair: Sendable, Equatable {
            var left: Int
            var right: Int
        }
        struct PairError: Error, CustomStringConvertible {
            var description: String
        }
        struct Holder {
            var pair: Pair?
        }
        let codec = ValueCodec<Pair>.custom(
            "LEFT/RIGHT",
            parse: { text in
                let parts = text.split(separator: "/").compactMap { Int($0) }
                guard parts.count == 2 else { throw PairError(description: "'\(text)' is not LEFT/RIGHT") }
                return Pair(left: parts[0], right: parts[1])
            }, format: { "\($0.left)/\($0.right)" })
        let spec = CommandSpec<Holder>(
            name: "pair", summary: "", usage: [],
            sections: [SettingSection("Options", [.option("--pair", value: "L/R", codec, help: "a pair", \.pair)])])
        var holder = Holder()
        try ArgumentParser(spec).parse(["--pair", "2/3"], into: &holder)
        #expect(holder.pair == Pair(left: 2, right: 3))
        let error = #expect(throws: UsageError.self) { try ArgumentParser(spec).parse(["--pair", "2"], into: &holder) }
        #expect(error?.message == "--pair: '2' is not LEFT/RIGHT")
    }
}
