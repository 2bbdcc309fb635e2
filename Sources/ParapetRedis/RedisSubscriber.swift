import NIOCore
import NIOPosix  // determinism: ok — ParapetRedis moves bytes on real sockets, like ParapetNIO
import ParapetCore
import Synchronization

/// A connection of its own subscribed to one channel (`SUBSCRIBE`), kept open: when it closes or cannot
/// be opened, it is opened again after ``RedisConfiguration/reconnectBackoff``, waited out on the
/// runtime's clock.
///
/// A subscribed connection takes no other commands, so a ``RedisClient``'s pooled connections cannot
/// carry a subscription; this one carries nothing else. Pushes are decoded with ``RESPReader``: a
/// `subscribe` confirmation, then a `message` per publication.
///
/// A connection can die without closing — a NAT or load balancer forgetting an idle flow drops its
/// packets without a reset — and a subscriber only ever reads, so it would never notice. It sends
/// `PING` every ``keepAliveInterval`` instead (answered on a subscribed connection by the push
/// `["pong", ""]`); a ping left unanswered for ``keepAliveTimeout`` closes the connection, which is
/// then lost like any other.
struct RedisSubscriber: Sendable {
    /// Where to connect, and the backoff between attempts.
    let configuration: RedisConfiguration
    let eventLoopGroup: any EventLoopGroup
    /// The channel subscribed to.
    let channel: String
    /// The connection's name in `CLIENT LIST`.
    let connectionName: String
    /// How long between pings on the connection.
    var keepAliveInterval: Duration = .seconds(5)
    /// How long a ping may go unanswered before the connection counts as dead.
    var keepAliveTimeout: Duration = .seconds(2)

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
            let wasSubscribed = (try? await session(handlers, clock: runtime.clock)) ?? false
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
    private func session(_ handlers: Handlers, clock: any MonotonicClock) async throws -> Bool {
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
        let keepAlive = KeepAlive(
            channel: connection.channel, ping: try [["PING"]].encoded(allocator: ByteBufferAllocator()), clock: clock,
            interval: keepAliveInterval, timeout: keepAliveTimeout)
        return try await connection.executeThenClose { inbound, outbound in
            try await outbound.write(request)
            // From the start, not from the confirmation: a server that accepts the connection and then
            // never answers is as dead as one that stops answering later.
            keepAlive.start()
            defer { keepAlive.stop() }
            var isSubscribed = false
            do {
                for try await bytes in inbound {
                    try reader.feed(bytes)
                    while let reply = try reader.nextReply(allocator: ByteBufferAllocator()) {
                        switch Push(reply) {
                        case .subscribed:
                            keepAlive.handlerStarted()
                            try await handlers.subscribed()
                            isSubscribed = true
                        case .message(let payload):
                            keepAlive.handlerStarted()
                            await handlers.message(payload)
                        case .pong:
                            keepAlive.ponged()
                        case .refused(let message):
                            throw RedisClientError.serverError(message)
                        case .other:
                            continue
                        }
                        keepAlive.handlerEnded()
                    }
                }
            } catch {
                // The connection broke, the server refused, or the keep-alive closed it; it is over.
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
        /// `["pong", ""]`: the answer to `PING` on a subscribed connection.
        case pong
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
            case .array(let parts) where parts.count == 2 && parts[0].stringValue == "pong":
                self = .pong
            default:
                self = .other
            }
        }
    }
}

extension RedisSubscriber {
    /// The pings of one connection, on timers of the runtime's clock: ping, check the answer
    /// `timeout` later, ping again `interval` after the previous ping.
    ///
    /// Replies are read one at a time, after the handler of the previous one returns, so a pong can sit
    /// unread behind a slow handler (a catch-up): a check that a handler overlapped is skipped, not
    /// failed. A dead connection runs no handlers, so it is still caught at the next check.
    final class KeepAlive: Sendable {
        private struct State {
            var pingsSent = 0
            var pongsReceived = 0
            var isHandling = false
            /// Whether a handler ran since the last ping.
            var hasHandled = false
            var isStopped = false
            var timer: (any ScheduledCallback)?
        }

        private let channel: any Channel
        /// `PING`, encoded once for the connection's life.
        private let pingCommand: ByteBuffer
        private let clock: any MonotonicClock
        private let interval: Duration
        private let timeout: Duration
        private let state = Mutex(State())
        init(channel: any Channel, ping: ByteBuffer, clock: any MonotonicClock, interval: Duration, timeout: Duration) {
            self.channel = channel
            self.pingCommand = ping
            self.clock = clock
            self.interval = max(interval, .milliseconds(1))
            self.timeout = max(timeout, .milliseconds(1))
        }

        func start() {
            schedule(at: clock.now.advanced(by: interval)) { [self] in ping(at: $0) }
        }

        func stop() {
            let timer = state.withLock { state in
                state.isStopped = true
                return state.timer.take()
            }
            timer?.cancel()
        }

        func ponged() {
            state.withLock { $0.pongsReceived += 1 }
        }

        func handlerStarted() {
            state.withLock {
                $0.isHandling = true
                $0.hasHandled = true
            }
        }

        func handlerEnded() {
            state.withLock { $0.isHandling = false }
        }

        private func ping(at instant: MonotonicInstant) {
            let number = state.withLock { state -> Int? in
                guard !state.isStopped else { return nil }
                state.pingsSent += 1
                state.hasHandled = state.isHandling
                return state.pingsSent
            }
            guard let number else { return }
            channel.writeAndFlush(pingCommand, promise: nil)
            schedule(at: instant.advanced(by: timeout)) { [self] _ in check(number, pingedAt: instant) }
        }

        private func check(_ number: Int, pingedAt instant: MonotonicInstant) {
            let isDead = state.withLock { state in
                !state.isStopped && state.pongsReceived < number && !state.hasHandled && !state.isHandling
            }
            if isDead {
                channel.close(promise: nil)
                return
            }
            let next = instant.advanced(by: interval)
            schedule(at: max(next, clock.now)) { [self] in ping(at: $0) }
        }

        private func schedule(at instant: MonotonicInstant, _ action: @escaping @Sendable (MonotonicInstant) -> Void) {
            let timer = clock.scheduleCallback(at: instant) { action(instant) }
            let superseded = state.withLock { state -> (any ScheduledCallback)? in
                guard !state.isStopped else { return timer }
                defer { state.timer = timer }
                return nil
            }
            superseded?.cancel()
        }
    }
}
