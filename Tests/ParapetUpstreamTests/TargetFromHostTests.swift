import HTTPTypes
import InMemoryLogging
import Logging
import ParapetCore
import ParapetSimulation
import Testing

@testable import ParapetUpstream

@Suite("TargetFromHost and the dynamic-target policy")
struct TargetFromHostTests {
    @Test(arguments: [
        "169.254.169.254", "169.254.0.1", "fe80::1", "FE80::abcd", "::ffff:169.254.169.254", "100.100.100.200",
        "fd00:ec2::254", "metadata.google.internal", "METADATA.Google.Internal.", "metadata", "instance-data",
        "metadata.goog",
    ])
    func theDefaultPolicyRefusesMetadataAndLinkLocal(host: String) {
        #expect(DynamicTargetPolicy().refusal(forHost: host) != nil)
    }

    @Test(arguments: ["127.0.0.1", "10.0.0.7", "::1", "example.com", "metadata.example.com", "169.255.0.1", "fec0::1"])
    func theDefaultPolicyAllowsOtherHosts(host: String) {
        #expect(DynamicTargetPolicy().refusal(forHost: host) == nil)
    }

    @Test func theDefaultsAreAllThere() throws {
        #expect(
            DynamicTargetPolicy.linkLocalAndMetadataNetworks.map(\.description) == [
                "169.254.0.0/16", "fe80::/10", "100.100.100.200/32", "fd00:ec2::254/128",
            ])
        #expect(DynamicTargetPolicy.unrestricted.refusal(forHost: "169.254.169.254") == nil)
        let address = IPAddress("169.254.169.254")!
        let linkLocal = try IPNetwork("169.254.0.0/16")
        #expect(DynamicTargetPolicy().refusal(for: address) == .refusedAddress(address, network: linkLocal))
    }

    @Test(arguments: [
        ("a.example:8080", "a.example"), ("a.example", "a.example"), ("[fe80::1]:80", "fe80::1"), ("[::1]", "::1"),
        ("1.2.3.4:1", "1.2.3.4"),
    ])
    func theHostOfAnAuthority(authority: String, host: String) {
        #expect(TargetFromHost.host(of: authority) == host)
    }

    /// Proxies a request for `authority` through `TargetFromHost` over `backend` in virtual time.
    func proxied(_ authority: String?, backend: ScriptedBackends, logger: Logger = quietLogger) async throws
        -> (status: HTTPResponse.Status, at: MonotonicInstant)
    {
        try await simulate { runtime in
            var request = Request.test()
            request.head.authority = authority
            let response = try await proxy(TargetFromHost(transport: backend), runtime: runtime).handle(
                request, context: RequestContext.test(runtime, logger: logger))
            return (response.status, runtime.clock.now)
        }
    }

    @Test func theRequestGoesToItsHostWithThePolicyAttached() async throws {
        let backend = ScriptedBackends([.respond(.ok)])
        #expect(try await proxied("shop.example:8080", backend: backend).status == .ok)
        let call = try #require(backend.calls.first)
        #expect(call.request.target == "shop.example:8080")
        #expect(call.request.dynamicTargetPolicy == DynamicTargetPolicy())
    }

    @Test func aRefusedHostIsAnswered403AtOnceNeverTriedAndLogged() async throws {
        let (logger, log) = memoryLogger()
        let backend = ScriptedBackends([.respond(.ok)])
        let answer = try await proxied("169.254.169.254", backend: backend, logger: logger)
        #expect(answer.status == .forbidden)
        #expect(answer.at == .zero)  // no retries, no backoff
        #expect(backend.calls.isEmpty)
        let entry = try #require(log.entries.first)
        #expect(entry.level == .warning)
        #expect(
            entry.message.description
                == "upstream: refused upstream target 169.254.169.254: 169.254.169.254 lies in 169.254.0.0/16")
        #expect(try await proxied(nil, backend: backend).status == .badRequest)
        #expect(backend.calls.isEmpty)
    }

    @Test func aRefusalFromTheLeafTransportIsNotRetriedEither() async throws {
        // What the NIO transport throws when the name resolved to a refused address.
        let refusal = UpstreamTargetRefused(
            target: "rebound.example:80",
            reason: .refusedAddress(IPAddress("169.254.169.254")!, network: try IPNetwork("169.254.0.0/16")))
        for error in [refusal, UpstreamError.failed(target: "rebound.example:80", underlying: refusal)] as [any Error] {
            let backend = ScriptedBackends([.fail(error)])
            let answer = try await proxied("rebound.example:80", backend: backend)
            #expect(answer.status == .forbidden)
            #expect(backend.calls.count == 1)
        }
        let missing = ScriptedBackends([.fail(UpstreamTargetRefused(target: nil, reason: .noTarget))])
        let answer = try await simulate { runtime in
            try await proxy(missing, runtime: runtime).handle(Request.test(), context: RequestContext.test(runtime))
                .status
        }
        #expect(answer == .badGateway)
        #expect(missing.calls.count == 1)
    }

    @Test func refusalsAreNeverRetried() {
        var state = ProxyHandler.StateMachine(retries: 3, backoff: .milliseconds(50), isRetryable: true)
        #expect(state.next(after: .refused(.forbidden)) == .answer(.forbidden))
        #expect(state.attempt == 0)
    }
}
