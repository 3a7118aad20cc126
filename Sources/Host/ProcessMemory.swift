import Foundation

#if canImport(Glibc)
    import Glibc
#endif

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
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
        for line in status.split(separator: "\n") {
            guard line.hasPrefix(name + ":") else { continue }
            let parts = line.split(separator: " ", omittingEmptySubsequences: true)
            guard parts.count >= 2, let kilobytes = Int(parts[1]) else { return nil }
            return kilobytes * 1024
        }
        return nil
    }
}
