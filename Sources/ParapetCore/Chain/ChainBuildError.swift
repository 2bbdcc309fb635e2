/// Everything wrong with a middleware chain, found when it was built: each problem with the path of
/// components that leads to it, so one failed start tells the operator every fix at once.
///
/// Middlewares, balancers and transports only store their settings when they are created; the checks run
/// when the server builds its chain (`listen`, `listenAndServe`, `makeHandler`), and the build throws
/// this error listing every problem:
///
/// ```text
/// 3 problems in the middleware chain:
///   - Host("example.com:80"): invalid host name: "example.com:80" is not a host name (example.com), …
///   - Host("example.com") › Upstream › CircuitBreakerBalancer: invalid failureThreshold: must be at least 1, got 0
///   - Redirect: invalid status: 200 is not a redirect status; use 301, 302, 303, 307 or 308
/// ```
public struct ChainBuildError: Error, CustomStringConvertible {
    /// One thing wrong, and where.
    public struct Problem: Sendable, CustomStringConvertible {
        /// The components from the outermost down to the one at fault, such as
        /// `["Host(\"example.com\")", "Upstream", "CircuitBreakerBalancer"]`.
        public var path: [String]
        /// What is wrong: usually a ``ConfigurationError`` naming the field and its value.
        public var error: any Error

        /// `error`, found at the end of `path`.
        public init(path: [String], error: any Error) {
            self.path = path
            self.error = error
        }

        public var description: String {
            path.isEmpty ? "\(error)" : path.joined(separator: " › ") + ": \(error)"
        }
    }

    /// Every problem, in the order the components were `use`d.
    public var problems: [Problem]

    /// An error listing `problems`.
    public init(problems: [Problem]) {
        self.problems = problems
    }

    public var description: String {
        if problems.count == 1 { return "invalid middleware chain: \(problems[0])" }
        return "\(problems.count) problems in the middleware chain:"
            + problems.map { "\n  - \($0)" }.joined()
    }
}

/// The problems found while a component and the components inside it are built or checked, thrown
/// together at the end as one error.
///
/// ```swift
/// public func wrap(_ next: any Handler, in environment: ChainEnvironment) throws -> any Handler {
///     var problems = ChainBuildProblems()
///     let settings = problems.attempt { () throws(ConfigurationError) in try options.validated() }
///     let inner = problems.attempt { try chain.wrap(Endpoint.notFound, in: environment) }
///     guard let settings, let inner else { throw problems.error }
///     return MyBlockHandler(settings: settings, inner: inner, next: next)
/// }
/// ```
public struct ChainBuildProblems {
    /// What was found so far.
    public private(set) var problems: [ChainBuildError.Problem] = []

    /// Nothing found yet.
    public init() {}

    /// Runs `step` and returns its value; when it throws, records the problems it stands for, placed
    /// inside `component` when given, and returns `nil`.
    ///
    /// A ``ChainBuildError`` contributes each of its problems, a ``ConfigurationError/several(_:)`` each
    /// of its values, so that every problem is listed on its own line.
    @discardableResult
    public mutating func attempt<Value>(inside component: String? = nil, _ step: () throws -> Value) -> Value? {
        do {
            return try step()
        } catch {
            record(error, inside: component)
            return nil
        }
    }

    /// Records what `error` stands for, placed inside `component` when given.
    public mutating func record(_ error: any Error, inside component: String? = nil) {
        let prefix = component.map { [$0] } ?? []
        switch error {
        case let error as ChainBuildError:
            problems += error.problems.map { ChainBuildError.Problem(path: prefix + $0.path, error: $0.error) }
        case let error as ConfigurationError:
            problems += error.flattened.map { ChainBuildError.Problem(path: prefix, error: $0) }
        default:
            problems.append(ChainBuildError.Problem(path: prefix, error: error))
        }
    }

    /// Adds what `other` found after what was found here.
    mutating func append(contentsOf other: ChainBuildProblems) {
        problems += other.problems
    }

    /// What was found, as one error: a single problem of the component itself (with an empty path) as
    /// the error it is, anything else as a ``ChainBuildError`` listing every problem.
    public var error: any Error {
        if problems.count == 1, problems[0].path.isEmpty { return problems[0].error }
        return ChainBuildError(problems: problems)
    }

    /// Throws ``error`` when anything was found.
    public func result() throws {
        if !problems.isEmpty { throw error }
    }
}

extension Middleware {
    /// How a build names this middleware in a problem's path: its description when it has one
    /// (`Host("example.com")`), otherwise its type's name; `nil` for a plain ``Middlewares``, which only
    /// groups.
    var nameInChain: String? {
        if self is Middlewares { return nil }
        return (self as? any CustomStringConvertible)?.description ?? "\(type(of: self))"
    }
}
