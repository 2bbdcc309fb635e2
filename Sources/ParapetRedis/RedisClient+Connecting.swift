import NIOCore
import NIOPosix  // determinism: ok — ParapetRedis moves bytes on real sockets, like ParapetNIO
import Synchronization

extension RedisClient {
    /// Opens the connection a slot of the pool asked for, and reports how it went to the pool and to
    /// the calls waiting for it.
    func open(_ connect: RedisClient.StateMachine<RedisConnection, EventLoopPromise<RedisConnection>>.Connect) {
        let slot = connect.slot
        let generation = connect.generation
        let attempt = connect.attempt
        let maximumReplySize = configuration.maximumReplySize
        let onLoss: @Sendable (Bool, Bool) -> Void = { [weak self] hasAnswered, hasFailed in
            self?.connectionLost(slot: slot, generation: generation, hasAnswered: hasAnswered, hasFailed: hasFailed)
        }
        ClientBootstrap(group: attempt.futureResult.eventLoop)
            .connectTimeout(TimeAmount(configuration.connectTimeout))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let handler = try RedisChannelHandler(maximumReplySize: maximumReplySize, onLoss: onLoss)
                    try channel.pipeline.syncOperations.addHandler(handler)
                }
            }
            .connect(host: configuration.host, port: configuration.port)
            .whenComplete { [weak self] result in
                switch result {
                case .success(let channel):
                    let connection = RedisConnection(channel: channel)
                    let isWanted = self?.pool.withLock {
                        $0.connectSucceeded(slot: slot, generation: generation, connection: connection)
                    }
                    if isWanted == true {
                        attempt.succeed(connection)
                    } else {
                        channel.close(promise: nil)
                        attempt.fail(RedisClientError.connectionClosed)
                    }
                case .failure(let error):
                    self?.pool.withLock { $0.connectFailed(slot: slot, generation: generation, now: .now()) }
                    attempt.fail(RedisClientError.connectionFailed("\(error)"))
                }
            }
    }

    private func connectionLost(slot: Int, generation: Int, hasAnswered: Bool, hasFailed: Bool) {
        pool.withLock {
            $0.connectionLost(
                slot: slot, generation: generation, hasAnswered: hasAnswered, hasFailed: hasFailed, now: .now())
        }
    }
}

extension EventLoopFuture where Value: Sendable {
    /// This future's result, or a failure with ``RedisClientError/timedOut`` if it has none by `deadline`.
    func failing(at deadline: NIODeadline) -> EventLoopFuture<Value> {
        let bounded = eventLoop.makePromise(of: Value.self)
        let timer = eventLoop.scheduleTask(deadline: deadline) {
            bounded.fail(RedisClientError.timedOut)
        }
        whenComplete { result in
            timer.cancel()
            bounded.completeWith(result)
        }
        return bounded.futureResult
    }
}
