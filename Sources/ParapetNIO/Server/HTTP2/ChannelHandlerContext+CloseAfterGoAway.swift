import NIOCore

extension ChannelHandlerContext {
    /// How long a `GOAWAY` may take to be written before its connection is closed anyway: a client that
    /// stopped reading must not keep the connection open by never letting the frame out.
    static let goAwayWriteLimit = TimeAmount.seconds(2)

    /// Closes the channel from this handler towards the socket once `goAway` has been written, or after
    /// ``goAwayWriteLimit`` at the latest.
    func close(after goAway: EventLoopFuture<Void>, mode: CloseMode = .all, promise: EventLoopPromise<Void>? = nil) {
        let context = NIOLoopBound(self, eventLoop: eventLoop)
        let fallback = eventLoop.scheduleTask(in: Self.goAwayWriteLimit) {
            context.value.close(mode: mode, promise: promise)
        }
        goAway.whenComplete { _ in
            fallback.cancel()
            context.value.close(mode: mode, promise: promise)
        }
    }
}
