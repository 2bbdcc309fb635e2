import Synchronization

/// Collects values reported from any task — state changes, callbacks, log lines — in the order they
/// were reported, for a test to inspect afterwards.
///
/// ```swift
/// let changes = Recorder<StateChange>()
/// let breaker = CircuitBreakerBalancer(pool, options: .init(onStateChange: changes.append))
/// // … drive the breaker …
/// #expect(changes.elements.map(\.to) == [.open, .halfOpen, .closed])
/// ```
public final class Recorder<Element: Sendable>: Sendable {
    private let storage = Mutex<[Element]>([])

    /// An empty recorder.
    public init() {}

    /// Records `element` after everything recorded before it.
    @Sendable public func append(_ element: Element) {
        storage.withLock { $0.append(element) }
    }

    /// Everything recorded so far, in order.
    public var elements: [Element] {
        storage.withLock { $0 }
    }
}
