#if canImport(Glibc)
    import Glibc
#endif

/// A blocking loopback TCP socket, read and written without allocating, so that every malloc a
/// measured request makes is the proxy's.
struct LoopbackSocket {
    let descriptor: Int32

    /// Connects to `127.0.0.1:port`.
    static func connect(port: Int) -> LoopbackSocket {
        let socket = LoopbackSocket(descriptor: Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0))
        socket.configure()
        var address = loopback(port: port)
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(socket.descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        precondition(result == 0, "connect to 127.0.0.1:\(port) failed: errno \(errno)")
        return socket
    }

    /// A listening socket on a free loopback port, and that port.
    static func listen() -> (LoopbackSocket, port: Int) {
        let socket = LoopbackSocket(descriptor: Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0))
        var address = loopback(port: 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.bind(socket.descriptor, $0, length) == 0 && Glibc.listen(socket.descriptor, 64) == 0
                    && getsockname(socket.descriptor, $0, &length) == 0
            }
        }
        precondition(bound, "cannot listen on 127.0.0.1: errno \(errno)")
        return (socket, Int(UInt16(bigEndian: address.sin_port)))
    }

    private static func loopback(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = UInt32(0x7f00_0001).bigEndian
        return address
    }

    /// Accepts one connection (the listening socket must be readable).
    func accept() -> LoopbackSocket {
        let accepted = LoopbackSocket(descriptor: Glibc.accept(descriptor, nil, nil))
        precondition(accepted.descriptor >= 0, "accept failed: errno \(errno)")
        accepted.configure()
        return accepted
    }

    /// `TCP_NODELAY`, and a 10 s receive timeout so that a broken proxy fails the benchmark rather than
    /// hanging it.
    private func configure() {
        var one: Int32 = 1
        setsockopt(descriptor, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    /// Writes all of `bytes`.
    func write(_ bytes: UnsafeRawBufferPointer) {
        var offset = 0
        while offset < bytes.count {
            let written = Glibc.send(descriptor, bytes.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL))
            precondition(written > 0, "write failed: errno \(errno)")
            offset += written
        }
    }

    /// Reads what is available into `buffer` (at least one byte); 0 when the peer closed.
    func read(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        let count = Glibc.recv(descriptor, buffer.baseAddress!, buffer.count, 0)
        precondition(count >= 0, "read failed (a timeout means the proxy stopped answering): errno \(errno)")
        return count
    }

    func close() {
        _ = Glibc.close(descriptor)
    }
}

/// Bytes received on a socket and not yet consumed: a fixed buffer, compacted as it fills.
final class ReceiveBuffer {
    private let storage: UnsafeMutableRawBufferPointer
    private(set) var start = 0
    private(set) var end = 0

    init(capacity: Int) {
        storage = .allocate(byteCount: capacity, alignment: 16)
    }

    deinit {
        storage.deallocate()
    }

    var count: Int { end - start }

    /// The unconsumed bytes.
    var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(rebasing: storage[start..<end]) }

    subscript(offset: Int) -> UInt8 { storage[start + offset] }

    /// Reads from `socket` until at least `count` bytes are unconsumed.
    func fill(from socket: LoopbackSocket, atLeast count: Int) {
        while self.count < count {
            if end == storage.count {
                storage.baseAddress!.copyMemory(from: storage.baseAddress! + start, byteCount: self.count)
                end -= start
                start = 0
            }
            let received = socket.read(into: UnsafeMutableRawBufferPointer(rebasing: storage[end...]))
            precondition(received > 0, "the proxy closed the connection")
            end += received
        }
    }

    func consume(_ count: Int) {
        start += count
        if start == end {
            start = 0
            end = 0
        }
    }

    /// The offset of the first `\r\n\r\n`, reading from `socket` until one arrives.
    func headEnd(from socket: LoopbackSocket) -> Int {
        var scanned = 0
        while true {
            while scanned + 4 <= count {
                if self[scanned] == 13, self[scanned + 1] == 10, self[scanned + 2] == 13, self[scanned + 3] == 10 {
                    return scanned + 4
                }
                scanned += 1
            }
            fill(from: socket, atLeast: count + 1)
        }
    }
}
