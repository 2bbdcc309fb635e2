import HTTPTypes
import NIOCore
import NIOHTTP1
import ParapetCore
import ParapetUpstream

/// The HTTP/1.1 engine shared by the HTTP, HTTPS (when ALPN picks HTTP/1.1), unix-socket and h2c
/// (for upgrades) transports: keep-alive pools per target and event loop, and the exchange loop with
/// its one retry of a request that met a stale keep-alive connection.
final class UpstreamHTTP1Client: Sendable {
    let loops: UpstreamEventLoops
    let pool: UpstreamConnectionPool<UpstreamHTTP1Connection>
    let connector: UpstreamConnector
    let settings: UpstreamHTTP1Handler.Settings
    /// Offered every new connection before it is set up for HTTP/1.1, on its event loop; returns whether
    /// it took the connection (a TLS transport takes those that negotiated HTTP/2).
    let adopt: @Sendable (UpstreamConnectedChannel, String) throws -> Bool

    init(
        loops: UpstreamEventLoops, connector: UpstreamConnector, maxConnections: Int?, maxIdle: Int,
        maxPooledTargets: Int = UpstreamConnectionPool<UpstreamHTTP1Connection>.defaultMaxPooledTargets,
        settings: UpstreamHTTP1Handler.Settings,
        adopt: @escaping @Sendable (UpstreamConnectedChannel, String) throws -> Bool = { _, _ in false }
    ) {
        self.loops = loops
        self.connector = connector
        self.settings = settings
        self.pool = UpstreamConnectionPool(
            maxConnections: maxConnections, maxIdle: maxIdle, maxPooledTargets: maxPooledTargets)
        self.adopt = adopt
    }

    /// Sends `request` to `target` and returns the response once its head arrived.
    ///
    /// - Throws: ``ParapetUpstream/UpstreamError`` `.failed` or `.timedOut` naming `target`, or
    ///   `CancellationError`.
    func execute(
        _ request: UpstreamRequest, target: String, resolver: any ParapetCore.Resolver, interim: InterimResponses?
    ) async throws -> Response {
        let payload = try await UpstreamRequestPayload(request.body)
        let framing = UpstreamBodyFraming(method: request.head.method, knownLength: request.body.knownLength)
        let head = UpstreamHTTP1Request(
            head: HTTPRequestHead(upstream: request.head, target: target, framing: framing),
            upgradedInbound: request.upgradedInbound)
        let knownLength: Int? = if case .length(let length) = framing { length } else { nil }
        let isRetryable = payload.isEmpty && Self.idempotentMethods.contains(request.head.method)
        var fresh = false
        var deadConnections = 0
        while true {
            try Task.checkCancellation()
            let connection = try await lease(
                target: target, fresh: fresh, resolver: resolver, policy: request.dynamicTargetPolicy)
            do {
                return try await connection.execute(head, payload: payload, knownLength: knownLength, interim: interim)
            } catch UpstreamExchangeFailure.notStarted {
                // The connection died in the pool; nothing was sent.
                deadConnections += 1
                fresh = deadConnections > 2
                continue
            } catch UpstreamExchangeFailure.stale(let error) {
                guard isRetryable, !fresh else { throw UpstreamError.failed(target: target, underlying: error) }
                fresh = true
                continue
            } catch UpstreamExchangeFailure.failed(let error) {
                throw UpstreamError.failed(target: target, underlying: error)
            } catch UpstreamExchangeFailure.timedOut {
                throw UpstreamError.timedOut(target: target)
            }
        }
    }

    /// Methods whose requests may be sent twice (RFC 9110 §9.2.2).
    static let idempotentMethods: Set<HTTPRequest.Method> = [.get, .head, .options, .trace, .put, .delete]

    /// A connection to `target`: an idle one, a new one, or one released to this caller after waiting.
    private func lease(
        target: String, fresh: Bool, resolver: any ParapetCore.Resolver, policy: DynamicTargetPolicy?
    ) async throws -> UpstreamHTTP1Connection {
        let current = loops.current()
        let grant: UpstreamPoolGrant<UpstreamHTTP1Connection>
        do {
            grant = try await pool.acquire(target: target, loop: current, fresh: fresh)
        } catch let error as UpstreamPoolClosed {
            throw UpstreamError.failed(target: target, underlying: error)
        }
        switch grant {
        case .reuse(let connection):
            return connection
        case .connect:
            do {
                return try await connect(
                    target: target, on: loops.loop(preferring: current), resolver: resolver, policy: policy)
            } catch {
                pool.connectFailed(target: target)
                if error is UpstreamNegotiatedHTTP2 { throw error }
                if error is CancellationError || Task.isCancelled { throw CancellationError() }
                throw UpstreamError.failed(target: target, underlying: error)
            }
        }
    }

    private func connect(
        target: String, on loop: any EventLoop, resolver: any ParapetCore.Resolver, policy: DynamicTargetPolicy?
    ) async throws -> UpstreamHTTP1Connection {
        let connected = try await connector.connect(to: target, on: loop, resolver: resolver, policy: policy)
        let pool = self.pool
        let settings = self.settings
        let executor = loops.executor(for: loop)
        let adopt = self.adopt
        let configure: @Sendable () throws -> UpstreamHTTP1Connection = {
            let isTaken: Bool
            do {
                isTaken = try adopt(connected, target)
                if !isTaken {
                    return try UpstreamHTTP1Connection.configure(
                        connected.channel, poolKey: target, settings: settings, executor: executor, pool: pool)
                }
            } catch {
                connected.channel.close(promise: nil)
                throw error
            }
            throw UpstreamNegotiatedHTTP2()
        }
        if loop.inEventLoop {
            return try configure()
        }
        return try await loop.submit(configure).get()
    }

    /// Closes idle connections, fails waiters; connections in use close when their exchange ends.
    func shutDown() {
        pool.shutDown()
    }
}

extension UpstreamRequestPayload {
    var isEmpty: Bool {
        if case .empty = self { return true }
        return false
    }
}

/// A new connection negotiated HTTP/2 and was handed to the HTTP/2 client: send the request there.
struct UpstreamNegotiatedHTTP2: Error {}
