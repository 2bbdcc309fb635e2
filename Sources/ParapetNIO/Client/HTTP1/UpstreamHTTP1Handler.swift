import HTTPTypes
import NIOCore
import NIOHTTP1
import ParapetCore

/// Runs the exchanges of one pooled HTTP/1.1 upstream connection, after NIO's response decoder.
///
/// One exchange at a time (no pipelining). The request head (and an in-memory body) goes out in one
/// flush; a streamed body is written by an upload task with backpressure. The response head resumes the
/// caller; its body streams to the caller with backpressure (reads pause while the reader lags). The
/// connection goes back to the pool when the response ended, the request was fully written and both
/// sides allow keep-alive; otherwise, and whenever an exchange is abandoned (cancelled, timed out, body
/// dropped unread), it is closed. Every method runs on the channel's event loop.
///
/// A `101 Switching Protocols` answering a request that asked to upgrade turns the connection into a
/// byte tunnel: the HTTP/1.1 handlers leave the pipeline to an ``UpstreamTunnelHandler`` (which also
/// receives any bytes that arrived behind the `101`), and the connection never returns to the pool.
///
/// The response-header and idle deadlines share one lazily re-armed timer: a request moves a deadline
/// (a clock read) instead of scheduling and cancelling a timer, and the timer, when it fires early,
/// re-arms itself for the deadline then pending.
final class UpstreamHTTP1Handler: ChannelDuplexHandler, RemovableChannelHandler, UpstreamBodyDemandReceiver,
    UpstreamExchangeHandler
{
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundIn = HTTPClientRequestPart
    typealias OutboundOut = HTTPClientRequestPart

    /// Timeouts of the connection.
    struct Settings: Sendable {
        var responseHeaderTimeout: TimeAmount?
        var idleTimeout: TimeAmount
    }

    /// What the pool hears from the connection.
    struct Events {
        /// The exchange ended and the connection may serve another.
        var idle: () -> Void
        /// The connection closed.
        var closed: () -> Void
    }

    /// How long a connection whose response ended before its request was written waits for the upload
    /// to finish before it is closed rather than reused (Go's `maxWriteWaitBeforeConnReuse`).
    static let uploadGrace = TimeAmount.milliseconds(50)

    private let settings: Settings
    private var context: ChannelHandlerContext?
    private var exchange: UpstreamHTTP1Exchange?
    private var lastStartedID = 0
    private var cancelledBeforeStart: Int?
    private var servedCount = 0
    private var isClosed = false
    private var isReadPaused = false
    private var hasHeldRead = false
    /// When the idle connection is closed; `nil` while an exchange runs.
    private var idleDeadline: NIODeadline?
    private var timer: Scheduled<Void>?
    private var timerDeadline: NIODeadline?
    private var failure: (any Error)?
    var events: Events?

    init(settings: Settings) {
        self.settings = settings
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        closed(with: failure ?? UpstreamConnectionClosed())
        self.context = nil
    }

    // MARK: exchanges

    /// Sends a request; `continuation` gets the response head or the failure.
    func start(
        exchange id: Int, head request: UpstreamHTTP1Request, payload: UpstreamRequestPayload, knownLength: Int?,
        interim: InterimResponses?, continuation: UnsafeContinuation<Response, any Error>, runner: UpstreamExchangeRunner<UpstreamHTTP1Handler>
    ) {
        let head = request.head
        guard let context, !isClosed, context.channel.isActive, exchange == nil else {
            continuation.resume(throwing: UpstreamExchangeFailure.notStarted)
            return
        }
        lastStartedID = id
        idleDeadline = nil
        if cancelledBeforeStart == id {
            continuation.resume(throwing: CancellationError())
            context.close(promise: nil)
            return
        }
        var bytesToWrite: Int?
        if case .stream = payload, let knownLength { bytesToWrite = knownLength }
        let current = UpstreamHTTP1Exchange(
            id: id, method: head.method, isOnReusedConnection: servedCount > 0, asksToClose: head.asksToClose,
            head: continuation, bytesToWrite: bytesToWrite)
        current.interim = interim
        if request.asksToUpgrade {
            current.upgrade = UpstreamHTTP1Exchange.Upgrade(inbound: request.upgradedInbound, executor: runner.executor)
        }
        exchange = current
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        switch payload {
        case .empty:
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
            requestWritten(current)
        case .buffer(let buffer):
            context.write(wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil)
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
            requestWritten(current)
        case .stream(let body):
            context.flush()
            guard exchange === current else { return }  // the flush failed and closed the connection
            current.upload = runner.startUpload(body, exchange: id)
        }
    }

    /// The caller was cancelled while waiting for the response head: abandon the exchange.
    func cancel(exchange id: Int) {
        guard let current = exchange, current.id == id else {
            if id > lastStartedID { cancelledBeforeStart = id }
            return
        }
        guard current.isWaitingForHead else { return }  // the head was delivered; the body reader decides
        current.answer(throwing: CancellationError())
        context?.close(promise: nil)
    }

    /// Writes one chunk of a streamed request body.
    func writeRequestChunk(_ chunk: ByteBuffer, exchange id: Int) -> UpstreamWriteOutcome {
        guard let context, let current = exchange, current.id == id, !current.isRequestWritten, !isClosed else {
            return .gone
        }
        guard chunk.readableBytes > 0 else { return .writable }
        if let remaining = current.bytesToWrite {
            guard chunk.readableBytes <= remaining else {
                fail(with: UpstreamBodyLengthMismatch(declared: remaining))
                return .gone
            }
            current.bytesToWrite = remaining - chunk.readableBytes
        }
        context.writeAndFlush(wrapOutboundOut(.body(.byteBuffer(chunk))), promise: nil)
        if current.bytesToWrite == 0 {
            requestWritten(current)
        }
        guard exchange === current, !isClosed else { return .gone }
        return context.channel.isWritable ? .writable : .blocked
    }

    /// Resumes `continuation` once the channel is writable again or the exchange is over.
    func whenWritable(exchange id: Int, _ continuation: CheckedContinuation<Void, any Error>) {
        guard let context, let current = exchange, current.id == id, !isClosed, !context.channel.isWritable else {
            continuation.resume()
            return
        }
        current.writableWaiter = continuation
    }

    /// The streamed request body ended; a chunked one carries its `trailers`.
    func requestBodyEnded(exchange id: Int, trailers: HTTPFields?) {
        guard let context, let current = exchange, current.id == id, !current.isRequestWritten else { return }
        if let remaining = current.bytesToWrite, remaining > 0 {
            fail(with: UpstreamBodyLengthMismatch(declared: remaining))
            return
        }
        let isChunked = current.bytesToWrite == nil
        let trailerLines = isChunked ? trailers.map(\.http1Trailers).flatMap { $0.isEmpty ? nil : $0 } : nil
        context.writeAndFlush(wrapOutboundOut(.end(trailerLines)), promise: nil)
        requestWritten(current)
    }

    /// The streamed request body failed (the downstream client went away): abandon the exchange.
    func requestBodyFailed(exchange id: Int, error: any Error) {
        guard exchange?.id == id else { return }
        fail(with: error)
    }

    private func requestWritten(_ current: UpstreamHTTP1Exchange) {
        guard let context, exchange === current, !current.isRequestWritten else { return }
        current.isRequestWritten = true
        if current.isWaitingForHead, let timeout = settings.responseHeaderTimeout {
            let deadline = NIODeadline.now() + timeout
            current.headDeadline = deadline
            arm(deadline, context: context)
        }
        finishIfDone()
    }

    /// Closes the connection, failing the running exchange with `error`.
    private func fail(with error: any Error) {
        if failure == nil { failure = error }
        context?.close(promise: nil)
    }

    /// Ends the exchange once both directions are done: back to the pool, or closed.
    private func finishIfDone() {
        guard let context, let current = exchange, current.isResponseEnded else { return }
        guard current.isRequestWritten else {
            // The server answered before reading the whole request: give the upload a moment to
            // finish, then close rather than reuse a connection with request bytes in flight.
            if current.graceTimer == nil {
                let handler = NIOLoopBound(self, eventLoop: context.eventLoop)
                let id = current.id
                current.graceTimer = context.eventLoop.scheduleTask(in: Self.uploadGrace) {
                    handler.value.uploadGraceExpired(current: id)
                }
            }
            return
        }
        current.graceTimer?.cancel()
        exchange = nil
        guard current.keepAlive, !isClosed, context.channel.isActive else {
            context.close(promise: nil)
            return
        }
        servedCount += 1
        let deadline = NIODeadline.now() + settings.idleTimeout
        idleDeadline = deadline
        arm(deadline, context: context)
        resumeReading(context: context)
        events?.idle()
    }

    private func uploadGraceExpired(current id: Int) {
        guard exchange?.id == id else { return }
        context?.close(promise: nil)
    }

    // MARK: deadlines

    /// Makes the timer fire no later than `deadline`; a timer already due earlier is kept (it re-arms
    /// itself when it fires).
    private func arm(_ deadline: NIODeadline, context: ChannelHandlerContext) {
        if let timerDeadline, timerDeadline <= deadline { return }
        timer?.cancel()
        timerDeadline = deadline
        let handler = NIOLoopBound(self, eventLoop: context.eventLoop)
        timer = context.eventLoop.scheduleTask(deadline: deadline) { handler.value.timerFired() }
    }

    private func timerFired() {
        timer = nil
        timerDeadline = nil
        guard let context, !isClosed else { return }
        let now = NIODeadline.now()
        if let current = exchange {
            guard current.isWaitingForHead, let deadline = current.headDeadline else { return }
            if deadline <= now {
                current.answer(throwing: UpstreamExchangeFailure.timedOut)
                context.close(promise: nil)
            } else {
                arm(deadline, context: context)
            }
        } else if let idleDeadline {
            if idleDeadline <= now {
                context.close(promise: nil)
            } else {
                arm(idleDeadline, context: context)
            }
        }
    }

    // MARK: inbound

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard let current = exchange else { return }  // the decoder rejects unsolicited responses
        switch unwrapInboundIn(data) {
        case .head(let head) where head.status.code / 100 == 1 && head.status.code != 101:
            // An informational response ahead of the final one: `100 Continue` concerns this hop only;
            // others (`103 Early Hints`) go on to the client.
            current.sawResponseBytes = true
            if current.isWaitingForHead, head.status.code != 100 {
                current.interim?.send(HTTPResponse(upstream: head))
            }
        case .head(let head):
            guard current.isWaitingForHead else { return }
            current.sawResponseBytes = true
            current.headDeadline = nil
            received(head, exchange: current)
        case .body(let chunk):
            if current.pending != nil {
                current.pending?.append(chunk)
                if current.pending?.isLarge == true { startStreaming(current, context: context) }
            } else if let body = current.body, !body.yield(chunk) {
                isReadPaused = true
            }
        case .end(let trailers):
            current.isResponseEnded = true
            current.responseTrailers?.set(http1: trailers)
            if let head = current.switchedHead {
                switchToTunnel(current, head: head, context: context)
                return
            }
            if let pending = current.pending, current.isWaitingForHead {
                // The whole response came in one read: hand it over in memory, which lets the server
                // write head and body at once. Back to the pool first, so the caller's next request
                // can reuse the connection.
                current.pending = nil
                finishIfDone()
                let trailers = current.responseTrailers?.fields.map { HTTPTrailers($0) }
                current.answer(
                    Response(head: pending.head, body: pending.bodilessBody ?? HTTPBody(pending.collected(), trailers: trailers)))
                return
            }
            let body = current.body
            current.body = nil
            finishIfDone()
            body?.finish()
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        if let current = exchange, current.pending != nil {
            startStreaming(current, context: context)
        }
        context.fireChannelReadComplete()
    }

    /// Takes in a response head: answers the caller at once when no body follows; otherwise waits for
    /// the end of the read burst, in case the whole body came with the head.
    private func received(_ head: HTTPResponseHead, exchange current: UpstreamHTTP1Exchange) {
        let status = Int(head.status.code)
        let isBodiless = current.method == .HEAD || status == 204 || status == 304 || (100..<200).contains(status)
        let length = head.headers.first(name: "content-length").flatMap { Int($0) }
        let isChunked = head.headers[canonicalForm: "transfer-encoding"].contains { $0.lowercased() == "chunked" }
        // A body delimited by the connection's close cannot share the connection; nor can a `101`.
        current.keepAlive =
            head.isKeepAlive && !current.asksToClose && status != 101 && (isBodiless || isChunked || length != nil)
        let response = HTTPResponse(upstream: head)
        if status == 101, current.upgrade != nil {
            // The decoder reports the end of this head at once; the switch happens then.
            current.switchedHead = response
            return
        }
        var pending = UpstreamPendingResponse(head: response, length: isChunked ? nil : length)
        if isChunked, !isBodiless { current.responseTrailers = HTTPTrailers() }
        if isBodiless || (!isChunked && length == 0) {
            // Answered at the end of the message, which the decoder reports at once: by then the
            // connection is back in the pool. A HEAD response keeps its `content-length`: its body is of
            // unknown length, so the server advertises the declared one.
            pending.bodilessBody = current.method == .HEAD ? HTTPBody(stream: UpstreamNoChunks(), length: nil) : .empty
        }
        current.pending = pending
    }

    /// Answers the caller with a streamed body, starting with what arrived so far.
    private func startStreaming(_ current: UpstreamHTTP1Exchange, context: ChannelHandlerContext) {
        guard let pending = current.pending, current.isWaitingForHead else { return }
        current.pending = nil
        if let body = pending.bodilessBody {
            current.answer(Response(head: pending.head, body: body))
            return
        }
        let (source, chunks) = UpstreamResponseBody.make(receiver: self, eventLoop: context.eventLoop, exchange: current.id)
        for chunk in pending.chunks where !source.yield(chunk) {
            isReadPaused = true
        }
        current.body = source
        current.answer(
            Response(head: pending.head, body: HTTPBody(stream: chunks, length: pending.length, trailers: current.responseTrailers)))
    }

    /// Hands the connection over to a byte tunnel after a `101`: the tunnel handler joins the pipeline, the
    /// HTTP/1.1 handlers leave it (the decoder forwards the bytes it holds to the tunnel), and the caller
    /// gets the `101` with the upstream's side of the tunnel as its body. The pool hears of the connection
    /// again only when the tunnel closes.
    private func switchToTunnel(_ current: UpstreamHTTP1Exchange, head: HTTPResponse, context: ChannelHandlerContext) {
        let tunnel = UpstreamTunnelHandler(closed: events?.closed)
        events = nil
        exchange = nil
        let operations = context.pipeline.syncOperations
        do {
            try operations.addHandler(tunnel)
            let encoder = try operations.handler(type: HTTPRequestEncoder.self)
            let decoder = try operations.handler(type: ByteToMessageHandler<HTTPResponseDecoder>.self)
            operations.removeHandler(encoder, promise: nil)
            operations.removeHandler(context: context, promise: nil)
            operations.removeHandler(decoder, promise: nil)
        } catch {
            current.answer(throwing: UpstreamExchangeFailure.failed(error))
            context.close(promise: nil)
            return
        }
        let body = tunnel.open(sending: current.upgrade?.inbound, executor: current.upgrade?.executor)
        current.answer(Response(head: head, body: body))
    }

    func channelInactive(context: ChannelHandlerContext) {
        closed(with: failure ?? UpstreamConnectionClosed())
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if failure == nil { failure = error }
        if error is HTTPParserError || error is NIOHTTPDecoderError {
            exchange?.sawResponseBytes = true
        }
        context.close(promise: nil)
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable, let current = exchange, let waiter = current.writableWaiter {
            current.writableWaiter = nil
            waiter.resume()
        }
        context.fireChannelWritabilityChanged()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case ChannelEvent.inputClosed = event {
            // The server half-closed: nothing more can arrive; an idle connection is useless.
            if exchange == nil { context.close(promise: nil) }
        }
        context.fireUserInboundEventTriggered(event)
    }

    // MARK: outbound

    func read(context: ChannelHandlerContext) {
        if isReadPaused {
            hasHeldRead = true
        } else {
            context.read()
        }
    }

    // MARK: UpstreamBodyDemandReceiver

    func resumeReading(exchange id: Int) {
        guard exchange?.id == id, let context else { return }
        resumeReading(context: context)
    }

    func bodyReaderGone(exchange id: Int) {
        guard let context, let current = exchange, current.id == id else { return }
        current.body = nil
        if !current.isResponseEnded {
            // Dropped unread: the rest of the body would have to be read and thrown away; closing is cheaper
            // and is what tells a cancelled exchange's upstream to stop.
            context.close(promise: nil)
        }
    }

    private func resumeReading(context: ChannelHandlerContext) {
        isReadPaused = false
        if hasHeldRead {
            hasHeldRead = false
            context.read()
        }
    }

    // MARK: closing

    private func closed(with error: any Error) {
        guard !isClosed else { return }
        isClosed = true
        timer?.cancel()
        timer = nil
        if let current = exchange {
            exchange = nil
            current.graceTimer?.cancel()
            if current.isWaitingForHead {
                let isStale = current.isOnReusedConnection && !current.sawResponseBytes
                current.answer(throwing: isStale ? UpstreamExchangeFailure.stale(error) : .failed(error))
            }
            current.body?.fail(error)
            current.body = nil
            current.upload?.cancel()
            current.writableWaiter?.resume(throwing: error)
            current.writableWaiter = nil
        }
        let events = self.events
        self.events = nil
        events?.closed()
    }
}

@available(*, unavailable)
extension UpstreamHTTP1Handler: Sendable {}
