import Foundation
import Store
import TestSupport
import Testing

/// Mistakes on the command line found by a hostile pass over the option tables: each is a usage error (64) or
/// the status its input calls for, names what is wrong, and leaves every file as it was.
@Suite(.serialized) struct CommandLineMistakesTests {
    let directory: TemporaryDirectory
    let corpus: String
    let store: String

    init() throws {
        directory = try TemporaryDirectory()
        try directory.write("corpus/a.txt", "Tomatoes need sun and water.")
        try directory.write("corpus/b.md", "# Comets\n\nComets grow tails near the sun.")
        corpus = directory.file("corpus")
        store = directory.file("s.sqlite")
        let indexed = try runOvindex(["run", "--source", corpus, "--store", store, "--quiet"])
        #expect(indexed.status == 0, "\(indexed.stderr)")
    }

    func expectUsage(_ arguments: [String], naming text: String, environment: [String: String] = [:]) throws {
        let result = try runOvindex(arguments, environment: environment)
        #expect(result.status == 64, "\(arguments): \(result.stderr)")
        #expect(result.stderr.contains(text), "\(arguments): \(result.stderr)")
    }

    @Test func anOutputThatIsItsOwnInputIsRefusedAndTheInputKept() throws {
        let bytes = try Data(contentsOf: URL(fileURLWithPath: store))
        try expectUsage(["export", store, "-o", store], naming: "--output \(store) is the store itself")
        try expectUsage(["export", store, "--format", "npy", "-o", "-"], naming: "--format npy needs --output FOLDER")
        #expect(try Data(contentsOf: URL(fileURLWithPath: store)) == bytes)
        let texts = try directory.write("texts.txt", "alpha\nbeta\n")
        try expectUsage(["embed", texts, "-o", texts], naming: "is the input itself")
        #expect(try String(contentsOfFile: texts, encoding: .utf8) == "alpha\nbeta\n")
        let queries = try directory.write("q.jsonl", #"{"query": "sun", "relevant": "a.txt"}"# + "\n")
        try expectUsage(
            ["eval", "--store", store, "--queries", queries, "--trace", queries], naming: "is the evaluation set itself")
        #expect(try String(contentsOfFile: queries, encoding: .utf8).contains("relevant"))
    }

    @Test func emptyPathsAreRefusedNotTakenForTheCurrentFolder() throws {
        try expectUsage(["run", "--source", "", "--store", store], naming: "--source expects a non-empty value")
        try expectUsage(["run", "--source", corpus, "--store", ""], naming: "--store expects a path, got ''")
        try expectUsage(["run", "--source", corpus, "--store", store, "--publish="], naming: "--publish expects a path")
        try expectUsage(["embed", "--model", ""], naming: "--model expects a path")
    }

    @Test func optionsThatCannotAllHoldAreRefused() throws {
        try expectUsage(
            ["query", "sun", "--store", store, "--filter", "topic=a", "--filter", "topic=b"], naming: "names topic twice")
        try expectUsage(["store", "info", store, "--store", store], naming: "unexpected argument")
        try expectUsage(["eval", "--store", store, "--queries", "q", "--mode", "vector,,hybrid"], naming: "--mode expects")
        try expectUsage(["eval", "--store", store, "--queries", "q", "--mode", "vector,vector"], naming: "at most once")
        try expectUsage(["run", "--source", corpus, "--store", store, "--dry-run", "--json"], naming: "give one of them")
        try expectUsage(["query", "sun", "--store", store, "--json=true"], naming: "--json takes no value")
        try expectUsage(["rerank", "--query", "x", "--method", "none"], naming: "one of late-interaction, cross-encoder")
        try expectUsage(["help", "nosuch"], naming: "unknown command 'nosuch'")
    }

    @Test func theSchedulersCountMustAgreeWithTheDefinitionsAndBeANumber() throws {
        let slurm = ["SLURM_ARRAY_TASK_ID": "1", "SLURM_ARRAY_TASK_COUNT": "4"]
        try expectUsage(
            ["run", "--source", corpus, "--store", directory.file("x.sqlite"), "--shards", "2"],
            naming: "SLURM_ARRAY_TASK_COUNT is 4 but the shard count", environment: slurm)
        try expectUsage(
            ["run", "--source", corpus, "--store", directory.file("x.sqlite")],
            naming: "SLURM_ARRAY_TASK_COUNT is 'abc', not a number",
            environment: ["SLURM_ARRAY_TASK_ID": "1", "SLURM_ARRAY_TASK_COUNT": "abc"])
        #expect(!FileManager.default.fileExists(atPath: directory.file("x.shard-1-of-4.sqlite")))
    }

    @Test func aDryRunFailsAsTheRunWouldAndAMissingDefinitionIsMissingInput() throws {
        let dry = try runOvindex(["run", "--source", corpus, "--store", store, "--dry-run", "--model", "no-such-model"])
        #expect(dry.status == 69, "\(dry.stderr)")
        #expect(dry.stderr.contains("no model of that name"))
        let missing = try runOvindex(["run", directory.file("nowhere.json")])
        #expect(missing.status == 66, "\(missing.stderr)")
        let emptyField = try directory.write(
            "e.json", #"{"store": "e.sqlite", "sources": [{"path": "corpus", "id_field": ""}]}"#)
        let empty = try runOvindex(["run", emptyField])
        #expect(empty.status == 64 && empty.stderr.contains("sources[0].id_field is empty"), "\(empty.stderr)")
    }

    @Test func aRelativeModelPathIsRecordedAbsolute() throws {
        let other = directory.file("relative.sqlite")
        let result = try runOvindex(
            ["run", "--source", corpus, "--store", other, "--model", "data/models/all-MiniLM-L6-v2", "--quiet"],
            currentDirectory: ProjectPaths.root)
        #expect(result.status == 0, "\(result.stderr)")
        let settings = try #require(try Store(path: other, mode: .readOnly).lastRun()?.settings)
        #expect(settings.contains(#""model":"\#(ProjectPaths.model().path)""#), "\(settings)")
    }
}
