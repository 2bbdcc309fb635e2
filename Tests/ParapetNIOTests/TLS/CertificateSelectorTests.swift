@testable import ParapetNIO
import Testing

@Suite("SNI certificate selection")
struct CertificateSelectorTests {
    let selector = CertificateSelector(hostNames: [
        ["default.test"],
        ["*.example.com"],
        ["www.example.com", "example.com"],
        ["*.example.com"],
    ])

    @Test(arguments: [
        ("www.example.com", 2),  // exact beats wildcard
        ("WWW.Example.COM", 2),
        ("example.com", 2),
        ("api.example.com", 1),  // first wildcard wins among equals
        ("a.b.example.com", 0),  // a wildcard covers one label only
        ("unknown.test", 0),
        ("localhost", 0),
        ("", 0),
    ])
    func picksTheBestCertificate(serverName: String, expected: Int) {
        #expect(selector.index(for: serverName) == expected)
    }

    @Test func noServerNameGetsTheDefault() {
        #expect(selector.index(for: nil) == 0)
    }
}
