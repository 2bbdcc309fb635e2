import CEL
import Testing

@Suite("The module documentation's example")
struct DocumentationExampleTests {
    @Test func theOverviewExampleRunsAsShown() throws {
        var environment = Environment()
        environment.declare("request", as: .map(.string, .dyn))
        environment.expectedResultType = .bool
        let rule = try environment.compile("request.path.startsWith('/admin') && !(request.ip in ['10.0.0.1'])")
        let blocked = try rule.evaluate(["request": .map(try MapValue([
            (.string("path"), .string("/admin/users")),
            (.string("ip"), .string("192.0.2.7")),
        ]))])
        #expect(blocked == .bool(true))
        #expect(throws: CompileError.self) { try environment.compile("request.path + 1") }
    }
}
