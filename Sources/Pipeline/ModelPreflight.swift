public import Embedding
import Foundation
import Store
import TextIO
import Tokenizer

#if canImport(Glibc)
    import Glibc
#endif

/// The checks a model passes before a run writes a single vector with it, so that a store is never bound to a
/// model that is damaged or that its manifest misdescribes:
///
/// 1. the weights file's sha256 equals the manifest's (a damaged or swapped `model.bin` loads and runs, and
///    gives wrong vectors without any error);
/// 2. the manifest's maximum length fits the model's position embeddings (`config.json`), as positions beyond
///    them give garbage without any error;
/// 3. one probe inference, at full length, returns vectors of the manifest's dimension, finite, and of unit
///    length when the manifest says the model normalizes.
public enum ModelPreflight {
    /// What the weights check did.
    public struct WeightsVerdict: Sendable, Equatable {
        /// The weights file's identity and the sha256 it was checked against: equal fingerprints need no hashing.
        public var fingerprint: String
        /// False when an earlier verdict for the same file was reused.
        public var hashed: Bool
    }

    /// The identity of `directory`'s weights file: the manifest's sha256, the file's device, inode, size,
    /// modification and change times. Any change to the file (even one that restores its modification time)
    /// changes the change time, so a cached verdict is never reused for other bytes.
    public static func fingerprint(_ directory: ModelDirectory) throws(ModelError) -> String {
        var info = stat()
        guard stat(directory.weightsFile, &info) == 0 else {
            throw ModelError(
                path: directory.weightsFile, message: "cannot be read: \(String(cString: strerror(errno)))")
        }
        return [
            directory.manifest.weights_sha256, String(info.st_dev), String(info.st_ino), String(info.st_size),
            "\(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec)", "\(info.st_ctim.tv_sec).\(info.st_ctim.tv_nsec)",
        ].joined(separator: ":")
    }

    /// Checks the weights' sha256 against the manifest, unless `cached` (an earlier verdict's fingerprint) shows
    /// the same file was verified before.
    ///
    /// - Throws: `ModelError` naming both digests when they differ.
    public static func verifyWeights(_ directory: ModelDirectory, cached: String?) throws(ModelError)
        -> WeightsVerdict
    {
        let fingerprint = try fingerprint(directory)
        if fingerprint == cached { return WeightsVerdict(fingerprint: fingerprint, hashed: false) }
        let digest = try sha256(directory.weightsFile)
        guard digest == directory.manifest.weights_sha256 else {
            throw ModelError(
                path: directory.weightsFile,
                message: "sha256 \(digest) differs from the manifest's \(directory.manifest.weights_sha256): the "
                    + "weights are damaged or not this model's (re-run 'make setup' or the converter); nothing was written")
        }
        return WeightsVerdict(fingerprint: fingerprint, hashed: true)
    }

    /// The weights verdict cached in `store`, if the store exists and has one.
    public static func cachedFingerprint(store path: String) -> String? {
        guard FileManager.default.fileExists(atPath: path),
            let store = try? Store(path: path, mode: .readOnly)
        else { return nil }
        return try? store.info(PipelineRunner.verifiedWeightsKey)
    }

    static func sha256(_ path: String) throws(ModelError) -> String {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw ModelError(path: path, message: "cannot be read: \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        var hasher = SHA256()
        var block = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let count = block.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw ModelError(path: path, message: "cannot be read: \(String(cString: strerror(errno)))")
            }
            if count == 0 { break }
            block.withUnsafeBytes { hasher.update(UnsafeRawBufferPointer(rebasing: $0[..<count])) }
        }
        return SHA256.hexString(hasher.finalize())
    }

    /// Checks the manifest against the model itself: the maximum length against `config.json`'s position
    /// embeddings, then one inference of a short and a full-length text (with a timeout of its own, so that a
    /// short inference timeout does not fail the check).
    ///
    /// - Throws: `ModelError` saying which promise of the manifest the model breaks.
    public static func probe(_ embedder: Embedder, timeout: Duration = .seconds(120)) async throws(ModelError) {
        let directory = embedder.directory
        let manifest = directory.manifest
        if let data = FileManager.default.contents(atPath: directory.path + "/config.json"),
            case .object(let config)? = try? JSONParser.parse(String(decoding: data, as: UTF8.self)),
            let positions = config["max_position_embeddings"]?.intValue,
            manifest.max_sequence_length > positions
        {
            throw ModelError(
                path: directory.path,
                message: "the manifest's max_sequence_length \(manifest.max_sequence_length) exceeds the model's "
                    + "\(positions) position embeddings (config.json): longer inputs would embed as garbage")
        }
        let long = String(repeating: "ovindex checks the model before it writes a vector. ", count: 200)
        let encodings = [embedder.encode("The weather is lovely today."), embedder.encode(long)]
        let vectors: [[Float]]
        do {
            vectors = try await embedder.embed(encodings, timeout: timeout)
        } catch let error as ModelError {
            throw ModelError(path: error.path, message: "failed its check before indexing: \(error.message)")
        } catch {
            throw ModelError(path: directory.path, message: "failed its check before indexing: \(error)")
        }
        for (vector, encoding) in zip(vectors, encodings) {
            guard vector.count == embedder.dimension else {
                throw ModelError(
                    path: directory.path,
                    message: "returned \(vector.count) values, the manifest says dimension \(embedder.dimension)")
            }
            guard vector.allSatisfy(\.isFinite) else {
                throw ModelError(
                    path: directory.path, message: "returned values that are not finite for \(encoding.count) tokens")
            }
            let norm = vector.reduce(0) { $0 + $1 * $1 }.squareRoot()
            if manifest.normalized == true && abs(norm - 1) > 0.01 {
                throw ModelError(
                    path: directory.path,
                    message: "the manifest says the model normalizes, but a vector of \(encoding.count) tokens has "
                        + "length \(norm)")
            }
        }
    }
}
