import HTTPTypes
import NIOCore
import ParapetCore

/// A channel handler that runs request/response exchanges on its event loop: an HTTP/1.1 connection's
/// handler (one exchange after another) or an HTTP/2 stream's (one exchange).
protocol UpstreamExchangeHandler: AnyObject, SendableMetatype {
    /// The request head in the handler's protocol.
    associatedtype Head: Sendable

    /// Sends a request; `continuation` gets the response head or the failure, and `interim` any
    /// informational (`1xx`) heads that precede it.
    func start(
        exchange id: Int, head: Head, payload: UpstreamRequestPayload, knownLength: Int?, interim: InterimResponses?,
        continuation: UnsafeContinuation<Response, any Error>, runner: UpstreamExchangeRunner<Self>)
    /// The caller was cancelled while waiting for the response head.
    func cancel(exchange id: Int)
    /// Writes one chunk of a streamed request body.
    func writeRequestChunk(_ chunk: ByteBuffer, exchange id: Int) -> UpstreamWriteOutcome
    /// Resumes `continuation` once the channel is writable again or the exchange is over.
    func whenWritable(exchange id: Int, _ continuation: CheckedContinuation<Void, any Error>)
    /// The streamed request body ended, followed by `trailers` if it has any.
    func requestBodyEnded(exchange id: Int, trailers: HTTPFields?)
    /// The streamed request body failed.
    func requestBodyFailed(exchange id: Int, error: any Error)
}

/// Runs exchanges on an ``UpstreamExchangeHandler`` from any task — without a hop when the task already
/// runs on the handler's loop — and uploads streamed request bodies with backpressure.
struct UpstreamExchangeRunner<Handler: UpstreamExchangeHandler>: Sendable {
    let handler: NIOLoopBound<Handler>
    /// The executor upload tasks prefer: the handler's loop.
    let executor: UpstreamLoopExecutor?

    /// Sends `head` and `payload` and returns the response once its head arrived, its body streaming;
    /// informational heads before it go to `interim`.
    ///
    /// - Throws: ``UpstreamExchangeFailure``, or `CancellationError` when the caller is cancelled before
    ///   the head arrived (the exchange is then abandoned: the connection closed or the stream reset).
    func execute(
        exchange id: Int, head: Handler.Head, payload: UpstreamRequestPayload, knownLength: Int?,
        interim: InterimResponses?
    ) async throws -> Response {
        try await withTaskCancellationHandler {
            // An unsafe continuation: a checked one allocates its canary on every exchange. The handlers
            // resume it exactly once (the first outcome wins, later ones are dropped).
            try await withUnsafeThrowingContinuation { continuation in
                if handler.eventLoop.inEventLoop {
                    // The usual case: no closure (and no allocation for its context) to get there.
                    handler.value.start(
                        exchange: id, head: head, payload: payload, knownLength: knownLength, interim: interim,
                        continuation: continuation, runner: self)
                    return
                }
                run {
                    $0.start(
                        exchange: id, head: head, payload: payload, knownLength: knownLength, interim: interim,
                        continuation: continuation, runner: self)
                }
            }
        } onCancel: {
            run { $0.cancel(exchange: id) }
        }
    }

    /// Starts the task that writes a streamed request body, on the handler's loop.
    func startUpload(_ body: HTTPBody, exchange id: Int) -> Task<Void, Never> {
        Task(executorPreference: executor) {
            do {
                for try await chunk in body {
                    try await self.write(chunk, exchange: id)
                }
                let trailers = body.trailers?.fields
                await self.runAsync { $0.requestBodyEnded(exchange: id, trailers: trailers) }
            } catch {
                await self.runAsync { $0.requestBodyFailed(exchange: id, error: error) }
            }
        }
    }

    private func write(_ chunk: ByteBuffer, exchange id: Int) async throws {
        switch await runAsync({ $0.writeRequestChunk(chunk, exchange: id) }) {
        case .writable:
            return
        case .blocked:
            try await withCheckedThrowingContinuation { continuation in
                run { $0.whenWritable(exchange: id, continuation) }
            }
        case .gone, nil:
            throw CancellationError()
        }
    }

    /// Runs `body` on the loop: at once when already there, otherwise after a hop.
    func run(_ body: @escaping @Sendable (Handler) -> Void) {
        if handler.eventLoop.inEventLoop {
            body(handler.value)
        } else {
            let handler = self.handler
            handler.eventLoop.execute { body(handler.value) }
        }
    }

    /// Runs `body` on the loop and returns its result; `nil` when the loop is gone.
    private func runAsync<T: Sendable>(_ body: @escaping @Sendable (Handler) -> T) async -> T? {
        if handler.eventLoop.inEventLoop {
            return body(handler.value)
        }
        let handler = self.handler
        return try? await handler.eventLoop.submit { body(handler.value) }.get()
    }
}
