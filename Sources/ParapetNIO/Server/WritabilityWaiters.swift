import NIOCore

/// Request tasks waiting for a slow peer to drain a channel's outbound buffer before they write more.
///
/// Used on the channel's event loop by the handler that owns the channel's writes:
///
/// ```swift
/// waiters.wait(continuation, on: context.channel)   // in ResponseSink.whenWritable
/// waiters.resumeAll()                              // in channelWritabilityChanged, and when the channel ends
/// ```
struct WritabilityWaiters {
    private var waiting: [CheckedContinuation<Void, Never>] = []

    /// Parks `continuation` until the channel is writable again; resumes it at once when it already is, or
    /// when the channel is gone.
    mutating func wait(_ continuation: CheckedContinuation<Void, Never>, on channel: (any Channel)?) {
        if let channel, channel.isActive, !channel.isWritable {
            waiting.append(continuation)
        } else {
            continuation.resume()
        }
    }

    /// Resumes every waiter: the channel became writable, or closed.
    mutating func resumeAll() {
        let resumed = waiting
        waiting.removeAll()
        for continuation in resumed { continuation.resume() }
    }
}
