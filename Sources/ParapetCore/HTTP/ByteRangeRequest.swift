/// What a `Range` request field asks of a representation of `size` bytes (RFC 9110 §14.2), for a server
/// that answers single ranges: several ranges, another unit or a malformed field are ignored (the whole
/// representation is sent, which the RFC allows). The file server and the cache answer ranges with it.
package enum ByteRangeRequest: Equatable {
    /// Send everything (`200`).
    case whole
    /// Send these bytes (`206` with `Content-Range`).
    case partial(ClosedRange<Int64>)
    /// No byte of the representation is in range (`416` with `Content-Range: bytes */size`).
    case unsatisfiable

    package init(field: String?, size: Int64) {
        guard let field, field.hasPrefix("bytes="), !field.contains(",") else {
            self = .whole
            return
        }
        let spec = field.dropFirst("bytes=".count).trimmingWhitespace
        guard let dash = spec.firstIndex(of: "-") else {
            self = .whole
            return
        }
        let first = spec[..<dash]
        let last = spec[spec.index(after: dash)...]
        if first.isEmpty {
            // A suffix: the last N bytes.
            guard let count = Self.number(last) else {
                self = .whole
                return
            }
            self = count == 0 || size == 0 ? .unsatisfiable : .partial(max(0, size - count)...(size - 1))
            return
        }
        guard let start = Self.number(first) else {
            self = .whole
            return
        }
        let end: Int64
        if last.isEmpty {
            end = size - 1
        } else {
            guard let requested = Self.number(last), requested >= start else {
                self = .whole
                return
            }
            end = min(requested, size - 1)
        }
        self = start >= size ? .unsatisfiable : .partial(start...end)
    }

    /// A run of ASCII digits as a number; `nil` for anything else or an overflow.
    private static func number(_ text: Substring) -> Int64? {
        guard !text.isEmpty, text.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }) else {
            return nil
        }
        return Int64(text)
    }
}
