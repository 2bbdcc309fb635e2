import ParapetCore
import Testing

@testable import ParapetRateLimit

@Suite("Epoch-aligned window positions")
struct FixedWindowPositionTests {
    func position(atMilliseconds milliseconds: Int64, window: Duration) -> FixedWindowPosition {
        FixedWindowPosition(at: WallInstant(sinceEpoch: .milliseconds(milliseconds)), window: window)
    }

    @Test func windowsAreAlignedToTheEpoch() {
        let start = position(atMilliseconds: 120_000, window: .seconds(60))
        #expect(start.index == 2)
        #expect(start.remaining == .seconds(60))
        let middle = position(atMilliseconds: 150_000, window: .seconds(60))
        #expect(middle.index == 2)
        #expect(middle.remaining == .seconds(30))
        let last = position(atMilliseconds: 179_999, window: .seconds(60))
        #expect(last.index == 2)
        #expect(last.remaining == .milliseconds(1))
        #expect(position(atMilliseconds: 180_000, window: .seconds(60)).index == 3)
    }

    @Test func partialMillisecondsRoundDownForTheInstantAndUpForTheWindow() {
        let instant = WallInstant(sinceEpoch: .milliseconds(1_500) + .microseconds(999))
        #expect(FixedWindowPosition(at: instant, window: .seconds(1)).remainingMilliseconds == 500)
        #expect(FixedWindowPosition(at: instant, window: .microseconds(1)).index == 1_500)
        #expect(FixedWindowPosition(at: instant, window: .microseconds(1_500)).remainingMilliseconds == 2)
    }

    @Test func aWindowThatIsNotPositiveIsOneSecond() {
        #expect(position(atMilliseconds: 2_500, window: .zero) == position(atMilliseconds: 2_500, window: .seconds(1)))
        #expect(position(atMilliseconds: 2_500, window: .seconds(-5)).remainingMilliseconds == 500)
    }

    @Test func instantsBeforeTheEpochStillFallInAWindow() {
        let before = position(atMilliseconds: -1, window: .seconds(1))
        #expect(before.index == -1)
        #expect(before.remainingMilliseconds == 1)
        let extreme = FixedWindowPosition(at: WallInstant(sinceEpoch: .seconds(Int64.min)), window: .seconds(1))
        #expect(extreme.remainingMilliseconds >= 1)
    }
}
