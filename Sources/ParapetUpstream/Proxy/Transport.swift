public import ParapetCore

/// Sends one request upstream and returns the response head with its streaming body.
///
/// Leaf transports move bytes (the NIO client, the simulated network); balancers are transports that
/// pick a target and delegate to that target's transport. A transport honours task cancellation by
/// closing or resetting the exchange, which is what lets hedging cancel a losing leg.
///
/// ```swift
/// struct Fixed: Transport {
///     func roundTrip(_ request: UpstreamRequest, context: RequestContext) async throws -> UpstreamResponse {
///         UpstreamResponse(response: .text("ok\n"), target: request.target)
///     }
/// }
/// ```
public protocol Transport: Sendable {
    /// Sends `request` and returns once the response head has arrived.
    ///
    /// - Throws: ``UpstreamError`` — `.unavailable` when no target may be tried (answered `503`),
    ///   `.failed` when the exchange failed (`502`), `.timedOut` when no head arrived in time (`504`);
    ///   `CancellationError` when the caller went away.
    func roundTrip(_ request: UpstreamRequest, context: RequestContext) async throws -> UpstreamResponse

    /// Throws every problem with this transport's configuration and with the transports it sends
    /// through, as a ``ParapetCore/ChainBuildError`` or a ``ParapetCore/ConfigurationError``.
    ///
    /// Transports only store their options when created; the ``Upstream`` holding one calls this when
    /// its chain is built, so a mistake stops the server from starting instead of failing requests. A
    /// transport used on its own throws the same error from every round trip. The default finds nothing:
    /// a transport that wraps others must implement it and check them (see
    /// ``ParapetCore/ChainBuildProblems/check(own:transports:)``), or their mistakes go unreported.
    func checkConfiguration() throws
}

extension Transport {
    public func checkConfiguration() throws {}
}

extension ChainBuildProblems {
    /// Throws, together, `problem` (what is wrong with a transport's own options) and the problems of
    /// the `transports` it sends through: the body of most ``Transport/checkConfiguration()``s.
    ///
    /// ```swift
    /// public func checkConfiguration() throws {
    ///     try ChainBuildProblems.check(own: configurationError, transports: pool.targets.map(\.transport))
    /// }
    /// ```
    public static func check(own problem: ConfigurationError?, transports: [any Transport]) throws {
        var problems = ChainBuildProblems()
        if let problem { problems.record(problem) }
        problems.check(transports)
        try problems.result()
    }

    /// Checks each of `transports` once, however many targets share it, naming it by its type. A value
    /// transport shared by several targets has no identity to tell, so its problems are listed once by
    /// their text instead.
    public mutating func check(_ transports: [any Transport]) {
        var checked = Set<ObjectIdentifier>()
        var found = ChainBuildProblems()
        for transport in transports {
            if type(of: transport) is AnyClass, !checked.insert(ObjectIdentifier(transport as AnyObject)).inserted {
                continue
            }
            found.attempt(inside: "\(type(of: transport))") { try transport.checkConfiguration() }
        }
        var listed = Set<String>()
        record(ChainBuildError(problems: found.problems.filter { listed.insert($0.description).inserted }))
    }
}
