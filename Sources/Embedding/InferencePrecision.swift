public import OpenVINO

/// The numeric precision inference runs in, as users choose it (`--precision`, a definition's `precision`):
/// `auto` keeps OpenVINO's default for the CPU (bf16 where it has AVX-512 BF16 or AMX, else f32).
public enum InferencePrecision: String, Sendable, Hashable, CaseIterable, Codable {
    case auto, f32, bf16

    /// The OpenVINO property value, nil for the runtime's default.
    public var compileOption: CompileOptions.Precision? {
        switch self {
        case .auto: nil
        case .f32: .f32
        case .bf16: .bf16
        }
    }
}
