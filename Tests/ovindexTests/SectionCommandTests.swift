import Foundation
import TestSupport
import Testing

@testable import Store

/// Markdown documents indexed by `ovindex run`: chunks cut at headings and labelled with them, `query` returning
/// and filtering by those labels, and a store keeping the structure it was built with.
@Suite struct SectionCommandTests {
    /// A folder with a Markdown guide of three sections (each longer than a chunk's quarter) and a plain note.
    func corpus(_ directory: TemporaryDirectory) throws -> String {
        func paragraph(_ topic: String) -> String {
            (0..<6).map { "Step \($0) of the \(topic) setup keeps the service running after a reboot." }
                .joined(separator: " ")
        }
        let guide = """
            # Service guide

            ## Install

            ### Linux

            Use apt to install the service package. \(paragraph("linux"))

            ### macOS

            Use brew to install the service package. \(paragraph("mac"))

            ## Troubleshooting

            When the service does not start, read its log first. \(paragraph("log"))
            """
        let folder = directory.file("corpus")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try guide.write(toFile: folder + "/guide.md", atomically: true, encoding: .utf8)
        try "# Not a heading in a text file\nThe service package installs with apt on every machine."
            .write(toFile: folder + "/notes.txt", atomically: true, encoding: .utf8)
        return folder
    }

    func results(_ arguments: [String]) throws -> [QueryCommandTests.Line.Result] {
        let result = try runOvindex(["query"] + arguments + ["--json", "--chunks", "-k", "10"])
        #expect(result.status == 0, "\(result.stderr)")
        return try JSONDecoder().decode(QueryCommandTests.Line.self, from: Data(result.stdout.utf8)).results ?? []
    }

    /// The corpus indexed with `--structure none` into a new store: its folder, the store, and the run's arguments
    /// (without `--structure`) for later runs.
    func unstructuredStore(_ directory: TemporaryDirectory, named name: String) throws
        -> (folder: String, store: String, arguments: [String])
    {
        let folder = try corpus(directory)
        let store = directory.file(name)
        let arguments = ["run", "--source", folder, "--store", store, "--chunk-tokens", "64", "--quiet"]
        let run = try runOvindex(arguments + ["--structure", "none"])
        #expect(run.status == 0, "\(run.stderr)")
        return (folder, store, arguments)
    }

    @Test func markdownChunksCarryTheirHeadingsIntoResultsAndFilters() throws {
        let directory = try TemporaryDirectory()
        let folder = try corpus(directory)
        let store = directory.file("index.sqlite")
        let run = try runOvindex(["run", "--source", folder, "--store", store, "--chunk-tokens", "64", "--quiet"])
        #expect(run.status == 0, "\(run.stderr)")

        let all = try results(["how do I install the service package with brew", "--store", store])
        let mac = try #require(all.first { $0.text.contains("brew") })
        #expect(mac.document == "guide.md")
        #expect(mac.section == "Service guide > Install > macOS")
        // What was embedded in front: the title, then the headings below it.
        #expect(mac.context == "Service guide > Install > macOS")
        #expect(mac.text.hasPrefix("### macOS"))
        // A text file is never read as Markdown: no section, its "#" line is text.
        #expect(all.first { $0.document == "notes.txt" }?.section == "")

        // --section keeps the chunks under a heading, in any case of ASCII letters.
        let linux = try results(["install the service package", "--store", store, "--section", "linux"])
        #expect(!linux.isEmpty && linux.allSatisfy { $0.section == "Service guide > Install > Linux" })
        let install = try results(["install the service package", "--store", store, "--section", "Install >"])
        #expect(Set(install.map(\.section)) == ["Service guide > Install > Linux", "Service guide > Install > macOS"])
        #expect(try results(["install", "--store", store, "--section", "no such heading"]).isEmpty)
        let empty = try runOvindex(["query", "install", "--store", store, "--section", ""])
        #expect(empty.status == 64, "\(empty.stderr)")
        #expect(empty.stderr.contains("--section"), "\(empty.stderr)")
        // The table shows the section in front of the text.
        let table = try runOvindex(["query", "install with brew", "--store", store, "--section", "macOS", "-k", "1"])
        #expect(table.stdout.contains("[Service guide > Install > macOS] ### macOS"), "\(table.stdout)")
    }

    @Test func aStoreKeepsTheStructureItWasBuiltWith() throws {
        let directory = try TemporaryDirectory()
        let (folder, store, arguments) = try unstructuredStore(directory, named: "plain.sqlite")
        #expect(try results(["install with brew", "--store", store]).allSatisfy { $0.section == "" })
        let info = try runOvindex(["store", "info", store])
        #expect(
            info.stdout.contains("settings   chunk_structure=none chunk_title=on chunk_tokens=64"), "\(info.stdout)")
        // A changed document in a later run without --structure is cut as the store's others were.
        try "# Service guide\n\n## New\n\nA new section about brew.".write(
            toFile: folder + "/guide.md", atomically: true, encoding: .utf8)
        let again = try runOvindex(arguments)
        #expect(again.status == 0, "\(again.stderr)")
        #expect(try results(["brew", "--store", store]).allSatisfy { $0.section == "" })
        // Asking for another structure is refused before anything is written, by the run and by its dry run.
        for extra in [["--structure", "auto"], ["--structure", "auto", "--dry-run"]] {
            let refused = try runOvindex(arguments + extra)
            #expect(refused.status == 1, "\(refused.stderr)")
            #expect(refused.stderr.contains("chunk structure (chunking.structure) none"), "\(refused.stderr)")
        }
        let bad = try runOvindex(arguments + ["--structure", "html"])
        #expect(bad.status == 64, "\(bad.stderr)")
    }

    @Test func aStoreFromBeforeSectionsIsReadAsUnstructured() throws {
        let directory = try TemporaryDirectory()
        let (_, store, arguments) = try unstructuredStore(directory, named: "old.sqlite")
        // Made into what the previous release left: schema 3, no sections, no structure recorded.
        do {
            let old = try Store(path: store)
            try old.connection.execute(
                """
                ALTER TABLE chunks DROP COLUMN section;
                DELETE FROM index_info WHERE key = 'setting.chunk_structure';
                PRAGMA user_version = 3;
                """)
        }
        // A dry run refuses another structure, as the run would (the store read as it is, not upgraded).
        let dry = try runOvindex(arguments + ["--structure", "markdown", "--dry-run"])
        #expect(dry.status == 1, "\(dry.stdout) \(dry.stderr)")
        #expect(dry.stderr.contains("chunk structure (chunking.structure) none"), "\(dry.stderr)")
        let info = try runOvindex(["store", "info", store])
        #expect(info.stdout.contains("chunk_structure=none"), "\(info.stdout)")
        // Filtering by section says the store cannot, and what to do.
        let old = try runOvindex(["query", "install", "--store", store, "--section", "Linux"])
        #expect(old.status == 65, "\(old.stderr)")
        #expect(old.stderr.contains("into a new store"), "\(old.stderr)")
        // A writer upgrades it and it stays unstructured; --section then finds nothing and says why.
        #expect(try runOvindex(arguments).status == 0)
        let none = try runOvindex(["query", "install", "--store", store, "--section", "Linux", "--json"])
        #expect(none.status == 0, "\(none.stderr)")
        #expect(none.stderr.contains("was built with chunk structure none"), "\(none.stderr)")
        // A section text over the limit is a usage error naming it.
        let long = try runOvindex([
            "query", "install", "--store", store, "--section", String(repeating: "x", count: 501),
        ])
        #expect(long.status == 64, "\(long.stderr)")
        #expect(long.stderr.contains("at most 500"), "\(long.stderr)")
    }
}
