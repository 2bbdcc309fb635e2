extension H2CUpgradeRequest {
    /// Follows a request line byte by byte and tells as early as possible whether it can begin an upgradable
    /// request (`token SP origin-form SP HTTP/1.1 CRLF`, or `OPTIONS *`), so other traffic is decided on its
    /// first bytes rather than after a whole head — and whether the client speaks HTTP/1.x at all.
    ///
    /// A line of the request-line shape (`token SP target SP version`) whose version does not start with
    /// `HTTP/1.` cannot be served by the HTTP/1 decoder; on a cleartext port the only other protocol is HTTP/2,
    /// and RFC 9113 §3.4 makes an invalid connection preface a connection error, so such a line is a broken
    /// preface for the HTTP/2 handler to reject (h2spec 3.5 #2 sends `INVALID CONNECTION PREFACE`). Bytes not of
    /// that shape, such as a TLS ClientHello sent to a cleartext port, are HTTP/1.x, whose decoder answers `400`.
    ///
    /// ```swift
    /// var scanner = H2CUpgradeRequest.RequestLineScanner()
    /// scanner.scan(ByteBuffer(string: "\u{16}\u{03}").readableBytesView)  // .cannotQualify; version: .http1
    /// ```
    struct RequestLineScanner: Equatable, Sendable {
        /// What the bytes so far say about an upgrade.
        enum Verdict: Equatable, Sendable {
            /// The line is not complete and could still qualify.
            case undecided
            /// The line is complete and has the upgradable shape.
            case canQualify
            /// Some byte rules an upgrade out.
            case cannotQualify
        }

        /// What the bytes so far say about the protocol.
        enum Version: Equatable, Sendable {
            /// More of the line is needed.
            case undecided
            /// HTTP/1.x, or not a request line at all: the HTTP/1 decoder's to answer.
            case http1
            /// A request line naming a protocol other than HTTP/1.x.
            case otherProtocol
        }

        /// The upgrade verdict so far; once decided, it no longer changes.
        private(set) var verdict = Verdict.undecided
        /// The protocol verdict so far; once decided, it no longer changes.
        private(set) var version = Version.undecided
        private var part = Part.method
        private var length = 0
        private var targetIsAsterisk = false

        private enum Part: Equatable, Sendable { case method, target, version }
        private static let upgradableVersion = Array("HTTP/1.1\r\n".utf8)
        private static let http1Version = Array("HTTP/1.".utf8)

        /// Creates a scanner at the start of a request line.
        init() {}

        /// Takes the next bytes of the request, returning the upgrade verdict so far.
        @discardableResult
        mutating func scan(_ bytes: some Sequence<UInt8>) -> Verdict {
            for byte in bytes {
                guard verdict == .undecided || version == .undecided else { break }
                step(byte)
            }
            return verdict
        }

        private mutating func step(_ byte: UInt8) {
            switch part {
            case .method:
                if byte == UInt8(ascii: " "), length > 0 {
                    (part, length) = (.target, 0)
                } else if H2CUpgradeRequest.isTokenCharacter(byte) {
                    length += 1
                } else {
                    decide(.cannotQualify, .http1)
                }
            case .target:
                if byte == UInt8(ascii: " "), length > 0 {
                    (part, length) = (.version, 0)
                } else if H2CUpgradeRequest.isVisibleASCII(byte) {
                    if length == 0 {
                        targetIsAsterisk = byte == UInt8(ascii: "*")
                        if byte != UInt8(ascii: "/"), !targetIsAsterisk { decide(.cannotQualify, nil) }
                    } else if targetIsAsterisk {
                        decide(.cannotQualify, nil)
                    }
                    length += 1
                } else {
                    decide(.cannotQualify, .http1)
                }
            case .version:
                if length < Self.http1Version.count {
                    if byte != Self.http1Version[length] {
                        decide(.cannotQualify, .otherProtocol)
                    } else if length + 1 == Self.http1Version.count {
                        decide(nil, .http1)
                    }
                }
                if length < Self.upgradableVersion.count, byte == Self.upgradableVersion[length] {
                    if length + 1 == Self.upgradableVersion.count { decide(.canQualify, nil) }
                } else {
                    decide(.cannotQualify, nil)
                }
                length += 1
            }
        }

        /// Settles whichever verdicts are still undecided (`nil` leaves one alone).
        private mutating func decide(_ upgrade: Verdict?, _ protocolVersion: Version?) {
            if let upgrade, verdict == .undecided { verdict = upgrade }
            if let protocolVersion, version == .undecided { version = protocolVersion }
        }
    }
}
