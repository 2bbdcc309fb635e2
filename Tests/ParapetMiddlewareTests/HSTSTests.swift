import HTTPTypes
import ParapetCore
import Testing

@testable import ParapetMiddleware

@Suite("HSTS")
struct HSTSTests {
    let harness = MiddlewareHarness()

    @Test func presetsAndCustomPoliciesSpellTheHeader() throws {
        #expect(HSTS.default.headerValue == "max-age=31536000")
        #expect(HSTS.preload.headerValue == "max-age=63072000; includeSubDomains; preload")
        #expect(
            HSTS(maxAge: .seconds(300), includesSubdomains: true).headerValue == "max-age=300; includeSubDomains")
        #expect(HSTS(maxAge: .milliseconds(1500)).headerValue == "max-age=1")
        #expect(HSTS(maxAge: .zero).headerValue == "max-age=0")
    }

    @Test func theHeaderGoesOnlyOnHTTPSResponses() async throws {
        for (proto, expected) in [("https", "max-age=63072000; includeSubDomains; preload"), ("http", nil)] {
            let response = try await harness.send(
                MiddlewareHarness.request(host: "example.com", forwardedProto: proto), through: HSTS.preload)
            #expect(response.headerFields[.strictTransportSecurity] == expected)
        }
        // Without the header, the plain-HTTP connection of the harness decides.
        let bare = try await harness.send(MiddlewareHarness.request(host: "example.com"), through: HSTS.default)
        #expect(bare.headerFields[.strictTransportSecurity] == nil)
    }

    @Test func itReplacesTheUpstreamsOwnValuesAndKeepsTheStatus() async throws {
        let upstream = Endpoint { _, _ in
            var fields = HTTPFields()
            fields.append(HTTPField(name: .strictTransportSecurity, value: "max-age=0"))
            fields.append(HTTPField(name: .strictTransportSecurity, value: "max-age=1"))
            return Response(status: .notFound, headerFields: fields)
        }
        let response = try await harness.send(
            MiddlewareHarness.request(host: "example.com", forwardedProto: "https"), through: HSTS.default,
            next: upstream)
        #expect(response.status == .notFound)
        #expect(response.headerFields[values: .strictTransportSecurity] == ["max-age=31536000"])
    }

    @Test func impossiblePoliciesAreErrorsNamingTheField() throws {
        #expect(try harness.configurationErrors(building: HSTS(maxAge: .seconds(-1))).map(\.field) == ["maxAge"])
        let short = HSTS(maxAge: .seconds(600), includesSubdomains: true, requestsPreload: true)
        #expect(try harness.configurationErrors(building: short).map(\.field) == ["maxAge"])
        let narrow = HSTS(maxAge: .seconds(31_536_000), requestsPreload: true)
        #expect(try harness.configurationErrors(building: narrow).map(\.field) == ["includesSubdomains"])
        #expect(try harness.configurationErrors(building: HSTS.preload).isEmpty)
    }
}
