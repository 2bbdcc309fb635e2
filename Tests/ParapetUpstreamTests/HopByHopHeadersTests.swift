import HTTPTypes
import ParapetCore
import Testing

@testable import ParapetUpstream

extension HTTPField.Name {
    static let keepAlive = HTTPField.Name("Keep-Alive")!
    static let proxyConnection = HTTPField.Name("Proxy-Connection")!
    static let xSecret = HTTPField.Name("X-Secret")!
    static let xTrace = HTTPField.Name("X-Trace")!
}

@Suite("Hop-by-hop headers")
struct HopByHopHeadersTests {
    static let hopByHop: HTTPFields = [
        .connection: "keep-alive, X-Secret",
        .keepAlive: "timeout=5",
        .proxyConnection: "keep-alive",
        .proxyAuthenticate: "Basic",
        .proxyAuthorization: "Basic Zm9vOmJhcg==",
        .te: "gzip",
        .trailer: "Expires",
        .transferEncoding: "chunked",
        .upgrade: "websocket",
        .xSecret: "hunter2",
        .accept: "text/html",
        .xTrace: "abc",
    ]

    @Test("every hop-by-hop field and every field Connection names is removed from the request")
    func requestStripped() {
        let forwarded = HopByHopHeaders.requestFields(Self.hopByHop, upgrade: nil)
        #expect(forwarded == [.accept: "text/html", .xTrace: "abc"])
    }

    @Test("every hop-by-hop field and every field Connection names is removed from the response")
    func responseStripped() {
        let returned = HopByHopHeaders.responseFields(Self.hopByHop, status: .ok)
        #expect(returned == [.accept: "text/html", .xTrace: "abc"])
    }

    @Test("Connection tokens are matched case-insensitively, across several Connection lines")
    func connectionTokens() {
        var fields: HTTPFields = [.connection: " X-SECRET ,", .xSecret: "1", .xTrace: "2", .accept: "*/*"]
        fields.append(HTTPField(name: .connection, value: "x-trace"))
        #expect(HopByHopHeaders.requestFields(fields, upgrade: nil) == [.accept: "*/*"])
    }

    @Test("a Connection token cannot strip the forwarding fields the server set")
    func forwardingProtected() {
        let fields: HTTPFields = [
            .connection: "X-Forwarded-For, X-Real-IP, X-Forwarded-Proto",
            .xForwardedFor: "203.0.113.7", .xRealIP: "203.0.113.7", .xForwardedProto: "https",
        ]
        #expect(
            HopByHopHeaders.requestFields(fields, upgrade: nil) == [
                .xForwardedFor: "203.0.113.7", .xRealIP: "203.0.113.7", .xForwardedProto: "https",
            ])
    }

    @Test(
        "TE is forwarded as exactly `trailers` when the client accepts trailers",
        arguments: [
            ("trailers", "trailers"), ("gzip, Trailers", "trailers"), ("gzip", nil), ("trailers;q=1", nil),
        ] as [(String, String?)])
    func teTrailers(_ te: String, _ expected: String?) {
        #expect(HopByHopHeaders.requestFields([.te: te], upgrade: nil)[.te] == expected)
    }

    @Test("an upgrade request keeps Connection: upgrade and its Upgrade, losing the rest")
    func upgradeRequest() throws {
        let fields: HTTPFields = [
            .connection: "keep-alive, Upgrade, X-Secret", .upgrade: "websocket", .xSecret: "1",
            .secWebSocketKey: "dGhlIHNhbXBsZSBub25jZQ==",
        ]
        let upgrade = try #require(ProtocolUpgrade(requestFields: fields))
        #expect(upgrade.protocols == "websocket")
        #expect(
            HopByHopHeaders.requestFields(fields, upgrade: upgrade) == [
                .secWebSocketKey: "dGhlIHNhbXBsZSBub25jZQ==", .connection: "upgrade", .upgrade: "websocket",
            ])
    }

    @Test("an Upgrade field without Connection: upgrade is no upgrade, and neither is an empty Upgrade")
    func notAnUpgrade() {
        #expect(ProtocolUpgrade(requestFields: [.upgrade: "websocket"]) == nil)
        #expect(ProtocolUpgrade(requestFields: [.connection: "upgrade", .upgrade: ""]) == nil)
        #expect(ProtocolUpgrade(requestFields: [.connection: "close", .upgrade: "websocket"]) == nil)
    }

    @Test("a 101 keeps Connection: upgrade and Upgrade; other statuses lose them")
    func switchingProtocolsResponse() {
        let fields: HTTPFields = [
            .connection: "Upgrade", .upgrade: "websocket", .secWebSocketAccept: "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=",
        ]
        #expect(
            HopByHopHeaders.responseFields(fields, status: .switchingProtocols) == [
                .secWebSocketAccept: "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", .connection: "upgrade", .upgrade: "websocket",
            ])
        #expect(
            HopByHopHeaders.responseFields(fields, status: .ok) == [.secWebSocketAccept: "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="]
        )
    }

    @Test("a switch is accepted only to a protocol the client offered")
    func upgradeAcceptance() throws {
        let upgrade = try #require(
            ProtocolUpgrade(requestFields: [.connection: "upgrade", .upgrade: "h2c, WebSocket"]))
        #expect(upgrade.accepts([.upgrade: "websocket"]))
        #expect(upgrade.accepts([.upgrade: "h2c"]))
        #expect(!upgrade.accepts([.upgrade: "spdy/3"]))
        #expect(!upgrade.accepts([:]))
    }

    @Test("repeated forwarding lines are folded into one each")
    func forwardingFolded() {
        var fields = HTTPFields()
        for (name, value) in [
            (HTTPField.Name.xForwardedFor, "203.0.113.7"), (.xRealIP, "203.0.113.7"), (.xForwardedFor, ""),
            (.xForwardedFor, "10.0.0.1"), (.xRealIP, "6.6.6.6"), (.xForwardedProto, "https"),
            (.xForwardedProto, "http"),
        ] {
            fields.append(HTTPField(name: name, value: value))
        }
        ForwardingFields.fold(&fields)
        #expect(fields[values: .xForwardedFor] == ["203.0.113.7, 10.0.0.1"])
        #expect(fields[values: .xRealIP] == ["203.0.113.7"])
        #expect(fields[values: .xForwardedProto] == ["https"])
    }

    @Test("single forwarding lines are left as they are")
    func forwardingUntouched() {
        var fields: HTTPFields = [.xForwardedFor: "203.0.113.7, 10.0.0.1", .xRealIP: "203.0.113.7"]
        let before = fields
        ForwardingFields.fold(&fields)
        #expect(fields == before)
    }
}
