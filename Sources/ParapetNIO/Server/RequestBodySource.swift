import NIOCore

/// The channel side of a request body that streams to a handler with backpressure.
///
/// The connection handler yields chunks as they are parsed; when the handler falls behind (more than
/// `highWatermark` chunks unread) the source asks the channel to stop reading, and asks it to resume once
/// the handler caught up. The handler reads the other side as an ``HTTPBody``.
///
/// ```swift
/// let (source, chunks) = RequestBodySource.make(demand: demand)
/// request.body = HTTPBody(stream: chunks, length: contentLength)
/// if source.yield(chunk) == .stopProducing { pauseReading() }
/// source.finish()
/// ```
///
/// The source does not keep the chunks: when the handler drops its body, the reader is gone at once.
struct RequestBodySource {
    typealias Chunks = NIOThrowingAsyncSequenceProducer<
        ByteBuffer, any Error, NIOAsyncSequenceProducerBackPressureStrategies.HighLowWatermark, Demand
    >

    /// Receives the body reader's demand and hands it to the channel's event loop — always as a new event
    /// loop task, never synchronously: the signal can come from releasing the last reference to the
    /// chunks, in the middle of the connection handler's own bookkeeping.
    struct Demand: NIOAsyncSequenceProducerDelegate {
        let eventLoop: any EventLoop
        let resume: @Sendable () -> Void
        let readerGone: @Sendable () -> Void

        func produceMore() {
            run(resume)
        }

        func didTerminate() {
            run(readerGone)
        }

        private func run(_ action: @escaping @Sendable () -> Void) {
            eventLoop.execute(action)
        }
    }

    private let source: Chunks.Source

    /// Creates a body stream whose demand signals reach `demand`: the source the connection feeds, and the
    /// chunks the handler reads.
    static func make(demand: Demand) -> (source: RequestBodySource, chunks: Chunks) {
        let made = Chunks.makeSequence(
            backPressureStrategy: .init(lowWatermark: 2, highWatermark: 8),
            finishOnDeinit: true,
            delegate: demand
        )
        return (RequestBodySource(source: made.source), made.sequence)
    }

    private init(source: Chunks.Source) {
        self.source = source
    }

    /// Hands a chunk to the reader; says whether the channel should keep reading.
    func yield(_ chunk: ByteBuffer) -> Chunks.Source.YieldResult {
        source.yield(contentsOf: CollectionOfOne(chunk))
    }

    /// Ends the body.
    func finish() {
        source.finish()
    }

    /// Ends the body with `error` (the connection broke or the body broke HTTP framing).
    func fail(_ error: any Error) {
        source.finish(error)
    }
}
