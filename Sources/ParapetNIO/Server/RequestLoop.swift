import HTTPTypes
import Logging
import NIOCore
import NIOHTTP1
import ParapetCore

/// A channel carrying HTTP/1-style request and response parts: an HTTP/1.x connection, or one HTTP/2
/// stream behind NIO's HTTP/2-to-HTTP/1 codec.
typealias HTTPPartsChannel = NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>

/// Serves the requests arriving on one ``HTTPPartsChannel`` in order, through the server's handler.
struct RequestLoop: Sendable {
    let handler: any Handler
    let runtime: Runtime
    let logger: Logger

    /// Serves `channel` until the client closes it, the response says to close, or the task is cancelled.
    func serve(
        _ channel: HTTPPartsChannel, connection accepted: AcceptedConnection,
        over httpProtocol: ConnectionInfo.HTTPProtocol
    ) async {
        do {
            try await withTaskCancellationHandler {
                try await channel.executeThenClose { inbound, outbound in
                    try await serveRequests(
                        inbound: inbound, outbound: outbound, accepted: accepted, httpProtocol: httpProtocol)
                }
            } onCancel: {
                channel.channel.close(promise: nil)
            }
        } catch {
            logger.debug("connection closed", metadata: ["error": "\(error)"])
        }
    }

    private func serveRequests(
        inbound: NIOAsyncChannelInboundStream<HTTPServerRequestPart>,
        outbound: NIOAsyncChannelOutboundWriter<HTTPServerResponsePart>,
        accepted: AcceptedConnection,
        httpProtocol: ConnectionInfo.HTTPProtocol
    ) async throws {
        let reader = RequestPartReader(inbound)
        while let head = try await reader.nextHead() {
            var connection = accepted.info
            connection.httpProtocol = httpProtocol
            guard var request = HTTPRequest(http1: head, isSecure: connection.isSecure).map({ Request(head: $0) })
            else {
                try await write(
                    .error(.badRequest), for: head, keepAlive: false, isHTTP2: httpProtocol == .http2, to: outbound)
                return
            }
            request.body = requestBody(of: head, from: reader, isHTTP2: httpProtocol == .http2)
            let context = RequestContext(connection: connection, logger: logger, runtime: runtime)
            let response: Response
            do {
                response = try await handler.handle(request, context: context)
            } catch {
                logger.error("handler failed", metadata: ["error": "\(error)", "path": "\(head.uri)"])
                response = .error(.internalServerError)
            }
            // NIO's HTTP/1 decoder stops parsing after an upgrade or CONNECT request it did not switch
            // protocols for (apple/swift-nio#2570), so such a connection cannot be reused.
            let stopsDecoder =
                head.method == .CONNECT
                || (head.headers.contains(name: "upgrade")
                    && head.headers[canonicalForm: "connection"].contains { $0.lowercased() == "upgrade" })
            let keepAlive = try await write(
                response, for: head, keepAlive: head.isKeepAlive && !stopsDecoder, isHTTP2: httpProtocol == .http2,
                to: outbound)
            guard keepAlive else { return }
        }
    }

    /// The request's body: empty when the head says so, otherwise streamed from the connection.
    /// An HTTP/2 request may carry DATA frames without declaring a length.
    private func requestBody(of head: HTTPRequestHead, from reader: RequestPartReader, isHTTP2: Bool) -> HTTPBody {
        let isChunked = head.headers.contains(name: "transfer-encoding")
        let length = head.headers.first(name: "content-length").flatMap { Int($0) }
        if length == 0 || (!isHTTP2 && !isChunked && length == nil) { return .empty }
        return HTTPBody(stream: reader.body, length: isChunked ? nil : length)
    }

    /// Writes `response` to the request `head`; returns whether the connection stays open.
    @discardableResult
    private func write(
        _ response: Response,
        for head: HTTPRequestHead,
        keepAlive requestedKeepAlive: Bool,
        isHTTP2: Bool,
        to outbound: NIOAsyncChannelOutboundWriter<HTTPServerResponsePart>
    ) async throws -> Bool {
        let status = response.status.code
        let isBodyless = head.method == .HEAD || (100..<200).contains(status) || status == 204 || status == 304
        var responseHead = HTTPResponseHead(response.head, version: head.version)
        // A HEAD response advertises the length a GET would have had, when the handler produced that body.
        let advertisesLength = !isBodyless || (head.method == .HEAD && response.body.knownLength ?? 0 > 0)
        if advertisesLength, let length = response.body.knownLength,
            !responseHead.headers.contains(name: "content-length")
        {
            responseHead.headers.add(name: "content-length", value: String(length))
        }
        // HTTP/1.0 cannot chunk: a body of unknown length is delimited by closing the connection.
        let isCloseDelimited =
            !isHTTP2 && head.version.minor == 0 && !isBodyless && !responseHead.headers.contains(name: "content-length")
        let keepAlive = isHTTP2 || (requestedKeepAlive && !isCloseDelimited)
        if isHTTP2 {
            // Connection-specific fields are forbidden in HTTP/2 (RFC 9113 §8.2.2).
            for name in ["connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade"] {
                responseHead.headers.remove(name: name)
            }
        } else if !keepAlive {
            responseHead.headers.replaceOrAdd(name: "connection", value: "close")
        } else if head.version.minor == 0 {
            responseHead.headers.replaceOrAdd(name: "connection", value: "keep-alive")
        }

        if isBodyless {
            try await outbound.write(contentsOf: [.head(responseHead), .end(nil)])
            return keepAlive
        }
        switch response.body.storage {
        case .empty:
            try await outbound.write(contentsOf: [.head(responseHead), .end(nil)])
        case .buffer(let buffer):
            try await outbound.write(contentsOf: [.head(responseHead), .body(.byteBuffer(buffer)), .end(nil)])
        case .stream:
            try await outbound.write(.head(responseHead))
            for try await chunk in response.body {
                try await outbound.write(.body(.byteBuffer(chunk)))
            }
            try await outbound.write(.end(nil))
        }
        return keepAlive
    }
}
