/// A line and column in an expression's source, both counted from 1; columns count Unicode scalars.
public struct SourceLocation: Sendable, Hashable, CustomStringConvertible {
    /// The line, from 1.
    public var line: Int
    /// The column in Unicode scalars, from 1.
    public var column: Int

    /// Finds the line and column of a byte offset in UTF-8 source.
    init(offset: Int, in source: [UInt8]) {
        var line = 1
        var column = 1
        var index = 0
        let end = min(offset, source.count)
        while index < end {
            let byte = source[index]
            if byte == UInt8(ascii: "\n") {
                line += 1
                column = 1
            } else if byte & 0xC0 != 0x80 {
                column += 1
            }
            index += 1
        }
        self.line = line
        self.column = column
    }

    public var description: String { "\(line):\(column)" }
}

/// Why an expression could not be parsed, and where.
public struct SyntaxError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong, e.g. `integer literal out of range`.
    public var message: String
    /// Where, as a byte offset into the UTF-8 source.
    public var offset: Int
    /// Where, as line and column.
    public var location: SourceLocation

    public var description: String { "\(location): \(message)" }
}
