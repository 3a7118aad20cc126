internal import COpenVINO

/// An OpenVINO tensor (`ov_tensor_t`) with memory allocated by OpenVINO. Freed on `deinit`.
///
/// Tensors handed to an infer request are shared with it (OpenVINO reference-counts the memory), so a
/// `Tensor` can be dropped as soon as it was set; the memory goes when the request lets go of it too.
///
/// Related OpenVINO documentation: https://docs.openvino.ai/2026/api/c_cpp_api/group__ov__tensor__c__api.html
public final class Tensor {
    let handle: OpaquePointer
    public let elementType: ElementType
    public let shape: [Int]

    /// Allocates a tensor of the given type and shape (contents uninitialised).
    public init(_ elementType: ElementType, shape: [Int]) throws(OpenVINOError) {
        guard !shape.isEmpty, shape.allSatisfy({ $0 >= 0 }) else {
            throw OpenVINOError(
                kind: .invalidArgument, operation: "ov_tensor_create", message: "invalid shape \(shape)")
        }
        var cShape = ov_shape_t()
        let dims = shape.map { Int64($0) }
        try check(ov_shape_create(Int64(dims.count), dims, &cShape), "ov_shape_create")
        defer { ov_shape_free(&cShape) }
        var tensor: OpaquePointer?
        try check(
            ov_tensor_create(elementType.cValue, cShape, &tensor), "ov_tensor_create",
            context: "\(elementType) \(shape)")
        guard let tensor else {
            throw OpenVINOError(kind: .status(-1), operation: "ov_tensor_create", message: "returned no tensor")
        }
        self.handle = tensor
        self.elementType = elementType
        self.shape = shape
    }

    /// Takes ownership of a tensor handle returned by OpenVINO (for example an output tensor).
    init(taking handle: OpaquePointer) throws(OpenVINOError) {
        var cShape = ov_shape_t()
        var type = ov_element_type_e(rawValue: 0)
        do throws(OpenVINOError) {
            try check(ov_tensor_get_shape(handle, &cShape), "ov_tensor_get_shape")
            defer { ov_shape_free(&cShape) }
            try check(ov_tensor_get_element_type(handle, &type), "ov_tensor_get_element_type")
            guard let elementType = ElementType(type) else {
                throw OpenVINOError(
                    kind: .invalidArgument, operation: "ov_tensor_get_element_type",
                    message: "unsupported element type \(type.rawValue)")
            }
            self.elementType = elementType
            self.shape = (0..<Int(cShape.rank)).map { Int(cShape.dims[$0]) }
            self.handle = handle
        } catch {
            ov_tensor_free(handle)
            throw error
        }
    }

    deinit {
        ov_tensor_free(handle)
    }

    /// Number of elements.
    public var count: Int { shape.reduce(1, *) }

    /// Calls `body` with the tensor's memory viewed as `T`, which must match the element type's width.
    public func withUnsafeMutableBufferPointer<T, R, E: Error>(
        as type: T.Type,
        _ body: (UnsafeMutableBufferPointer<T>) throws(E) -> R
    ) throws(E) -> R {
        precondition(MemoryLayout<T>.stride == elementType.byteWidth, "\(T.self) does not match \(elementType)")
        var data: UnsafeMutableRawPointer?
        let status = ov_tensor_data(handle, &data)
        precondition(status == OK && (data != nil || count == 0), "ov_tensor_data failed on a live tensor")
        let typed = data?.bindMemory(to: T.self, capacity: count)
        return try body(UnsafeMutableBufferPointer(start: typed, count: count))
    }

    /// Copies the elements out as a Swift array.
    public func array<T>(of type: T.Type) -> [T] {
        withUnsafeMutableBufferPointer(as: T.self) { Array($0) }
    }
}

@available(*, unavailable, message: "a tensor's memory has no synchronisation; keep it in one task")
extension Tensor: Sendable {}
