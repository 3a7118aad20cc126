import Foundation
import Host
import Pipeline
import Settings
import TestSupport
import Testing

@testable import ovindex

/// Every command's option table against its help, its parser and docs/cli.md: what help shows is what the
/// command accepts, and the other way round.
@Suite struct OptionTableTests {
    /// A value each entry accepts (the low end of its range, its first choice).
    static func sample(_ setting: Setting<some Any>) -> String? {
        switch setting.domain {
        case .flag: nil
        case .text, .path, .texts: "x"
        case .integer(let range): String(range.lowerBound)
        case .number(let range), .seconds(let range): String(range.lowerBound)
        case .choice(let values), .choices(let values): values.first
        case .custom: "0/4"
        }
    }

    /// The options a help text lists: each entry line starts with an option's label ("--requests N"); the
    /// names of the entries whose labels start lines.
    static func listedOptions<C: Command>(_ help: String, of _: C.Type) -> [String] {
        let formatter = HelpFormatter(C.spec, defaults: C())
        let entryLines = help.split(separator: "\n").filter { $0.hasPrefix("  -") }
        var listed: [String] = []
        for line in entryLines {
            // The longest label that starts the line (so "--max-chunks N" is not taken for "--max").
            let matches = C.spec.settings.filter { line.hasPrefix("  " + formatter.label($0) + " ") }
            guard let entry = matches.max(by: { formatter.label($0).count < formatter.label($1).count }) else {
                listed.append("unmatched: \(line)")
                continue
            }
            listed += entry.names
        }
        return listed
    }

    func check<C: Command>(_: C.Type) throws {
        let help = C.help
        let visible = C.spec.settings.filter { !$0.isHidden }
        // Help lists exactly the options the table holds, no more, no fewer.
        let listed = Self.listedOptions(help, of: C.self)
        #expect(listed.sorted() == visible.flatMap(\.names).sorted(), "\(C.name)")
        // Every entry parses, under each of its names, with a value from its domain.
        let required = C.spec.settings.filter(\.isRequired).flatMap { [$0.names[0]] + (Self.sample($0).map { [$0] } ?? []) }
        for setting in C.spec.settings {
            for name in setting.names {
                var command = C()
                let arguments = required + [name] + (Self.sample(setting).map { [$0] } ?? [])
                #expect(throws: Never.self, "\(C.name) \(arguments)") {
                    try ArgumentParser(C.spec).parse(arguments, into: &command)
                }
            }
        }
        // An option the table does not have is a usage error naming it.
        let error = #expect(throws: UsageError.self) { try C.parse(required + ["--no-such-option"]) }
        #expect(error?.message == "unknown option '--no-such-option'", "\(C.name)")
    }

    @Test func everyCommandsHelpListsExactlyTheOptionsItParses() throws {
        for command in Tool.commands { try check(command) }
    }

    @Test func theRunCommandTakesEveryDefinitionFieldThatHasAFlag() {
        let run = Set(RunCommand.spec.settings.flatMap(\.names))
        for field in PipelineDefinition.settings where !field.names.isEmpty {
            #expect(run.isSuperset(of: field.names), "\(field.key ?? "")")
        }
    }

    @Test func theMainHelpListsEveryExitStatus() {
        let usage = Tool.usage.replacingOccurrences(of: "\n  ", with: " ")
        for status in ExitStatus.allCases {
            #expect(usage.contains("\(status.rawValue) \(status.meaning)"), "\(status)")
        }
    }

    @Test func anUnknownOptionExitsWith64NamingIt() throws {
        for command in Tool.commands {
            let result = try runOvindex([command.name, "--no-such-option"])
            #expect(result.status == 64, "\(command.name)")
            #expect(result.stderr.contains("unknown option '--no-such-option'"), "\(command.name)")
        }
    }

    @Test func docsCliIsTheReferenceTheTablesMake() throws {
        let committed = try String(
            contentsOf: ProjectPaths.root.appendingPathComponent("docs/cli.md"), encoding: .utf8)
        #expect(committed == Tool.reference + "\n", "docs/cli.md is stale: run 'make cli-docs'")
    }
}
