import HTTPTypes
import Logging
import NIOCore
import ParapetCore
import ParapetSimulation
import Testing

@Suite("The client address, computed once per request")
struct ClientAddressTests {
    static let loopbackPeer = NetworkAddress.ip(IPAddress("127.0.0.1")!, port: 5000)
    let runtime = Simulation(seed: 1).runtime

    @Test(arguments: [
        ("203.0.113.7", "203.0.113.7"), (" 203.0.113.7:4711\t", "203.0.113.7"), ("203.0.113.7:0", "203.0.113.7"),
        ("2001:db8::7", "2001:db8::7"), ("[2001:db8::7]", "2001:db8::7"), ("[2001:db8::7]:65535", "2001:db8::7"),
        ("::ffff:10.0.0.1", "::ffff:10.0.0.1"), ("[::1]:1", "::1"),
    ])
    func entriesThatAreAddresses(_ entry: String, _ address: String) {
        #expect(ForwardingHeaders.address(inEntry: entry) == IPAddress(address))
    }

    @Test(arguments: [
        "", " ", "x", "unknown", "_hidden", "localhost", "example.com", "203.0.113.7:", "203.0.113.7:65536",
        "203.0.113.7:+80", "203.0.113.7:080000", "203.0.113.7:a", "1.2.3", "1.2.3.4.5", "01.2.3.4", "256.1.1.1",
        "[203.0.113.7]", "[2001:db8::7", "2001:db8::7]", "[2001:db8::7]80", "[2001:db8::7]:", "[2001:db8::7]:99999",
        "fe80::1%eth0", "[fe80::1%25eth0]", "1.2.3.4 5.6.7.8", "1.2.3.4,5.6.7.8", ":::", "[]", "[:]:1",
    ])
    func entriesThatAreNot(_ entry: String) {
        #expect(ForwardingHeaders.address(inEntry: entry) == nil)
    }

    @Test func theWalkAnswersWithAClientAddress() {
        let client = ForwardingHeaders.client(
            forwardedFor: ["6.6.6.6, 203.0.113.7, 10.0.0.2"], realIP: "1.1.1.1",
            peer: .ip(IPAddress("10.0.0.1")!, port: 1), trusting: .privateAndLoopback)
        #expect(client == .ip(IPAddress("203.0.113.7")!))
        let mapped = ForwardingHeaders.client(
            forwardedFor: ["::ffff:203.0.113.7"], realIP: nil, peer: Self.loopbackPeer, trusting: .privateAndLoopback)
        #expect(mapped == .ip(IPAddress("203.0.113.7")!))
    }

    @Test func aPeerWithoutAnIPAddressStandsForItself() throws {
        let everything = try TrustedProxies(cidrs: ["0.0.0.0/0", "::/0"])
        let unix = ForwardingHeaders.client(
            forwardedFor: ["203.0.113.7"], realIP: "203.0.113.7", peer: .unixSocket(path: "/run/p.sock"),
            trusting: everything)
        #expect(unix == .unixSocket(path: "/run/p.sock"))
        #expect(unix.description == "unix:/run/p.sock" && unix.ipAddress == nil)
        let unknown = ForwardingHeaders.client(
            forwardedFor: ["203.0.113.7"], realIP: nil, peer: nil, trusting: everything)
        #expect(unknown == .unknown && unknown.description == "unknown")
    }

    @Test func applyReturnsTheClientItWroteToXRealIP() {
        var fields: HTTPFields = [.xForwardedFor: "6.6.6.6, 9.9.9.9", .xRealIP: "1.1.1.1"]
        let client = ForwardingHeaders.apply(
            to: &fields, connection: ConnectionInfo(peer: Self.loopbackPeer), trusting: .privateAndLoopback)
        #expect(client == .ip(IPAddress("9.9.9.9")!))
        #expect(fields[values: .xRealIP] == ["9.9.9.9"])
        #expect(fields[values: .xForwardedFor] == ["6.6.6.6, 9.9.9.9, 127.0.0.1"])

        var direct: HTTPFields = [.xForwardedFor: "6.6.6.6"]
        let peer = ForwardingHeaders.apply(
            to: &direct, connection: ConnectionInfo(peer: .ip(IPAddress("::ffff:203.0.113.7")!, port: 1)),
            trusting: .privateAndLoopback)
        #expect(peer == .ip(IPAddress("203.0.113.7")!))
        #expect(direct[.xRealIP] == "203.0.113.7")
    }

    @Test func theServerHandlerSetsTheContextsClientForEveryMiddleware() async throws {
        let seen = Endpoint { request, context in
            .text("\(context.clientAddress) \(request.headerFields[.xRealIP] ?? "-")")
        }
        let handler = ForwardingHeaders.Handler(next: seen, trusting: .privateAndLoopback)
        let request = Request(
            head: HTTPRequest(
                method: .get, scheme: "http", authority: "a.test", path: "/",
                headerFields: [.xForwardedFor: "6.6.6.6, 9.9.9.9"]))
        let context = RequestContext(
            connection: ConnectionInfo(peer: Self.loopbackPeer), logger: Logger(label: "test"), runtime: runtime)
        let response = try await handler.handle(request, context: context)
        #expect(String(buffer: try await response.body.collect(upTo: 100)) == "9.9.9.9 9.9.9.9")
    }

    @Test func aContextWithoutAServerHasItsPeerUntilSomethingSetsAnother() {
        var context = RequestContext(
            connection: ConnectionInfo(peer: .ip(IPAddress("::ffff:203.0.113.7")!, port: 1)),
            logger: Logger(label: "test"), runtime: runtime)
        #expect(context.clientAddress == .ip(IPAddress("203.0.113.7")!))
        context.connection.peer = .unixSocket(path: "/s")
        #expect(context.clientAddress == .unixSocket(path: "/s"))
        context.clientAddress = .ip(IPAddress("198.51.100.1")!)
        context.connection.peer = nil
        #expect(context.clientAddress == .ip(IPAddress("198.51.100.1")!))
        #expect(
            RequestContext(connection: ConnectionInfo(peer: nil), logger: context.logger, runtime: runtime)
                .clientAddress == .unknown)
    }
}
