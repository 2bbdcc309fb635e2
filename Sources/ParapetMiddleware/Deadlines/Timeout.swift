public import HTTPTypes
public import ParapetCore

/// Gives the next handler a limited time to produce its response head: when it has not returned by then,
/// it is cancelled and the request is answered `504 Gateway Timeout`.
///
/// The timer runs on the runtime's clock. Once the next handler has returned its response — the moment
/// its head is committed — the timer no longer matters: a body that streams past the deadline is sent
/// whole (bound the whole exchange with ``RequestDeadline``). The `504` is an ordinary response, so
/// middlewares further out still decorate it (a ``RequestID`` still sets its field).
///
/// The next handler sees the deadline as its context's ``ParapetCore/RequestContext/deadline``, so an
/// upstream does not start a retry that could not finish in time. Cancellation is cooperative: the `504`
/// goes out once the cancelled handler has returned, which every Parapet handler does promptly.
///
/// ```swift
/// server.use(Timeout(.seconds(30)))
/// api.use(Timeout(.seconds(5), whenTimedOut: Endpoint { _, _ in .text("try again later\n", status: .gatewayTimeout) }))
/// ```
public struct Timeout: Middleware {
    /// How long the next handler has to return its response; zero or less disables the timeout.
    public let duration: Duration
    /// Answers a request whose handler ran out of time.
    public let whenTimedOut: any Handler

    /// Creates a timeout of `duration`, answering `504 Gateway Timeout` unless `whenTimedOut` answers
    /// otherwise.
    public init(_ duration: Duration, whenTimedOut: any Handler = Endpoint { _, _ in .error(.gatewayTimeout) }) {
        self.duration = duration
        self.whenTimedOut = whenTimedOut
    }

    /// Returns the timing handler, or `next` itself when ``duration`` is not positive.
    public func wrap(_ next: any Handler, in environment: ChainEnvironment) throws -> any Handler {
        duration > .zero ? TimingHandler(duration: duration, whenTimedOut: whenTimedOut, next: next) : next
    }

    struct TimingHandler: Handler {
        let duration: Duration
        let whenTimedOut: any Handler
        let next: any Handler

        func handle(_ request: Request, context: RequestContext) async throws -> Response {
            let deadline = context.runtime.clock.now.advanced(by: duration)
            let inner = DeadlineRace.context(context, by: deadline)
            if let response = try await DeadlineRace.response(of: next, to: request, context: inner, by: deadline) {
                return response
            }
            return try await whenTimedOut.handle(request, context: context)
        }
    }
}
