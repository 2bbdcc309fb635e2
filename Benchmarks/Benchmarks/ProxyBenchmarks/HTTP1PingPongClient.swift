/// A keep-alive HTTP/1.1 client on one connection, one request at a time.
final class HTTP1PingPongClient {
    let socket: LoopbackSocket
    private let request: [UInt8]
    private let lengthField = Array("\r\ncontent-length:".utf8)
    private var received = ReceiveBuffer(capacity: 4 << 20)

    init(port: Int, path: String) {
        socket = LoopbackSocket.connect(port: port)
        request = Array("GET \(path) HTTP/1.1\r\nHost: bench.example\r\nUser-Agent: proxy-benchmark\r\n\r\n".utf8)
    }

    deinit {
        socket.close()
    }

    func send() {
        request.withUnsafeBytes { socket.write($0) }
    }

    /// Reads one response: checks for `200` and returns the body's size.
    func receive() -> Int {
        let headLength = received.headEnd(from: socket)
        let head = UnsafeRawBufferPointer(rebasing: received.bytes[..<headLength])
        precondition(head.starts(with: "HTTP/1.1 200".utf8), "the proxy did not answer 200")
        guard let length = contentLength(head) else {
            preconditionFailure("the proxy's response has no content-length")
        }
        received.consume(headLength)
        received.fill(from: socket, atLeast: length)
        received.consume(length)
        return length
    }

    private func contentLength(_ head: UnsafeRawBufferPointer) -> Int? {
        let name = lengthField
        var index = 0
        while index + name.count <= head.count {
            var matches = true
            for offset in 0..<name.count where head[index + offset] | 0x20 != name[offset] | 0x20 {
                matches = false
                break
            }
            if matches {
                var value = 0
                var cursor = index + name.count
                while head[cursor] == UInt8(ascii: " ") { cursor += 1 }
                while (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(head[cursor]) {
                    value = value * 10 + Int(head[cursor] - UInt8(ascii: "0"))
                    cursor += 1
                }
                return value
            }
            index += 1
        }
        return nil
    }
}
