import Testing

@testable import ParapetAuthn

@Suite("Strict JSON")
struct JSONValueTests {
    @Test("parses every kind of value, escapes and surrogate pairs included")
    func parses() throws {
        let value = try JSONValue.parse(
            Array(#" {"a":[1,-2.5e3,true,false,null],"b":"\u00e9\ud83d\ude00\n\/","c":{}} "#.utf8))
        #expect(value["a"] == .array([.number(1), .number(-2500), .bool(true), .bool(false), .null]))
        #expect(value["b"] == .string("é😀\n/"))
        #expect(value["c"] == .object([]))
    }

    @Test(
        "refuses what RFC 8259 or JOSE forbids",
        arguments: [
            #"{"a":1,"a":2}"#, #"{"a":1} x"#, #"{'a':1}"#, #"{"a":01}"#, #"{"a":1.}"#, #"{"a":"\ud800"}"#,
            #"{"a":"\x"}"#, "{\"a\":\"\u{1}\"}", #"[1,]"#, #"{"a":1,}"#, #"{"a" 1}"#, #"NaN"#, #"{"a":1e999}"#, "",
        ])
    func refuses(_ text: String) {
        #expect(throws: JSONParseError.self) { try JSONValue.parse(Array(text.utf8)) }
    }

    @Test("refuses invalid UTF-8 and nesting past the limit")
    func limits() {
        #expect(throws: JSONParseError.self) { try JSONValue.parse([0x22, 0xC3, 0x28, 0x22]) }
        #expect(throws: JSONParseError.tooDeep) {
            try JSONValue.parse(Array((String(repeating: "[", count: 40) + String(repeating: "]", count: 40)).utf8))
        }
        #expect(throws: JSONParseError.duplicateName("a")) { try JSONValue.parse(Array(#"{"a":1,"a":1}"#.utf8)) }
    }
}
