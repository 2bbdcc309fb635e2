import NIOCore
import Testing

@testable import ParapetRedis

@Suite("RESP encoding with hiredis")
struct RedisCommandEncodingTests {
    func encoded(_ command: RedisCommand) throws -> String {
        var buffer = ByteBuffer()
        try command.encode(into: &buffer)
        return String(buffer: buffer)
    }

    @Test func encodesAnArrayOfBulkStrings() throws {
        #expect(try encoded(["SET", "key", "value"]) == "*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$5\r\nvalue\r\n")
        #expect(try encoded(["PING"]) == "*1\r\n$4\r\nPING\r\n")
    }

    @Test func encodesEmptyAndBinaryArguments() throws {
        var buffer = ByteBuffer()
        try RedisCommand(bytes: [Array("SET".utf8), [], [0, 13, 10, 255]]).encode(into: &buffer)
        #expect(
            Array(buffer.readableBytesView) == Array("*3\r\n$3\r\nSET\r\n$0\r\n\r\n$4\r\n".utf8) + [0, 13, 10, 255] + [
                13, 10,
            ])
        #expect(try encoded(RedisCommand(bytes: [[], []])) == "*2\r\n$0\r\n\r\n$0\r\n\r\n")
    }

    @Test func encodesMultiByteText() throws {
        #expect(try encoded(["SET", "clé", "värde"]) == "*3\r\n$3\r\nSET\r\n$4\r\nclé\r\n$6\r\nvärde\r\n")
    }

    @Test func anEmptyCommandCannotBeEncoded() {
        #expect(throws: RedisClientError.invalidCommand) { try encoded(RedisCommand([])) }
    }

    @Test func aBatchIsTheCommandsBackToBack() throws {
        let batch = try [RedisCommand(["INCR", "a"]), ["GET", "a"]].encoded(allocator: ByteBufferAllocator())
        #expect(String(buffer: batch) == "*2\r\n$4\r\nINCR\r\n$1\r\na\r\n*2\r\n$3\r\nGET\r\n$1\r\na\r\n")
    }

    @Test func aScriptIsNamedByTheSHA1OfItsSource() {
        #expect(RedisScript("return 1").sha1 == "e0e1f9fabfc9d4800c877a703b823ac0578ff8db")
    }
}
