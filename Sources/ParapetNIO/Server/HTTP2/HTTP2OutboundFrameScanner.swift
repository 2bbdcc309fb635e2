/// Follows the frame boundaries in the bytes an HTTP/2 server writes, to notice each `GOAWAY` and its error
/// code.
///
/// swift-nio-http2 answers a connection error with a `GOAWAY` carrying the error code but leaves closing the
/// connection to the pipeline, and it reports stream errors through the same `errorCaught` as connection
/// errors. The `GOAWAY` it writes is the one reliable sign of a connection error, so the server reads it
/// off the outbound bytes.
///
/// ```swift
/// var scanner = HTTP2OutboundFrameScanner()
/// scanner.scan([0, 0, 8, 0x7, 0, 0, 0, 0, 0] + [0, 0, 0, 1] + [0, 0, 0, 0xB])  // [0xB]: ENHANCE_YOUR_CALM
/// ```
struct HTTP2OutboundFrameScanner {
    /// The bytes of a frame header seen so far (fewer than nine).
    private var header: [UInt8] = []
    /// Payload bytes of the current frame still to come.
    private var remaining = 0
    /// While inside a `GOAWAY`: its payload bytes up to the error code.
    private var goAwayStart: [UInt8]?

    private static let goAwayType: UInt8 = 0x7
    /// A `GOAWAY` payload starts with the last stream ID, then the error code.
    private static let goAwayErrorCodeEnd = 8

    /// Takes the next written bytes; returns the error codes of the `GOAWAY` frames whose code they complete.
    mutating func scan(_ bytes: some Collection<UInt8>) -> [UInt32] {
        var codes: [UInt32] = []
        var index = bytes.startIndex
        while index != bytes.endIndex {
            if remaining == 0 {
                header.append(bytes[index])
                index = bytes.index(after: index)
                if header.count == 9 { startFrame() }
                continue
            }
            if var start = goAwayStart {
                start.append(bytes[index])
                index = bytes.index(after: index)
                remaining -= 1
                if start.count == Self.goAwayErrorCodeEnd {
                    codes.append(start.suffix(4).reduce(0) { $0 << 8 | UInt32($1) })
                    goAwayStart = nil
                } else {
                    goAwayStart = start
                }
                continue
            }
            let skipped = min(remaining, bytes.distance(from: index, to: bytes.endIndex))
            index = bytes.index(index, offsetBy: skipped)
            remaining -= skipped
        }
        return codes
    }

    /// Takes written bytes that are not looked at (a file region, which only ever carries `DATA` payload).
    mutating func skip(_ count: Int) {
        remaining = max(remaining - count, 0)
    }

    private mutating func startFrame() {
        remaining = Int(header[0]) << 16 | Int(header[1]) << 8 | Int(header[2])
        goAwayStart = header[3] == Self.goAwayType && remaining >= Self.goAwayErrorCodeEnd ? [] : nil
        header.removeAll(keepingCapacity: true)
    }
}
