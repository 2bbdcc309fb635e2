import Foundation
import NIOCore
import NIOPosix

/// An origin that speaks raw bytes, for answers a Parapet server would not give (hop-by-hop fields, a
/// `101` with bytes behind it in one write): it reads a request head, writes whatever `answer` returns
/// for it in one write, then echoes every byte that follows.
final class RawOrigin: Sendable {
    let channel: any Channel
    var port: Int { channel.localAddress?.port ?? 0 }

    private init(channel: any Channel) { self.channel = channel }

    static func start(answer: @escaping @Sendable (_ requestHead: String) -> String) async throws -> RawOrigin {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(Handler(answer: answer))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        return RawOrigin(channel: channel)
    }

    func stop() async { try? await channel.close() }

    private final class Handler: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer
        let answer: @Sendable (String) -> String
        private var head = ""
        private var answered = false

        init(answer: @escaping @Sendable (String) -> String) {
            self.answer = answer
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            var bytes = unwrapInboundIn(data)
            guard !answered else {
                context.writeAndFlush(wrapOutboundOut(bytes), promise: nil)
                return
            }
            head += bytes.readString(length: bytes.readableBytes) ?? ""
            guard let end = head.range(of: "\r\n\r\n") else { return }
            answered = true
            let reply = answer(String(head[..<end.lowerBound])) + head[end.upperBound...]
            context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: reply)), promise: nil)
        }
    }
}
