import Pipeline
import TestSupport
import Testing

@Suite struct PipelineDefinitionTests {
    func load(_ json: String) throws -> PipelineDefinition {
        let directory = try TemporaryDirectory()
        return try PipelineDefinition.load(path: directory.write("pipelines/p.json", json))
    }

    func error(_ json: String) -> DefinitionError? {
        #expect(throws: DefinitionError.self) { try load(json) }
    }

    @Test func fieldsAndDefaultsAndRelativePaths() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write(
            "pipelines/p.json",
            """
            {"store": "../var/s.sqlite", "sources": [{"path": "../docs", "exclude": ["**/drafts/**"]},
             {"path": "/abs/t.jsonl", "id_field": "uid", "metadata_fields": ["lang"]}],
             "chunking": {"max_tokens": 100, "overlap_tokens": 10}, "batching": {"max_tokens": 4096},
             "concurrency": {"infer_requests": 3}, "timeouts": {"inference_seconds": 5}, "prune": true}
            """)
        let definition = try PipelineDefinition.load(path: path)
        #expect(definition.store == directory.url.appendingPathComponent("var/s.sqlite").path)
        #expect(definition.sources[0].path == directory.url.appendingPathComponent("docs").path)
        #expect(definition.sources[0].format == .files)
        #expect(definition.sources[0].exclude.map(\.pattern) == ["**/drafts/**"])
        #expect(definition.sources[0].include.map(\.pattern) == ["**/*.txt", "**/*.md"])
        #expect(definition.sources[1].format == .jsonl)
        #expect(definition.sources[1].idField == "uid")
        #expect(definition.sources[1].metadataFields == ["lang"])
        #expect(definition.chunkTokens == 100)
        #expect(definition.overlapTokens == 10)
        #expect(definition.batchTokens == 4096)
        #expect(definition.inferRequests == 3)
        #expect(definition.inferenceTimeoutSeconds == 5)
        #expect(definition.prune)
        #expect(definition.maxDocumentBytes == 10_000_000)
    }

    @Test func theResultQueueHoldsNoMoreTokenStatesThanABudget() {
        var definition = PipelineDefinition(store: "s", sources: [])
        definition.tokenStates = .binary
        #expect(definition.resultCapacity(chunkTokens: 254, width: 384) == 64)  // 3.3 MB a full batch
        definition.tokenStates = .int8
        let int8 = definition.resultCapacity(chunkTokens: 254, width: 384)
        #expect(int8 == 10)  // 25 MB a full batch: ten of them, not 64 (1.6 GB)
        definition.tokenStates = .none
        #expect(definition.resultCapacity(chunkTokens: 254, width: 384) == 64)
    }

    @Test func unknownFieldsAreNamedWithTheirPath() throws {
        #expect(error(#"{"store": "s", "sources": [{"path": "d"}], "chunk": {}}"#)?.field == "chunk")
        let nested = error(#"{"store": "s", "sources": [{"path": "d"}], "chunking": {"overlap": 3}}"#)
        #expect(nested?.field == "chunking.overlap")
        #expect(nested?.description.contains("is not a known field (known here: max_tokens, overlap_tokens, structure, title)") == true)
        // Chunk structure: one of the choices, named when wrong; absent means the store's own.
        let structure = error(#"{"store": "s", "sources": [{"path": "d"}], "chunking": {"structure": "html"}}"#)
        #expect(structure?.field == "chunking.structure")
        #expect(structure?.description.contains("must be one of auto, markdown, none, not 'html'") == true)
        #expect(try load(#"{"store": "s", "sources": [{"path": "d"}]}"#).chunkStructure == nil)
        // Token states: one of the formats, named when wrong.
        let states = error(#"{"store": "s", "sources": [{"path": "d"}], "token_states": "fp16"}"#)
        #expect(states?.field == "token_states")
        #expect(states?.description.contains("must be one of none, int8, binary") == true)
        #expect(error(#"{"store": "s", "sources": [{"path": "d", "includes": []}]}"#)?.field == "sources[0].includes")
    }

    @Test func invalidValuesAreNamed() {
        #expect(error(#"{"sources": [{"path": "d"}]}"#)?.field == "store")
        #expect(error(#"{"store": "s", "sources": []}"#)?.field == "sources")
        #expect(error(#"{"store": 3, "sources": [{"path": "d"}]}"#)?.message == "must be a string, not a number")
        #expect(error(#"{"store": "s", "sources": [{"path": "d"}], "precision": "fp8"}"#)?.field == "precision")
        #expect(
            error(#"{"store": "s", "sources": [{"path": "d"}], "batching": {"max_tokens": 0}}"#)?.field
                == "batching.max_tokens")
        #expect(
            error(#"{"store": "s", "sources": [{"path": "d"}], "chunking": {"max_tokens": 16, "overlap_tokens": 16}}"#)?
                .field == "chunking.overlap_tokens")
        #expect(error(#"{"store": "s", "sources": [{"path": "d", "include": [1]}]}"#)?.field == "sources[0].include[0]")
        #expect(error("{not json")?.message.hasPrefix("invalid JSON") == true)
    }

    @Test func pruneIsAFlagOrAnObjectWithItsShare() throws {
        let base = #""store": "s", "sources": [{"path": "d", "follow_symlinks": true}]"#
        let flag = try load("{\(base), \"prune\": true}")
        #expect(flag.prune && flag.pruneMaxFraction == 0.5 && !flag.forcePrune)
        #expect(flag.sources[0].followSymlinks)
        let object = try load(#"{"# + base + #", "prune": {"enabled": true, "max_fraction": 0.2}}"#)
        #expect(object.prune && object.pruneMaxFraction == 0.2)
        let off = try load(#"{"# + base + #", "prune": {"enabled": false}}"#)
        #expect(!off.prune)
        // An object that only sets the share does not turn pruning on by itself: "enabled" is required.
        #expect(error(#"{"# + base + #", "prune": {"max_fraction": 0.2}}"#)?.field == "prune.enabled")
        #expect(error(#"{"# + base + #", "prune": {}}"#)?.field == "prune.enabled")
        #expect(error(#"{"# + base + #", "prune": {"enabled": true, "max_fraction": 2}}"#)?.field == "prune.max_fraction")
        #expect(try load(#"{"# + base + #", "prune": {"enabled": true, "force": true}}"#).forcePrune)
        #expect(error(#"{"# + base + #", "prune": {"enabled": true, "forced": true}}"#)?.field == "prune.forced")
        #expect(error(#"{"store": "", "sources": [{"path": "d"}]}"#)?.field == "store")
        #expect(error(#"{"store": "s", "sources": [{"path": ""}]}"#)?.field == "sources[0].path")
        #expect(error(#"{"# + base + #", "prune": "yes"}"#)?.field == "prune")
    }

    @Test func aRunsRecordedSettingsLoadBackAsTheSameDefinition() throws {
        for name in ["sample", "nightly"] {
            var definition = try PipelineDefinition.load(
                path: ProjectPaths.root.appendingPathComponent("pipelines/\(name).json").path)
            for variant in 0..<2 {
                if variant == 1 {
                    // Every override a command line can make, too.
                    definition.threads = 3
                    definition.shard = try Shard(index: 1, count: 4)
                    definition.forcePrune = true
                    definition.sources[0].followSymlinks = true
                    definition.sources[0].exclude = [Glob("**/drafts/**")]
                    definition.chunkTokens = 128
                    definition.chunkTitles = false
                    definition.chunkStructure = ChunkStructure.none
                    definition.tokenStates = .int8
                }
                let directory = try TemporaryDirectory()
                let recorded = try directory.write("recorded.json", definition.json)
                #expect(try PipelineDefinition.load(path: recorded) == definition, "\(name) \(variant)")
            }
        }
    }

    @Test func chunksMustFitTheModelAndTheOverlapTheChunks() throws {
        var definition = try load(#"{"store": "s", "sources": [{"path": "d"}]}"#)
        #expect(try definition.chunkSettings(maximumLength: 256) == (254, 32))
        definition.chunkTokens = 300
        #expect(throws: DefinitionError.self) { try definition.chunkSettings(maximumLength: 256) }
        definition.chunkTokens = nil
        definition.overlapTokens = 4096
        let error = #expect(throws: DefinitionError.self) { try definition.chunkSettings(maximumLength: 256) }
        #expect(error?.field == "chunking.overlap_tokens")
    }

    @Test func theShippedDefinitionsLoad() throws {
        for name in ["sample", "nightly"] {
            let definition = try PipelineDefinition.load(
                path: ProjectPaths.root.appendingPathComponent("pipelines/\(name).json").path)
            #expect(!definition.sources.isEmpty)
        }
    }
}
