import NIOCore
import Testing

@testable import ParapetRedis

@Suite("RESP decoding with hiredis")
struct RESPReaderTests {
    func replies(to input: String, maximumReplySize: Int = 1 << 20, chunk: Int? = nil) throws -> [RedisReply] {
        let reader = try RESPReader(maximumReplySize: maximumReplySize)
        let bytes = Array(input.utf8)
        var replies: [RedisReply] = []
        var start = 0
        repeat {
            let end = min(bytes.count, start + (chunk ?? bytes.count))
            try reader.feed(ByteBuffer(bytes: bytes[start..<end]))
            while let reply = try reader.nextReply(allocator: ByteBufferAllocator()) {
                replies.append(reply)
            }
            start = end
        } while start < bytes.count
        return replies
    }

    @Test(arguments: [
        ("+OK\r\n", RedisReply.simpleString("OK")),
        ("-ERR wrong type\r\n", .error("ERR wrong type")),
        (":42\r\n", .integer(42)),
        (":-9223372036854775808\r\n", .integer(.min)),
        ("$5\r\nhello\r\n", .bulkString(ByteBuffer(string: "hello"))),
        ("$0\r\n\r\n", .bulkString(ByteBuffer())),
        ("$-1\r\n", .null),
        ("*-1\r\n", .null),
        ("*0\r\n", .array([])),
        (
            "*3\r\n:1\r\n$1\r\na\r\n*1\r\n+x\r\n",
            .array([.integer(1), .bulkString(ByteBuffer(string: "a")), .array([.simpleString("x")])])
        ),
    ])
    func decodesEachShape(input: String, expected: RedisReply) throws {
        #expect(try replies(to: input) == [expected])
        #expect(try replies(to: input, chunk: 1) == [expected], "fed one byte at a time")
    }

    @Test func decodesPipelinedRepliesInOrder() throws {
        let input = "+OK\r\n:1\r\n$3\r\nfoo\r\n$-1\r\n-ERR no\r\n"
        let expected: [RedisReply] = [
            .simpleString("OK"), .integer(1), .bulkString(ByteBuffer(string: "foo")), .null, .error("ERR no"),
        ]
        #expect(try replies(to: input) == expected)
        #expect(try replies(to: input, chunk: 3) == expected)
    }

    @Test func bulkStringsAreBinarySafe() throws {
        let reader = try RESPReader(maximumReplySize: 1 << 20)
        let payload: [UInt8] = Array(0...255) + Array("\r\n".utf8)
        try reader.feed(ByteBuffer(bytes: Array("$\(payload.count)\r\n".utf8) + payload + Array("\r\n".utf8)))
        #expect(try reader.nextReply(allocator: ByteBufferAllocator()) == .bulkString(ByteBuffer(bytes: payload)))
    }

    @Test func anIncompleteReplyWaitsForMoreBytes() throws {
        let reader = try RESPReader(maximumReplySize: 1 << 20)
        try reader.feed(ByteBuffer(string: "$5\r\nhel"))
        #expect(try reader.nextReply(allocator: ByteBufferAllocator()) == nil)
        try reader.feed(ByteBuffer(string: "lo\r\n"))
        #expect(try reader.nextReply(allocator: ByteBufferAllocator()) == .bulkString(ByteBuffer(string: "hello")))
    }

    @Test(arguments: ["?what\r\n", "hello\r\n", "\r\n", "*1\r\n!\r\n"])
    func malformedInputIsAProtocolError(input: String) throws {
        #expect(throws: RedisClientError.self) { try replies(to: input) }
    }

    @Test(arguments: ["*99999999999999999999\r\n", "*9223372036854775807\r\n", "$9223372036854775807\r\nabc"])
    func absurdLengthsNeitherCrashNorProduceAReply(input: String) {
        // hiredis either refuses the length or waits for bytes that never come; nothing is returned.
        #expect((try? replies(to: input, maximumReplySize: 1 << 10))?.isEmpty ?? true)
    }

    @Test func deeplyNestedArraysAreAProtocolError() throws {
        let input = String(repeating: "*1\r\n", count: 100) + ":1\r\n"
        #expect(throws: RedisClientError.self) { try replies(to: input) }
    }

    @Test func arraysNestedToTheMaximumDepthAreDecoded() throws {
        let depth = RESPReader.maximumDepth
        var expected = RedisReply.integer(1)
        for _ in 0..<depth { expected = .array([expected]) }
        let input = String(repeating: "*1\r\n", count: depth) + ":1\r\n"
        #expect(try replies(to: input) == [expected])
        #expect(throws: RedisClientError.protocolError("a reply nests arrays deeper than \(depth)")) {
            try replies(to: "*1\r\n" + input)
        }
    }

    @Test func anArrayHeaderOverTheElementBoundFailsBeforeItsElementsArrive() throws {
        // Before the bound, hiredis allocated the 8 MB element table and waited for the elements.
        let reader = try RESPReader(maximumReplySize: 1 << 10)
        try reader.feed(ByteBuffer(string: "*\(RESPReader.maximumElements + 1)\r\n"))
        #expect(throws: RedisClientError.protocolError("a reply holds more than \(RESPReader.maximumElements) elements")) {
            try reader.nextReply(allocator: ByteBufferAllocator())
        }
    }

    @Test func theElementBoundCountsNestedArrays() throws {
        let maximum = RESPReader.maximumElements
        // 2 + 3 + (maximum - 4) elements declared in one reply, in a few dozen bytes.
        let input = "*2\r\n*3\r\n:1\r\n:1\r\n:1\r\n*\(maximum - 4)\r\n"
        #expect(throws: RedisClientError.protocolError("a reply holds more than \(maximum) elements")) {
            try replies(to: input, maximumReplySize: 1 << 10)
        }
    }

    @Test func eachReplyGetsTheWholeElementBound() throws {
        let reader = try RESPReader(maximumReplySize: 1 << 10)
        try reader.feed(ByteBuffer(string: "*3\r\n:1\r\n:2\r\n:3\r\n*\(RESPReader.maximumElements)\r\n"))
        #expect(try reader.nextReply(allocator: ByteBufferAllocator()) == .array([.integer(1), .integer(2), .integer(3)]))
        #expect(try reader.nextReply(allocator: ByteBufferAllocator()) == nil, "the second reply waits for its elements")
    }

    @Test func anOversizedReplyIsAProtocolError() throws {
        let input = "$1000\r\n" + String(repeating: "x", count: 100)
        #expect(throws: RedisClientError.self) { try replies(to: input, maximumReplySize: 64) }
    }
}
