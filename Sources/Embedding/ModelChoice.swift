import Foundation
public import Host
public import Models
import OpenVINO
import TextIO

/// Which variant of the default model a new store is built with on this machine, and why: the figures
/// `ModelProbe` measured, the CPU they were measured on and the bar they had to pass. Kept in the cache
/// directory (`model-choice.json`), valid while the CPU, OpenVINO and the installed variants stay the same.
public struct ModelChoice: Sendable, Equatable, Codable {
    public struct Candidate: Sendable, Equatable, Codable {
        /// The model's directory name.
        public var model: String
        public var variant: String
        public var precision: InferencePrecision
        public var weightsSHA256: String
        public var tokensPerSecond: Double
        /// Cosine to the original model at f32 over the probe texts: mean and lowest.
        public var meanCosine: Double
        public var minCosine: Double
        /// Largest difference from the model card's published similarities.
        public var publishedError: Double
        public var passes: Bool
    }

    public var processor: Processor
    public var openvino: String
    public var measuredAt: String
    public var bar: ModelProbe.Bar
    public var candidates: [Candidate]
    /// The original model's name (the candidates at index 0... are its precisions).
    public var original: String

    /// The chosen candidate: the fastest that passes the bar, unless it is not at least `bar.speedup` faster than
    /// the original's best (then the original: accuracy first).
    public var chosen: Candidate? {
        let passing = candidates.filter(\.passes)
        guard let fastest = passing.max(by: { $0.tokensPerSecond < $1.tokensPerSecond }) else { return nil }
        guard let original = passing.filter({ $0.model == self.original }).max(by: { $0.tokensPerSecond < $1.tokensPerSecond })
        else { return fastest }
        return fastest.tokensPerSecond >= original.tokensPerSecond * bar.speedup ? fastest : original
    }

    /// Why the chosen candidate, in words.
    public var reason: String {
        guard let chosen else { return "no variant passed the accuracy bar: the original model is used" }
        let base = candidates.filter { $0.model == original && $0.passes }.map(\.tokensPerSecond).max() ?? chosen.tokensPerSecond
        return "\(chosen.model) at \(chosen.precision.rawValue): \(Int(chosen.tokensPerSecond.rounded())) tokens/s, "
            + Format.fixed(chosen.tokensPerSecond / base, 2) + "x the original's best; cosine to the original at f32 "
            + "mean \(Format.fixed(chosen.meanCosine, 4)), lowest \(Format.fixed(chosen.minCosine, 4)); published "
            + "similarities within \(Format.fixed(chosen.publishedError, 4))"
            + " (measured \(measuredAt) on \(processor.summary), OpenVINO \(openvino.split(separator: "-").first ?? ""))"
    }

    public static let fileName = "model-choice.json"

    /// The recorded choice, if one was measured on this processor, with this OpenVINO, for exactly the variants
    /// installed now; nil otherwise (or when caching is off).
    public static func recorded(
        for variants: [ModelDirectory] = ModelDirectory.installedVariants(), processor: Processor = .current()
    ) -> ModelChoice? {
        guard let folder = CacheDirectory.folder("machine"),
            let data = FileManager.default.contents(atPath: folder + "/" + fileName),
            let choice = try? JSONDecoder().decode(ModelChoice.self, from: data),
            choice.processor == processor, choice.openvino == Core.runtimeVersion,
            Set(choice.candidates.map(\.weightsSHA256)) == Set(variants.map(\.manifest.weights_sha256))
        else { return nil }
        return choice
    }

    /// Records the choice in the cache directory (nothing happens when caching is off).
    public func save() throws {
        guard let folder = CacheDirectory.folder("machine") else { return }
        let temporary = folder + "/." + Self.fileName + ".\(System.getpid())"
        try Data(JSONWriter.canonical(json).utf8).write(to: URL(fileURLWithPath: temporary))
        // Renamed into place: a concurrent reader sees the old choice or the new one, never half of one.
        System.rename(temporary, folder + "/" + Self.fileName)
    }
}
