import ParapetCore
import Testing

@Suite("ConfigurationCheck: every broken rule named, in one error")
struct ConfigurationCheckTests {
    @Test func nothingBrokenThrowsNothing() {
        var check = ConfigurationCheck()
        check.atLeast(1, 1, "a")
        check.positive(.seconds(1), "b")
        check.nonNegative(nil, "c")
        check.within(1...128, 128, "d")
        #expect(check.problems.isEmpty)
        #expect(throws: Never.self) { try check.result() }
    }

    @Test func oneBrokenRuleIsThrownAsItself() {
        var check = ConfigurationCheck()
        check.atLeast(1, 0, "maxFails")
        #expect(throws: ConfigurationError.invalidValue(field: "maxFails", reason: "must be at least 1, got 0")) {
            try check.result()
        }
    }

    @Test func severalBrokenRulesAreAllNamedInTheOrderChecked() {
        var check = ConfigurationCheck()
        check.atLeast(1, 0, "maxFails")
        check.positive(.zero, "ejectTimeout")
        check.nonNegative(-5, "maxIdle")
        check.within(1...128, 129, "ipv6PrefixLength")
        check.require(false, "host", "must name an address to bind")
        let expected: [ConfigurationError] = [
            .invalidValue(field: "maxFails", reason: "must be at least 1, got 0"),
            .invalidValue(field: "ejectTimeout", reason: "must be positive, got 0.0 seconds"),
            .invalidValue(field: "maxIdle", reason: "must not be negative, got -5"),
            .invalidValue(field: "ipv6PrefixLength", reason: "must be between 1 and 128, got 129"),
            .invalidValue(field: "host", reason: "must name an address to bind"),
        ]
        #expect(check.problems == expected)
        #expect(throws: ConfigurationError.several(expected)) { try check.result() }
        #expect(ConfigurationError.several(Array(expected.prefix(2))).description
            == "2 configuration problems: invalid maxFails: must be at least 1, got 0; "
            + "invalid ejectTimeout: must be positive, got 0.0 seconds")
    }

    @Test func aServerConfigurationNamesEveryBadField() {
        var configuration = ServerConfiguration.general
        configuration.port = 70_000
        configuration.maxConnections = 0
        configuration.http2.maxConcurrentStreams = 0
        #expect(throws: ConfigurationError.several([
            .invalidValue(field: "port", reason: "70000 is outside 0...65535"),
            .invalidValue(field: "maxConnections", reason: "must be positive, got 0"),
            .invalidValue(field: "http2.maxConcurrentStreams", reason: "must be between 1 and 2147483647, got 0"),
        ])) {
            try configuration.validate()
        }
    }
}
