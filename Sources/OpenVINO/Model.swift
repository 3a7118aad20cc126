internal import COpenVINO

/// A model read from disk (`ov_model_t`), not yet compiled. Freed on `deinit`.
public final class Model {
    let handle: OpaquePointer
    /// The file the model was read from.
    public let path: String

    init(handle: OpaquePointer, path: String) {
        self.handle = handle
        self.path = path
    }

    deinit {
        ov_model_free(handle)
    }
}

@available(*, unavailable, message: "ov_model_t is not safe to share: compile it, then share the CompiledModel")
extension Model: Sendable {}
