import Synchronization

/// An ordered chain of middlewares; the first one `use`d sits outermost, like the layers of an onion.
///
/// ```swift
/// let chain = Middlewares()
/// try chain.use(a)          // runs first on the way in, last on the way out
/// try chain.use(b)
/// try chain.use(Endpoint { _, _ in .text("X") })
/// // a(b(X))
/// ```
///
/// A chain has reference semantics: `use` after the chain was built into a server throws
/// ``ChainError/usedAfterBuild`` rather than silently doing nothing. A chain may be wrapped more than
/// once (the same backend mounted under two locations).
public final class Middlewares: Block {
    private struct State {
        var middlewares: [any Middleware] = []
        var isBuilt = false
    }

    private let state = Mutex(State())

    /// An empty chain.
    public init() {}

    /// A chain of `middlewares`, first outermost.
    public init(_ middlewares: [any Middleware]) {
        state.withLock { $0.middlewares = middlewares }
    }

    /// Appends `middleware` inside everything used before it.
    ///
    /// - Throws: ``ChainError/usedAfterBuild`` once the chain has been built.
    public func use(_ middleware: any Middleware) throws {
        try state.withLock { state throws(ChainError) in
            guard !state.isBuilt else { throw .usedAfterBuild }
            state.middlewares.append(middleware)
        }
    }

    /// The number of middlewares in the chain.
    public var count: Int {
        state.withLock { $0.middlewares.count }
    }

    /// Whether the chain has been built; once it has, ``use(_:)`` throws.
    public var isBuilt: Bool {
        state.withLock { $0.isBuilt }
    }

    /// Builds the chain around `next`, innermost last, and freezes it.
    public func wrap(_ next: any Handler, in environment: ChainEnvironment) throws -> any Handler {
        let middlewares = state.withLock { state in
            state.isBuilt = true
            return state.middlewares
        }
        var handler = next
        for middleware in middlewares.reversed() {
            handler = try middleware.wrap(handler, in: environment)
        }
        return handler
    }
}
