import HTTPTypes
import NIOCore
import ParapetCore
import ParapetUpstream
import Synchronization

/// The HTTP/2 engine shared by the h2c and HTTPS transports: one multiplexed connection per target
/// per event loop (a caller on no loop of the group shares any), opened on first use. At most
/// `maxPooledTargets` targets keep connections: a request for one more retires the connections of the
/// least recently used target (closed once their open streams end).
final class UpstreamHTTP2Client: Sendable {
    private struct Entry {
        var id: Int
        var loop: ObjectIdentifier
        var connection: EventLoopFuture<UpstreamHTTP2Connection>
    }

    private struct Table {
        var entries: [String: [Entry]] = [:]
        /// When each target in `entries` was last asked for, on `uses`.
        var lastUse: [String: UInt64] = [:]
        var uses: UInt64 = 0
        var nextID = 0
        var isShutDown = false

        /// Takes out the least recently used targets while `entries` holds more than `limit`.
        mutating func evict(beyond limit: Int) -> [Entry] {
            var evicted: [Entry] = []
            while entries.count > limit, let (target, _) = lastUse.min(by: { $0.value < $1.value }) {
                evicted += entries.removeValue(forKey: target) ?? []
                lastUse[target] = nil
            }
            return evicted
        }
    }

    let loops: UpstreamEventLoops
    let connector: UpstreamConnector
    let settings: UpstreamHTTP2Settings
    /// The `:scheme` of requests: `http` for h2c, `https` over TLS.
    let scheme: String
    let maxPooledTargets: Int
    private let table = Mutex(Table())

    init(
        loops: UpstreamEventLoops, connector: UpstreamConnector, settings: UpstreamHTTP2Settings, scheme: String,
        maxPooledTargets: Int
    ) {
        self.loops = loops
        self.connector = connector
        self.settings = settings
        self.scheme = scheme
        self.maxPooledTargets = maxPooledTargets
    }

    /// Sends `request` to `target` on a stream and returns the response once its head arrived.
    ///
    /// - Throws: ``ParapetUpstream/UpstreamError`` `.failed` or `.timedOut` naming `target`, or
    ///   `CancellationError`.
    func execute(
        _ request: UpstreamRequest, target: String, resolver: any ParapetCore.Resolver, interim: InterimResponses?
    ) async throws -> Response {
        let payload = try await UpstreamRequestPayload(request.body)
        let knownLength = request.body.knownLength
        let head = HTTPRequest(http2Upstream: request.head, scheme: scheme, target: target, knownLength: knownLength)
        var attempts = 0
        while true {
            try Task.checkCancellation()
            let connection = try await connection(to: target, resolver: resolver, policy: request.dynamicTargetPolicy)
            do {
                return try await connection.execute(head, payload: payload, knownLength: knownLength, interim: interim)
            } catch UpstreamExchangeFailure.notStarted {
                // The connection went away before the stream opened: nothing was sent.
                forget(connection, target: target)
                attempts += 1
                guard attempts < 3 else { throw UpstreamError.failed(target: target, underlying: UpstreamConnectionClosed()) }
            } catch UpstreamExchangeFailure.failed(let error), UpstreamExchangeFailure.stale(let error) {
                throw UpstreamError.failed(target: target, underlying: error)
            } catch UpstreamExchangeFailure.timedOut {
                throw UpstreamError.timedOut(target: target)
            }
        }
    }

    /// The connection to `target` for the caller's loop, opening it when there is none.
    private func connection(
        to target: String, resolver: any ParapetCore.Resolver, policy: DynamicTargetPolicy?
    ) async throws -> UpstreamHTTP2Connection {
        let current = loops.current()
        let loop = loops.loop(preferring: current)
        let promise = loop.makePromise(of: UpstreamHTTP2Connection.self)
        let (existing, id, evicted): (EventLoopFuture<UpstreamHTTP2Connection>?, Int, [Entry]) = table.withLock {
            table in
            if table.isShutDown {
                return (loop.makeFailedFuture(UpstreamPoolClosed()), 0, [])
            }
            table.uses += 1
            table.lastUse[target] = table.uses
            if let entry = table.entries[target]?.first(where: { current == nil || $0.loop == ObjectIdentifier(current!) }) {
                return (entry.connection, entry.id, [])
            }
            table.nextID += 1
            table.entries[target, default: []].append(
                Entry(id: table.nextID, loop: ObjectIdentifier(loop), connection: promise.futureResult))
            return (nil, table.nextID, table.evict(beyond: maxPooledTargets))
        }
        for entry in evicted { entry.connection.whenSuccess { $0.retire() } }
        if let existing {
            promise.fail(CancellationError())
            do {
                return try await existing.get()
            } catch {
                throw UpstreamError.failed(target: target, underlying: error)
            }
        }
        do {
            let connection = try await open(target: target, on: loop, resolver: resolver, policy: policy, entry: id)
            promise.succeed(connection)
            return connection
        } catch {
            remove(entry: id, target: target)
            promise.fail(error)
            if error is CancellationError || Task.isCancelled { throw CancellationError() }
            throw UpstreamError.failed(target: target, underlying: error)
        }
    }

    private func open(
        target: String, on loop: any EventLoop, resolver: any ParapetCore.Resolver, policy: DynamicTargetPolicy?,
        entry id: Int
    ) async throws -> UpstreamHTTP2Connection {
        let connected = try await connector.connect(to: target, on: loop, resolver: resolver, policy: policy)
        if connector.tls != nil, connected.negotiatedProtocol != "h2" {
            connected.channel.close(promise: nil)
            throw UpstreamNegotiatedHTTP1()
        }
        if loop.inEventLoop {
            return try configure(connected.channel, target: target, entry: id)
        }
        return try await loop.submit { try self.configure(connected.channel, target: target, entry: id) }.get()
    }

    private func configure(_ channel: any Channel, target: String, entry id: Int) throws -> UpstreamHTTP2Connection {
        do {
            return try UpstreamHTTP2Connection.configure(
                channel, settings: settings, executor: loops.executor(for: channel.eventLoop)
            ) { [weak self] _ in self?.remove(entry: id, target: target) }
        } catch {
            channel.close(promise: nil)
            throw error
        }
    }

    /// Takes over a connection that negotiated HTTP/2 elsewhere (a TLS handshake started for HTTP/1.1);
    /// call on its event loop.
    func adopt(_ channel: any Channel, target: String) throws {
        let id = table.withLock { table in
            table.nextID += 1
            return table.nextID
        }
        let connection = try configure(channel, target: target, entry: id)
        let (isKept, evicted) = table.withLock { table -> (Bool, [Entry]) in
            guard !table.isShutDown else { return (false, []) }
            table.entries[target, default: []].append(
                Entry(
                    id: id, loop: ObjectIdentifier(channel.eventLoop),
                    connection: channel.eventLoop.makeSucceededFuture(connection)))
            table.uses += 1
            table.lastUse[target] = table.uses
            return (true, table.evict(beyond: maxPooledTargets))
        }
        for entry in evicted { entry.connection.whenSuccess { $0.retire() } }
        if !isKept { connection.close() }
    }

    private func forget(_ connection: UpstreamHTTP2Connection, target: String) {
        connection.close()
    }

    private func remove(entry id: Int, target: String) {
        table.withLock { table in
            table.entries[target]?.removeAll { $0.id == id }
            if table.entries[target]?.isEmpty == true {
                table.entries[target] = nil
                table.lastUse[target] = nil
            }
        }
    }

    /// The number of connections (open or opening) to `target`.
    func connectionCount(target: String) -> Int {
        table.withLock { $0.entries[target]?.count ?? 0 }
    }

    /// Closes every connection; later requests fail.
    func shutDown() {
        let entries = table.withLock { table in
            table.isShutDown = true
            let entries = table.entries.values.flatMap { $0 }
            table.entries = [:]
            table.lastUse = [:]
            return entries
        }
        for entry in entries {
            entry.connection.whenSuccess { $0.close() }
        }
    }
}

/// A TLS connection opened for HTTP/2 negotiated HTTP/1.1: the target no longer offers HTTP/2.
struct UpstreamNegotiatedHTTP1: Error {}
