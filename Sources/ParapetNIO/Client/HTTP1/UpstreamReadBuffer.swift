import NIOCore

/// Holds what a new connection reads before its protocol handlers are in place — a server's HTTP/2
/// `SETTINGS`, sent as soon as TLS is up, must not fall off the end of the pipeline while the client
/// decides between HTTP/1.1 and HTTP/2. Removing the handler passes the held reads on, in order.
final class UpstreamReadBuffer: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny

    private var held: [NIOAny] = []
    private var sawReadComplete = false

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        held.append(data)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        sawReadComplete = true
    }

    func removeHandler(context: ChannelHandlerContext, removalToken: ChannelHandlerContext.RemovalToken) {
        let held = self.held
        self.held.removeAll()
        for data in held {
            context.fireChannelRead(data)
        }
        if sawReadComplete || !held.isEmpty {
            context.fireChannelReadComplete()
        }
        context.leavePipeline(removalToken: removalToken)
    }
}

@available(*, unavailable)
extension UpstreamReadBuffer: Sendable {}

extension Channel {
    /// Adds `handlers` behind the connection's ``UpstreamReadBuffer`` and removes it, passing on what it
    /// held; call on the channel's event loop.
    func addUpstreamProtocolHandlers(_ add: (ChannelPipeline.SynchronousOperations) throws -> Void) throws {
        let operations = pipeline.syncOperations
        try add(operations)
        if let buffer = try? operations.handler(type: UpstreamReadBuffer.self) {
            operations.removeHandler(buffer, promise: nil)
        }
    }
}
