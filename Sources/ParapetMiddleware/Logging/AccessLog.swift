import HTTPTypes
public import Logging
public import ParapetCore

/// Writes one structured record per request when its response ends: time, method, host, path, status,
/// bytes in and out, duration and time to first byte, peer, user agent, referer, and whatever inner
/// middlewares added to ``ParapetCore/AccessLogRecord`` (the upstream target, the request id, what a cache
/// did). Behind a trusted proxy, `realIP` is the client the server settled on
/// (``ParapetCore/RequestContext/clientAddress``), never a header value as the client sent it.
///
/// The record goes to a swift-log `Logger` at `info` with the message `request`; the default logger
/// writes JSON lines to standard output (``JSONLinesLogHandler``). Times come from the injected clocks,
/// so a simulated run logs the same bytes every time. The line is written when the last byte of the
/// response body has been handed to the server — or when the response is abandoned, with status `499`
/// when the client went away first. Mount ``SkipAccessLog`` inside it where no line is wanted.
///
/// ```swift
/// server.use(AccessLog())                       // JSON lines on stdout
/// server.use(RequestID())                       // adds requestId to each line
/// ```
///
/// A line looks like:
///
/// ```json
/// {"level":"info","message":"request","bytesIn":0,"bytesOut":13,"durationMs":0.412,"host":"example.com",
///  "method":"GET","path":"/","peer":"203.0.113.7","status":200,"time":"2026-11-27T04:58:07.125Z","ttfbMs":0.398,
///  "upstream":"10.0.0.7:8080","userAgent":"curl/8.5.0"}
/// ```
public struct AccessLog: Middleware {
    /// Where records go.
    public let logger: Logger

    /// Creates an access log writing JSON lines to standard output.
    public init() {
        self.init(logger: Logger(label: "parapet.access") { _ in JSONLinesLogHandler() })
    }

    /// Creates an access log writing to `logger`.
    public init(logger: Logger) {
        self.logger = logger
    }

    public func wrap(_ next: any Handler, in environment: ChainEnvironment) throws -> any Handler {
        LoggingHandler(next: next, logger: logger)
    }

    struct LoggingHandler: Handler {
        let next: any Handler
        let logger: Logger

        func handle(_ request: Request, context: RequestContext) async throws -> Response {
            let record = AccessLogRecord()
            var context = context
            context.values[AccessLogRecord.Key.self] = record
            let clock = context.runtime.clock
            let entry = AccessLogEntry(request: request, context: context, start: clock.now, logger: logger, record: record)
            var request = request
            request.body = entry.countingRequestBody(request.body)
            let response: Response
            do {
                response = try await next.handle(request, context: context)
            } catch {
                entry.finish(status: error is CancellationError || Task.isCancelled ? 499 : 500, at: clock.now)
                throw error
            }
            return entry.responding(with: response, headAt: clock.now, clock: clock)
        }
    }
}

/// Suppresses the access-log line of every request passing through it — mount it in the locations that
/// should not be logged (health checks, metrics scrapes).
///
/// ```swift
/// let health = Location(exact: "/healthz")
/// health.use(SkipAccessLog())
/// health.use(Healthz())
/// ```
public struct SkipAccessLog: Middleware {
    /// Creates the middleware.
    public init() {}

    public func wrap(_ next: any Handler, in environment: ChainEnvironment) throws -> any Handler {
        Around.BoundHandler(next: next) { request, context, next in
            context.accessLog?.disable()
            return try await next.handle(request, context: context)
        }
    }
}
