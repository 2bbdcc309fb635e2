import Foundation
import Testing

@testable import CEL

@Suite("CEL evaluation")
struct EvaluationTests {
    private func evaluate(_ source: String, _ bindings: [String: Value] = [:], costLimit: Int = 1_000_000) throws
        -> Value
    {
        var environment = Environment()
        environment.checks = false
        environment.costLimit = costLimit
        return try environment.compile(source).evaluate(bindings)
    }

    private func failure(_ source: String, _ bindings: [String: Value] = [:], costLimit: Int = 1_000_000) throws
        -> EvaluationError
    {
        do {
            let value = try evaluate(source, bindings, costLimit: costLimit)
            Issue.record("\(source) evaluated to \(value)")
            throw CancellationError()
        } catch let error as EvaluationError {
            return error
        }
    }

    @Test("&& and || absorb an error on either side when the other side decides")
    func commutativeShortCircuit() throws {
        #expect(try evaluate("false && 1 / 0 == 1") == .bool(false))
        #expect(try evaluate("1 / 0 == 1 && false") == .bool(false))
        #expect(try evaluate("true || {}['missing']") == .bool(true))
        #expect(try evaluate("{}['missing'] || true") == .bool(true))
        #expect(try failure("1 / 0 == 1 && true").message == "divide by zero")
        #expect(try failure("'a' || false").message.contains("no matching overload"))
    }

    @Test("strings compare, contain and key maps by code points, never normalised")
    func noNormalisation() throws {
        #expect(try evaluate("'e\\u0301'.contains('e')") == .bool(true))
        #expect(try evaluate("{'\\u00e9': 1, 'e\\u0301': 2}['e\\u0301']") == .int(2))
        #expect(try evaluate("'abababc'.contains('ababc') && !'abab'.contains('abc')") == .bool(true))
        let long = String(repeating: "ab", count: 20)
        #expect(
            try evaluate("('x' + l + 'c').contains(l + 'c') && !(l + l).contains(l + 'c')", ["l": .string(long)])
                == .bool(true))
        #expect(try evaluate("'\\u00e9' == 'e\\u0301'") == .bool(false))
    }

    @Test("int arithmetic that leaves 64 bits is an error, not a wrap")
    func overflow() throws {
        #expect(try failure("9223372036854775807 + 1") == .overflow)
        #expect(try failure("-9223372036854775808 % -1") == .overflow)
        #expect(try failure("0u - 1u") == .overflow)
        #expect(try evaluate("9223372036854775807 - 1") == .int(.max - 1))
    }

    @Test(
        "hostile expressions stop at the cost limit with a limit error that nothing absorbs",
        arguments: [
            "l.map(a, l.map(b, l.map(c, l.map(d, l.map(e, l.map(f, a + b))))))",
            "l.map(a, l.map(b, l.map(c, l.map(d, s + s + s + s))))",
            "l.exists(a, l.exists(b, l.exists(c, l.exists(d, l.exists(e, l.exists(f, false)))))) || true",
            "l.all(a, l.all(b, l.all(c, l.all(d, l.all(e, l.all(f, true)))))) && false",
        ])
    func costLimit(source: String) throws {
        let list = Value.list((0..<12).map { .int($0) })
        let bindings: [String: Value] = ["l": list, "s": .string(String(repeating: "x", count: 100_000))]
        let error = try failure(source, bindings)
        #expect(error.isLimit, "\(error)")
    }

    @Test("a caller's stop condition, asked as the evaluation runs, ends it with a limit error")
    func stopCondition() throws {
        var environment = Environment()
        environment.declare("l", as: .list(.int))
        let program = try environment.compile("l.all(a, l.all(b, l.all(c, a + b + c >= 0)))")
        let list = Value.list((0..<40).map { .int($0) })
        var asked = 0
        do {
            let value = try program.evaluate(["l": list]) {
                asked += 1
                return asked == 3
            }
            Issue.record("evaluated to \(value)")
        } catch {
            #expect(error.isLimit && error.message.contains("time limit"))
        }
        #expect(asked == 3)
        #expect(try program.evaluate(["l": list]) { false } == .bool(true))
    }

    @Test("a pattern RE2 would refuse is refused; matches() searches anywhere, by code point")
    func regularExpressions() throws {
        #expect(try failure("'aa'.matches('(a)\\\\1')").message.contains("backreference"))
        #expect(try failure("'ab'.matches('a(?=b)')").message.contains("lookaround"))
        #expect(try failure("'ab'.matches('(')").message.contains("invalid regular expression"))
        #expect(try failure("'x'.matches('\\\\p{Greek}')").message.contains("not supported"))
    }

    @Test("a chain of matches() with invalid patterns plans in linear time (FuzzCEL found it exponential)")
    func invalidPatternChain() throws {
        let chain = "s" + String(repeating: ".matches('[')", count: 40)
        #expect(try failure(chain, ["s": .string("x")]).message.contains("invalid regular expression"))
    }

    @Test("the pattern on which FuzzCEL found Swift's Regex parser hanging is refused at once")
    func fuzzTimeout() throws {
        let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent(
                "Fuzz/Corpus/FuzzCEL/timeout-swift-regex-parser-unterminated-class")
        let bytes = try #require(FileManager.default.contents(atPath: file.path))
        let source = String(decoding: bytes.dropFirst(), as: UTF8.self)  // the first byte is the harness's flag
        let error = try failure(source, ["s": .string("héllo")])
        #expect(error.message.contains("invalid regular expression"), "\(error)")
        #expect(try evaluate("'xx🐱yy'.matches('^xx.yy$')") == .bool(true))
        #expect(try evaluate("'hubba'.matches('ubb')") == .bool(true))
        #expect(try evaluate("s.matches(p)", ["s": .string("abc"), "p": .string("b+")]) == .bool(true))
    }

    @Test("timestamps read in time zones by name and by offset")
    func timeZones() throws {
        let stamp = "timestamp('2009-02-13T23:31:30Z')"
        #expect(try evaluate("\(stamp).getHours('Asia/Kathmandu')") == .int(5))
        #expect(try evaluate("\(stamp).getHours('-02:30')") == .int(21))
        #expect(try evaluate("\(stamp).getDayOfWeek()") == .int(5))
        #expect(try failure("\(stamp).getHours('Mars/Olympus')").message.contains("unknown time zone"))
        #expect(try evaluate("string(\(stamp) - duration('1h30m'))") == .string("2009-02-13T22:01:30Z"))
    }

    @Test("a compiled program is reused concurrently with different bindings")
    func concurrentReuse() async throws {
        var environment = Environment()
        environment.declare("x", as: .string)
        let program = try environment.compile("x.startsWith('a') ? size(x) : -size(x)")
        let results = try await withThrowingTaskGroup(of: (Int, Value).self) { group in
            for n in 0..<64 {
                group.addTask {
                    let text = (n.isMultiple(of: 2) ? "a" : "b") + String(repeating: "z", count: n)
                    return (n, try program.evaluate(["x": .string(text)]))
                }
            }
            var collected: [Int: Value] = [:]
            for try await (n, value) in group { collected[n] = value }
            return collected
        }
        for n in 0..<64 {
            #expect(results[n] == .int(Int64(n.isMultiple(of: 2) ? n + 1 : -(n + 1))))
        }
    }

    @Test("expressions at the depth limit evaluate without exhausting a task's stack")
    func deepExpressions() throws {
        let depth = ParserOptions().maxDepth - 5
        let parens = String(repeating: "(", count: depth) + "1" + String(repeating: ")", count: depth)
        #expect(try evaluate(parens) == .int(1))
        let lists = String(repeating: "[", count: depth / 2) + "1" + String(repeating: "]", count: depth / 2)
        #expect(try evaluate("size(\(lists))") == .int(1))
        let sum = Array(repeating: "1", count: depth).joined(separator: " + ")
        #expect(try evaluate(sum) == .int(Int64(depth)))
    }

    @Test("functions added to the environment are checked and called")
    func customFunctions() throws {
        var environment = Environment()
        environment.declare("name", as: .string)
        environment.define(
            Function("shout", parameters: [.string], result: .string) { args throws(EvaluationError) in
                guard case .string(let text) = args[0] else { throw EvaluationError("shout needs a string") }
                return .string(text.uppercased() + "!")
            })
        #expect(try environment.compile("shout(name)").evaluate(["name": .string("hi")]) == .string("HI!"))
        #expect(throws: CompileError.self) { try environment.compile("shout(1)") }
    }
}

@Suite("CEL linear regular expressions")
struct LinearRegexTests {
    @Test(
        "agrees with the expected RE2 answers",
        arguments: [
            ("ubb", "hubba", true), ("^hub", "hubba", true), ("^ubb", "hubba", false), ("ba$", "hubba", true),
            ("gr(a|e)y", "grey", true), ("ba(na)*$", "banana", true), ("(?i)UNION.*select", "x union all SELECT", true),
            ("[<>]|%3[cC]", "a%3Cb", true), ("[^a-z]", "abc", false), ("\\d{3}-\\d{4}", "call 555-1234", true),
            ("\\bcat\\b", "concat", false), ("\\bcat\\b", "a cat!", true), ("a{2,3}", "ba", false),
            ("a.c", "a\nc", false),
            ("(?s)a.c", "a\nc", true), ("(?m)^b", "a\nb", true), ("^b", "a\nb", false), ("(a|😀){2}", "🐱😀😀", true),
            ("", "", true), ("x*", "", true), ("(?i)straße", "STRAßE", true), ("\\.php$", "/index.php", true),
            ("(?P<word>\\w+)@", "me@example", true), ("[\\d\\s]+x", "1 2 x", true), ("a{,2}", "a{,2}", true),
        ])
    func answers(pattern: String, text: String, expected: Bool) throws {
        #expect(try LinearRegex(pattern).search(text) == expected, "\(pattern) on \(text)")
    }

    @Test("a pattern that makes a backtracking engine take exponential time runs in linear time")
    func pathological() throws {
        let regex = try LinearRegex("(a+)+$")
        #expect(regex.search(String(repeating: "a", count: 5_000) + "!") == false)
        let nested = try LinearRegex("(x*)*(x*)*(x*)*y")
        #expect(nested.search(String(repeating: "x", count: 2_000)) == false)
    }

    @Test("syntax outside the linear engine is reported, so matches() can fall back or refuse")
    func unsupported() {
        #expect(throws: LinearRegex.Unsupported.self) { try LinearRegex("\\p{Greek}") }
        #expect(throws: LinearRegex.Unsupported.self) { try LinearRegex("a(?=b)") }
        #expect(throws: LinearRegex.Unsupported.self) { try LinearRegex("a{1001}") }
        #expect(throws: LinearRegex.Unsupported.self) { try LinearRegex("(ab") }
    }
}
