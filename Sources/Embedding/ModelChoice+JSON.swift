import Host
public import TextIO

extension ModelChoice {
    /// The choice as JSON, with the names its `Codable` form reads back (`recorded` decodes it): what
    /// `ovindex models --json` prints and the cache keeps.
    public var json: JSONValue {
        func number(_ value: Double) -> JSONValue { .number(String(value)) }
        return .object([
            "processor": .object([
                "model": .string(processor.model), "flags": .array(processor.flags.map(JSONValue.string)),
                "cpus": .number(String(processor.cpus)),
            ]),
            "openvino": .string(openvino), "measuredAt": .string(measuredAt),
            "bar": .object([
                "meanCosine": number(bar.meanCosine), "minCosine": number(bar.minCosine),
                "publishedError": number(bar.publishedError), "speedup": number(bar.speedup),
            ]),
            "candidates": .array(
                candidates.map { candidate in
                    .object([
                        "model": .string(candidate.model), "variant": .string(candidate.variant),
                        "precision": .string(candidate.precision.rawValue),
                        "weightsSHA256": .string(candidate.weightsSHA256),
                        "tokensPerSecond": number(candidate.tokensPerSecond),
                        "meanCosine": number(candidate.meanCosine), "minCosine": number(candidate.minCosine),
                        "publishedError": number(candidate.publishedError), "passes": .bool(candidate.passes),
                    ])
                }),
            "original": .string(original),
        ])
    }
}
