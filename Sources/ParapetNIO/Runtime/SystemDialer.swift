public import NIOCore
public import NIOPosix
public import ParapetCore

/// The production ``Dialer``: TCP and unix-domain sockets opened with SwiftNIO.
///
/// ```swift
/// let dialer = SystemDialer()
/// let connection = try await dialer.dial(.ip(IPAddress("127.0.0.1")!, port: 6379), timeout: .seconds(1))
/// ```
public struct SystemDialer: Dialer {
    private let group: any EventLoopGroup

    /// Creates a dialer whose connections run on `group`.
    public init(group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) {
        self.group = group
    }

    public func dial(_ address: NetworkAddress, timeout: Duration) async throws -> any NetworkConnection {
        // One reader per connection attempt, made here so no pipeline lookup can race a fast close.
        let reader = PullReadHandler()
        let bootstrap = ClientBootstrap(group: group)
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
        return ChannelConnection(channel: channel, reader: reader)
    }
}

extension TimeAmount {
    /// The time amount closest to `duration`, in nanoseconds.
    init(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        self = .nanoseconds(seconds.multipliedReportingOverflow(by: 1_000_000_000).partialValue + attoseconds / 1_000_000_000)
    }
}
