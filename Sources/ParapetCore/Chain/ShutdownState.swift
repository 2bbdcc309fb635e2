import Synchronization

/// Whether the server running a chain has begun graceful shutdown.
///
/// A server flips it the moment shutdown starts — before it stops accepting, while it keeps serving for
/// its `waitBeforeShutdown` — so that a readiness probe can fail at once and load balancers stop sending
/// traffic. A middleware reads it from ``ChainEnvironment/shutdown`` when it is wrapped and checks it
/// per request; it never needs to have served a request first.
///
/// ```swift
/// struct Readiness: Middleware {
///     func wrap(_ next: any Handler, in environment: ChainEnvironment) throws -> any Handler {
///         let shutdown = environment.shutdown
///         return Endpoint { _, _ in shutdown.isShuttingDown ? .error(.serviceUnavailable) : .text("ready\n") }
///     }
/// }
/// ```
public final class ShutdownState: Sendable {
    private let hasBegun = Atomic<Bool>(false)

    /// A state in which shutdown has not begun.
    public init() {}

    /// Whether graceful shutdown has begun; once `true`, it stays `true`.
    public var isShuttingDown: Bool {
        hasBegun.load(ordering: .acquiring)
    }

    /// Marks graceful shutdown as begun; the server calls it, and so may a test or a simulation.
    ///
    /// ```swift
    /// let shutdown = ShutdownState()
    /// shutdown.begin()
    /// assert(shutdown.isShuttingDown)
    /// ```
    public func begin() {
        hasBegun.store(true, ordering: .releasing)
    }
}
