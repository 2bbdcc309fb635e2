import HTTPTypes
import NIOCore
import NIOExtras
import NIOHTTP1
import ParapetCore

/// Serves the requests of one HTTP/1.x connection, after NIO's request decoder.
///
/// Each request head starts a task running the server's handler (see ``RequestResponder``); its body
/// streams to the handler with backpressure; the response is encoded straight into `ByteBuffer`s and
/// flushed once per read burst. Pipelined requests wait in a queue and are answered in order. The
/// exchange rules live in ``HTTP1ConnectionHandler/StateMachine``; this class carries them out, feeds the
/// connection's deadlines, answers unparseable requests (`431` for an oversized head, `400` otherwise) and
/// finishes the connection gracefully when the server quiesces.
///
/// A protocol upgrade (`Connection: upgrade`, `Upgrade: …`, no body) answered with `101 Switching Protocols`
/// and a streamed body becomes a tunnel: the response body's chunks are written as they are, and
/// ``RequestContext/upgradedInbound`` yields whatever the client sends after its request head.
final class HTTP1ConnectionHandler: ChannelDuplexHandler, ResponseSink {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let responder: RequestResponder
    private let executor: EventLoopExecutor?
    private let accepted: AcceptedConnection
    private let timeouts: ConnectionTimeouts

    private var state = StateMachine()
    private var context: ChannelHandlerContext?
    /// Parts of pipelined requests, waiting for the current exchange to end.
    private var queued = CircularBuffer<HTTPServerRequestPart>()
    private var isReplayingQueue = false
    /// The running exchange: its request traits, body source and task.
    private var exchange: Exchange?
    private var isBodyPaused = false
    private var hasHeldRead = false
    private var isInReadBurst = false
    private var hasFailedToParse = false
    private var needsFlush = false
    private var writabilityWaiters = WritabilityWaiters()

    /// Numbers exchanges, so a late signal about a finished one cannot touch the next.
    private var exchangeCount = 0

    private struct Exchange {
        var id: Int
        var traits: HTTP1ResponseFraming.RequestTraits
        var body: RequestBodySource?
        /// Where a chunked request body's trailer fields go.
        var requestTrailers: HTTPTrailers?
        var task: Task<Void, Never>?
        var framing: HTTP1ResponseFraming?
        /// For a request that may switch protocols, the client's bytes in the new protocol.
        var upgradedInbound: RequestBodySource?
        /// A `101` was sent: bytes flow unframed both ways.
        var isTunnel = false
        /// The request's end was parsed.
        var hasRequestEnded = false
        /// The request stops NIO's decoder (CONNECT or an upgrade): nothing after it is parsed.
        var stopsDecoder = false
        /// The client sent `expect: 100-continue` and has not been told to go on yet.
        var awaitsContinue = false
        /// Bytes a streamed body still owes its `content-length`.
        var owedBytes: Int?
    }

    /// Which of an exchange's inbound streams a demand signal is about.
    private enum InboundStream {
        case requestBody, upgraded
    }

    init(responder: RequestResponder, executor: EventLoopExecutor?, accepted: AcceptedConnection, timeouts: ConnectionTimeouts) {
        self.responder = responder
        self.executor = executor
        self.accepted = accepted
        self.timeouts = timeouts
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        connectionEnded()
        self.context = nil
    }

    // MARK: inbound

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        isInReadBurst = true
        let part = unwrapInboundIn(data)
        if exchange?.isTunnel == true {
            switch part {
            case .body(let bytes):
                if exchange?.upgradedInbound?.yield(bytes) == .stopProducing { isBodyPaused = true }
            case .end:
                // The upgrade request's end: NIO's decoder parses nothing after it, so it can leave now.
                exchange?.hasRequestEnded = true
                replaceDecoderWithTunnel(context: context)
            case .head:
                break
            }
            return
        }
        if queued.isEmpty, state.acceptsParts {
            handle(part, context: context)
        } else {
            queued.append(part)
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        isInReadBurst = false
        if needsFlush {
            needsFlush = false
            context.flush()
        }
        context.fireChannelReadComplete()
    }

    func channelInactive(context: ChannelHandlerContext) {
        connectionEnded()
        context.fireChannelInactive()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable {
            writabilityWaiters.resumeAll()
        }
        context.fireChannelWritabilityChanged()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is ChannelShouldQuiesceEvent {
            // Pipelined requests already read in full are answered before the connection closes.
            let readRequests = Self.requestsReadInFull(queued)
            if state.quiesce(readRequests: readRequests) {
                context.close(promise: nil)
            }
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    /// The pipelined requests in `queued` whose head and end have both been read. The queue can start with
    /// the rest of the running request's body (queued while it was paused), whose end is no request.
    static func requestsReadInFull(_ queued: some Sequence<HTTPServerRequestPart>) -> Int {
        var count = 0
        var hasHead = false
        for part in queued {
            switch part {
            case .head: hasHead = true
            case .end where hasHead:
                count += 1
                hasHead = false
            case .body, .end: break
            }
        }
        return count
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // After a parse error the decoder reports every later read too; the first report decided.
        guard !hasFailedToParse else { return }
        guard let parseError = error as? HTTPParserError else {
            context.fireErrorCaught(error)
            context.close(promise: nil)
            return
        }
        exchange?.body?.fail(parseError)
        refuse(parseError == .headerOverflow ? .requestHeaderFieldsTooLarge : .badRequest, context: context)
    }

    /// Answers a request that cannot be read safely with `status` and closes the connection: nothing after
    /// it can be trusted to be framed as the client meant.
    private func refuse(_ status: HTTPResponse.Status, context: ChannelHandlerContext) {
        hasFailedToParse = true
        switch state.parseErrorOccurred(hasResponseStarted: exchange?.framing != nil) {
        case .respondAndClose:
            if let exchange {
                exchange.task?.cancel()
                self.exchange = nil
            }
        case .closeAfterResponse:
            // A response is owed first (answers leave in request order); the connection closes after it.
            return
        case .close:
            context.close(promise: nil)
            return
        }
        var buffer = context.channel.allocator.buffer(capacity: 128)
        buffer.writeStaticString("HTTP/1.1 ")
        buffer.writeString("\(status.code) \(status.reasonPhrase)")
        buffer.writeStaticString("\r\nconnection: close\r\ncontent-length: 0\r\n\r\n")
        // Closing with unread input would make the kernel reset the connection, and the client could
        // lose the response: close the sending side, let the client read and hang up, and only then
        // (or after a short linger) close for good.
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(buffer)).whenComplete { _ in
            channel.close(mode: .output).whenFailure { _ in channel.close(promise: nil) }
            channel.eventLoop.scheduleTask(in: Self.linger) { channel.close(promise: nil) }
        }
    }

    /// How long a connection that failed to parse lingers half-closed for its client to read the error.
    private static let linger = TimeAmount.seconds(2)

    // MARK: outbound

    func read(context: ChannelHandlerContext) {
        if isBodyPaused || !queued.isEmpty || isWaitingForProtocolSwitch {
            hasHeldRead = true
        } else {
            context.read()
        }
    }

    /// After a CONNECT or upgrade request NIO's decoder parses nothing more and would buffer whatever the
    /// client sends, without limit, until the handler answers: reading waits for the answer instead.
    private var isWaitingForProtocolSwitch: Bool {
        guard let exchange else { return false }
        return exchange.stopsDecoder && exchange.hasRequestEnded && !exchange.isTunnel
    }

    // MARK: exchanges

    private func handle(_ part: HTTPServerRequestPart, context: ChannelHandlerContext) {
        switch part {
        case .head(let head):
            if let status = HTTP1RequestFraming.refusal(of: head) {
                refuse(status, context: context)
                return
            }
            switch state.headReceived() {
            case .startExchange:
                startExchange(head, context: context)
            case .queue:
                queued.append(part)
            default:
                break
            }
        case .body(let chunk):
            switch state.bodyReceived() {
            case .forwardBody:
                if exchange?.body?.yield(chunk) == .stopProducing {
                    isBodyPaused = true
                    timeouts.record { deadlines, now in deadlines.bodyReading(false, at: now) }
                }
            case .queue:
                queued.append(part)
            default:
                break
            }
        case .end(let trailers):
            switch state.endReceived() {
            case .finishRequestBody:
                timeouts.record { deadlines, now in deadlines.requestEnded(at: now) }
                exchange?.requestTrailers?.set(http1: trailers)
                exchange?.hasRequestEnded = true
                exchange?.body?.finish()
                exchange?.body = nil
                resumeReading(context: context)
            case .finishRequestAndAwaitNext:
                exchange = nil
                timeouts.record { deadlines, now in deadlines.requestEnded(at: now) }
                replayQueue(context: context)
            case .close:
                exchange = nil
                context.close(promise: nil)
            case .queue:
                queued.append(part)
            default:
                break
            }
        }
    }

    private func startExchange(_ head: HTTPRequestHead, context: ChannelHandlerContext) {
        timeouts.record { deadlines, now in deadlines.requestHeadReceived(at: now) }
        // NIO's decoder stops parsing after an upgrade or CONNECT request it did not switch protocols
        // for (apple/swift-nio#2570), so such a connection cannot be reused.
        let isUpgradeRequest =
            head.headers.contains(name: "upgrade")
            && head.headers[canonicalForm: "connection"].contains { $0.lowercased() == "upgrade" }
        let stopsDecoder = head.method == .CONNECT || isUpgradeRequest
        var connection = accepted.info
        connection.httpProtocol = .http1
        guard let requestHead = HTTPRequest(http1: head, isSecure: connection.isSecure) else {
            exchangeCount += 1
            exchange = Exchange(id: exchangeCount, traits: .init(method: .get, version: head.version, keepAlive: false))
            _ = beginResponse(.error(.badRequest))
            return
        }
        var request = Request(head: requestHead)
        let traits = HTTP1ResponseFraming.RequestTraits(
            method: requestHead.method, version: head.version, keepAlive: head.isKeepAlive && !stopsDecoder)
        exchangeCount += 1
        let id = exchangeCount
        var body: RequestBodySource?
        let isChunked = head.headers.contains(name: "transfer-encoding")
        let length = head.headers[canonicalForm: "content-length"].first.flatMap { Int($0) }
        let hasBody = isChunked || (length ?? 0) > 0
        // `expect: 100-continue` is answered when the handler first reads the body, so a handler that
        // refuses the request (401, 413) spares the client the upload. HTTP/1.0 has no interim responses.
        let awaitsContinue =
            hasBody && head.version.minor >= 1
            && head.headers[canonicalForm: "expect"].contains { $0.lowercased() == "100-continue" }
        let requestTrailers = hasBody && isChunked ? HTTPTrailers() : nil
        if hasBody, !awaitsContinue {
            timeouts.record { deadlines, now in deadlines.bodyReading(true, at: now) }
        }
        if hasBody {
            let (source, chunks) = RequestBodySource.make(demand: inboundDemand(.requestBody, of: id, context: context))
            if awaitsContinue {
                let handler = NIOLoopBound(self, eventLoop: context.eventLoop)
                let signalling = FirstReadSignallingChunks(chunks, eventLoop: context.eventLoop) {
                    handler.value.sendContinue(for: id)
                }
                request.body = HTTPBody(stream: signalling, length: isChunked ? nil : length, trailers: requestTrailers)
            } else {
                request.body = HTTPBody(stream: chunks, length: isChunked ? nil : length, trailers: requestTrailers)
            }
            body = source
        }
        // An upgrade with a body (an h2c upgrade the sniffer declined, say) is served as plain HTTP/1.1.
        let upgraded =
            isUpgradeRequest && !hasBody
            ? RequestBodySource.make(demand: inboundDemand(.upgraded, of: id, context: context)) : nil
        let upgradedInbound = upgraded?.source
        exchange = Exchange(
            id: id, traits: traits, body: body, requestTrailers: requestTrailers, upgradedInbound: upgradedInbound,
            stopsDecoder: stopsDecoder, awaitsContinue: awaitsContinue)
        let sink = LoopBoundSink(self, eventLoop: context.eventLoop)
        let responder = self.responder
        let inbound = upgraded.map { HTTPBody(stream: $0.chunks) }
        let task = responder.start(on: executor) {
            await sink.deliver(
                await responder.response(
                    to: request, connection: connection, upgradedInbound: inbound, interim: sink.interimResponses))
        }
        // The task may have finished synchronously, and even started the next exchange.
        if exchange?.id == id {
            exchange?.task = task
        }
    }

    private func inboundDemand(
        _ stream: InboundStream, of id: Int, context: ChannelHandlerContext
    ) -> RequestBodySource.Demand {
        let handler = NIOLoopBound(self, eventLoop: context.eventLoop)
        return RequestBodySource.Demand(
            eventLoop: context.eventLoop,
            resume: {
                let handler = handler.value
                guard handler.exchange?.id == id, let context = handler.context else { return }
                handler.resumeReading(context: context)
            },
            readerGone: {
                // The handler stopped reading: keep reading (and dropping) so the response and the next
                // request are not stuck behind it.
                let handler = handler.value
                guard handler.exchange?.id == id, let context = handler.context else { return }
                switch stream {
                case .requestBody: handler.exchange?.body = nil
                case .upgraded: handler.exchange?.upgradedInbound = nil
                }
                handler.resumeReading(context: context)
            }
        )
    }

    /// Tells a client waiting on `expect: 100-continue` to send its body, unless the response started.
    private func sendContinue(for id: Int) {
        guard let context, exchange?.id == id, exchange?.awaitsContinue == true, exchange?.framing == nil else { return }
        exchange?.awaitsContinue = false
        timeouts.record { deadlines, now in deadlines.bodyReading(true, at: now) }
        context.writeAndFlush(wrapOutboundOut(HTTP1ResponseEncoder.continueHead), promise: nil)
    }

    private func resumeReading(context: ChannelHandlerContext) {
        if isBodyPaused {
            timeouts.record { deadlines, now in deadlines.bodyReading(true, at: now) }
        }
        isBodyPaused = false
        if hasHeldRead, queued.isEmpty {
            hasHeldRead = false
            context.read()
        }
    }

    /// Hands the queued parts of pipelined requests to the state machine, in order, as far as it takes them.
    private func replayQueue(context: ChannelHandlerContext) {
        guard !isReplayingQueue else { return }
        isReplayingQueue = true
        defer { isReplayingQueue = false }
        while state.acceptsParts, let part = queued.popFirst() {
            handle(part, context: context)
        }
        if queued.isEmpty {
            resumeReading(context: context)
        }
    }

    private func connectionEnded() {
        state.closed()
        queued.removeAll()
        if let exchange {
            exchange.body?.fail(ChannelError.eof)
            exchange.upgradedInbound?.finish()  // the client closed its side of the tunnel
            exchange.task?.cancel()
            self.exchange = nil
        }
        writabilityWaiters.resumeAll()
    }


    // MARK: ResponseSink

    func beginResponse(_ response: Response) -> Bool {
        guard let context, let traits = exchange?.traits else { return false }
        // A client still waiting to be told to send its body may send it anyway: rather than read and
        // drop an upload nobody wants, close after answering.
        let keepAliveAllowed = traits.keepAlive && state.allowsKeepAlive && exchange?.awaitsContinue != true
        // Trailers need the chunked coding: a body that may end with some goes out chunked whatever its length.
        let hasTrailers = response.body.trailers != nil
        let framing = HTTP1ResponseFraming(
            request: .init(method: traits.method, version: traits.version, keepAlive: keepAliveAllowed),
            status: response.status.code,
            knownLength: hasTrailers ? nil : response.body.knownLength,
            declaredLength: response.headerFields[.contentLength].flatMap { Int($0) },
            asksToClose: response.headerFields[.connection]?.lowercased() == "close"
        )
        exchange?.framing = framing
        // Room for a typical head and a small in-memory body, which is copied in behind it: one buffer,
        // never grown.
        let inlineBodyBytes =
            if case .buffer(let body) = response.body.storage, body.readableBytes <= 16_384 {
                body.readableBytes
            } else {
                0
            }
        var buffer = context.channel.allocator.buffer(capacity: 512 + inlineBodyBytes)
        HTTP1ResponseEncoder.writeHead(response.head, framing: framing, version: traits.version, into: &buffer)
        if response.status.code == 101, exchange?.upgradedInbound != nil, case .stream = response.body.storage {
            context.writeAndFlush(wrapOutboundOut(buffer), promise: nil)
            return switchToTunnel(context: context)
        }
        if framing.body == .none {
            context.write(wrapOutboundOut(buffer), promise: nil)
            finishResponse(context: context)
            return false
        }
        if hasTrailers, framing.body == .chunked {
            // Written as a stream, so the trailers follow the last chunk.
            context.writeAndFlush(wrapOutboundOut(buffer), promise: nil)
            return true
        }
        switch response.body.storage {
        case .empty:
            context.write(wrapOutboundOut(buffer), promise: nil)
            if framing.body == .chunked {
                context.write(wrapOutboundOut(HTTP1ResponseEncoder.lastChunk), promise: nil)
            }
            finishResponse(context: context)
            return false
        case .buffer(var body):
            if body.readableBytes <= 16_384 {
                buffer.writeBuffer(&body)
                context.write(wrapOutboundOut(buffer), promise: nil)
            } else {
                context.write(wrapOutboundOut(buffer), promise: nil)
                context.write(wrapOutboundOut(body), promise: nil)
            }
            finishResponse(context: context)
            return false
        case .stream:
            if case .length(let length) = framing.body {
                exchange?.owedBytes = length
            }
            context.writeAndFlush(wrapOutboundOut(buffer), promise: nil)
            return true
        }
    }

    func writeBodyChunk(_ chunk: ByteBuffer) -> SinkState {
        guard let context, let framing = exchange?.framing, context.channel.isActive else { return .gone }
        guard chunk.readableBytes > 0 else { return .writable }
        if let owed = exchange?.owedBytes {
            // More bytes than the advertised length would corrupt the next response on this connection.
            guard chunk.readableBytes <= owed else {
                abortResponse()
                return .gone
            }
            exchange?.owedBytes = owed - chunk.readableBytes
        }
        if exchange?.isTunnel == true {
            timeouts.record { deadlines, now in deadlines.bytesSent(at: now) }
        }
        if framing.body == .chunked, exchange?.isTunnel != true {
            var header = context.channel.allocator.buffer(capacity: 12)
            HTTP1ResponseEncoder.writeChunkHeader(size: chunk.readableBytes, into: &header)
            context.write(wrapOutboundOut(header), promise: nil)
            context.write(wrapOutboundOut(chunk), promise: nil)
            context.writeAndFlush(wrapOutboundOut(HTTP1ResponseEncoder.chunkTrailer), promise: nil)
        } else {
            context.writeAndFlush(wrapOutboundOut(chunk), promise: nil)
        }
        return context.channel.isWritable ? .writable : .blocked
    }

    func endResponse(trailers: HTTPFields?) {
        guard let context, let framing = exchange?.framing else { return }
        if exchange?.isTunnel == true {
            // The upgraded protocol's server side ended: so does the connection.
            closeAfterPendingWrites(context: context)
            return
        }
        if let owed = exchange?.owedBytes, owed > 0 {
            // The body ended short of its advertised length: the client must see the response fail.
            abortResponse()
            return
        }
        if framing.body == .chunked {
            if let trailers, !trailers.isEmpty {
                var buffer = context.channel.allocator.buffer(capacity: 128)
                HTTP1ResponseEncoder.writeLastChunk(trailers: trailers, into: &buffer)
                context.write(wrapOutboundOut(buffer), promise: nil)
            } else {
                context.write(wrapOutboundOut(HTTP1ResponseEncoder.lastChunk), promise: nil)
            }
        }
        finishResponse(context: context)
    }

    func sendInterim(_ head: HTTPResponse) {
        // HTTP/1.0 clients cannot parse interim responses; once the final head went out it is too late.
        guard let context, let exchange, exchange.framing == nil, exchange.traits.version.minor >= 1 else { return }
        var buffer = context.channel.allocator.buffer(capacity: 128)
        HTTP1ResponseEncoder.writeInterimHead(head, into: &buffer)
        context.writeAndFlush(wrapOutboundOut(buffer), promise: nil)
    }

    func abortResponse() {
        context?.close(promise: nil)
    }

    func whenWritable(_ continuation: CheckedContinuation<Void, Never>) {
        writabilityWaiters.wait(continuation, on: context?.channel)
    }

    /// Turns the connection into a byte tunnel after a `101`: the response body's chunks go out as they are,
    /// and once the upgrade request's end has been parsed the decoder leaves the pipeline (see
    /// ``replaceDecoderWithTunnel(context:)``).
    private func switchToTunnel(context: ChannelHandlerContext) -> Bool {
        exchange?.isTunnel = true
        timeouts.record { deadlines, now in deadlines.tunnelOpened(at: now) }
        if exchange?.hasRequestEnded == true {
            replaceDecoderWithTunnel(context: context)
        }
        return true
    }

    /// Removes NIO's decoder, which hands on the bytes it held, so what the client sends from now on
    /// reaches the request body unparsed. Called only after the decoder delivered the request's end:
    /// swapping the pipeline in the middle of its delivery would hand the end to the wrong handler.
    private func replaceDecoderWithTunnel(context: ChannelHandlerContext) {
        do {
            let pipeline = context.pipeline.syncOperations
            try pipeline.addHandler(HTTP1TunnelBytesHandler(), position: .before(self))
            let decoder = try pipeline.handler(type: ByteToMessageHandler<HTTPRequestDecoder>.self)
            pipeline.removeHandler(decoder, promise: nil)
            resumeReading(context: context)
        } catch {
            context.close(promise: nil)
        }
    }

    /// The response was written to its end: flush it (at the end of the read burst when one is running),
    /// then go on as the state machine says.
    private func finishResponse(context: ChannelHandlerContext) {
        timeouts.record { deadlines, now in deadlines.responseEnded(at: now) }
        exchange?.upgradedInbound?.finish()  // no protocol switch: nothing more will come this way
        if isInReadBurst {
            needsFlush = true
        } else {
            context.flush()
        }
        let keepAlive = exchange?.framing?.keepAlive ?? false
        switch state.responseEnded(keepAlive: keepAlive) {
        case .awaitNextRequest:
            exchange = nil
            replayQueue(context: context)
        case .discardRestOfRequest:
            exchange?.body?.finish()
            exchange?.body = nil
            exchange?.task = nil
            resumeReading(context: context)
        case .close:
            exchange = nil
            needsFlush = false
            closeAfterPendingWrites(context: context)
        }
    }

    /// Closes the connection once everything written so far has reached the socket (closing at once
    /// would drop writes still queued behind a slow client).
    private func closeAfterPendingWrites(context: ChannelHandlerContext) {
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(channel.allocator.buffer(capacity: 0))).whenComplete { _ in
            channel.close(promise: nil)
        }
    }
}

@available(*, unavailable)
extension HTTP1ConnectionHandler: Sendable {}

/// After a protocol switch, passes the client's raw bytes on as request body parts.
final class HTTP1TunnelBytesHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = HTTPServerRequestPart

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        context.fireChannelRead(wrapInboundOut(.body(unwrapInboundIn(data))))
    }
}

@available(*, unavailable)
extension HTTP1TunnelBytesHandler: Sendable {}
