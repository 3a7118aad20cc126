/// How to compile a model: device and OpenVINO properties.
///
/// Unset fields leave the runtime's default (for example bf16 inference on CPUs with AMX/AVX-512 BF16).
public struct CompileOptions: Sendable, Hashable {
    /// Numeric precision used for inference (`INFERENCE_PRECISION_HINT`).
    public enum Precision: String, Sendable, Hashable, CaseIterable {
        case f32, bf16, f16
    }

    /// What the device should optimise for (`PERFORMANCE_HINT`).
    public enum PerformanceHint: String, Sendable, Hashable {
        case latency = "LATENCY"
        case throughput = "THROUGHPUT"
        case cumulativeThroughput = "CUMULATIVE_THROUGHPUT"
    }

    public var device: String
    public var inferencePrecision: Precision?
    public var threads: Int?
    public var streams: Int?
    public var performanceHint: PerformanceHint?
    /// Whether OpenVINO pins its threads to cores (`ENABLE_CPU_PINNING`); nil keeps its default (pinned).
    /// Processes that share a machine must not pin: each would pin to the same first cores.
    public var cpuPinning: Bool?
    /// A folder for OpenVINO's model cache (`CACHE_DIR`): a compiled model is stored there and later loads
    /// skip compiling. The model is then compiled from its file, which is what lets the cache answer. A blob
    /// read from the cache is copied into memory (`ENABLE_MMAP` off), not mapped: a mapped blob that anything
    /// rewrote in place (a process that missed the cache, `cp`, `rsync --inplace`) killed the run with SIGBUS.
    /// The copy costs about 0.02 s and the blob's size in memory (45 MB for the default model).
    public var cacheDirectory: String?

    public init(
        device: String = "CPU",
        inferencePrecision: Precision? = nil,
        threads: Int? = nil,
        streams: Int? = nil,
        performanceHint: PerformanceHint? = nil,
        cpuPinning: Bool? = nil,
        cacheDirectory: String? = nil
    ) {
        self.device = device
        self.inferencePrecision = inferencePrecision
        self.threads = threads
        self.streams = streams
        self.performanceHint = performanceHint
        self.cpuPinning = cpuPinning
        self.cacheDirectory = cacheDirectory
    }

    /// The OpenVINO property keys and values these options set, in a stable order.
    var properties: [(key: String, value: String)] {
        var result: [(key: String, value: String)] = []
        if let performanceHint { result.append(("PERFORMANCE_HINT", performanceHint.rawValue)) }
        if let inferencePrecision { result.append(("INFERENCE_PRECISION_HINT", inferencePrecision.rawValue)) }
        if let threads { result.append(("INFERENCE_NUM_THREADS", String(threads))) }
        if let streams { result.append(("NUM_STREAMS", String(streams))) }
        if let cpuPinning { result.append(("ENABLE_CPU_PINNING", cpuPinning ? "YES" : "NO")) }
        if let cacheDirectory {
            result.append(("CACHE_DIR", cacheDirectory))
            result.append(("ENABLE_MMAP", "NO"))
        }
        return result
    }
}
