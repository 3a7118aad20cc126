internal import COpenVINO

/// A model compiled for a device (`ov_compiled_model_t`): creates infer requests. Freed on `deinit`, once
/// every infer request made from it is gone (each request keeps its compiled model alive).
///
/// Related OpenVINO documentation:
/// https://docs.openvino.ai/2026/api/c_cpp_api/group__ov__compiled__model__c__api.html
public final class CompiledModel: @unchecked Sendable {
    // @unchecked: the handle is immutable after init; ov::CompiledModel is thread-safe, including
    // create_infer_request from several threads.
    let handle: OpaquePointer
    /// The model file this was compiled from.
    public let source: String
    public let options: CompileOptions
    /// Names of the model's inputs and outputs, in port order.
    public let inputNames: [String]
    public let outputNames: [String]

    init(handle: OpaquePointer, source: String, options: CompileOptions) throws(OpenVINOError) {
        self.handle = handle
        self.source = source
        self.options = options
        do throws(OpenVINOError) {
            inputNames = try Self.portNames(
                handle, count: ov_compiled_model_inputs_size, port: ov_compiled_model_input_by_index)
            outputNames = try Self.portNames(
                handle, count: ov_compiled_model_outputs_size, port: ov_compiled_model_output_by_index)
        } catch {
            ov_compiled_model_free(handle)
            throw error
        }
    }

    deinit {
        ov_compiled_model_free(handle)
    }

    /// Creates an infer request. Each request holds its own input/output buffers.
    public func makeInferRequest() throws(OpenVINOError) -> InferRequest {
        var request: OpaquePointer?
        try check(
            ov_compiled_model_create_infer_request(handle, &request), "ov_compiled_model_create_infer_request",
            context: "model \(source)")
        guard let request else {
            throw OpenVINOError(
                kind: .status(-1), operation: "ov_compiled_model_create_infer_request",
                message: "returned no request")
        }
        return try InferRequest(handle: request, model: self)
    }

    /// Reads a property of the compiled model, such as "INFERENCE_PRECISION_HINT" or "NUM_STREAMS".
    public func property(_ key: String) throws(OpenVINOError) -> String {
        var value: UnsafeMutablePointer<CChar>?
        try check(
            ov_compiled_model_get_property(handle, key, &value), "ov_compiled_model_get_property",
            context: key)
        guard let value else { return "" }
        defer { ov_free(value) }
        return String(cString: value)
    }

    private static func portNames(
        _ handle: OpaquePointer,
        count: (OpaquePointer?, UnsafeMutablePointer<Int>?) -> ov_status_e,
        port: (OpaquePointer?, Int, UnsafeMutablePointer<OpaquePointer?>?) -> ov_status_e
    ) throws(OpenVINOError) -> [String] {
        var size = 0
        try check(count(handle, &size), "ov_compiled_model_ports_size")
        var names: [String] = []
        for index in 0..<size {
            var portHandle: OpaquePointer?
            try check(port(handle, index, &portHandle), "ov_compiled_model_port_by_index")
            defer { ov_output_const_port_free(portHandle) }
            var name: UnsafeMutablePointer<CChar>?
            try check(ov_port_get_any_name(portHandle, &name), "ov_port_get_any_name")
            names.append(name.map { String(cString: $0) } ?? "")
            ov_free(name)
        }
        return names
    }
}
