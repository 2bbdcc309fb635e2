import HTTPTypes
import NIOCore
import NIOHTTP1
import ParapetCore

/// The state of one request/response exchange on an HTTP/1.1 upstream connection. A reference type,
/// so the handler mutates it in place (no copies of its many references per event); used on the
/// connection's event loop only.
final class UpstreamHTTP1Exchange {
    let id: Int
    let method: HTTPMethod
    let isOnReusedConnection: Bool
    let asksToClose: Bool
    /// The caller waiting for the response head, until it is answered.
    private var head: UnsafeContinuation<Response, any Error>?
    /// The producing end of the response body, while it streams.
    var body: UpstreamResponseBody<UpstreamHTTP1Handler>?
    /// Bytes of a `content-length` body still to write.
    var bytesToWrite: Int?
    var isRequestWritten = false
    var isResponseEnded = false
    var keepAlive = false
    var sawResponseBytes = false
    /// When the response head is due (set once the request is written).
    var headDeadline: NIODeadline?
    var graceTimer: Scheduled<Void>?
    var upload: Task<Void, Never>?
    var writableWaiter: CheckedContinuation<Void, any Error>?
    /// A response head held until the end of the read burst.
    var pending: UpstreamPendingResponse?
    /// Where informational (`1xx`) responses ahead of the final one go.
    var interim: InterimResponses?
    /// Where a chunked response body's trailer fields go.
    var responseTrailers: HTTPTrailers?
    /// What a request that asks to switch protocols sends once switched; `nil` for other requests.
    var upgrade: Upgrade?
    /// The `101` that switched the connection, until the switch completes at the end of its message.
    var switchedHead: HTTPResponse?

    /// The client's side of a protocol switch.
    struct Upgrade {
        /// The client's bytes for after the switch, if it sends any.
        let inbound: HTTPBody?
        /// The executor the task sending them prefers: the connection's loop.
        let executor: UpstreamLoopExecutor?
    }

    init(
        id: Int, method: HTTPMethod, isOnReusedConnection: Bool, asksToClose: Bool,
        head: UnsafeContinuation<Response, any Error>, bytesToWrite: Int?
    ) {
        self.id = id
        self.method = method
        self.isOnReusedConnection = isOnReusedConnection
        self.asksToClose = asksToClose
        self.head = head
        self.bytesToWrite = bytesToWrite
    }

    /// Whether the caller still waits for the response head.
    var isWaitingForHead: Bool { head != nil }

    /// Answers the caller; later answers are dropped (the first outcome wins).
    func answer(_ response: Response) {
        let head = self.head
        self.head = nil
        head?.resume(returning: response)
    }

    /// Fails the caller; later answers are dropped.
    func answer(throwing error: any Error) {
        let head = self.head
        self.head = nil
        head?.resume(throwing: error)
    }
}

@available(*, unavailable)
extension UpstreamHTTP1Exchange: Sendable {}

/// A response head and the body bytes that arrived with it, before the caller is answered: a body that
/// arrives whole in the head's read burst is handed over in memory (so the server can write head and
/// body at once); otherwise it streams, starting with these bytes.
struct UpstreamPendingResponse {
    /// Bodies up to this size that arrive whole in the head's read burst are handed over in memory.
    static let bufferLimit = 64 << 10

    let head: HTTPResponse
    let length: Int?
    /// The body of a response that has none (`HEAD`, `204`, `304`, `content-length: 0`).
    var bodilessBody: HTTPBody?
    /// The first body chunk, apart from the rest so that a body that came in one chunk needs no array.
    var first: ByteBuffer?
    var rest: [ByteBuffer] = []
    var byteCount = 0

    var isLarge: Bool { byteCount > Self.bufferLimit }

    /// The body chunks so far, in order.
    var chunks: [ByteBuffer] { first.map { [$0] + rest } ?? [] }

    mutating func append(_ chunk: ByteBuffer) {
        if first == nil {
            first = chunk
        } else {
            rest.append(chunk)
        }
        byteCount += chunk.readableBytes
    }

    /// The body bytes in one buffer.
    func collected() -> ByteBuffer {
        guard var buffer = first else { return ByteBuffer() }
        guard !rest.isEmpty else { return buffer }
        buffer.reserveCapacity(byteCount)
        for var chunk in rest { buffer.writeBuffer(&chunk) }
        return buffer
    }
}
