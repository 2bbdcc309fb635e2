import NIOCore
import ParapetCore

extension NetworkAddress {
    /// The address of a NIO socket address; `nil` for kinds Parapet does not model.
    init?(_ socketAddress: SocketAddress) {
        let port = UInt16(clamping: socketAddress.port ?? 0)
        switch socketAddress {
        case .v4(let address):
            let ip = withUnsafeBytes(of: address.address) { IPAddress(sockaddrBytes: $0, isIPv6: false) }
            self = .ip(ip, port: port)
        case .v6(let address):
            let ip = withUnsafeBytes(of: address.address) { IPAddress(sockaddrBytes: $0, isIPv6: true) }
            self = .ip(ip, port: port)
        case .unixDomainSocket:
            self = .unixSocket(path: socketAddress.pathname ?? "")
        }
    }
}

extension IPAddress {
    /// The address in the bytes of a `sockaddr_in` (`isIPv6` false) or `sockaddr_in6`.
    ///
    /// Both layouts are fixed by POSIX practice: family and port take the first four bytes, then
    /// `sin_addr` follows at once while `sin6_addr` follows a four-byte flow label.
    init(sockaddrBytes bytes: UnsafeRawBufferPointer, isIPv6: Bool) {
        if isIPv6 {
            self = .v6(bytes[8..<24].reduce(UInt128(0)) { $0 << 8 | UInt128($1) })
        } else {
            self = .v4(bytes[4..<8].reduce(UInt32(0)) { $0 << 8 | UInt32($1) })
        }
    }
}
