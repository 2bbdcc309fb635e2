import NIOCore
import NIOEmbedded
@testable import ParapetNIO

/// A connection the pool's state machine can hold; only its identity matters to these tests.
final class PoolStubConnection: UpstreamPoolableConnection {
    let poolKey = "t"
    let eventLoop: any EventLoop = EmbeddedEventLoop()
    func close() {}
}
