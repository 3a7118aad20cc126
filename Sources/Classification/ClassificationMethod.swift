/// How a classifier scores a document against the labels.
public enum ClassificationMethod: String, CaseIterable, Sendable {
    /// The cosine to the nearest of each label's descriptions (no examples needed).
    case zeroShot = "zero-shot"
    /// The cosine to each label's centroid: its examples' mean with its descriptions' mean as one more example.
    case centroid
    /// Softmax regression trained on the examples, starting from (and held near) the descriptions' centroids.
    case logistic
}

/// Which of a document's vectors a classifier reads.
public enum DocumentView: String, CaseIterable, Sendable {
    /// The mean of its chunks' vectors, made unit length again.
    case mean
    /// Each label's best score over the chunks.
    case bestChunk = "best-chunk"
    /// Each chunk votes for its label; the document takes the majority (ties: the higher summed score).
    case vote

    /// The view a method reads documents with unless told otherwise: each label's best chunk for the logistic
    /// model, the mean vector for the cosine methods. Chosen on the debian and man sets (docs/classify.md):
    /// the logistic model's best chunk tied the mean on short documents and won on long ones, while the cosine
    /// methods lost with it on man pages.
    public static func preferred(for method: ClassificationMethod) -> DocumentView {
        method == .logistic ? .bestChunk : .mean
    }
}

/// How a label's several descriptions make one score.
public enum DescriptionPooling: String, CaseIterable, Sendable {
    /// The nearest description.
    case max
    /// The descriptions' mean vector.
    case mean
}
