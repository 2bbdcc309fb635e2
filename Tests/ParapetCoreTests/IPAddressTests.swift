import ParapetCore
import Testing

@Suite("IP addresses and networks")
struct IPAddressTests {
    @Test(arguments: [
        ("127.0.0.1", "127.0.0.1"),
        ("0.0.0.0", "0.0.0.0"),
        ("255.255.255.255", "255.255.255.255"),
        ("::1", "::1"),
        ("::", "::"),
        ("2001:DB8::1", "2001:db8::1"),
        ("2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"),
        ("fe80:0:0:0:0:0:0:1", "fe80::1"),
        ("1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8"),
        ("::ffff:10.1.2.3", "::ffff:10.1.2.3"),
        ("::ffff:a01:203", "::ffff:10.1.2.3"),
        ("64:ff9b::192.0.2.33", "64:ff9b::c000:221"),
    ])
    func parsesAndPrintsCanonically(text: String, canonical: String) throws {
        let address = try #require(IPAddress(text))
        #expect("\(address)" == canonical)
        #expect(IPAddress(canonical) == address)
    }

    @Test(arguments: [
        "", "1.2.3", "1.2.3.4.5", "256.1.1.1", "01.2.3.4", "1.2.3.-4", "1..2.3", "a.b.c.d", " 1.2.3.4",
        ":::", "1:::2", "1::2::3", "1:2:3:4:5:6:7:8:9", "12345::", ":1", "1:", "1:2:3:4:5:6:7", "fe80::1%eth0",
        "::ffff:1.2.3", "g::1", "[::1]",
    ])
    func rejectsMalformedText(text: String) {
        #expect(IPAddress(text) == nil)
    }

    @Test func mappedAddressesUnmapToIPv4() throws {
        let mapped = try #require(IPAddress("::ffff:192.168.1.9"))
        #expect(mapped.unmapped == IPAddress("192.168.1.9"))
        #expect(mapped.isIPv4)
        #expect(IPAddress("::1")?.unmapped == IPAddress("::1"))
    }

    @Test func networksContainTheirAddresses() throws {
        let network = try IPNetwork("10.0.0.0/8")
        #expect(network.contains(IPAddress("10.255.1.2")!))
        #expect(network.contains(IPAddress("::ffff:10.0.0.1")!))
        #expect(!network.contains(IPAddress("11.0.0.1")!))
        #expect(!network.contains(IPAddress("::1")!))

        let masked = try IPNetwork("192.168.77.5/16")
        #expect("\(masked)" == "192.168.0.0/16")

        let v6 = try IPNetwork("fd00::/8")
        #expect(v6.contains(IPAddress("fd12:3456::1")!))
        #expect(!v6.contains(IPAddress("fe80::1")!))
        #expect(!v6.contains(IPAddress("10.0.0.1")!))

        let host = try IPNetwork("203.0.113.9")
        #expect(host.prefixLength == 32)
        #expect(host.contains(IPAddress("203.0.113.9")!))
        #expect(!host.contains(IPAddress("203.0.113.10")!))

        #expect(try IPNetwork("0.0.0.0/0").contains(IPAddress("8.8.8.8")!))
    }

    @Test(arguments: ["10.0.0.0/33", "10.0.0.0/", "10.0.0/8", "fd00::/129", "not-a-cidr", "10.0.0.0/8/8", "10.0.0.0/+8", ""])
    func invalidCIDRIsAnErrorNamingIt(text: String) {
        #expect(throws: ConfigurationError.invalidCIDR(text)) { try IPNetwork(text) }
        #expect(ConfigurationError.invalidCIDR(text).description.contains("\"\(text)\""))
    }

    @Test func networkAddressesParseHostAndPort() {
        #expect(NetworkAddress(parsing: "127.0.0.1:8080") == .ip(IPAddress("127.0.0.1")!, port: 8080))
        #expect(NetworkAddress(parsing: "[::1]:443") == .ip(IPAddress("::1")!, port: 443))
        #expect("\(NetworkAddress.ip(IPAddress("::1")!, port: 443))" == "[::1]:443")
        #expect(NetworkAddress(parsing: "::1:443") == nil)
        #expect(NetworkAddress(parsing: "localhost:80") == nil)
        #expect(NetworkAddress(parsing: "1.2.3.4:99999") == nil)
        #expect(NetworkAddress(parsing: "1.2.3.4") == nil)
        #expect(NetworkAddress(parsing: "garbage") == nil)
    }
}
