import HTTPTypes
import Logging
import NIOCore
import ParapetCore
import Synchronization

/// One request's access-log line in the making: the request facts taken when it arrived, byte counters
/// fed by the bodies as they stream, and the write — exactly once, when the response ends or is
/// abandoned (the entry's end of life).
final class AccessLogEntry: Sendable {
    private let logger: Logger
    private let record: AccessLogRecord
    private let start: MonotonicInstant
    private let requestFields: Logger.Metadata
    private let state = Mutex(State())

    private struct State {
        var bytesIn = 0
        var bytesOut = 0
        var status: Int?
        var firstByte: Duration?
        var isWritten = false
    }

    init(request: Request, context: RequestContext, start: MonotonicInstant, logger: Logger, record: AccessLogRecord) {
        self.logger = logger
        self.record = record
        self.start = start
        var fields: Logger.Metadata = [
            "time": .string(context.runtime.wallClock.now.rfc3339),
            "method": .string(request.method.rawValue),
            "host": .string(request.authority ?? ""),
            "path": .string(request.path ?? ""),
        ]
        if let peer = context.connection.peerIPText { fields["peer"] = .string(peer) }
        if let agent = request.headerFields[.userAgent] { fields["userAgent"] = .string(agent) }
        if let referer = request.headerFields[.referer] { fields["referer"] = .string(referer) }
        // The client the server settled on, when a trusted proxy named another than the peer.
        if let client = context.clientAddress.ipAddress, client != context.connection.peer?.ipAddress?.unmapped {
            fields["realIP"] = .string("\(client)")
        }
        self.requestFields = fields
    }

    deinit {
        // Dropped before its end: the client went away and the server stopped reading the body (or the
        // handler never returned a response).
        write(status: state.withLock { $0.status } ?? 499, finishedAfter: nil, aborted: true)
    }

    /// `body`, counting its bytes as they are read (a body in memory is counted at once).
    func countingRequestBody(_ body: HTTPBody) -> HTTPBody {
        if body.isReplayable {
            let length = body.knownLength ?? 0
            state.withLock { $0.bytesIn = length }
            return body
        }
        let counted = CountingChunks(base: body) { bytes in self.state.withLock { $0.bytesIn += bytes } }
        var copy = HTTPBody(stream: counted, length: body.knownLength)
        copy.trailers = body.trailers
        return copy
    }

    /// `response` with its body counted; the line is written at the body's end (at once for a body in memory).
    func responding(with response: Response, headAt: MonotonicInstant, clock: any MonotonicClock) -> Response {
        state.withLock {
            $0.status = response.status.code
            $0.firstByte = headAt - start
        }
        if response.body.isReplayable {
            state.withLock { $0.bytesOut = response.body.knownLength ?? 0 }
            finish(status: response.status.code, at: headAt)
            return response
        }
        var response = response
        let status = response.status.code
        let counted = CountingChunks(
            base: response.body,
            // The stream holds the entry (strongly) until the server drops the body.
            counted: { bytes in self.state.withLock { $0.bytesOut += bytes } },
            ended: { failed in self.write(status: status, finishedAfter: clock.now - self.start, aborted: failed) })
        let trailers = response.body.trailers
        response.body = HTTPBody(stream: counted, length: response.body.knownLength)
        response.body.trailers = trailers
        return response
    }

    /// Writes the line for a response that ended at `instant` with `status`.
    func finish(status: Int, at instant: MonotonicInstant) {
        write(status: status, finishedAfter: instant - start, aborted: false)
    }

    private func write(status: Int, finishedAfter duration: Duration?, aborted: Bool) {
        let counters: State? = state.withLock { state in
            guard !state.isWritten else { return nil }
            state.isWritten = true
            return state
        }
        guard let counters, !record.isDisabled else { return }
        var fields = requestFields
        fields.merge(record.fields) { own, _ in own }
        fields["status"] = .stringConvertible(status)
        fields["bytesIn"] = .stringConvertible(counters.bytesIn)
        fields["bytesOut"] = .stringConvertible(counters.bytesOut)
        if let duration { fields["durationMs"] = .stringConvertible(Self.milliseconds(duration)) }
        if let firstByte = counters.firstByte { fields["ttfbMs"] = .stringConvertible(Self.milliseconds(firstByte)) }
        if aborted { fields["aborted"] = .stringConvertible(true) }
        logger.info("request", metadata: fields)
    }

    /// `duration` in milliseconds, to the microsecond.
    private static func milliseconds(_ duration: Duration) -> Double {
        Double(duration / .microseconds(1)) / 1_000
    }
}

/// A body's chunks, passed through while their bytes are counted; `ended` is told once whether the
/// stream failed, when it finishes.
struct CountingChunks: AsyncSequence, Sendable {
    typealias Element = ByteBuffer
    let base: HTTPBody
    let counted: @Sendable (Int) -> Void
    var ended: (@Sendable (_ failed: Bool) -> Void)?

    init(base: HTTPBody, counted: @escaping @Sendable (Int) -> Void, ended: (@Sendable (Bool) -> Void)? = nil) {
        self.base = base
        self.counted = counted
        self.ended = ended
    }

    func makeAsyncIterator() -> Iterator {
        Iterator(base: base.makeAsyncIterator(), counted: counted, ended: ended)
    }

    struct Iterator: AsyncIteratorProtocol {
        var base: HTTPBody.AsyncIterator
        let counted: @Sendable (Int) -> Void
        var ended: (@Sendable (Bool) -> Void)?

        mutating func next() async throws -> ByteBuffer? {
            do {
                guard let chunk = try await base.next() else {
                    ended?(Task.isCancelled)
                    ended = nil
                    return nil
                }
                counted(chunk.readableBytes)
                return chunk
            } catch {
                ended?(true)
                ended = nil
                throw error
            }
        }
    }
}
