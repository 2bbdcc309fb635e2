public import HTTPTypes
public import ParapetCore

/// A request on its way to an upstream: what is sent, and where it is sent.
///
/// The head's `authority` is the `Host` header the upstream sees; ``target`` is where the bytes go.
/// They differ when a balancer spreads one virtual host over several addresses.
///
/// ```swift
/// var outgoing = UpstreamRequest(head: HTTPRequest(method: .get, scheme: "http", authority: "example.com", path: "/"))
/// outgoing.target = "10.0.0.7:8080"
/// ```
public struct UpstreamRequest: Sendable {
    /// Method, scheme, authority (sent as `Host`), path and header fields.
    public var head: HTTPRequest
    /// The body sent upstream.
    public var body: HTTPBody
    /// The dial address — `host:port`, or a socket path for a unix transport — chosen by a balancer
    /// or ``SingleHost``; `nil` until one chose.
    public var target: String?
    /// Which attempt of the proxy's retry loop this is, from 0.
    public var attempt: Int
    /// For a protocol upgrade (WebSocket), the client's bytes in the new protocol: a transport that gets
    /// `101 Switching Protocols` sends these upstream as they come, and returns the upstream's bytes as the
    /// response body. `nil` for every other request.
    public var upgradedInbound: HTTPBody?
    /// For a ``target`` a client chose (``TargetFromHost``): the addresses it may not lead to. A transport
    /// that resolves the target checks every resolved address against it before dialling. `nil` for
    /// targets the configuration chose.
    public var dynamicTargetPolicy: DynamicTargetPolicy?

    /// Creates an outgoing request with no target chosen yet.
    public init(head: HTTPRequest, body: HTTPBody = .empty, target: String? = nil, attempt: Int = 0) {
        self.head = head
        self.body = body
        self.target = target
        self.attempt = attempt
    }
}

/// An upstream's answer and the target that gave it.
public struct UpstreamResponse: Sendable {
    /// The response, with its body still streaming from the upstream.
    public var response: Response
    /// The target that answered (for logs, metrics and `OnRoundTrip`).
    public var target: String?

    /// Creates an answer from `target`.
    public init(response: Response, target: String?) {
        self.response = response
        self.target = target
    }
}

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

/// Why a balancer answered without contacting any target.
public enum ShedReason: String, Sendable, Hashable, CaseIterable {
    /// The pool has no targets.
    case empty
    /// Every admissible target is at its concurrency cap.
    case saturated
    /// Every target is down and the fail-open fallback is at capacity too.
    case allDark = "all_dark"
    /// Every target's circuit is open (or its half-open probe budget is spent).
    case allOpen = "all_open"
}

/// How an upstream exchange failed.
public enum UpstreamError: Error, Sendable, CustomStringConvertible {
    /// No target was contacted: the balancer shed the request. The proxy answers `503` and never retries it.
    case unavailable(ShedReason)
    /// The exchange with `target` failed before a complete response head (refused, reset, TLS, protocol).
    case failed(target: String?, underlying: any Error)
    /// No response head arrived from `target` within the response-header timeout.
    case timedOut(target: String?)

    /// The target that was tried, if any.
    public var target: String? {
        switch self {
        case .unavailable: nil
        case .failed(let target, _), .timedOut(let target): target
        }
    }

    /// A one-line account for logs: the shed reason, or the target and what went wrong with it.
    ///
    /// ```swift
    /// UpstreamError.unavailable(.allOpen).description        // "no upstream available (all_open)"
    /// UpstreamError.timedOut(target: "a:80").description     // "upstream a:80 sent no response head in time"
    /// ```
    public var description: String {
        switch self {
        case .unavailable(let reason): "no upstream available (\(reason.rawValue))"
        case .failed(let target, let underlying): "upstream \(target ?? "?") failed: \(underlying)"
        case .timedOut(let target): "upstream \(target ?? "?") sent no response head in time"
        }
    }
}
