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
}
