import HTTPTypes
import Logging
import NIOCore
import ParapetCore

/// Runs the server's handler for the requests of every connection, each on its connection's event loop.
struct RequestResponder: Sendable {
    let handler: any Handler
    let runtime: Runtime
    let logger: Logger
    let executors: EventLoopExecutors

    /// The executor request tasks of a connection on `eventLoop` prefer; looked up once per connection.
    func executor(for eventLoop: any EventLoop) -> EventLoopExecutor? {
        executors.executor(for: eventLoop)
    }

    /// Starts a task for one request that prefers `executor` (its connection's event loop) and runs at
    /// once, on the calling thread, until it first suspends — so a handler that answers without waiting
    /// answers inside the read that delivered its request.
    func start(
        on executor: EventLoopExecutor?,
        _ operation: sending @escaping @isolated(any) () async -> Void
    ) -> Task<Void, Never> {
        Task.immediate(executorPreference: executor, operation: operation)
    }

    /// The handler's response to `request`: a thrown error becomes `500`, except a cancellation (the client
    /// went away, or a middleware gave up on the request), which gets no response at all — `nil`.
    func response(
        to request: Request, connection: ConnectionInfo, upgradedInbound: HTTPBody? = nil, interim: InterimResponses
    ) async -> Response? {
        let context = RequestContext(
            connection: connection, logger: logger, runtime: runtime, upgradedInbound: upgradedInbound,
            interimResponses: interim)
        do {
            return try await handler.handle(request, context: context)
        } catch is CancellationError {
            return nil
        } catch {
            logger.error("handler failed", metadata: ["error": "\(error)", "path": "\(request.path ?? "")"])
            return .error(.internalServerError)
        }
    }
}

/// The writing end of one exchange — an HTTP/1 connection or an HTTP/2 stream — used on its event loop.
protocol ResponseSink: AnyObject, SendableMetatype {
    /// Writes the response head and, when the body is not a stream, the whole response.
    ///
    /// - Returns: whether the body's chunks must follow through ``writeBodyChunk(_:)``.
    func beginResponse(_ response: Response) -> Bool
    /// Writes one chunk of a streamed body.
    func writeBodyChunk(_ chunk: ByteBuffer) -> SinkState
    /// Ends a streamed body, followed by `trailers` where the protocol can carry them.
    func endResponse(trailers: HTTPFields?)
    /// Sends an interim (`1xx`) response head, unless the final response has started or the client
    /// cannot take one.
    func sendInterim(_ head: HTTPResponse)
    /// Abandons the exchange — a streamed body that failed midway, or a handler cancelled before it
    /// answered — so the client sees a broken response, never a short one that looks complete.
    func abortResponse()
    /// Resumes `continuation` once the channel is writable again or has closed.
    func whenWritable(_ continuation: CheckedContinuation<Void, Never>)
}

/// Whether a sink takes more bytes.
enum SinkState {
    /// Keep writing.
    case writable
    /// The peer is slow: wait for ``ResponseSink/whenWritable(_:)`` before writing more.
    case blocked
    /// The connection or stream is gone: stop.
    case gone
}

/// A ``ResponseSink`` reachable from a request's task, which normally runs on the sink's event loop.
struct LoopBoundSink<Sink: ResponseSink>: Sendable {
    private let bound: NIOLoopBound<Sink>

    init(_ sink: Sink, eventLoop: any EventLoop) {
        self.bound = NIOLoopBound(sink, eventLoop: eventLoop)
    }

    /// Writes `response` to the sink, streaming its body with backpressure; `nil` abandons the exchange.
    func deliver(_ response: Response?) async {
        guard let response else {
            await run { $0.abortResponse() }
            return
        }
        // On the sink's loop (the usual case) without a closure, whose context would be allocated.
        let isBodyToFollow =
            bound.eventLoop.inEventLoop ? bound.value.beginResponse(response) : await run { $0.beginResponse(response) }
        guard isBodyToFollow == true else { return }
        do {
            for try await chunk in response.body {
                switch await run({ $0.writeBodyChunk(chunk) }) {
                case .writable:
                    continue
                case .blocked:
                    await withCheckedContinuation { continuation in
                        runEventually { $0.whenWritable(continuation) }
                    }
                case .gone, nil:
                    return
                }
            }
            // A stream that ended because the task was cancelled may have ended early: never let a
            // truncated body pass for a complete one.
            guard !Task.isCancelled else {
                await run { $0.abortResponse() }
                return
            }
            let trailers = response.body.trailers?.fields
            await run { $0.endResponse(trailers: trailers) }
        } catch {
            await run { $0.abortResponse() }
        }
    }

    /// Sends interim responses through the sink, for the request's ``RequestContext``.
    var interimResponses: InterimResponses {
        InterimResponses { head in runEventually { $0.sendInterim(head) } }
    }

    /// Runs `body` with the sink on its event loop: at once when already there (the usual case, since
    /// request tasks prefer their loop's executor), otherwise after a hop. `nil` if the loop is gone.
    private func run<T: Sendable>(_ body: @escaping @Sendable (Sink) -> T) async -> T? {
        let eventLoop = bound.eventLoop
        if eventLoop.inEventLoop {
            return body(bound.value)
        }
        let bound = self.bound
        return try? await eventLoop.submit { body(bound.value) }.get()
    }

    private func runEventually(_ body: @escaping @Sendable (Sink) -> Void) {
        let eventLoop = bound.eventLoop
        if eventLoop.inEventLoop {
            body(bound.value)
        } else {
            let bound = self.bound
            eventLoop.execute { body(bound.value) }
        }
    }
}
