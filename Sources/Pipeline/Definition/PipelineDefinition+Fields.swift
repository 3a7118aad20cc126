import Embedding
public import Settings

extension PipelineDefinition {
    /// The scalar fields of a definition, one entry each: its JSON key, the `ovindex run` flag that overrides it
    /// (if any), its range, its default and what it does. Read by `parse` and `json` and by `ovindex run`'s
    /// option table and help; `store`, `sources` and `shard` have readers of their own (paths, lists, the
    /// scheduler's environment) and are not here.
    public static let sections: [SettingSection<PipelineDefinition>] = [
        SettingSection(
            "Sources and store",
            [
                .flag(
                    "--prune", key: "prune.enabled",
                    help: "delete documents that are no longer in the sources (a source that yields no documents "
                        + "is never pruned; more than prune.max_fraction of a source's documents needs "
                        + "--force-prune); a definition may also say \"prune\": true",
                    \.prune),
                .option(
                    key: "prune.max_fraction", value: "FRACTION", .number(0...1),
                    help: "the largest share of a source's stored documents one run may prune without --force-prune",
                    \.pruneMaxFraction),
                .flag(
                    "--force-prune", key: "prune.force",
                    help: "let this run remove more than prune.max_fraction of a source's documents (pruned, or "
                        + "indexed documents that are now rejects); it does not turn pruning on",
                    \.forcePrune),
            ]),
        SettingSection(
            "Model and chunks",
            [
                .option(
                    "--model", key: "model", value: "DIR|NAME", .path,
                    help: "embedding model: a directory (relative to the definition) or a name under data/models",
                    default: "the store's own; for a new store, the variant measured fastest on this CPU among "
                        + "those accurate enough (see 'ovindex models'); all-MiniLM-L6-v2 when OVINDEX_PROBE=off",
                    \.model),
                .option("--precision", key: "precision", value: "P", .choice, help: "inference precision", \.precision),
                .option(
                    key: "token_states", value: "FORMAT", .choice,
                    help: "how each chunk's token states are kept for late-interaction reranking (binary: 50 MB per "
                        + "million tokens; int8: 388 MB, 0.3 to 0.4 points of MRR@10 better)",
                    \.tokenStates),
                .option(
                    "--chunk-tokens", key: "chunking.max_tokens", value: "N", .integer(8...8192),
                    help: "word pieces per chunk", default: "the model's maximum minus 2", \.chunkTokens),
                .option(
                    "--overlap", key: "chunking.overlap_tokens", value: "N", .integer(0...4096),
                    help: "word pieces shared by consecutive chunks", \.overlapTokens),
                .option(
                    key: "chunking.title", value: "BOOL", .boolean,
                    help: "each chunk carries its document's title into what is embedded and searched", \.chunkTitles),
                .option(
                    "--structure", key: "chunking.structure", value: "S", .choice,
                    help: "which documents are cut before their Markdown headings (never inside fenced code), each "
                        + "chunk labelled with the headings above it: auto (files named .md, .markdown, .mdown, .mkd "
                        + "or .mdx), markdown (every document) or none",
                    default: "the store's, else auto; a store built before sections keeps none", \.chunkStructure),
            ]),
        SettingSection(
            "Limits and resources",
            [
                .option(
                    "--max-document-bytes", key: "limits.max_document_bytes", value: "N", .integer(1...(1 << 34)),
                    help: "larger documents are rejected", \.maxDocumentBytes),
                .option(
                    "--max-chunks", key: "limits.max_chunks_per_document", value: "N", .integer(1...1_000_000),
                    help: "documents with more chunks are rejected", \.maxChunksPerDocument),
                .option(
                    "--batch-tokens", key: "batching.max_tokens", value: "N", .integer(InferenceLimits.batchTokens),
                    help: "token budget of one inference batch, padding included", \.batchTokens),
                .option(
                    key: "batching.max_rows", value: "N", .integer(InferenceLimits.batchRows),
                    help: "chunks in one inference batch at most", \.batchRows),
                .option(
                    key: "batching.group_by_length", value: "BOOL", .boolean,
                    help: "group chunks of similar length into a batch (less padding); false batches them in "
                        + "arrival order",
                    \.groupByLength),
                .option(
                    "--requests", key: "concurrency.infer_requests", value: "N", .integer(InferenceLimits.requests),
                    help: "inference batches in flight", \.inferRequests),
                .option(
                    "--threads", key: "concurrency.threads", value: "N", .integer(InferenceLimits.threads),
                    help: "CPU threads for inference", default: "all", \.threads),
                .option(
                    key: "concurrency.performance_hint", value: "HINT", .choice,
                    help: "OpenVINO's performance hint: throughput (one stream per infer request, for batch "
                        + "indexing) or latency (every core on one request at a time)",
                    \.performanceHint),
                .option(
                    key: "concurrency.document_queue", value: "N", .integer(1...10_000),
                    help: "capacity of the channel from the reader to the chunker, in documents", \.documentQueue),
                .option(
                    key: "concurrency.chunk_queue", value: "N", .integer(1...1_000_000),
                    help: "capacity of the channel from the chunker to the embedder, in chunks", \.chunkQueue),
                .option(
                    key: "concurrency.result_queue", value: "N", .integer(1...100_000),
                    help: "capacity of the channel from the embedder to the writer, in batches (lowered so that "
                        + "the token states it holds stay under 256 MB)",
                    \.resultQueue),
                .option(
                    "--timeout", key: "timeouts.inference_seconds", value: "SECONDS", .seconds(InferenceLimits.timeoutSeconds),
                    help: "longest one batch may take before it is cancelled", \.inferenceTimeoutSeconds),
                .option(
                    key: "commit.max_documents", value: "N", .integer(1...100_000),
                    help: "commit finished documents when this many are ready", \.commitDocuments),
                .option(
                    key: "commit.max_seconds", value: "SECONDS", .seconds(0...3600),
                    help: "commit finished documents at least this often", \.commitSeconds),
            ]),
        SettingSection(
            "Scale-out",
            [
                .option(
                    "--shards", key: "shards", value: "N", .integer(1...1_000_000),
                    help: "the shard count, when the index comes from the scheduler: Kubernetes Indexed Jobs set "
                        + "JOB_COMPLETION_INDEX; Slurm arrays set SLURM_ARRAY_TASK_ID and SLURM_ARRAY_TASK_COUNT "
                        + "(then it is not needed)",
                    \.shards),
                .option(
                    "--shard", key: "shard", value: "I/N", .shard,
                    help: "index only shard I of N (documents whose id hashes to I); the store name gets "
                        + "\".shard-I-of-N\" before its extension (or replaces \"{shard}\" in it)",
                    \.shard),
            ]),
    ]

    /// Every field of `sections`, in order.
    public static var settings: [Setting<PipelineDefinition>] { sections.flatMap(\.settings) }
}

extension ValueCodec where Value == Shard {
    /// "I/N" (`--shard 2/8`, a definition's `"shard": "2/8"`).
    public static var shard: Self {
        .custom(
            "INDEX/COUNT, e.g. 0/4",
            parse: { try Shard(parsing: $0) }, format: { "\($0.index)/\($0.count)" })
    }
}
