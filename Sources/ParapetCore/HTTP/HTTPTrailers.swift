public import HTTPTypes
import Synchronization

/// The trailer fields that follow a body — gRPC's `grpc-status`, a checksum computed while streaming —
/// known once the body's last byte has been produced.
///
/// The producer of a streamed body sets the fields *before* it ends the stream; a reader that has read the
/// body to its end then finds them in ``fields``. Servers send them after the last chunk (HTTP/1.1 chunked
/// encoding, or an HTTP/2 trailing `HEADERS` frame), and the reverse proxy forwards them both ways.
///
/// ```swift
/// let trailers = HTTPTrailers()
/// let (chunks, continuation) = AsyncStream.makeStream(of: ByteBuffer.self)
/// continuation.yield(ByteBuffer(string: "payload"))
/// trailers.set([HTTPField.Name("Grpc-Status")!: "0"])
/// continuation.finish()
/// let response = Response(status: .ok, body: HTTPBody(stream: chunks, trailers: trailers))
/// ```
public final class HTTPTrailers: Sendable {
    private let storage: Mutex<HTTPFields?>

    /// Creates trailers, already known when `fields` is given (for a body held in memory).
    public init(_ fields: HTTPFields? = nil) {
        storage = Mutex(fields)
    }

    /// The trailer fields; `nil` until the producer set them (or when it sent none).
    public var fields: HTTPFields? {
        storage.withLock { $0 }
    }

    /// Records the trailer fields; call before ending the body's stream.
    public func set(_ fields: HTTPFields) {
        storage.withLock { $0 = fields }
    }
}
