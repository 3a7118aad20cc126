/// This process's memory as Linux reports it in /proc/self/status.
public enum ProcessMemory {
    /// Resident set size in bytes (VmRSS), or nil where /proc is unavailable.
    public static func residentBytes() -> Int? {
        field("VmRSS")
    }

    /// Peak resident set size in bytes (VmHWM).
    public static func peakResidentBytes() -> Int? {
        field("VmHWM")
    }

    private static func field(_ name: String) -> Int? {
        guard let status = read("/proc/self/status") else { return nil }
        for line in status.split(separator: "\n") {
            guard line.hasPrefix(name + ":") else { continue }
            let parts = line.split(separator: " ", omittingEmptySubsequences: true)
            guard parts.count >= 2, let kilobytes = Int(parts[1]) else { return nil }
            return kilobytes * 1024
        }
        return nil
    }

    /// The whole of a small file (its size as /proc tells it is 0), nil when it cannot be read.
    private static func read(_ path: String) -> String? {
        let descriptor = System.open(path, [.readOnly, .closeOnExec])
        guard descriptor >= 0 else { return nil }
        defer { System.close(descriptor) }
        var bytes: [UInt8] = []
        var block = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = block.withUnsafeMutableBytes { System.read(descriptor, into: $0) }
            guard count >= 0 else { return nil }
            if count == 0 { return String(decoding: bytes, as: UTF8.self) }
            bytes.append(contentsOf: block[..<count])
        }
    }
}
