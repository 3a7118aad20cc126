extension Duration {
    /// The duration in seconds, as a `Double` (for reports, rates and timeouts in definitions).
    public var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
