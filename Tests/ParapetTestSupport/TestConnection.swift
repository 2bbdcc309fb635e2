public import NIOCore
import NIOPosix
public import ParapetCore

/// A raw TCP or unix-domain connection to a server under test, for tests that write bytes and read what
/// comes back.
///
/// Reads are pulled: a socket read is issued only when the test asks for more, so a test that stops reading
/// exerts backpressure on the server, as a slow client does.
///
/// ```swift
/// let connection = try await TestConnection.open(to: server.localAddress, timeout: .seconds(5))
/// try await connection.write(ByteBuffer(string: "GET / HTTP/1.1\r\nHost: a\r\n\r\n"))
/// let reply = try await connection.read()
/// await connection.close()
/// ```
public struct TestConnection: Sendable {
    private let channel: any Channel
    private let reader: PullReadHandler

    /// Connects to `address`, failing when no connection is established within `timeout`.
    public static func open(to address: NetworkAddress, timeout: Duration) async throws -> TestConnection {
        // One reader per connection attempt, made here so no pipeline lookup can race a fast close.
        let reader = PullReadHandler()
        let bootstrap = ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(TimeAmount(timeout))
            .channelOption(.autoRead, value: false)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(reader)
                }
            }
        let channel: any Channel
        switch address {
        case .ip(let ip, let port):
            channel = try await bootstrap.connect(to: try SocketAddress(ipAddress: "\(ip)", port: Int(port))).get()
        case .unixSocket(let path):
            channel = try await bootstrap.connect(unixDomainSocketPath: path).get()
        }
        return TestConnection(channel: channel, reader: reader)
    }

    /// The next bytes from the server, or `nil` once it has finished sending.
    public func read() async throws -> ByteBuffer? {
        let reader = self.reader
        let eventLoop = channel.eventLoop
        return try await eventLoop.flatSubmit { reader.nextChunk(on: eventLoop) }.get()
    }

    /// Sends `bytes`.
    public func write(_ bytes: ByteBuffer) async throws {
        try await channel.writeAndFlush(bytes)
    }

    /// Closes both directions; further reads and writes fail.
    public func close() async {
        try? await channel.close()
    }
}
