public import NIOCore
public import NIOPosix  // determinism: ok — ParapetRedis moves bytes on real sockets, like ParapetNIO
import Synchronization

/// A small Redis client over SwiftNIO: a pool of pipelined connections, a timeout on every call, and
/// reconnection with backoff when the server goes away.
///
/// hiredis encodes commands and decodes replies; every byte moves through SwiftNIO, so no call ever
/// blocks a thread. Calls share the pool's connections (``RedisConfiguration/poolSize``), many at a
/// time on each, and their replies are matched in order. A call that has no reply within its timeout
/// throws ``RedisClientError/timedOut`` and retires its connection; while the server is unreachable
/// and reconnection is backing off, calls throw ``RedisClientError/unavailable`` at once.
///
/// ```swift
/// let client = RedisClient(configuration: RedisConfiguration(host: "127.0.0.1", port: 6379))
/// _ = try await client.send(["SET", "greeting", "hello"])
/// let greeting = try await client.send(["GET", "greeting"]).stringValue  // "hello"
/// await client.close()
/// ```
///
/// Connections open on first use. Close the client when done with it; a client that is released
/// without being closed closes its connections without waiting.
public final class RedisClient: Sendable {
    /// Where the client connects and its limits.
    public let configuration: RedisConfiguration
    let eventLoopGroup: any EventLoopGroup
    let pool: Mutex<StateMachine<RedisConnection, EventLoopPromise<RedisConnection>>>

    /// Creates a client for the server in `configuration`, running its connections on `eventLoopGroup`.
    /// Nothing connects until the first call.
    public init(
        configuration: RedisConfiguration = RedisConfiguration(),
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) {
        self.configuration = configuration
        self.eventLoopGroup = eventLoopGroup
        self.pool = Mutex(StateMachine(size: configuration.poolSize, backoff: configuration.reconnectBackoff))
    }

    deinit {
        let (connections, attempts) = pool.withLock { $0.close() }
        for attempt in attempts {
            attempt.fail(RedisClientError.clientClosed)
        }
        for connection in connections {
            connection.channel.close(promise: nil)
        }
    }

    /// Sends one command and returns its reply.
    ///
    /// Cancelling the calling task does not cut the wait short: the timeout bounds it.
    ///
    /// - Parameters:
    ///   - command: the command name and its arguments.
    ///   - timeout: the call's budget, including any wait for a connection; ``RedisConfiguration/timeout``
    ///     when `nil`.
    /// - Throws: ``RedisClientError`` when no reply arrives; a Redis error is returned as
    ///   ``RedisReply/error(_:)``.
    ///
    /// ```swift
    /// let hits = try await client.send(["INCR", "hits"])  // .integer(1)
    /// ```
    public func send(_ command: RedisCommand, timeout: Duration? = nil) async throws -> RedisReply {
        try await send(command, deadline: deadline(after: timeout))
    }

    /// Sends `commands` back to back on one connection, with a single write, and returns their replies
    /// in order. The timeout covers the whole batch.
    public func send(_ commands: [RedisCommand], timeout: Duration? = nil) async throws -> [RedisReply] {
        try await send(commands, deadline: deadline(after: timeout))
    }

    /// Closes every connection and fails calls made from now on with ``RedisClientError/clientClosed``.
    public func close() async {
        let (connections, attempts) = pool.withLock { $0.close() }
        for attempt in attempts {
            attempt.fail(RedisClientError.clientClosed)
        }
        for connection in connections {
            try? await connection.channel.close()
        }
    }

    /// The moment a call made now with `timeout` gives up.
    func deadline(after timeout: Duration?) -> NIODeadline {
        .now() + TimeAmount(timeout ?? configuration.timeout)
    }

    /// Sends `command` on a connection of the pool, giving up at `deadline`.
    func send(_ command: RedisCommand, deadline: NIODeadline) async throws -> RedisReply {
        guard let reply = try await send([command], deadline: deadline).first else {
            throw RedisClientError.protocolError("a command got no reply")
        }
        return reply
    }

    /// Sends `commands` on a connection of the pool, giving up at `deadline`.
    func send(_ commands: [RedisCommand], deadline: NIODeadline) async throws -> [RedisReply] {
        guard !commands.isEmpty else { return [] }
        let encoded = try commands.encoded(allocator: ByteBufferAllocator())
        let connection = try await connection(before: deadline)
        return try await connection.send(encoded, replyCount: commands.count, deadline: deadline).get()
    }

    /// A connection of the pool, opening one if none is open; fails once `deadline` passes.
    private func connection(before deadline: NIODeadline) async throws -> RedisConnection {
        let (acquisition, connects) = pool.withLock { pool in
            pool.acquire(now: .now()) { eventLoopGroup.next().makePromise(of: RedisConnection.self) }
        }
        for connect in connects {
            open(connect)
        }
        switch acquisition {
        case .use(let connection):
            return connection
        case .wait(let attempt):
            return try await attempt.futureResult.failing(at: deadline).get()
        case .unavailable:
            throw RedisClientError.unavailable
        case .closed:
            throw RedisClientError.clientClosed
        }
    }
}
