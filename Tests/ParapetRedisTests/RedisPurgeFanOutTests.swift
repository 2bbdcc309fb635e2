import HTTPTypes
import Logging
import NIOCore
import ParapetCache
import ParapetCore
import ParapetNIO
import ParapetTestSupport
import ParapetTesting
import Synchronization
import Testing

@testable import ParapetRedis

/// One proxy instance: a cache with its own store and purge table, a fan-out on its own client, on the
/// production runtime.
final class PurgingInstance: Sendable {
    let name: String
    let table: PurgeTable
    let store = MemoryCacheStore(byteBudget: 1 << 20)
    let client: RedisClient
    let fanOut: RedisPurgeFanOut
    let runtime = Runtime.system
    private let handler: any Handler

    init(
        _ name: String, server: RedisServerProcess, backoff: RedisBackoff = RedisBackoff(initial: .milliseconds(20)),
        options: RedisPurgeFanOut.Options = .init()
    ) throws {
        self.name = name
        table = PurgeTable(wallClock: runtime.wallClock)
        var configuration = server.configuration()
        configuration.reconnectBackoff = backoff
        client = RedisClient(configuration: configuration)
        var options = options
        options.connectionName = name
        fanOut = RedisPurgeFanOut(table: table, client: client, options: options)
        let answers = AnswerCount()
        let origin = Endpoint { _, _ in
            let count = answers.next()
            return Response(
                status: .ok, headerFields: [.cacheControl: "max-age=600"], body: HTTPBody(string: "\(name) \(count)"))
        }
        let chain = Middlewares([Cache(store: store, options: .init(purges: table)), origin])
        let logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
        handler = try ServerConfiguration.general.makeHandler(
            serving: chain, in: ChainEnvironment(runtime: runtime, logger: logger))
        fanOut.start(runtime: runtime, logger: logger)
    }

    /// Whether `GET path` on example.com was served from the cache.
    func isHit(_ path: String) async throws -> Bool {
        let head = HTTPRequest(method: .get, scheme: "http", authority: "example.com", path: path)
        let context = RequestContext(
            connection: ConnectionInfo(peer: TestClient.defaultPeer),
            logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }), runtime: runtime)
        let response = try await handler.handle(Request(head: head), context: context)
        _ = try await response.body.collect(upTo: 1 << 20)
        return response.headerFields[HTTPField.Name("Cache-Status")!]?.contains("; hit") == true
    }

    /// Waits (at most `limit`) until the table is, or is not, suspended.
    func waitUntil(suspended: Bool, within limit: Duration = .seconds(5)) async throws {
        try await withTimeLimit(limit) { [table] in
            while table.isSuspended != suspended { try await Task.sleep(for: .milliseconds(1)) }
        }
    }

    func close() async {
        fanOut.stop()
        runtime.spawner.cancelAll()
        await client.close()
    }
}

/// How many times an origin answered.
final class AnswerCount: Sendable {
    private let count = Atomic<Int>(0)

    func next() -> Int {
        count.wrappingAdd(1, ordering: .relaxed).newValue
    }
}

/// Runs `body` with two instances on a fresh server, closing them whatever happens.
func withTwoInstances(
    bBackoff: RedisBackoff = RedisBackoff(initial: .milliseconds(20)),
    _ body: (RedisServerProcess, PurgingInstance, PurgingInstance) async throws -> Void
) async throws {
    try await withRedisServer { server in
        let a = try PurgingInstance("instance-a", server: server)
        let b = try PurgingInstance("instance-b", server: server, backoff: bBackoff)
        do {
            try await a.waitUntil(suspended: false)
            try await b.waitUntil(suspended: false)
            try await body(server, a, b)
        } catch {
            await a.close()
            await b.close()
            throw error
        }
        await a.close()
        await b.close()
    }
}

// The time limit counts the wait for a turn beside the CPU-heavy tests too: it bounds a hang.
@Suite(
    "RedisPurgeFanOut: purges across instances over redis-server", .serialized, .timingSensitive,
    .timeLimit(.minutes(10)))
struct RedisPurgeFanOutTests {
    @Test func aPurgeOnOneInstanceIsHonouredByTheOtherWithinAHundredMilliseconds() async throws {
        try await withTwoInstances { _, a, b in
            for path in ["/a", "/b"] {
                _ = try await a.isHit(path)
                _ = try await b.isHit(path)
                #expect(try await b.isHit(path))
            }
            let issued = b.runtime.wallClock.now
            try await a.fanOut.purge(.url(host: "example.com", pathAndQuery: "/a"))
            // B stamps the purge with its own clock when it applies it: the latency is that stamp, not
            // when this poll, which a busy machine can wake late, happens to look.
            let latency = try await withTimeLimit(.seconds(1)) {
                while true {
                    if let applied = b.table.invalidatedAfter(key: "http://example.com/a", tags: []),
                        applied >= issued
                    {
                        return applied.sinceEpoch - issued.sinceEpoch
                    }
                    try await Task.sleep(for: .microseconds(200))
                }
            }
            #expect(latency < .milliseconds(100))
            #expect(try await !b.isHit("/a"))
            #expect(try await !a.isHit("/a"))
            #expect(try await b.isHit("/b"))
        }
    }

    @Test func anInstanceCutOffMeanwhileServesNothingPurgedAndReplaysWhatItMissed() async throws {
        try await withTwoInstances(bBackoff: RedisBackoff(initial: .milliseconds(20), maximum: .milliseconds(100))) {
            _, a, b in
            for path in ["/purged", "/kept", "/while-cut"] {
                _ = try await b.isHit(path)
                #expect(try await b.isHit(path))
            }
            let synced = try #require(b.table.statistics.global)
            let clients = try await a.client.send(["CLIENT", "LIST", "TYPE", "pubsub"]).stringValue ?? ""
            let line = try #require(clients.split(separator: "\n").first { $0.contains(" name=instance-b ") })
            let id = try #require(line.split(separator: " ").first { $0.hasPrefix("id=") }?.dropFirst(3))
            // B is cut off until the purge is published, whatever the machine's load: with one client
            // fewer allowed than are connected (Redis keeps the ones it has), killing B's subscription
            // leaves no room for it to come back.
            let connected = try await a.client.send(["INFO", "clients"]).stringValue ?? ""
            let countLine = try #require(
                connected.split(whereSeparator: \.isNewline).first { $0.hasPrefix("connected_clients:") })
            let count = try #require(Int(countLine.dropFirst("connected_clients:".count)))
            let replies = try await a.client.send([
                ["CONFIG", "SET", "maxclients", String(count - 1)], ["CLIENT", "KILL", "ID", String(id)],
            ])
            #expect(replies == [.simpleString("OK"), .integer(1)])
            try await b.waitUntil(suspended: true)
            // Cut off, B cannot know what is purged: it serves nothing it stored.
            #expect(try await !b.isHit("/while-cut"))
            try await a.fanOut.purge(.url(host: "example.com", pathAndQuery: "/purged"))
            #expect(b.table.isSuspended)
            #expect(b.table.statistics.urlRecords == 0)
            #expect(try await a.client.send(["CONFIG", "SET", "maxclients", "10000"]) == .simpleString("OK"))
            try await b.waitUntil(suspended: false)
            // Back: the missed purge was replayed, and only it — what else B stored is served again.
            #expect(b.table.statistics.urlRecords == 1)
            #expect(b.table.statistics.global == synced)
            #expect(try await !b.isHit("/purged"))
            #expect(try await b.isHit("/kept"))
        }
    }

    @Test func aSubscriptionThatFallsSilentIsNoticedAndSuspendsTheTableUntilItRecovers() async throws {
        try await withRedisServer { server in
            // Pinged every 200 ms, given 500 ms to answer (thousands of loopback round trips): a silent
            // connection is noticed within 700 ms, against the 10 s allowed below.
            let instance = try PurgingInstance(
                "instance-a", server: server,
                options: .init(keepAliveInterval: .milliseconds(200), keepAliveTimeout: .milliseconds(500)))
            do {
                try await instance.waitUntil(suspended: false)
                // A healthy connection answers its pings: ten rounds later it is still subscribed.
                try await Task.sleep(for: .seconds(2))
                #expect(!instance.table.isSuspended)
                // Frozen, the server neither answers nor closes: the connection looks open but is silent.
                server.setFrozen(true)
                do {
                    try await instance.waitUntil(suspended: true, within: .seconds(10))
                } catch {
                    server.setFrozen(false)
                    throw error
                }
                server.setFrozen(false)
                try await instance.waitUntil(suspended: false, within: .seconds(10))
            } catch {
                await instance.close()
                throw error
            }
            await instance.close()
        }
    }

    @Test func anUnreadableMessageOnTheChannelPurgesEverything() async throws {
        try await withTwoInstances { _, a, b in
            _ = try await b.isHit("/a")
            #expect(try await b.isHit("/a"))
            let before = try #require(b.table.statistics.global)
            // Whatever it was meant to purge is unknown: everything is.
            #expect(try await a.client.send(["PUBLISH", "parapet:purge", "garbled"]) == .integer(2))
            try await withTimeLimit(.seconds(5)) {
                while b.table.statistics.global.map({ $0 <= before }) ?? true {
                    try await Task.sleep(for: .milliseconds(1))
                }
            }
            #expect(try await !b.isHit("/a"))
            #expect(!b.table.isSuspended)
        }
    }

    @Test func aTableIsSuspendedFromTheFanOutsCreationUntilItFirstSubscribes() async throws {
        try await withRedisServer { server in
            let table = PurgeTable(wallClock: Runtime.system.wallClock)
            let client = RedisClient(configuration: server.configuration())
            let fanOut = RedisPurgeFanOut(table: table, client: client)
            // Purges published now would go unheard: nothing stored may be served.
            #expect(table.isSuspended)
            fanOut.stop()
            await client.close()
        }
    }

    @Test func anInstanceWhoseRedisLostItsDataPurgesEverything() async throws {
        try await withTwoInstances { server, a, b in
            _ = try await b.isHit("/a")
            #expect(try await b.isHit("/a"))
            let before = try #require(b.table.statistics.global)
            await server.stop()
            try await b.waitUntil(suspended: true)
            // A purge that cannot be published is still applied where it was made, and says so.
            await #expect(throws: RedisClientError.self) {
                try await a.fanOut.purge(.tag("t"))
            }
            #expect(a.table.statistics.tagRecords == 1)
            try await server.restart()
            try await b.waitUntil(suspended: false)
            // The fresh server's counter cannot vouch for what happened meanwhile: everything is purged.
            #expect(try #require(b.table.statistics.global) > before)
            #expect(try await !b.isHit("/a"))
        }
    }
}
