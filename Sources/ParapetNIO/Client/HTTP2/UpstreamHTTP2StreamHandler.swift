import HTTPTypes
import NIOCore
import NIOHTTP2
import ParapetCore

/// Runs the one exchange of an HTTP/2 stream to an upstream, after the HTTP-types codec.
///
/// As ``UpstreamHTTP1Handler`` but for a stream: the response head resumes the caller, the body streams
/// with backpressure (flow-control windows close while the reader lags), and abandoning the exchange —
/// a cancelled caller, a missed head deadline, a body dropped before its end — closes the stream, which
/// resets it (`RST_STREAM`) without disturbing the connection's other streams.
final class UpstreamHTTP2StreamHandler: ChannelDuplexHandler, UpstreamBodyDemandReceiver, UpstreamExchangeHandler {
    typealias InboundIn = HTTP2Frame.FramePayload
    typealias OutboundIn = HTTP2Frame.FramePayload
    typealias OutboundOut = HTTP2Frame.FramePayload

    private let responseHeaderTimeout: TimeAmount?
    private var context: ChannelHandlerContext?
    private var method: HTTPRequest.Method = .get
    private var head: UnsafeContinuation<Response, any Error>?
    private var body: UpstreamResponseBody<UpstreamHTTP2StreamHandler>?
    /// Where the response body's trailer fields go.
    private var responseTrailers: HTTPTrailers?
    /// Where informational (`1xx`) responses ahead of the final one go.
    private var interim: InterimResponses?
    private var upload: Task<Void, Never>?
    private var writableWaiter: CheckedContinuation<Void, any Error>?
    private var headTimer: Scheduled<Void>?
    private var isStarted = false
    private var isRequestWritten = false
    private var isResponseEnded = false
    private var isClosed = false
    private var isReadPaused = false
    private var hasHeldRead = false
    private var failure: (any Error)?

    init(responseHeaderTimeout: TimeAmount?) {
        self.responseHeaderTimeout = responseHeaderTimeout
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        closed(with: failure ?? UpstreamConnectionClosed())
        self.context = nil
    }

    // MARK: UpstreamExchangeHandler

    func start(
        exchange id: Int, head: HTTPRequest, payload: UpstreamRequestPayload, knownLength: Int?,
        interim: InterimResponses?, continuation: UnsafeContinuation<Response, any Error>, runner: UpstreamExchangeRunner<UpstreamHTTP2StreamHandler>
    ) {
        guard let context, !isClosed, !isStarted else {
            continuation.resume(throwing: UpstreamExchangeFailure.notStarted)
            return
        }
        isStarted = true
        self.interim = interim
        method = head.method
        self.head = continuation
        let headers = UpstreamHTTP2Frames.headers(head)
        switch payload {
        case .empty:
            context.writeAndFlush(wrapOutboundOut(.headers(.init(headers: headers, endStream: true))), promise: nil)
            requestWritten()
        case .buffer(let buffer):
            context.write(wrapOutboundOut(.headers(.init(headers: headers))), promise: nil)
            context.writeAndFlush(wrapOutboundOut(.data(.init(data: .byteBuffer(buffer), endStream: true))), promise: nil)
            requestWritten()
        case .stream(let body):
            context.writeAndFlush(wrapOutboundOut(.headers(.init(headers: headers))), promise: nil)
            if !isClosed { upload = runner.startUpload(body, exchange: id) }
        }
    }

    func cancel(exchange id: Int) {
        guard let head else { return }
        self.head = nil
        head.resume(throwing: CancellationError())
        context?.close(promise: nil)
    }

    func writeRequestChunk(_ chunk: ByteBuffer, exchange id: Int) -> UpstreamWriteOutcome {
        guard let context, !isClosed, !isRequestWritten else { return .gone }
        guard chunk.readableBytes > 0 else { return .writable }
        context.writeAndFlush(wrapOutboundOut(.data(.init(data: .byteBuffer(chunk)))), promise: nil)
        guard !isClosed else { return .gone }
        return context.channel.isWritable ? .writable : .blocked
    }

    func whenWritable(exchange id: Int, _ continuation: CheckedContinuation<Void, any Error>) {
        guard let context, !isClosed, !context.channel.isWritable else {
            continuation.resume()
            return
        }
        writableWaiter = continuation
    }

    func requestBodyEnded(exchange id: Int, trailers: HTTPFields?) {
        guard let context, !isClosed, !isRequestWritten else { return }
        if let trailers = trailers.map(UpstreamHTTP2Frames.trailers), !trailers.isEmpty {
            context.writeAndFlush(wrapOutboundOut(.headers(.init(headers: trailers, endStream: true))), promise: nil)
        } else {
            context.writeAndFlush(wrapOutboundOut(Self.endOfStream), promise: nil)
        }
        requestWritten()
    }

    private static let endOfStream = HTTP2Frame.FramePayload.data(.init(data: .byteBuffer(ByteBuffer()), endStream: true))

    func requestBodyFailed(exchange id: Int, error: any Error) {
        if failure == nil { failure = error }
        context?.close(promise: nil)
    }

    private func requestWritten() {
        guard let context, !isClosed else { return }
        isRequestWritten = true
        if head != nil, let responseHeaderTimeout {
            let handler = NIOLoopBound(self, eventLoop: context.eventLoop)
            headTimer = context.eventLoop.scheduleTask(in: responseHeaderTimeout) {
                handler.value.headTimedOut()
            }
        }
    }

    private func headTimedOut() {
        guard let head else { return }
        self.head = nil
        head.resume(throwing: UpstreamExchangeFailure.timedOut)
        context?.close(promise: nil)
    }

    // MARK: inbound

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .headers(let headers):
            if let continuation = head {
                guard let response = UpstreamHTTP2Frames.response(headers.headers) else {
                    failure = UpstreamMalformedResponse()
                    context.close(promise: nil)
                    return
                }
                // Informational responses (`1xx`) go on to the client — but for `100 Continue`, which
                // concerns this hop only; the final head follows.
                guard !(100..<200).contains(response.status.code) else {
                    if response.status.code != 100 { interim?.send(response) }
                    return
                }
                head = nil
                headTimer?.cancel()
                headTimer = nil
                continuation.resume(returning: makeResponse(response, context: context))
            } else if headers.endStream {
                // A header block after the final head is the trailer section.
                responseTrailers?.set(UpstreamHTTP2Frames.fields(headers.headers))
            }
            if headers.endStream { responseEnded(context: context) }
        case .data(let data):
            if case .byteBuffer(let chunk) = data.data, chunk.readableBytes > 0, let body, !body.yield(chunk) {
                isReadPaused = true
            }
            if data.endStream { responseEnded(context: context) }
        case .rstStream(let code):
            if failure == nil { failure = UpstreamStreamReset(code: code) }
            context.close(promise: nil)
        default:
            break
        }
    }

    private func responseEnded(context: ChannelHandlerContext) {
        guard !isResponseEnded else { return }
        isResponseEnded = true
        let body = self.body
        self.body = nil
        body?.finish()
        if !isRequestWritten {
            // Answered before the request was sent in full: stop sending.
            context.close(promise: nil)
        }
    }

    private func makeResponse(_ response: HTTPResponse, context: ChannelHandlerContext) -> Response {
        let status = response.status.code
        if method == .head {
            return Response(head: response, body: HTTPBody(stream: UpstreamNoChunks(), length: nil))
        }
        if status == 204 || status == 304 {
            return Response(head: response, body: .empty)
        }
        let length = response.headerFields[.contentLength].flatMap { Int($0) }
        let (source, chunks) = UpstreamResponseBody.make(receiver: self, eventLoop: context.eventLoop, exchange: 0)
        body = source
        let trailers = HTTPTrailers()
        responseTrailers = trailers
        return Response(head: response, body: HTTPBody(stream: chunks, length: length, trailers: trailers))
    }

    func channelInactive(context: ChannelHandlerContext) {
        closed(with: failure ?? UpstreamConnectionClosed())
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if failure == nil { failure = error }
        context.close(promise: nil)
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable, let waiter = writableWaiter {
            writableWaiter = nil
            waiter.resume()
        }
        context.fireChannelWritabilityChanged()
    }

    func read(context: ChannelHandlerContext) {
        if isReadPaused {
            hasHeldRead = true
        } else {
            context.read()
        }
    }

    // MARK: UpstreamBodyDemandReceiver

    func resumeReading(exchange: Int) {
        isReadPaused = false
        if hasHeldRead, let context {
            hasHeldRead = false
            context.read()
        }
    }

    func bodyReaderGone(exchange: Int) {
        body = nil
        if !isResponseEnded {
            context?.close(promise: nil)
        }
    }

    private func closed(with error: any Error) {
        guard !isClosed else { return }
        isClosed = true
        headTimer?.cancel()
        if let head {
            self.head = nil
            head.resume(throwing: isStarted ? UpstreamExchangeFailure.failed(error) : .notStarted)
        }
        if let body {
            self.body = nil
            body.fail(error)
        }
        upload?.cancel()
        if let writableWaiter {
            self.writableWaiter = nil
            writableWaiter.resume(throwing: error)
        }
    }
}

@available(*, unavailable)
extension UpstreamHTTP2StreamHandler: Sendable {}

extension HTTPRequest {
    /// The request as sent on an HTTP/2 stream to `target`: `scheme`, the authority (the target when
    /// the request has none), no connection-specific fields (RFC 9113 §8.2.2), and `content-length` only
    /// when the body's length is known.
    init(http2Upstream request: HTTPRequest, scheme: String, target: String, knownLength: Int?) {
        var fields = HTTPFields()
        fields.reserveCapacity(request.headerFields.count)
        for field in request.headerFields {
            switch field.name {
            case .connection, .transferEncoding, .contentLength, .upgrade, UpstreamHTTP1Fields.proxyConnection,
                UpstreamHTTP1Fields.keepAlive, UpstreamHTTP1Fields.host:
                continue
            case .te where field.value.lowercased() != "trailers":
                continue
            default:
                fields.append(field)
            }
        }
        if let knownLength, knownLength > 0 || [.post, .put, .patch].contains(request.method) {
            fields[.contentLength] = String(knownLength)
        }
        self.init(
            method: request.method, scheme: request.method == .connect ? nil : scheme,
            authority: request.authority ?? target, path: request.method == .connect ? nil : (request.path ?? "/"),
            headerFields: fields)
    }
}
