import Embedding
import Retrieval
import Settings

/// How inference runs, for every command that loads a model: precision, threads and the timeout.
struct InferenceOptions {
    var precision = InferencePrecision.auto
    var threads: Int?
    var timeout = InferenceLimits.defaultTimeout

    static let settings: [Setting<InferenceOptions>] = [
        .option(
            "--precision", value: "P", .choice,
            help: "inference precision (auto keeps the runtime's default: bf16 where the CPU has it, else f32)",
            \.precision),
        .option(
            "--threads", value: "N", .integer(InferenceLimits.threads), help: "CPU threads for inference", default: "all",
            \.threads),
        .option(
            "--timeout", value: "SECONDS", .seconds(InferenceLimits.timeoutSeconds),
            help: "longest one inference may take before it is cancelled", \.timeout),
    ]

    func embedderOptions(requests: Int = InferenceLimits.defaultRequests) -> Embedder.Options {
        Embedder.Options(precision: precision, requests: requests, timeout: timeout, threads: threads)
    }
}
