extension CleartextHTTP2Sniffer {
    /// Follows the first line of bytes that are not the HTTP/2 preface and tells whether the client speaks
    /// HTTP/1.x, so that a client naming another protocol is answered as a broken HTTP/2 connection.
    ///
    /// A line of the request-line shape (`token SP target SP version`) whose version does not start with
    /// `HTTP/1.` cannot be served by the HTTP/1 decoder; the only other protocol on the port is HTTP/2, and
    /// RFC 9113 §3.4 makes an invalid connection preface a connection error: the HTTP/2 handler answers
    /// `GOAWAY(PROTOCOL_ERROR)` and the connection closes (h2spec 3.5 #2 sends `INVALID CONNECTION PREFACE`).
    /// Anything else — a valid HTTP/1.x line, or bytes not of that shape, such as a TLS ClientHello sent to a
    /// cleartext port — is HTTP/1.x, whose decoder answers `400` to what it cannot parse.
    ///
    /// ```swift
    /// var scanner = CleartextHTTP2Sniffer.VersionScanner()
    /// scanner.scan(Array("INVALID CONNECTION PREFACE\r\n".utf8))  // .otherProtocol
    /// ```
    struct VersionScanner: Equatable, Sendable {
        /// What the bytes so far say.
        enum Verdict: Equatable, Sendable {
            /// More of the line is needed.
            case undecided
            /// HTTP/1.x, or not a request line at all: the HTTP/1 decoder's to answer.
            case http1
            /// A request line naming a protocol other than HTTP/1.x.
            case otherProtocol
        }

        /// The verdict so far; once decided, it no longer changes.
        private(set) var verdict = Verdict.undecided
        private var part = Part.method
        private var length = 0

        private enum Part: Equatable, Sendable { case method, target, version }
        private static let versionPrefix = Array("HTTP/1.".utf8)

        /// Creates a scanner at the start of a line.
        init() {}

        /// Takes the next bytes, returning the verdict so far.
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
                    guard length > 0 else { return .http1 }
                    (part, length) = (.target, 0)
                } else {
                    guard H2CUpgradeRequest.isTokenCharacter(byte) else { return .http1 }
                    length += 1
                }
            case .target:
                if byte == UInt8(ascii: " ") {
                    guard length > 0 else { return .http1 }
                    (part, length) = (.version, 0)
                } else {
                    guard H2CUpgradeRequest.isVisibleASCII(byte) else { return .http1 }
                    length += 1
                }
            case .version:
                guard byte == Self.versionPrefix[length] else { return .otherProtocol }
                length += 1
                if length == Self.versionPrefix.count { return .http1 }
            }
            return .undecided
        }
    }
}
