public import Logging
import NIOCore
public import ParapetCache
public import ParapetCore
import Synchronization

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Purges across every instance sharing a Redis: each purge made through it is applied to the local
/// ``ParapetCache/PurgeTable`` and published; the purges the others publish are applied as they arrive.
///
/// ```swift
/// let purges = PurgeTable(wallClock: runtime.wallClock)
/// let fanOut = RedisPurgeFanOut(table: purges, client: RedisClient(configuration: .init(host: "redis.internal")))
/// fanOut.start(runtime: runtime)
/// server.use(PurgeEndpoint(purger: fanOut) { $0.headerFields[.authorization] == "Bearer \(token)" })
/// server.use(Cache(store: store, options: .init(purges: purges)))
/// ```
///
/// A purge heard from another instance is stamped when it arrives, on this instance's clock: it covers
/// everything stored here until then, whatever the skew between the instances' clocks. (An instance
/// hears its own purges too, and stamps them again on arrival: that purges what it stored in the
/// milliseconds between, never less.)
///
/// ## While Redis cannot be heard
///
/// An instance that cannot hear the channel cannot know what was purged meanwhile, so from the moment
/// its subscription is lost — and from ``start(runtime:logger:)`` until it first subscribes — the table
/// is suspended (``ParapetCache/PurgeTable/suspend()``): the cache serves nothing it stored and asks the
/// origin instead, while keeping what it stored. Redis being away costs the origin the cache's load;
/// it never costs a purge.
///
/// Every purge is published with a sequence number and kept in a list of the last
/// ``Options/logLength`` beside the channel. Once subscribed again, the instance replays the purges it
/// missed from that list and resumes serving; when the list no longer reaches back to the last purge it
/// applied, or Redis lost its data, it purges everything instead. On its first subscription it purges
/// everything too: what it stored before could have been purged by anyone.
///
/// A purge that cannot be published (Redis away) is still applied here, and ``purge(_:)`` throws
/// ``RedisClientError``: the caller learns that the other instances did not get it.
public final class RedisPurgeFanOut: Purger {
    /// Where purges are published and kept.
    public struct Options: Sendable {
        /// The channel purges are published on; the sequence counter and the list of recent purges are
        /// the keys `<channel>:sequence` and `<channel>:log`. Default `parapet:purge`.
        public var channel: String
        /// How many recent purges are kept for instances that resubscribe. Default 10,000.
        public var logLength: Int
        /// The subscribing connection's name in `CLIENT LIST`. Default `parapet-purge`.
        public var connectionName: String
        /// How often the subscribing connection is pinged, on the runtime's clock. A connection dropped
        /// silently (a NAT or load balancer forgetting an idle flow) would otherwise look subscribed
        /// forever while hearing nothing. Default 5 s: well under the idle timeouts of common NATs and
        /// load balancers (tens of seconds and up), and one `PING` every 5 s costs Redis nothing.
        public var keepAliveInterval: Duration
        /// How long a ping may go unanswered before the subscription counts as lost: the table is
        /// suspended and the connection opened again. Default 2 s: far above a healthy round trip, even
        /// to a Redis busy with a slow command, while bounding how long purges can be missed unnoticed
        /// to about ``keepAliveInterval`` + ``keepAliveTimeout``.
        public var keepAliveTimeout: Duration

        /// Creates options.
        public init(
            channel: String = "parapet:purge", logLength: Int = 10_000, connectionName: String = "parapet-purge",
            keepAliveInterval: Duration = .seconds(5), keepAliveTimeout: Duration = .seconds(2)
        ) {
            self.channel = channel
            self.logLength = logLength
            self.connectionName = connectionName
            self.keepAliveInterval = keepAliveInterval
            self.keepAliveTimeout = keepAliveTimeout
        }
    }

    /// The local table: purges are applied to it.
    public let table: PurgeTable
    /// The client purges are published and replayed with; the subscription has a connection of its own
    /// to the same server.
    public let client: RedisClient
    /// Where purges are published and kept.
    public let options: Options
    private let state = Mutex(StateMachine())
    private let subscription = Mutex<Subscription>(.idle)

    private enum Subscription {
        case idle
        case running(any SpawnedTask)
        case stopped
    }

    /// A fan-out for `table` through the server `client` connects to. Nothing is heard before
    /// ``start(runtime:logger:)``.
    public init(table: PurgeTable, client: RedisClient, options: Options = Options()) {
        self.table = table
        self.client = client
        self.options = options
    }

    /// Suspends the table and starts subscribing, through `runtime`'s spawner; the table resumes once
    /// subscribed and caught up. Does nothing once started or stopped.
    public func start(runtime: Runtime, logger: Logger = Logger(label: "parapet.redis.purge-fan-out")) {
        let subscriber = RedisSubscriber(
            configuration: client.configuration, eventLoopGroup: client.eventLoopGroup, channel: options.channel,
            connectionName: options.connectionName, keepAliveInterval: options.keepAliveInterval,
            keepAliveTimeout: options.keepAliveTimeout)
        subscription.withLock { subscription in
            guard case .idle = subscription else { return }
            table.suspend()
            let handlers = RedisSubscriber.Handlers(
                subscribed: { [self] in try await catchUp(logger: logger) },
                message: { [self] payload in hear(payload, logger: logger) },
                lost: { [self] in
                    table.suspend()
                    logger.warning("purge fan-out lost its subscription to \(options.channel); suspended")
                })
            subscription = .running(
                runtime.spawner.spawn("purge fan-out \(options.channel)") {
                    await subscriber.run(runtime: runtime, handlers: handlers)
                })
        }
    }

    /// Stops listening; idempotent. The table stays suspended: purges are no longer heard.
    public func stop() {
        let task = subscription.withLock { subscription -> (any SpawnedTask)? in
            defer { subscription = .stopped }
            guard case .running(let task) = subscription else { return nil }
            return task
        }
        task?.cancel()
        table.suspend()
    }

    /// Applies `scope` to the table, then publishes it to the other instances.
    ///
    /// - Returns: the epoch stamped here.
    /// - Throws: ``RedisClientError`` when it could not be published; it is applied here all the same.
    @discardableResult
    public func purge(_ scope: PurgeScope) async throws -> WallInstant {
        let epoch = table.purge(scope)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let json = String(decoding: try encoder.encode(scope), as: UTF8.self)
        let reply = try await client.evaluate(
            Self.publishScript, keys: [sequenceKey, logKey],
            arguments: [json, String(options.logLength), options.channel])
        guard case .integer = reply else {
            if case .error(let message) = reply { throw RedisClientError.serverError(message) }
            throw RedisClientError.unexpectedReply(reply)
        }
        return epoch
    }

    private var sequenceKey: String { options.channel + ":sequence" }
    private var logKey: String { options.channel + ":log" }

    /// Replays what was missed since the last purge applied, and resumes the table.
    private func catchUp(logger: Logger) async throws {
        let reply = try await client.evaluate(Self.replayScript, keys: [sequenceKey, logKey])
        guard case .array(let parts) = reply, parts.count == 2, case .array(let entries) = parts[1] else {
            if case .error(let message) = reply { throw RedisClientError.serverError(message) }
            throw RedisClientError.unexpectedReply(reply)
        }
        guard let counter = parts[0].stringValue.flatMap({ Int64($0) }) else {
            throw RedisClientError.unexpectedReply(reply)
        }
        let log = entries.compactMap { $0.stringValue.flatMap(Message.init(text:)) }
        let actions = state.withLock { $0.replayed(counter: counter, log: log) }
        apply(actions)
        logger.info("purge fan-out subscribed to \(options.channel)", metadata: ["replayed": "\(actions)"])
        table.resume()
    }

    private func hear(_ payload: ByteBuffer, logger: Logger) {
        guard let message = Message(text: String(buffer: payload)) else {
            logger.warning("purge fan-out ignored a message without a sequence number on \(options.channel)")
            return
        }
        apply(state.withLock { $0.received(message) })
    }

    private func apply(_ actions: [StateMachine.Action]) {
        for action in actions {
            switch action {
            case .purge(let scope): table.purge(scope)
            case .purgeAll: table.purge(.all)
            }
        }
    }

    /// Creates the sequence counter when it is missing — on a fresh Redis, or one that lost its data —
    /// from the server's clock in microseconds, so that a counter started anew never reissues a number
    /// an instance already applied, and is seen as the gap it is.
    private static let seedingCounter = """
        if redis.call('EXISTS', KEYS[1]) == 0 then
          local now = redis.call('TIME')
          redis.call('SET', KEYS[1], now[1] .. string.format('%06d', tonumber(now[2])))
        end

        """

    /// Numbers the purge, keeps it in the list and publishes it as `<sequence> <scope JSON>`.
    static let publishScript = RedisScript(
        seedingCounter + """
            local message = string.format('%d', redis.call('INCR', KEYS[1])) .. ' ' .. ARGV[1]
            redis.call('RPUSH', KEYS[2], message)
            redis.call('LTRIM', KEYS[2], -tonumber(ARGV[2]), -1)
            redis.call('PUBLISH', ARGV[3], message)
            return 1
            """
    )

    /// The latest sequence number and the kept purges, read together.
    static let replayScript = RedisScript(
        seedingCounter + "return {redis.call('GET', KEYS[1]), redis.call('LRANGE', KEYS[2], 0, -1)}"
    )
}

extension RedisPurgeFanOut.Message {
    /// A message as published: `<sequence> <scope JSON>`; `nil` without a sequence number.
    init?(text: String) {
        let parts = text.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: false)
        guard let first = parts.first, let sequence = Int64(first) else { return nil }
        self.sequence = sequence
        self.scope = parts.count == 2 ? try? JSONDecoder().decode(PurgeScope.self, from: Data(parts[1].utf8)) : nil
    }
}
