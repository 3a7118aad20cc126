import Foundation

/// Where ovindex keeps what belongs to this machine rather than to a store or a model: OpenVINO's compiled
/// models, and which model variant is fastest on this CPU. `$OVINDEX_CACHE_DIR`, else `$XDG_CACHE_HOME/ovindex`,
/// else `~/.cache/ovindex`; `OVINDEX_CACHE_DIR=` (empty) turns caching off.
public enum CacheDirectory {
    /// The folder `name` inside the cache directory, created if needed; nil when caching is off or the folder
    /// cannot be created (a read-only home in a container: then nothing is cached, nothing fails).
    public static func folder(_ name: String, environment: Environment = .current) -> String? {
        let root: String
        if let configured = environment.cacheDirectory {
            guard !configured.isEmpty else { return nil }
            root = configured
        } else if let xdg = environment.xdgCacheHome, !xdg.isEmpty {
            root = xdg + "/ovindex"
        } else if let home = environment.home, !home.isEmpty {
            root = home + "/.cache/ovindex"
        } else {
            return nil
        }
        let folder = root + "/" + name
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            return nil
        }
        return folder
    }
}
