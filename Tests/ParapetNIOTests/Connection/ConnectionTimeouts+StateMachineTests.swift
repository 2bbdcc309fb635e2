import Parapet
@testable import ParapetNIO
import Testing

@Suite("Connection deadlines state machine")
struct ConnectionTimeoutsStateMachineTests {
    let limits = ConnectionTimeouts.StateMachine.Limits(
        readHeader: .seconds(10), read: .seconds(60), write: .seconds(30), idle: .seconds(75))

    @Test func firstRequestMustArriveWithinTheReadHeaderTimeout() {
        let deadlines = ConnectionTimeouts.StateMachine(limits: limits, now: .seconds(100))
        #expect(deadlines.deadline == .seconds(110))
    }

    @Test func slowHeadsAreBoundedFromTheirFirstByte() {
        var deadlines = ConnectionTimeouts.StateMachine(limits: limits, now: .zero)
        deadlines.bytesArrived(at: .seconds(3))
        #expect(deadlines.deadline == .seconds(13))
        deadlines.bytesArrived(at: .seconds(9))  // more bytes of the same head do not extend it
        #expect(deadlines.deadline == .seconds(13))
    }

    @Test func exchangesAreBoundedByReadAndWrite() {
        var deadlines = ConnectionTimeouts.StateMachine(limits: limits, now: .zero)
        deadlines.bytesArrived(at: .seconds(1))
        deadlines.requestHeadReceived(at: .seconds(2))
        #expect(deadlines.deadline == .seconds(32))  // write (2 + 30) before read (1 + 60)
        deadlines.requestEnded(at: .seconds(3))
        #expect(deadlines.deadline == .seconds(32))
        deadlines.responseEnded(at: .seconds(5))
        #expect(deadlines.deadline == .seconds(80))  // idle (5 + 75) until the next request
        deadlines.bytesArrived(at: .seconds(50))
        #expect(deadlines.deadline == .seconds(60))
    }

    @Test func readLimitAppliesWhileTheBodyIsOpen() {
        var deadlines = ConnectionTimeouts.StateMachine(
            limits: .init(readHeader: .seconds(10), read: .seconds(20), write: nil, idle: nil), now: .zero)
        deadlines.bytesArrived(at: .seconds(1))
        deadlines.requestHeadReceived(at: .seconds(2))
        #expect(deadlines.deadline == .seconds(21))
        deadlines.requestEnded(at: .seconds(3))
        #expect(deadlines.deadline == nil)  // no write limit: a slow handler is not cut off
        deadlines.responseEnded(at: .seconds(30))
        #expect(deadlines.deadline == .seconds(40))  // no idle limit: the read-header limit stands in
    }

    @Test func aBodyThatStallsIsBoundedFromItsLastByteButNotWhileTheServerPaused() {
        var deadlines = ConnectionTimeouts.StateMachine(
            limits: .init(readHeader: .seconds(10), read: nil, write: nil, idle: .seconds(620), bodyIdle: .seconds(60)),
            now: .zero)
        deadlines.bytesArrived(at: .seconds(1))
        deadlines.requestHeadReceived(at: .seconds(2))
        #expect(deadlines.deadline == nil)  // no body read yet (none, or the client awaits 100 Continue)
        deadlines.bodyReading(true, at: .seconds(2))
        #expect(deadlines.deadline == .seconds(62))
        deadlines.bytesArrived(at: .seconds(50))
        #expect(deadlines.deadline == .seconds(110))
        deadlines.bodyReading(false, at: .seconds(51))  // the handler is behind: the server stops reading
        #expect(deadlines.deadline == nil)
        deadlines.bytesArrived(at: .seconds(200))  // bytes already in flight do not restart it
        #expect(deadlines.deadline == nil)
        deadlines.bodyReading(true, at: .seconds(300))
        #expect(deadlines.deadline == .seconds(360))
        deadlines.requestEnded(at: .seconds(310))
        #expect(deadlines.deadline == nil)
        deadlines.bodyReading(true, at: .seconds(400))  // a late resume after the end changes nothing
        #expect(deadlines.deadline == nil)
        deadlines.responseEnded(at: .seconds(401))
        #expect(deadlines.deadline == .seconds(1021))
    }

    @Test func theRestOfABodyNobodyReadsIsBoundedByTheBodyIdleTimeoutNotTheHeaderDeadline() {
        var deadlines = ConnectionTimeouts.StateMachine(
            limits: .init(readHeader: .seconds(10), read: nil, write: nil, idle: .seconds(620), bodyIdle: .seconds(60)),
            now: .zero)
        deadlines.requestHeadReceived(at: .seconds(1))
        deadlines.bodyReading(true, at: .seconds(1))
        deadlines.responseEnded(at: .seconds(2))  // answered without reading the body
        #expect(deadlines.deadline == .seconds(61))
        deadlines.bytesArrived(at: .seconds(100))  // more of the dropped body, not a new request head
        #expect(deadlines.deadline == .seconds(160))
        deadlines.requestEnded(at: .seconds(150))
        #expect(deadlines.deadline == .seconds(770))  // idle until the next request
    }

    @Test func noLimitsMeansNoDeadline() {
        var deadlines = ConnectionTimeouts.StateMachine(limits: .init(readHeader: nil, read: nil, write: nil, idle: nil), now: .zero)
        #expect(deadlines.deadline == nil)
        deadlines.bytesArrived(at: .seconds(1))
        deadlines.requestHeadReceived(at: .seconds(1))
        #expect(deadlines.deadline == nil)
    }

    @Test func http2ConnectionsCloseAfterIdleWithOrWithoutStreams() {
        var deadlines = ConnectionTimeouts.StateMachine(limits: limits, now: .zero)
        deadlines.switchedToHTTP2(at: .seconds(1))
        #expect(deadlines.deadline == .seconds(76))
        deadlines.framesExchanged(at: .seconds(5))  // PINGs on an unused connection do not keep it
        #expect(deadlines.deadline == .seconds(76))
        deadlines.streamOpened(at: .seconds(7))
        deadlines.streamOpened(at: .seconds(8))
        #expect(deadlines.deadline == .seconds(83))  // streams open, but a silent connection still ends
        deadlines.framesExchanged(at: .seconds(9))
        #expect(deadlines.deadline == .seconds(84))
        deadlines.streamClosed(at: .seconds(10))
        #expect(deadlines.deadline == .seconds(84))
        deadlines.streamClosed(at: .seconds(20))
        #expect(deadlines.deadline == .seconds(95))
        deadlines.streamClosed(at: .seconds(30))  // an unmatched close never goes negative
        deadlines.framesExchanged(at: .seconds(40))
        #expect(deadlines.deadline == .seconds(105))
        deadlines.streamOpened(at: .seconds(200))
        #expect(deadlines.deadline == .seconds(275))
    }
}

@Suite("Connection deadlines of each profile, in virtual time")
struct ProfileDeadlinesTests {
    @Test(arguments: [
        ("general", ServerConfiguration.general, Duration.seconds(60)),
        ("frontend", ServerConfiguration.frontend, Duration.seconds(10)),
        ("backend", ServerConfiguration.backend, Duration.seconds(60)),
    ])
    func aHeadThatStopsAfterItsFirstByteIsClosedAtTheHeaderDeadline(
        profile: String, configuration: ServerConfiguration, headerDeadline: Duration
    ) {
        var deadlines = ConnectionTimeouts.StateMachine(limits: .init(configuration), now: .zero)
        #expect(deadlines.deadline == headerDeadline, "\(profile): the first request must arrive in time")
        deadlines.bytesArrived(at: .seconds(3))
        #expect(deadlines.deadline == .seconds(3) + headerDeadline, "\(profile)")
        // Dribbling one byte at a time does not extend it.
        for second in 4..<200 {
            deadlines.bytesArrived(at: .seconds(second))
        }
        #expect(deadlines.deadline == .seconds(3) + headerDeadline, "\(profile)")
    }

    @Test(arguments: [
        (ServerConfiguration.general, Duration.seconds(620)),
        (ServerConfiguration.frontend, Duration.seconds(300)),
        (ServerConfiguration.backend, Duration.seconds(620)),
    ])
    func aSilentTunnelIsClosedAtTheTunnelIdleDeadline(configuration: ServerConfiguration, idle: Duration) {
        var deadlines = ConnectionTimeouts.StateMachine(limits: .init(configuration), now: .zero)
        deadlines.bytesArrived(at: .seconds(1))
        deadlines.requestHeadReceived(at: .seconds(1))
        deadlines.tunnelOpened(at: .seconds(2))
        #expect(deadlines.deadline == .seconds(2) + idle)
    }
}

@Suite("Tunnel idle deadline")
struct TunnelDeadlineTests {
    let limits = ConnectionTimeouts.StateMachine.Limits(
        readHeader: .seconds(10), read: .seconds(60), write: .seconds(30), idle: .seconds(75), tunnelIdle: .seconds(100))

    func tunnel(openedAt opened: Duration) -> ConnectionTimeouts.StateMachine {
        var deadlines = ConnectionTimeouts.StateMachine(limits: limits, now: .zero)
        deadlines.bytesArrived(at: .seconds(1))
        deadlines.requestHeadReceived(at: .seconds(1))
        deadlines.tunnelOpened(at: opened)
        return deadlines
    }

    @Test func trafficEitherWayPostponesIt() {
        var deadlines = tunnel(openedAt: .seconds(2))
        #expect(deadlines.deadline == .seconds(102))  // no read or write deadline: only silence counts
        deadlines.bytesArrived(at: .seconds(50))
        #expect(deadlines.deadline == .seconds(150))
        deadlines.bytesSent(at: .seconds(120))
        #expect(deadlines.deadline == .seconds(220))
        deadlines.responseEnded(at: .seconds(130))  // HTTP events do not apply to a tunnel
        deadlines.requestHeadReceived(at: .seconds(130))
        #expect(deadlines.deadline == .seconds(220))
    }

    @Test func withoutALimitATunnelHasNoDeadline() {
        var deadlines = ConnectionTimeouts.StateMachine(
            limits: .init(readHeader: .seconds(10), read: nil, write: nil, idle: nil, tunnelIdle: nil), now: .zero)
        deadlines.requestHeadReceived(at: .seconds(1))
        deadlines.tunnelOpened(at: .seconds(2))
        #expect(deadlines.deadline == nil)
        deadlines.bytesSent(at: .seconds(3))
        #expect(deadlines.deadline == nil)
    }

    @Test func bytesSentOutsideATunnelChangeNothing() {
        var deadlines = ConnectionTimeouts.StateMachine(limits: limits, now: .zero)
        deadlines.bytesArrived(at: .seconds(1))
        deadlines.bytesSent(at: .seconds(5))
        #expect(deadlines.deadline == .seconds(11))
    }
}
