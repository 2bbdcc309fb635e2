import CHiredis
import NIOCore

/// A RESP decoder over hiredis's `redisReader`: bytes go in as they arrive, whole replies come out.
///
/// hiredis only parses; it never touches the socket. The reader is confined to one connection's
/// event loop (it is not `Sendable`) and frees its C state when released.
///
/// Three bounds keep a misbehaving server from making it allocate without limit: the bytes of an unfinished
/// reply (`maximumReplySize`), and — checked as hiredis meets each array header, before it allocates the
/// array — the nesting depth (``maximumDepth``) and the number of elements in one reply, nested arrays
/// included (``maximumElements``).
final class RESPReader {
    /// The deepest nesting of arrays accepted; deeper replies are a protocol error. Nothing Parapet sends gets
    /// replies nested more than twice; Redis's deepest (`XREAD`) nest four times. hiredis 0.14 refuses more
    /// than seven on its own; later versions have no such limit.
    static let maximumDepth = 7

    /// The most elements one reply may hold, counted over all its arrays; more is a protocol error. Without a
    /// bound, a header such as `*2147483647` makes hiredis allocate the array's element table at once, and
    /// a server streaming elements makes it allocate one reply object per element, however few bytes stay
    /// buffered.
    static let maximumElements = 1 << 20

    private let reader: UnsafeMutablePointer<redisReader>
    private let maximumReplySize: Int
    /// hiredis's reply-building functions with `createArray` wrapped to enforce the bounds.
    private let functions: UnsafeMutablePointer<redisReplyObjectFunctions>
    /// What the wrapper counts; hiredis hands it to the wrapper as each read task's `privdata`.
    private let budget: UnsafeMutablePointer<ReplyBudget>

    /// Creates a reader that refuses to buffer more than `maximumReplySize` bytes of unfinished replies.
    init(maximumReplySize: Int) throws(RedisClientError) {
        guard let reader = redisReaderCreate() else { throw .protocolError("hiredis could not allocate a reader") }
        let defaults = reader.pointee.fn.pointee
        self.reader = reader
        self.maximumReplySize = maximumReplySize
        budget = .allocate(capacity: 1)
        budget.initialize(to: ReplyBudget(defaults: defaults))
        functions = .allocate(capacity: 1)
        functions.initialize(to: defaults)
        functions.pointee.createArray = { task, elements in
            guard let task, let budget = task.pointee.privdata?.assumingMemoryBound(to: ReplyBudget.self) else {
                return nil
            }
            guard budget.pointee.admitArray(of: Int(elements), depth: ReplyBudget.depth(of: task)) else {
                // hiredis reports a failed allocation; `nextReply` reports the bound instead.
                return nil
            }
            return budget.pointee.defaults.createArray?(task, elements)
        }
        reader.pointee.fn = functions
        reader.pointee.privdata = UnsafeMutableRawPointer(budget)
    }

    deinit {
        redisReaderFree(reader)
        functions.deallocate()
        budget.deinitialize(count: 1)
        budget.deallocate()
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
        guard redisReaderGetReply(reader, &raw) == REDIS_OK else {
            throw .protocolError(budget.pointee.violation ?? errorText)
        }
        guard let raw else { return nil }
        defer { freeReplyObject(raw) }
        budget.pointee.remainingElements = Self.maximumElements
        return try Self.reply(from: raw.assumingMemoryBound(to: redisReply.self), allocator: allocator)
    }

    /// The parser's description of its failure.
    private var errorText: String {
        withUnsafeBytes(of: reader.pointee.errstr) { bytes in
            let end = bytes.firstIndex(of: 0) ?? bytes.count
            let text = String(decoding: bytes[..<end], as: UTF8.self)
            return text.isEmpty ? "malformed reply" : text
        }
    }

    /// Converts hiredis's reply tree, which the budget kept within ``maximumDepth``, into a ``RedisReply``.
    private static func reply(
        from node: UnsafePointer<redisReply>, allocator: ByteBufferAllocator
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
            guard reply.elements > 0, let elements = reply.element else { return .array([]) }
            var values: [RedisReply] = []
            values.reserveCapacity(reply.elements)
            for index in 0..<reply.elements {
                guard let element = elements[index] else { throw .protocolError("an array element is missing") }
                values.append(try Self.reply(from: element, allocator: allocator))
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

/// The bounds one reply is held to while hiredis builds it.
struct ReplyBudget {
    /// hiredis's own reply-building functions, which do the allocating once a header is admitted.
    let defaults: redisReplyObjectFunctions
    /// Elements the reply being read may still declare.
    var remainingElements = RESPReader.maximumElements
    /// Why the reader stopped, once it has.
    var violation: String?

    /// Whether an array of `count` elements at `depth` (0 for a top-level array) fits; records the
    /// violation when it does not.
    mutating func admitArray(of count: Int, depth: Int) -> Bool {
        if depth >= RESPReader.maximumDepth {
            violation = "a reply nests arrays deeper than \(RESPReader.maximumDepth)"
        } else if count > remainingElements {
            violation = "a reply holds more than \(RESPReader.maximumElements) elements"
        } else {
            remainingElements -= count
            return true
        }
        return false
    }

    /// How many arrays enclose the value `task` reads.
    static func depth(of task: UnsafePointer<redisReadTask>) -> Int {
        var depth = 0
        var parent = task.pointee.parent
        while let enclosing = parent {
            depth += 1
            parent = enclosing.pointee.parent
        }
        return depth
    }
}
