import NIOCore

/// Enforces ``ConnectionTimeouts/StateMachine`` on one channel: keeps a single timer armed no later than the current
/// deadline and closes the channel once the deadline has passed.
///
/// Every method runs on the channel's event loop (it is only called from that channel's handlers),
/// which is what makes the unchecked `Sendable` safe.
final class ConnectionTimeouts: @unchecked Sendable {
    private var deadlines: StateMachine
    private var armedFor: Duration?
    private var timer: Scheduled<Void>?
    private let channel: any Channel

    init(limits: StateMachine.Limits, channel: any Channel) {
        self.channel = channel
        self.deadlines = StateMachine(limits: limits, now: Self.now)
        rearm()
    }

    private static var now: Duration {
        .nanoseconds(Int64(truncatingIfNeeded: NIODeadline.now().uptimeNanoseconds))
    }

    /// Applies `event` to the deadlines and re-arms the timer if the deadline moved.
    func record(_ event: (inout StateMachine, Duration) -> Void) {
        event(&deadlines, Self.now)
        rearm()
    }

    /// Stops enforcing (the channel closed).
    func cancel() {
        timer?.cancel()
        timer = nil
        armedFor = nil
    }

    /// Keeps one timer armed no later than the current deadline. A deadline that moves later leaves the
    /// timer alone (it re-arms itself when it fires early); only an earlier deadline reschedules it, so
    /// the per-request events of a busy connection do not churn the event loop's timer heap.
    private func rearm() {
        guard let deadline = deadlines.deadline else { return }
        if let armedFor, armedFor <= deadline { return }
        timer?.cancel()
        armedFor = deadline
        let (seconds, attoseconds) = deadline.components
        let uptime = UInt64(clamping: seconds) &* 1_000_000_000 &+ UInt64(clamping: attoseconds / 1_000_000_000)
        timer = channel.eventLoop.scheduleTask(deadline: .uptimeNanoseconds(uptime)) { [self] in
            timerFired()
        }
    }

    private func timerFired() {
        timer = nil
        armedFor = nil
        guard let deadline = deadlines.deadline else { return }
        if deadline <= Self.now {
            channel.close(mode: .all, promise: nil)
        } else {
            rearm()
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
