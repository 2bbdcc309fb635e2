#if canImport(Glibc)
import Glibc
private let systemWrite = Glibc.write
#elseif canImport(Darwin)
import Darwin
private let systemWrite = Darwin.write
#endif
public import Logging

/// A swift-log handler that writes each entry as one JSON object on one line — the format log shippers
/// read without configuration — to standard output by default.
///
/// A line holds `level`, `message`, then the metadata with keys in sorted order (so equal entries give
/// equal bytes); integers, floating-point numbers and booleans stay JSON numbers and booleans. The handler
/// adds no timestamp of its own: a record that needs one (an access-log line has `time`) carries it, read
/// from the injected wall clock, so lines are reproducible in the simulator.
///
/// ```swift
/// let access = Logger(label: "parapet.access") { _ in JSONLinesLogHandler() }
/// access.info("request", metadata: ["status": .stringConvertible(200)])
/// // {"level":"info","message":"request","status":200}
/// ```
public struct JSONLinesLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .info
    private let write: @Sendable (String) -> Void

    /// Creates a handler writing lines to standard output, one `write(2)` call per line (so lines from
    /// concurrent requests never interleave).
    public init() {
        self.init { line in Self.writeToStandardOutput(line) }
    }

    /// Creates a handler passing each line (newline included) to `write`.
    public init(write: @escaping @Sendable (String) -> Void) {
        self.write = write
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var fields = self.metadata
        if let extra = event.metadata {
            fields.merge(extra) { _, new in new }
        }
        var line = "{\"level\":\"\(event.level.rawValue)\",\"message\":"
        JSONText.appendString("\(event.message)", to: &line)
        for key in fields.keys.sorted() {
            guard let value = fields[key] else { continue }
            line += ","
            JSONText.appendString(key, to: &line)
            line += ":"
            JSONText.append(value, to: &line)
        }
        line += "}\n"
        write(line)
    }

    private static func writeToStandardOutput(_ line: String) {
        var line = line
        line.withUTF8 { bytes in
            guard let base = bytes.baseAddress else { return }
            var offset = 0
            while offset < bytes.count {
                let written = systemWrite(1, base + offset, bytes.count - offset)
                guard written > 0 else { return }
                offset += written
            }
        }
    }
}
