import Foundation

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
    public static func network(at path: String, environment: Environment = .current) -> Network? {
        #if DEBUG
            if environment.faultEntries.contains("network-fs") { return Network(name: "nfs (simulated)") }
        #endif
        // The folder the store's file really lives in: a store path that is a symbolic link is followed, as
        // SQLite follows it. The folder is opened, not only looked at, so that an automount is mounted first.
        var target = path
        if System.lstat(path)?.isSymbolicLink == true, let resolved = System.realpath(path) {
            target = resolved
        }
        let folder = URL(fileURLWithPath: target).deletingLastPathComponent().path
        let descriptor = System.open(folder, [.readOnly, .directory, .closeOnExec])
        guard descriptor >= 0 else { return nil }
        defer { System.close(descriptor) }
        guard let info = System.fstat(descriptor),
            let mounts = try? String(contentsOfFile: "/proc/self/mountinfo", encoding: .utf8)
        else { return nil }
        return network(device: info.device, mountInfo: mounts)
    }

    /// The network file system that forbids writing a store at `path`, nil when it may be written:
    /// `network(at:)`, unless `OVINDEX_NETWORK_STORE=allow` (for one writer and no other reader at a time, on a
    /// mount whose locks are known to work, at the user's risk).
    public static func storeRefusal(at path: String, environment: Environment = .current) -> Network? {
        environment.allowsNetworkStore ? nil : network(at: path, environment: environment)
    }

    /// Why a store is not written on `network`, and the way out, for error messages.
    public static func refusalMessage(_ network: Network) -> String {
        "is on a \(network) file system, where SQLite's locks and write-ahead log are not safe (a writer and a "
            + "reader on two machines can corrupt it): write the store on a local disk and copy it there when "
            + "finished ('ovindex run --publish PATH'), or set OVINDEX_NETWORK_STORE=allow to take the risk; "
            + "nothing was written"
    }

    /// The network file system of the device `device` (`st_dev`) in a `/proc/self/mountinfo` text, nil for a
    /// local one or a device it does not list.
    public static func network(device: UInt64, mountInfo: String) -> Network? {
        let major = (device >> 8) & 0xFFF | (device >> 32) & ~0xFFF
        let minor = device & 0xFF | (device >> 12) & 0xFFFF_FF00
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
        "pvfs2", "panfs", "quobyte", "weka", "wekafs", "davfs", "curlftpfs", "objectivefs", "blobfuse",
        "blobfuse2", "mountpoint-s3", "vboxsf", "vmhgfs", "vmhgfs-fuse", "gvfsd-fuse",
    ]
}
