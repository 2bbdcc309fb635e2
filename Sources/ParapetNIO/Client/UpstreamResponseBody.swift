import NIOCore

/// The exchange side of a response body: a handler that receives the body reader's demand.
///
/// Every call arrives on the handler's event loop, tagged with the exchange it concerns so a late
/// signal about a finished exchange cannot touch the next one.
protocol UpstreamBodyDemandReceiver: AnyObject, SendableMetatype {
    /// The reader caught up: read from the socket again.
    func resumeReading(exchange: Int)
    /// The reader finished or dropped the body.
    func bodyReaderGone(exchange: Int)
}

/// A response body streamed from an upstream connection with backpressure.
///
/// The connection handler yields chunks as the decoder produces them; when more than `highWatermark`
/// chunks are unread the handler stops reading the socket, and reads again once the reader is below
/// `lowWatermark`.
struct UpstreamResponseBody<Receiver: UpstreamBodyDemandReceiver> {
    typealias Chunks = NIOThrowingAsyncSequenceProducer<
        ByteBuffer, any Error, NIOAsyncSequenceProducerBackPressureStrategies.HighLowWatermark, Demand
    >

    /// Hops the reader's demand to the handler's event loop.
    struct Demand: NIOAsyncSequenceProducerDelegate {
        let receiver: NIOLoopBound<Receiver>
        let exchange: Int

        func produceMore() {
            run { $0.resumeReading(exchange: exchange) }
        }

        func didTerminate() {
            run { $0.bodyReaderGone(exchange: exchange) }
        }

        private func run(_ action: @escaping @Sendable (Receiver) -> Void) {
            let receiver = self.receiver
            if receiver.eventLoop.inEventLoop {
                action(receiver.value)
            } else {
                receiver.eventLoop.execute { action(receiver.value) }
            }
        }
    }

    private let source: Chunks.Source

    /// Creates a body stream whose demand reaches `receiver` for `exchange`; returns the producing end
    /// (which the handler keeps) and the sequence the caller reads (which must not be kept by the
    /// handler: dropping it is how a reader says it gave up).
    static func make(receiver: Receiver, eventLoop: any EventLoop, exchange: Int) -> (Self, Chunks) {
        let made = Chunks.makeSequence(
            backPressureStrategy: .init(lowWatermark: 2, highWatermark: 8),
            finishOnDeinit: true,
            delegate: Demand(receiver: NIOLoopBound(receiver, eventLoop: eventLoop), exchange: exchange)
        )
        return (Self(source: made.source), made.sequence)
    }

    private init(source: Chunks.Source) {
        self.source = source
    }

    /// Hands a chunk to the reader; says whether the socket should keep being read.
    func yield(_ chunk: ByteBuffer) -> Bool {
        source.yield(contentsOf: CollectionOfOne(chunk)) != .stopProducing
    }

    /// Ends the body.
    func finish() {
        source.finish()
    }

    /// Ends the body with `error`: the reader's next call throws it.
    func fail(_ error: any Error) {
        source.finish(error)
    }
}

/// An empty body stream: the body of a `HEAD` response, whose `content-length` describes a body that
/// is not sent.
struct UpstreamNoChunks: AsyncSequence, Sendable {
    typealias Element = ByteBuffer
    typealias Failure = Never

    struct AsyncIterator: AsyncIteratorProtocol {
        mutating func next() async -> ByteBuffer? { nil }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator() }
}
