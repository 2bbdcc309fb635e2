extension Evaluator {
    /// Runs a macro's loop. `all`/`exists` stop at their deciding value and otherwise report the first
    /// error they skipped; `exists_one`, `map` and `filter` stop at the first error.
    mutating func comprehension(_ loop: Node.Loop) throws(EvaluationError) -> Value {
        let range = try evaluate(loop.range)
        var firstItems: [Value]
        var secondItems: [Value]?
        switch range {
        case .list(let items):
            firstItems = items
            if loop.secondSlot != nil {
                secondItems = items
                firstItems = items.indices.map { .int(Int64($0)) }
            }
        case .map(let map):
            firstItems = map.keys
            if loop.secondSlot != nil { secondItems = map.values }
        case let other:
            throw EvaluationError("cannot iterate over \(other.type.name)")
        }
        switch loop.kind {
        case .all, .exists:
            let deciding = loop.kind == .exists
            var pending: EvaluationError?
            for position in firstItems.indices {
                bind(loop, firstItems[position], secondItems?[position])
                do {
                    switch try evaluate(loop.body) {
                    case .bool(let value) where value == deciding: return .bool(deciding)
                    case .bool: break
                    case let other: pending = pending ?? .noOverload(deciding ? "exists" : "all", other)
                    }
                } catch  where !error.isLimit {
                    pending = pending ?? error
                }
            }
            if let pending { throw pending }
            return .bool(!deciding)
        case .existsOne:
            var count = 0
            for position in firstItems.indices {
                bind(loop, firstItems[position], secondItems?[position])
                if try test(loop.body) { count += 1 }
            }
            return .bool(count == 1)
        case .filter:
            var kept: [Value] = []
            for position in firstItems.indices {
                bind(loop, firstItems[position], secondItems?[position])
                if try test(loop.body) { kept.append(secondItems?[position] ?? firstItems[position]) }
            }
            return .list(kept)
        case .map:
            var mapped: [Value] = []
            for position in firstItems.indices {
                bind(loop, firstItems[position], secondItems?[position])
                if let filter = loop.filter, !(try test(filter)) { continue }
                mapped.append(try evaluate(loop.body))
            }
            return .list(mapped)
        case .transformMap:
            guard case .map = range else { throw EvaluationError("transformMap() needs a map") }
            var result = MapValue()
            for position in firstItems.indices {
                bind(loop, firstItems[position], secondItems?[position])
                if let filter = loop.filter, !(try test(filter)) { continue }
                try result.insert(firstItems[position], try evaluate(loop.body))
            }
            return .map(result)
        }
    }

    private mutating func bind(_ loop: Node.Loop, _ first: Value, _ second: Value?) {
        locals[loop.slot] = first
        if let slot = loop.secondSlot, let second { locals[slot] = second }
    }

    private mutating func test(_ predicate: Node) throws(EvaluationError) -> Bool {
        switch try evaluate(predicate) {
        case .bool(let value): return value
        case let other: throw EvaluationError("a macro's predicate returned \(other.type.name), not bool")
        }
    }
}
