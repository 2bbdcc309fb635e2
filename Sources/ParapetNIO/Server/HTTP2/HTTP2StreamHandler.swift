import HTTPTypes
import NIOCore
import NIOHTTP2
import NIOHTTPTypes
import ParapetCore

/// Serves the one request of an HTTP/2 stream, after swift-nio-extras' frame-to-HTTP-types codec.
///
/// The request starts once its head is known to carry no body (`END_STREAM` on HEADERS), once its first
/// DATA frame arrives, or at the end of the read that delivered the head — so a body-less request gets
/// ``HTTPBody/empty`` and a body streams with backpressure. The stream is reset if its request body takes
/// longer than the read timeout or its response longer than the write timeout.
final class HTTP2StreamHandler: ChannelDuplexHandler, ResponseSink {
    typealias InboundIn = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    /// The per-stream time limits.
    struct Limits {
        var read: Duration?
        var write: Duration?
    }

    private let responder: RequestResponder
    private let executor: EventLoopExecutor?
    private let accepted: AcceptedConnection
    private let limits: Limits

    private var context: ChannelHandlerContext?
    private var pendingHead: HTTPRequest?
    private var requestMethod = HTTPRequest.Method.get
    private var body: RequestBodySource?
    /// Where the request body's trailer fields go.
    private var requestTrailers: HTTPTrailers?
    private var hasStarted = false
    /// The final response head was written (interim ones may no longer be).
    private var hasSentHead = false
    private var isRequestComplete = false
    private var isResponseDone = false
    private var isBodyPaused = false
    private var hasHeldRead = false
    private var isInReadBurst = false
    private var needsFlush = false
    private var task: Task<Void, Never>?
    private var deadline: Scheduled<Void>?
    private var armedLimit: Duration?
    private var headArrival = NIODeadline.uptimeNanoseconds(0)
    private var writabilityWaiters = WritabilityWaiters()

    /// Fields forbidden in HTTP/2 because they describe an HTTP/1 connection (RFC 9113 §8.2.2).
    private static let connectionSpecificFields: [HTTPField.Name] =
        ["connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade"].compactMap { HTTPField.Name($0) }

    init(responder: RequestResponder, executor: EventLoopExecutor?, accepted: AcceptedConnection, limits: Limits) {
        self.responder = responder
        self.executor = executor
        self.accepted = accepted
        self.limits = limits
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        streamEnded()
        self.context = nil
    }

    // MARK: inbound

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        isInReadBurst = true
        switch unwrapInboundIn(data) {
        case .head(let head):
            guard !hasStarted, pendingHead == nil else { return }
            pendingHead = head
            requestMethod = head.method
            headArrival = .now()
            switch (limits.read, limits.write) {
            case let (read?, write?): arm(min(read, write))
            case let (read, write): arm(read ?? write)
            }
        case .body(let chunk):
            startIfPending(hasBody: true, context: context)
            if body?.yield(chunk) == .stopProducing {
                isBodyPaused = true
            }
        case .end(let trailers):
            startIfPending(hasBody: false, context: context)
            if let trailers { requestTrailers?.set(trailers) }
            isRequestComplete = true
            body?.finish()
            body = nil
            if !isResponseDone { arm(limits.write) }
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        startIfPending(hasBody: true, context: context)
        isInReadBurst = false
        if needsFlush {
            needsFlush = false
            context.flush()
        }
        context.fireChannelReadComplete()
    }

    func channelInactive(context: ChannelHandlerContext) {
        streamEnded()
        context.fireChannelInactive()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable {
            writabilityWaiters.resumeAll()
        }
        context.fireChannelWritabilityChanged()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        body?.fail(error)
        body = nil
        context.close(promise: nil)
    }

    func read(context: ChannelHandlerContext) {
        if isBodyPaused {
            hasHeldRead = true
        } else {
            context.read()
        }
    }

    // MARK: the exchange

    private func startIfPending(hasBody: Bool, context: ChannelHandlerContext) {
        guard let head = pendingHead else { return }
        pendingHead = nil
        hasStarted = true
        var request = Request(head: head)
        if hasBody {
            let (source, chunks) = RequestBodySource.make(demand: bodyDemand(context: context))
            let length = head.headerFields[.contentLength].flatMap { Int($0) }
            let trailers = HTTPTrailers()
            request.body = HTTPBody(stream: chunks, length: length, trailers: trailers)
            requestTrailers = trailers
            body = source
        }
        var connection = accepted.info
        connection.httpProtocol = .http2
        let sink = LoopBoundSink(self, eventLoop: context.eventLoop)
        let responder = self.responder
        let task = responder.start(on: executor) {
            await sink.deliver(await responder.response(to: request, connection: connection, interim: sink.interimResponses))
        }
        if !isResponseDone {
            self.task = task
        }
    }

    private func bodyDemand(context: ChannelHandlerContext) -> RequestBodySource.Demand {
        let handler = NIOLoopBound(self, eventLoop: context.eventLoop)
        return RequestBodySource.Demand(
            eventLoop: context.eventLoop,
            resume: { handler.value.resumeReading() },
            readerGone: {
                let handler = handler.value
                handler.body = nil
                handler.resumeReading()
            }
        )
    }

    private func resumeReading() {
        isBodyPaused = false
        if hasHeldRead, let context {
            hasHeldRead = false
            context.read()
        }
    }

    /// Keeps one timer for the stream's current limit, counted from the request head: the earlier of the
    /// read and write limits while the request body is still arriving, the write limit after it.
    private func arm(_ limit: Duration?) {
        guard limit != armedLimit else { return }
        deadline?.cancel()
        deadline = nil
        armedLimit = limit
        guard let limit, let context else { return }
        let handler = NIOLoopBound(self, eventLoop: context.eventLoop)
        deadline = context.eventLoop.scheduleTask(deadline: headArrival + TimeAmount(limit)) {
            handler.value.context?.close(promise: nil)
        }
    }

    private func streamEnded() {
        arm(nil)
        body?.fail(ChannelError.eof)
        body = nil
        task?.cancel()
        task = nil
        writabilityWaiters.resumeAll()
    }


    // MARK: ResponseSink

    func beginResponse(_ response: Response) -> Bool {
        guard let context, !isResponseDone else { return false }
        var head = response.head
        for name in Self.connectionSpecificFields {
            head.headerFields[name] = nil
        }
        let status = head.status.code
        let isBodyless = requestMethod == .head || (100..<200).contains(status) || status == 204 || status == 304
        // A HEAD response advertises the length a GET would have had; other bodyless ones advertise none.
        let advertises = requestMethod == .head ? (response.body.knownLength ?? 0) > 0 : !isBodyless
        if advertises, let length = response.body.knownLength, head.headerFields[.contentLength] == nil {
            head.headerFields[.contentLength] = String(length)
        }
        hasSentHead = true
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        if isBodyless {
            finishResponse(context: context)
            return false
        }
        switch response.body.storage {
        case .empty:
            finishResponse(context: context)
            return false
        case .buffer(let buffer):
            context.write(wrapOutboundOut(.body(buffer)), promise: nil)
            finishResponse(trailers: response.body.trailers?.fields, context: context)
            return false
        case .stream:
            context.flush()
            return true
        }
    }

    func writeBodyChunk(_ chunk: ByteBuffer) -> SinkState {
        guard let context, !isResponseDone, context.channel.isActive else { return .gone }
        context.writeAndFlush(wrapOutboundOut(.body(chunk)), promise: nil)
        return context.channel.isWritable ? .writable : .blocked
    }

    func endResponse(trailers: HTTPFields?) {
        guard let context else { return }
        finishResponse(trailers: trailers, context: context)
    }

    func sendInterim(_ head: HTTPResponse) {
        guard let context, !hasSentHead, !isResponseDone else { return }
        context.writeAndFlush(wrapOutboundOut(.head(head)), promise: nil)
    }

    func abortResponse() {
        // Closing an open stream resets it: the client sees the response fail, not end.
        context?.close(promise: nil)
    }

    func whenWritable(_ continuation: CheckedContinuation<Void, Never>) {
        writabilityWaiters.wait(continuation, on: context?.channel)
    }

    private func finishResponse(trailers: HTTPFields? = nil, context: ChannelHandlerContext) {
        isResponseDone = true
        task = nil
        arm(nil)
        let trailerSection = trailers?.permittedInTrailers
        context.write(wrapOutboundOut(.end(trailerSection?.isEmpty == false ? trailerSection : nil)), promise: nil)
        if isInReadBurst {
            needsFlush = true
        } else {
            context.flush()
        }
    }
}

@available(*, unavailable)
extension HTTP2StreamHandler: Sendable {}
