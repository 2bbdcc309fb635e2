/// An h2c client (prior knowledge) on one connection, one stream at a time, written against the frame
/// layout of RFC 9113 with a fixed HPACK request block, so that it allocates nothing per request.
final class H2CPingPongClient {
    let socket: LoopbackSocket
    private var headers: [UInt8]
    private var received = ReceiveBuffer(capacity: 4 << 20)
    private var control: [UInt8] = []
    private var streamID: UInt32 = 1
    /// Connection-level window the client has granted and not yet seen used.
    private var window = 0

    private enum FrameType: UInt8 {
        case data = 0, headers = 1, rstStream = 3, settings = 4, ping = 6, goAway = 7, windowUpdate = 8
    }

    init(port: Int, path: String) {
        socket = LoopbackSocket.connect(port: port)
        // `:method GET` (static 2), `:scheme http` (static 6), `:path` (literal, name static 4),
        // `:authority` (literal, name static 1): no dynamic table, the same block for every stream.
        let block =
            [0x82, 0x86, 0x04, UInt8(path.utf8.count)] + Array(path.utf8) + [0x01, 13] + Array("bench.example".utf8)
        headers = Self.frameHeader(length: block.count, type: .headers, flags: 0x5, stream: 0) + block
        control.reserveCapacity(64)
        // The preface, SETTINGS (initial stream window 16 MiB) and a connection window of 1 GiB.
        var preface = Array("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".utf8)
        preface += Self.frameHeader(length: 6, type: .settings, flags: 0, stream: 0) + [0, 4, 0x01, 0, 0, 0]
        preface += Self.windowUpdate(stream: 0, increment: (1 << 30) - 65_535)
        window = 1 << 30
        preface.withUnsafeBytes { socket.write($0) }
    }

    deinit {
        socket.close()
    }

    private static func frameHeader(length: Int, type: FrameType, flags: UInt8, stream: UInt32) -> [UInt8] {
        [
            UInt8(length >> 16), UInt8(length >> 8 & 0xff), UInt8(length & 0xff), type.rawValue, flags,
            UInt8(stream >> 24), UInt8(stream >> 16 & 0xff), UInt8(stream >> 8 & 0xff), UInt8(stream & 0xff),
        ]
    }

    private static func windowUpdate(stream: UInt32, increment: Int) -> [UInt8] {
        frameHeader(length: 4, type: .windowUpdate, flags: 0, stream: stream)
            + [
                UInt8(increment >> 24), UInt8(increment >> 16 & 0xff), UInt8(increment >> 8 & 0xff),
                UInt8(increment & 0xff),
            ]
    }

    /// Sends the request on the next stream.
    func send() {
        headers[5] = UInt8(streamID >> 24)
        headers[6] = UInt8(streamID >> 16 & 0xff)
        headers[7] = UInt8(streamID >> 8 & 0xff)
        headers[8] = UInt8(streamID & 0xff)
        headers.withUnsafeBytes { socket.write($0) }
    }

    /// Reads frames until the stream ends, answering SETTINGS and PING: checks for `:status 200` and
    /// returns the body's size.
    func receive() -> Int {
        var bodySize = 0
        while true {
            received.fill(from: socket, atLeast: 9)
            let length = Int(received[0]) << 16 | Int(received[1]) << 8 | Int(received[2])
            let type = received[3]
            let flags = received[4]
            let stream =
                UInt32(received[5] & 0x7f) << 24 | UInt32(received[6]) << 16 | UInt32(received[7]) << 8
                | UInt32(received[8])
            received.fill(from: socket, atLeast: 9 + length)
            var ended = false
            switch FrameType(rawValue: type) {
            case .settings where flags & 1 == 0:
                writeControl(Self.settingsAck)
            case .ping where flags & 1 == 0:
                control.removeAll(keepingCapacity: true)
                control += Self.pingAck
                for offset in 9..<17 { control.append(received[offset]) }
                writeControl(control)
            case .headers where stream == streamID:
                precondition(received[9] == 0x88, "the proxy did not answer :status 200")
                ended = flags & 1 != 0
            case .data where stream == streamID:
                let padding = flags & 0x8 != 0 ? Int(received[9]) + 1 : 0
                bodySize += length - padding
                window -= length
                ended = flags & 1 != 0
            case .rstStream, .goAway:
                preconditionFailure("the proxy reset the stream or the connection (frame type \(type))")
            default:
                break
            }
            received.consume(9 + length)
            if ended { break }
        }
        streamID += 2
        if window < 1 << 29 {
            control.removeAll(keepingCapacity: true)
            control += Self.windowUpdate(stream: 0, increment: (1 << 30) - window)
            writeControl(control)
            window = 1 << 30
        }
        return bodySize
    }

    private static let settingsAck = frameHeader(length: 0, type: .settings, flags: 1, stream: 0)
    private static let pingAck = frameHeader(length: 8, type: .ping, flags: 1, stream: 0)

    private func writeControl(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { socket.write($0) }
    }
}
