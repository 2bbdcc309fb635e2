import Foundation
import HTTPTypes
import Logging
import NIOCore
import NIOPosix
import Parapet
import Synchronization
import Testing

/// The context a test passes to a transport.
let testContext = RequestContext(
    connection: ConnectionInfo(peer: nil), logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }),
    runtime: .system)

/// Sends one request through `transport` to `address`.
func send(
    _ transport: any Transport, to address: NetworkAddress, _ method: HTTPRequest.Method = .get, _ path: String = "/",
    body: HTTPBody = .empty, scheme: String = "http", fields: HTTPFields = [:]
) async throws -> Response {
    let head = HTTPRequest(method: method, scheme: scheme, authority: "\(address)", path: path, headerFields: fields)
    return try await transport.roundTrip(UpstreamRequest(head: head, body: body, target: "\(address)"), context: testContext)
        .response
}

/// Reads a body to its end and returns it as text.
func text(of body: HTTPBody) async throws -> String {
    String(buffer: try await body.collect(upTo: 1 << 24))
}

/// Reads a body to its end and counts its bytes.
func count(_ body: HTTPBody) async throws -> Int {
    var total = 0
    for try await chunk in body { total += chunk.readableBytes }
    return total
}

/// `total` bytes in 64 KiB slices of one shared buffer, generated as they are read.
struct GeneratedBytes: AsyncSequence, Sendable {
    typealias Element = ByteBuffer
    let total: Int
    static let slice = ByteBuffer(repeating: UInt8(ascii: "x"), count: 65_536)

    struct AsyncIterator: AsyncIteratorProtocol {
        var remaining: Int
        mutating func next() async throws -> ByteBuffer? {
            guard remaining > 0 else { return nil }
            let size = Swift.min(remaining, GeneratedBytes.slice.readableBytes)
            remaining -= size
            return GeneratedBytes.slice.getSlice(at: GeneratedBytes.slice.readerIndex, length: size)
        }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(remaining: total) }
}

/// Counts a server's accepted connections and reports each one that closes.
final class ConnectionCounter: ConnectionHook, Sendable {
    private let state = Mutex((accepted: 0, open: 0, maxOpen: 0))
    let closedEvents: AsyncStream<Void>
    private let closedContinuation: AsyncStream<Void>.Continuation

    init() {
        (closedEvents, closedContinuation) = AsyncStream.makeStream()
    }

    var accepted: Int { state.withLock { $0.accepted } }
    var maxOpen: Int { state.withLock { $0.maxOpen } }

    func configure(_ channel: any Channel, connection: AcceptedConnection) throws {
        state.withLock {
            $0.accepted += 1
            $0.open += 1
            $0.maxOpen = max($0.maxOpen, $0.open)
        }
        channel.closeFuture.whenComplete { _ in
            self.state.withLock { $0.open -= 1 }
            self.closedContinuation.yield()
        }
    }
}

/// A one-shot signal a server handler gives and a test awaits.
final class Signal: Sendable {
    let events: AsyncStream<Void>
    private let continuation: AsyncStream<Void>.Continuation

    init() {
        (events, continuation) = AsyncStream.makeStream()
    }

    func fire() { continuation.yield() }

    func wait() async {
        var iterator = events.makeAsyncIterator()
        _ = await iterator.next()
    }
}

/// The resident set size of this process in bytes.
func residentBytes() -> Int {
    guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
    let fields = text.split(separator: " ")
    return (fields.count > 1 ? Int(fields[1]) ?? 0 : 0) * Int(sysconf(Int32(_SC_PAGESIZE)))
}
