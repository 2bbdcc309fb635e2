import HTTPTypes
import Logging
import NIOCore
import ParapetCore
public import ParapetUpstream
import Synchronization

/// A JSON Web Key Set fetched over a ``ParapetUpstream/Transport`` and kept fresh in the background, for a
/// ``JWT`` authenticator.
///
/// The set is fetched when the chain is built and then every ``Options/refreshInterval`` through the
/// runtime's spawner and clock (so the simulator runs it in virtual time). A token whose `kid` is unknown
/// triggers one shared refresh — concurrent requests wait for the same fetch, and no second one starts
/// within ``Options/minimumRefreshInterval``. A fetch that fails, times out, answers other than `200`,
/// exceeds ``Options/maxResponseBytes`` or holds no usable key keeps the last good set serving.
///
/// ```swift
/// let jwks = JWKSKeySource(
///     authority: "issuer.example", path: "/.well-known/jwks.json",
///     transport: SingleHost("issuer.example:443", transport: HTTPSTransport()))
/// server.use(JWT(keys: .jwks(jwks), options: .init(algorithms: [.rs256, .es256])))
/// ```
public final class JWKSKeySource: Sendable {
    /// The `Host` the request names and the target the transport is asked for.
    public let authority: String
    /// The path of the JWKS document.
    public let path: String
    /// How the document is fetched.
    public let transport: any Transport
    /// Intervals, limits and hooks.
    public let options: Options

    private let state: Mutex<StateMachine<CheckedContinuation<KeyRing?, Never>>>
    private let environment = Mutex<ChainEnvironment?>(nil)

    /// Creates a source; nothing is fetched until a chain using it is built.
    public init(authority: String, path: String, transport: any Transport, options: Options = Options()) {
        self.authority = authority
        self.path = path
        self.transport = transport
        self.options = options
        self.state = Mutex(StateMachine(minimumInterval: options.minimumRefreshInterval))
    }

    /// The result of one fetch, for ``Options/observe``.
    public enum FetchOutcome: Sendable, Equatable {
        /// A set with `keys` usable keys now serves.
        case loaded(keys: Int)
        /// The fetch failed for `reason`; the previous set (if any) keeps serving.
        case failed(reason: String)
    }

    /// Fetches now (unless a fetch runs; then waits for it, or a newer set than generation `seen` exists,
    /// or the rate limit says no) and returns the ring that then serves.
    func refresh(scheduled: Bool, seen: UInt64? = nil) async -> KeyRing? {
        guard let environment = environment.withLock({ $0 }) else { return nil }
        let now = environment.runtime.clock.now
        var decision = StateMachine<CheckedContinuation<KeyRing?, Never>>.Decision.useCurrent
        let joined = await withCheckedContinuation { (continuation: CheckedContinuation<KeyRing?, Never>) in
            decision = state.withLock {
                $0.refreshWanted(at: now, scheduled: scheduled, seen: seen, waiter: continuation)
            }
            if decision != .wait { continuation.resume(returning: nil) }
        }
        let generation: UInt64
        switch decision {
        case .wait: return joined
        case .useCurrent: return state.withLock { $0.ring }
        case .fetch(let next): generation = next
        }
        let ring = await fetch(generation: generation, in: environment)
        let (current, waiters) = state.withLock { state in
            let waiters = state.fetchFinished(ring)
            return (state.ring, waiters)
        }
        for waiter in waiters { waiter.resume(returning: current) }
        return current
    }

    /// One fetch, bounded by the timeout; `nil` when it yields no usable set.
    private func fetch(generation: UInt64, in environment: ChainEnvironment) async -> KeyRing? {
        let clock = environment.runtime.clock
        let outcome = await clock.result(by: clock.now.advanced(by: options.timeout)) { [self] in
            await self.download(generation: generation, in: environment)
        }
        switch outcome ?? .failure(.timedOut) {
        case .success(let ring):
            options.observe?(.loaded(keys: ring.entries.count))
            return ring
        case .failure(let problem):
            options.observe?(.failed(reason: problem.description))
            environment.logger.warning(
                "JWKS fetch failed; the last good key set keeps serving",
                metadata: ["authority": "\(authority)", "path": "\(path)", "problem": "\(problem)"])
            return nil
        }
    }

    private func download(generation: UInt64, in environment: ChainEnvironment) async -> Result<KeyRing, FetchProblem> {
        let head = HTTPRequest(
            method: .get, scheme: "http", authority: authority, path: path, headerFields: [.accept: "application/json"])
        let context = RequestContext(
            connection: ConnectionInfo(peer: nil), logger: environment.logger, runtime: environment.runtime)
        do {
            let response = try await transport.roundTrip(UpstreamRequest(head: head), context: context).response
            guard response.status == .ok else { return .failure(.status(response.status.code)) }
            let body = try await response.body.collect(upTo: options.maxResponseBytes)
            let document = try JWT.KeySetDocument(parsing: body.readableBytesView, algorithm: options.algorithm)
            guard !document.keys.isEmpty else { return .failure(.noUsableKey(document.skipped)) }
            return .success(try await KeyRing.make(document.keys, generation: generation))
        } catch let error as HTTPBodyError {
            return .failure(.tooLarge(error))
        } catch {
            return .failure(.transport("\(error)"))
        }
    }

    /// Why a fetch yielded no key set.
    enum FetchProblem: Error, CustomStringConvertible {
        case status(Int)
        case tooLarge(HTTPBodyError)
        case noUsableKey([String])
        case transport(String)
        case timedOut

        var description: String {
            switch self {
            case .status(let code): return "answered \(code)"
            case .tooLarge: return "document larger than the limit"
            case .noUsableKey(let skipped): return "no usable key (\(skipped.joined(separator: "; ")))"
            case .transport(let error): return "transport error: \(error)"
            case .timedOut: return "timed out"
            }
        }
    }
}

extension JWKSKeySource: KeyProvider {
    func configurationProblems(accepting algorithms: [JWT.Algorithm]) -> [ConfigurationError] {
        var check = ConfigurationCheck()
        check.positive(options.refreshInterval, "JWKSKeySource.Options.refreshInterval")
        check.positive(options.retryInterval, "JWKSKeySource.Options.retryInterval")
        check.nonNegative(options.minimumRefreshInterval, "JWKSKeySource.Options.minimumRefreshInterval")
        check.positive(options.timeout, "JWKSKeySource.Options.timeout")
        check.positive(options.maxResponseBytes, "JWKSKeySource.Options.maxResponseBytes")
        check.require(path.hasPrefix("/"), "JWKSKeySource.path", "must start with \"/\", got \"\(path)\"")
        check.require(!authority.isEmpty, "JWKSKeySource.authority", "must not be empty")
        do {
            try transport.checkConfiguration()
        } catch {
            check.fail("JWKSKeySource.transport", "\(error)")
        }
        return check.problems
    }

    func start(in environment: ChainEnvironment) {
        let isFirst = self.environment.withLock { stored in
            defer { stored = stored ?? environment }
            return stored == nil
        }
        guard isFirst else { return }
        environment.runtime.spawner.spawn("jwks-refresh \(authority)\(path)") { [self] in
            // The first pass loads the set unless a request already did.
            _ = await currentRing()
            while !Task.isCancelled {
                let failed = state.withLock { $0.lastFetchFailed || $0.ring == nil }
                let wait = failed ? options.retryInterval : options.refreshInterval
                do {
                    try await environment.runtime.clock.sleep(for: wait)
                } catch {
                    return
                }
                _ = await refresh(scheduled: true)
            }
        }
    }

    func currentRing() async -> KeyRing? {
        if let ring = state.withLock({ $0.ring }) { return ring }
        return await refresh(scheduled: false)
    }

    func ring(afterUnknownKeyID kid: String, seen: KeyRing) async -> KeyRing? {
        await refresh(scheduled: false, seen: seen.generation)
    }
}

extension JWT.Keys {
    /// Keys from a JWKS endpoint, kept fresh in the background.
    public static func jwks(_ source: JWKSKeySource) -> JWT.Keys {
        JWT.Keys(provider: source)
    }
}
