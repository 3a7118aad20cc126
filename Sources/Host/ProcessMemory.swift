import TextIO

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
        guard let reader = try? LineReader(path: "/proc/self/status", maximumBytes: 4096) else { return nil }
        while let next = try? reader.next() {
            guard case .text(_, let bytes) = next else { continue }
            let line = String(decoding: bytes, as: UTF8.self)
            guard line.hasPrefix(name + ":") else { continue }
            let parts = line.split(separator: " ", omittingEmptySubsequences: true)
            guard parts.count >= 2, let kilobytes = Int(parts[1]) else { return nil }
            return kilobytes * 1024
        }
        return nil
    }
}
