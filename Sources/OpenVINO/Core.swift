internal import COpenVINO
import Host

/// The OpenVINO runtime entry point (`ov_core_t`): reads models and compiles them for a device.
///
/// One `Core` per process is enough and cheap to share: OpenVINO's core is thread-safe. Creating it costs
/// about 33 MB (the core and, on first compile, the CPU plugin); `deinit` frees it.
///
/// Related OpenVINO documentation: https://docs.openvino.ai/2026/api/c_cpp_api/group__ov__core__c__api.html
public final class Core: @unchecked Sendable {
    // @unchecked: the handle is immutable after init and ov::Core is documented as thread-safe.
    let handle: OpaquePointer

    /// Creates a core. Throws `OpenVINOError` when the runtime cannot start (for example, missing plugins).
    public init() throws(OpenVINOError) {
        var core: OpaquePointer?
        try check(ov_core_create(&core), "ov_core_create")
        guard let core else {
            throw OpenVINOError(kind: .status(-1), operation: "ov_core_create", message: "returned no core")
        }
        handle = core
    }

    deinit {
        ov_core_free(handle)
    }

    /// Reads an IR (`.xml` + `.bin`) or ONNX model from disk.
    ///
    /// Throws `OpenVINOError` naming the path when the file is missing, unreadable or not a model.
    public func readModel(at path: String, weights: String? = nil) throws(OpenVINOError) -> Model {
        var model: OpaquePointer?
        try check(ov_core_read_model(handle, path, weights, &model), "ov_core_read_model", context: "model \(path)")
        guard let model else {
            throw OpenVINOError(
                kind: .status(-1), operation: "ov_core_read_model", message: "returned no model",
                context: "model \(path)")
        }
        return Model(handle: model, path: path)
    }

    /// Compiles a model for a device with the given options.
    public func compile(
        _ model: Model, options: CompileOptions = CompileOptions()
    ) throws(OpenVINOError)
        -> CompiledModel
    {
        try compile(source: model.path, options: options, operation: "ov_core_compile_model") {
            ovx_core_compile_model(handle, model.handle, options.device, $0, $1, $2, $3)
        }
    }

    /// Reads and compiles the model file at `path` in one step (what OpenVINO's model cache needs to skip both).
    ///
    /// Throws `OpenVINOError` naming the path when the file is missing, not a model, or does not compile.
    public func compile(modelAt path: String, options: CompileOptions = CompileOptions()) throws(OpenVINOError)
        -> CompiledModel
    {
        try compile(source: path, options: options, operation: "ov_core_compile_model_from_file") {
            ovx_core_compile_model_from_file(handle, path, options.device, $0, $1, $2, $3)
        }
    }

    /// What both ways of compiling share: the options as C key/value arrays, the status check, the result.
    ///
    /// - Parameter call: the shim call, given the property count, keys, values and where to put the model.
    private func compile(
        source: String, options: CompileOptions, operation: String,
        call: (Int, UnsafePointer<UnsafePointer<CChar>?>, UnsafePointer<UnsafePointer<CChar>?>,
            UnsafeMutablePointer<OpaquePointer?>) -> ov_status_e
    ) throws(OpenVINOError) -> CompiledModel {
        let properties = options.properties
        guard properties.count <= 8 else {
            throw OpenVINOError(kind: .invalidArgument, operation: "compile", message: "at most 8 properties")
        }
        var compiled: OpaquePointer?
        let status = withCStrings(properties.map(\.key)) { keys in
            withCStrings(properties.map(\.value)) { values in call(properties.count, keys, values, &compiled) }
        }
        try check(status, operation, context: "model \(source) on \(options.device)")
        guard let compiled else {
            throw OpenVINOError(kind: .status(-1), operation: operation, message: "returned no model")
        }
        return try CompiledModel(handle: compiled, source: source, options: options)
    }

    /// The version of the OpenVINO runtime this process linked, e.g. "2026.4.1-22982-...".
    public static var runtimeVersion: String {
        var version = ov_version_t()
        guard ov_get_openvino_version(&version) == OK, let build = version.buildNumber else { return "unknown" }
        defer { ov_version_free(&version) }
        return String(cString: build)
    }
}

/// Calls `body` with a C array of C strings that stays valid for the duration of the call.
func withCStrings<R>(_ strings: [String], _ body: (UnsafePointer<UnsafePointer<CChar>?>) -> R) -> R {
    let duplicated = strings.map { System.duplicate($0) }
    defer { duplicated.forEach { System.free($0) } }
    // A trailing nil keeps the array non-empty, so its base address always exists.
    let pointers: [UnsafePointer<CChar>?] = duplicated.map { $0.map { UnsafePointer($0) } } + [nil]
    return pointers.withUnsafeBufferPointer { buffer in
        body(buffer.baseAddress.unsafelyUnwrapped)
    }
}
