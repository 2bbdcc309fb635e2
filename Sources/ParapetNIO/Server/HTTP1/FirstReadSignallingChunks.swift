import NIOCore

/// A body's chunks that signal the connection, on its event loop, when the handler first asks for one —
/// the moment to answer `expect: 100-continue`.
struct FirstReadSignallingChunks<Base: AsyncSequence & Sendable>: AsyncSequence, Sendable
where Base.Element == ByteBuffer {
    typealias Element = ByteBuffer

    private let base: Base
    private let eventLoop: any EventLoop
    private let signal: @Sendable () -> Void

    init(_ base: Base, eventLoop: any EventLoop, signal: @escaping @Sendable () -> Void) {
        self.base = base
        self.eventLoop = eventLoop
        self.signal = signal
    }

    func makeAsyncIterator() -> Iterator {
        Iterator(base: base.makeAsyncIterator(), eventLoop: eventLoop, signal: signal)
    }

    struct Iterator: AsyncIteratorProtocol {
        var base: Base.AsyncIterator
        let eventLoop: any EventLoop
        var signal: (@Sendable () -> Void)?

        mutating func next() async throws -> ByteBuffer? {
            if let signal {
                self.signal = nil
                if eventLoop.inEventLoop {
                    signal()
                } else {
                    eventLoop.execute(signal)
                }
            }
            return try await base.next()
        }
    }
}
