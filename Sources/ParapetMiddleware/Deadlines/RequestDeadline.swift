import HTTPTypes
public import ParapetCore

/// Bounds the whole exchange — response head and body — to a duration: the next handler is cancelled and
/// the request answered `504 Gateway Timeout` if its head is not ready by then, and a body still streaming
/// at the deadline is cut off (the client sees the response fail, never a short one that looks complete).
///
/// The next handler sees the deadline as its context's ``ParapetCore/RequestContext/deadline``: an
/// upstream does not start a retry that could not finish in time. Cutting the body is what keeps a backend
/// that sends its head and then stalls from holding a connection — or a least-connections slot — for ever,
/// which a response-header timeout alone does not cover.
///
/// It ends long-lived responses too (server-sent events, downloads, WebSockets): mount it on the routes
/// whose total time should be bounded, not on everything.
///
/// ```swift
/// let api = Middlewares()
/// api.use(RequestDeadline(.seconds(10)))
/// api.use(Upstream(balancer))
/// server.use(Cond(if: { request, _ in request.path?.hasPrefix("/api/") == true }, then: api))
/// ```
public struct RequestDeadline: Middleware {
    /// How long the whole exchange may take; zero or less disables the deadline.
    public let duration: Duration

    /// Creates a deadline `duration` after each request arrives here.
    public init(_ duration: Duration) {
        self.duration = duration
    }

    /// Returns the bounding handler, or `next` itself when ``duration`` is not positive.
    public func wrap(_ next: any Handler, in environment: ChainEnvironment) throws -> any Handler {
        duration > .zero ? BoundingHandler(duration: duration, next: next) : next
    }

    struct BoundingHandler: Handler {
        let duration: Duration
        let next: any Handler

        func handle(_ request: Request, context: RequestContext) async throws -> Response {
            let clock = context.runtime.clock
            let deadline = clock.now.advanced(by: duration)
            let inner = DeadlineRace.context(context, by: deadline)
            guard var response = try await DeadlineRace.response(of: next, to: request, context: inner, by: deadline)
            else {
                return .error(.gatewayTimeout)
            }
            response.body = DeadlineBoundBody.bounding(response.body, by: deadline, on: clock)
            return response
        }
    }
}
