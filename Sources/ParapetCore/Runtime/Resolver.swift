/// The DNS seam: turns a host name into addresses to dial.
///
/// Production asks the system resolver off the event loops; the simulator answers from its scenario,
/// including failures and answers that change over time.
///
/// ```swift
/// struct StaticResolver: Resolver {
///     func resolve(host: String, port: UInt16) async throws -> [NetworkAddress] {
///         [.ip(IPAddress("127.0.0.1")!, port: port)]
///     }
/// }
/// ```
public protocol Resolver: Sendable {
    /// The addresses for `host` and `port`, in the order they should be tried.
    ///
    /// - Throws: when the name does not resolve; an empty answer is an error, not an empty array.
    func resolve(host: String, port: UInt16) async throws -> [NetworkAddress]
}
