public import NIOCore
import Synchronization

/// The body of a request or response: a sequence of `ByteBuffer`s, streamed with backpressure.
///
/// A body is one of three things: empty, a buffer already in memory, or a stream that is pulled chunk by
/// chunk from its producer (a socket, an upstream response, an encoder). A streamed body can be read
/// **once**; reading it a second time throws ``HTTPBodyError/alreadyConsumed``. To read a body more than
/// once (retries, mirroring, inspection), buffer it with ``buffered(upTo:)`` and keep the result, which is
/// backed by memory and can be read any number of times. A body can also simply be replaced.
///
/// ```swift
/// var request = request
/// request.body = try await request.body.buffered(upTo: 1 << 20)   // now replayable
/// let text = String(buffer: try await request.body.collect(upTo: 1 << 20))
/// let response = Response(status: .ok, body: HTTPBody(string: text.uppercased()))
/// ```
public struct HTTPBody: AsyncSequence, Sendable {
    public typealias Element = ByteBuffer
    public typealias Failure = any Error

    package enum Storage: Sendable {
        case empty
        case buffer(ByteBuffer)
        case stream(SingleUseStream)
    }

    package let storage: Storage

    /// The body length in bytes when known in advance (a buffer, or a stream whose producer declared it).
    public let knownLength: Int?

    /// The trailer fields that follow the body, if its producer may send any; read them once the body has
    /// been read to its end. A server answers a response with trailers in a form that can carry them
    /// (chunked on HTTP/1.1).
    public var trailers: HTTPTrailers?

    /// A body with no bytes.
    public static let empty = HTTPBody(storage: .empty, knownLength: 0)

    init(storage: Storage, knownLength: Int?) {
        self.storage = storage
        self.knownLength = knownLength
    }

    /// A body backed by `buffer`, followed by `trailers` if given.
    public init(_ buffer: ByteBuffer, trailers: HTTPTrailers? = nil) {
        self.init(storage: buffer.readableBytes == 0 ? .empty : .buffer(buffer), knownLength: buffer.readableBytes)
        self.trailers = trailers
    }

    /// A body holding the UTF-8 bytes of `string`.
    public init(string: String) {
        self.init(ByteBuffer(string: string))
    }

    /// A body streamed from `sequence`, read at most once.
    ///
    /// - Parameters:
    ///   - length: the total byte count, when the producer knows it (it becomes `Content-Length`).
    ///   - trailers: where the producer puts trailer fields before it ends the stream.
    public init<Chunks: AsyncSequence & Sendable>(stream sequence: Chunks, length: Int? = nil, trailers: HTTPTrailers? = nil)
    where Chunks.Element == ByteBuffer {
        self.init(storage: .stream(SingleUseStream(sequence)), knownLength: length)
        self.trailers = trailers
    }

    /// Whether the body is known to hold no bytes without reading it.
    public var isKnownEmpty: Bool { knownLength == 0 }

    /// Whether the body can be read more than once (it is empty or in memory).
    public var isReplayable: Bool {
        if case .stream = storage { return false }
        return true
    }

    /// Reads the whole body into one buffer.
    ///
    /// - Throws: ``HTTPBodyError/tooLarge(limit:)`` as soon as more than `maxBytes` arrive, and
    ///   ``HTTPBodyError/alreadyConsumed`` for a stream that was read before.
    public func collect(upTo maxBytes: Int) async throws -> ByteBuffer {
        switch storage {
        case .empty:
            return ByteBuffer()
        case .buffer(let buffer):
            guard buffer.readableBytes <= maxBytes else { throw HTTPBodyError.tooLarge(limit: maxBytes) }
            return buffer
        case .stream:
            if let knownLength, knownLength > maxBytes { throw HTTPBodyError.tooLarge(limit: maxBytes) }
            var collected = ByteBuffer()
            for try await var chunk in self {
                guard collected.readableBytes + chunk.readableBytes <= maxBytes else {
                    throw HTTPBodyError.tooLarge(limit: maxBytes)
                }
                if collected.readableBytes == 0 {
                    collected = chunk
                } else {
                    collected.writeBuffer(&chunk)
                }
            }
            return collected
        }
    }

    /// The same bytes as an in-memory, replayable body.
    ///
    /// - Throws: as ``collect(upTo:)``.
    public func buffered(upTo maxBytes: Int) async throws -> HTTPBody {
        if isReplayable {
            if let knownLength, knownLength > maxBytes { throw HTTPBodyError.tooLarge(limit: maxBytes) }
            return self
        }
        return HTTPBody(try await collect(upTo: maxBytes), trailers: trailers)
    }

    public func makeAsyncIterator() -> AsyncIterator {
        switch storage {
        case .empty:
            return AsyncIterator(state: .finished)
        case .buffer(let buffer):
            return AsyncIterator(state: .buffer(buffer))
        case .stream(let stream):
            guard let iterator = stream.takeIterator() else {
                return AsyncIterator(state: .failed(HTTPBodyError.alreadyConsumed))
            }
            return AsyncIterator(state: .stream(iterator))
        }
    }

    /// Iterates the chunks of an ``HTTPBody``.
    public struct AsyncIterator: AsyncIteratorProtocol {
        enum State {
            case buffer(ByteBuffer)
            case stream(any AsyncIteratorProtocol<ByteBuffer, any Error>)
            case failed(HTTPBodyError)
            case finished
        }

        var state: State

        public mutating func next() async throws -> ByteBuffer? {
            switch state {
            case .buffer(let buffer):
                state = .finished
                return buffer
            case .stream(var iterator):
                let chunk = try await iterator.next()
                state = chunk == nil ? .finished : .stream(iterator)
                return chunk
            case .failed(let error):
                state = .finished
                throw error
            case .finished:
                return nil
            }
        }
    }
}

/// Why a body could not be read.
public enum HTTPBodyError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A streamed body was read a second time; buffer it first to read it again.
    case alreadyConsumed
    /// The body is longer than the limit the reader set.
    case tooLarge(limit: Int)

    public var description: String {
        switch self {
        case .alreadyConsumed:
            return "the body stream was already read; buffer it to read it again"
        case .tooLarge(let limit):
            return "the body is larger than the \(limit)-byte limit"
        }
    }
}

/// A stream handed out once: the first iterator gets the chunks, later ones get an error.
package final class SingleUseStream: Sendable {
    private let source: Mutex<(any AsyncSequence<ByteBuffer, any Error> & Sendable)?>

    init<Chunks: AsyncSequence & Sendable>(_ sequence: Chunks) where Chunks.Element == ByteBuffer {
        self.source = Mutex(ErasedChunks(base: sequence))
    }

    func takeIterator() -> (any AsyncIteratorProtocol<ByteBuffer, any Error>)? {
        let sequence = source.withLock { value in
            let taken = value
            value = nil
            return taken
        }
        return sequence?.makeAsyncIterator()
    }
}

/// Widens any sequence of buffers to the `any Error` failure type the body exposes.
private struct ErasedChunks<Base: AsyncSequence & Sendable>: AsyncSequence, Sendable where Base.Element == ByteBuffer {
    typealias Element = ByteBuffer
    typealias Failure = any Error

    let base: Base

    func makeAsyncIterator() -> Iterator {
        Iterator(base: base.makeAsyncIterator())
    }

    struct Iterator: AsyncIteratorProtocol {
        typealias Element = ByteBuffer
        typealias Failure = any Error
        var base: Base.AsyncIterator

        mutating func next() async throws -> ByteBuffer? {
            try await base.next()
        }
    }
}
