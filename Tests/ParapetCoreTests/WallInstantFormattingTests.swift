import ParapetCore
import Testing

@Suite("Wall-clock formatting")
struct WallInstantFormattingTests {
    @Test(arguments: [
        (Int64(0), "1970-01-01T00:00:00.000Z", "Thu, 01 Jan 1970 00:00:00 GMT"),
        (784_111_777, "1994-11-06T08:49:37.000Z", "Sun, 06 Nov 1994 08:49:37 GMT"),
        (951_782_400, "2000-02-29T00:00:00.000Z", "Tue, 29 Feb 2000 00:00:00 GMT"),
        (1_795_753_087, "2026-11-27T04:18:07.000Z", "Fri, 27 Nov 2026 04:18:07 GMT"),
        (-1, "1969-12-31T23:59:59.000Z", "Wed, 31 Dec 1969 23:59:59 GMT"),
        (4_107_542_399, "2100-02-28T23:59:59.000Z", "Sun, 28 Feb 2100 23:59:59 GMT"),
    ])
    func formatsKnownInstants(seconds: Int64, rfc3339: String, httpDate: String) {
        let instant = WallInstant(secondsSinceEpoch: seconds)
        #expect(instant.rfc3339 == rfc3339)
        #expect(instant.httpDate == httpDate)
    }

    @Test func keepsMilliseconds() {
        let instant = WallInstant(sinceEpoch: .seconds(1) + .milliseconds(7) + .microseconds(900))
        #expect(instant.rfc3339 == "1970-01-01T00:00:01.007Z")
    }
}

@Suite("HTTP-date parsing")
struct HTTPDateParsingTests {
    @Test(arguments: [Int64(0), 784_111_777, 951_782_400, 1_795_753_087, 4_107_542_399])
    func parsesWhatItFormats(seconds: Int64) {
        let instant = WallInstant(secondsSinceEpoch: seconds)
        #expect(WallInstant(httpDate: instant.httpDate) == instant)
    }

    @Test(arguments: [
        "", "Sunday, 06-Nov-94 08:49:37 GMT", "Sun Nov  6 08:49:37 1994", "Sun, 06 Nov 1994 08:49:37 UTC",
        "Sun, 6 Nov 1994 08:49:37 GMT", "Sun, 06 Foo 1994 08:49:37 GMT", "Sun, 06 Nov 1994 25:49:37 GMT",
        "Sun, 06 Nov 1994 08:49 GMT", "Sun, 32 Nov 1994 08:49:37 GMT", "Sun, 06 Nov 1994 08:49:37 GMT extra",
        // Signs are not digits (found by FuzzHTTPDate: "-024" parsed as year -24, which formats as "0-24").
        "Thu, 29 Feb -024 23:59:60 GMT", "Sun, 06 Nov +994 08:49:37 GMT", "Sun, +6 Nov 1994 08:49:37 GMT",
        "Sun, 06 Nov 1994 +8:49:37 GMT", "Sun, 06 Nov 1994 08:-9:37 GMT",
    ])
    func rejectsOtherForms(text: String) {
        #expect(WallInstant(httpDate: text) == nil)
    }
}
