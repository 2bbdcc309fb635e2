import ParapetSimulation
/// Measures how deep a YAML text nests its collections without parsing it, so that a file nested deeper than
/// a limit is refused before Yams (whose composer, like the node conversion after it, recurses once per level)
/// sees it.
///
/// It counts block collections by indentation — each `key:` opens a mapping at its column, each `- ` a sequence
/// entry, and a line pops every level at or right of its own column (a `- ` keeps a mapping at its column: a
/// sequence may sit under its key without indentation) — plus the flow collections (`[`, `{`) open at each
/// point. It knows enough of the syntax not to count what is text: quoted scalars (which open only where a
/// scalar starts, with `''` and `\"` escapes, across lines), comments (a `#` at a line's start or after
/// whitespace), block scalars (`|`, `>` and the lines indented under them) and brackets inside plain scalars.
///
/// ```swift
/// let deep = String(repeating: "- ", count: 300) + "x"
/// YAMLNestingScanner.firstExcess(in: deep, maximumDepth: 200)   // SourcePosition(line: 1, column: 401)
/// ```
struct YAMLNestingScanner {
    private enum Quote { case single, double }

    private struct Level {
        var column: Int
        var isSequenceEntry: Bool
    }

    private let maximumDepth: Int
    private var levels: [Level] = []
    private var flowDepth = 0
    private var quote: Quote?
    /// While inside a block scalar: the column its lines must be indented beyond.
    private var blockScalarParent: Int?

    private init(maximumDepth: Int) {
        self.maximumDepth = maximumDepth
    }

    /// Where the text first nests deeper than `maximumDepth` (line and column of the opening indicator, 1-based,
    /// columns in UTF-8 bytes); `nil` when it never does.
    static func firstExcess(in text: String, maximumDepth: Int) -> SourcePosition? {
        var scanner = YAMLNestingScanner(maximumDepth: maximumDepth)
        for (index, line) in text.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
            .enumerated()
        {
            if let column = scanner.scan(Array(line)) {
                return SourcePosition(line: index + 1, column: column + 1)
            }
        }
        return nil
    }

    /// Scans one line (without its LF); the 0-based column where the limit is exceeded, if it is.
    private mutating func scan(_ line: [UInt8]) -> Int? {
        let indent = line.prefix { $0 == UInt8(ascii: " ") }.count
        let isBlank = line[indent...].allSatisfy { $0 == UInt8(ascii: "\r") || $0 == UInt8(ascii: "\t") }
        if let parent = blockScalarParent {
            if isBlank || indent > parent { return nil }
            blockScalarParent = nil
        }
        var position = 0
        if quote == nil && flowDepth == 0 {
            // Block context: the line's indentation closes levels, then its indicators open new ones.
            if isBlank || line[indent] == UInt8(ascii: "#") { return nil }
            if indent == 0, line.starts(with: Array("---".utf8)) || line.starts(with: Array("...".utf8)) {
                levels.removeAll()
                return nil
            }
            position = indent
            let startsWithDash = Self.isIndicator(UInt8(ascii: "-"), at: position, in: line)
            levels.removeAll { $0.column > indent || ($0.column == indent && ($0.isSequenceEntry || !startsWithDash)) }
            while let byte = line[safe: position], byte == UInt8(ascii: "-") || byte == UInt8(ascii: "?"),
                Self.isIndicator(byte, at: position, in: line)
            {
                levels.append(Level(column: position, isSequenceEntry: byte == UInt8(ascii: "-")))
                if levels.count > maximumDepth { return position }
                position += 1
                while line[safe: position] == UInt8(ascii: " ") { position += 1 }
            }
        }
        return scanContent(line, from: position)
    }

    /// Scans quoted scalars, comments, flow collections and mapping keys from `start` to the line's end.
    private mutating func scanContent(_ line: [UInt8], from start: Int) -> Int? {
        let contentColumn = start
        var isScalarStart = true
        var index = start
        while index < line.count {
            let byte = line[index]
            defer { index += 1 }
            if let open = quote {
                switch (open, byte) {
                case (.double, UInt8(ascii: "\\")): index += 1
                case (.double, UInt8(ascii: "\"")): quote = nil
                case (.single, UInt8(ascii: "'")):
                    if line[safe: index + 1] == UInt8(ascii: "'") { index += 1 } else { quote = nil }
                default: break
                }
                isScalarStart = false
                continue
            }
            let isAfterSpace =
                index == 0 || line[index - 1] == UInt8(ascii: " ") || line[index - 1] == UInt8(ascii: "\t")
            switch byte {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"):
                continue
            case UInt8(ascii: "#") where isAfterSpace:
                return nil
            case UInt8(ascii: "\""), UInt8(ascii: "'"):
                if isScalarStart { quote = byte == UInt8(ascii: "\"") ? .double : .single }
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                guard isScalarStart || flowDepth > 0 else { break }
                flowDepth += 1
                if levels.count + flowDepth > maximumDepth { return index }
                isScalarStart = true
                continue
            case UInt8(ascii: "]"), UInt8(ascii: "}"):
                guard flowDepth > 0 else { break }
                flowDepth -= 1
            case UInt8(ascii: ","):
                if flowDepth > 0 {
                    isScalarStart = true
                    continue
                }
            case UInt8(ascii: ":"):
                let next = line[safe: index + 1]
                guard
                    next == nil || next == UInt8(ascii: " ") || next == UInt8(ascii: "\t")
                        || next == UInt8(ascii: "\r") || (flowDepth > 0 && next == UInt8(ascii: ","))
                else { break }
                if flowDepth == 0 {
                    // A block mapping key: its mapping is a level at the key's column.
                    if levels.last?.column != contentColumn || levels.last?.isSequenceEntry == true {
                        levels.append(Level(column: contentColumn, isSequenceEntry: false))
                        if levels.count > maximumDepth { return contentColumn }
                    }
                    if Self.startsBlockScalar(line[(index + 1)...]) {
                        blockScalarParent = contentColumn
                        return nil
                    }
                }
                isScalarStart = true
                continue
            case UInt8(ascii: "&"), UInt8(ascii: "!"):
                // An anchor or a tag is a property of the node that follows it, which may still open a
                // collection (`&a [[…`, `!!seq [[…`): skip the name, which ends at a blank or a flow indicator.
                guard isScalarStart else { break }
                while let next = line[safe: index + 1], !Self.endsPropertyName(next) { index += 1 }
                continue
            case UInt8(ascii: "|"), UInt8(ascii: ">"):
                if isScalarStart, flowDepth == 0, Self.startsBlockScalar(line[index...]) {
                    blockScalarParent = levels.last?.column ?? -1
                    return nil
                }
            default:
                break
            }
            isScalarStart = false
        }
        return nil
    }

    /// Whether `byte` ends an anchor or tag name: a blank, or a flow indicator (which YAML 1.2 keeps out of
    /// both names).
    private static func endsPropertyName(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"), UInt8(ascii: ","), UInt8(ascii: "["),
            UInt8(ascii: "]"), UInt8(ascii: "{"), UInt8(ascii: "}"):
            true
        default: false
        }
    }

    /// Whether `byte` at `index` is an indicator: followed by a space, a tab or the line's end.
    private static func isIndicator(_ byte: UInt8, at index: Int, in line: [UInt8]) -> Bool {
        guard line[safe: index] == byte else { return false }
        let next = line[safe: index + 1]
        return next == nil || next == UInt8(ascii: " ") || next == UInt8(ascii: "\t") || next == UInt8(ascii: "\r")
    }

    /// Whether `rest` (after a key's colon, or from a `|`/`>`) is a block scalar header: `|` or `>`, optional
    /// chomping and indentation indicators, then nothing but a comment.
    private static func startsBlockScalar(_ rest: ArraySlice<UInt8>) -> Bool {
        let text = rest.drop { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
        guard let first = text.first, first == UInt8(ascii: "|") || first == UInt8(ascii: ">") else { return false }
        let header = text.dropFirst().prefix {
            $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "-") || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0)
        }
        let after = text.dropFirst(1 + header.count)
        let trimmed = after.drop { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") || $0 == UInt8(ascii: "\r") }
        return trimmed.isEmpty || (trimmed.first == UInt8(ascii: "#") && trimmed.count < after.count)
    }
}

extension Array {
    fileprivate subscript(safe index: Int) -> Element? {
        indices.contains(index) ? self[index] : nil
    }
}
