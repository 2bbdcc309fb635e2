import HTTPTypes
import Logging
import NIOCore
import NIOHTTP1
import ParapetCore

/// Serves the requests of one HTTP/1.x connection in order, through the server's handler.
struct HTTP1Connection {
    typealias Channel = NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>

    let handler: any Handler
    let runtime: Runtime
    let logger: Logger

    func serve(_ channel: Channel) async {
        let connection = ConnectionInfo(
            peer: channel.channel.remoteAddress.flatMap(NetworkAddress.init),
            local: channel.channel.localAddress.flatMap(NetworkAddress.init),
            tls: nil,
            httpProtocol: .http1
        )
        do {
            try await channel.executeThenClose { inbound, outbound in
                let reader = RequestPartReader(inbound)
                while let head = try await reader.nextHead() {
                    guard var request = HTTPRequest(http1: head, isSecure: connection.isSecure).map({ Request(head: $0) })
                    else {
                        try await write(.error(.badRequest), for: head, keepAlive: false, to: outbound)
                        return
                    }
                    request.body = requestBody(of: head, from: reader)
                    let context = RequestContext(connection: connection, logger: logger, runtime: runtime)
                    let response: Response
                    do {
                        response = try await handler.handle(request, context: context)
                    } catch {
                        logger.error("handler failed", metadata: ["error": "\(error)", "path": "\(head.uri)"])
                        response = .error(.internalServerError)
                    }
                    let keepAlive = try await write(response, for: head, keepAlive: head.isKeepAlive, to: outbound)
                    guard keepAlive else { return }
                }
            }
        } catch {
            logger.debug("connection closed", metadata: ["error": "\(error)"])
        }
    }

    private func requestBody(of head: HTTPRequestHead, from reader: RequestPartReader) -> HTTPBody {
        let isChunked = head.headers.contains(name: "transfer-encoding")
        let length = head.headers.first(name: "content-length").flatMap { Int($0) }
        if !isChunked, length ?? 0 == 0 { return .empty }
        return HTTPBody(stream: reader.body, length: isChunked ? nil : length)
    }

    /// Writes `response` to the request `head`; returns whether the connection stays open.
    @discardableResult
    private func write(
        _ response: Response,
        for head: HTTPRequestHead,
        keepAlive requestedKeepAlive: Bool,
        to outbound: NIOAsyncChannelOutboundWriter<HTTPServerResponsePart>
    ) async throws -> Bool {
        let status = response.status.code
        let isBodyless = head.method == .HEAD || (100..<200).contains(status) || status == 204 || status == 304
        var responseHead = HTTPResponseHead(response.head, version: head.version)
        // A HEAD response advertises the length a GET would have had, when the handler produced that body.
        let advertisesLength = !isBodyless || (head.method == .HEAD && response.body.knownLength ?? 0 > 0)
        if advertisesLength, let length = response.body.knownLength, !responseHead.headers.contains(name: "content-length") {
            responseHead.headers.add(name: "content-length", value: String(length))
        }
        // HTTP/1.0 cannot chunk: a body of unknown length is delimited by closing the connection.
        let isCloseDelimited = head.version.minor == 0 && !isBodyless && !responseHead.headers.contains(name: "content-length")
        let keepAlive = requestedKeepAlive && !isCloseDelimited
        if !keepAlive {
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
