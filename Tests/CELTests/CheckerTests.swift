import Testing

@testable import CEL

@Suite("CEL checker")
struct CheckerTests {
    private var environment: Environment {
        var environment = Environment()
        environment.declare("request", as: .map(.string, .dyn))
        environment.declare("count", as: .int)
        environment.declare("tags", as: .list(.string))
        return environment
    }

    private func typeError(_ source: String, in environment: Environment) throws -> TypeError {
        do {
            _ = try environment.compile(source)
            Issue.record("\(source) type-checked")
            throw CancellationError()
        } catch CompileError.type(let error) {
            return error
        }
    }

    @Test(
        "infers result types, with dyn where the declarations cannot tell",
        arguments: [
            ("count + 1", ValueType.int),
            ("tags.exists(t, t.startsWith('x'))", .bool),
            ("tags.map(t, size(t))", .list(.int)),
            ("request.path", .dyn),
            ("[1, 'a']", .list(.dyn)),
            ("{'a': 1u}", .map(.string, .uint)),
            ("count > 0 ? 'big' : 'small'", .string),
            ("timestamp('2009-02-13T23:31:30Z') - duration('1s')", .timestamp),
            ("type(count)", .type(.int)),
        ])
    func inference(source: String, type: ValueType) throws {
        #expect(try environment.compile(source).resultType == type)
    }

    @Test(
        "refuses what can never evaluate, naming line and column",
        arguments: [
            ("count + 'a'", "1:1", "no matching overload for '_+_' applied to (int, string)"),
            ("undeclared == 1", "1:1", "undeclared reference to 'undeclared'"),
            ("count > 0 &&\n  nope(1)", "2:3", "undeclared reference to function 'nope'"),
            ("count.field", "1:7", "does not support field selection"),
            ("tags.all(t, t)", "1:13", "predicate must be bool"),
            ("!'text'", "1:1", "no matching overload for '!_'"),
        ])
    func refusals(source: String, location: String, message: String) throws {
        let error = try typeError(source, in: environment)
        #expect(error.location.map { "\($0)" } == location, "\(error)")
        #expect(error.message.contains(message), "\(error)")
    }

    @Test("a rule that must be boolean is refused when its type is known to be something else")
    func expectedResultType() throws {
        var rules = environment
        rules.expectedResultType = .bool
        #expect(try typeError("count + 1", in: rules).message.contains("has type int, not bool"))
        _ = try rules.compile("request.method == 'POST'")
        _ = try rules.compile("request.blocked")  // dyn: decided at run time
    }

    @Test("comprehension variables shadow declared names")
    func shadowing() throws {
        #expect(try environment.compile("tags.map(count, count + 'x')").resultType == .list(.string))
    }
}
