// RESP replies through hiredis (RESPReader): the bytes are what a Redis server sent, fed in chunks whose size
// the first byte chooses. Every outcome is a reply or a thrown protocol error; the reader never buffers past
// its limit.
import FuzzSupport
import NIOCore

@testable import ParapetRedis

fuzz { raw in
    var input = FuzzInput(raw)
    let chunk = Int(input.integer(UInt8.self) % 64) + 1
    let bytes = input.remainingBytes
    guard let reader = try? RESPReader(maximumReplySize: 1_024) else { preconditionFailure("no reader") }
    var offset = 0
    feeding: while offset < bytes.count {
        let end = min(offset + chunk, bytes.count)
        do {
            try reader.feed(ByteBuffer(bytes: bytes[offset..<end]))
            while try reader.nextReply(allocator: ByteBufferAllocator()) != nil {}
        } catch {
            break feeding
        }
        offset = end
    }
}
