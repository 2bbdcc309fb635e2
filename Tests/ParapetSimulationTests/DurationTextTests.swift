import ParapetCore
import ParapetSimulation
import Testing

@Suite("DurationText")
struct DurationTextTests {
    @Test("parses number–unit sequences", arguments: [
        ("250ms", Duration.milliseconds(250)), ("1.5s", .milliseconds(1_500)), ("1m30s", .seconds(90)),
        ("2h", .seconds(7_200)), ("100us", .microseconds(100)), ("0", .zero), ("-2s", .seconds(-2)), ("0.25ms", .microseconds(250)),
    ])
    func parses(_ text: String, _ expected: Duration) throws {
        #expect(try DurationText.parse(text).get() == expected)
    }

    @Test("rejects malformed text with a message naming it", arguments: ["5", "fast", "5 parsecs", "1.2.3s", "", "ms"])
    func rejects(_ text: String) {
        guard case .failure(let problem) = DurationText.parse(text) else {
            Issue.record("\"\(text)\" parsed")
            return
        }
        #expect(!problem.description.isEmpty)
        if !text.isEmpty { #expect(problem.description.contains(text)) }
    }

    @Test("formats canonically and round-trips", arguments: [
        Duration.seconds(5_400), .milliseconds(250), .microseconds(1_500), .nanoseconds(7), .zero, .seconds(-3), .seconds(61),
    ])
    func roundTrips(_ duration: Duration) throws {
        #expect(try DurationText.parse(DurationText.format(duration)).get() == duration)
    }

    @Test func canonicalText() {
        #expect(DurationText.format(.seconds(5_400)) == "1h30m")
        #expect(DurationText.format(.milliseconds(250)) == "250ms")
        #expect(DurationText.format(.seconds(61)) == "1m1s")
    }
}
