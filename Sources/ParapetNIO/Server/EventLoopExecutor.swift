import NIOCore

/// A Swift concurrency task executor that runs jobs on one NIO event loop.
///
/// Each connection is served by a task that prefers the executor of the event loop its socket lives
/// on, so a request's handler and its channel I/O share one thread: no hop between the event loop and
/// the cooperative pool for every read and write.
final class EventLoopExecutor: TaskExecutor, @unchecked Sendable {
    // Sendable: the event loop is thread-safe to submit to; the class holds nothing else.
    let eventLoop: any EventLoop
    private let serialExecutor: any SerialExecutor

    init(_ eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
        self.serialExecutor = eventLoop.executor
    }

    func enqueue(_ job: consuming ExecutorJob) {
        // NIO's event loops run executor jobs without allocating a closure per job.
        serialExecutor.enqueue(job)
    }
}

/// One ``EventLoopExecutor`` per event loop of a group, looked up by loop.
struct EventLoopExecutors: Sendable {
    private let executors: [ObjectIdentifier: EventLoopExecutor]

    init(group: any EventLoopGroup) {
        var executors: [ObjectIdentifier: EventLoopExecutor] = [:]
        for loop in group.makeIterator() {
            executors[ObjectIdentifier(loop)] = EventLoopExecutor(loop)
        }
        self.executors = executors
    }

    /// The executor of `eventLoop`; `nil` for a loop outside the group.
    func executor(for eventLoop: any EventLoop) -> EventLoopExecutor? {
        executors[ObjectIdentifier(eventLoop)]
    }
}
