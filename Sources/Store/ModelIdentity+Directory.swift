public import Models

extension ModelIdentity {
    /// The identity of the vectors an embedding model directory produces.
    public init(_ directory: ModelDirectory) {
        let manifest = directory.manifest
        self.init(
            modelID: manifest.model_id, dimension: manifest.dimension ?? 0, pooling: manifest.pooling ?? "",
            normalized: manifest.normalized ?? false, weightsSHA256: manifest.weights_sha256,
            variant: directory.variant, name: directory.name)
    }
}
