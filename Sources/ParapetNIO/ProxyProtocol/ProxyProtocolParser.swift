import ParapetCore

/// Reads a PROXY-protocol header (v1 or v2) off the front of a connection's byte stream, as the bytes
/// trickle in. A value type with no I/O: the caller owns the bytes and the clock.
///
/// Each call to ``parse(_:)`` passes everything received so far, from the first byte of the
/// connection. The parser remembers how far it got: a v1 line is scanned once, and a v2 header is
/// checked as soon as its fixed 16 bytes are in, then copied once when its declared length has arrived.
/// Once it has decided, it keeps returning that decision.
///
/// ```swift
/// var parser = ProxyProtocolParser()
/// switch parser.parse(received.readableBytesView) {
/// case .needMoreData: break                          // wait for the next read
/// case .header(let header, let consumed): …          // the payload starts at `consumed`
/// case .notProxyProtocol: …                          // pass every byte through
/// case .invalid(let error): …                        // close the connection
/// }
/// ```
struct ProxyProtocolParser: Sendable {
    /// What the bytes so far amount to.
    enum Decision: Hashable, Sendable {
        /// They are a prefix of a header, or of a signature.
        case needMoreData
        /// A complete, valid header, which takes the first `consumed` bytes.
        case header(ProxyProtocolHeader, consumed: Int)
        /// The stream does not start with a PROXY-protocol signature; no byte was consumed.
        case notProxyProtocol
        /// The stream starts with a signature but the header is malformed.
        case invalid(ProxyProtocolError)
    }

    private enum State: Sendable {
        case detecting
        /// A v1 line whose first `scanned` bytes are checked and hold no CR.
        case v1(scanned: Int)
        case v2
        case decided(Decision)
    }

    /// The 12 bytes that open every v2 header: `\r\n\r\n\0\r\nQUIT\n`.
    static let v2Signature: [UInt8] = [0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A]
    /// The six bytes that open every v1 line.
    static let v1Signature: [UInt8] = Array("PROXY ".utf8)
    /// The longest v1 line, CRLF included.
    static let v1MaxLength = 107
    /// The length of a v2 header before its address block.
    static let v2FixedLength = 16

    private var state = State.detecting

    /// Creates a parser that has seen no byte.
    init() {}

    /// Looks at the bytes received so far, from the first byte of the connection.
    ///
    /// - Parameter bytes: everything received, each call extending the previous call's bytes.
    mutating func parse<Bytes: RandomAccessCollection<UInt8>>(_ bytes: Bytes) -> Decision where Bytes.Index == Int {
        let decision: Decision
        switch state {
        case .decided(let decided):
            return decided
        case .detecting:
            decision = detect(bytes)
        case .v1(let scanned):
            decision = continueV1(bytes, scanned: scanned)
        case .v2:
            decision = continueV2(bytes)
        }
        if decision != .needMoreData {
            state = .decided(decision)
        }
        return decision
    }

    private enum SignatureMatch {
        case complete, partial, mismatch
    }

    private static func match<Bytes: RandomAccessCollection<UInt8>>(
        _ bytes: Bytes,
        against signature: [UInt8]
    ) -> SignatureMatch {
        let count = min(bytes.count, signature.count)
        guard bytes.prefix(count).elementsEqual(signature.prefix(count)) else { return .mismatch }
        return count == signature.count ? .complete : .partial
    }

    private mutating func detect<Bytes: RandomAccessCollection<UInt8>>(_ bytes: Bytes) -> Decision
    where Bytes.Index == Int {
        let v2 = Self.match(bytes, against: Self.v2Signature)
        let v1 = Self.match(bytes, against: Self.v1Signature)
        if v2 == .complete {
            state = .v2
            return continueV2(bytes)
        }
        if v1 == .complete {
            state = .v1(scanned: Self.v1Signature.count)
            return continueV1(bytes, scanned: Self.v1Signature.count)
        }
        if v1 == .partial || v2 == .partial {
            return .needMoreData
        }
        return .notProxyProtocol
    }

    /// Scans for the CR of the line's CRLF, then parses the line.
    private mutating func continueV1<Bytes: RandomAccessCollection<UInt8>>(
        _ bytes: Bytes,
        scanned: Int
    ) -> Decision where Bytes.Index == Int {
        let start = bytes.startIndex
        // The CR may sit at most at offset 105, so that the LF ends the line at the 107th byte.
        let lastCR = Self.v1MaxLength - 2
        var offset = scanned
        while offset < min(bytes.count, lastCR + 1) {
            let byte = bytes[start + offset]
            if byte == UInt8(ascii: "\r") {
                guard offset + 1 < bytes.count else { break }
                guard bytes[start + offset + 1] == UInt8(ascii: "\n") else {
                    return .invalid(.v1InvalidCharacter(byte))
                }
                let fields = Array(bytes[(start + Self.v1Signature.count)..<(start + offset)])
                return Self.parseV1(fields: fields, consumed: offset + 2)
            }
            guard (0x20...0x7E).contains(byte) else { return .invalid(.v1InvalidCharacter(byte)) }
            offset += 1
        }
        if offset > lastCR {
            return .invalid(.v1LineTooLong)
        }
        state = .v1(scanned: offset)
        return .needMoreData
    }

    /// Checks the fixed part as soon as it is in, then waits for the declared length.
    private func continueV2<Bytes: RandomAccessCollection<UInt8>>(_ bytes: Bytes) -> Decision
    where Bytes.Index == Int {
        guard bytes.count >= Self.v2FixedLength else { return .needMoreData }
        let start = bytes.startIndex
        let prelude: V2Prelude
        switch V2Prelude.parse(
            versionAndCommand: bytes[start + 12],
            family: bytes[start + 13],
            length: Int(bytes[start + 14]) << 8 | Int(bytes[start + 15])
        ) {
        case .success(let parsed): prelude = parsed
        case .failure(let error): return .invalid(error)
        }
        let total = Self.v2FixedLength + prelude.length
        guard bytes.count >= total else { return .needMoreData }
        return Self.parseV2(Array(bytes[start..<(start + total)]), prelude: prelude)
    }
}
