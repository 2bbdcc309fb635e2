import NIOCore
import NIOPosix

/// A Swift concurrency task executor that runs jobs on one NIO event loop (the client's twin of the
/// server's executor): a task that prefers it shares its thread with the channels of that loop.
final class UpstreamLoopExecutor: TaskExecutor, @unchecked Sendable {
    // Sendable: the event loop is thread-safe to submit to; the class holds nothing else.
    let eventLoop: any EventLoop
    private let serialExecutor: any SerialExecutor

    init(_ eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
        self.serialExecutor = eventLoop.executor
    }

    func enqueue(_ job: consuming ExecutorJob) {
        serialExecutor.enqueue(job)
    }
}

/// The event loops an upstream client opens connections on, and the loop a caller runs on.
///
/// The server runs each request's task on its downstream connection's loop; the client keeps one pool
/// per loop so a proxied request reuses an upstream connection of the same thread and never hops. A
/// caller on no loop of the group (a test, a background task) is served by any loop.
struct UpstreamEventLoops: Sendable {
    let group: any EventLoopGroup
    private let executors: [ObjectIdentifier: UpstreamLoopExecutor]

    init(group: any EventLoopGroup) {
        self.group = group
        var executors: [ObjectIdentifier: UpstreamLoopExecutor] = [:]
        for loop in group.makeIterator() {
            executors[ObjectIdentifier(loop)] = UpstreamLoopExecutor(loop)
        }
        self.executors = executors
    }

    /// The group's loop the calling thread runs, or `nil` off the group.
    func current() -> (any EventLoop)? {
        guard let loop = MultiThreadedEventLoopGroup.currentEventLoop,
            executors[ObjectIdentifier(loop)] != nil
        else { return nil }
        return loop
    }

    /// The loop a new connection for a caller on `preferred` (or on no loop) is opened on.
    func loop(preferring preferred: (any EventLoop)?) -> any EventLoop {
        preferred ?? group.next()
    }

    /// The task executor of `loop`, when it belongs to the group.
    func executor(for loop: any EventLoop) -> UpstreamLoopExecutor? {
        executors[ObjectIdentifier(loop)]
    }
}

extension TimeAmount {
    /// The time amount closest to `duration`, in nanoseconds (saturating).
    init(upstream duration: Duration) {
        let (seconds, attoseconds) = duration.components
        let (nanos, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        self = .nanoseconds(overflow ? .max : nanos &+ attoseconds / 1_000_000_000)
    }
}
