/// Turns a parsed ``Expr`` into the ``Node`` tree the evaluator walks: comprehension variables become
/// slots, global names become their container-qualified candidates, calls are bound once.
struct Planner {
    let environment: Environment
    private var scopes: [(name: String, slot: Int)] = []
    private(set) var slotCount = 0

    init(environment: Environment) {
        self.environment = environment
    }

    mutating func plan(_ expr: Expr) -> Node {
        switch expr.kind {
        case .literal(let literal):
            return .constant(Value(literal))
        case .identifier(let name, let isAbsolute):
            if !isAbsolute, let local = scopes.last(where: { $0.name == name }) {
                return .local(local.slot)
            }
            return .variable(
                name, names: candidates(for: name, isAbsolute: isAbsolute),
                fallback: ValueType.denoted(by: name).map(Value.type))
        case .select(let operand, let field):
            var names: [String] = []
            if let (name, isAbsolute) = globalName(of: expr) {
                names = candidates(for: name, isAbsolute: isAbsolute)
            }
            return .select(plan(operand), field: field, names: names)
        case .presenceTest(let operand, let field):
            return .presenceTest(plan(operand), field: field)
        case .index(let operand, let index):
            return .index(plan(operand), plan(index))
        case .unary(let op, let operand):
            return .unary(op, plan(operand))
        case .binary(let op, let lhs, let rhs):
            return .binary(op, plan(lhs), plan(rhs))
        case .and(let lhs, let rhs):
            return .and(plan(lhs), plan(rhs))
        case .or(let lhs, let rhs):
            return .or(plan(lhs), plan(rhs))
        case .conditional(let condition, let then, let otherwise):
            return .conditional(plan(condition), plan(then), plan(otherwise))
        case .list(let items):
            let planned = items.map { plan($0) }
            var constants: [Value] = []
            for node in planned {
                guard case .constant(let value) = node else { return .list(planned) }
                constants.append(value)
            }
            return .constant(.list(constants))  // built once, not at every evaluation
        case .map(let entries):
            return .map(entries.map { plan($0.key) }, entries.map { plan($0.value) })
        case .message(let typeName, let fields):
            return .failure("unknown message type '\(typeName)'", fields.map { plan($0.value) })
        case .call(let function, let target, let arguments):
            return planCall(function, target: target, arguments: arguments)
        case .comprehension(let comprehension):
            return planLoop(comprehension)
        }
    }

    private mutating func planCall(_ function: String, target: Expr?, arguments: [Expr]) -> Node {
        var name = function.hasPrefix(".") ? String(function.dropFirst()) : function
        var operands = arguments
        if let target {
            if let (qualifier, _) = globalName(of: target), lookUp(qualifier + "." + function) != nil {
                name = qualifier + "." + function
            } else {
                operands.insert(target, at: 0)
            }
        }
        if name == "matches", operands.count == 2, case .literal(.string(let pattern)) = operands[1].kind {
            let text = plan(operands[0])  // once: planning it again on failure made chains exponential
            do {
                return .matches(text, try CompiledPattern(pattern))
            } catch {
                return .failure(error.message, [text])
            }
        }
        let planned = operands.map { plan($0) }
        guard let implementation = lookUp(name) else {
            return .failure("unbound function '\(name)'", planned)
        }
        return .call(Callee(name: name, implementation: implementation), planned)
    }

    private func lookUp(_ name: String) -> FunctionImplementation? {
        environment.functions[name]?.implementation ?? Builtins.functions[name]
    }

    private mutating func planLoop(_ comprehension: Expr.Comprehension) -> Node {
        let range = plan(comprehension.range)
        let saved = scopes.count
        let slot = scopes.count
        scopes.append((comprehension.variable, slot))
        var secondSlot: Int?
        if let second = comprehension.secondVariable {
            secondSlot = slot + 1
            scopes.append((second, slot + 1))
        }
        slotCount = max(slotCount, scopes.count)
        let loop = Node.Loop(
            kind: comprehension.kind, range: range, slot: slot, secondSlot: secondSlot,
            body: plan(comprehension.body), filter: comprehension.filter.map { plan($0) })
        scopes.removeLast(scopes.count - saved)
        return .comprehension(loop)
    }

    private func globalName(of expr: Expr) -> (String, isAbsolute: Bool)? {
        expr.globalName { name in scopes.contains { $0.name == name } }
    }

    private func candidates(for name: String, isAbsolute: Bool) -> [String] {
        let all = Planner.candidates(for: name, isAbsolute: isAbsolute, container: environment.container)
        return environment.checks ? all.filter { environment.declarations[$0] != nil } : all
    }

    /// `name` qualified by each enclosing namespace of the container, innermost first, then bare.
    static func candidates(for name: String, isAbsolute: Bool, container: String) -> [String] {
        guard !isAbsolute, !container.isEmpty else { return [name] }
        var result: [String] = []
        var namespace = Substring(container)
        while !namespace.isEmpty {
            result.append(namespace + "." + name)
            namespace = namespace.lastIndex(of: ".").map { namespace[..<$0] } ?? ""
        }
        result.append(name)
        return result
    }
}

extension Value {
    init(_ literal: Expr.Literal) {
        switch literal {
        case .null: self = .null
        case .bool(let b): self = .bool(b)
        case .int(let i): self = .int(i)
        case .uint(let u): self = .uint(u)
        case .double(let d): self = .double(d)
        case .string(let s): self = .string(s)
        case .bytes(let b): self = .bytes(b)
        }
    }
}

extension Expr {
    /// The dotted name an identifier/selection chain spells (`a.b.c`), unless its root is a local
    /// (comprehension) variable, which shadows every global, qualified or not.
    func globalName(isLocal: (String) -> Bool) -> (String, isAbsolute: Bool)? {
        switch kind {
        case .identifier(let name, let isAbsolute):
            if !isAbsolute, isLocal(name) { return nil }
            return (name, isAbsolute)
        case .select(let operand, let field):
            return operand.globalName(isLocal: isLocal).map { ($0.0 + "." + field, $0.isAbsolute) }
        default:
            return nil
        }
    }
}
