import Host
import Testing

/// Telling a network file system from a local one by `/proc/self/mountinfo`, as a store's writer does.
struct FileSystemTests {
    /// Lines as Linux writes them: a local root, an NFS export, a CIFS share, sshfs over FUSE, and the
    /// fuse-overlayfs root of a rootless container (local, whatever its FUSE).
    static let mountInfo = """
        27 1 259:2 / / rw,relatime shared:1 - ext4 /dev/nvme0n1p2 rw
        40 27 0:52 / /shared rw,relatime shared:20 - nfs4 server:/export rw,vers=4.2
        41 27 0:53 / /mnt/share rw,relatime - cifs //host/share rw,vers=3.1.1
        42 27 0:54 / /home/me/remote rw,nosuid,nodev - fuse.sshfs me@host:/ rw,user_id=0
        43 27 0:55 / /var/lib/containers rw - fuse.fuse-overlayfs fuse-overlayfs rw
        44 27 0:56 / /scratch rw,relatime - tmpfs tmpfs rw
        45 27 0:300 / /mnt/with\\040space rw,relatime shared:30 master:2 - nfs srv:/a\\040b rw
        46 27 0:301 / /var/lib/kubelet/pods/x/volumes rw,relatime shared:31 - ceph 10.0.0.1:/ rw
        47 27 0:302 / /merged rw - overlay overlay rw,lowerdir=/a,upperdir=/b
        """

    /// `st_dev` of MAJOR:MINOR, as glibc's makedev encodes it.
    static func device(_ major: UInt64, _ minor: UInt64) -> UInt64 {
        (minor & 0xFF) | ((major & 0xFFF) << 8) | ((minor & ~0xFF) << 12) | ((major & ~0xFFF) << 32)
    }

    @Test(arguments: [
        (UInt64(259), UInt64(2), nil), (0, 52, "nfs4"), (0, 53, "cifs"), (0, 54, "fuse.sshfs"),
        (0, 55, nil), (0, 56, nil), (0, 99, nil), (0, 300, "nfs"), (0, 301, "ceph"), (0, 302, nil),
    ] as [(UInt64, UInt64, String?)])
    func theNetworkFileSystemsAreTold(major: UInt64, minor: UInt64, expected: String?) {
        #expect(FileSystem.network(device: Self.device(major, minor), mountInfo: Self.mountInfo)?.name == expected)
    }

    @Test func aFolderOfThisMachineIsLocal() {
        // The tests' own temporary folder is local (CI runs on local disk).
        #expect(FileSystem.network(at: "/tmp/store.sqlite", environment: Environment([:])) == nil)
    }

    @Test func theDebugSeamSimulatesNFS() {
        let faults = Environment(["OVINDEX_FAULTS": "read=x, network-fs"])
        #expect(FileSystem.network(at: "/tmp/store.sqlite", environment: faults) != nil)
    }
}
