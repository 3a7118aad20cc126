public import Foundation

/// The result of running a command: exit status and everything it printed.
public struct CommandResult: Sendable {
    public var status: Int32
    public var stdout: String
    public var stderr: String
}

/// Collects bytes read on another thread.
private final class Collected: @unchecked Sendable {
    // @unchecked: written once by the reader before `group.leave()`, read only after `group.wait()`.
    var data = Data()
}

/// Writing to a child that has already exited (a command that refuses its input at once) must fail the write,
/// not kill the whole test process with SIGPIPE: the tests feed stdin while the child may be gone.
private let sigpipeIgnored: Void = {
    signal(SIGPIPE, SIG_IGN)
}()

/// Runs `executable` with `arguments`, feeding `input` on stdin, and waits for it to exit.
public func run(
    _ executable: URL, _ arguments: [String], input: Data? = nil, environment: [String: String]? = nil,
    currentDirectory: URL? = nil
) throws -> CommandResult {
    _ = sigpipeIgnored
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    if let environment { process.environment = environment }
    if let currentDirectory { process.currentDirectoryURL = currentDirectory }
    let stdout = Pipe()
    let stderr = Pipe()
    let stdin = Pipe()
    process.standardOutput = stdout
    process.standardError = stderr
    process.standardInput = stdin
    try process.run()

    // Feed stdin and drain stderr on other threads so that no full pipe can block the child.
    let group = DispatchGroup()
    let errors = Collected()
    let writer = stdin.fileHandleForWriting
    let errorReader = stderr.fileHandleForReading
    group.enter()
    DispatchQueue.global().async {
        errors.data = errorReader.readDataToEndOfFile()
        group.leave()
    }
    group.enter()
    DispatchQueue.global().async {
        if let input { try? writer.write(contentsOf: input) }
        try? writer.close()
        group.leave()
    }
    let output = stdout.fileHandleForReading.readDataToEndOfFile()
    group.wait()
    process.waitUntilExit()
    return CommandResult(
        status: process.terminationStatus,
        stdout: String(decoding: output, as: UTF8.self),
        stderr: String(decoding: errors.data, as: UTF8.self))
}

/// Runs the built `ovindex` tool; `environment` is added to the test process's own.
public func runOvindex(
    _ arguments: [String], input: String? = nil, currentDirectory: URL? = nil, environment: [String: String] = [:]
) throws
    -> CommandResult
{
    try run(
        ProjectPaths.executable, arguments, input: input.map { Data($0.utf8) },
        environment: environment.isEmpty ? nil : ProcessInfo.processInfo.environment.merging(environment) { $1 },
        currentDirectory: currentDirectory)
}

/// Starts the built `ovindex` tool in the background, its output discarded unless `errors` is given (for runs a
/// test kills or waits on); `environment` is added to the test process's own.
public func startOvindex(_ arguments: [String], environment: [String: String] = [:], errors: Pipe? = nil) throws
    -> Process
{
    let process = Process()
    process.executableURL = ProjectPaths.executable
    process.arguments = arguments
    if !environment.isEmpty {
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    }
    process.standardOutput = FileHandle.nullDevice
    process.standardError = errors ?? FileHandle.nullDevice
    try process.run()
    return process
}
