// Forwarding headers (ForwardingHeaders.client / address(inEntry:)): any X-Forwarded-For lines, X-Real-IP,
// peer and trust list give a client without trapping; it matches a plain model of nginx's
// `real_ip_recursive on`, text a client prepends never moves it once an untrusted hop is found, and every
// entry that parses prints back to the same address.
import FuzzSupport

@testable import ParapetCore

/// The walk written the plain way: every entry of every line, right to left.
func modelClient(_ lines: [String], realIP: String?, peer: NetworkAddress?, trusted: TrustedProxies) -> ClientAddress {
    guard let peerAddress = peer?.ipAddress, trusted.trusts(peer) else { return ClientAddress(peer: peer) }
    let entries = lines.flatMap { line -> [Substring] in line.split(separator: ",", omittingEmptySubsequences: false) }
        .filter { entry in !entry.allSatisfy { $0 == " " || $0 == "\t" } }
    var client = peerAddress.unmapped
    for entry in entries.reversed() {
        guard let hop = ForwardingHeaders.address(inEntry: entry) else { return .ip(client) }
        client = hop.unmapped
        if !trusted.trusts(.ip(hop, port: 0)) { return .ip(client) }
    }
    if entries.isEmpty, let realIP, let named = ForwardingHeaders.address(inEntry: realIP) {
        return .ip(named.unmapped)
    }
    return .ip(client)
}

let someTrusted = try! TrustedProxies(cidrs: ["10.0.0.0/8", "2001:db8::/32", "::ffff:192.0.2.0/120", "0.0.0.0/1"])

fuzz { raw in
    var input = FuzzInput(raw)
    let trusted: TrustedProxies =
        switch input.integer(UInt8.self) % 4 {
        case 0: .privateAndLoopback
        case 1: .none
        case 2: someTrusted
        default: try! TrustedProxies(cidrs: ["0.0.0.0/0", "::/0"])
        }
    let peer: NetworkAddress? =
        switch input.integer(UInt8.self) % 4 {
        case 0: .ip(.v4(input.integer(UInt32.self)), port: 1)
        case 1: .ip(.v6(UInt128(input.integer(UInt64.self)) << 64 | UInt128(input.integer(UInt64.self))), port: 1)
        case 2: .unixSocket(path: "/s")
        default: nil
        }
    // Lines: the first is X-Real-IP (absent when empty), the rest X-Forwarded-For; a tab-prefixed last line is
    // text a client prepends.
    var lines = input.remainingText.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    let realIP = lines.isEmpty ? nil : lines.removeFirst()
    let prefix = lines.last?.hasPrefix("\t") == true ? lines.removeLast() : "6.6.6.6, x"

    let realIPValue = realIP?.isEmpty == true ? nil : realIP
    let client = ForwardingHeaders.client(forwardedFor: lines, realIP: realIPValue, peer: peer, trusting: trusted)
    let model = modelClient(lines, realIP: realIPValue, peer: peer, trusted: trusted)
    precondition(client == model, "walk \(client) ≠ model \(model) for \(lines) X-Real-IP \(realIP ?? "-")")
    let hasEntries = lines.contains { $0.contains { $0 != "," && $0 != " " && $0 != "\t" } }
    if case .ip(let address) = client {
        precondition(address == address.unmapped, "mapped client \(address)")
        if hasEntries, !trusted.trusts(.ip(address, port: 0)) {
            // An untrusted hop was found: what the client writes to its left changes nothing.
            var prefixed = lines
            prefixed[0] = prefix + "," + prefixed[0]
            let again = ForwardingHeaders.client(
                forwardedFor: prefixed, realIP: realIPValue, peer: peer, trusting: trusted)
            precondition(again == client, "prefix \(prefix) moved the client from \(client) to \(again)")
        }
    }
    for entry in lines.flatMap({ line -> [Substring] in line.split(separator: ",") }) {
        guard let address = ForwardingHeaders.address(inEntry: entry) else { continue }
        precondition(IPAddress("\(address)") == address, "\(address) does not parse back")
        let bracketed = address.isIPv4 && !"\(address)".contains(":") ? "\(address):80" : "[\(address)]:80"
        precondition(ForwardingHeaders.address(inEntry: bracketed) == address, "\(bracketed) ≠ \(address)")
    }
}
