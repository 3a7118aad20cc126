@testable import Settings
import Testing

private struct Tool {
    var requests = 2
    var threads: Int?
    var precision = Precision.auto
    var quiet = false

    enum Precision: String, CaseIterable, Sendable {
        case auto, f32, bf16
    }

    static let spec = CommandSpec<Tool>(
        name: "demo", summary: "Demonstrates help", usage: ["demo [options]"], discussion: "What it does.",
        sections: [
            SettingSection(
                "Options",
                [
                    .option("--requests", value: "N", .integer(1...64), help: "batches in flight", \.requests),
                    .option(
                        "--threads", value: "N", .integer(1...1024), help: "CPU threads", default: "all", \.threads),
                    .option("--precision", value: "P", .choice, help: "inference precision", \.precision),
                    .flag("--quiet", "-q", help: "no progress", \.quiet),
                    .flag("--old", help: "accepted for old scripts", hidden: true, \.quiet),
                ])
        ])
}

@Suite struct HelpFormatterTests {
    let help = HelpFormatter(Tool.spec, defaults: Tool()).text(program: "ovindex")

    @Test func everyVisibleEntryIsShownWithItsRangeAndDefault() {
        #expect(help.hasPrefix("Usage: ovindex demo [options]\n\nWhat it does.\n\nOptions:\n"))
        #expect(help.contains("  --requests N           batches in flight (1 to 64; default 2)"))
        #expect(help.contains("  --threads N            CPU threads (1 to 1024; default all)"))
        #expect(help.contains("  --precision P          inference precision (auto, f32, bf16; default auto)"))
        #expect(help.contains("  --quiet, -q            no progress"))
        #expect(!help.contains("--old"))
    }

    @Test func theDefaultsAreReadFromTheValueGiven() {
        var other = Tool()
        other.requests = 7
        #expect(HelpFormatter(Tool.spec, defaults: other).text(program: "x").contains("(1 to 64; default 7)"))
    }

    @Test func longTextsWrapUnderTheirColumn() {
        let lines = HelpText.wrap(String(repeating: "word ", count: 60), width: 50, first: "  --x    ", indent: "         ")
        #expect(lines.count > 1)
        #expect(lines.allSatisfy { $0.count <= 50 })
        #expect(lines.dropFirst().allSatisfy { $0.hasPrefix("         word") })
    }

    @Test func referenceCellsShowTheirTextAsWritten() {
        #expect(HelpFormatter<Tool>.cell(#"a\b | *.md <TAB>"#) == #"a\\b \| \*.md &lt;TAB&gt;"#)
    }

    @Test func theReferenceHasATableOfTheOptions() {
        let markdown = HelpFormatter(Tool.spec, defaults: Tool()).markdown(program: "ovindex")
        #expect(markdown.hasPrefix("## demo\n"))
        #expect(markdown.contains("| `--requests` | N: 1 to 64 | 2 | batches in flight |"))
        #expect(markdown.contains("| `--quiet`, `-q` | flag |  | no progress |"))
    }
}
