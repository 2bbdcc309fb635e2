import CHiredis
import NIOCore

/// A RESP decoder over hiredis's `redisReader`: bytes go in as they arrive, whole replies come out.
///
/// hiredis only parses; it never touches the socket. The reader is confined to one connection's
/// event loop (it is not `Sendable`) and frees its C state when released.
final class RESPReader {
    /// The deepest nesting of arrays accepted; deeper replies are a protocol error (nothing Parapet
    /// sends gets replies nested more than twice).
    static let maximumDepth = 32

    private let reader: UnsafeMutablePointer<redisReader>
    private let maximumReplySize: Int

    /// Creates a reader that refuses to buffer more than `maximumReplySize` bytes of unfinished replies.
    init(maximumReplySize: Int) throws(RedisClientError) {
        guard let reader = redisReaderCreate() else { throw .protocolError("hiredis could not allocate a reader") }
        self.reader = reader
        self.maximumReplySize = maximumReplySize
    }

    deinit {
        redisReaderFree(reader)
    }

    /// Hands `bytes` to the parser.
    func feed(_ bytes: ByteBuffer) throws(RedisClientError) {
        let status = bytes.withUnsafeReadableBytes { raw in
            redisReaderFeed(reader, raw.baseAddress?.assumingMemoryBound(to: CChar.self), raw.count)
        }
        guard status == REDIS_OK else { throw .protocolError(errorText) }
        let buffered = reader.pointee.len - reader.pointee.pos
        guard buffered <= maximumReplySize else {
            throw .protocolError("an unfinished reply exceeds \(maximumReplySize) bytes")
        }
    }

    /// The next complete reply, or `nil` until more bytes arrive.
    func nextReply(allocator: ByteBufferAllocator) throws(RedisClientError) -> RedisReply? {
        var raw: UnsafeMutableRawPointer?
        guard redisReaderGetReply(reader, &raw) == REDIS_OK else { throw .protocolError(errorText) }
        guard let raw else { return nil }
        defer { freeReplyObject(raw) }
        return try Self.reply(from: raw.assumingMemoryBound(to: redisReply.self), depth: 0, allocator: allocator)
    }

    /// The parser's description of its failure.
    private var errorText: String {
        withUnsafeBytes(of: reader.pointee.errstr) { bytes in
            let end = bytes.firstIndex(of: 0) ?? bytes.count
            let text = String(decoding: bytes[..<end], as: UTF8.self)
            return text.isEmpty ? "malformed reply" : text
        }
    }

    /// Converts hiredis's reply tree into a ``RedisReply``.
    private static func reply(
        from node: UnsafePointer<redisReply>, depth: Int, allocator: ByteBufferAllocator
    ) throws(RedisClientError) -> RedisReply {
        let reply = node.pointee
        switch reply.type {
        case REDIS_REPLY_STATUS:
            return .simpleString(text(of: reply))
        case REDIS_REPLY_ERROR:
            return .error(text(of: reply))
        case REDIS_REPLY_INTEGER:
            return .integer(Int64(reply.integer))
        case REDIS_REPLY_NIL:
            return .null
        case REDIS_REPLY_STRING:
            var buffer = allocator.buffer(capacity: reply.len)
            if let bytes = reply.str {
                buffer.writeBytes(UnsafeRawBufferPointer(start: bytes, count: reply.len))
            }
            return .bulkString(buffer)
        case REDIS_REPLY_ARRAY:
            guard depth < maximumDepth else { throw .protocolError("a reply nests arrays deeper than \(maximumDepth)") }
            guard reply.elements > 0, let elements = reply.element else { return .array([]) }
            var values: [RedisReply] = []
            values.reserveCapacity(reply.elements)
            for index in 0..<reply.elements {
                guard let element = elements[index] else { throw .protocolError("an array element is missing") }
                values.append(try Self.reply(from: element, depth: depth + 1, allocator: allocator))
            }
            return .array(values)
        default:
            throw .protocolError("unsupported reply type \(reply.type)")
        }
    }

    /// The text of a status or error reply.
    private static func text(of reply: redisReply) -> String {
        guard let bytes = reply.str else { return "" }
        return String(decoding: UnsafeRawBufferPointer(start: bytes, count: reply.len), as: UTF8.self)
    }
}
