import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// What the minimal server does with the n-th request (from 1) of a connection.
enum MiniAction: Sendable {
    case respond(String)
    case close
}

/// A minimal NIO HTTP/1.1 server on TCP or a unix socket, with scripted behaviour: for what the Parapet
/// server cannot be made to do (listen on a unix socket, drop a keep-alive connection as a request
/// arrives).
final class MiniHTTPServer: Sendable {
    let channel: any Channel
    private let accepted: AcceptCounter

    var acceptedConnections: Int { accepted.value.withLock { $0 } }

    private init(channel: any Channel, accepted: AcceptCounter) {
        self.channel = channel
        self.accepted = accepted
    }

    static func start(
        unixSocketPath: String? = nil, _ behaviour: @escaping @Sendable (Int, HTTPRequestHead) -> MiniAction
    ) async throws -> MiniHTTPServer {
        let accepted = AcceptCounter()
        let bootstrap = ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { channel in
                accepted.value.withLock { $0 += 1 }
                return channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(MiniHTTPHandler(behaviour: behaviour))
                }
            }
        let channel: any Channel
        if let unixSocketPath {
            channel = try await bootstrap.bind(unixDomainSocketPath: unixSocketPath, cleanupExistingSocketFile: true).get()
        } else {
            channel = try await bootstrap.bind(host: "127.0.0.1", port: 0).get()
        }
        return MiniHTTPServer(channel: channel, accepted: accepted)
    }

    func stop() async {
        try? await channel.close()
    }

    var port: Int { channel.localAddress?.port ?? 0 }

    private final class AcceptCounter: Sendable {
        let value = Mutex(0)
    }
}

private final class MiniHTTPHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    let behaviour: @Sendable (Int, HTTPRequestHead) -> MiniAction
    private var index = 0
    private var head: HTTPRequestHead?

    init(behaviour: @escaping @Sendable (Int, HTTPRequestHead) -> MiniAction) {
        self.behaviour = behaviour
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
        case .body:
            break
        case .end:
            guard let head else { return }
            index += 1
            switch behaviour(index, head) {
            case .respond(let text):
                var headers = HTTPHeaders()
                headers.add(name: "content-length", value: String(text.utf8.count))
                context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .ok, headers: headers))), promise: nil)
                context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: text)))), promise: nil)
                context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
            case .close:
                context.close(promise: nil)
            }
        }
    }
}
