/// Expands the standard macros while parsing: `has(m.f)` becomes a presence test and the list/map
/// macros become ``Expr/Comprehension`` loops. A call with another arity stays an ordinary call.
enum Macros {
    static func expand(_ function: String, target: Expr?, arguments: [Expr], at offset: Int) throws(MacroError) -> Expr?
    {
        guard let target else {
            guard function == "has", arguments.count == 1 else { return nil }
            guard case .select(let operand, let field) = arguments[0].kind else {
                throw MacroError(message: "has() needs a field selection such as has(m.f)", offset: offset)
            }
            return Expr(.presenceTest(operand, field: field), at: offset)
        }
        let kind: Expr.Comprehension.Kind
        var variables = 1
        var hasFilter = false
        switch (function, arguments.count) {
        case ("all", 2): kind = .all
        case ("all", 3): (kind, variables) = (.all, 2)
        case ("exists", 2): kind = .exists
        case ("exists", 3): (kind, variables) = (.exists, 2)
        case ("exists_one", 2), ("existsOne", 2): kind = .existsOne
        case ("exists_one", 3), ("existsOne", 3): (kind, variables) = (.existsOne, 2)
        case ("map", 2): kind = .map
        case ("map", 3): (kind, hasFilter) = (.map, true)
        case ("filter", 2): kind = .filter
        case ("transformList", 3): (kind, variables) = (.map, 2)
        case ("transformList", 4): (kind, variables, hasFilter) = (.map, 2, true)
        case ("transformMap", 3): (kind, variables) = (.transformMap, 2)
        case ("transformMap", 4): (kind, variables, hasFilter) = (.transformMap, 2, true)
        default: return nil
        }
        var names: [String] = []
        for argument in arguments.prefix(variables) {
            guard case .identifier(let name, isAbsolute: false) = argument.kind else {
                throw MacroError(
                    message: "\(function)() needs a simple variable name as its argument", offset: argument.offset)
            }
            names.append(name)
        }
        if variables == 2, names[0] == names[1] {
            throw MacroError(message: "\(function)() needs two different variable names", offset: offset)
        }
        let rest = Array(arguments.dropFirst(variables))
        let comprehension = Expr.Comprehension(
            kind: kind, range: target, variable: names[0], secondVariable: variables == 2 ? names[1] : nil,
            body: rest[rest.count - 1], filter: hasFilter ? rest[0] : nil)
        return Expr(.comprehension(comprehension), at: offset)
    }
}

/// A misused macro, reported by the parser with its line and column.
struct MacroError: Error {
    var message: String
    var offset: Int
}
