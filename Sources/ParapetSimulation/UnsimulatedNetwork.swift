public import ParapetCore

/// A placeholder ``Resolver`` and ``Dialer`` for simulations without a simulated network: every
/// resolution and every dial fails at once with ``SimulationError/noSimulatedNetwork(operation:)``.
///
/// ```swift
/// let network = UnsimulatedNetwork()
/// do {
///     _ = try await network.resolve(host: "backend.internal", port: 80)
/// } catch SimulationError.noSimulatedNetwork(let operation) {
///     print(operation)  // "resolve backend.internal:80"
/// }
/// ```
public struct UnsimulatedNetwork: Resolver, Dialer {
    /// Creates the placeholder network.
    ///
    /// ```swift
    /// let runtime = Runtime(clock: clock, wallClock: wall, random: random, spawner: spawner,
    ///                       resolver: UnsimulatedNetwork(), dialer: UnsimulatedNetwork())
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

    /// Always throws ``SimulationError/noSimulatedNetwork(operation:)``.
    ///
    /// ```swift
    /// let connection = try await UnsimulatedNetwork().dial(address, timeout: .seconds(1))  // throws
    /// ```
    public func dial(_ address: NetworkAddress, timeout: Duration) async throws -> any NetworkConnection {
        throw SimulationError.noSimulatedNetwork(operation: "dial \(address)")
    }
}
