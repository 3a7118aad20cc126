internal import COpenVINO

/// Element types this project exchanges with OpenVINO.
public enum ElementType: Sendable, Hashable, CustomStringConvertible {
    case f32, f16, bf16, i64, i32, u8

    /// Size of one element in bytes.
    public var byteWidth: Int {
        switch self {
        case .f32, .i32: 4
        case .f16, .bf16: 2
        case .i64: 8
        case .u8: 1
        }
    }

    public var description: String {
        switch self {
        case .f32: "f32"
        case .f16: "f16"
        case .bf16: "bf16"
        case .i64: "i64"
        case .i32: "i32"
        case .u8: "u8"
        }
    }

    var cValue: ov_element_type_e {
        switch self {
        case .f32: F32
        case .f16: F16
        case .bf16: BF16
        case .i64: I64
        case .i32: I32
        case .u8: U8
        }
    }

    init?(_ value: ov_element_type_e) {
        switch value {
        case F32: self = .f32
        case F16: self = .f16
        case BF16: self = .bf16
        case I64: self = .i64
        case I32: self = .i32
        case U8: self = .u8
        default: return nil
        }
    }
}
