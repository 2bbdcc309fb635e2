import NIOCore
import ParapetRedis
import ParapetTestSupport
import Testing

@Suite("Redis client against a real redis-server", .timingSensitive, .timeLimit(.minutes(10)))
struct RedisClientTests {
    @Test func roundTripsEveryReplyShape() async throws {
        try await withRedisServer { server in
            let client = RedisClient(configuration: server.configuration())
            #expect(try await client.send(["PING"]) == .simpleString("PONG"))
            #expect(try await client.send(["SET", "greeting", "hello"]) == .simpleString("OK"))
            #expect(try await client.send(["GET", "greeting"]) == .bulkString(ByteBuffer(string: "hello")))
            #expect(try await client.send(["GET", "greeting"]).stringValue == "hello")
            #expect(try await client.send(["GET", "missing"]) == .null)
            #expect(try await client.send(["INCR", "hits"]) == .integer(1))
            #expect(try await client.send(["INCRBY", "hits", "-5"]) == .integer(-4))
            #expect(try await client.send(["RPUSH", "list", "a", "", "c"]) == .integer(3))
            #expect(
                try await client.send(["LRANGE", "list", "0", "-1"])
                    == .array([
                        .bulkString(ByteBuffer(string: "a")), .bulkString(ByteBuffer()),
                        .bulkString(ByteBuffer(string: "c")),
                    ]))
            #expect(
                try await client.send(["MGET", "greeting", "missing"])
                    == .array([.bulkString(ByteBuffer(string: "hello")), .null]))
            guard case .error(let notAnInteger) = try await client.send(["INCR", "greeting"]) else {
                Issue.record("INCR on text did not fail")
                return
            }
            #expect(notAnInteger.hasPrefix("ERR"))
            guard case .error(let unknown) = try await client.send(["NO-SUCH-COMMAND"]) else {
                Issue.record("an unknown command did not fail")
                return
            }
            #expect(unknown.hasPrefix("ERR unknown command"))
            await client.close()
        }
    }

    @Test func bulkStringsAreBinarySafeBothWays() async throws {
        try await withRedisServer { server in
            let client = RedisClient(configuration: server.configuration())
            let value: [UInt8] = Array(0...255) + Array("\r\n$-1\r\n".utf8)
            let stored = try await client.send(RedisCommand(bytes: [Array("SET".utf8), [0, 1], value]))
            let loaded = try await client.send(RedisCommand(bytes: [Array("GET".utf8), [0, 1]]))
            #expect(stored == .simpleString("OK"))
            #expect(loaded == .bulkString(ByteBuffer(bytes: value)))
            await client.close()
        }
    }

    @Test func aThousandCommandsPipelineInOneWrite() async throws {
        try await withRedisServer { server in
            let client = RedisClient(configuration: server.configuration())
            let replies = try await client.send(
                Array(repeating: ["INCR", "counter"], count: 1_000), timeout: .seconds(5))
            #expect(replies == (1...1_000).map { RedisReply.integer(Int64($0)) })
            await client.close()
        }
    }

    @Test func aThousandConcurrentCallsShareThePoolsConnections() async throws {
        try await withRedisServer { server in
            var configuration = server.configuration()
            configuration.poolSize = 2
            let client = RedisClient(configuration: configuration)
            let mismatches = try await withThrowingTaskGroup(of: Bool.self) { group in
                for index in 0..<1_000 {
                    group.addTask {
                        let replies = try await client.send([
                            ["SET", "key:\(index)", "value:\(index)"], ["GET", "key:\(index)"],
                        ])
                        return replies != [.simpleString("OK"), .bulkString(ByteBuffer(string: "value:\(index)"))]
                    }
                }
                return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
            }
            #expect(mismatches == 0)
            #expect(try await client.send(["DBSIZE"]) == .integer(1_000))
            // Two pooled connections carried every call (plus none left over from earlier attempts).
            let clients = try await client.send(["CLIENT", "LIST"]).stringValue ?? ""
            #expect(clients.split(separator: "\n").count == 2)
            await client.close()
        }
    }

    @Test func scriptsRunByDigestAndFallBackToTheirSource() async throws {
        try await withRedisServer { server in
            let client = RedisClient(configuration: server.configuration())
            let script = RedisScript("return redis.call('INCRBY', KEYS[1], ARGV[1])")
            #expect(try await client.send(["SCRIPT", "LOAD", script.source]).stringValue == script.sha1)
            _ = try await client.send(["SCRIPT", "FLUSH"])
            #expect(try await client.evaluate(script, keys: ["total"], arguments: ["5"]) == .integer(5))
            #expect(try await client.evaluate(script, keys: ["total"], arguments: ["2"]) == .integer(7))
            let stats = try await client.send(["INFO", "commandstats"]).stringValue ?? ""
            #expect(stats.contains("cmdstat_evalsha:calls=2,"), "both calls tried EVALSHA first")
            #expect(stats.contains("cmdstat_eval:calls=1,"), "only the first fell back to EVAL")
            guard case .error = try await client.evaluate(RedisScript("return redis.call('NOPE')")) else {
                Issue.record("a failing script did not return an error reply")
                return
            }
            await client.close()
        }
    }

    @Test func aClosedClientRefusesCalls() async throws {
        try await withRedisServer { server in
            let client = RedisClient(configuration: server.configuration())
            let pong = try await client.send(["PING"])
            #expect(pong == .simpleString("PONG"))
            await client.close()
            await #expect(throws: RedisClientError.clientClosed) { try await client.send(["PING"]) }
        }
    }

    @Test func nothingListeningFailsFastAndThenBacksOff() async throws {
        let port = try await freeLoopbackPort()
        var configuration = RedisConfiguration(host: "127.0.0.1", port: port)
        configuration.poolSize = 1
        configuration.reconnectBackoff = RedisBackoff(initial: .seconds(5), maximum: .seconds(5))
        // A refused connection is an error at once, not a call that waits out its budget: a budget far
        // longer than the production 100 ms shows that (and a loaded machine cannot overtake it).
        configuration.timeout = .seconds(5)
        let client = RedisClient(configuration: configuration)
        await #expect {
            try await client.send(["PING"])
        } throws: { error in
            guard case RedisClientError.connectionFailed = error else { return false }
            return true
        }
        await #expect(throws: RedisClientError.unavailable) { try await client.send(["PING"]) }
        await client.close()
    }
}
