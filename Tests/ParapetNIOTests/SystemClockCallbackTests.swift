import NIOCore
import NIOPosix
import Parapet
import ParapetTestSupport
import Synchronization
import Testing

@Suite("SystemClock callbacks", .timingSensitive, .timeLimit(.minutes(10)))
struct SystemClockCallbackTests {
    @Test func aCallbackRunsOnAnEventLoopNoEarlierThanItsDeadline() async {
        let clock = SystemClock()
        let deadline = clock.now.advanced(by: .milliseconds(20))
        let (onALoop, at) = await withCheckedContinuation { continuation in
            _ = clock.scheduleCallback(at: deadline) {
                continuation.resume(returning: (MultiThreadedEventLoopGroup.currentEventLoop != nil, clock.now))
            }
        }
        #expect(onALoop)
        #expect(at >= deadline)
    }

    @Test func aCallbackSetOnAnEventLoopRunsOnThatLoop() async {
        let clock = SystemClock()
        let loop = MultiThreadedEventLoopGroup.singleton.next()
        let onTheSameLoop = await withCheckedContinuation { continuation in
            loop.execute {
                _ = clock.scheduleCallback(at: clock.now) { continuation.resume(returning: loop.inEventLoop) }
            }
        }
        #expect(onTheSameLoop)
    }

    @Test func aCancelledCallbackNeverRunsAndCancellingTwiceOrLateDoesNothing() async {
        let clock = SystemClock()
        let loop = MultiThreadedEventLoopGroup.singleton.next()
        let calls = Mutex<[String]>([])
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            loop.execute {
                let start = clock.now
                let cancelled = clock.scheduleCallback(at: start.advanced(by: .milliseconds(10))) {
                    calls.withLock { $0.append("cancelled") }
                }
                let fired = clock.scheduleCallback(at: start.advanced(by: .milliseconds(5))) {
                    calls.withLock { $0.append("fired") }
                }
                cancelled.cancel()
                cancelled.cancel()
                // Later on the same loop: the cancelled callback's deadline has passed by then.
                _ = clock.scheduleCallback(at: start.advanced(by: .milliseconds(30))) {
                    fired.cancel()
                    calls.withLock { $0.append("later") }
                    continuation.resume()
                }
            }
        }
        #expect(calls.withLock { $0 } == ["fired", "later"])
    }
}
