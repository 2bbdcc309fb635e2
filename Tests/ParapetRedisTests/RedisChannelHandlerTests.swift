import NIOCore
import NIOEmbedded
import Synchronization
import Testing

@testable import ParapetRedis

@Suite("Redis channel handler: pipelining, timeouts, bad input")
struct RedisChannelHandlerTests {
    /// A connected embedded channel running the handler, and the losses it reported.
    final class Connection {
        let channel = EmbeddedChannel()
        let lossLog = LossLog()

        init() throws {
            let lossLog = self.lossLog
            let handler = try RedisChannelHandler(maximumReplySize: 1 << 20) { hasAnswered, hasFailed in
                lossLog.record("answered: \(hasAnswered), failed: \(hasFailed)")
            }
            try channel.pipeline.syncOperations.addHandler(handler)
            try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 6379)).wait()
        }

        var loop: EmbeddedEventLoop { channel.embeddedEventLoop }

        /// Writes `commands` as one request due `timeout` from the loop's current time.
        func send(_ commands: [RedisCommand], timeout: TimeAmount = .milliseconds(100)) throws -> EventLoopFuture<
            [RedisReply]
        > {
            RedisConnection(channel: channel).send(
                try commands.encoded(allocator: channel.allocator), replyCount: commands.count,
                deadline: loop.now + timeout
            )
        }

        func receive(_ text: String) throws {
            try channel.writeInbound(ByteBuffer(string: text))
        }

        /// Everything flushed so far, after letting the loop run its deferred flush.
        func written() throws -> String {
            loop.run()
            var text = ""
            while let buffer = try channel.readOutbound(as: ByteBuffer.self) {
                text += String(buffer: buffer)
            }
            return text
        }
    }

    /// The result of a future that has already completed.
    func result<T>(_ future: EventLoopFuture<T>) -> Result<T, any Error>? {
        var result: Result<T, any Error>?
        future.assumeIsolated().whenComplete { result = $0 }
        return result
    }

    @Test func writesEncodedCommandsAndMatchesRepliesInOrder() throws {
        let connection = try Connection()
        let first = try connection.send([["GET", "a"]])
        let second = try connection.send([["INCR", "b"], ["PING"]])
        let third = try connection.send([["GET", "missing"]])
        #expect(try connection.channel.readOutbound(as: ByteBuffer.self) == nil, "the flush waits for the loop's turn")
        #expect(
            try connection.written()
                == "*2\r\n$3\r\nGET\r\n$1\r\na\r\n*2\r\n$4\r\nINCR\r\n$1\r\nb\r\n*1\r\n$4\r\nPING\r\n"
                + "*2\r\n$3\r\nGET\r\n$7\r\nmissing\r\n")
        try connection.receive("$1\r\nx\r\n:7\r\n+PO")
        #expect(try result(first)?.get() == [.bulkString(ByteBuffer(string: "x"))])
        #expect(result(second) == nil, "half of the batch's replies are in")
        try connection.receive("NG\r\n$-1\r\n")
        #expect(try result(second)?.get() == [.integer(7), .simpleString("PONG")])
        #expect(try result(third)?.get() == [.null])
        #expect(connection.channel.isActive)
    }

    @Test func aTimeoutFailsTheCallRetiresTheConnectionAndKeepsLaterRepliesMatched() throws {
        let connection = try Connection()
        let slow = try connection.send([["GET", "slow"]], timeout: .milliseconds(100))
        let later = try connection.send([["GET", "later"]], timeout: .milliseconds(300))
        connection.loop.advanceTime(by: .milliseconds(100))
        #expect(throws: RedisClientError.timedOut) { try result(slow)?.get() }
        #expect(connection.lossLog.entries == ["answered: false, failed: true"])
        // Retired: new calls are refused at once, but the one still waiting gets its own reply.
        let refused = try connection.send([["PING"]])
        #expect(throws: RedisClientError.connectionClosed) { try result(refused)?.get() }
        try connection.receive("$4\r\nslow\r\n$5\r\nlater\r\n")
        #expect(try result(later)?.get() == [.bulkString(ByteBuffer(string: "later"))])
        #expect(!connection.channel.isActive, "closed once nothing waits on it")
        #expect(connection.lossLog.entries.count == 1, "the loss is reported once")
    }

    @Test func aConnectionWhoseCallsAllTimedOutCloses() throws {
        let connection = try Connection()
        let calls = try (0..<3).map { _ in try connection.send([["PING"]]) }
        connection.loop.advanceTime(by: .milliseconds(100))
        for call in calls {
            #expect(throws: RedisClientError.timedOut) { try result(call)?.get() }
        }
        #expect(!connection.channel.isActive)
    }

    @Test func aReplyNobodyAskedForClosesTheConnection() throws {
        let connection = try Connection()
        try connection.receive("+surprise\r\n")
        #expect(!connection.channel.isActive)
        #expect(connection.lossLog.entries == ["answered: false, failed: true"])
    }

    @Test func malformedRepliesFailEveryWaitingCall() throws {
        let connection = try Connection()
        let calls = try (0..<3).map { _ in try connection.send([["PING"]]) }
        try connection.receive("+PONG\r\n%garbage\r\n")
        #expect(try result(calls[0])?.get() == [.simpleString("PONG")])
        for call in calls.dropFirst() {
            #expect {
                try result(call)?.get()
            } throws: { error in
                guard case RedisClientError.protocolError = error else { return false }
                return true
            }
        }
        #expect(!connection.channel.isActive)
    }

    @Test func closingFailsWaitingCallsAndLaterWrites() throws {
        let connection = try Connection()
        let waiting = try connection.send([["PING"]])
        try connection.receive(":1\r\n")
        #expect(try result(waiting)?.get() == [.integer(1)])
        let unanswered = try connection.send([["PING"]])
        try connection.channel.close().wait()
        #expect(throws: RedisClientError.connectionClosed) { try result(unanswered)?.get() }
        #expect(connection.lossLog.entries == ["answered: true, failed: false"])
        let afterClose = try connection.send([["PING"]])
        #expect(throws: RedisClientError.connectionClosed) { try result(afterClose)?.get() }
    }
}

/// The losses a handler reported.
final class LossLog: Sendable {
    private let storage = Mutex<[String]>([])

    func record(_ entry: String) {
        storage.withLock { $0.append(entry) }
    }

    var entries: [String] { storage.withLock { $0 } }
}
