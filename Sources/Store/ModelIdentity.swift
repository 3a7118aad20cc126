/// What makes vectors comparable: the model that produced them. A store holds vectors of one identity only.
public struct ModelIdentity: Sendable, Hashable, CustomStringConvertible {
    public var modelID: String
    public var dimension: Int
    public var pooling: String
    public var normalized: Bool
    /// sha256 of the weights actually run (the IR .bin): two conversions of one checkpoint with different
    /// precision or quantization differ here.
    public var weightsSHA256: String
    /// The variant in words ("original (f16 weights)", "int8 (nncf 3.4.0, ...)"), for people; not compared.
    public var variant: String
    /// The model directory's short name ("all-MiniLM-L6-v2-int8"): what `query` loads when no model is given.
    /// Not compared (the weights are).
    public var name: String

    public init(
        modelID: String, dimension: Int, pooling: String, normalized: Bool, weightsSHA256: String, variant: String = "",
        name: String = ""
    ) {
        self.modelID = modelID
        self.dimension = dimension
        self.pooling = pooling
        self.normalized = normalized
        self.weightsSHA256 = weightsSHA256
        self.variant = variant
        self.name = name
    }

    public var description: String {
        var text = (name.isEmpty ? "" : name + ": ") + "\(modelID) (\(dimension)-d, \(pooling) pooling"
        if normalized { text += ", normalized" }
        if !variant.isEmpty { text += ", \(variant)" }
        return text + ", weights sha256 \(weightsSHA256.prefix(12))…)"
    }

    /// The differences that make vectors incomparable, in words; empty when compatible.
    public func differences(from other: ModelIdentity) -> [String] {
        var found: [String] = []
        if modelID != other.modelID { found.append("model \(other.modelID) instead of \(modelID)") }
        if dimension != other.dimension { found.append("dimension \(other.dimension) instead of \(dimension)") }
        if pooling != other.pooling { found.append("\(other.pooling) pooling instead of \(pooling)") }
        if normalized != other.normalized {
            found.append(other.normalized ? "normalized vectors" : "unnormalized vectors")
        }
        if weightsSHA256 != other.weightsSHA256 {
            found.append("weights \(other.weightsSHA256.prefix(12))… instead of \(weightsSHA256.prefix(12))…")
        }
        return found
    }
}
