import Foundation
import NIOCore
import Testing

@testable import ParapetNIO

@Suite("Cleartext HTTP/2 sniffer: decisions")
struct CleartextHTTP2SnifferStateMachineTests {
    typealias Machine = CleartextHTTP2Sniffer.StateMachine

    /// Feeds `chunks` in order and returns every action.
    func feed(_ chunks: [[UInt8]], to machine: inout Machine) -> [Machine.Action] {
        chunks.map { machine.bytesReceived(ByteBuffer(bytes: $0)) }
    }

    @Test func priorKnowledgePrefaceInOneRead() {
        var machine = Machine()
        let bytes = H2CTestBytes.clientPrefaceFrames
        #expect(
            machine.bytesReceived(ByteBuffer(bytes: bytes)) == .negotiate(.http2, forwarding: ByteBuffer(bytes: bytes)))
        #expect(machine.isFinished)
    }

    @Test func priorKnowledgePrefaceByteByByte() {
        var machine = Machine()
        let preface = Array(H2CTestBytes.preface.utf8)
        let actions = feed(preface.map { [$0] }, to: &machine)
        #expect(actions.dropLast().allSatisfy { $0 == .bufferMore })
        #expect(actions.last == .negotiate(.http2, forwarding: ByteBuffer(bytes: preface)))
    }

    @Test(
        "decides HTTP/1.1 on the first byte that rules out both the preface and an upgrade",
        arguments: [
            [0x16, 0x03, 0x01],  // A TLS ClientHello.
            Array("GET / HTTP/1.0".utf8),
            Array("GET http://a/ HTTP/1.".utf8),  // Absolute-form cannot be upgraded.
            Array(" GET".utf8),
            Array("GET /\u{7F}".utf8),
        ]
    )
    func earlyHTTP1Decision(bytes: [UInt8]) {
        var machine = Machine()
        #expect(
            machine.bytesReceived(ByteBuffer(bytes: bytes))
                == .negotiate(.http1_1, forwarding: ByteBuffer(bytes: bytes)))
    }

    @Test(
        "a request line naming another protocol than HTTP/1.x is a broken preface, for HTTP/2 to reject",
        arguments: [
            "INVALID CONNECTION PREFACE\r\n\r\n",  // h2spec 3.5 #2
            "PRI * HTTP/2.0\r\n\r\nXX",  // Diverges from the preface late.
            "GET / HTTP/2",
            "GET http://a/ HTTP/1x",
            "GET / \r\n",
        ]
    )
    func otherProtocolsGoToHTTP2(line: String) {
        var machine = Machine()
        let bytes = ByteBuffer(string: line)
        #expect(machine.bytesReceived(bytes) == .negotiate(.http2, forwarding: bytes))
    }

    @Test func aLineThatCannotBeUpgradedWaitsForItsVersion() {
        var machine = Machine()
        #expect(machine.bytesReceived(ByteBuffer(string: "GET http://a/ ")) == .bufferMore)
        #expect(machine.bytesReceived(ByteBuffer(string: "HTT")) == .bufferMore)
        #expect(machine.bytesReceived(ByteBuffer(string: "P/1")) == .bufferMore)
        #expect(
            machine.bytesReceived(ByteBuffer(string: "."))
                == .negotiate(.http1_1, forwarding: ByteBuffer(string: "GET http://a/ HTTP/1.")))
    }

    @Test func aTargetLongerThanTheHeadLimitIsLeftToHTTP1() {
        var machine = Machine(maxHeaderBytes: 64)
        let line = "GET http://a/" + String(repeating: "x", count: 64)
        #expect(
            machine.bytesReceived(ByteBuffer(string: line))
                == .negotiate(.http1_1, forwarding: ByteBuffer(string: line)))
    }

    @Test func shortHTTP10RequestIsDecidedWithoutWaitingFor24Bytes() {
        var machine = Machine()
        let head = ByteBuffer(string: "GET / HTTP/1.0\r\n\r\n")
        #expect(head.readableBytes < 24)
        #expect(machine.bytesReceived(head) == .negotiate(.http1_1, forwarding: head))
    }

    @Test func plainHTTP11RequestWaitsForTheWholeHead() {
        var machine = Machine()
        #expect(machine.bytesReceived(ByteBuffer(string: "GET / HTTP/1.1\r\nHost: a\r\n")) == .bufferMore)
        #expect(machine.isSniffing)
        let action = machine.bytesReceived(ByteBuffer(string: "\r\nGET /next HTTP/1.1\r\n"))
        #expect(
            action
                == .negotiate(
                    .http1_1, forwarding: ByteBuffer(string: "GET / HTTP/1.1\r\nHost: a\r\n\r\nGET /next HTTP/1.1\r\n"))
        )
    }

    @Test func upgradeThenPrefaceInPieces() throws {
        var machine = Machine()
        let head = ByteBuffer(string: H2CTestBytes.curlUpgradeHead)
        guard case .upgrade(let response, let forwarding, let isFinished) = machine.bytesReceived(head) else {
            Issue.record("expected an upgrade")
            return
        }
        #expect(
            String(buffer: response)
                == "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n\r\n")
        #expect(forwarding.readableBytes == 0)
        #expect(!isFinished)

        let client = H2CTestBytes.clientPrefaceFrames
        #expect(machine.bytesReceived(ByteBuffer(bytes: client[0..<10])) == .forward(ByteBuffer(), isFinished: false))
        #expect(machine.bytesReceived(ByteBuffer(bytes: client[10..<30])) == .forward(ByteBuffer(), isFinished: false))
        guard case .forward(let released, true) = machine.bytesReceived(ByteBuffer(bytes: client[30...])) else {
            Issue.record("expected the preface to be released")
            return
        }
        let prefaceAndSettings = Array(H2CTestBytes.preface.utf8) + H2CTestBytes.settingsFrame
        let bytes = Array(released.readableBytesView)
        #expect(Array(bytes.prefix(prefaceAndSettings.count)) == prefaceAndSettings)
        let frames = RawHTTP2Frame.frames(in: bytes.dropFirst(H2CTestBytes.preface.utf8.count))
        #expect(frames.map(\.type) == [0x4, 0x1, 0x8])  // SETTINGS, then the injected HEADERS, then WINDOW_UPDATE.
        let headers = try #require(frames.dropFirst().first)
        #expect(headers.streamID == 1)
        #expect(headers.flags == 0x5)
        let fields = try #require(decodeLiteralHeaderBlock(headers.payload))
        #expect(
            fields == [
                .init(name: ":method", value: "GET"), .init(name: ":scheme", value: "http"),
                .init(name: ":path", value: "/hello"), .init(name: ":authority", value: "127.0.0.1:8080"),
                .init(name: "user-agent", value: "curl/7.88.1"), .init(name: "accept", value: "*/*"),
            ]
        )
        #expect(machine.isFinished)
    }

    @Test func upgradeWithPrefaceInTheSameRead() throws {
        var machine = Machine()
        let bytes = Array(H2CTestBytes.curlUpgradeHead.utf8) + H2CTestBytes.clientPrefaceFrames
        guard case .upgrade(_, let forwarding, true) = machine.bytesReceived(ByteBuffer(bytes: bytes)) else {
            Issue.record("expected a finished upgrade")
            return
        }
        let frames = RawHTTP2Frame.frames(in: forwarding.readableBytesView.dropFirst(H2CTestBytes.preface.utf8.count))
        #expect(frames.map(\.type) == [0x4, 0x1, 0x8])
    }

    @Test func pipelinedHTTP1AfterAnUpgradeRequestDeclinesTheUpgrade() {
        var machine = Machine()
        let bytes = ByteBuffer(string: H2CTestBytes.upgradeHead() + "GET /next HTTP/1.1\r\nHost: a\r\n\r\n")
        #expect(machine.bytesReceived(bytes) == .negotiate(.http1_1, forwarding: bytes))
    }

    @Test(
        "after the 101, bytes that are not a preface and a SETTINGS frame pass unchanged",
        arguments: [
            Array("GET / HTTP/1.1\r\n\r\n".utf8),
            Array(H2CTestBytes.preface.utf8) + H2CTestBytes.windowUpdateFrame,  // First frame not SETTINGS.
            Array(H2CTestBytes.preface.utf8) + [0, 0, 0, 0x4, 0x1, 0, 0, 0, 0],  // A SETTINGS ACK.
            Array(H2CTestBytes.preface.utf8) + [0, 0, 5, 0x4, 0, 0, 0, 0, 0],  // Not a multiple of six.
            Array(H2CTestBytes.preface.utf8) + [0, 0x40, 2, 0x4, 0, 0, 0, 0, 0],  // 16,386 bytes.
            Array(H2CTestBytes.preface.utf8) + [0, 0, 0, 0x4, 0, 0, 0, 0, 1],  // On stream 1.
        ]
    )
    func invalidPrefaceAfterUpgradeIsPassedThrough(bytes: [UInt8]) {
        var machine = Machine()
        guard case .upgrade = machine.bytesReceived(ByteBuffer(string: H2CTestBytes.upgradeHead())) else {
            Issue.record("expected an upgrade")
            return
        }
        #expect(machine.bytesReceived(ByteBuffer(bytes: bytes)) == .forward(ByteBuffer(bytes: bytes), isFinished: true))
    }

    @Test(
        "declined upgrades are forwarded unchanged as HTTP/1.1",
        arguments: [
            ("a body", H2CTestBytes.upgradeHead(method: "POST", extra: "Content-Length: 5\r\n") + "hello"),
            ("chunked", H2CTestBytes.upgradeHead(method: "POST", extra: "Transfer-Encoding: chunked\r\n")),
            ("websocket", "GET / HTTP/1.1\r\nHost: a\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n"),
            ("no settings", "GET / HTTP/1.1\r\nHost: a\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\n\r\n"),
            ("two settings", H2CTestBytes.upgradeHead(extra: "HTTP2-Settings: AAMAAABk\r\n")),
            ("bad base64", H2CTestBytes.upgradeHead().replacingOccurrences(of: "AAMAAABk", with: "AAMA+ABk")),
            ("not whole settings", H2CTestBytes.upgradeHead().replacingOccurrences(of: "AAMAAABk", with: "AAMAAA")),
            ("push 2", H2CTestBytes.upgradeHead().replacingOccurrences(of: "AAMAAABk", with: "AAIAAAAC")),
            (
                "connection lacks settings",
                H2CTestBytes.upgradeHead().replacingOccurrences(of: "Upgrade, HTTP2-Settings", with: "Upgrade")
            ),
            ("no host", H2CTestBytes.upgradeHead().replacingOccurrences(of: "Host: example.com\r\n", with: "")),
            ("two hosts", H2CTestBytes.upgradeHead(extra: "Host: other\r\n")),
            ("HTTP/1.0", H2CTestBytes.upgradeHead().replacingOccurrences(of: "HTTP/1.1", with: "HTTP/1.0")),
            ("obs-fold", H2CTestBytes.upgradeHead(extra: "X-A: 1\r\n  2\r\n")),
            (
                "bare LF",
                H2CTestBytes.upgradeHead().replacingOccurrences(of: "Upgrade: h2c\r\n", with: "Upgrade: h2c\n")
            ),
            ("obs-text", H2CTestBytes.upgradeHead(extra: "X-A: caf\u{E9}\r\n")),
            ("space before colon", H2CTestBytes.upgradeHead(extra: "X-A : 1\r\n")),
            ("asterisk GET", H2CTestBytes.upgradeHead(path: "*")),
            ("too large", H2CTestBytes.upgradeHead(extra: "X-Big: \(String(repeating: "a", count: 16_400))\r\n")),
            ("list too large", H2CTestBytes.upgradeHead(extra: String(repeating: "X-A: 1\r\n", count: 500))),
        ]
    )
    func declinedUpgrades(reason: String, request: String) {
        var machine = Machine(maxHeaderBytes: 64 * 1024)
        let bytes = ByteBuffer(string: request)
        #expect(machine.bytesReceived(bytes) == .negotiate(.http1_1, forwarding: bytes), "\(reason)")
    }

    @Test(
        "accepted upgrade variants",
        arguments: [
            H2CTestBytes.upgradeHead(extra: "Content-Length: 0\r\n"),
            H2CTestBytes.upgradeHead().replacingOccurrences(of: "Upgrade: h2c", with: "Upgrade: websocket,  H2C "),
            H2CTestBytes.upgradeHead().replacingOccurrences(
                of: "Connection: Upgrade, HTTP2-Settings",
                with: "Connection: keep-alive\r\nconnection: http2-settings ,upgrade"
            ),
            H2CTestBytes.upgradeHead().replacingOccurrences(of: "AAMAAABk", with: " \tAAMAAABk "),
            H2CTestBytes.upgradeHead().replacingOccurrences(of: "AAMAAABk", with: ""),  // No settings at all.
            H2CTestBytes.upgradeHead(method: "OPTIONS", path: "*"),
            H2CTestBytes.upgradeHead(method: "POST", path: "/a?b=c"),
        ]
    )
    func acceptedUpgrades(request: String) {
        var machine = Machine()
        guard case .upgrade = machine.bytesReceived(ByteBuffer(string: request)) else {
            Issue.record("expected an upgrade for \(request)")
            return
        }
    }

    @Test func headLongerThanTheLimitIsHTTP1() {
        var machine = Machine(maxHeaderBytes: 64)
        #expect(machine.bytesReceived(ByteBuffer(string: "GET / HTTP/1.1\r\n")) == .bufferMore)
        let filler = ByteBuffer(string: String(repeating: "X-A: 1\r\n", count: 6))
        guard case .negotiate(.http1_1, let forwarding) = machine.bytesReceived(filler) else {
            Issue.record("expected HTTP/1.1 past the limit")
            return
        }
        #expect(forwarding.readableBytes == 16 + 48)
    }

    @Test func upgradeHeadPastTheLimitInOneReadIsHTTP1() {
        var machine = Machine(maxHeaderBytes: 64)
        let head = ByteBuffer(string: H2CTestBytes.upgradeHead())
        #expect(machine.bytesReceived(head) == .negotiate(.http1_1, forwarding: head))
    }

    @Test func bareLineFeedHeadIsRecognisedAsComplete() {
        var machine = Machine()
        #expect(machine.bytesReceived(ByteBuffer(string: "GET / HTTP/1.1\r\nHost: a\n")) == .bufferMore)
        let action = machine.bytesReceived(ByteBuffer(string: "\n"))
        #expect(action == .negotiate(.http1_1, forwarding: ByteBuffer(string: "GET / HTTP/1.1\r\nHost: a\n\n")))
    }

    @Test func headEndSplitAcrossReads() {
        var machine = Machine()
        let head = H2CTestBytes.upgradeHead()
        let actions = feed(Array(head.utf8).map { [$0] }, to: &machine)
        #expect(actions.dropLast().allSatisfy { $0 == .bufferMore })
        guard case .upgrade = actions.last else {
            Issue.record("expected an upgrade on the last byte")
            return
        }
    }

    @Test func inputClosedDecidesOnWhatArrived() {
        var partialPreface = Machine()
        _ = partialPreface.bytesReceived(ByteBuffer(string: "PRI * HTTP"))
        #expect(partialPreface.inputClosed() == .negotiate(.http2, forwarding: ByteBuffer(string: "PRI * HTTP")))

        var partialHead = Machine()
        _ = partialHead.bytesReceived(ByteBuffer(string: "GET / HTTP/1.1\r\n"))
        #expect(partialHead.inputClosed() == .negotiate(.http1_1, forwarding: ByteBuffer(string: "GET / HTTP/1.1\r\n")))

        var nothing = Machine()
        #expect(nothing.inputClosed() == .negotiate(.http1_1, forwarding: ByteBuffer()))

        var upgraded = Machine()
        _ = upgraded.bytesReceived(ByteBuffer(string: H2CTestBytes.upgradeHead()))
        _ = upgraded.bytesReceived(ByteBuffer(string: "PRI"))
        #expect(upgraded.inputClosed() == .forward(ByteBuffer(string: "PRI"), isFinished: true))
    }

    @Test func closingDropsUndecidedBytesButReleasesUpgradedOnes() {
        var undecided = Machine()
        _ = undecided.bytesReceived(ByteBuffer(string: "GET / HT"))
        #expect(undecided.channelInactive() == nil)
        #expect(undecided.isFinished)

        var upgraded = Machine()
        _ = upgraded.bytesReceived(ByteBuffer(string: H2CTestBytes.upgradeHead() + "PRI * "))
        #expect(upgraded.channelInactive() == ByteBuffer(string: "PRI * "))
    }

    @Test func abandonReturnsHeldBytes() {
        var machine = Machine()
        _ = machine.bytesReceived(ByteBuffer(string: "GET / "))
        #expect(machine.abandon() == ByteBuffer(string: "GET / "))
        #expect(machine.isFinished)
    }

    /// Random inputs in random pieces: the machine never traps, and what it forwards is exactly the input, plus
    /// one HEADERS frame after an upgrade.
    @Test(arguments: 0..<8)
    func fuzzedInputsAreForwardedIntact(seed: UInt64) {
        var generator = H2CFuzzGenerator(state: seed)
        let seeds: [[UInt8]] = [
            Array(H2CTestBytes.preface.utf8), Array(H2CTestBytes.curlUpgradeHead.utf8),
            Array("GET / HTTP/1.1\r\nHost: a\r\n\r\n".utf8), H2CTestBytes.clientPrefaceFrames,
        ]
        for _ in 0..<300 {
            var input: [UInt8] = []
            for _ in 0..<Int.random(in: 1...3, using: &generator) {
                var piece = seeds.randomElement(using: &generator) ?? []
                // Mutate a few bytes, sometimes none.
                for _ in 0..<Int.random(in: 0...2, using: &generator) where !piece.isEmpty {
                    piece[Int.random(in: 0..<piece.count, using: &generator)] = .random(in: 0...255, using: &generator)
                }
                input += piece
            }
            if Bool.random(using: &generator) {
                input += (0..<Int.random(in: 0...64, using: &generator)).map { _ in
                    .random(in: 0...255, using: &generator)
                }
            }
            var machine = Machine(maxHeaderBytes: Int.random(in: 8...512, using: &generator))
            var forwarded: [UInt8] = []
            var isUpgraded = false
            var remaining = input[...]
            while !remaining.isEmpty, !machine.isFinished {
                let piece = remaining.prefix(Int.random(in: 1...40, using: &generator))
                remaining = remaining.dropFirst(piece.count)
                switch machine.bytesReceived(ByteBuffer(bytes: piece)) {
                case .bufferMore: break
                case .negotiate(_, let bytes), .forward(let bytes, _): forwarded += bytes.readableBytesView
                case .upgrade(_, let bytes, _):
                    isUpgraded = true
                    forwarded += bytes.readableBytesView
                }
            }
            switch machine.inputClosed() {
            case .negotiate(_, let bytes), .forward(let bytes, _), .upgrade(_, let bytes, _):
                forwarded += bytes.readableBytesView
            case .bufferMore: break
            }
            forwarded += remaining
            guard isUpgraded else {
                #expect(forwarded == input)
                continue
            }
            // The head became the injected HEADERS frame, which follows the preface and SETTINGS when they are valid.
            let headCount = (input.firstRange(of: Array("\r\n\r\n".utf8))?.upperBound ?? 0)
            var expected = Array(input.dropFirst(headCount))
            if case .complete(let count) = HTTP2ClientPreface.firstSettingsFrame(in: forwarded) {
                let frames = RawHTTP2Frame.frames(in: forwarded.dropFirst(count))
                let headers = frames.first
                #expect(headers?.type == 0x1 && headers?.streamID == 1 && headers?.flags == 0x5)
                expected.insert(contentsOf: forwarded[count..<(count + 9 + (headers?.payload.count ?? 0))], at: count)
            }
            #expect(forwarded == expected)
        }
    }
}
