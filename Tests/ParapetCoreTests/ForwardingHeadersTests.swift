import HTTPTypes
import ParapetCore
import Testing

@Suite("Trusted-proxy forwarding headers")
struct ForwardingHeadersTests {
    let spoofed: HTTPFields = [
        .xForwardedFor: "6.6.6.6",
        .xRealIP: "6.6.6.6",
        .xForwardedProto: "https",
    ]

    func rewrite(_ fields: HTTPFields, peer: String?, secure: Bool = false, trusting: TrustedProxies) -> HTTPFields {
        var fields = fields
        let connection = ConnectionInfo(
            peer: peer.flatMap { NetworkAddress(parsing: $0) },
            tls: secure ? ConnectionInfo.TLS() : nil
        )
        ForwardingHeaders.apply(to: &fields, connection: connection, trusting: trusting)
        return fields
    }

    @Test func untrustedPeerSpoofedHeadersAreReplaced() {
        let fields = rewrite(spoofed, peer: "203.0.113.7:5000", trusting: .privateAndLoopback)
        #expect(fields[values: .xForwardedFor] == ["203.0.113.7"])
        #expect(fields[values: .xRealIP] == ["203.0.113.7"])
        #expect(fields[values: .xForwardedProto] == ["http"])
    }

    @Test func untrustedPeerOverTLSIsHTTPS() {
        let fields = rewrite([.xForwardedProto: "http"], peer: "203.0.113.7:5000", secure: true, trusting: .none)
        #expect(fields[.xForwardedProto] == "https")
    }

    @Test func frontendProfileTrustsNobodyNotEvenLoopback() {
        let fields = rewrite(spoofed, peer: "127.0.0.1:5000", trusting: ServerConfiguration.frontend.trustedProxies)
        #expect(fields[values: .xForwardedFor] == ["127.0.0.1"])
        #expect(fields[.xRealIP] == "127.0.0.1")
    }

    @Test func trustedPeerIsAppendedToTheChain() {
        let fields = rewrite(
            [.xForwardedFor: "203.0.113.7, 198.51.100.2", .xForwardedProto: "https"],
            peer: "10.0.0.5:40000",
            trusting: .privateAndLoopback
        )
        #expect(fields[values: .xForwardedFor] == ["203.0.113.7, 198.51.100.2, 10.0.0.5"])
        #expect(fields[.xRealIP] == "198.51.100.2")  // the first untrusted hop from the right
        #expect(fields[.xForwardedProto] == "https")
    }

    @Test func aRuleTrustsPeersAndHopsBesidesTheNetworks() throws {
        let edge = TrustedProxies.Rule("203.0.113.x") { address in "\(address)".hasPrefix("203.0.113.") }
        let trusted = try TrustedProxies(cidrs: ["10.0.0.0/8"], rules: [edge])
        let fields = rewrite(
            [.xForwardedFor: "198.51.100.2, 203.0.113.10, 10.1.1.1", .xForwardedProto: "https"],
            peer: "203.0.113.9:443", trusting: trusted)
        #expect(fields[values: .xForwardedFor] == ["198.51.100.2, 203.0.113.10, 10.1.1.1, 203.0.113.9"])
        #expect(fields[.xRealIP] == "198.51.100.2")  // both kinds of trusted hop skipped
        #expect(fields[.xForwardedProto] == "https")
        let outsider = rewrite(spoofed, peer: "198.51.100.2:1", trusting: trusted)
        #expect(outsider[values: .xForwardedFor] == ["198.51.100.2"])
    }

    @Test func configurationsWithRulesCompareByTheRulesNames() {
        let always = TrustedProxies.Rule("always") { _ in true }
        let alsoAlways = TrustedProxies.Rule("always") { _ in true }
        let never = TrustedProxies.Rule("never") { _ in false }
        #expect(TrustedProxies(networks: [], rules: [always]) == TrustedProxies(networks: [], rules: [alsoAlways]))
        #expect(TrustedProxies(networks: [], rules: [always]) != TrustedProxies(networks: [], rules: [never]))
        #expect(TrustedProxies(networks: [], rules: [always]) != .none)
    }

    @Test func trustedPeerReplacesARealIPThatForwardedForContradicts() {
        // Load balancers append to X-Forwarded-For but pass a client's own X-Real-IP through.
        let fields = rewrite(
            [.xForwardedFor: "203.0.113.7", .xRealIP: "198.51.100.9"],
            peer: "192.168.1.1:1",
            trusting: .privateAndLoopback
        )
        #expect(fields[values: .xRealIP] == ["203.0.113.7"])
        #expect(fields[.xForwardedFor] == "203.0.113.7, 192.168.1.1")
    }

    /// One case of the walk: what a request from `peer` carried, and the client the walk must find.
    struct Walk: Sendable, CustomTestStringConvertible {
        var forwardedFor: [String]
        var realIP: String? = nil
        var peer = "127.0.0.1:5000"
        var client: String
        var testDescription: String { "\(forwardedFor) X-Real-IP \(realIP ?? "-") from \(peer) → \(client)" }
    }

    /// nginx's `real_ip_recursive on` under the general profile's trust list (private and loopback).
    static let walks: [Walk] = [
        // The rightmost untrusted entry is the client; what lies left of it is the client's own text.
        Walk(forwardedFor: ["6.6.6.6, 9.9.9.9"], client: "9.9.9.9"),
        Walk(forwardedFor: ["6.6.6.6, 203.0.113.7, 10.0.0.2"], peer: "10.0.0.1:1", client: "203.0.113.7"),
        Walk(forwardedFor: ["10.0.0.9, 198.51.100.1, 10.0.0.2"], peer: "10.0.0.1:1", client: "198.51.100.1"),
        Walk(forwardedFor: ["10.0.0.3, 10.0.0.2"], peer: "10.0.0.1:1", client: "10.0.0.3"),
        Walk(forwardedFor: ["6.6.6.6", "203.0.113.7"], client: "203.0.113.7"),
        Walk(forwardedFor: ["203.0.113.7", "10.0.0.2"], client: "203.0.113.7"),
        // An entry that is not an address stops the walk at the last trusted hop.
        Walk(forwardedFor: ["x"], client: "127.0.0.1"),
        Walk(forwardedFor: ["unknown"], client: "127.0.0.1"),
        Walk(forwardedFor: ["_hidden, 10.0.0.2"], client: "10.0.0.2"),
        Walk(forwardedFor: ["203.0.113.7, x, 10.0.0.2"], peer: "10.0.0.1:1", client: "10.0.0.2"),
        Walk(forwardedFor: ["x, 203.0.113.7"], client: "203.0.113.7"),
        Walk(forwardedFor: ["01.2.3.4"], client: "127.0.0.1"),
        Walk(forwardedFor: ["1.2.3.4:99999"], client: "127.0.0.1"),
        Walk(forwardedFor: ["fe80::1%eth0"], client: "127.0.0.1"),
        Walk(forwardedFor: ["[2001:db8::7"], client: "127.0.0.1"),
        Walk(forwardedFor: ["[203.0.113.7]"], client: "127.0.0.1"),
        Walk(forwardedFor: ["203.0.113.7 198.51.100.1"], client: "127.0.0.1"),
        // Empty entries carry nothing and are skipped.
        Walk(forwardedFor: ["203.0.113.7,, \t,10.0.0.2"], peer: "10.0.0.1:1", client: "203.0.113.7"),
        Walk(forwardedFor: ["203.0.113.7", ""], client: "203.0.113.7"),
        // Ports and brackets, as load balancers write them.
        Walk(forwardedFor: [" 203.0.113.7:4711 "], client: "203.0.113.7"),
        Walk(forwardedFor: ["2001:db8::7"], client: "2001:db8::7"),
        Walk(forwardedFor: ["[2001:db8::7]"], client: "2001:db8::7"),
        Walk(forwardedFor: ["[2001:db8::7]:443, [::1]:80"], client: "2001:db8::7"),
        Walk(forwardedFor: ["::ffff:203.0.113.7"], client: "203.0.113.7"),
        Walk(forwardedFor: ["203.0.113.7, ::ffff:10.0.0.2"], client: "203.0.113.7"),
        // X-Real-IP is the source only when X-Forwarded-For has no entry, and only when it is an address.
        Walk(forwardedFor: [], realIP: "198.51.100.9", client: "198.51.100.9"),
        Walk(forwardedFor: [""], realIP: " [2001:db8::9]:80", client: "2001:db8::9"),
        Walk(forwardedFor: [], realIP: "x", client: "127.0.0.1"),
        Walk(forwardedFor: [], realIP: "", client: "127.0.0.1"),
        Walk(forwardedFor: [], realIP: "198.51.100.9, 6.6.6.6", client: "127.0.0.1"),
        Walk(forwardedFor: ["x"], realIP: "198.51.100.9", client: "127.0.0.1"),
        Walk(forwardedFor: ["203.0.113.7"], realIP: "198.51.100.9", client: "203.0.113.7"),
        // An untrusted peer is the client, whatever it sent.
        Walk(forwardedFor: ["10.0.0.2"], realIP: "10.0.0.3", peer: "203.0.113.7:1", client: "203.0.113.7"),
        Walk(forwardedFor: ["x"], peer: "[2001:db8::99]:1", client: "2001:db8::99"),
        Walk(forwardedFor: ["203.0.113.7"], peer: "[::ffff:10.0.0.1]:1", client: "203.0.113.7"),
    ]

    @Test(arguments: walks)
    func theClientIsTheFirstUntrustedHopFromTheRight(_ walk: Walk) {
        var fields = HTTPFields()
        for line in walk.forwardedFor {
            fields.append(HTTPField(name: .xForwardedFor, value: line))
        }
        fields[.xRealIP] = walk.realIP
        let rewritten = rewrite(fields, peer: walk.peer, trusting: .privateAndLoopback)
        #expect(rewritten[values: .xRealIP] == [walk.client])
    }

    @Test func trustedPeerJoinsSeveralForwardedForLines() {
        var fields = HTTPFields()
        fields.append(HTTPField(name: .xForwardedFor, value: "203.0.113.7"))
        fields.append(HTTPField(name: .xForwardedFor, value: "198.51.100.2"))
        let rewritten = rewrite(fields, peer: "127.0.0.1:9", trusting: .privateAndLoopback)
        #expect(rewritten[values: .xForwardedFor] == ["203.0.113.7, 198.51.100.2, 127.0.0.1"])
    }

    @Test func trustedPeerWithoutHeadersStandsForItself() {
        let fields = rewrite([:], peer: "172.16.3.4:80", secure: true, trusting: .privateAndLoopback)
        #expect(fields[.xForwardedFor] == "172.16.3.4")
        #expect(fields[.xRealIP] == "172.16.3.4")  // never an empty X-Real-IP
        #expect(fields[.xForwardedProto] == "https")
    }

    @Test func ipv6Peers() {
        let trusted = rewrite([.xForwardedFor: "2001:db8::7"], peer: "[fd00::5]:443", trusting: .privateAndLoopback)
        #expect(trusted[.xForwardedFor] == "2001:db8::7, fd00::5")
        #expect(trusted[.xRealIP] == "2001:db8::7")

        let loopback = rewrite([:], peer: "[::1]:443", trusting: .privateAndLoopback)
        #expect(loopback[.xForwardedFor] == "::1")

        let untrusted = rewrite(spoofed, peer: "[2001:db8::99]:443", trusting: .privateAndLoopback)
        #expect(untrusted[.xForwardedFor] == "2001:db8::99")
        #expect(untrusted[.xRealIP] == "2001:db8::99")
    }

    @Test func mappedIPv4PeersAreTrustedAndWrittenAsIPv4() {
        let fields = rewrite([.xForwardedFor: "203.0.113.7"], peer: "[::ffff:10.1.1.1]:80", trusting: .privateAndLoopback)
        #expect(fields[.xForwardedFor] == "203.0.113.7, 10.1.1.1")
    }

    @Test func unparseableOrUnknownPeerIsUntrusted() throws {
        let everything = try TrustedProxies(cidrs: ["0.0.0.0/0", "::/0"])
        #expect(NetworkAddress(parsing: "not an address") == nil)
        let unknown = rewrite(spoofed, peer: "not an address", trusting: everything)
        #expect(unknown[.xForwardedFor] == nil)
        #expect(unknown[.xRealIP] == nil)
        #expect(unknown[.xForwardedProto] == "http")

        var fields = spoofed
        let unix = ConnectionInfo(peer: .unixSocket(path: "/run/parapet.sock"))
        ForwardingHeaders.apply(to: &fields, connection: unix, trusting: everything)
        #expect(fields[.xForwardedFor] == nil)
        #expect(!everything.trusts(.unixSocket(path: "/x")))
    }

    @Test func customTrustList() throws {
        let trusted = try TrustedProxies(cidrs: ["198.51.100.0/24"])
        #expect(trusted.trusts(NetworkAddress(parsing: "198.51.100.20:1")))
        #expect(!trusted.trusts(NetworkAddress(parsing: "10.0.0.1:1")))
        #expect(throws: ConfigurationError.invalidCIDR("198.51.100.0/24x")) {
            try TrustedProxies(cidrs: ["10.0.0.0/8", "198.51.100.0/24x"])
        }
    }

    @Test func privateAndLoopbackRanges() {
        let trusted = TrustedProxies.privateAndLoopback
        for address in ["10.0.0.1", "172.16.0.1", "172.31.255.255", "192.168.0.1", "127.0.0.1", "127.9.9.9", "fc00::1", "fdff::1", "::1"] {
            #expect(trusted.trusts(.ip(IPAddress(address)!, port: 1)), "\(address)")
        }
        for address in ["172.32.0.1", "11.0.0.1", "192.169.0.1", "8.8.8.8", "fe80::1", "2001:db8::1", "::2"] {
            #expect(!trusted.trusts(.ip(IPAddress(address)!, port: 1)), "\(address)")
        }
    }
}
