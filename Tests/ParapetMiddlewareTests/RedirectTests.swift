import HTTPTypes
import ParapetCore
import ParapetTesting
import Testing

@testable import ParapetMiddleware

@Suite("Redirect")
struct RedirectTests {
    let harness = MiddlewareHarness()

    /// ParapetTesting's overview example, as a server would run it: the chain ends in 404.
    @Test func plainHTTPIsRedirectedInAChainTest() async throws {
        try await Redirect.https.test { client in
            let response = try await client.execute(.get, "/shop?item=1")
            #expect(response.status == .movedPermanently)
            #expect(response.headerFields[.location] == "https://example.com/shop?item=1")
            // X-Forwarded-Proto counts from a trusted proxy (a private address), not from the client.
            let forwarded: HTTPFields = [.xForwardedProto: "https"]
            #expect(try await client.execute(.get, "/", headers: forwarded).status == .movedPermanently)
            let proxy = NetworkAddress.ip(IPAddress("10.0.0.1")!, port: 40_000)
            #expect(try await client.execute(.get, "/", headers: forwarded, from: proxy).status == .notFound)
        }
    }

    /// The outcome of `redirect` for a `GET target` to `host`, made over HTTPS when `isHTTPS`.
    func outcome(_ redirect: Redirect, host: String?, _ target: String = "/", isHTTPS: Bool = false) -> Redirect.Outcome
    {
        redirect.outcome(
            for: HTTPRequest(method: .get, scheme: "http", authority: host, path: target), isHTTPS: isHTTPS)
    }

    @Test(arguments: [
        ("example.com", "/", "https://example.com/"),
        ("example.com:8080", "/a/b?x=1&y=%2F&z", "https://example.com:8080/a/b?x=1&y=%2F&z"),
        ("example.com:80", "/p?q", "https://example.com/p?q"),
        ("example.com:443", "/", "https://example.com/"),
        ("Example.COM", "/%7Euser?", "https://Example.COM/%7Euser?"),
        ("[2001:db8::1]:8443", "/x", "https://[2001:db8::1]:8443/x"),
        ("192.0.2.7", "/x", "https://192.0.2.7/x"),
    ])
    func httpsKeepsHostNonDefaultPortPathAndQuery(host: String, target: String, expected: String) {
        #expect(outcome(.https, host: host, target) == .redirect(expected))
    }

    @Test func httpsPassesHTTPSAndRefusesWhatItCannotRedirect() {
        #expect(outcome(.https, host: "example.com", "/x", isHTTPS: true) == .passThrough)
        #expect(outcome(.https, host: nil, "/x") == .badRequest)
        #expect(outcome(.https, host: "evil.com/x", "/x") == .badRequest)
        #expect(outcome(.https, host: "a@evil.com", "/x") == .badRequest)
        #expect(outcome(.https, host: "example.com", "*") == .badRequest)
    }

    @Test(arguments: [
        ("example.com", false, "http://www.example.com/a?b"),
        ("example.com:8443", true, "https://www.example.com:8443/a?b"),
        ("example.com:443", true, "https://www.example.com/a?b"),
        ("example.com:80", false, "http://www.example.com/a?b"),
        ("example.com:443", false, "http://www.example.com:443/a?b"),
    ])
    func wwwAddsThePrefixInTheSameScheme(host: String, isHTTPS: Bool, expected: String) {
        #expect(outcome(.www, host: host, "/a?b", isHTTPS: isHTTPS) == .redirect(expected))
    }

    @Test(arguments: ["www.example.com", "WWW.example.com:8080", "192.0.2.7", "[::1]:80"])
    func wwwLeavesPrefixedHostsAndAddressesAlone(host: String) {
        #expect(outcome(.www, host: host, "/a") == .passThrough)
    }

    @Test(arguments: [
        ("www.example.com", false, "http://example.com/a?b=%20"),
        ("WWW.Example.com:8080", false, "http://Example.com:8080/a?b=%20"),
        ("www.example.com:443", true, "https://example.com/a?b=%20"),
    ])
    func nonWWWDropsThePrefixInTheSameScheme(host: String, isHTTPS: Bool, expected: String) {
        #expect(outcome(.nonWWW, host: host, "/a?b=%20", isHTTPS: isHTTPS) == .redirect(expected))
    }

    @Test(arguments: ["example.com", "www.", "wwwx.example.com", "bad host"])
    func nonWWWLeavesOtherHostsAlone(host: String) {
        #expect(outcome(.nonWWW, host: host, "/a") == .passThrough)
    }

    @Test func httpsReadsTheForwardedProtoTheServerSettled() async throws {
        let insecure = try await harness.send(
            MiddlewareHarness.request(host: "shop.example.com:8080", path: "/cart?id=7&x=%41", forwardedProto: "http"),
            through: Redirect.https)
        #expect(insecure.status == .movedPermanently)
        #expect(insecure.headerFields[.location] == "https://shop.example.com:8080/cart?id=7&x=%41")
        #expect(insecure.headerFields[.contentType] == "text/html; charset=utf-8")
        #expect(
            try await insecure.text()
                == "<a href=\"https://shop.example.com:8080/cart?id=7&amp;x=%41\">Moved Permanently</a>.\n")

        for proto in ["https", "HTTPS", "https, http"] {
            #expect(
                try await harness.body(of: Redirect.https, host: "a.io", path: "/x", forwardedProto: proto) == "next /x"
            )
        }
        let noHost = try await harness.send(
            MiddlewareHarness.request(host: nil, forwardedProto: "http"), through: Redirect.https)
        #expect(noHost.status == .badRequest)
        // Without the header, the connection itself (plain HTTP in the harness) decides.
        let bare = try await harness.send(MiddlewareHarness.request(host: "a.io", path: "/x"), through: Redirect.https)
        #expect(bare.headerFields[.location] == "https://a.io/x")
    }

    @Test func aFixedTargetAlwaysRedirectsWithItsStatus() async throws {
        let mail = Redirect(to: "https://mail.google.com/a/example.com", status: .found)
        let response = try await harness.send(
            MiddlewareHarness.request(host: "mail.example.com", path: "/inbox?x"), through: mail)
        #expect(response.status == .found)
        #expect(response.headerFields[.location] == "https://mail.google.com/a/example.com")
        let secure = try await harness.send(
            MiddlewareHarness.request(host: nil, forwardedProto: "https"), through: mail)
        #expect(secure.status == .found)
    }

    @Test func aGETGetsTheShortHTMLBodyWithTheTargetEscaped() async throws {
        let target = #"/a?q="x"&b=<script>'"#
        let redirect = Redirect(to: target, status: .temporaryRedirect)
        let response = try await harness.send(MiddlewareHarness.request(host: "a.io", path: "/"), through: redirect)
        #expect(response.status == .temporaryRedirect)
        #expect(response.headerFields[.location] == target)
        #expect(response.headerFields[.contentType] == "text/html; charset=utf-8")
        #expect(
            try await response.text()
                == "<a href=\"/a?q=&quot;x&quot;&amp;b=&lt;script&gt;&#39;\">Temporary Redirect</a>.\n")
    }

    @Test func aHEADGetsTheTypeWithoutTheBodyAndOtherMethodsGetNeither() async throws {
        let redirect = Redirect(to: "/elsewhere", status: .found)
        let head = try await harness.send(MiddlewareHarness.request(.head, "/", host: "a.io"), through: redirect)
        #expect(head.status == .found)
        #expect(head.headerFields[.contentType] == "text/html; charset=utf-8")
        #expect(try await head.text() == "")
        let post = try await harness.send(MiddlewareHarness.request(.post, "/", host: "a.io"), through: redirect)
        #expect(post.status == .found && post.headerFields[.location] == "/elsewhere")
        #expect(post.headerFields[.contentType] == nil)
        #expect(try await post.text() == "")
    }

    @Test func customStatusesApply() async throws {
        let response = try await harness.send(
            MiddlewareHarness.request(host: "example.com", path: "/", forwardedProto: "http"),
            through: Redirect.https(status: .permanentRedirect))
        #expect(response.status == .permanentRedirect)
        #expect(Redirect.www(status: .temporaryRedirect).status == .temporaryRedirect)
        #expect(Redirect.nonWWW(status: .seeOther).status == .seeOther)
    }

    @Test(arguments: [200, 300, 304, 305, 404, 500])
    func statusesThatAreNotRedirectsAreErrors(code: Int) throws {
        let status = HTTPResponse.Status(code: code)
        for redirect in [
            Redirect.https(status: status), Redirect.www(status: status), Redirect.nonWWW(status: status),
            Redirect(to: "/x", status: status),
        ] {
            #expect(try harness.configurationErrors(building: redirect).map(\.field) == ["status"])
        }
    }

    @Test(arguments: ["", "https://a.io/\r\nSet-Cookie: x=1", "/x\u{0}"])
    func targetsThatCannotBeSentAreErrors(target: String) throws {
        #expect(try harness.configurationErrors(building: Redirect(to: target)).map(\.field) == ["target"])
        let both = try harness.configurationErrors(building: Redirect(to: target, status: .ok))
        #expect(both.map(\.field) == ["target", "status"])
    }
}
