import ParapetCore

/// A policy that checks itself and applies its documented clamping, as a balancer does before it uses it.
protocol ValidatingPolicy {
    /// This policy clamped as documented.
    ///
    /// - Throws: ``ParapetCore/ConfigurationError`` naming every field that makes no sense, and its value.
    func validated() throws(ConfigurationError) -> Self
}

extension PolicyBackedOptions where Policy: ValidatingPolicy {
    /// These options with their policy validated.
    func validated() throws(ConfigurationError) -> Self {
        var options = self
        options.policy = try policy.validated()
        return options
    }
}
