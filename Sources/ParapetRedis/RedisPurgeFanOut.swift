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
/// its subscription is lost — and from the fan-out's creation until it first subscribes — the table
/// is suspended (``ParapetCache/PurgeTable/suspend()``): the cache serves nothing it stored and asks the
/// origin instead, while keeping what it stored. Redis being away costs the origin the cache's load;
/// it never costs a purge.
///
/// A subscription can also die without closing: a NAT or load balancer that forgets an idle flow drops
/// its packets without a reset. The subscribing connection is therefore pinged every
/// ``Options/keepAliveInterval`` on the runtime's clock; a ping unanswered for
/// ``Options/keepAliveTimeout`` counts as a lost subscription.
///
/// Every purge is published with a sequence number and the generation of the counter that numbered it,
/// and kept in a list of the last ``Options/logLength`` beside the channel. Once subscribed again, the
/// instance reads the purges it missed from that list (only those, with a budget of 5 s), replays them
/// and resumes serving; when the list no longer reaches back to the last purge it applied, or the
/// counter is of another generation (Redis lost its data, or failed over to a server without it), it
/// purges everything instead. On its first subscription it purges everything too: what it stored
/// before could have been purged by anyone. A catch-up that fails is logged at warning, and tried again
/// on the next subscription; a message heard that cannot be read purges everything, as it may have
/// been a purge.
///
/// A purge that cannot be published (Redis away) is still applied here, and ``purge(_:)`` throws
/// ``RedisClientError``: the caller learns that the other instances did not get it.
public final class RedisPurgeFanOut: Purger {
    /// Where purges are published and kept.
    public struct Options: Sendable {
        /// The channel purges are published on; the sequence counter, its generation and the list of
        /// recent purges are the keys `{<channel>}:sequence`, `{<channel>}:generation` and
        /// `{<channel>}:log` — one hash tag, so that a Redis Cluster keeps them in one slot, as the
        /// scripts that use them together require. Default `parapet:purge`.
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
    /// ``start(runtime:logger:)``, so the table is suspended from now on until the first subscription:
    /// purges published meanwhile would otherwise be missed while the table serves.
    public init(table: PurgeTable, client: RedisClient, options: Options = Options()) {
        self.table = table
        self.client = client
        self.options = options
        table.suspend()
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
                subscribed: { [self] in
                    do {
                        try await catchUp(logger: logger)
                    } catch {
                        // The table stays suspended until a catch-up succeeds: say why it does not.
                        logger.warning(
                            "purge fan-out could not catch up on \(options.channel); still suspended",
                            metadata: ["error": "\(error)"])
                        throw error
                    }
                },
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
            Self.publishScript, keys: [sequenceKey, logKey, generationKey],
            arguments: [json, String(options.logLength), options.channel])
        guard case .integer = reply else {
            if case .error(let message) = reply { throw RedisClientError.serverError(message) }
            throw RedisClientError.unexpectedReply(reply)
        }
        return epoch
    }

    private var sequenceKey: String { "{\(options.channel)}:sequence" }
    private var generationKey: String { "{\(options.channel)}:generation" }
    private var logKey: String { "{\(options.channel)}:log" }

    /// The budget of one catch-up: the list it reads can hold up to ``Options/logLength`` purges, far
    /// more than the client's default timeout (sized for a rate limiter's one small reply) allows, and
    /// a catch-up that never fits its budget would leave the table suspended for good.
    static let catchUpTimeout: Duration = .seconds(5)

    /// Replays what was missed since the last purge applied, and resumes the table.
    private func catchUp(logger: Logger) async throws {
        // Only the purges missed are read: the newest `counter - last` of the list, and none when the
        // gap is wider than the list (everything is purged then).
        let last = state.withLock { $0.lastSequence }.map { String($0) } ?? ""
        let reply = try await client.evaluate(
            Self.replayScript, keys: [sequenceKey, logKey, generationKey],
            arguments: [last, String(options.logLength)], timeout: Self.catchUpTimeout)
        guard case .array(let parts) = reply, parts.count == 3, case .array(let entries) = parts[2] else {
            if case .error(let message) = reply { throw RedisClientError.serverError(message) }
            throw RedisClientError.unexpectedReply(reply)
        }
        guard let counter = parts[0].stringValue.flatMap({ Int64($0) }), let generation = parts[1].stringValue
        else {
            throw RedisClientError.unexpectedReply(reply)
        }
        let log = entries.compactMap { $0.stringValue.flatMap(Message.init(text:)) }
        let actions = state.withLock { $0.replayed(counter: counter, generation: generation, log: log) }
        apply(actions)
        logger.info("purge fan-out subscribed to \(options.channel)", metadata: ["replayed": "\(actions)"])
        table.resume()
    }

    private func hear(_ payload: ByteBuffer, logger: Logger) {
        guard let message = Message(text: String(buffer: payload)) else {
            // It may have been a purge: what it covered is unknown, so everything is.
            logger.warning("purge fan-out purged everything for an unreadable message on \(options.channel)")
            apply(state.withLock { $0.receivedUnreadable() })
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

    /// Creates the sequence counter (`KEYS[1]`) and its generation (`KEYS[3]`) when either is missing —
    /// on a fresh Redis, or one that lost its data — both from the server's clock in microseconds. The
    /// counter starts far past any number a previous counter issued, unless this server's clock is
    /// behind; the new generation tells the instances that numbers no longer compare with the ones
    /// they applied, whatever the clocks.
    private static let seedingCounter = """
        if redis.call('EXISTS', KEYS[1]) == 0 or redis.call('EXISTS', KEYS[3]) == 0 then
          local now = redis.call('TIME')
          local seed = now[1] .. string.format('%06d', tonumber(now[2]))
          redis.call('SET', KEYS[1], seed)
          redis.call('SET', KEYS[3], seed)
        end

        """

    /// Numbers the purge, keeps it in the list and publishes it as
    /// `<sequence>:<generation> <scope JSON>`.
    static let publishScript = RedisScript(
        seedingCounter + """
            local message = string.format('%d', redis.call('INCR', KEYS[1])) .. ':'
              .. redis.call('GET', KEYS[3]) .. ' ' .. ARGV[1]
            redis.call('RPUSH', KEYS[2], message)
            redis.call('LTRIM', KEYS[2], -tonumber(ARGV[2]), -1)
            redis.call('PUBLISH', ARGV[3], message)
            return 1
            """
    )

    /// The latest sequence number, its generation and the purges kept since `ARGV[1]` (the last
    /// sequence number applied, empty before the first replay), read together. Only the tail missed
    /// is read, and nothing when it is wider than the list (`ARGV[2]` long) or there is nothing to
    /// replay (first replay, counter gone back).
    static let replayScript = RedisScript(
        seedingCounter + """
            local counter = redis.call('GET', KEYS[1])
            local missed = 0
            if ARGV[1] ~= '' then missed = tonumber(counter) - tonumber(ARGV[1]) end
            local log = {}
            if missed > 0 and missed <= tonumber(ARGV[2]) then
              log = redis.call('LRANGE', KEYS[2], string.format('%d', -missed), -1)
            end
            return {counter, redis.call('GET', KEYS[3]), log}
            """
    )
}

extension RedisPurgeFanOut.Message {
    /// A message as published: `<sequence>:<generation> <scope JSON>` (or `<sequence> <scope JSON>`,
    /// without a generation, as published before generations); `nil` without a sequence number.
    init?(text: String) {
        let parts = text.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: false)
        guard let first = parts.first else { return nil }
        let numbering = first.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        guard let sequence = numbering.first.flatMap({ Int64($0) }) else { return nil }
        self.sequence = sequence
        self.generation = numbering.count == 2 ? String(numbering[1]) : nil
        self.scope = parts.count == 2 ? try? JSONDecoder().decode(PurgeScope.self, from: Data(parts[1].utf8)) : nil
    }
}
