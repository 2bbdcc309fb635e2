import HTTPTypes
import Parapet
import ParapetCore
import ParapetSimulation
import ParapetTestSupport
import ParapetTesting
import Testing

@testable import ParapetMiddleware

@Suite("Healthz", .timingSensitive)
struct HealthzTests {
    @Test(
        arguments: [
            ("127.0.0.1", "/healthz", Healthz.Probe.liveness),
            ("127.0.0.1:8080", "/healthz?ready=1", .readiness),
            ("[::1]:8080", "/healthz?x=1&ready=yes", .readiness),
            ("::1", "/healthz", .liveness),
            ("10.0.0.7", "/healthz?ready=", .liveness),
            ("10.0.0.7", "/healthz?ready", .liveness),
            ("10.0.0.7", "/healthz?unready=1", .liveness),
            ("example.com", "/healthz", nil),
            ("example.com:80", "/healthz?ready=1", nil),
            ("", "/healthz", nil),
            ("[::1", "/healthz", nil),
            ("1.2.3.4:80:90", "/healthz", nil),
            ("10.0.0.7", "/healthz/", nil),
            ("10.0.0.7", "/healthzz", nil),
            ("10.0.0.7", "/other?ready=1", nil),
        ] as [(String, String, Healthz.Probe?)])
    func onlyTheExactPathOnALiteralIPHostIsAProbe(authority: String, path: String, probe: Healthz.Probe?) {
        #expect(Healthz().probe(for: MiddlewareHarness.request(.get, path, host: authority)) == probe)
    }

    @Test func namedHostsAndAnotherPathCanBeChosen() {
        let healthz = Healthz(path: "/status", answersNamedHosts: true)
        #expect(
            healthz.probe(for: MiddlewareHarness.request(.get, "/status?ready=1", host: "example.com")) == .readiness)
        #expect(healthz.probe(for: MiddlewareHarness.request(.get, "/healthz", host: "example.com")) == nil)
    }

    /// Sends `path` to `healthz` (on host `10.0.0.1`), built in a chain whose shutdown state is `shutdown`;
    /// answers with status and body.
    func probe(_ healthz: Healthz, _ path: String, shutdown: ShutdownState = ShutdownState()) async throws -> String {
        let harness = MiddlewareHarness()
        let environment = ChainEnvironment(
            runtime: harness.simulation.runtime, logger: harness.environment.logger, shutdown: shutdown)
        let handler = try healthz.wrap(Endpoint { _, _ in .text("next") }, in: environment)
        let response = try await handler.handle(
            MiddlewareHarness.request(.get, path, host: "10.0.0.1"), context: harness.context)
        return "\(response.status.code) \(try await response.text())"
    }

    @Test func livenessAndReadinessFollowTheirSettableStates() async throws {
        let healthz = Healthz()
        #expect(try await probe(healthz, "/healthz") == "200 OK")
        #expect(try await probe(healthz, "/healthz?ready=1") == "200 OK")
        #expect(try await probe(healthz, "/elsewhere") == "200 next")
        healthz.isHealthy = false
        #expect(try await probe(healthz, "/healthz") == "503 Service Unavailable")
        #expect(try await probe(healthz, "/healthz?ready=1") == "200 OK")
        healthz.isHealthy = true
        healthz.isReady = false
        #expect(try await probe(healthz, "/healthz") == "200 OK")
        #expect(try await probe(healthz, "/healthz?ready=1") == "503 Service Unavailable")
    }

    @Test(arguments: [true, false])
    func readinessFailsOnceShutdownBeginsWhetherOrNotItServedBefore(servedBefore: Bool) async throws {
        let healthz = Healthz()
        let shutdown = ShutdownState()
        if servedBefore {
            #expect(try await probe(healthz, "/healthz?ready=1", shutdown: shutdown) == "200 OK")
        }
        shutdown.begin()
        #expect(try await probe(healthz, "/healthz?ready=1", shutdown: shutdown) == "503 Service Unavailable")
        #expect(try await probe(healthz, "/healthz", shutdown: shutdown) == "200 OK")
    }

    @Test(arguments: [true, false])
    func aRealServersReadinessFailsDuringWaitBeforeShutdown(servedBefore: Bool) async throws {
        try await withTimeLimit(.seconds(20)) {
            var configuration = ServerConfiguration.general
            configuration.waitBeforeShutdown = .seconds(5)
            let server = try loopbackServer(configuration)
            server.use(Healthz())
            try await withRunningServer(server) { address in
                let probe = "GET /healthz?ready=1 HTTP/1.1\r\nHost: \(address)\r\n\r\n"
                if servedBefore {
                    let early = try await WireClient(to: address)
                    try await early.send(probe)
                    #expect(try await early.readResponse().status == 200)
                    await early.close()
                }
                server.shutdown()
                // Still accepting during waitBeforeShutdown, but no longer ready.
                let client = try await WireClient(to: address)
                try await client.send(probe)
                let readiness = try await client.readResponse()
                #expect(readiness.status == 503)
                #expect(readiness.body == "Service Unavailable")
                try await client.send("GET /healthz HTTP/1.1\r\nHost: \(address)\r\n\r\n")
                let liveness = try await client.readResponse()
                #expect(liveness.status == 200)
                #expect(liveness.body == "OK")
                await client.close()
            }
        }
    }
}
