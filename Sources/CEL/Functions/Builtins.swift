/// The standard library's functions by name. Each implementation receives the receiver (for method
/// calls) first and picks its overload from the argument kinds.
enum Builtins {
    static let functions: [String: FunctionImplementation] = {
        var table: [String: FunctionImplementation] = [
            "size": size,
            "contains": { args throws(EvaluationError) in
                let (text, part) = try strings(args, "contains")
                var haystack = text
                var needle = part
                return .bool(haystack.withUTF8 { h in needle.withUTF8 { n in containsBytes(h, n) } })
            },
            "startsWith": { args throws(EvaluationError) in
                let (text, prefix) = try strings(args, "startsWith")
                return .bool(text.utf8.starts(with: prefix.utf8))
            },
            "endsWith": { args throws(EvaluationError) in
                let (text, suffix) = try strings(args, "endsWith")
                return .bool(text.utf8.reversed().starts(with: suffix.utf8.reversed()))
            },
            "matches": { args throws(EvaluationError) in
                let (text, pattern) = try strings(args, "matches")
                return .bool(try CompiledPattern(pattern).matches(text))
            },
            "dyn": { args throws(EvaluationError) in try single(args, "dyn") },
            "type": { args throws(EvaluationError) in .type(try single(args, "type").type) },
        ]
        for (name, implementation) in Conversions.functions { table[name] = implementation }
        for (name, implementation) in TimeFunctions.functions { table[name] = implementation }
        return table
    }()

    static func single(_ args: [Value], _ name: String) throws(EvaluationError) -> Value {
        guard args.count == 1 else { throw EvaluationError("\(name)() takes one argument, not \(args.count)") }
        return args[0]
    }

    private static func size(_ args: [Value]) throws(EvaluationError) -> Value {
        switch try single(args, "size") {
        case .string(let s): return .int(Int64(s.unicodeScalars.count))
        case .bytes(let b): return .int(Int64(b.count))
        case .list(let items): return .int(Int64(items.count))
        case .map(let map): return .int(Int64(map.count))
        case let other: throw EvaluationError.noOverload("size", other)
        }
    }

    private static func strings(_ args: [Value], _ name: String) throws(EvaluationError) -> (String, String) {
        guard args.count == 2, case .string(let a) = args[0], case .string(let b) = args[1] else {
            throw EvaluationError(
                "no matching overload for '\(name)' applied to (\(args.map(\.type.name).joined(separator: ", ")))")
        }
        return (a, b)
    }

    /// Whether `needle` occurs in `haystack` as bytes (Knuth–Morris–Pratt: linear, so a hostile pair of
    /// strings costs no more than its length). Byte-wise, as CEL means it: no Unicode normalisation.
    static func containsBytes(_ haystack: UnsafeBufferPointer<UInt8>, _ needle: UnsafeBufferPointer<UInt8>) -> Bool {
        guard !needle.isEmpty else { return true }
        guard needle.count <= haystack.count else { return false }
        if needle.count <= 16 {
            // Short needles (nearly all): a direct scan, bounded by 16 × the text length.
            let first = needle[0]
            var start = 0
            while start <= haystack.count - needle.count {
                if haystack[start] == first {
                    var offset = 1
                    while offset < needle.count && haystack[start + offset] == needle[offset] { offset += 1 }
                    if offset == needle.count { return true }
                }
                start += 1
            }
            return false
        }
        var fallback = [0]
        var matched = 0
        for byte in needle.dropFirst() {
            while matched > 0 && needle[matched] != byte { matched = fallback[matched - 1] }
            if needle[matched] == byte { matched += 1 }
            fallback.append(matched)
        }
        matched = 0
        for byte in haystack {
            while matched > 0 && needle[matched] != byte { matched = fallback[matched - 1] }
            if needle[matched] == byte { matched += 1 }
            if matched == needle.count { return true }
        }
        return false
    }
}
