extension H2CUpgradeRequest {
    /// Follows a request line byte by byte and tells as early as possible whether it can begin an upgradable
    /// request (`token SP origin-form SP HTTP/1.1 CRLF`, or `OPTIONS *`), so other traffic is decided on its
    /// first bytes rather than after a whole head.
    ///
    /// ```swift
    /// var scanner = H2CUpgradeRequest.RequestLineScanner()
    /// scanner.scan(ByteBuffer(string: "\u{16}\u{03}").readableBytesView)  // .cannotQualify
    /// ```
    struct RequestLineScanner: Equatable, Sendable {
        /// What the bytes so far say.
        enum Verdict: Equatable, Sendable {
            /// The line is not complete and could still qualify.
            case undecided
            /// The line is complete and has the upgradable shape.
            case canQualify
            /// Some byte rules an upgrade out.
            case cannotQualify
        }

        /// The verdict so far; once decided, it no longer changes.
        private(set) var verdict = Verdict.undecided
        private var part = Part.method
        private var length = 0
        private var targetIsAsterisk = false

        private enum Part: Equatable, Sendable { case method, target, version }
        private static let version = Array("HTTP/1.1\r\n".utf8)

        /// Creates a scanner at the start of a request line.
        init() {}

        /// Takes the next bytes of the request, returning the verdict so far.
        @discardableResult
        mutating func scan(_ bytes: some Sequence<UInt8>) -> Verdict {
            for byte in bytes {
                guard verdict == .undecided else { break }
                verdict = step(byte)
            }
            return verdict
        }

        private mutating func step(_ byte: UInt8) -> Verdict {
            switch part {
            case .method:
                if byte == UInt8(ascii: " ") {
                    guard length > 0 else { return .cannotQualify }
                    (part, length) = (.target, 0)
                } else {
                    guard H2CUpgradeRequest.isTokenCharacter(byte) else { return .cannotQualify }
                    length += 1
                }
            case .target:
                if byte == UInt8(ascii: " ") {
                    guard length > 0 else { return .cannotQualify }
                    (part, length) = (.version, 0)
                } else {
                    guard H2CUpgradeRequest.isVisibleASCII(byte), !targetIsAsterisk else { return .cannotQualify }
                    if length == 0 {
                        guard byte == UInt8(ascii: "/") || byte == UInt8(ascii: "*") else { return .cannotQualify }
                        targetIsAsterisk = byte == UInt8(ascii: "*")
                    }
                    length += 1
                }
            case .version:
                guard length < Self.version.count, Self.version[length] == byte else { return .cannotQualify }
                length += 1
                if length == Self.version.count { return .canQualify }
            }
            return .undecided
        }
    }
}
