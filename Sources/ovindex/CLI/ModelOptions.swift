import Settings

/// The model options several commands take, written once.
enum ModelOptions {
    /// `--model`: an embedding model by directory or name, the default model when absent.
    static func model<Root>(_ keyPath: WritableKeyPath<Root, String?>) -> Setting<Root> {
        .option(
            "--model", value: "DIR|NAME", .path, help: "model directory or name under data/models",
            default: "all-MiniLM-L6-v2", keyPath)
    }

    /// `--reranker`: a cross-encoder for reranking.
    static func reranker<Root>(_ keyPath: WritableKeyPath<Root, String?>, for use: String) -> Setting<Root> {
        .option(
            "--reranker", value: "DIR|NAME", .path,
            help: "a cross-encoder model directory (made by scripts/convert_model.py)" + use, keyPath)
    }
}
