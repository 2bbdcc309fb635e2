import CEL
import Foundation
import Testing

/// Runs every case of the CEL conformance suite that needs no protobuf messages
/// (`cases.json`, converted from google/cel-spec `tests/simple/testdata`) and holds the pass count at
/// its floor, so a regression fails. Every failing case, with its reason, goes to a report file.
@Suite("CEL conformance")
struct ConformanceTests {
    /// Cases passing today. The two failing ones expect a backslash in `b''' ? " ' ` '''` that the
    /// source does not contain (a conversion slip in the file): they are left failing on purpose.
    static let floor = 1_136

    static var casesPath: String {
        ProcessInfo.processInfo.environment["CEL_CONFORMANCE_CASES"]
            ?? URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Conformance/cel/cases.json").path
    }

    static var reportPath: String {
        ProcessInfo.processInfo.environment["CEL_CONFORMANCE_REPORT"]
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("cel-conformance-failures.txt").path
    }

    @Test("the suite passes at least its floor")
    func suite() throws {
        let data = try #require(FileManager.default.contents(atPath: Self.casesPath), "missing \(Self.casesPath)")
        let root = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let cases = try #require(root["cases"] as? [[String: Any]]).filter { ($0["needs_proto"] as? Bool) != true }
        var failures: [String] = []
        for testCase in cases {
            if let reason = Self.run(testCase) {
                failures.append("\(testCase["id"] as? String ?? "?"): \(reason)")
            }
        }
        let passed = cases.count - failures.count
        let report = "passed \(passed) of \(cases.count)\n" + failures.joined(separator: "\n") + "\n"
        try report.write(toFile: Self.reportPath, atomically: true, encoding: .utf8)
        print("CEL conformance: passed \(passed) of \(cases.count); failures in \(Self.reportPath)")
        #expect(cases.count == 1138)
        #expect(passed >= Self.floor, "passed \(passed) of \(cases.count); see \(Self.reportPath)")
    }

    /// Nil when the case passes, else why not.
    static func run(_ testCase: [String: Any]) -> String? {
        var environment = Environment()
        environment.container = testCase["container"] as? String ?? ""
        environment.checks = (testCase["disable_check"] as? Bool) != true
        environment.parserOptions.macros = (testCase["disable_macros"] as? Bool) != true
        for declaration in testCase["type_env"] as? [[String: Any]] ?? [] {
            guard let name = declaration["name"] as? String, let typeName = declaration["type"] as? String,
                let type = ValueType(parsing: typeName)
            else { return "unreadable declaration \(declaration)" }
            environment.declare(name, as: type)
        }
        var bindings: [String: Value] = [:]
        for (name, encoded) in testCase["bindings"] as? [String: Any] ?? [:] {
            guard let value = decode(encoded) else { return "unreadable binding \(name)" }
            bindings[name] = value
        }
        let expected = testCase["expected"] as? [String: Any] ?? [:]
        let outcome: Result<Value, any Error>
        do {
            let program = try environment.compile(testCase["expr"] as? String ?? "")
            outcome = .success(try program.evaluate(bindings))
        } catch {
            outcome = .failure(error)
        }
        switch (outcome, expected["value"]) {
        case (.success(let value), let encoded?):
            guard let want = decode(encoded) else { return "unreadable expected value" }
            return identical(value, want) ? nil : "got \(value), want \(want)"
        case (.failure(let error), _?):
            return "failed: \(error)"
        case (.success(let value), nil):
            return "got \(value), want an error \(expected["error"] ?? "")"
        case (.failure, nil):
            return nil
        }
    }

    /// Same kind and same value (doubles bit-for-bit apart from NaN; maps regardless of order).
    static func identical(_ a: Value, _ b: Value) -> Bool {
        switch (a, b) {
        case (.int(let x), .int(let y)): return x == y
        case (.uint(let x), .uint(let y)): return x == y
        case (.double(let x), .double(let y)): return (x.isNaN && y.isNaN) || (x == y && x.sign == y.sign)
        case (.list(let x), .list(let y)): return x.count == y.count && zip(x, y).allSatisfy { identical($0, $1) }
        case (.map(let x), .map(let y)):
            return x.count == y.count
                && zip(x.keys, x.values).allSatisfy { key, value in
                    y.keys.contains { identical($0, key) } && y[key].map { identical($0, value) } == true
                }
        case (.int, _), (.uint, _), (.double, _), (.list, _), (.map, _): return false
        default: return a == b
        }
    }

    /// A value in the file's JSON form: `{"int": "17"}`, `{"bytes": "<base64>"}`, `{"map": [[k, v], …]}`.
    static func decode(_ encoded: Any) -> Value? {
        guard let object = encoded as? [String: Any], let (kind, payload) = object.first else { return nil }
        switch kind {
        case "null": return .null
        case "bool": return (payload as? Bool).map(Value.bool)
        case "int": return (payload as? String).flatMap { Int64($0) }.map(Value.int)
        case "uint": return (payload as? String).flatMap { UInt64($0) }.map(Value.uint)
        case "double":
            if let text = payload as? String {
                switch text {
                case "Infinity": return .double(.infinity)
                case "-Infinity": return .double(-.infinity)
                case "NaN": return .double(.nan)
                default: return Double(text).map(Value.double)
                }
            }
            return (payload as? NSNumber).map { .double($0.doubleValue) }
        case "string": return (payload as? String).map(Value.string)
        case "bytes": return (payload as? String).flatMap { Data(base64Encoded: $0) }.map { .bytes(Array($0)) }
        case "list":
            guard let items = payload as? [Any] else { return nil }
            var values: [Value] = []
            for item in items {
                guard let value = decode(item) else { return nil }
                values.append(value)
            }
            return .list(values)
        case "map":
            guard let entries = payload as? [[Any]] else { return nil }
            var pairs: [(Value, Value)] = []
            for entry in entries {
                guard entry.count == 2, let key = decode(entry[0]), let value = decode(entry[1]) else { return nil }
                pairs.append((key, value))
            }
            return (try? MapValue(pairs)).map(Value.map)
        case "type":
            return (payload as? String).flatMap { ValueType(parsing: $0) }.map(Value.type)
        case "duration":
            return (payload as? String).flatMap { try? DurationValue(parsing: $0) }.map(Value.duration)
        case "timestamp":
            return (payload as? String).flatMap { try? TimestampValue(parsing: $0) }.map(Value.timestamp)
        default:
            return nil
        }
    }
}
