import Testing

@testable import CEL

@Suite("CEL parser")
struct ParserTests {
    private func syntaxError(_ source: String, options: ParserOptions = ParserOptions()) throws -> SyntaxError {
        do {
            let expr = try Parser.parse(source, options: options)
            Issue.record("parsed \(source) into \(expr)")
            throw CancellationError()
        } catch let error as SyntaxError {
            return error
        }
    }

    @Test(
        "every syntax error names its line and column",
        arguments: [
            ("", "1:1", "expected an expression"),
            ("1 +", "1:4", "expected an expression"),
            ("'abc", "1:1", "unterminated string literal"),
            ("a.b\n  .c(1,", "2:8", "expected an expression"),
            ("x == '\\q'", "1:7", "invalid escape sequence"),
            ("'\\uD800'", "1:2", "not a valid code point"),
            ("b'\\u0041'", "1:3", "not allowed in bytes"),
            ("9223372036854775808", "1:1", "integer literal out of range"),
            ("-9223372036854775809", "1:2", "integer literal out of range"),
            ("18446744073709551616u", "1:1", "integer literal out of range"),
            ("if", "1:1", "reserved word"),
            ("a #", "1:3", "unexpected character '#'"),
            ("'line\nbreak'", "1:6", "newline in a single-quoted string"),
            ("[1].all(1, true)", "1:9", "simple variable name"),
            ("has(x)", "1:1", "has() needs a field selection"),
        ])
    func positions(source: String, location: String, message: String) throws {
        let error = try syntaxError(source)
        #expect("\(error.location)" == location, "\(error)")
        #expect(error.message.contains(message), "\(error)")
    }

    @Test("integer literals reach both ends of their ranges")
    func integerBounds() throws {
        #expect(try Parser.parse("-9223372036854775808").kind == .literal(.int(.min)))
        #expect(try Parser.parse("18446744073709551615u").kind == .literal(.uint(.max)))
        #expect(try Parser.parse("0xFFu").kind == .literal(.uint(255)))
        #expect(try Parser.parse("-0x10").kind == .literal(.int(-16)))
    }

    @Test("raw, triple-quoted and bytes literals decode as the language defines")
    func literals() throws {
        #expect(try Parser.parse(#"r'\n\x41'"#).kind == .literal(.string(#"\n\x41"#)))
        #expect(try Parser.parse("'''a\n'b'''").kind == .literal(.string("a\n'b")))
        #expect(try Parser.parse(#"b'\xff\377\x41'"#).kind == .literal(.bytes([0xFF, 0xFF, 0x41])))
        #expect(try Parser.parse(#"'\xff'"#).kind == .literal(.string("\u{FF}")))
        #expect(try Parser.parse(#""\U0001F431""#).kind == .literal(.string("🐱")))
    }

    @Test("reserved words serve as field and method names but not as variables")
    func reservedWords() throws {
        #expect(try Parser.parse("m.if").kind == .select(Expr(.identifier("m", isAbsolute: false), at: 0), field: "if"))
        _ = try Parser.parse("m.package() || m.`content-type`")
        #expect(try syntaxError("let + 1").message.contains("reserved word"))
    }

    @Test("nesting beyond the depth limit is refused, whether by brackets or by chained operators")
    func depthLimit() throws {
        let options = ParserOptions(maxDepth: 50)
        let parens = String(repeating: "(", count: 60) + "1" + String(repeating: ")", count: 60)
        #expect(try syntaxError(parens, options: options).message.contains("nests deeper than 50"))
        let chain = Array(repeating: "x", count: 60).joined(separator: " || ")
        #expect(try syntaxError(chain, options: options).message.contains("nests deeper than 50"))
        let negations = String(repeating: "!", count: 60) + "true"
        #expect(try syntaxError(negations, options: options).message.contains("nests deeper than 50"))
        _ = try Parser.parse(Array(repeating: "x", count: 40).joined(separator: " || "), options: options)
    }

    @Test("source beyond the size limit is refused before parsing")
    func sizeLimit() throws {
        let error = try syntaxError(
            String(repeating: "1+", count: 20) + "1", options: ParserOptions(maxSourceLength: 16))
        #expect(error.message.contains("over the limit of 16"))
    }

    @Test("macros expand into comprehensions, and can be switched off")
    func macros() throws {
        if case .comprehension(let loop) = try Parser.parse("[1].exists_one(i, v, v > i)").kind {
            #expect(loop.kind == .existsOne && loop.variable == "i" && loop.secondVariable == "v")
        } else {
            Issue.record("exists_one did not expand")
        }
        let plain = try Parser.parse("[1].all(x, x > 0)", options: ParserOptions(macros: false))
        if case .call(let function, _, let arguments) = plain.kind {
            #expect(function == "all" && arguments.count == 2)
        } else {
            Issue.record("all() expanded with macros off")
        }
    }
}
