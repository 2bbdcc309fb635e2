public import ParapetCore

/// A placeholder ``Resolver`` for simulations without a simulated network: every resolution fails at once
/// with ``SimulationError/noSimulatedNetwork(operation:)``.
///
/// ```swift
/// let network = UnsimulatedNetwork()
/// do {
///     _ = try await network.resolve(host: "backend.internal", port: 80)
/// } catch SimulationError.noSimulatedNetwork(let operation) {
///     print(operation)  // "resolve backend.internal:80"
/// }
/// ```
public struct UnsimulatedNetwork: Resolver {
    /// Creates the placeholder network.
    ///
    /// ```swift
    /// let runtime = Runtime(clock: clock, wallClock: wall, random: random, spawner: spawner,
    ///                       resolver: UnsimulatedNetwork())
    /// ```
    public init() {}

    /// Always throws ``SimulationError/noSimulatedNetwork(operation:)``.
    ///
    /// ```swift
    /// let addresses = try await UnsimulatedNetwork().resolve(host: "example.com", port: 443)  // throws
    /// ```
    public func resolve(host: String, port: UInt16) async throws -> [NetworkAddress] {
        throw SimulationError.noSimulatedNetwork(operation: "resolve \(host):\(port)")
    }
}
