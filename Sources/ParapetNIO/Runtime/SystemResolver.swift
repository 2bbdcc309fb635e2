#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
public import NIOPosix
public import ParapetCore

/// The production ``Resolver``: the system's `getaddrinfo`, run on NIO's blocking-I/O thread pool so it
/// never stalls an event loop.
///
/// ```swift
/// let addresses = try await SystemResolver().resolve(host: "localhost", port: 8080)
/// ```
public struct SystemResolver: ParapetCore.Resolver {
    private let threadPool: NIOThreadPool

    /// Creates a resolver that runs lookups on `threadPool`.
    public init(threadPool: NIOThreadPool = .singleton) {
        self.threadPool = threadPool
    }

    public func resolve(host: String, port: UInt16) async throws -> [NetworkAddress] {
        if let literal = IPAddress(host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host) {
            return [.ip(literal, port: port)]
        }
        return try await threadPool.runIfActive {
            try Self.lookUp(host: host, port: port)
        }
    }

    private static func lookUp(host: String, port: UInt16) throws -> [NetworkAddress] {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        #if canImport(Darwin)
        hints.ai_socktype = SOCK_STREAM
        #else
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #endif
        var result: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, nil, &hints, &result)
        guard status == 0 else {
            throw ResolutionError(host: host, reason: String(cString: gai_strerror(status)))
        }
        defer { freeaddrinfo(result) }
        var addresses: [NetworkAddress] = []
        var cursor = result
        while let entry = cursor?.pointee {
            if let socketAddress = entry.ai_addr {
                switch Int32(entry.ai_family) {
                case AF_INET:
                    let bytes = UnsafeRawBufferPointer(start: socketAddress, count: MemoryLayout<sockaddr_in>.size)
                    addresses.append(.ip(IPAddress(sockaddrBytes: bytes, isIPv6: false), port: port))
                case AF_INET6:
                    let bytes = UnsafeRawBufferPointer(start: socketAddress, count: MemoryLayout<sockaddr_in6>.size)
                    addresses.append(.ip(IPAddress(sockaddrBytes: bytes, isIPv6: true), port: port))
                default:
                    break
                }
            }
            cursor = entry.ai_next
        }
        var unique: [NetworkAddress] = []
        for address in addresses where !unique.contains(address) { unique.append(address) }
        guard !unique.isEmpty else { throw ResolutionError(host: host, reason: "no addresses") }
        return unique
    }
}

/// A host name that did not resolve.
public struct ResolutionError: Error, Equatable, CustomStringConvertible {
    /// The name that was looked up.
    public var host: String
    /// What the resolver said.
    public var reason: String

    public var description: String { "cannot resolve \"\(host)\": \(reason)" }
}
