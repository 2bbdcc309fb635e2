import HTTPTypes
import Testing

@testable import ParapetCache

@Suite("Cache-Control parsing")
struct CacheControlTests {
    @Test func namesAreCaseInsensitiveAndArgumentsUnquoted() {
        let control = CacheControl(lines: ["Max-Age=60, nO-StOrE", "private=\"Set-Cookie, X-Secret\""])
        #expect(control.seconds("max-age") == .valid(60))
        #expect(control.contains("no-store"))
        #expect(control.fieldNames("private") == ["set-cookie", "x-secret"])
        #expect(!control.isUnqualified("private"))
    }
}

extension CacheControlTests {
    @Test func commasAndNamesInsideQuotesAreData() {
        let control = CacheControl(lines: ["extension=\"max-age=3600, public\", max-age=5"])
        #expect(control.seconds("max-age") == .valid(5))
        #expect(!control.contains("public"))
        #expect(control.argument("extension") == "max-age=3600, public")
    }

    @Test func malformedElementsAreSkippedAndTheRestKept() {
        let control = CacheControl(lines: ["=5, max-age = 7, \"quoted\", no-store, private=\"open", "public"])
        #expect(control.contains("no-store"))
        #expect(control.contains("public"))
        #expect(control.directives.map(\.name) == ["max-age", "no-store", "public"])
        #expect(control.seconds("max-age") == .valid(7))
    }

    @Test func aQuotedArgumentIsUnescapedByteByByte() {
        // Found by FuzzCacheDirectives: U+06DD before an escaped quote joins it into one Character.
        let control = CacheControl(lines: ["zne, ex=\"1\\\u{06DD}\\\"a, \\\"\u{0}b\\\"\""])
        #expect(control.argument("ex") == "1\u{06DD}\"a, \"\u{0}b\"")
        #expect(control.contains("zne"))
    }

    @Test func theFirstOccurrenceWins() {
        let control = CacheControl(lines: ["max-age=10", "max-age=20, MAX-AGE=30"])
        #expect(control.seconds("max-age") == .valid(10))
    }

    @Test func deltaSecondsAreDigitsOnlyAndCapped() {
        #expect(DeltaSeconds("003600") == .valid(3600))
        #expect(DeltaSeconds("99999999999999999999999") == .valid(DeltaSeconds.cap))
        for bad in ["-1", "1.5", "'5'", "", "5a", " 5"] {
            #expect(DeltaSeconds(bad) == .invalid, "\(bad)")
        }
        #expect(DeltaSeconds(nil) == .invalid)
        #expect(CacheControl(lines: ["max-age"]).seconds("max-age") == .invalid)
        #expect(CacheControl(lines: []).seconds("max-age") == .absent)
    }

    @Test func theAgeFieldIsTheFirstMemberOfTheFirstLine() {
        #expect(ResponseAge.ageField([.age: "30, 7200"]) == .seconds(30))
        #expect(ResponseAge.ageField([.age: "abc"]) == nil)
        #expect(ResponseAge.ageField([.age: "-5"]) == nil)
        var twoLines = HTTPFields()
        twoLines.append(HTTPField(name: .age, value: "7200"))
        twoLines.append(HTTPField(name: .age, value: "0"))
        #expect(ResponseAge.ageField(twoLines) == .seconds(7200))
    }
}
