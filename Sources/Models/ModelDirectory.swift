import Foundation
public import Host

/// A model directory made by setup or `scripts/convert_model.py`: IR files, tokenizer, and `manifest.json`.
public struct ModelDirectory: Sendable, Equatable {
    /// What `manifest.json` says about the model.
    public struct Manifest: Decodable, Sendable, Equatable {
        public var format: String
        public var model_id: String
        public var task: String
        public var model: String
        public var weights: String
        public var weights_sha256: String
        public var max_sequence_length: Int
        public var dimension: Int?
        public var pooling: String?
        public var normalized: Bool?
        public var num_labels: Int?
        public var outputs: [String: String]
        /// Precision of the weights in the IR file ("f16", "f32", "int8").
        public var weights_precision: String?
        /// The variant's short name ("int8") when the model is not the plain conversion of its checkpoint.
        public var variant: String?
        /// How `scripts/quantize_model.py` made an int8 variant.
        public var quantization: Quantization?
    }

    /// The quantization settings an int8 variant's manifest records (the parts shown to people).
    public struct Quantization: Decodable, Sendable, Equatable {
        public var tool: String
        public var preset: String
        public var subset_size: Int?
    }

    public let path: String
    public let manifest: Manifest

    /// Reads `path/manifest.json` and checks that the files it names exist.
    ///
    /// - Throws: `ModelError` naming the directory and what is missing or wrong.
    public init(path: String) throws(ModelError) {
        let url = URL(fileURLWithPath: path)
        self.path = url.standardizedFileURL.path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: self.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ModelError(
                path: self.path, message: "no such model directory (run 'make setup' to create the default model)")
        }
        let manifestPath = self.path + "/manifest.json"
        guard let data = FileManager.default.contents(atPath: manifestPath) else {
            throw ModelError(
                path: self.path,
                message: "not a model directory: no manifest.json (convert a checkpoint with scripts/convert_model.py)")
        }
        do {
            manifest = try JSONDecoder().decode(Manifest.self, from: data)
        } catch {
            throw ModelError(path: manifestPath, message: "invalid manifest: \(error)")
        }
        guard manifest.format == "ovindex-model" else {
            throw ModelError(path: manifestPath, message: "format is '\(manifest.format)', expected 'ovindex-model'")
        }
        for file in [manifest.model, manifest.weights]
        where !FileManager.default.fileExists(atPath: self.path + "/" + file) {
            throw ModelError(path: self.path, message: "\(file) is missing (re-run 'make setup' or the converter)")
        }
    }

    /// The IR graph file.
    public var modelFile: String { path + "/" + manifest.model }
    public var weightsFile: String { path + "/" + manifest.weights }
    /// The directory name, used as the model's short name (e.g. "all-MiniLM-L6-v2").
    public var name: String { URL(fileURLWithPath: path).lastPathComponent }

    /// The variant in words: "int8 (nncf 3.4.0, preset transformer-ffn-out-bf16, 300 calibration windows)",
    /// or "original (f16 weights)" for the plain conversion of the checkpoint.
    public var variant: String {
        guard let variant = manifest.variant else {
            return "original (\(manifest.weights_precision ?? "f32") weights)"
        }
        guard let quantization = manifest.quantization else { return variant }
        var details = "\(quantization.tool), preset \(quantization.preset)"
        if let windows = quantization.subset_size { details += ", \(windows) calibration windows" }
        return "\(variant) (\(details))"
    }

    /// The directory's name or path as given by a user, resolved:
    ///
    /// 1. nil: `$OVINDEX_MODEL`, else the default model `all-MiniLM-L6-v2`;
    /// 2. an existing directory path is used as is;
    /// 3. a bare name is looked up in the models folder: `$OVINDEX_MODELS`, `./data/models`, and the
    ///    `data/models` of the checkout the running binary was built in.
    public static func resolve(
        _ nameOrPath: String?, environment: Environment = .current
    ) throws(ModelError) -> ModelDirectory {
        let requested = nameOrPath ?? environment.model ?? defaultModelName
        var isDirectory: ObjCBool = false
        if requested.contains("/")
            || FileManager.default.fileExists(atPath: requested, isDirectory: &isDirectory)
                && isDirectory.boolValue
        {
            return try ModelDirectory(path: requested)
        }
        let roots = modelRoots(environment: environment)
        for root in roots where FileManager.default.fileExists(atPath: root + "/" + requested) {
            return try ModelDirectory(path: root + "/" + requested)
        }
        throw ModelError(
            path: requested,
            message: "no model of that name in \(roots.joined(separator: ", ")) (run 'make setup', or pass a directory)"
        )
    }

    /// The model that serves a store: the one asked for (`requested`, else `$OVINDEX_MODEL`); else the one the
    /// store recorded (`storeModelName`, its short name) from the models folder; else the default model.
    ///
    /// - Throws: `ModelError` when the store's model is not found by name (it was built with a directory
    ///   outside the models folder): the caller must say where it is.
    public static func resolve(
        _ requested: String?, storeModelName: String?, environment: Environment = .current
    ) throws(ModelError) -> ModelDirectory {
        guard requested == nil, environment.model == nil, let name = storeModelName, !name.isEmpty else {
            return try resolve(requested, environment: environment)
        }
        do {
            return try resolve(name, environment: environment)
        } catch {
            throw ModelError(
                path: name,
                message: "the store was built with this model, which is not in the models folder (\(error.message)); "
                    + "pass --model DIR")
        }
    }

    public static let defaultModelName = "all-MiniLM-L6-v2"

    /// The variants of the default model installed in the models folder (the default model first): every
    /// embedding model directory converted from the same checkpoint, with the same dimension.
    public static func installedVariants() -> [ModelDirectory] {
        guard let base = try? resolve(defaultModelName), base.manifest.task == "embedding" else { return [] }
        var variants = [base]
        let root = URL(fileURLWithPath: base.path).deletingLastPathComponent().path
        let names = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
        for name in names.sorted() where name != base.name && !name.hasPrefix(".") {
            guard let other = try? ModelDirectory(path: root + "/" + name), other.manifest.task == "embedding",
                other.manifest.model_id == base.manifest.model_id, other.manifest.dimension == base.manifest.dimension
            else { continue }
            variants.append(other)
        }
        return variants
    }

    static func modelRoots(environment: Environment) -> [String] {
        var roots: [String] = []
        if let root = environment.modelsFolder { roots.append(root) }
        roots.append(FileManager.default.currentDirectoryPath + "/data/models")
        // .build/<triple>/<config>/ovindex -> checkout/data/models
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        var checkout = executable.deletingLastPathComponent()
        for _ in 0..<3 { checkout = checkout.deletingLastPathComponent() }
        roots.append(checkout.appendingPathComponent("data/models").standardizedFileURL.path)
        var seen = Set<String>()
        return roots.filter { seen.insert($0).inserted }
    }
}
