import Synchronization

/// An ordered chain of middlewares; the first one `use`d sits outermost, like the layers of an onion.
///
/// ```swift
/// let chain = Middlewares()
/// chain.use(a)          // runs first on the way in, last on the way out
/// chain.use(b)
/// chain.use(Endpoint { _, _ in .text("X") })
/// // a(b(X))
/// ```
///
/// A chain has reference semantics. A `use` after the chain was built into a server cannot take effect;
/// rather than doing nothing silently, the next build throws ``ChainError/usedAfterBuild``. A chain may
/// be wrapped more than once (the same backend mounted under two locations).
public final class Middlewares: Block {
    private struct State {
        var middlewares: [any Middleware] = []
        var isBuilt = false
        /// A middleware was used after a build: reported by every later build.
        var wasUsedLate = false
    }

    private let state = Mutex(State())

    /// An empty chain.
    public init() {}

    /// A chain of `middlewares`, first outermost.
    public init(_ middlewares: [any Middleware]) {
        state.withLock { $0.middlewares = middlewares }
    }

    /// Appends `middleware` inside everything used before it; after the chain was built, makes the next
    /// build throw ``ChainError/usedAfterBuild`` instead.
    public func use(_ middleware: any Middleware) {
        state.withLock { state in
            if state.isBuilt {
                state.wasUsedLate = true
            } else {
                state.middlewares.append(middleware)
            }
        }
    }

    /// The number of middlewares in the chain.
    public var count: Int {
        state.withLock { $0.middlewares.count }
    }

    /// Whether the chain has been built; once it has, ``use(_:)`` no longer adds to it.
    public var isBuilt: Bool {
        state.withLock { $0.isBuilt }
    }

    /// Builds the chain around `next`, innermost last, and freezes it.
    ///
    /// Every middleware is built even after one failed, so that the error lists every problem.
    ///
    /// - Throws: ``ChainError/usedAfterBuild`` when a middleware was used after an earlier build;
    ///   otherwise a ``ChainBuildError`` with what every middleware's `wrap` threw, in `use` order.
    public func wrap(_ next: any Handler, in environment: ChainEnvironment) throws -> any Handler {
        let (middlewares, wasUsedLate) = state.withLock { state in
            state.isBuilt = true
            return (state.middlewares, state.wasUsedLate)
        }
        if wasUsedLate { throw ChainError.usedAfterBuild }
        var handler = next
        var problemsInnermostFirst: [ChainBuildProblems] = []
        for middleware in middlewares.reversed() {
            var problems = ChainBuildProblems()
            if let wrapped = problems.attempt(inside: middleware.nameInChain, { try middleware.wrap(handler, in: environment) }) {
                handler = wrapped
            }
            problemsInnermostFirst.append(problems)
        }
        var problems = ChainBuildProblems()
        for found in problemsInnermostFirst.reversed() {
            problems.append(contentsOf: found)
        }
        try problems.result()
        return handler
    }
}
