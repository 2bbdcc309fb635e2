/// Options that keep their plain values — every number, duration and flag, but none of their closures — in
/// a ``Policy``: a value that compares, and that a configuration file decodes (a field the file leaves out
/// keeps its default).
///
/// The policy's fields read and write through the options themselves:
///
/// ```swift
/// var options = CircuitBreakerBalancer.Options(isFailure: FailureClassifiers.transportFailuresAndServerErrors)
/// options.failureThreshold = 3                       // options.policy.failureThreshold
/// options.policy = try JSONDecoder().decode(CircuitBreakerBalancer.Options.Policy.self, from: data)
/// ```
@dynamicMemberLookup
public protocol PolicyBackedOptions {
    /// The options' plain values.
    associatedtype Policy: Sendable, Hashable, Codable

    /// The options' plain values.
    var policy: Policy { get set }
}

extension PolicyBackedOptions {
    /// A field of ``policy``. Inlinable, so that reading a field on a request's path costs what reading
    /// the stored property does.
    @inlinable
    public subscript<Value>(dynamicMember field: WritableKeyPath<Policy, Value>) -> Value {
        get { policy[keyPath: field] }
        set { policy[keyPath: field] = newValue }
    }
}
