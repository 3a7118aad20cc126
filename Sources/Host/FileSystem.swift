public import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// What kind of file system a path lives on, as far as a store cares: SQLite's write-ahead log needs shared
/// memory that only one machine sees, and its locks need POSIX locks that network file systems do not keep
/// reliably. A store written there can be corrupted by two writers, or by one writer and a reader elsewhere.
public enum FileSystem {
    /// A file system a store must not be written on, by its type as `/proc/self/mountinfo` names it.
    public struct Network: Sendable, Equatable, CustomStringConvertible {
        public var name: String
        public var description: String { name }
    }

    /// The network (or cluster) file system the folder holding `path` lives on, nil for a local one (or when it
    /// cannot be told: a folder that does not exist is not this check's business).
    ///
    /// A debug build also answers "nfs (simulated)" when `OVINDEX_FAULTS` lists `network-fs`, so that tests can
    /// show what a command does on such a mount without one.
    public static func network(
        at path: String, environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> Network? {
        #if DEBUG
            if let faults = environment["OVINDEX_FAULTS"],
                faults.split(separator: ",").contains(where: { $0.trimmingCharacters(in: .whitespaces) == "network-fs" })
            {
                return Network(name: "nfs (simulated)")
            }
        #endif
        var info = stat()
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        guard stat(folder, &info) == 0,
            let mounts = try? String(contentsOfFile: "/proc/self/mountinfo", encoding: .utf8)
        else { return nil }
        return network(device: UInt64(info.st_dev), mountInfo: mounts)
    }

    /// The network file system of the device `device` (`st_dev`) in a `/proc/self/mountinfo` text, nil for a
    /// local one or a device it does not list.
    public static func network(device: UInt64, mountInfo: String) -> Network? {
        let major = (device >> 8) & 0xFFF | (device >> 32) & ~0xFFF
        let minor = device & 0xFF | (device >> 12) & ~0xFF
        let number = "\(major):\(minor)"
        for line in mountInfo.split(separator: "\n") {
            // ID PARENT MAJOR:MINOR ROOT MOUNTPOINT OPTIONS [OPTIONAL...] - TYPE SOURCE SUPEROPTIONS
            let fields = line.split(separator: " ")
            guard fields.count > 4, fields[2] == number, let dash = fields.firstIndex(of: "-"),
                dash + 1 < fields.count
            else { continue }
            return network(type: String(fields[dash + 1]))
        }
        return nil
    }

    /// The network file system named `type` (as mountinfo names it), nil for any other.
    public static func network(type: String) -> Network? {
        let base = type.hasPrefix("fuse.") ? String(type.dropFirst(5)) : type
        return networkTypes.contains(base) ? Network(name: type) : nil
    }

    /// The file systems that share files between machines. Plain FUSE is not among them: rootless containers
    /// keep their root on fuse-overlayfs, which is local; the FUSE clients of network and object stores are.
    static let networkTypes: Set<String> = [
        "nfs", "nfs4", "cifs", "smb3", "smbfs", "ceph", "ceph-fuse", "glusterfs", "gfs2", "ocfs2", "lustre", "afs",
        "9p", "gpfs", "beegfs", "sshfs", "s3fs", "gcsfuse", "rclone", "juicefs", "moosefs", "mfs", "orangefs",
        "pvfs2", "panfs", "quobyte", "weka", "wekafs", "davfs", "curlftpfs", "objectivefs",
    ]
}
