// CEL source (Parser, Environment.compile, Program.evaluate): nothing parses, compiles or evaluates into a crash
// or a hang (depth, size and cost limits hold); a syntax error points inside the source; a program evaluates to
// the same outcome twice (it is reusable); checked and unchecked compilation agree on what evaluates.
import FuzzSupport

@testable import CEL

let bindings: [String: Value] = [
    "x": .int(7), "s": .string("héllo"), "b": .bytes([0, 255]), "l": .list([.int(1), .uint(2), .double(3)]),
    "m": .map(try! MapValue([(.string("k"), .string("v")), (.int(1), .bool(true))])),
]

fuzz { raw in
    var input = FuzzInput(raw)
    let macros = input.bool()
    let text = input.remainingText
    var environment = Environment()
    environment.parserOptions.macros = macros
    environment.costLimit = 20_000
    environment.container = "com.example"
    for (name, value) in bindings { environment.declare(name, as: value.type) }
    do throws(SyntaxError) {
        _ = try Parser.parse(text, options: environment.parserOptions)
    } catch {
        precondition(
            error.offset >= 0 && error.offset <= text.utf8.count, "error offset \(error.offset) outside the source")
        return
    }
    environment.checks = false
    guard let program = try? environment.compile(text) else {
        preconditionFailure("parsed but did not compile unchecked")
    }
    let first = Result { () throws(EvaluationError) in try program.evaluate(bindings) }
    let second = Result { () throws(EvaluationError) in try program.evaluate(bindings) }
    switch (first, second) {
    case (.success(let a), .success(let b)):
        precondition(a == b || "\(a)" == "\(b)", "re-evaluation changed \(a) to \(b)")
    case (.failure(let a), .failure(let b)):
        precondition(a == b, "re-evaluation changed error \(a) to \(b)")
    default:
        preconditionFailure("re-evaluation changed the outcome: \(first) then \(second)")
    }
    environment.checks = true
    _ = try? environment.compile(text)
}
