import Foundation
import Host
import Testing

@testable import Embedding

/// How a choice is made from measured figures, and when OpenVINO may pin threads, without models.
@Suite struct ModelChoiceTests {
    func candidate(_ model: String, _ precision: InferencePrecision, speed: Double, mean: Double = 1, lowest: Double = 1)
        -> ModelChoice.Candidate
    {
        let bar = ModelProbe.Bar()
        return ModelChoice.Candidate(
            model: model, variant: model, precision: precision, weightsSHA256: model, tokensPerSecond: speed,
            meanCosine: mean, minCosine: lowest, publishedError: 0.001,
            passes: mean >= bar.meanCosine && lowest >= bar.minCosine)
    }

    func choice(_ candidates: [ModelChoice.Candidate]) -> ModelChoice {
        ModelChoice(
            processor: Processor(model: "test", flags: ["avx512f"], cpus: 2), openvino: "2026.4.1", measuredAt: "now",
            bar: ModelProbe.Bar(), candidates: candidates, original: "base")
    }

    @Test func theFastestAccurateEnoughVariantIsChosen() {
        let made = choice([
            candidate("base", .auto, speed: 10_000), candidate("base", .f32, speed: 6_000),
            candidate("base-int8", .auto, speed: 15_000, mean: 0.99, lowest: 0.95),
        ])
        #expect(made.chosen?.model == "base-int8")
        #expect(made.reason.contains("1.50x the original's best"))
    }

    @Test func aVariantBelowTheBarIsNotChosenHoweverFast() {
        let made = choice([
            candidate("base", .auto, speed: 10_000), candidate("base-int8", .auto, speed: 30_000, mean: 0.60, lowest: 0.2),
        ])
        #expect(made.chosen?.model == "base")
    }

    @Test func aVariantBarelyFasterThanTheOriginalDoesNotReplaceIt() {
        // On a CPU with AMX int8 is about as fast as bf16: the original keeps its accuracy.
        let made = choice([candidate("base", .auto, speed: 10_000), candidate("base-int8", .auto, speed: 10_300, mean: 0.99)])
        #expect(made.chosen?.model == "base")
        #expect(made.chosen?.precision == .auto)
    }

    @Test func thePrecisionIsPartOfTheChoice() {
        // Without AMX, f32 can beat bf16 for the original.
        let made = choice([candidate("base", .auto, speed: 5_000), candidate("base", .f32, speed: 7_000)])
        #expect(made.chosen?.precision == .f32)
    }

    @Test func aChoiceRoundTripsThroughItsFile() throws {
        let made = choice([candidate("base", .auto, speed: 1)])
        let data = try JSONEncoder().encode(made)
        #expect(try JSONDecoder().decode(ModelChoice.self, from: data) == made)
    }

    @Test func pinningIsOffWhenAProcessUsesFewerThreadsThanTheMachineHas() {
        #expect(LoadedModel.cpuPinning(threads: nil, environment: Environment([:]), cpus: 2) == nil)
        #expect(LoadedModel.cpuPinning(threads: 1, environment: Environment([:]), cpus: 2) == false)
        #expect(LoadedModel.cpuPinning(threads: 2, environment: Environment([:]), cpus: 2) == nil)
        let yes = Environment(["OVINDEX_CPU_PINNING": "yes"])
        let no = Environment(["OVINDEX_CPU_PINNING": "no"])
        #expect(LoadedModel.cpuPinning(threads: 1, environment: yes, cpus: 2) == true)
        #expect(LoadedModel.cpuPinning(threads: nil, environment: no, cpus: 2) == false)
    }

    @Test func theCacheDirectoryFollowsTheEnvironmentAndCanBeTurnedOff() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ovindex-cache-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let configured = Environment(["OVINDEX_CACHE_DIR": folder])
        #expect(CacheDirectory.folder("machine", environment: configured) == folder + "/machine")
        #expect(FileManager.default.fileExists(atPath: folder + "/machine"))
        #expect(CacheDirectory.folder("machine", environment: Environment(["OVINDEX_CACHE_DIR": ""])) == nil)
        let xdg = Environment(["HOME": "/h", "XDG_CACHE_HOME": folder])
        #expect(CacheDirectory.folder("m", environment: xdg) == folder + "/ovindex/m")
    }
}
