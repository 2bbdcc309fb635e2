import NIOCore
import NIOPosix  // determinism: ok — ParapetRedis moves bytes on real sockets, like ParapetNIO
import ParapetCore

/// A connection of its own subscribed to one channel (`SUBSCRIBE`), kept open: when it closes or cannot
/// be opened, it is opened again after ``RedisConfiguration/reconnectBackoff``, waited out on the
/// runtime's clock.
///
/// A subscribed connection takes no other commands, so a ``RedisClient``'s pooled connections cannot
/// carry a subscription; this one carries nothing else. Pushes are decoded with ``RESPReader``: a
/// `subscribe` confirmation, then a `message` per publication.
struct RedisSubscriber: Sendable {
    /// Where to connect, and the backoff between attempts.
    let configuration: RedisConfiguration
    let eventLoopGroup: any EventLoopGroup
    /// The channel subscribed to.
    let channel: String
    /// The connection's name in `CLIENT LIST`.
    let connectionName: String

    /// What happens on the subscription, in order, one at a time: the next push is read only once the
    /// handler of the previous one returns.
    struct Handlers: Sendable {
        /// The subscription is in place: messages published from now on arrive. Throwing ends the
        /// connection (and a new one is opened after the backoff).
        var subscribed: @Sendable () async throws -> Void
        /// A message published on the channel.
        var message: @Sendable (ByteBuffer) async -> Void
        /// The connection closed or could not be opened: messages may be missed until the next
        /// `subscribed`.
        var lost: @Sendable () async -> Void
    }

    /// Subscribes and resubscribes until the calling task is cancelled. A connection that subscribed
    /// and then closed is opened again after the first delay of the backoff; each failure to subscribe
    /// lengthens it.
    func run(runtime: Runtime, handlers: Handlers) async {
        var failures = 0
        while !Task.isCancelled {
            let wasSubscribed = (try? await session(handlers)) ?? false
            await handlers.lost()
            failures = wasSubscribed ? 1 : failures + 1
            do {
                try await runtime.clock.sleep(for: configuration.reconnectBackoff.delay(afterFailures: failures))
            } catch {
                return
            }
        }
    }

    /// One connection, from connecting until it closes; returns whether it subscribed (and the
    /// `subscribed` handler succeeded).
    private func session(_ handlers: Handlers) async throws -> Bool {
        let connection = try await ClientBootstrap(group: eventLoopGroup)
            .connectTimeout(TimeAmount(configuration.connectTimeout))
            .connect(host: configuration.host, port: configuration.port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        let reader = try RESPReader(maximumReplySize: configuration.maximumReplySize)
        let commands: [RedisCommand] = [["CLIENT", "SETNAME", connectionName], ["SUBSCRIBE", channel]]
        let request = try commands.encoded(allocator: ByteBufferAllocator())
        return try await connection.executeThenClose { inbound, outbound in
            try await outbound.write(request)
            var isSubscribed = false
            do {
                for try await bytes in inbound {
                    try reader.feed(bytes)
                    while let reply = try reader.nextReply(allocator: ByteBufferAllocator()) {
                        switch Push(reply) {
                        case .subscribed:
                            try await handlers.subscribed()
                            isSubscribed = true
                        case .message(let payload):
                            await handlers.message(payload)
                        case .refused(let message):
                            throw RedisClientError.serverError(message)
                        case .other:
                            continue
                        }
                    }
                }
            } catch {
                // The connection broke, or the server refused; either way it is over.
            }
            return isSubscribed
        }
    }

    /// What one push on the subscribed connection says.
    enum Push: Equatable {
        /// `["subscribe", channel, count]`.
        case subscribed
        /// `["message", channel, payload]`.
        case message(ByteBuffer)
        /// An error reply: the server refused a command.
        case refused(String)
        /// Anything else, such as the `OK` of `CLIENT SETNAME`.
        case other

        init(_ reply: RedisReply) {
            switch reply {
            case .error(let message):
                self = .refused(message)
            case .array(let parts) where parts.count == 3:
                switch (parts[0].stringValue, parts[2]) {
                case ("subscribe", _): self = .subscribed
                case ("message", .bulkString(let payload)): self = .message(payload)
                default: self = .other
                }
            default:
                self = .other
            }
        }
    }
}
