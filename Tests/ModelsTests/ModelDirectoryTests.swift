import Checksum
import Foundation
import Models
import TestSupport
import Testing

@Suite struct ModelDirectoryTests {
    @Test func missingDirectoryAndManifestAreClearErrors() throws {
        let missing = #expect(throws: ModelError.self) { try ModelDirectory(path: "/nonexistent/model") }
        #expect(missing?.message.contains("no such model directory") == true)
        let directory = try TemporaryDirectory()
        let noManifest = #expect(throws: ModelError.self) { try ModelDirectory(path: directory.path) }
        #expect(noManifest?.message.contains("no manifest.json") == true)
        try directory.write("manifest.json", "{}")
        let invalid = #expect(throws: ModelError.self) { try ModelDirectory(path: directory.path) }
        #expect(invalid?.message.contains("invalid manifest") == true)
        let unknownName = #expect(throws: ModelError.self) { try ModelDirectory.resolve("no-such-model") }
        #expect(unknownName?.message.contains("no model of that name") == true)
    }

    @Test func theDefaultModelResolvesByName() throws {
        let model = try ModelDirectory.resolve(ProjectPaths.model().path)
        #expect(model.name == "all-MiniLM-L6-v2")
        #expect(model.manifest.dimension == 384)
        #expect(model.manifest.max_sequence_length == 256)
        #expect(model.manifest.weights_sha256.count == 64)
    }

    /// A model directory of its own: a manifest naming two small files, the weights' sha256 recorded.
    static func makeModel(in directory: TemporaryDirectory, weights: String = "weights") throws -> ModelDirectory {
        try directory.write("model/model.xml", "<net/>")
        try directory.write("model/model.bin", weights)
        try directory.write(
            "model/manifest.json",
            """
            {"format": "ovindex-model", "model_id": "test/tiny", "task": "embedding", "model": "model.xml",
             "weights": "model.bin", "weights_sha256": "\(SHA256.hex(Array("weights".utf8)))",
             "max_sequence_length": 16, "dimension": 4, "outputs": {}}
            """)
        return try ModelDirectory(path: directory.file("model"))
    }

    @Test func weightsThatMatchTheManifestPassAndAreNotHashedTwice() throws {
        let directory = try TemporaryDirectory()
        let model = try Self.makeModel(in: directory)
        let first = try model.verifyWeights()
        #expect(first.hashed)
        let again = try model.verifyWeights(cached: first.fingerprint)
        #expect(!again.hashed)
        #expect(again.fingerprint == first.fingerprint)
    }

    @Test func damagedWeightsAreToldWithBothDigests() throws {
        let directory = try TemporaryDirectory()
        let model = try Self.makeModel(in: directory, weights: "weightz")
        let error = #expect(throws: ModelError.self) { try model.verifyWeights() }
        #expect(error?.message.contains(model.manifest.weights_sha256.prefix(12)) == true)
        #expect(error?.message.contains(SHA256.hex(Array("weightz".utf8)).prefix(12)) == true)
    }

    @Test func rewrittenWeightsAreHashedAgainEvenWithAnEarlierVerdict() throws {
        let directory = try TemporaryDirectory()
        let model = try Self.makeModel(in: directory)
        let verdict = try model.verifyWeights()
        // Same bytes, written again: the file's change time moves, so the earlier verdict does not cover it.
        Thread.sleep(forTimeInterval: 0.01)
        try directory.write("model/model.bin", "weights")
        #expect(try model.weightsFingerprint() != verdict.fingerprint)
        #expect(try model.verifyWeights(cached: verdict.fingerprint).hashed)
    }

    @Test func theVariantIsDescribed() throws {
        let directory = try TemporaryDirectory()
        #expect(try Self.makeModel(in: directory).variant == "original (f32 weights)")
        #expect(try ModelDirectory.resolve(ProjectPaths.model().path).variant == "original (f16 weights)")
    }
}
