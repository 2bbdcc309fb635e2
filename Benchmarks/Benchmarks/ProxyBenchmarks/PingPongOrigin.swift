#if canImport(Glibc)
    import Glibc
#endif

/// The origin behind the proxy, served on the benchmark's own thread: it waits for the one request in
/// flight on whichever of the proxy's connections it arrives, and answers it with fixed bytes.
final class PingPongOrigin {
    static let maxConnections = 64

    let listener: LoopbackSocket
    let port: Int
    private var polled: [pollfd]
    private var scratch = ReceiveBuffer(capacity: 64 << 10)

    init() {
        (listener, port) = LoopbackSocket.listen()
        polled = [pollfd(fd: listener.descriptor, events: Int16(POLLIN), revents: 0)]
        polled.reserveCapacity(Self.maxConnections + 1)
    }

    deinit {
        for entry in polled { _ = close(entry.fd) }
    }

    /// Waits for one request head, then writes `response` on its connection.
    func answer(with response: UnsafeRawBufferPointer) {
        while true {
            let ready = poll(&polled, nfds_t(polled.count), 10_000)
            precondition(ready > 0, "no request reached the origin within 10 s")
            if polled[0].revents != 0 {
                precondition(polled.count <= Self.maxConnections, "the proxy opened too many connections")
                polled.append(pollfd(fd: listener.accept().descriptor, events: Int16(POLLIN), revents: 0))
                polled[0].revents = 0
            }
            var index = 1
            while index < polled.count {
                guard polled[index].revents != 0 else {
                    index += 1
                    continue
                }
                let connection = LoopbackSocket(descriptor: polled[index].fd)
                polled[index].revents = 0
                var probe: UInt8 = 0
                if recv(connection.descriptor, &probe, 1, Int32(MSG_PEEK)) <= 0 {
                    connection.close()
                    polled.remove(at: index)
                    continue
                }
                scratch.consume(scratch.count)
                scratch.consume(scratch.headEnd(from: connection))
                precondition(scratch.count == 0, "the proxy sent a request with a body")
                connection.write(response)
                return
            }
        }
    }
}

/// An HTTP/1.1 origin response: `200`, `content-length`, `content-type: text/plain`, and `size` bytes.
func originResponse(bodySize: Int) -> [UInt8] {
    let head = "HTTP/1.1 200 OK\r\nServer: origin\r\nContent-Type: text/plain\r\nContent-Length: \(bodySize)\r\n\r\n"
    return Array(head.utf8) + (0..<bodySize).map { UInt8(ascii: "a") + UInt8($0 % 26) }
}
