import HTTPTypes
import NIOCore
import NIOHTTP1

/// How one HTTP/1.x response is delimited on the wire, and whether the connection survives it.
///
/// ```swift
/// let framing = HTTP1ResponseFraming(
///     request: .init(method: .get, version: .http1_1, keepAlive: true), status: 200,
///     knownLength: nil, declaredLength: nil, asksToClose: false
/// )
/// framing.body        // .chunked
/// framing.keepAlive   // true
/// ```
struct HTTP1ResponseFraming: Equatable {
    /// What the request says about the response it expects.
    struct RequestTraits: Equatable {
        var method: HTTPRequest.Method
        var version: HTTPVersion
        /// Whether the client asked to keep the connection open, and nothing about the request (an
        /// upgrade NIO's decoder will not parse past, a `CONNECT`) prevents it.
        var keepAlive: Bool
    }

    /// How the body ends.
    enum Body: Equatable {
        /// No body may follow the head (`HEAD`, `1xx`, `204`, `304`).
        case none
        /// `content-length` bytes follow.
        case length(Int)
        /// Chunked transfer coding (HTTP/1.1 with no known length).
        case chunked
        /// The body runs until the connection closes (HTTP/1.0 with no known length).
        case untilClose
    }

    /// How the body ends.
    let body: Body
    /// Whether the connection stays open for another request.
    let keepAlive: Bool
    /// The `content-length` to advertise, which a `HEAD` response carries without a body.
    let advertisedLength: Int?

    /// Frames a response.
    ///
    /// - Parameters:
    ///   - request: the request's method, version and keep-alive wish.
    ///   - status: the response status code.
    ///   - knownLength: the body's length when the body knows it.
    ///   - declaredLength: a `content-length` the handler set itself (used when the body's length is unknown).
    ///   - asksToClose: whether the handler set `connection: close`.
    init(request: RequestTraits, status: Int, knownLength: Int?, declaredLength: Int?, asksToClose: Bool) {
        let length = knownLength ?? declaredLength
        let isBodyless = request.method == .head || (100..<200).contains(status) || status == 204 || status == 304
        if isBodyless {
            body = .none
            // A HEAD response advertises the length a GET would have had: the body's, or — when the
            // handler sent no body, as a proxy relaying a HEAD does — the length it declared.
            let headLength = (knownLength ?? 0) > 0 ? knownLength : declaredLength
            advertisedLength = request.method == .head && (headLength ?? 0) > 0 ? headLength : nil
        } else if let length {
            body = .length(length)
            advertisedLength = length
        } else {
            body = request.version.minor >= 1 ? .chunked : .untilClose
            advertisedLength = nil
        }
        keepAlive = request.keepAlive && !asksToClose && body != .untilClose && status != 101
    }
}

/// Writes HTTP/1.x response heads and chunked-coding frames into a `ByteBuffer`.
enum HTTP1ResponseEncoder {
    /// Appends the head of `response`, framed by `framing`, to `buffer`.
    ///
    /// The handler's own `content-length`, `transfer-encoding` and `connection` fields are replaced by
    /// the framing's (except on `101`, whose `connection: upgrade` belongs to the handler).
    static func writeHead(
        _ response: HTTPResponse,
        framing: HTTP1ResponseFraming,
        version: HTTPVersion,
        into buffer: inout ByteBuffer
    ) {
        buffer.writeStaticString(version.minor == 0 ? "HTTP/1.0 " : "HTTP/1.1 ")
        if let line = commonStatusLine(response.status) {
            buffer.writeStaticString(line)
        } else {
            buffer.writeString(String(response.status.code))
            buffer.writeStaticString(" ")
            buffer.writeString(response.status.reasonPhrase)
            buffer.writeStaticString("\r\n")
        }
        let isSwitching = response.status.code == 101
        for field in response.headerFields {
            switch field.name {
            case .contentLength, .transferEncoding:
                continue
            case .connection where !isSwitching:
                continue
            default:
                writeFieldLine(field, into: &buffer)
            }
        }
        if let length = framing.advertisedLength {
            buffer.writeStaticString("content-length: ")
            buffer.writeString(String(length))
            buffer.writeStaticString("\r\n")
        }
        if framing.body == .chunked {
            buffer.writeStaticString("transfer-encoding: chunked\r\n")
        }
        if !isSwitching {
            if !framing.keepAlive {
                buffer.writeStaticString("connection: close\r\n")
            } else if version.minor == 0 {
                buffer.writeStaticString("connection: keep-alive\r\n")
            }
        }
        buffer.writeStaticString("\r\n")
    }

    /// Appends an interim (`1xx`) response head: its status line (with the standard reason phrase when
    /// it has none) and fields, no framing.
    static func writeInterimHead(_ response: HTTPResponse, into buffer: inout ByteBuffer) {
        buffer.writeStaticString("HTTP/1.1 ")
        buffer.writeString(String(response.status.code))
        buffer.writeStaticString(" ")
        switch (response.status.code, response.status.reasonPhrase) {
        case (102, ""): buffer.writeStaticString("Processing")
        case (103, ""): buffer.writeStaticString("Early Hints")
        case (_, let phrase): buffer.writeString(phrase)
        }
        buffer.writeStaticString("\r\n")
        for field in response.headerFields {
            switch field.name {
            case .contentLength, .transferEncoding, .connection:
                continue
            default:
                writeFieldLine(field, into: &buffer)
            }
        }
        buffer.writeStaticString("\r\n")
    }

    /// Appends the last chunk and a trailer section holding `trailers` (less those a trailer may not carry).
    static func writeLastChunk(trailers: HTTPFields, into buffer: inout ByteBuffer) {
        buffer.writeStaticString("0\r\n")
        for field in trailers where !HTTPFields.forbiddenInTrailers.contains(field.name) {
            writeFieldLine(field, into: &buffer)
        }
        buffer.writeStaticString("\r\n")
    }

    private static func writeFieldLine(_ field: HTTPField, into buffer: inout ByteBuffer) {
        buffer.writeString(field.name.rawName)
        buffer.writeStaticString(": ")
        buffer.writeString(field.value)
        buffer.writeStaticString("\r\n")
    }

    /// The rest of the status line for the most frequent statuses with their standard reason phrase, so
    /// the hot path formats no number.
    private static func commonStatusLine(_ status: HTTPResponse.Status) -> StaticString? {
        switch (status.code, status.reasonPhrase) {
        case (200, "OK"): "200 OK\r\n"
        case (204, "No Content"): "204 No Content\r\n"
        case (301, "Moved Permanently"): "301 Moved Permanently\r\n"
        case (302, "Found"): "302 Found\r\n"
        case (304, "Not Modified"): "304 Not Modified\r\n"
        case (404, "Not Found"): "404 Not Found\r\n"
        default: nil
        }
    }

    /// Appends the size line that opens a chunk of `size` bytes.
    static func writeChunkHeader(size: Int, into buffer: inout ByteBuffer) {
        buffer.writeString(String(size, radix: 16))
        buffer.writeStaticString("\r\n")
    }

    /// An interim response telling a client that sent `expect: 100-continue` to send its body.
    static let continueHead = ByteBuffer(string: "HTTP/1.1 100 Continue\r\n\r\n")
    /// The line that closes a chunk.
    static let chunkTrailer = ByteBuffer(string: "\r\n")
    /// The last chunk and the end of the (empty) trailer section.
    static let lastChunk = ByteBuffer(string: "0\r\n\r\n")
}
