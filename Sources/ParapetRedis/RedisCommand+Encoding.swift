import CHiredis
import NIOCore

extension RedisCommand {
    /// Appends the command's RESP encoding (an array of bulk strings), produced by hiredis's
    /// `redisFormatCommandArgv`, to `buffer`.
    func encode(into buffer: inout ByteBuffer) throws(RedisClientError) {
        guard !arguments.isEmpty, let argumentCount = Int32(exactly: arguments.count) else {
            throw .invalidCommand
        }
        // hiredis takes an array of pointers and lengths: lay every argument out in one contiguous
        // array (plus a terminator, so that no pointer is null even when every argument is empty).
        var storage: [UInt8] = []
        storage.reserveCapacity(arguments.reduce(1) { $0 + $1.count })
        var offsets: [Int] = []
        var lengths: [Int] = []
        offsets.reserveCapacity(arguments.count)
        lengths.reserveCapacity(arguments.count)
        for argument in arguments {
            offsets.append(storage.count)
            lengths.append(argument.count)
            storage.append(contentsOf: argument)
        }
        storage.append(0)
        let encoded = storage.withUnsafeBytes { bytes -> Bool in
            guard let base = bytes.baseAddress?.assumingMemoryBound(to: CChar.self) else { return false }
            var argv: [UnsafePointer<CChar>?] = offsets.map { base + $0 }
            var formatted: UnsafeMutablePointer<CChar>?
            let length = redisFormatCommandArgv(&formatted, argumentCount, &argv, lengths)
            guard let formatted else { return false }
            defer { redisFreeCommand(formatted) }
            guard length > 0 else { return false }
            buffer.writeBytes(UnsafeRawBufferPointer(start: formatted, count: Int(length)))
            return true
        }
        guard encoded else { throw .invalidCommand }
    }
}

extension [RedisCommand] {
    /// The commands' RESP encodings back to back: one write sends them all down the connection.
    func encoded(allocator: ByteBufferAllocator) throws(RedisClientError) -> ByteBuffer {
        var buffer = allocator.buffer(capacity: 64 * count)
        for command in self {
            try command.encode(into: &buffer)
        }
        return buffer
    }
}
