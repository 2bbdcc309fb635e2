import NIOCore

/// Enforces ``ConnectionDeadlines`` on one channel: keeps a single timer armed for the current deadline
/// and closes the channel when it fires.
///
/// Every method runs on the channel's event loop (it is only called from that channel's handlers),
/// which is what makes the unchecked `Sendable` safe.
final class ConnectionTimeouts: @unchecked Sendable {
    private var deadlines: ConnectionDeadlines
    private var armedFor: Duration?
    private var timer: Scheduled<Void>?
    private let channel: any Channel

    init(limits: ConnectionDeadlines.Limits, channel: any Channel) {
        self.channel = channel
        self.deadlines = ConnectionDeadlines(limits: limits, now: Self.now)
        rearm()
    }

    private static var now: Duration {
        .nanoseconds(Int64(truncatingIfNeeded: NIODeadline.now().uptimeNanoseconds))
    }

    /// Applies `event` to the deadlines and re-arms the timer if the deadline moved.
    func record(_ event: (inout ConnectionDeadlines, Duration) -> Void) {
        event(&deadlines, Self.now)
        rearm()
    }

    /// Stops enforcing (the channel closed).
    func cancel() {
        timer?.cancel()
        timer = nil
    }

    private func rearm() {
        let deadline = deadlines.deadline
        guard deadline != armedFor else { return }
        armedFor = deadline
        timer?.cancel()
        timer = nil
        guard let deadline else { return }
        let (seconds, attoseconds) = deadline.components
        let uptime = UInt64(clamping: seconds) &* 1_000_000_000 &+ UInt64(clamping: attoseconds / 1_000_000_000)
        timer = channel.eventLoop.scheduleTask(deadline: .uptimeNanoseconds(uptime)) { [channel] in
            channel.close(mode: .all, promise: nil)
        }
    }
}

/// The first handler of every connection: notes that bytes arrived, for the read-header deadline.
final class InboundActivityHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private let timeouts: ConnectionTimeouts

    init(timeouts: ConnectionTimeouts) {
        self.timeouts = timeouts
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        timeouts.record { deadlines, now in deadlines.bytesArrived(at: now) }
        context.fireChannelRead(data)
    }

    func channelInactive(context: ChannelHandlerContext) {
        timeouts.cancel()
        context.fireChannelInactive()
    }
}

@available(*, unavailable)
extension InboundActivityHandler: Sendable {}
