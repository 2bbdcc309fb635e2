import ParapetCore
import Testing

@Suite("Server configuration profiles")
struct ServerConfigurationTests {
    @Test func generalProfileDefaults() {
        let general = ServerConfiguration.general
        #expect(general.idleTimeout == .seconds(620))
        #expect(general.tcpKeepAlive == .seconds(180))
        #expect(general.graceTimeout == .seconds(30))
        #expect(general.waitBeforeShutdown == .seconds(10))
        #expect(general.readTimeout == nil && general.writeTimeout == nil)
        #expect(general.readHeaderTimeout == .seconds(60))
        #expect(general.tunnelIdleTimeout == .seconds(620))
        #expect(general.bodyIdleTimeout == .seconds(60))
        #expect(general.maxConnections == 10_000)
        #expect(general.trustedProxies == .privateAndLoopback)
        #expect(!general.allowsH2C)
        #expect(general.maxHeaderBytes == 1 << 20)
        #expect(!general.reusePort)
    }

    @Test func frontendProfileDefaults() {
        let frontend = ServerConfiguration.frontend
        #expect(frontend.readHeaderTimeout == .seconds(10))
        #expect(frontend.readTimeout == .seconds(60))
        #expect(frontend.writeTimeout == .seconds(60))
        #expect(frontend.idleTimeout == .seconds(75))
        #expect(frontend.tcpKeepAlive == .seconds(60))
        #expect(frontend.tunnelIdleTimeout == .seconds(300))
        #expect(frontend.bodyIdleTimeout == .seconds(60))
        #expect(frontend.maxConnections == 10_000)
        #expect(frontend.graceTimeout == .seconds(30))
        #expect(frontend.waitBeforeShutdown == .seconds(10))
        #expect(frontend.trustedProxies == .none)
        #expect(!frontend.allowsH2C)
    }

    @Test func backendProfileIsGeneralWithH2C() {
        var backend = ServerConfiguration.backend
        #expect(backend.allowsH2C)
        backend.allowsH2C = false
        #expect(backend == .general)
    }

    @Test func bindParsesGoStyleAddresses() throws {
        var configuration = ServerConfiguration.general
        try configuration.bind(to: ":9000")
        #expect(configuration.host == "0.0.0.0" && configuration.port == 9000)
        try configuration.bind(to: "127.0.0.1:0")
        #expect(configuration.host == "127.0.0.1" && configuration.port == 0)
        try configuration.bind(to: "[::1]:443")
        #expect(configuration.host == "::1" && configuration.port == 443)
        try configuration.bind(to: "localhost:80")
        #expect(configuration.host == "localhost")
        for bad in ["8080", ":http", "example.com:80", "1.2.3.4:70000", ""] {
            #expect(throws: ConfigurationError.self, "\(bad)") { try configuration.bind(to: bad) }
        }
    }

    @Test func validationNamesTheBadField() {
        var configuration = ServerConfiguration.frontend
        configuration.idleTimeout = .seconds(-1)
        #expect(throws: ConfigurationError.invalidValue(field: "idleTimeout", reason: "must not be negative, got -1.0 seconds")) {
            try configuration.validate()
        }
        configuration = .general
        configuration.port = 70_000
        #expect(throws: ConfigurationError.self) { try configuration.validate() }
        configuration = .general
        configuration.maxHeaderBytes = 0
        do {
            try configuration.validate()
            Issue.record("expected an error")
        } catch {
            #expect(error.description.contains("maxHeaderBytes"))
        }
        configuration = .general
        configuration.maxConnections = 0
        #expect(throws: ConfigurationError.invalidValue(field: "maxConnections", reason: "must be positive, got 0")) {
            try configuration.validate()
        }
        configuration.maxConnections = nil  // no cap
        #expect(throws: Never.self) { try configuration.validate() }
        configuration.tunnelIdleTimeout = .seconds(-1)
        #expect(throws: ConfigurationError.self) { try configuration.validate() }
        configuration = .general
        configuration.bodyIdleTimeout = .seconds(-1)
        #expect(throws: ConfigurationError.invalidValue(field: "bodyIdleTimeout", reason: "must not be negative, got -1.0 seconds")) {
            try configuration.validate()
        }
        #expect(throws: Never.self) { try ServerConfiguration.backend.validate() }
    }
}
