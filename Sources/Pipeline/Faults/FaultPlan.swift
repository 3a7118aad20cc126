public import Host
import Foundation
public import Host

/// Failures injected at named points of a run, so that tests can show what a run does when each point fails.
///
/// Read from `OVINDEX_FAULTS` by debug builds only: a release build never looks at it. The variable holds a
/// comma-separated list of:
///
///     read=KEY      reading the document KEY fails with EIO
///     list=FOLDER   listing FOLDER (its path relative to the source) fails with EACCES
///     stall=KEY     reading the document KEY blocks for good (a hung network read)
///     pause=KEY     reading the document KEY waits until the file $OVINDEX_FAULTS_RESUME exists
///     pause=prune   so does pruning, before its first deletion
///     inference=N   every attempt at the Nth inference batch fails; N+ fails it and every later one
///     commit=N      the Nth commit fails with an I/O error; commit=final fails the run's last commit
///     prune         deleting the pruned documents fails with an I/O error
///     finish        recording the end of the run fails with an I/O error
///     publish       copying the finished store to its published place fails halfway (`--publish`)
///     pause=publish publishing waits for the resume file after its copy, before the rename
///     adopt         copying the published store back to a missing local store fails halfway
///     relabel       labelling the stored documents again (new labels or examples) fails before it commits
///     network-fs    every store is taken to be on NFS (read by `FileSystem.network(at:)`)
public struct FaultPlan: Sendable, Equatable {
    public enum Commit: Sendable, Equatable {
        case number(Int)
        case final
    }

    public var readFailures: Set<String> = []
    public var listFailures: Set<String> = []
    public var stalls: Set<String> = []
    /// Points (document keys, or "prune") that wait for `resumeFile` to exist.
    public var pauses: Set<String> = []
    public var resumeFile: String?
    /// The first failing inference batch (1-based), and whether every later one fails too.
    public var inferenceBatch: Int?
    public var inferenceOnwards = false
    public var commit: Commit?
    public var prune = false
    public var finish = false
    public var publish = false
    public var adopt = false
    public var relabel = false
    /// Stores are taken to be on a network file system (`FileSystem` reads this entry itself).
    public var networkFilesystem = false

    public init() {}

    /// No faults: what every release build uses.
    public static let none = FaultPlan()

    /// The plan `OVINDEX_FAULTS` describes, in a debug build; `none` in a release build.
    ///
    /// - Throws: `FaultPlanError` for an entry it does not know (a typo must not pass as "no fault").
    public static func fromEnvironment(_ environment: Environment = .current) throws(FaultPlanError) -> FaultPlan {
        #if DEBUG
            guard let text = environment.faults, !text.isEmpty else { return .none }
            var plan = try FaultPlan(parsing: text)
            plan.resumeFile = environment.faultsResume
            return plan
        #else
            return .none
        #endif
    }

    public init(parsing text: String) throws(FaultPlanError) {
        for entry in Environment.faultEntries(text) {
            let parts = entry.split(separator: "=", maxSplits: 1).map(String.init)
            let name = parts[0]
            let value = parts.count > 1 ? parts[1] : nil
            switch (name, value) {
            case ("read", let key?): readFailures.insert(key)
            case ("list", let folder?): listFailures.insert(folder)
            case ("stall", let key?): stalls.insert(key)
            case ("pause", let point?): pauses.insert(point)
            case ("inference", let number?):
                let onwards = number.hasSuffix("+")
                guard let first = Int(onwards ? String(number.dropLast()) : number), first > 0 else {
                    throw FaultPlanError(entry: entry)
                }
                inferenceBatch = first
                inferenceOnwards = onwards
            case ("commit", "final"): commit = .final
            case ("commit", let number?):
                guard let value = Int(number), value > 0 else { throw FaultPlanError(entry: entry) }
                commit = .number(value)
            case ("prune", nil): prune = true
            case ("finish", nil): finish = true
            case ("publish", nil): publish = true
            case ("adopt", nil): adopt = true
            case ("relabel", nil): relabel = true
            case ("network-fs", nil): networkFilesystem = true
            default: throw FaultPlanError(entry: entry)
            }
        }
    }

    /// Waits at `point` (a document key, or "prune") until the resume file exists, when the plan says so;
    /// announces it on stderr first, so that a test knows the run got there.
    func pause(at point: String) {
        guard pauses.contains(point) else { return }
        System.writeStandardError("ovindex: fault: pausing at \(point)\n")
        while !(resumeFile.map { FileManager.default.fileExists(atPath: $0) } ?? true) { System.usleep(20_000) }
    }

    /// Whether the inference batch `number` (1-based) is to fail.
    func failsInference(batch number: Int) -> Bool {
        guard let first = inferenceBatch else { return false }
        return number == first || (inferenceOnwards && number > first)
    }

    /// Whether the commit `number` (1-based; `final` for the run's last one) is to fail.
    func failsCommit(number: Int, final: Bool) -> Bool {
        switch commit {
        case .number(let failing): !final && number == failing
        case .final: final
        case nil: false
        }
    }

}
