public import HTTPTypes
import ParapetCore

/// The directives of a message's `Cache-Control` field lines (RFC 9111 §5.2), parsed once.
///
/// Names are case-insensitive; an argument is a token or a quoted string, so a comma or a directive name
/// inside quotes is data. Elements that do not parse are skipped; a repeated directive keeps its first
/// occurrence, which RFC 9111 §4.2.1 allows.
///
/// ```swift
/// let control = CacheControl(response.headerFields)
/// control.contains("no-store")                 // false
/// control.seconds("s-maxage")                  // .valid(60) for `s-maxage=60`
/// control.fieldNames("no-cache")               // ["set-cookie"] for `no-cache="Set-Cookie"`
/// ```
public struct CacheControl: Sendable, Hashable {
    /// One directive: its lowercased name and its argument, unquoted, if it has one.
    public struct Directive: Sendable, Hashable {
        /// The directive's name, lowercased.
        public var name: String
        /// The argument after `=`, with quotes and escapes removed; `nil` when there is none.
        public var argument: String?

        package init(name: String, argument: String?) {
            self.name = name
            self.argument = argument
        }
    }

    /// The directives in the order they appear, first occurrences only.
    public private(set) var directives: [Directive] = []

    /// The directives of every `Cache-Control` line of `fields`.
    public init(_ fields: HTTPFields) {
        self.init(lines: fields[values: .cacheControl])
    }

    /// The directives of `lines`, the values of one message's `Cache-Control` field lines in order.
    public init(lines: [String]) {
        var seen: Set<String> = []
        for line in lines {
            var scanner = ListScanner(line)
            while let element = scanner.nextElement() {
                guard case .directive(let directive) = element, seen.insert(directive.name).inserted else { continue }
                directives.append(directive)
            }
        }
    }

    /// Directives read back from a store.
    package init(directives: [Directive], isTargeted: Bool) {
        self.directives = directives
        self.isTargeted = isTargeted
    }

    /// Whether the directives came from a targeted field (RFC 9213) rather than `Cache-Control`: a
    /// response's `Expires` is then ignored too.
    public private(set) var isTargeted = false

    /// The directives a response gives this cache: those of the first field in `targets` (such as
    /// `CDN-Cache-Control`, RFC 9213) holding a valid, non-empty Structured Field Dictionary, else those
    /// of its `Cache-Control`.
    public init(response fields: HTTPFields, targets: [HTTPField.Name]) {
        for target in targets {
            let lines = fields[values: target]
            guard !lines.isEmpty, let dictionary = StructuredDictionary(lines: lines),
                !dictionary.members.isEmpty, let directives = Self.directives(of: dictionary)
            else { continue }
            self.init(lines: [])
            self.directives = directives
            isTargeted = true
            return
        }
        self.init(fields)
    }

    /// A targeted field's members as directives; `nil` when one that takes delta-seconds has a value of
    /// another type, which makes the field unusable.
    private static func directives(of dictionary: StructuredDictionary) -> [Directive]? {
        var directives: [Directive] = []
        for (key, value) in dictionary.members {
            let takesSeconds = ["max-age", "s-maxage", "stale-while-revalidate", "stale-if-error"].contains(key)
            switch value {
            case .boolean(true) where !takesSeconds:
                directives.append(Directive(name: key, argument: nil))
            case .boolean(false) where !takesSeconds:
                continue
            case .integer(let number):
                directives.append(Directive(name: key, argument: String(number)))
            case .string(let text) where !takesSeconds, .token(let text) where !takesSeconds:
                directives.append(Directive(name: key, argument: text))
            default:
                guard !takesSeconds else { return nil }
            }
        }
        return directives
    }

    /// Whether the directive `name` (lowercased) is present.
    public func contains(_ name: String) -> Bool {
        directives.contains { $0.name == name }
    }

    /// The argument of `name` (lowercased), or `nil` when the directive is absent or has none.
    public func argument(_ name: String) -> String? {
        directives.first { $0.name == name }?.argument
    }

    /// The delta-seconds argument of `name`.
    public func seconds(_ name: String) -> DeltaSeconds {
        guard let directive = directives.first(where: { $0.name == name }) else { return .absent }
        return DeltaSeconds(directive.argument)
    }

    /// The field names a qualified `no-cache` or `private` lists, lowercased; empty when the directive is
    /// absent or unqualified.
    public func fieldNames(_ name: String) -> [String] {
        guard let argument = argument(name) else { return [] }
        return argument.split(separator: ",").compactMap {
            let trimmed = $0.trimmingWhitespace.lowercased()
            return trimmed.isEmpty ? nil : trimmed
        }
    }

    /// Whether `name` is present without an argument (the unqualified form of `no-cache` or `private`).
    public func isUnqualified(_ name: String) -> Bool {
        directives.contains { $0.name == name && $0.argument == nil }
    }
}

/// A delta-seconds directive argument (RFC 9111 §1.2.2).
public enum DeltaSeconds: Sendable, Hashable {
    /// The directive is not there.
    case absent
    /// Present with a valid argument, capped at 2³¹ seconds as the RFC requires of larger values.
    case valid(Int64)
    /// Present without digits only: `max-age=-1`, `max-age='5'`, `max-age=1.5`, or no argument.
    case invalid

    /// The largest value kept: RFC 9111 §1.2.2 says to treat anything larger as 2³¹.
    public static let cap: Int64 = 2_147_483_648

    /// Reads `argument`: one or more ASCII digits, leading zeros allowed.
    public init(_ argument: String?) {
        guard let argument, !argument.isEmpty else {
            self = .invalid
            return
        }
        var value: Int64 = 0
        for byte in argument.utf8 {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else {
                self = .invalid
                return
            }
            value = min(value * 10 + Int64(byte - UInt8(ascii: "0")), Self.cap)
        }
        self = .valid(value)
    }

    /// The value as a duration; `nil` unless valid.
    public var duration: Duration? {
        if case .valid(let seconds) = self { return .seconds(seconds) }
        return nil
    }
}

/// Walks a comma-separated list of `token [ "=" ( token / quoted-string ) ]` elements.
struct ListScanner {
    private let bytes: [UInt8]
    private var index = 0

    init(_ line: String) {
        bytes = Array(line.utf8)
    }

    /// One element of the list.
    enum Element {
        case directive(CacheControl.Directive)
        /// Text that is no directive, skipped up to the next comma outside quotes.
        case malformed
    }

    /// The next element, or `nil` at the end of the line.
    mutating func nextElement() -> Element? {
        skip(while: { $0 == UInt8(ascii: ",") || Self.isWhitespace($0) })
        guard index < bytes.count else { return nil }
        let nameStart = index
        skip(while: Self.isTokenByte)
        let name = String(decoding: bytes[nameStart..<index], as: UTF8.self).lowercased()
        skip(while: Self.isWhitespace)
        guard !name.isEmpty else { return skipMalformed() }
        guard index < bytes.count, bytes[index] == UInt8(ascii: "=") else {
            return endOfElement() ? .directive(CacheControl.Directive(name: name, argument: nil)) : skipMalformed()
        }
        index += 1
        skip(while: Self.isWhitespace)
        let argument: String?
        if index < bytes.count, bytes[index] == UInt8(ascii: "\"") {
            argument = quotedString()
        } else {
            let start = index
            skip(while: Self.isTokenByte)
            argument = index > start ? String(decoding: bytes[start..<index], as: UTF8.self) : nil
        }
        skip(while: Self.isWhitespace)
        guard let argument, endOfElement() else { return skipMalformed() }
        return .directive(CacheControl.Directive(name: name, argument: argument))
    }

    /// Reads a quoted string at the cursor, unescaping `\x`; `nil` when it is not closed.
    private mutating func quotedString() -> String? {
        index += 1
        var value: [UInt8] = []
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            switch byte {
            case UInt8(ascii: "\""):
                return String(decoding: value, as: UTF8.self)
            case UInt8(ascii: "\\"):
                guard index < bytes.count else { return nil }
                value.append(bytes[index])
                index += 1
            default:
                value.append(byte)
            }
        }
        return nil
    }

    private func endOfElement() -> Bool {
        index == bytes.count || bytes[index] == UInt8(ascii: ",")
    }

    /// Skips to the next comma that is not inside a quoted string.
    private mutating func skipMalformed() -> Element {
        var quoted = false
        while index < bytes.count {
            let byte = bytes[index]
            if quoted, byte == UInt8(ascii: "\\") {
                index += 2
                continue
            }
            if byte == UInt8(ascii: "\"") { quoted.toggle() }
            if !quoted, byte == UInt8(ascii: ",") { break }
            index += 1
        }
        return .malformed
    }

    private mutating func skip(while predicate: (UInt8) -> Bool) {
        while index < bytes.count, predicate(bytes[index]) { index += 1 }
    }

    static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t")
    }

    /// RFC 9110 `tchar`.
    static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        default:
            return "!#$%&'*+-.^_`|~".utf8.contains(byte)
        }
    }
}
