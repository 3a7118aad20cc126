import Foundation
import SQLite
import Store
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Helpers the end-to-end tests of the tool share: reading a store with SQL, damaging models, runs paused at a
/// fault point, waiting for processes.

/// The first column of the first row of `sql` on the store at `path`, as an integer.
func count(_ path: String, _ sql: String) throws -> Int64 {
    try Connection(path: path, mode: .readOnly).scalarInt(sql) ?? 0
}

/// The first column of every row of `sql` on the store at `path`.
func strings(_ path: String, _ sql: String) throws -> [String] {
    let statement = try Connection(path: path, mode: .readOnly).prepare(sql)
    var values: [String] = []
    while try statement.step() { values.append(statement.text(at: 0) ?? "") }
    return values
}

/// Runs `command` with /bin/sh; throws when it fails.
func shell(_ command: String) throws {
    let result = try run(URL(fileURLWithPath: "/bin/sh"), ["-c", command])
    guard result.status == 0 else {
        throw CocoaError(.fileWriteUnknown, userInfo: [NSLocalizedDescriptionKey: "\(command): \(result.stderr)"])
    }
}

/// A copy of the default model directory (the weights copied, so they can be damaged), returning its path.
func copyModel(to directory: TemporaryDirectory) throws -> String {
    let copy = directory.file("model")
    try FileManager.default.copyItem(atPath: ProjectPaths.model().path, toPath: copy)
    return copy
}

func editManifest(_ model: String, _ edit: (inout [String: Any]) -> Void) throws {
    let path = model + "/manifest.json"
    var manifest = try #require(
        JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
    edit(&manifest)
    try JSONSerialization.data(withJSONObject: manifest).write(to: URL(fileURLWithPath: path))
}

/// A run started with a `pause=POINT` fault (`FaultPlan`): on return it waits at POINT until `resume()`.
struct PausedRun {
    let process: Process
    let resumeFile: String

    init(
        _ arguments: [String], pausingAt point: String, in directory: TemporaryDirectory,
        environment: [String: String] = [:]
    ) throws {
        resumeFile = directory.file("resume")
        unlink(resumeFile)
        let errors = Pipe()
        process = try startOvindex(
            arguments,
            environment: environment.merging(
                ["OVINDEX_FAULTS": "pause=\(point)", "OVINDEX_FAULTS_RESUME": resumeFile]) { $1 },
            errors: errors)
        try waitForLine(containing: "pausing at \(point)", in: errors, process: process)
    }

    func resume() {
        #expect(FileManager.default.createFile(atPath: resumeFile, contents: nil), "cannot create \(resumeFile)")
    }

    /// Resumes (unless told not to) and waits up to `seconds` for the exit; false when the run had to be killed.
    func finish(seconds: Double = 60, resuming: Bool = true) -> Bool {
        if resuming { resume() }
        let finished = waitForExit(process, seconds: seconds)
        if !finished { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        return finished
    }
}

/// Waits up to `seconds` for `process` to exit; false when it is still running.
func waitForExit(_ process: Process, seconds: Double) -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while process.isRunning && Date() < deadline { usleep(20_000) }
    return !process.isRunning
}

/// Reads `pipe` until a line containing `text` arrives (or the process ends).
func waitForLine(containing text: String, in pipe: Pipe, process: Process) throws {
    var seen = ""
    while !seen.contains(text) {
        let data = pipe.fileHandleForReading.availableData
        if data.isEmpty {
            Issue.record("the process ended before printing '\(text)': \(seen)")
            return
        }
        seen += String(decoding: data, as: UTF8.self)
    }
}

/// Makes a file whose path is longer than PATH_MAX below `root` (with directory descriptors, as `mkdir` refuses
/// such paths) and returns the name of the top folder to remove.
func makeDeepFile(below root: String) throws -> String {
    let name = String(repeating: "d", count: 200)
    var descriptor = open(root, O_RDONLY | O_DIRECTORY)
    for _ in 0..<22 {
        #expect(mkdirat(descriptor, name, 0o755) == 0)
        let next = openat(descriptor, name, O_RDONLY | O_DIRECTORY)
        close(descriptor)
        descriptor = next
    }
    let file = openat(descriptor, "deep.txt", O_WRONLY | O_CREAT, 0o644)
    _ = write(file, "deep text", 9)
    close(file)
    close(descriptor)
    return name
}

extension String {
    /// Regular files below this folder, sorted.
    func filesBelow() throws -> [String] {
        let enumerator = FileManager.default.enumerator(atPath: self)
        var files: [String] = []
        while let relative = enumerator?.nextObject() as? String {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: self + "/" + relative, isDirectory: &isDirectory),
                !isDirectory.boolValue
            {
                files.append(self + "/" + relative)
            }
        }
        return files.sorted()
    }
}
