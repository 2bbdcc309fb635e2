import NIOCore
import NIOPosix
import ParapetCore

/// A loopback port that was free a moment ago (bound and released).
func freeLoopbackPort() async throws -> Int {
    let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
        .bind(host: "127.0.0.1", port: 0).get()
    let port = channel.localAddress?.port ?? 0
    try await channel.close()
    return port
}

/// A wall clock stopped at one instant, so that tests know which window they count in.
struct StoppedWallClock: WallClock {
    let now: WallInstant
}
