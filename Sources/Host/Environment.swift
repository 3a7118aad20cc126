import Foundation

/// Every environment variable ovindex reads, each documented here, read from the process once (`current`).
///
/// The code takes an `Environment` where it asks (a parameter that defaults to `.current`), so that a test
/// passes its own, built from a dictionary. Only the tests read more: `OVINDEX_TEST_BINARY` (the `ovindex` to
/// run end to end, instead of the one built beside the tests) and `OVINDEX_TEST_SEED` (the random corpus of the
/// resilience tests), in Tests/.
public struct Environment: Sendable {
    // MARK: - Models

    /// `OVINDEX_MODEL`: the model to use when a command names none (no `--model`, no `model` in the
    /// definition): a model directory, or a name in the models folder. Unset: a store's own model, else the
    /// default model (`all-MiniLM-L6-v2`, or for a new store the variant measured fastest on this CPU).
    public var model: String?

    /// `OVINDEX_MODELS`: a models folder searched first for a model given by name. Unset: only
    /// `./data/models` and the `data/models` of the checkout the binary was built in.
    public var modelsFolder: String?

    /// `OVINDEX_PROBE`: `off` makes a new store use the default model, without measuring the installed variants
    /// on this CPU. Any other value, or unset: the variants are measured once per machine (true).
    public var probe: Bool

    /// `OVINDEX_CPU_PINNING`: `yes` or `no` (in any case) lets OpenVINO pin its threads to cores, or not.
    /// Unset or another value (nil): not pinned when the process uses fewer threads than the machine has CPUs,
    /// OpenVINO's default otherwise.
    public var cpuPinning: Bool?

    // MARK: - Stores

    /// `OVINDEX_NETWORK_STORE`: `allow` lets a store be written on a network file system (for one writer and no
    /// reader elsewhere at a time, at the user's risk). Unset or another value (false): refused.
    public var allowsNetworkStore: Bool

    // MARK: - The cache directory (`CacheDirectory`)

    /// `OVINDEX_CACHE_DIR`: the cache directory (compiled models, this machine's model choice); set but empty,
    /// caching is off. Unset: `$XDG_CACHE_HOME/ovindex`, else `$HOME/.cache/ovindex`.
    public var cacheDirectory: String?
    /// `XDG_CACHE_HOME`: where the cache directory goes when `OVINDEX_CACHE_DIR` is unset (if not empty).
    public var xdgCacheHome: String?
    /// `HOME`: the cache directory is `$HOME/.cache/ovindex` when neither of the above says (if not empty);
    /// without any of the three nothing is cached.
    public var home: String?

    // MARK: - Schedulers (`Shard.fromEnvironment`), as they set them: messages quote the text

    /// `JOB_COMPLETION_INDEX`: a Kubernetes Indexed Job's index, the shard a worker runs (the count comes from
    /// the definition's `shards` or `--shards`). Unset: no shard from Kubernetes.
    public var jobCompletionIndex: String?
    /// `SLURM_ARRAY_TASK_ID`: a Slurm job array's task id, the shard a worker runs. Unset: no shard from Slurm.
    public var slurmArrayTaskID: String?
    /// `SLURM_ARRAY_TASK_MIN`: the array's first id (shard 0). Unset: 0.
    public var slurmArrayTaskMin: String?
    /// `SLURM_ARRAY_TASK_COUNT`: the array's size, the shard count. Unset: `--shards` (else an error).
    public var slurmArrayTaskCount: String?

    // MARK: - Fault injection (tests)

    /// `OVINDEX_FAULTS`, read by debug builds only (nil in a release build whatever the process has): failures
    /// to inject at named points of a run, a comma-separated list (`FaultPlan` says which; `network-fs` is read
    /// by `FileSystem.network(at:)`). Unset or empty: none.
    public var faults: String?
    /// `OVINDEX_FAULTS_RESUME`, read by debug builds only: the file whose creation ends a `pause=` fault.
    public var faultsResume: String?

    /// The variables of `variables` (a process's environment, or a test's).
    public init(_ variables: [String: String]) {
        model = variables["OVINDEX_MODEL"]
        modelsFolder = variables["OVINDEX_MODELS"]
        probe = variables["OVINDEX_PROBE"] != "off"
        switch variables["OVINDEX_CPU_PINNING"]?.lowercased() {
        case "yes"?: cpuPinning = true
        case "no"?: cpuPinning = false
        default: cpuPinning = nil
        }
        allowsNetworkStore = variables["OVINDEX_NETWORK_STORE"] == "allow"
        cacheDirectory = variables["OVINDEX_CACHE_DIR"]
        xdgCacheHome = variables["XDG_CACHE_HOME"]
        home = variables["HOME"]
        jobCompletionIndex = variables["JOB_COMPLETION_INDEX"]
        slurmArrayTaskID = variables["SLURM_ARRAY_TASK_ID"]
        slurmArrayTaskMin = variables["SLURM_ARRAY_TASK_MIN"]
        slurmArrayTaskCount = variables["SLURM_ARRAY_TASK_COUNT"]
        #if DEBUG
            faults = variables[Self.faultsVariable]
            faultsResume = variables["OVINDEX_FAULTS_RESUME"]
        #endif
    }

    /// `OVINDEX_FAULTS`, for messages about it.
    public static let faultsVariable = "OVINDEX_FAULTS"

    /// This process's environment, read once, when first used.
    public static let current = Environment(ProcessInfo.processInfo.environment)

    /// The entries of `faults`, trimmed, without empty ones.
    public var faultEntries: [String] { faults.map(Self.faultEntries) ?? [] }

    /// The entries of a fault list (`OVINDEX_FAULTS`'s syntax), trimmed, without empty ones: the one reading of
    /// the list, for `FaultPlan` and `FileSystem`.
    public static func faultEntries(_ list: String) -> [String] {
        list.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }
}
