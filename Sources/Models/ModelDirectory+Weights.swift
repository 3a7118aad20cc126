import Checksum
import Foundation
import Host

extension ModelDirectory {
    /// What a weights check did.
    public struct WeightsVerdict: Sendable, Equatable {
        /// The weights file's identity and the sha256 it was checked against: equal fingerprints need no hashing.
        public var fingerprint: String
        /// False when an earlier verdict for the same file was reused.
        public var hashed: Bool
    }

    /// The identity of the model's files: the manifest's sha256, then the weights file's and the graph file's
    /// device, inode, size, modification and change times. Any change to either file (even one that restores
    /// its modification time) changes its change time, so a cached verdict is never reused for other bytes.
    public func weightsFingerprint() throws(ModelError) -> String {
        try ([manifest.weights_sha256] + Self.identity(weightsFile) + Self.identity(modelFile)).joined(separator: ":")
    }

    private static func identity(_ file: String) throws(ModelError) -> [String] {
        guard let info = System.stat(file) else {
            throw ModelError(path: file, message: "cannot be read: \(System.lastErrorText)")
        }
        return [
            String(info.device), String(info.inode), String(info.size),
            "\(info.modifiedSeconds).\(info.modifiedNanoseconds)", "\(info.changedSeconds).\(info.changedNanoseconds)",
        ]
    }

    /// Checks the weights' sha256 against the manifest, unless `cached` (an earlier verdict's fingerprint) shows
    /// the same file was verified before. A damaged or swapped weights file loads and runs, and gives wrong
    /// vectors without any error: this is the only way to tell.
    ///
    /// - Throws: `ModelError` naming both digests when they differ.
    public func verifyWeights(cached: String? = nil) throws(ModelError) -> WeightsVerdict {
        let fingerprint = try weightsFingerprint()
        if fingerprint == cached { return WeightsVerdict(fingerprint: fingerprint, hashed: false) }
        let digest = try Self.sha256(weightsFile)
        guard digest == manifest.weights_sha256 else {
            throw ModelError(
                path: weightsFile,
                message: "sha256 \(digest) differs from the manifest's \(manifest.weights_sha256): the weights are "
                    + "damaged or not this model's (re-run 'make setup' or the converter); nothing was written")
        }
        return WeightsVerdict(fingerprint: fingerprint, hashed: true)
    }

    static func sha256(_ path: String) throws(ModelError) -> String {
        let descriptor = System.open(path, [.readOnly, .closeOnExec])
        guard descriptor >= 0 else {
            throw ModelError(path: path, message: "cannot be read: \(System.lastErrorText)")
        }
        defer { System.close(descriptor) }
        var hasher = SHA256()
        var block = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let count = block.withUnsafeMutableBytes { System.read(descriptor, into: $0) }
            if count < 0 {
                throw ModelError(path: path, message: "cannot be read: \(System.lastErrorText)")
            }
            if count == 0 { break }
            block.withUnsafeBytes { hasher.update(UnsafeRawBufferPointer(rebasing: $0[..<count])) }
        }
        return SHA256.hexString(hasher.finalize())
    }
}
