import Foundation
public import Models
import VectorMath

/// The check a model passes before a run writes a single vector with it (after `ModelDirectory.verifyWeights`),
/// so that a store is never bound to a model its manifest misdescribes: the manifest's maximum length fits the
/// model's position embeddings (`config.json`), as positions beyond them embed as garbage without any error;
/// and one probe inference, at full length, returns vectors of the manifest's dimension, finite, and of unit
/// length when the manifest says the model normalizes.
extension Embedder {
    /// The part of a checkpoint's `config.json` the check reads.
    private struct Config: Decodable {
        var max_position_embeddings: Int?
    }

    /// Checks the manifest against the model itself: the maximum length against `config.json`'s position
    /// embeddings, then one inference of a short and a full-length text (with a timeout of its own, so that a
    /// short inference timeout does not fail the check).
    ///
    /// - Throws: `ModelError` saying which promise of the manifest the model breaks.
    public func probe(timeout: Duration = .seconds(120)) async throws(ModelError) {
        let embedder = self
        let directory = embedder.directory
        let manifest = directory.manifest
        if let data = FileManager.default.contents(atPath: directory.path + "/config.json"),
            let positions = (try? JSONDecoder().decode(Config.self, from: data))?.max_position_embeddings,
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
            let norm = VectorMath.norm(vector)
            if manifest.normalized == true && abs(norm - 1) > 0.01 {
                throw ModelError(
                    path: directory.path,
                    message: "the manifest says the model normalizes, but a vector of \(encoding.count) tokens has "
                        + "length \(norm)")
            }
        }
    }
}
