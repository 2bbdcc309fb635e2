import NIOCore
import ParapetCore

/// Why one exchange on a pooled connection failed, as the client's retry logic needs to know it.
enum UpstreamExchangeFailure: Error {
    /// The connection had closed before anything was sent: any request may go on another connection.
    case notStarted
    /// A reused connection closed before sending any response byte (the server timed it out as the
    /// request went out): an idempotent request without body may be sent again on a fresh connection.
    case stale(any Error)
    /// The exchange failed.
    case failed(any Error)
    /// No response head arrived in time.
    case timedOut
}

/// The upstream closed the connection before the exchange was complete.
public struct UpstreamConnectionClosed: Error, Sendable, CustomStringConvertible {
    /// Creates the error.
    public init() {}
    /// A sentence saying what went wrong.
    public var description: String { "the upstream closed the connection" }
}

/// The request body did not have the length it declared.
struct UpstreamBodyLengthMismatch: Error, CustomStringConvertible {
    var declared: Int
    var description: String { "the request body does not have the \(declared) bytes it declared" }
}

/// What a request sends as its body, decided before the exchange starts.
enum UpstreamRequestPayload: Sendable {
    /// No body.
    case empty
    /// The whole body, in memory: written with the head.
    case buffer(ByteBuffer)
    /// A stream, written by an upload task with backpressure.
    case stream(HTTPBody)

    /// The payload for `body`: an in-memory body is collected without suspending.
    init(_ body: HTTPBody) async throws {
        if body.isKnownEmpty {
            self = .empty
        } else if body.isReplayable {
            self = .buffer(try await body.collect(upTo: .max))
        } else {
            self = .stream(body)
        }
    }
}

/// Whether a sink takes more bytes.
enum UpstreamWriteOutcome: Sendable {
    /// Keep writing.
    case writable
    /// The connection's send buffer is full: wait for writability before writing more.
    case blocked
    /// The exchange is over (failed, cancelled, closed): stop.
    case gone
}
