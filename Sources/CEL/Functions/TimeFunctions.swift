import Foundation

/// The timestamp accessors (`getFullYear`, `getMonth`, … in UTC or a named or numeric time zone) and the
/// duration accessors (`getHours`, `getMinutes`, `getSeconds`, `getMilliseconds`).
enum TimeFunctions {
    static let functions: [String: FunctionImplementation] = [
        "getFullYear": calendar("getFullYear") { date, _ in date.year },
        "getMonth": calendar("getMonth") { date, _ in date.month - 1 },
        "getDate": calendar("getDate") { date, _ in date.day },
        "getDayOfMonth": calendar("getDayOfMonth") { date, _ in date.day - 1 },
        "getDayOfWeek": calendar("getDayOfWeek") { date, _ in date.dayOfWeek },
        "getDayOfYear": calendar("getDayOfYear") { date, _ in date.dayOfYear },
        "getHours": clock("getHours", timestamp: { date, _ in date.hour }, duration: { $0 / 3_600_000_000_000 }),
        "getMinutes": clock("getMinutes", timestamp: { date, _ in date.minute }, duration: { $0 / 60_000_000_000 }),
        "getSeconds": clock("getSeconds", timestamp: { date, _ in date.second }, duration: { $0 / 1_000_000_000 }),
        "getMilliseconds": clock(
            "getMilliseconds", timestamp: { _, nanos in nanos / 1_000_000 },
            duration: { $0 % 1_000_000_000 / 1_000_000 }),
    ]

    private typealias Field = @Sendable (CivilDate, Int) -> Int

    private static func calendar(_ name: String, _ field: @escaping Field) -> FunctionImplementation {
        { args throws(EvaluationError) in
            guard case .timestamp(let t) = args.first else {
                throw EvaluationError.noOverload(name, args.first ?? .null)
            }
            return .int(Int64(try components(t, args, name, field)))
        }
    }

    private static func clock(
        _ name: String, timestamp field: @escaping Field, duration part: @escaping @Sendable (Int128) -> Int128
    ) -> FunctionImplementation {
        { args throws(EvaluationError) in
            switch args.first {
            case .timestamp(let t): return .int(Int64(try components(t, args, name, field)))
            case .duration(let d) where args.count == 1: return .int(Int64(part(d.nanoseconds)))
            default: throw EvaluationError.noOverload(name, args.first ?? .null)
            }
        }
    }

    private static func components(_ t: TimestampValue, _ args: [Value], _ name: String, _ field: Field)
        throws(EvaluationError) -> Int
    {
        var offset = 0
        switch args.count {
        case 1: break
        case 2:
            guard case .string(let zone) = args[1] else { throw EvaluationError.noOverload(name, args[0], args[1]) }
            offset = try utcOffset(zone, at: t.seconds)
        default: throw EvaluationError("\(name)() takes at most one time zone")
        }
        return field(CivilDate(secondsSinceEpoch: t.seconds + Int64(offset)), t.nanosecondOfSecond)
    }

    /// Seconds east of UTC for `±HH:MM` (sign optional) or an IANA zone name, at the given instant.
    static func utcOffset(_ zone: String, at seconds: Int64) throws(EvaluationError) -> Int {
        let bytes = Array(zone.utf8)
        var body = bytes[...]
        var sign = 1
        if let first = body.first, first == UInt8(ascii: "+") || first == UInt8(ascii: "-") {
            sign = first == UInt8(ascii: "-") ? -1 : 1
            body = body.dropFirst()
        }
        if body.count == 5, body[body.startIndex + 2] == UInt8(ascii: ":"),
            let hours = Int(String(decoding: body.prefix(2), as: UTF8.self)),
            let minutes = Int(String(decoding: body.suffix(2), as: UTF8.self))
        {
            return sign * (hours * 3600 + minutes * 60)
        }
        guard let timeZone = TimeZone(identifier: zone) else { throw EvaluationError("unknown time zone '\(zone)'") }
        return timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(seconds)))
    }
}
