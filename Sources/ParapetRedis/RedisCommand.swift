/// One Redis command: its name and arguments, each a binary-safe string.
///
/// Write commands as array literals of strings; use ``init(bytes:)`` when an argument is not text.
///
/// ```swift
/// try await client.send(["SET", "greeting", "hello", "PX", "5000"])
/// let blob = RedisCommand(bytes: [Array("SET".utf8), Array("avatar".utf8), pngBytes])
/// ```
public struct RedisCommand: Sendable, Hashable, ExpressibleByArrayLiteral {
    /// The command name followed by its arguments, as raw bytes.
    public var arguments: [[UInt8]]

    /// Creates a command from text words, the first being the command name.
    public init(_ words: [String]) {
        self.arguments = words.map { Array($0.utf8) }
    }

    /// Creates a command from raw byte strings, the first being the command name.
    public init(bytes arguments: [[UInt8]]) {
        self.arguments = arguments
    }

    /// Creates a command from a literal list of words.
    public init(arrayLiteral words: String...) {
        self.init(words)
    }
}
